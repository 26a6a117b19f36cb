/* Shared inputs of the C test programs: a literal with its length, a date and its day number
 * (Arrow's date32), and the member the typed-path tests ask about (an individual plan member,
 * 2025-01-15 .. 2026-01-14). */
#ifndef AMS_TEST_MEMBERS_H
#define AMS_TEST_MEMBERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"

/* A string literal as the (pointer, length) pair the C API takes. */
#define S(lit) (lit), (sizeof(lit) - 1)

static inline ams_date d(int32_t y, uint8_t m, uint8_t day) {
    ams_date out = {y, m, day};
    return out;
}

/* Days since 1970-01-01 of a date, and back (proleptic Gregorian). */
static inline int64_t days_of(ams_date x) {
    int64_t y = x.year - (x.month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (x.month + (x.month > 2 ? -3 : 9)) + 2) / 5 + x.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static inline ams_date date_of(int64_t z) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    return d((int32_t)(yoe + era * 400 + (month <= 2)), (uint8_t)month, (uint8_t)day);
}

static inline ams_membership individual(void) {
    ams_membership m;
    memset(&m, 0, sizeof m);
    m.plan = "individual";
    m.plan_len = strlen(m.plan);
    m.member_since = d(2025, 1, 15);
    m.term_start = d(2025, 1, 15);
    m.term_end = d(2026, 1, 14);
    return m;
}

/* The minor units of a decimal text such as "180.00" (the gateway writes totals in the
 * currency's minor units), or INT64_MIN if it is not such a text. */
static inline int64_t minor_units_of(const char *text) {
    char digits[64];
    size_t n = 0;
    for (const char *p = text; *p != '\0' && n < sizeof digits - 1; p++) {
        if (*p != '.') {
            digits[n++] = *p;
        }
    }
    digits[n] = '\0';
    char *end;
    long long v = strtoll(digits, &end, 10);
    return *end == '\0' && n > 0 ? (int64_t)v : INT64_MIN;
}

#endif
