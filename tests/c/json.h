/* A small JSON reader for the C test suite: parses a document into a tree, keeps each value's
 * source text (so a policy or request can be passed on verbatim), and compares two values
 * structurally (objects by key regardless of order, strings after unescaping, numbers by value). */
#ifndef AMS_TEST_JSON_H
#define AMS_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_kind;

typedef struct json_value json_value;

struct json_value {
    json_kind kind;
    const char *src;     /* the value's text in the parsed document */
    size_t src_len;
    bool boolean;
    double number;
    char *string;        /* unescaped, NUL-terminated (JSON_STRING) */
    size_t string_len;
    size_t count;        /* elements or members */
    json_value **items;  /* array elements or member values */
    char **keys;         /* member names, unescaped (JSON_OBJECT) */
};

/* Parses `len` bytes of `text` (which must outlive the tree). NULL on a syntax error, with a
 * description in `err` (`err_cap` bytes). */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_cap);
void json_free(json_value *v);
/* The member `key` of an object, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);
/* Structural equality. */
bool json_equal(const json_value *a, const json_value *b);
/* Reads a whole file into a NUL-terminated buffer (free it); NULL on failure. */
char *read_file(const char *path, size_t *len_out);

#endif
