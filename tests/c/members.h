/* Shared inputs of the C test programs: a literal with its length, a date, and the member the
 * typed-path tests ask about (an individual plan member, 2025-01-15 .. 2026-01-14). */
#ifndef AMS_TEST_MEMBERS_H
#define AMS_TEST_MEMBERS_H

#include <stdint.h>
#include <string.h>

#include "amscore.h"

/* A string literal as the (pointer, length) pair the C API takes. */
#define S(lit) (lit), (sizeof(lit) - 1)

static inline ams_date d(int32_t y, uint8_t m, uint8_t day) {
    ams_date out = {y, m, day};
    return out;
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

#endif
