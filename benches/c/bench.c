/* Benchmark (not a test): the typed fast paths and the JSON gateway over 1M calls each, in
 * ns/call. Compare with the Rust core's own time for the same calls:
 *   cargo run --release -p amscore-ffi --example core_timing
 * Build and run: benches/c/run.sh */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "amscore.h"

#define CALLS 1000000

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One of 28 dates in 2025, so the work is not one cached answer. */
static ams_date date_of(int i) {
    ams_date d = {2025, (uint8_t)(1 + i % 12), (uint8_t)(1 + i % 28)};
    return d;
}

/* Runs BODY CALLS times in ROUNDS rounds and prints the best round's and the overall mean
 * ns/call of this thread's CPU time: on a shared, loaded machine, CPU time and the best round are
 * the steadier figures. */
#define ROUNDS 5
#define BENCH(what, ...)                                                                    \
    do {                                                                                    \
        double best = 1e300;                                                                \
        double total = 0;                                                                   \
        for (int round = 0; round < ROUNDS; round++) {                                      \
            double t0 = now_ns();                                                           \
            for (int i = round * (CALLS / ROUNDS); i < (round + 1) * (CALLS / ROUNDS); i++) { \
                __VA_ARGS__                                                                 \
            }                                                                               \
            double dt = now_ns() - t0;                                                      \
            total += dt;                                                                    \
            best = dt < best ? dt : best;                                                   \
        }                                                                                   \
        printf("%-36s best %8.1f  mean %8.1f ns/call%s\n", what, best / (CALLS / ROUNDS),  \
               total / CALLS, failures != 0 ? "  (FAILURES)" : "");                          \
    } while (0)

int main(void) {
    ams_engine *e = NULL;
    if (ams_engine_new_from_preset("amscore", 7, &e) != AMS_RESULT_OK) {
        return 1;
    }
    ams_membership m;
    memset(&m, 0, sizeof m);
    m.plan = "individual";
    m.plan_len = strlen(m.plan);
    m.member_since = (ams_date){2020, 1, 15};
    m.term_start = (ams_date){2025, 1, 15};
    m.term_end = (ams_date){2026, 1, 14};

    long failures = 0;
    unsigned sink = 0;
    printf("amscore %s, %d calls each (%d rounds)\n", ams_version(), CALLS, ROUNDS);

    BENCH("typed status_on",
        ams_member_status st;
        failures += ams_engine_status_on(e, &m, date_of(i), &st) != AMS_RESULT_OK;
        sink += st.status;);

    BENCH("typed join_term",
        ams_join_term j;
        failures += ams_engine_join_term(e, "individual", 10, date_of(i), 1, &j) != AMS_RESULT_OK;
        sink += j.term_end.day;);

    BENCH("typed quote_join_total",
        ams_money total;
        failures += ams_engine_quote_join_total(e, "individual", 10, date_of(i), 1, 0, &total) != AMS_RESULT_OK;
        sink += (unsigned)total.minor_units;);

    BENCH("typed quote_renewal_total",
        ams_money total;
        ams_date d = {2026, 1, (uint8_t)(1 + i % 28)};
        failures += ams_engine_quote_renewal_total(e, &m, d, 1, 0, &total) != AMS_RESULT_OK;
        sink += (unsigned)total.minor_units;);

    ams_renew_request rr;
    memset(&rr, 0, sizeof rr);
    rr.membership = m;
    rr.terms = 1;
    BENCH("typed decide_renew",
        ams_decision dec;
        rr.at.date = (ams_date){2026, 1, (uint8_t)(1 + i % 28)};
        failures += ams_engine_decide_renew(e, &rr, &dec) != AMS_RESULT_OK;
        sink += dec.route;);

    char req[28][256];
    size_t req_len[28];
    for (int k = 0; k < 28; k++) {
        req_len[k] = (size_t)snprintf(req[k], sizeof req[k],
                                      "{\"op\":\"status_on\",\"date\":\"2025-%02d-%02d\",\"membership\":{\"member_id\":"
                                      "\"M-1\",\"plan\":\"individual\",\"member_since\":\"2020-01-15\",\"term\":{"
                                      "\"start\":\"2025-01-15\",\"end\":\"2026-01-14\"}}}",
                                      1 + k % 12, 1 + k);
    }
    char out[4096];
    BENCH("JSON gateway status_on",
        size_t n;
        failures += ams_engine_call(e, req[i % 28], req_len[i % 28], out, sizeof out, &n) != AMS_RESULT_OK;
        sink += (unsigned)n;);

    for (int k = 0; k < 28; k++) {
        req_len[k] = (size_t)snprintf(req[k], sizeof req[k],
                                      "{\"op\":\"quote_join\",\"plan\":\"individual\",\"date\":\"2025-%02d-%02d\"}",
                                      1 + k % 12, 1 + k);
    }
    BENCH("JSON gateway quote_join",
        size_t n;
        failures += ams_engine_call(e, req[i % 28], req_len[i % 28], out, sizeof out, &n) != AMS_RESULT_OK;
        sink += (unsigned)n;);

    ams_engine_free(e);
    printf("(checksum %u)\n", sink);
    return failures != 0;
}
