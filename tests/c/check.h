/* Minimal check macros for the C test programs: a failed check prints where and counts. */
#ifndef AMS_TEST_CHECK_H
#define AMS_TEST_CHECK_H

#include <stdio.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        check_count++;                                                               \
        if (!(cond)) {                                                               \
            check_failures++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_RESULT(expr, want)                                                         \
    do {                                                                                 \
        ams_result got_ = (expr);                                                        \
        check_count++;                                                                   \
        if (got_ != (ams_result)(want)) {                                                \
            check_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s returned %s (%u), expected %s\n", __FILE__, __LINE__, \
                    #expr, ams_result_name(got_), (unsigned)got_, #want);                 \
        }                                                                                \
    } while (0)

/* Prints the summary line and gives the exit status. */
static int check_summary(const char *suite) {
    printf("%s: %d checks, %d failed\n", suite, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
