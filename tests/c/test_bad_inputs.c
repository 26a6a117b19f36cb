/* The bad-input catalogue: one row per distinct bad input on the C surface (NULL for each
 * pointer argument of each kind of function, lengths that do not match the text, invalid UTF-8,
 * output buffers too small, impossible dates in the typed structs, money the typed paths refuse,
 * unknown presets and plans, malformed JSON). Each row asserts
 *   - the exact ams_result returned, and that ams_last_error_code() agrees,
 *   - the exact ams_result_message() of that code,
 *   - the exact detail: ams_last_error_message() and ams_last_error_path(),
 *   - that no output was written (outputs are filled with a poison byte first and must still
 *     hold it; an engine_out must still hold its marker pointer).
 * The only output written on failure is documented: INSUFFICIENT_SIZE writes the needed size
 * to out_n, and the catalogue checks that value. Errors *inside* a gateway answer (a malformed
 * request document) are not call failures: those rows check AMS_RESULT_OK and the exact error
 * document instead. Before every row the thread's last error is set to a different failure, so a
 * row cannot pass on a stale detail. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"
#include "members.h"

#define POISON 0xA5

static int rows = 0;

/* 1 if all `n` bytes at `p` still hold the poison byte. */
static int untouched(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != POISON) {
            return 0;
        }
    }
    return 1;
}

/* Reads one part of the last error into a static buffer as a NUL-terminated string. */
static const char *last(ams_result (*read)(char *, size_t, size_t *)) {
    static char buf[2][1024];
    static int which = 0;
    which ^= 1;
    size_t n = 0;
    if (read(buf[which], sizeof buf[which] - 1, &n) != AMS_RESULT_OK) {
        return "(unreadable)";
    }
    buf[which][n] = '\0';
    return buf[which];
}

/* The last error that prime() leaves. */
#define PRIMER_MESSAGE "unknown preset `(primer)` (known: amscore, civicrm, tendenci)"

/* Sets the thread's last error to a failure no row expects. */
static void prime(void) {
    ams_engine *e = NULL;
    ams_result r = ams_engine_new_from_preset(S("(primer)"), &e);
    if (r != AMS_RESULT_UNKNOWN_PRESET || e != NULL) {
        fprintf(stderr, "the primer did not fail as expected\n");
        check_failures++;
    }
}

/* Checks one row of the catalogue. */
static void row(const char *name, ams_result got, ams_result want, const char *want_result_message,
                const char *want_message, const char *want_path, int outputs_untouched) {
    rows++;
    check_count++;
    int ok = 1;
    if (got != want) {
        fprintf(stderr, "%s: returned %s (%u), expected %s (%u)\n", name, ams_result_name(got), (unsigned)got,
                ams_result_name(want), (unsigned)want);
        ok = 0;
    }
    if (ams_last_error_code() != want) {
        fprintf(stderr, "%s: ams_last_error_code() is %u\n", name, (unsigned)ams_last_error_code());
        ok = 0;
    }
    if (strcmp(ams_result_message(want), want_result_message) != 0) {
        fprintf(stderr, "%s: ams_result_message is \"%s\"\n", name, ams_result_message(want));
        ok = 0;
    }
    const char *message = last(ams_last_error_message);
    if (strcmp(message, want_message) != 0) {
        fprintf(stderr, "%s: last error message\n   got  \"%s\"\n   want \"%s\"\n", name, message, want_message);
        ok = 0;
    }
    const char *path = last(ams_last_error_path);
    if (strcmp(path, want_path) != 0) {
        fprintf(stderr, "%s: last error path \"%s\", expected \"%s\"\n", name, path, want_path);
        ok = 0;
    }
    if (!outputs_untouched) {
        fprintf(stderr, "%s: an output was written\n", name);
        ok = 0;
    }
    if (!ok) {
        check_failures++;
    }
}

/* A row for a gateway call that succeeds with an error document: the exact document. */
static void document_row(const char *name, const ams_engine *e, const char *req, size_t req_len,
                         const char *want_document) {
    rows++;
    check_count++;
    char buf[1024];
    size_t n = 0;
    ams_result r = ams_engine_call(e, req, req_len, buf, sizeof buf - 1, &n);
    buf[r == AMS_RESULT_OK ? n : 0] = '\0';
    if (r != AMS_RESULT_OK || strcmp(buf, want_document) != 0) {
        fprintf(stderr, "%s: returned %s, document\n   got  %s\n   want %s\n", name, ams_result_name(r), buf,
                want_document);
        check_failures++;
    }
}

/* The call is made first, then the output checks are evaluated (function arguments have no
 * evaluation order in C, so the checks must not sit beside the call in one argument list). */
#define ROW(name, call, ...)            \
    do {                                \
        ams_result got_ = (call);       \
        row((name), got_, __VA_ARGS__); \
    } while (0)
#define READER_ROW(name, call, ...)            \
    do {                                       \
        ams_result got_ = (call);              \
        reader_row((name), got_, __VA_ARGS__); \
    } while (0)

static ams_renew_request renew_request(void) {
    ams_renew_request req;
    memset(&req, 0, sizeof req);
    req.membership = individual();
    req.at.date = d(2026, 1, 2);
    req.at.hour = 9;
    req.terms = 1;
    return req;
}

static char marker;
#define MARKER ((ams_engine *)(void *)&marker)

/* Engine construction: ams_engine_new_from_json, ams_engine_new_from_preset. */
static void construction(void) {
    ams_engine *out = MARKER;

    prime();
    ROW("new_from_json: json NULL", ams_engine_new_from_json(NULL, 5, &out), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "json is NULL", "json", out == MARKER);
    prime();
    ROW("new_from_json: engine_out NULL", ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\"}"), NULL),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "engine_out is NULL", "engine_out", 1);
    prime();
    ROW("new_from_preset: name NULL", ams_engine_new_from_preset(NULL, 7, &out), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "name is NULL", "name", out == MARKER);
    prime();
    ROW("new_from_preset: engine_out NULL", ams_engine_new_from_preset(S("amscore"), NULL), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "engine_out is NULL", "engine_out", 1);

    prime();
    ROW("new_from_preset: unknown preset", ams_engine_new_from_preset(S("wordpress"), &out), AMS_RESULT_UNKNOWN_PRESET,
        "unknown preset", "unknown preset `wordpress` (known: amscore, civicrm, tendenci)", "", out == MARKER);
    prime();
    ROW("new_from_json: policy names an unknown preset",
        ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"wordpress\"}"), &out), AMS_RESULT_UNKNOWN_PRESET,
        "unknown preset", "preset: unknown preset `wordpress` (known: amscore, civicrm, tendenci)", "preset", out == MARKER);
    /* len one short of "amscore": the library reads exactly len bytes, so this is "amscor". */
    prime();
    ROW("new_from_preset: len shorter than the name", ams_engine_new_from_preset("amscore", 6, &out),
        AMS_RESULT_UNKNOWN_PRESET, "unknown preset", "unknown preset `amscor` (known: amscore, civicrm, tendenci)", "", out == MARKER);
    /* len cutting the policy document short: the JSON ends early. */
    prime();
    ROW("new_from_json: len shorter than the document",
        ams_engine_new_from_json("{\"version\": 1, \"preset\": \"amscore\"}", 20, &out), AMS_RESULT_POLICY_SYNTAX,
        "policy syntax error", "EOF while parsing a string at line 1 column 20", "", out == MARKER);
    prime();
    ROW("new_from_preset: invalid UTF-8 in the name", ams_engine_new_from_preset(S("amsc\xE9re"), &out),
        AMS_RESULT_INVALID_UTF8, "a string argument was not valid UTF-8", "name: invalid UTF-8 at byte 4", "name",
        out == MARKER);
    prime();
    ROW("new_from_json: invalid UTF-8 in the policy",
        ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"ams\xC3\x28\"}"), &out), AMS_RESULT_INVALID_UTF8,
        "a string argument was not valid UTF-8", "json: invalid UTF-8 at byte 29", "json", out == MARKER);
    prime();
    ROW("new_from_json: malformed JSON (trailing comma)",
        ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\",}"), &out), AMS_RESULT_POLICY_SYNTAX,
        "policy syntax error", "trailing comma at line 1 column 36", "", out == MARKER);
    prime();
    ROW("new_from_json: not an object", ams_engine_new_from_json(S("true"), &out), AMS_RESULT_POLICY_SYNTAX,
        "policy syntax error", "a policy must be a JSON object", "", out == MARKER);
    prime();
    ROW("new_from_json: empty document", ams_engine_new_from_json("", 0, &out), AMS_RESULT_POLICY_SYNTAX,
        "policy syntax error", "EOF while parsing a value at line 1 column 0", "", out == MARKER);
    prime();
    ROW("new_from_json: plan id of the wrong type",
        ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\", \"plans\": [{\"id\": 3}]}"), &out),
        AMS_RESULT_POLICY_SYNTAX, "policy syntax error",
        "plans[0].id: invalid type: integer `3`, expected a string", "plans[0].id", out == MARKER);
    prime();
    ROW("new_from_json: unsupported version", ams_engine_new_from_json(S("{\"version\": 99, \"preset\": \"amscore\"}"), &out),
        AMS_RESULT_UNSUPPORTED_VERSION, "unsupported policy version", "version: unsupported policy version 99 (this amscore reads version 1)",
        "version", out == MARKER);
}

/* The JSON gateway: ams_engine_call. */
static void gateway(const ams_engine *e) {
    const char *req = "{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"2025-01-15\"}";
    const size_t req_len = strlen(req);
    char buf[256];
    size_t n;

#define POISON_OUT() (memset(buf, POISON, sizeof buf), memset(&n, POISON, sizeof n))
    POISON_OUT();
    prime();
    ROW("call: engine NULL", ams_engine_call(NULL, req, req_len, buf, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "engine is NULL", "engine", untouched(buf, sizeof buf) && untouched(&n, sizeof n));
    POISON_OUT();
    prime();
    ROW("call: request NULL", ams_engine_call(e, NULL, 10, buf, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "request is NULL", "request", untouched(buf, sizeof buf) && untouched(&n, sizeof n));
    POISON_OUT();
    prime();
    ROW("call: out_buf NULL", ams_engine_call(e, req, req_len, NULL, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "out_buf is NULL", "out_buf", untouched(&n, sizeof n));
    POISON_OUT();
    prime();
    ROW("call: out_n NULL", ams_engine_call(e, req, req_len, buf, sizeof buf, NULL), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "out_n is NULL", "out_n", untouched(buf, sizeof buf));

    POISON_OUT();
    prime();
    ROW("call: invalid UTF-8 in the request",
        ams_engine_call(e, S("{\"op\":\"join_term\",\"plan\":\"indiv\xFF\"}"), buf, sizeof buf, &n),
        AMS_RESULT_INVALID_UTF8, "a string argument was not valid UTF-8", "request: invalid UTF-8 at byte 31",
        "request", untouched(buf, sizeof buf) && untouched(&n, sizeof n));

    /* The answer's size, then out_cap 0 and one byte too small: refused, buffer untouched, the
     * needed size (and only it) written to out_n. */
    size_t needed = 0;
    char probe[1];
    prime();
    CHECK_RESULT(ams_engine_call(e, req, req_len, probe, 0, &needed), AMS_RESULT_INSUFFICIENT_SIZE);
    CHECK(needed > 1 && needed < sizeof buf);
    char want_message[128];
    POISON_OUT();
    prime();
    snprintf(want_message, sizeof want_message, "the output buffer holds 0 bytes; %zu are needed", needed);
    ROW("call: out_cap 0", ams_engine_call(e, req, req_len, buf, 0, &n), AMS_RESULT_INSUFFICIENT_SIZE,
        "the output buffer is too small", want_message, "", untouched(buf, sizeof buf) && n == needed);
    POISON_OUT();
    prime();
    snprintf(want_message, sizeof want_message, "the output buffer holds %zu bytes; %zu are needed", needed - 1,
             needed);
    ROW("call: out_cap one byte too small", ams_engine_call(e, req, req_len, buf, needed - 1, &n),
        AMS_RESULT_INSUFFICIENT_SIZE, "the output buffer is too small", want_message, "",
        untouched(buf, sizeof buf) && n == needed);
    /* Then the right size: the whole answer. */
    POISON_OUT();
    CHECK_RESULT(ams_engine_call(e, req, req_len, buf, needed, &n), AMS_RESULT_OK);
    CHECK(n == needed && memcmp(buf, "{\"ok\":", 6) == 0 && untouched(buf + needed, sizeof buf - needed));
#undef POISON_OUT

    /* Errors inside the answer: the call succeeds and the document says what is wrong. */
    document_row("call: malformed request JSON", e, S("{\"op\": \"join_term\", "),
                 "{\"error\":{\"code\":1601,\"message\":\"EOF while parsing a value at line 1 column 20\","
                 "\"name\":\"request_syntax\",\"path\":\"\"}}");
    document_row("call: req_len shorter than the request", e, req, 20,
                 "{\"error\":{\"code\":1601,\"message\":\"EOF while parsing a string at line 1 column 20\","
                 "\"name\":\"request_syntax\",\"path\":\"\"}}");
    document_row("call: unknown operation", e, S("{\"op\": \"teleport\"}"),
                 "{\"error\":{\"code\":1604,\"message\":\"op: unknown operation `teleport`\","
                 "\"name\":\"unknown_operation\",\"path\":\"op\"}}");
    document_row("call: unknown plan id", e, S("{\"op\":\"join_term\",\"plan\":\"platinum\",\"date\":\"2025-01-15\"}"),
                 "{\"error\":{\"code\":1301,\"message\":\"unknown plan `platinum`\",\"name\":\"unknown_plan\"}}");
    document_row("call: impossible date in the request", e,
                 S("{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"2025-02-30\"}"),
                 "{\"error\":{\"code\":1601,\"message\":\"date: invalid date `2025-02-30`: expected YYYY-MM-DD\","
                 "\"name\":\"request_syntax\",\"path\":\"date\"}}");
}

/* The last-error readers: a NULL argument or a small buffer fails without replacing the last
 * error (reading it never changes it), so the detail must still be the primer's. */
static void reader_row(const char *name, ams_result got, ams_result want, const char *want_result_message,
                       int outputs_untouched) {
    rows++;
    check_count++;
    const char *message = last(ams_last_error_message);
    const char *path = last(ams_last_error_path);
    if (got != want || strcmp(ams_result_message(got), want_result_message) != 0 ||
        ams_last_error_code() != AMS_RESULT_UNKNOWN_PRESET || strcmp(message, PRIMER_MESSAGE) != 0 ||
        strcmp(path, "") != 0 || !outputs_untouched) {
        fprintf(stderr, "%s: returned %s; last error %u \"%s\" at \"%s\"; outputs untouched: %d\n", name,
                ams_result_name(got), (unsigned)ams_last_error_code(), message, path, outputs_untouched);
        check_failures++;
    }
}

static void last_error_readers(void) {
    char buf[64];
    size_t n;
    const size_t primer_len = strlen(PRIMER_MESSAGE);
    memset(buf, POISON, sizeof buf);
    memset(&n, POISON, sizeof n);
    prime();
    READER_ROW("last_error_message: buf NULL", ams_last_error_message(NULL, 10, &n), AMS_RESULT_NULL_PARAMETER,
               "a pointer argument was NULL", untouched(&n, sizeof n));
    prime();
    READER_ROW("last_error_path: out_n NULL", ams_last_error_path(buf, sizeof buf, NULL), AMS_RESULT_NULL_PARAMETER,
               "a pointer argument was NULL", untouched(buf, sizeof buf));
    prime();
    READER_ROW("last_error_message: cap one byte too small", ams_last_error_message(buf, primer_len - 1, &n),
               AMS_RESULT_INSUFFICIENT_SIZE, "the output buffer is too small",
               untouched(buf, sizeof buf) && n == primer_len);
}

/* The typed paths: status, join and renewal terms, quote totals, the renewal decision. */
static void typed(const ams_engine *e) {
    ams_membership m = individual();
    ams_member_status st;
    ams_join_term j;
    ams_renewal rn;
    ams_money total;
    ams_decision dec;

    /* NULL for each pointer argument, one function of each shape. */
    memset(&st, POISON, sizeof st);
    prime();
    ROW("status_on: engine NULL", ams_engine_status_on(NULL, &m, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "engine is NULL", "engine", untouched(&st, sizeof st));
    prime();
    ROW("status_on: membership NULL", ams_engine_status_on(e, NULL, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "membership is NULL", "membership", untouched(&st, sizeof st));
    prime();
    ROW("status_on: status_out NULL", ams_engine_status_on(e, &m, d(2025, 6, 1), NULL), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "status_out is NULL", "status_out", 1);
    m.plan = NULL;
    prime();
    ROW("status_on: membership.plan NULL", ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "membership.plan is NULL", "membership.plan", untouched(&st, sizeof st));
    m = individual();

    memset(&j, POISON, sizeof j);
    prime();
    ROW("join_term: plan NULL", ams_engine_join_term(e, NULL, 3, d(2025, 1, 15), 1, &j), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "plan is NULL", "plan", untouched(&j, sizeof j));
    prime();
    ROW("join_term: term_out NULL", ams_engine_join_term(e, S("individual"), d(2025, 1, 15), 1, NULL),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "term_out is NULL", "term_out", 1);
    prime();
    ROW("renewal_term: renewal_out NULL", ams_engine_renewal_term(e, &m, d(2026, 1, 2), 1, NULL),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "renewal_out is NULL", "renewal_out", 1);
    prime();
    ROW("quote_join_total: total_out NULL", ams_engine_quote_join_total(e, S("individual"), d(2025, 1, 15), 1, 0, NULL),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "total_out is NULL", "total_out", 1);
    memset(&total, POISON, sizeof total);
    prime();
    ROW("quote_renewal_total: membership NULL", ams_engine_quote_renewal_total(e, NULL, d(2026, 1, 2), 1, 0, &total),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "membership is NULL", "membership",
        untouched(&total, sizeof total));
    ams_renew_request req = renew_request();
    memset(&dec, POISON, sizeof dec);
    prime();
    ROW("decide_renew: request NULL", ams_engine_decide_renew(e, NULL, &dec), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "request is NULL", "request", untouched(&dec, sizeof dec));
    prime();
    ROW("decide_renew: decision_out NULL", ams_engine_decide_renew(e, &req, NULL), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "decision_out is NULL", "decision_out", 1);

    /* Lengths and UTF-8 of typed string arguments. */
    memset(&j, POISON, sizeof j);
    prime();
    ROW("join_term: plan_len shorter than the plan id", ams_engine_join_term(e, "individual", 5, d(2025, 1, 15), 1, &j),
        AMS_RESULT_UNKNOWN_PLAN, "unknown plan", "unknown plan `indiv`", "", untouched(&j, sizeof j));
    m.plan = "indiv\xC0idual";
    m.plan_len = strlen(m.plan);
    memset(&st, POISON, sizeof st);
    prime();
    ROW("status_on: invalid UTF-8 in membership.plan", ams_engine_status_on(e, &m, d(2025, 6, 1), &st),
        AMS_RESULT_INVALID_UTF8, "a string argument was not valid UTF-8", "membership.plan: invalid UTF-8 at byte 5",
        "membership.plan", untouched(&st, sizeof st));
    m = individual();

    /* Impossible dates in the typed date struct. */
    memset(&st, POISON, sizeof st);
    prime();
    ROW("status_on: 2025-02-30", ams_engine_status_on(e, &m, d(2025, 2, 30), &st), AMS_RESULT_INVALID_DATE,
        "invalid date", "date: invalid date `2025-02-30`: expected YYYY-MM-DD", "date", untouched(&st, sizeof st));
    memset(&j, POISON, sizeof j);
    prime();
    ROW("join_term: month 13", ams_engine_join_term(e, S("individual"), d(2025, 13, 1), 1, &j), AMS_RESULT_INVALID_DATE,
        "invalid date", "date: invalid date `2025-13-01`: expected YYYY-MM-DD", "date", untouched(&j, sizeof j));
    prime();
    ROW("join_term: day 0", ams_engine_join_term(e, S("individual"), d(2025, 1, 0), 1, &j), AMS_RESULT_INVALID_DATE,
        "invalid date", "date: invalid date `2025-01-00`: expected YYYY-MM-DD", "date", untouched(&j, sizeof j));
    prime();
    ROW("join_term: 2025-02-29 (not a leap year)", ams_engine_join_term(e, S("individual"), d(2025, 2, 29), 1, &j),
        AMS_RESULT_INVALID_DATE, "invalid date", "date: invalid date `2025-02-29`: expected YYYY-MM-DD", "date", untouched(&j, sizeof j));
    prime();
    ROW("join_term: year 10000", ams_engine_join_term(e, S("individual"), d(10000, 1, 1), 1, &j),
        AMS_RESULT_INVALID_DATE, "invalid date", "date: invalid date `10000-01-01`: expected YYYY-MM-DD", "date", untouched(&j, sizeof j));
    m.term_end = d(2025, 4, 31);
    memset(&rn, POISON, sizeof rn);
    prime();
    ROW("renewal_term: membership.term_end 2025-04-31", ams_engine_renewal_term(e, &m, d(2026, 1, 2), 1, &rn),
        AMS_RESULT_INVALID_DATE, "invalid date", "membership.term_end: invalid date `2025-04-31`: expected YYYY-MM-DD",
        "membership.term_end", untouched(&rn, sizeof rn));
    m = individual();
    req = renew_request();
    req.at.hour = 24;
    memset(&dec, POISON, sizeof dec);
    prime();
    ROW("decide_renew: hour 24", ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_INVALID_PARAMETER,
        "an argument value is out of range", "request.at: 24:00:00 is not a time of day", "request.at",
        untouched(&dec, sizeof dec));

    /* Enumerations and counts out of range. */
    m.override_status = 42;
    memset(&st, POISON, sizeof st);
    prime();
    ROW("status_on: override_status 42", ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_INVALID_PARAMETER,
        "an argument value is out of range", "membership.override_status: 42 is not an ams_status",
        "membership.override_status", untouched(&st, sizeof st));
    m = individual();
    memset(&j, POISON, sizeof j);
    prime();
    ROW("join_term: 0 terms", ams_engine_join_term(e, S("individual"), d(2025, 1, 15), 0, &j),
        AMS_RESULT_INVALID_TERM_COUNT, "invalid number of terms", "cannot buy 0 terms at once: must be 1 to 3", "",
        untouched(&j, sizeof j));

    /* Unknown plan ids on the typed paths. */
    prime();
    ROW("join_term: unknown plan", ams_engine_join_term(e, S("platinum"), d(2025, 1, 15), 1, &j),
        AMS_RESULT_UNKNOWN_PLAN, "unknown plan", "unknown plan `platinum`", "", untouched(&j, sizeof j));
    m.plan = "platinum";
    m.plan_len = strlen(m.plan);
    memset(&total, POISON, sizeof total);
    prime();
    ROW("quote_renewal_total: unknown plan", ams_engine_quote_renewal_total(e, &m, d(2026, 1, 2), 1, 0, &total),
        AMS_RESULT_UNKNOWN_PLAN, "unknown plan", "unknown plan `platinum`", "", untouched(&total, sizeof total));
    m = individual();
    prime();
    ROW("quote_join_total: seats on a plan without seats",
        ams_engine_quote_join_total(e, S("individual"), d(2025, 1, 15), 1, 5, &total), AMS_RESULT_PLAN_HAS_NO_SEATS,
        "the plan has no seats", "plan `individual` has no seats", "", untouched(&total, sizeof total));

    /* Money on the typed decision path (balance_due, in minor units). */
    req = renew_request();
    req.has_balance_due = true;
    req.balance_due.minor_units = -1;
    memcpy(req.balance_due.currency, "USD", 4);
    memset(&dec, POISON, sizeof dec);
    prime();
    ROW("decide_renew: negative balance_due", ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_REQUEST_NEGATIVE_AMOUNT,
        "negative amount in request", "member.balance_due.amount: -0.01 must not be negative",
        "member.balance_due.amount", untouched(&dec, sizeof dec));
    req.balance_due.minor_units = INT64_MIN;
    prime();
    ROW("decide_renew: balance_due INT64_MIN", ams_engine_decide_renew(e, &req, &dec),
        AMS_RESULT_REQUEST_NEGATIVE_AMOUNT, "negative amount in request",
        "member.balance_due.amount: -92233720368547758.08 must not be negative",
        "member.balance_due.amount",
        untouched(&dec, sizeof dec));
    req.balance_due.minor_units = 100;
    memcpy(req.balance_due.currency, "XYZ", 4);
    prime();
    ROW("decide_renew: unknown currency", ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_UNKNOWN_CURRENCY,
        "not an ISO 4217 currency code", "request.balance_due.currency: unknown currency `XYZ`",
        "request.balance_due.currency", untouched(&dec, sizeof dec));
    memcpy(req.balance_due.currency, "USDX", 4);
    prime();
    ROW("decide_renew: currency code not NUL-terminated", ams_engine_decide_renew(e, &req, &dec),
        AMS_RESULT_UNKNOWN_CURRENCY, "not an ISO 4217 currency code",
        "request.balance_due.currency: unknown currency `USDX`", "request.balance_due.currency",
        untouched(&dec, sizeof dec));
    req.balance_due.currency[0] = (char)0xFF;
    req.balance_due.currency[1] = '\0';
    prime();
    ROW("decide_renew: currency code not UTF-8", ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_INVALID_UTF8,
        "a string argument was not valid UTF-8", "request.balance_due.currency: invalid UTF-8",
        "request.balance_due.currency", untouched(&dec, sizeof dec));
}

/* A term end that disagrees with the plan's kind: an annual plan's term with no end
 * (`lifetime` set, the typed struct's "no end") and a lifetime plan's term with an end. Every
 * typed call that reads a membership refuses it, and so does the gateway. */
static void term_end_and_plan_kind(const ams_engine *e) {
#define MISSING_MESSAGE "plan `individual` is not a lifetime plan: its term needs an end"
#define ON_LIFETIME_MESSAGE "plan `lifetime` is a lifetime plan: its term has no end (given 2026-01-14)"
    ams_membership no_end = individual();
    no_end.lifetime = true;
    ams_membership lifetime_with_end = individual();
    lifetime_with_end.plan = "lifetime";
    lifetime_with_end.plan_len = strlen(lifetime_with_end.plan);
    const ams_membership *members[2] = {&no_end, &lifetime_with_end};
    const ams_result codes[2] = {AMS_RESULT_TERM_END_MISSING, AMS_RESULT_TERM_END_ON_LIFETIME_PLAN};
    const char *result_messages[2] = {"term end missing on a plan that is not lifetime", "term end on a lifetime plan"};
    const char *messages[2] = {MISSING_MESSAGE, ON_LIFETIME_MESSAGE};
    const char *decide_messages[2] = {"member.membership.term: " MISSING_MESSAGE,
                                      "member.membership.term: " ON_LIFETIME_MESSAGE};
    const char *names[2][5] = {
        {"status_on: annual plan, no term end", "renewal_term: annual plan, no term end",
         "quote_renewal_total: annual plan, no term end", "decide_renew: annual plan, no term end",
         "assess: annual plan, no term end"},
        {"status_on: lifetime plan with a term end", "renewal_term: lifetime plan with a term end",
         "quote_renewal_total: lifetime plan with a term end", "decide_renew: lifetime plan with a term end",
         "assess: lifetime plan with a term end"},
    };
    for (int i = 0; i < 2; i++) {
        const ams_membership *m = members[i];
        ams_member_status st;
        ams_renewal rn;
        ams_money total;
        ams_decision dec;
        ams_assessment as;
        memset(&st, POISON, sizeof st);
        prime();
        ROW(names[i][0], ams_engine_status_on(e, m, d(2025, 6, 1), &st), codes[i], result_messages[i], messages[i], "",
            untouched(&st, sizeof st));
        memset(&rn, POISON, sizeof rn);
        prime();
        ROW(names[i][1], ams_engine_renewal_term(e, m, d(2026, 1, 2), 1, &rn), codes[i], result_messages[i],
            messages[i], "", untouched(&rn, sizeof rn));
        memset(&total, POISON, sizeof total);
        prime();
        ROW(names[i][2], ams_engine_quote_renewal_total(e, m, d(2026, 1, 2), 1, 0, &total), codes[i],
            result_messages[i], messages[i], "", untouched(&total, sizeof total));
        /* The decision refuses the facts as a decision error, with the path of the request's term. */
        ams_renew_request req = renew_request();
        req.membership = *m;
        memset(&dec, POISON, sizeof dec);
        prime();
        ROW(names[i][3], ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_INCONSISTENT_MEMBER_FACTS,
            "inconsistent member facts", decide_messages[i], "member.membership.term", untouched(&dec, sizeof dec));
        for (int decide = 0; decide < 2; decide++) {
            memset(&as, POISON, sizeof as);
            prime();
            ROW(names[i][4], ams_engine_assess(e, m, d(2026, 1, 2), 1, decide, &as), codes[i], result_messages[i],
                messages[i], "", untouched(&as, sizeof as));
        }
    }
    document_row("call: status_on, annual plan, membership without term end", e,
                 S("{\"op\":\"status_on\",\"date\":\"2025-06-01\",\"membership\":{\"member_id\":\"M\","
                   "\"plan\":\"individual\",\"member_since\":\"2025-01-15\",\"term\":{\"start\":\"2025-01-15\"}}}"),
                 "{\"error\":{\"code\":1307,\"message\":\"" MISSING_MESSAGE "\",\"name\":\"term_end_missing\"}}");
    document_row("call: status_on, lifetime plan with a term end", e,
                 S("{\"op\":\"status_on\",\"date\":\"2025-06-01\",\"membership\":{\"member_id\":\"M\","
                   "\"plan\":\"lifetime\",\"member_since\":\"2025-01-15\",\"term\":{\"start\":\"2025-01-15\","
                   "\"end\":\"2026-01-14\"}}}"),
                 "{\"error\":{\"code\":1308,\"message\":\"" ON_LIFETIME_MESSAGE
                 "\",\"name\":\"term_end_on_lifetime_plan\"}}");
#undef MISSING_MESSAGE
#undef ON_LIFETIME_MESSAGE
}

/* The assessment: NULL for each pointer argument, an impossible date, an unknown plan. */
static void assessment(const ams_engine *e) {
    ams_membership m = individual();
    ams_assessment as;
    memset(&as, POISON, sizeof as);
    prime();
    ROW("assess: engine NULL", ams_engine_assess(NULL, &m, d(2025, 6, 1), 1, true, &as), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "engine is NULL", "engine", untouched(&as, sizeof as));
    prime();
    ROW("assess: membership NULL", ams_engine_assess(e, NULL, d(2025, 6, 1), 1, true, &as), AMS_RESULT_NULL_PARAMETER,
        "a pointer argument was NULL", "membership is NULL", "membership", untouched(&as, sizeof as));
    prime();
    ROW("assess: assessment_out NULL", ams_engine_assess(e, &m, d(2025, 6, 1), 1, true, NULL),
        AMS_RESULT_NULL_PARAMETER, "a pointer argument was NULL", "assessment_out is NULL", "assessment_out", 1);
    prime();
    ROW("assess: 2025-02-30", ams_engine_assess(e, &m, d(2025, 2, 30), 1, false, &as), AMS_RESULT_INVALID_DATE,
        "invalid date", "date: invalid date `2025-02-30`: expected YYYY-MM-DD", "date", untouched(&as, sizeof as));
    prime();
    ROW("assess: date before joining", ams_engine_assess(e, &m, d(2025, 1, 14), 1, true, &as),
        AMS_RESULT_DATE_BEFORE_JOIN, "date before the member joined",
        "2025-01-14 is before the member joined on 2025-01-15", "", untouched(&as, sizeof as));
    m.plan = "platinum";
    m.plan_len = strlen(m.plan);
    prime();
    ROW("assess: unknown plan", ams_engine_assess(e, &m, d(2025, 6, 1), 1, true, &as), AMS_RESULT_UNKNOWN_PLAN,
        "unknown plan", "unknown plan `platinum`", "", untouched(&as, sizeof as));
}

/* Lengths above the largest input an argument takes: (size_t)-1 and one byte above the maximum
 * (AMS_MAX_DOCUMENT_LEN for JSON documents, AMS_MAX_ID_LEN for ids and names), on every entry
 * point that takes a length. The library refuses them before reading a byte (the pointers here
 * point at a few bytes: valgrind and ASan would see a read past them). */
static void lengths(const ams_engine *e) {
    const size_t lens[2][2] = {{SIZE_MAX, AMS_MAX_DOCUMENT_LEN + 1}, {SIZE_MAX, AMS_MAX_ID_LEN + 1}};
    const char *what[2] = {"(size_t)-1", "one byte above the maximum"};
    char name[128];
    char message[2][2][128];
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 2; i++) {
            snprintf(message[k][i], sizeof message[k][i], "%zu bytes is more than the %zu this argument takes",
                     lens[k][i], k == 0 ? (size_t)AMS_MAX_DOCUMENT_LEN : (size_t)AMS_MAX_ID_LEN);
        }
    }
    char expected[256];
#define TOO_LONG AMS_RESULT_INPUT_TOO_LONG, "a length argument is above the largest input"
#define EXPECT(argument, k, i) (snprintf(expected, sizeof expected, "%s: %s", (argument), message[k][i]), expected)
#define NAME(call, i) (snprintf(name, sizeof name, "%s: %s", (call), what[i]), name)
    for (int i = 0; i < 2; i++) {
        ams_engine *out = MARKER;
        prime();
        ROW(NAME("new_from_json: len", i), ams_engine_new_from_json("{}", lens[0][i], &out), TOO_LONG,
            EXPECT("json", 0, i), "json", out == MARKER);
        prime();
        ROW(NAME("new_from_preset: len", i), ams_engine_new_from_preset("amscore", lens[1][i], &out), TOO_LONG,
            EXPECT("name", 1, i), "name", out == MARKER);

        char buf[64];
        size_t n;
        memset(buf, POISON, sizeof buf);
        memset(&n, POISON, sizeof n);
        prime();
        ROW(NAME("call: req_len", i), ams_engine_call(e, "{}", lens[0][i], buf, sizeof buf, &n), TOO_LONG,
            EXPECT("request", 0, i), "request", untouched(buf, sizeof buf) && untouched(&n, sizeof n));

        ams_join_term j;
        memset(&j, POISON, sizeof j);
        prime();
        ROW(NAME("join_term: plan_len", i), ams_engine_join_term(e, "individual", lens[1][i], d(2025, 1, 15), 1, &j),
            TOO_LONG, EXPECT("plan", 1, i), "plan", untouched(&j, sizeof j));
        ams_money total;
        memset(&total, POISON, sizeof total);
        prime();
        ROW(NAME("quote_join_total: plan_len", i),
            ams_engine_quote_join_total(e, "individual", lens[1][i], d(2025, 1, 15), 1, 0, &total), TOO_LONG,
            EXPECT("plan", 1, i), "plan", untouched(&total, sizeof total));

        ams_membership m = individual();
        m.plan_len = lens[1][i];
        ams_member_status st;
        memset(&st, POISON, sizeof st);
        prime();
        ROW(NAME("status_on: membership.plan_len", i), ams_engine_status_on(e, &m, d(2025, 6, 1), &st), TOO_LONG,
            EXPECT("membership.plan", 1, i), "membership.plan", untouched(&st, sizeof st));
        ams_renewal rn;
        memset(&rn, POISON, sizeof rn);
        prime();
        ROW(NAME("renewal_term: membership.plan_len", i), ams_engine_renewal_term(e, &m, d(2026, 1, 2), 1, &rn),
            TOO_LONG, EXPECT("membership.plan", 1, i), "membership.plan", untouched(&rn, sizeof rn));
        memset(&total, POISON, sizeof total);
        prime();
        ROW(NAME("quote_renewal_total: membership.plan_len", i),
            ams_engine_quote_renewal_total(e, &m, d(2026, 1, 2), 1, 0, &total), TOO_LONG,
            EXPECT("membership.plan", 1, i), "membership.plan", untouched(&total, sizeof total));
        ams_assessment as;
        memset(&as, POISON, sizeof as);
        prime();
        ROW(NAME("assess: membership.plan_len", i), ams_engine_assess(e, &m, d(2026, 1, 2), 1, true, &as), TOO_LONG,
            EXPECT("membership.plan", 1, i), "membership.plan", untouched(&as, sizeof as));
        ams_renew_request req = renew_request();
        req.membership = m;
        ams_decision dec;
        memset(&dec, POISON, sizeof dec);
        prime();
        ROW(NAME("decide_renew: membership.plan_len", i), ams_engine_decide_renew(e, &req, &dec), TOO_LONG,
            EXPECT("membership.plan", 1, i), "membership.plan", untouched(&dec, sizeof dec));
    }
#undef TOO_LONG
#undef EXPECT
#undef NAME
}

/* The core's one date grammar and its JSON reading: dates of years 1 to 9999 only (typed and
 * JSON), a key given twice refused in a policy and in a request, and a death or cancellation
 * before the join refused (1309, 1310). */
static void grammar(const ams_engine *e) {
    ams_engine *out = MARKER;
    prime();
    ROW("new_from_json: a price given twice",
        ams_engine_new_from_json(S("{\"version\": 1, \"plans\": [{\"id\": \"p\", \"name\": \"P\", \"term\": {\"kind\": "
                                   "\"lifetime\"}, \"prices\": {\"currency\": \"USD\", \"dues\": \"1\", \"dues\": \"2\"}}]}"),
                                 &out),
        AMS_RESULT_POLICY_SYNTAX, "policy syntax error", "plans[0].prices: duplicate field `dues`", "plans[0].prices",
        out == MARKER);
    prime();
    ROW("new_from_json: version given twice",
        ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\", \"version\": 1}"), &out),
        AMS_RESULT_POLICY_SYNTAX, "policy syntax error", "duplicate field `version`", "", out == MARKER);
    document_row("call: a field given twice", e,
                 S("{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"2025-01-15\",\"date\":\"2025-01-16\"}"),
                 "{\"error\":{\"code\":1601,\"message\":\"duplicate field `date`\",\"name\":\"request_syntax\","
                 "\"path\":\"\"}}");
    document_row("call: a date with a plus sign", e, S("{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"+2024-01-01\"}"),
                 "{\"error\":{\"code\":1601,\"message\":\"date: invalid date `+2024-01-01`: expected YYYY-MM-DD\","
                 "\"name\":\"request_syntax\",\"path\":\"date\"}}");
    document_row("call: a date in year 0", e, S("{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"0000-01-01\"}"),
                 "{\"error\":{\"code\":1601,\"message\":\"date: invalid date `0000-01-01`: expected YYYY-MM-DD\","
                 "\"name\":\"request_syntax\",\"path\":\"date\"}}");

    ams_membership m = individual();
    ams_member_status st;
    memset(&st, POISON, sizeof st);
    prime();
    ROW("status_on: date in year 0", ams_engine_status_on(e, &m, d(0, 6, 1), &st), AMS_RESULT_INVALID_DATE,
        "invalid date", "date: invalid date `0000-06-01`: expected YYYY-MM-DD", "date", untouched(&st, sizeof st));
    m.member_since = d(-1, 1, 15);
    prime();
    ROW("status_on: member_since before year 1", ams_engine_status_on(e, &m, d(2025, 6, 1), &st),
        AMS_RESULT_INVALID_DATE, "invalid date", "membership.member_since: invalid date `-001-01-15`: expected YYYY-MM-DD",
        "membership.member_since", untouched(&st, sizeof st));
    m = individual();
    m.has_deceased_on = true;
    m.deceased_on = d(2024, 12, 31);
    prime();
    ROW("status_on: deceased before joining", ams_engine_status_on(e, &m, d(2025, 6, 1), &st),
        AMS_RESULT_DECEASED_BEFORE_JOIN, "member died before joining",
        "deceased on 2024-12-31, before the member joined on 2025-01-15", "", untouched(&st, sizeof st));
    m = individual();
    m.has_cancelled_on = true;
    m.cancelled_on = d(2025, 1, 14);
    ams_assessment as;
    memset(&as, POISON, sizeof as);
    prime();
    ROW("assess: cancelled before joining", ams_engine_assess(e, &m, d(2025, 6, 1), 1, true, &as),
        AMS_RESULT_CANCELLED_BEFORE_JOIN, "membership cancelled before joining",
        "cancelled on 2025-01-14, before the member joined on 2025-01-15", "", untouched(&as, sizeof as));
}

int main(void) {
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_preset(S("amscore"), &e), AMS_RESULT_OK);
    if (e == NULL) {
        return check_summary("test_bad_inputs");
    }
    construction();
    gateway(e);
    last_error_readers();
    typed(e);
    term_end_and_plan_kind(e);
    assessment(e);
    lengths(e);
    grammar(e);
    ams_engine_free(e);
    printf("bad inputs: %d catalogue rows\n", rows);
    return check_summary("test_bad_inputs");
}
