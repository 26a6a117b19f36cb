/* Eight threads share one engine and run the same workload (gateway, typed status, join,
 * quote and assessment calls) at once;
 * every thread's output must be byte-for-byte the single-threaded output. Each thread also
 * provokes its own error in between and checks that its last error is its own. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"

#define THREADS 8
#define DAYS 400

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} output;

static void append(output *o, const char *bytes, size_t n) {
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        o->data = realloc(o->data, o->cap);
    }
    memcpy(o->data + o->len, bytes, n);
    o->len += n;
}

typedef struct {
    const ams_engine *engine;
    int id;
    output out;
    int errors_ok;
} job;

static void workload(job *jb) {
    static const char *plans[] = {"individual", "student-y1", "chapter", "fiscal", "digital", "retired"};
    char req[512];
    char resp[2048];
    char line[256];
    for (int i = 0; i < DAYS; i++) {
        int month = 1 + (i % 12);
        int day = 1 + (i % 28);
        int year = 2024 + (i / 200);
        const char *plan = plans[i % 6];
        /* The gateway. */
        int n = snprintf(req, sizeof req,
                         "{\"op\":\"renewal_term\",\"date\":\"%04d-%02d-%02d\",\"membership\":{\"member_id\":\"M-%d\","
                         "\"plan\":\"%s\",\"member_since\":\"2020-03-01\",\"term\":{\"start\":\"2024-03-01\","
                         "\"end\":\"2025-02-28\"}}}",
                         year + 1, month, day, i, plan);
        size_t got = 0;
        if (ams_engine_call(jb->engine, req, (size_t)n, resp, sizeof resp, &got) == AMS_RESULT_OK) {
            append(&jb->out, resp, got);
        } else {
            append(&jb->out, "call failed", 11);
        }
        /* The typed paths. */
        ams_date date = {year, (uint8_t)month, (uint8_t)day};
        ams_join_term j = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, false, false};
        ams_result r = ams_engine_join_term(jb->engine, plan, strlen(plan), date, 1, &j);
        n = snprintf(line, sizeof line, "|join %u %d-%u-%u %d-%u-%u %d", (unsigned)r, (int)j.term_start.year,
                     (unsigned)j.term_start.month, (unsigned)j.term_start.day, (int)j.term_end.year,
                     (unsigned)j.term_end.month, (unsigned)j.term_end.day, (int)j.rolled_over);
        append(&jb->out, line, (size_t)n);
        ams_membership m;
        memset(&m, 0, sizeof m);
        m.plan = plan;
        m.plan_len = strlen(plan);
        m.member_since = (ams_date){2020, 3, 1};
        m.term_start = (ams_date){2024, 3, 1};
        m.term_end = (ams_date){2025, 2, 28};
        ams_member_status st = {AMS_STATUS_NONE, false, false};
        r = ams_engine_status_on(jb->engine, &m, date, &st);
        n = snprintf(line, sizeof line, "|status %u %u %d %d\n", (unsigned)r, (unsigned)st.status,
                     (int)st.counts_as_member, (int)st.renewable);
        append(&jb->out, line, (size_t)n);
        ams_money total = {0, ""};
        r = ams_engine_quote_renewal_total(jb->engine, &m, date, 1, 0, &total);
        n = snprintf(line, sizeof line, "|quote %u %lld %s\n", (unsigned)r, (long long)total.minor_units,
                     total.currency);
        append(&jb->out, line, (size_t)n);
        ams_assessment a;
        memset(&a, 0, sizeof a);
        r = ams_engine_assess(jb->engine, &m, date, 1, true, &a);
        n = snprintf(line, sizeof line, "|assess %u %u %u %u %d-%u-%u %u %lld %u %u %u %.*s\n", (unsigned)r,
                     (unsigned)a.status.status, (unsigned)a.renewal_result, (unsigned)a.renewal.kind,
                     (int)a.renewal.term_end.year, (unsigned)a.renewal.term_end.month, (unsigned)a.renewal.term_end.day,
                     (unsigned)a.quote_result, (long long)a.quote_total.minor_units, (unsigned)a.decision_result,
                     (unsigned)a.decision.route, (unsigned)a.decision.reason_count, (int)a.decision.first_reason_len,
                     a.decision.first_reason != NULL ? a.decision.first_reason : "");
        append(&jb->out, line, (size_t)n);

        /* This thread's own error, then its own message back. */
        char plan_name[32];
        int pn = snprintf(plan_name, sizeof plan_name, "plan-of-thread-%d", jb->id);
        if (ams_engine_join_term(jb->engine, plan_name, (size_t)pn, date, 1, &j) == AMS_RESULT_UNKNOWN_PLAN) {
            char want[64];
            char msg[64];
            size_t mn = 0;
            int wn = snprintf(want, sizeof want, "unknown plan `%s`", plan_name);
            if (ams_last_error_message(msg, sizeof msg, &mn) == AMS_RESULT_OK && mn == (size_t)wn &&
                memcmp(msg, want, mn) == 0) {
                jb->errors_ok++;
            }
        }
    }
}

static void *run(void *arg) {
    workload(arg);
    return NULL;
}

int main(void) {
    ams_engine *engine = NULL;
    CHECK_RESULT(ams_engine_new_from_preset("amscore", 7, &engine), AMS_RESULT_OK);
    if (engine == NULL) {
        return check_summary("test_threads");
    }
    job single = {engine, -1, {NULL, 0, 0}, 0};
    workload(&single);
    CHECK(single.errors_ok == DAYS);

    job jobs[THREADS];
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++) {
        jobs[t] = (job){engine, t, {NULL, 0, 0}, 0};
        CHECK(pthread_create(&threads[t], NULL, run, &jobs[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        CHECK(pthread_join(threads[t], NULL) == 0);
        CHECK(jobs[t].out.len == single.out.len && memcmp(jobs[t].out.data, single.out.data, single.out.len) == 0);
        CHECK(jobs[t].errors_ok == DAYS);
        free(jobs[t].out.data);
    }
    printf("threads: %d threads x %d days, %zu bytes of answers each, identical to single-threaded\n", THREADS, DAYS,
           single.out.len);
    free(single.out.data);
    ams_engine_free(engine);
    return check_summary("test_threads");
}
