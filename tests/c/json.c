/* A small JSON reader for the C test suite; see json.h. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
    const char *end;
    char *err;
    size_t err_cap;
    int failed;
} parser;

static void fail(parser *ps, const char *what) {
    if (!ps->failed) {
        snprintf(ps->err, ps->err_cap, "%s at byte offset %ld", what, (long)(ps->end - ps->p));
        ps->failed = 1;
    }
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static json_value *new_value(json_kind kind, const char *src) {
    json_value *v = calloc(1, sizeof *v);
    if (v != NULL) {
        v->kind = kind;
        v->src = src;
    }
    return v;
}

static int hex4(parser *ps, unsigned *out) {
    unsigned u = 0;
    for (int i = 0; i < 4; i++) {
        if (ps->p >= ps->end) {
            return 0;
        }
        char c = *ps->p++;
        u <<= 4;
        if (c >= '0' && c <= '9') {
            u |= (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            u |= (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            u |= (unsigned)(c - 'A' + 10);
        } else {
            return 0;
        }
    }
    *out = u;
    return 1;
}

static size_t put_utf8(char *out, unsigned cp) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string starting at the opening quote; returns a malloc'd unescaped copy. */
static char *parse_string(parser *ps, size_t *len_out) {
    ps->p++; /* opening quote */
    const char *start = ps->p;
    /* The unescaped text is never longer than the escaped text. */
    size_t cap = 1;
    for (const char *q = start; q < ps->end && *q != '"'; q++) {
        cap++;
        if (*q == '\\' && q + 1 < ps->end) {
            q++;
            cap++;
        }
    }
    char *out = malloc(cap + 4);
    if (out == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p++;
        if (c < 0x20) {
            fail(ps, "control character in string");
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[n++] = (char)c;
            continue;
        }
        if (ps->p >= ps->end) {
            break;
        }
        char e = *ps->p++;
        switch (e) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(ps, &cp)) {
                fail(ps, "bad \\u escape");
                free(out);
                return NULL;
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    fail(ps, "lone surrogate");
                    free(out);
                    return NULL;
                }
                ps->p += 2;
                if (!hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, "bad surrogate pair");
                    free(out);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default:
            fail(ps, "bad escape");
            free(out);
            return NULL;
        }
    }
    if (ps->p >= ps->end) {
        fail(ps, "unterminated string");
        free(out);
        return NULL;
    }
    ps->p++; /* closing quote */
    out[n] = '\0';
    *len_out = n;
    return out;
}

static json_value *parse_value(parser *ps, int depth);

static int push(parser *ps, json_value *parent, json_value *child, char *key) {
    json_value **items = realloc(parent->items, (parent->count + 1) * sizeof *items);
    if (items == NULL) {
        fail(ps, "out of memory");
        return 0;
    }
    parent->items = items;
    if (parent->kind == JSON_OBJECT) {
        char **keys = realloc(parent->keys, (parent->count + 1) * sizeof *keys);
        if (keys == NULL) {
            fail(ps, "out of memory");
            return 0;
        }
        parent->keys = keys;
        parent->keys[parent->count] = key;
    }
    parent->items[parent->count++] = child;
    return 1;
}

static json_value *parse_container(parser *ps, int depth, json_kind kind) {
    char close = kind == JSON_ARRAY ? ']' : '}';
    json_value *v = new_value(kind, ps->p);
    if (v == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        v->src_len = (size_t)(ps->p - v->src);
        return v;
    }
    for (;;) {
        char *key = NULL;
        if (kind == JSON_OBJECT) {
            skip_ws(ps);
            size_t klen;
            if (ps->p >= ps->end || *ps->p != '"' || (key = parse_string(ps, &klen)) == NULL) {
                fail(ps, "expected a member name");
                json_free(v);
                return NULL;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                fail(ps, "expected ':'");
                free(key);
                json_free(v);
                return NULL;
            }
            ps->p++;
        }
        json_value *child = parse_value(ps, depth + 1);
        if (child == NULL || !push(ps, v, child, key)) {
            free(key);
            json_free(child);
            json_free(v);
            return NULL;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            v->src_len = (size_t)(ps->p - v->src);
            return v;
        }
        fail(ps, kind == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'");
        json_free(v);
        return NULL;
    }
}

static int literal(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
        ps->p += n;
        return 1;
    }
    return 0;
}

static json_value *parse_value(parser *ps, int depth) {
    if (depth > 64) {
        fail(ps, "nested too deeply");
        return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end");
        return NULL;
    }
    const char *start = ps->p;
    json_value *v = NULL;
    char c = *ps->p;
    if (c == '{') {
        return parse_container(ps, depth, JSON_OBJECT);
    }
    if (c == '[') {
        return parse_container(ps, depth, JSON_ARRAY);
    }
    if (c == '"') {
        size_t n;
        char *s = parse_string(ps, &n);
        if (s == NULL) {
            return NULL;
        }
        v = new_value(JSON_STRING, start);
        if (v == NULL) {
            free(s);
            fail(ps, "out of memory");
            return NULL;
        }
        v->string = s;
        v->string_len = n;
    } else if (literal(ps, "null")) {
        v = new_value(JSON_NULL, start);
    } else if (literal(ps, "true") || literal(ps, "false")) {
        v = new_value(JSON_BOOL, start);
        if (v != NULL) {
            v->boolean = *start == 't';
        }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t n = 0;
        while (ps->p < ps->end && n < sizeof buf - 1 && strchr("+-.eE0123456789", *ps->p) != NULL) {
            buf[n++] = *ps->p++;
        }
        buf[n] = '\0';
        char *rest;
        double d = strtod(buf, &rest);
        if (*rest != '\0') {
            fail(ps, "bad number");
            return NULL;
        }
        v = new_value(JSON_NUMBER, start);
        if (v != NULL) {
            v->number = d;
        }
    } else {
        fail(ps, "unexpected character");
        return NULL;
    }
    if (v == NULL) {
        fail(ps, "out of memory");
        return NULL;
    }
    v->src_len = (size_t)(ps->p - start);
    return v;
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_cap) {
    parser ps = {text, text + len, err, err_cap, 0};
    json_value *v = parse_value(&ps, 0);
    if (v != NULL) {
        skip_ws(&ps);
        if (ps.p != ps.end) {
            fail(&ps, "trailing characters");
            json_free(v);
            return NULL;
        }
    }
    return v;
}

void json_free(json_value *v) {
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *obj, const char *key) {
    if (obj == NULL || obj->kind != JSON_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < obj->count; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return obj->items[i];
        }
    }
    return NULL;
}

bool json_equal(const json_value *a, const json_value *b) {
    if (a == NULL || b == NULL || a->kind != b->kind) {
        return false;
    }
    switch (a->kind) {
    case JSON_NULL:
        return true;
    case JSON_BOOL:
        return a->boolean == b->boolean;
    case JSON_NUMBER:
        return a->number == b->number;
    case JSON_STRING:
        return a->string_len == b->string_len && memcmp(a->string, b->string, a->string_len) == 0;
    case JSON_ARRAY:
        if (a->count != b->count) {
            return false;
        }
        for (size_t i = 0; i < a->count; i++) {
            if (!json_equal(a->items[i], b->items[i])) {
                return false;
            }
        }
        return true;
    case JSON_OBJECT:
        if (a->count != b->count) {
            return false;
        }
        for (size_t i = 0; i < a->count; i++) {
            if (!json_equal(a->items[i], json_get(b, a->keys[i]))) {
                return false;
            }
        }
        return true;
    }
    return false;
}

char *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    size_t cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = (len + 4096 + 1) * 2;
            char *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096) {
            break;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}
