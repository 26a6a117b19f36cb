/* renewal_notice: what a member renewing today gets, printed as a notice.
 *
 * Build:  cc renewal_notice.c $(pkg-config --cflags --libs amscore) -o renewal_notice
 * Run:    ./renewal_notice */
#include <stdio.h>
#include <string.h>

#include <amscore.h>

static const char *kind_text(ams_renewal_kind kind) {
    switch (kind) {
    case AMS_RENEWAL_KIND_EXTEND: return "Your membership is extended";
    case AMS_RENEWAL_KIND_REINSTATE: return "Your membership is reinstated";
    default: return "Welcome back: you are rejoining";
    }
}

/* Prints why a call failed: the result's name and this thread's last error message. */
static int fail(ams_result r) {
    char msg[256];
    size_t n = 0;
    if (ams_last_error_message(msg, sizeof msg, &n) != AMS_RESULT_OK) {
        n = 0;
    }
    fprintf(stderr, "amscore error %u (%s): %.*s\n", (unsigned)r, ams_result_name(r), (int)n, msg);
    return 1;
}

int main(void) {
    /* 1. Compile the policy once; share the engine across threads if you like. */
    ams_engine *engine = NULL;
    ams_result r = ams_engine_new_from_preset("amscore", strlen("amscore"), &engine);
    if (r != AMS_RESULT_OK) {
        return fail(r);
    }

    /* 2. The member's facts, as your database holds them. Zero the struct first. */
    ams_membership member = {0};
    member.plan = "individual";
    member.plan_len = strlen(member.plan);
    member.member_since = (ams_date){2020, 1, 15};
    member.term_start = (ams_date){2025, 1, 15};
    member.term_end = (ams_date){2026, 1, 14};

    /* 3. Ask once: the status today, what renewing today buys and what it costs. */
    ams_date today = {2026, 1, 20};
    ams_assessment a;
    r = ams_engine_assess(engine, &member, today, 1, false, &a);
    if (r != AMS_RESULT_OK) {
        ams_engine_free(engine);
        return fail(r);
    }

    printf("Dear member,\n\n");
    printf("your term ends on %04d-%02u-%02u; today you %s.\n", (int)member.term_end.year,
           (unsigned)member.term_end.month, (unsigned)member.term_end.day,
           a.status.status == AMS_STATUS_GRACE ? "are in your grace period"
           : a.status.counts_as_member         ? "are a member in good standing"
                                               : "are no longer a member");
    if (a.renewal_result != AMS_RESULT_OK) {
        /* Refused: the part's code says why (and refused_until, when it opens). */
        printf("You cannot renew today: %s.\n", ams_result_message(a.renewal_result));
    } else {
        printf("%s on the plan '%.*s' from %04d-%02u-%02u to %04d-%02u-%02u", kind_text(a.renewal.kind),
               (int)a.renewal.plan_len, a.renewal.plan, (int)a.renewal.term_start.year,
               (unsigned)a.renewal.term_start.month, (unsigned)a.renewal.term_start.day,
               (int)a.renewal.term_end.year, (unsigned)a.renewal.term_end.month, (unsigned)a.renewal.term_end.day);
        if (a.quote_result == AMS_RESULT_OK) {
            /* Minor units: 21000 USD cents is 210.00 USD (a two-decimal currency). */
            printf(", for %lld.%02lld %s", (long long)(a.quote_total.minor_units / 100),
                   (long long)(a.quote_total.minor_units % 100), a.quote_total.currency);
        }
        printf(".\n");
    }

    /* 4. Free the engine once, when no thread uses it any more. */
    ams_engine_free(engine);
    return 0;
}
