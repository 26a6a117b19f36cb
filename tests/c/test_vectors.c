/* Runs every shared vector (the tests/vectors JSON files, paths given on the command line) through the
 * C API: the case's policy through ams_engine_new_from_json, the request through
 * ams_engine_call. The response is parsed and compared structurally with `expect` by json.c:
 * `ok` must equal exactly; for `error`, `code` and `name` must equal and `message` and `path`
 * too when given. A failed policy is answered with the error document built from the result
 * code and the thread's last error, as the Rust runner does with the core's error document. */
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"
#include "json.h"

/* Writes `len` bytes of `text` as the inside of a JSON string to `out` (room for 6 bytes per
 * input byte); returns the bytes written. */
static size_t json_escape(const char *text, size_t len, char *out) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '"' || ch == '\\') {
            out[n++] = '\\';
            out[n++] = (char)ch;
        } else if (ch < 0x20) {
            n += (size_t)sprintf(out + n, "\\u%04x", (unsigned)ch);
        } else {
            out[n++] = (char)ch;
        }
    }
    return n;
}

/* The response to a case whose policy failed to compile, as JSON text. */
static char *policy_error_document(ams_result r) {
    char msg[1024];
    char path[512];
    size_t msg_n = 0;
    size_t path_n = 0;
    if (ams_last_error_message(msg, sizeof msg, &msg_n) != AMS_RESULT_OK ||
        ams_last_error_path(path, sizeof path, &path_n) != AMS_RESULT_OK) {
        return NULL;
    }
    /* Messages and paths may hold quotes, backslashes and control characters: escape them
     * (at most 6 bytes each, as \u00XX). */
    char *doc = malloc(6 * (msg_n + path_n) + 256);
    if (doc == NULL) {
        return NULL;
    }
    size_t n = (size_t)sprintf(doc, "{\"error\":{\"code\":%u,\"name\":\"%s\",\"message\":\"", (unsigned)r,
                               ams_result_name(r));
    n += json_escape(msg, msg_n, doc + n);
    n += (size_t)sprintf(doc + n, "\",\"path\":\"");
    n += json_escape(path, path_n, doc + n);
    strcpy(doc + n, "\"}}");
    return doc;
}

/* Sends a request through the gateway, starting with a small buffer and growing it to the size
 * the library asks for. Returns malloc'd text (NUL added by us) or NULL. */
static char *gateway(const ams_engine *engine, const char *req, size_t req_len) {
    size_t cap = 16;
    char *buf = malloc(cap + 1);
    size_t n = 0;
    ams_result r = ams_engine_call(engine, req, req_len, buf, cap, &n);
    if (r == AMS_RESULT_INSUFFICIENT_SIZE) {
        CHECK(n > cap);
        cap = n;
        free(buf);
        buf = malloc(cap + 1);
        size_t m = 0;
        r = ams_engine_call(engine, req, req_len, buf, cap, &m);
        CHECK(m == n);
        n = m;
    }
    CHECK_RESULT(r, AMS_RESULT_OK);
    if (r != AMS_RESULT_OK) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int compare(const char *name, const json_value *expect, const json_value *response, const char *text) {
    const json_value *ok = json_get(expect, "ok");
    const json_value *want = json_get(expect, "error");
    if (ok != NULL) {
        if (json_equal(ok, json_get(response, "ok"))) {
            return 1;
        }
        fprintf(stderr, "%s: expected ok %.*s\n   got %s\n", name, (int)ok->src_len, ok->src, text);
        return 0;
    }
    const json_value *got = json_get(response, "error");
    if (want == NULL || want->kind != JSON_OBJECT || got == NULL) {
        fprintf(stderr, "%s: expected %.*s\n   got %s\n", name, (int)expect->src_len, expect->src, text);
        return 0;
    }
    if (json_get(want, "code") == NULL || json_get(want, "name") == NULL) {
        fprintf(stderr, "%s: an expected error must give code and name\n", name);
        return 0;
    }
    for (size_t i = 0; i < want->count; i++) {
        const char *key = want->keys[i];
        if (strcmp(key, "code") != 0 && strcmp(key, "name") != 0 && strcmp(key, "message") != 0 &&
            strcmp(key, "path") != 0) {
            fprintf(stderr, "%s: unknown key `%s` in expected error\n", name, key);
            return 0;
        }
        if (!json_equal(want->items[i], json_get(got, key))) {
            fprintf(stderr, "%s: error %s: expected %.*s\n   got %s\n", name, key, (int)want->items[i]->src_len,
                    want->items[i]->src, text);
            return 0;
        }
    }
    return 1;
}

/* With --mismatches every case must FAIL the comparison: proves the comparison can fail. */
static int expect_mismatch = 0;

static void run_case(const json_value *file_policy, const json_value *c) {
    const json_value *name_v = json_get(c, "name");
    const char *name = name_v != NULL && name_v->kind == JSON_STRING ? name_v->string : "(unnamed)";
    const json_value *policy = json_get(c, "policy");
    if (policy == NULL) {
        policy = file_policy;
    }
    const json_value *request = json_get(c, "request");
    const json_value *expect = json_get(c, "expect");
    CHECK(policy != NULL && request != NULL && expect != NULL);
    if (policy == NULL || request == NULL || expect == NULL) {
        return;
    }
    ams_engine *engine = NULL;
    ams_result r = ams_engine_new_from_json(policy->src, policy->src_len, &engine);
    char *text = r == AMS_RESULT_OK ? gateway(engine, request->src, request->src_len) : policy_error_document(r);
    ams_engine_free(engine);
    CHECK(text != NULL);
    if (text == NULL) {
        return;
    }
    char err[256];
    json_value *response = json_parse(text, strlen(text), err, sizeof err);
    if (response == NULL) {
        fprintf(stderr, "%s: response is not JSON (%s): %s\n", name, err, text);
    }
    check_count++;
    if (expect_mismatch) {
        if (response == NULL || compare(name, expect, response, text)) {
            fprintf(stderr, "%s: expected a mismatch, but the response matched\n", name);
            check_failures++;
        }
    } else if (response == NULL || !compare(name, expect, response, text)) {
        check_failures++;
    }
    json_free(response);
    free(text);
}

/* Case names seen so far (copies): names must be unique across all files, as in the Rust runner. */
static char **seen_names = NULL;
static size_t seen_count = 0;

/* Checks what the Rust runner checks of a case besides its answer: a name, unique across all
 * files, and a non-empty `checks` saying what it checks. */
static void check_case_metadata(const char *file, const json_value *c) {
    const json_value *name = json_get(c, "name");
    const json_value *checks = json_get(c, "checks");
    if (name == NULL || name->kind != JSON_STRING) {
        fprintf(stderr, "%s: a case without a name\n", file);
        check_failures++;
        return;
    }
    if (checks == NULL || checks->kind != JSON_STRING || checks->string[0] == '\0') {
        fprintf(stderr, "%s: %s: say what it checks\n", file, name->string);
        check_failures++;
    }
    for (size_t i = 0; i < seen_count; i++) {
        if (strcmp(seen_names[i], name->string) == 0) {
            fprintf(stderr, "%s: duplicate case name %s\n", file, name->string);
            check_failures++;
            return;
        }
    }
    char **grown = realloc(seen_names, (seen_count + 1) * sizeof *seen_names);
    size_t n = strlen(name->string) + 1;
    char *copy = malloc(n);
    CHECK(grown != NULL && copy != NULL);
    if (grown == NULL || copy == NULL) {
        free(copy);
        free(grown == NULL ? seen_names : grown);
        seen_names = NULL;
        seen_count = 0;
        return;
    }
    memcpy(copy, name->string, n);
    seen_names = grown;
    seen_names[seen_count++] = copy;
}

/* The file name of a path, for the per-file lines. */
static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash == NULL ? path : slash + 1;
}

int main(int argc, char **argv) {
    int cases = 0;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--mismatches") == 0) {
        expect_mismatch = 1;
        first = 2;
    }
    CHECK(argc > first);
    for (int i = first; i < argc; i++) {
        size_t len;
        char *text = read_file(argv[i], &len);
        if (text == NULL) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        char err[256];
        json_value *doc = json_parse(text, len, err, sizeof err);
        if (doc == NULL) {
            fprintf(stderr, "%s: %s\n", argv[i], err);
            free(text);
            return 1;
        }
        const json_value *list = json_get(doc, "cases");
        CHECK(list != NULL && list->kind == JSON_ARRAY && list->count > 0);
        int failures_before = check_failures;
        int file_cases = 0;
        for (size_t k = 0; list != NULL && k < list->count; k++) {
            if (!expect_mismatch) {
                check_case_metadata(argv[i], list->items[k]);
            }
            run_case(json_get(doc, "policy"), list->items[k]);
            file_cases++;
        }
        /* Every case of every file is run: there is no skip list. */
        printf("  %-32s %4d cases, %s\n", base_name(argv[i]), file_cases,
               check_failures == failures_before ? (expect_mismatch ? "all mismatched" : "all passed")
                                                 : "FAILURES (see above)");
        cases += file_cases;
        json_free(doc);
        free(text);
    }
    for (size_t i = 0; i < seen_count; i++) {
        free(seen_names[i]);
    }
    free(seen_names);
    printf("vectors: %d cases from %d files, 0 skipped%s\n", cases, argc - first,
           expect_mismatch ? " (each must mismatch)" : "");
    return check_summary("test_vectors");
}
