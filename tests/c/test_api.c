/* Tests of the C API beyond the vectors: the typed fast paths (checked against the JSON gateway
 * for the same questions), and every error path: NULL for each pointer argument, invalid UTF-8,
 * a buffer one byte too small then the right size, an unknown preset, a malformed policy,
 * invalid dates and enum values, and outputs left untouched on failure. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"
#include "members.h"
#include "json.h"


static int same_date(ams_date a, ams_date b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* The thread's last error message as a NUL-terminated string (static buffer). */
static const char *last_message(void) {
    static char buf[1024];
    size_t n = 0;
    if (ams_last_error_message(buf, sizeof buf - 1, &n) != AMS_RESULT_OK) {
        return "(unreadable)";
    }
    buf[n] = '\0';
    return buf;
}

static const char *last_path(void) {
    static char buf[512];
    size_t n = 0;
    if (ams_last_error_path(buf, sizeof buf - 1, &n) != AMS_RESULT_OK) {
        return "(unreadable)";
    }
    buf[n] = '\0';
    return buf;
}

/* Sends a request through the gateway; returns the parsed response (free with json_free) and
 * keeps the text in *text_out (free it). */
static json_value *call_json(const ams_engine *e, const char *req, char **text_out) {
    char *buf = malloc(4096);
    size_t n = 0;
    ams_result r = ams_engine_call(e, req, strlen(req), buf, 4095, &n);
    CHECK_RESULT(r, AMS_RESULT_OK);
    if (r != AMS_RESULT_OK) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    char err[128];
    json_value *v = json_parse(buf, n, err, sizeof err);
    CHECK(v != NULL);
    *text_out = buf;
    return v;
}

static const char *status_name(ams_status s) {
    static const char *names[] = {"none",   "pending", "new",       "active",    "grace",
                                  "lapsed", "expired", "cancelled", "suspended", "deceased"};
    return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Typed status on every day of three years agrees with the gateway's status_on. */
static void typed_status_matches_gateway(const ams_engine *e) {
    ams_membership m = individual();
    ams_date day = d(2025, 1, 15);
    int agreed = 0;
    static const uint8_t month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < 3 * 365; i++) {
        ams_member_status st;
        CHECK_RESULT(ams_engine_status_on(e, &m, day, &st), AMS_RESULT_OK);
        char req[512];
        snprintf(req, sizeof req,
                 "{\"op\":\"status_on\",\"date\":\"%04d-%02u-%02u\",\"membership\":{\"member_id\":\"M\","
                 "\"plan\":\"individual\",\"member_since\":\"2025-01-15\",\"term\":{\"start\":\"2025-01-15\","
                 "\"end\":\"2026-01-14\"}}}",
                 (int)day.year, (unsigned)day.month, (unsigned)day.day);
        char *text = NULL;
        json_value *v = call_json(e, req, &text);
        const json_value *ok = json_get(v, "ok");
        const json_value *status = json_get(ok, "status");
        const json_value *member = json_get(ok, "counts_as_member");
        const json_value *renewable = json_get(ok, "renewable");
        if (status != NULL && member != NULL && renewable != NULL &&
            strcmp(status->string, status_name(st.status)) == 0 && member->boolean == st.counts_as_member &&
            renewable->boolean == st.renewable) {
            agreed++;
        } else {
            fprintf(stderr, "status on %s: typed %s, gateway %s\n", req, status_name(st.status), text);
        }
        json_free(v);
        free(text);
        int leap = day.year % 4 == 0 && (day.year % 100 != 0 || day.year % 400 == 0);
        uint8_t last = (uint8_t)(month_days[day.month - 1] + (day.month == 2 && leap));
        if (++day.day > last) {
            day.day = 1;
            if (++day.month > 12) {
                day.month = 1;
                day.year++;
            }
        }
    }
    CHECK(agreed == 3 * 365);

    /* Known points of the default rules: new for three months, active to the term's end, grace. */
    ams_member_status st;
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 4, 14), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_NEW && st.counts_as_member && st.renewable);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2026, 1, 14), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_ACTIVE);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2026, 1, 15), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_GRACE && st.counts_as_member);
}

static void typed_facts(const ams_engine *e) {
    ams_member_status st;
    ams_membership m = individual();
    m.override_status = AMS_STATUS_SUSPENDED;
    m.has_override_until = true;
    m.override_until = d(2025, 6, 30);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 30), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_SUSPENDED);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 7, 1), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_ACTIVE);

    m = individual();
    m.has_cancelled_on = true;
    m.cancelled_on = d(2025, 9, 1);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 8, 31), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_ACTIVE);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 9, 1), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_CANCELLED && !st.counts_as_member && !st.renewable);

    m = individual();
    m.has_deceased_on = true;
    m.deceased_on = d(2025, 5, 5);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 5, 5), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_DECEASED);

    m = individual();
    m.pending = true;
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 2, 1), &st), AMS_RESULT_OK);
    CHECK(st.status == AMS_STATUS_PENDING);
}

static void typed_join_and_renewal(const ams_engine *e) {
    ams_join_term j;
    CHECK_RESULT(ams_engine_join_term(e, S("individual"), d(2025, 1, 15), 1, &j), AMS_RESULT_OK);
    CHECK(same_date(j.member_since, d(2025, 1, 15)) && same_date(j.term_start, d(2025, 1, 15)));
    CHECK(same_date(j.term_end, d(2026, 1, 14)) && !j.lifetime && !j.rolled_over);
    /* Feb 29 + 1 year clamps to Feb 28; the inclusive end is the day before. */
    CHECK_RESULT(ams_engine_join_term(e, S("individual"), d(2024, 2, 29), 1, &j), AMS_RESULT_OK);
    CHECK(same_date(j.term_end, d(2025, 2, 27)));
    CHECK_RESULT(ams_engine_join_term(e, S("individual"), d(2025, 3, 1), 2, &j), AMS_RESULT_OK);
    CHECK(same_date(j.term_end, d(2027, 2, 28)));
    CHECK_RESULT(ams_engine_join_term(e, S("lifetime"), d(2025, 3, 1), 1, &j), AMS_RESULT_OK);
    CHECK(j.lifetime && same_date(j.term_start, d(2025, 3, 1)));

    /* Staff-entered dates: a start kept as given (the end follows the plan's year from it), an
     * explicit end, NULL or all zero for none, and the dates' errors. */
    ams_join_dates dates = {0};
    CHECK_RESULT(ams_engine_join_term_dated(e, S("individual"), d(2025, 3, 1), 1, &dates, &j), AMS_RESULT_OK);
    CHECK(same_date(j.term_start, d(2025, 3, 1)) && same_date(j.term_end, d(2026, 2, 28)));
    CHECK_RESULT(ams_engine_join_term_dated(e, S("individual"), d(2025, 3, 1), 1, NULL, &j), AMS_RESULT_OK);
    CHECK(same_date(j.term_end, d(2026, 2, 28)));
    dates.has_start = true;
    dates.start = d(2025, 1, 31);
    CHECK_RESULT(ams_engine_join_term_dated(e, S("individual"), d(2025, 3, 1), 1, &dates, &j), AMS_RESULT_OK);
    CHECK(same_date(j.member_since, d(2025, 3, 1)) && same_date(j.term_start, d(2025, 1, 31)));
    CHECK(same_date(j.term_end, d(2026, 1, 30)));
    dates.start = d(2025, 3, 2);
    CHECK_RESULT(ams_engine_join_term_dated(e, S("individual"), d(2025, 3, 1), 1, &dates, &j),
                 AMS_RESULT_JOIN_START_AFTER_DATE);
    ams_join_dates ends = {0};
    ends.has_end = true;
    ends.end = d(2025, 12, 31);
    CHECK_RESULT(ams_engine_join_term_dated(e, S("individual"), d(2025, 3, 1), 1, &ends, &j), AMS_RESULT_OK);
    CHECK(same_date(j.term_start, d(2025, 3, 1)) && same_date(j.term_end, d(2025, 12, 31)));
    ams_money dated;
    CHECK_RESULT(ams_engine_quote_join_dated_total(e, S("individual"), d(2025, 3, 1), 1, 0, &ends, &dated),
                 AMS_RESULT_OK);
    /* The amscore preset's individual plan: 200.00 dues, 25.00 join fee; 306 of 365 days of dues. */
    CHECK(dated.minor_units == 16767 + 2500 && strcmp(dated.currency, "USD") == 0);
    ends.end = d(2026, 3, 1);
    CHECK_RESULT(ams_engine_quote_join_dated_total(e, S("individual"), d(2025, 3, 1), 1, 0, &ends, &dated),
                 AMS_RESULT_JOIN_END_AFTER_TERMS);
    ends.end = d(2025, 2, 30);
    CHECK_RESULT(ams_engine_quote_join_dated_total(e, S("individual"), d(2025, 3, 1), 1, 0, &ends, &dated),
                 AMS_RESULT_INVALID_DATE);

    /* The typed join agrees with the gateway's. */
    char *text = NULL;
    json_value *v = call_json(e, "{\"op\":\"join_term\",\"plan\":\"fiscal\",\"date\":\"2025-05-20\"}", &text);
    CHECK_RESULT(ams_engine_join_term(e, S("fiscal"), d(2025, 5, 20), 1, &j), AMS_RESULT_OK);
    char typed[256];
    snprintf(typed, sizeof typed,
             "{\"member_since\":\"%04d-%02u-%02u\",\"term\":{\"start\":\"%04d-%02u-%02u\",\"end\":\"%04d-%02u-%02u\"},"
             "\"rolled_over\":%s}",
             (int)j.member_since.year, (unsigned)j.member_since.month, (unsigned)j.member_since.day,
             (int)j.term_start.year, (unsigned)j.term_start.month, (unsigned)j.term_start.day, (int)j.term_end.year,
             (unsigned)j.term_end.month, (unsigned)j.term_end.day, j.rolled_over ? "true" : "false");
    char err[128];
    json_value *tv = json_parse(typed, strlen(typed), err, sizeof err);
    CHECK(json_equal(tv, json_get(v, "ok")));
    json_free(tv);
    json_free(v);
    free(text);

    ams_membership m = individual();
    m.member_since = d(2020, 1, 15);
    ams_renewal r;
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2026, 1, 20), 1, &r), AMS_RESULT_OK);
    CHECK(r.kind == AMS_RENEWAL_KIND_EXTEND && r.status_before == AMS_STATUS_GRACE);
    CHECK(same_date(r.term_start, d(2026, 1, 15)) && same_date(r.term_end, d(2027, 1, 14)) && !r.lifetime);
    CHECK(r.terms == 1 && same_date(r.member_since, d(2020, 1, 15)));
    CHECK(r.plan_len == strlen("individual") && memcmp(r.plan, "individual", r.plan_len) == 0);

    /* A progression renews into the next plan; the id points into the engine. */
    ams_membership s = individual();
    s.plan = "student-y1";
    s.plan_len = strlen(s.plan);
    CHECK_RESULT(ams_engine_renewal_term(e, &s, d(2026, 1, 10), 1, &r), AMS_RESULT_OK);
    CHECK(r.plan_len == strlen("student-y2") && memcmp(r.plan, "student-y2", r.plan_len) == 0);

    /* Years later the member must rejoin: member-since resets. */
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2030, 6, 1), 1, &r), AMS_RESULT_OK);
    CHECK(r.kind == AMS_RENEWAL_KIND_REJOIN && r.status_before == AMS_STATUS_EXPIRED);
    CHECK(same_date(r.member_since, d(2030, 6, 1)) && same_date(r.term_start, d(2030, 6, 1)));
}

/* Typed quote totals agree with the gateway's quotes, for every plan over a year of dates. */
static void typed_quotes(const ams_engine *e) {
    static const char *plans[] = {"individual", "student-y1", "chapter", "fiscal", "digital", "retired", "lifetime"};
    int agreed = 0;
    int asked = 0;
    for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++) {
        for (int m = 1; m <= 12; m++) {
            ams_date date = d(2025, (uint8_t)m, (uint8_t)(1 + (m * 5) % 28));
            ams_money total;
            asked++;
            ams_result r = ams_engine_quote_join_total(e, plans[p], strlen(plans[p]), date, 1, 0, &total);
            char req[256];
            snprintf(req, sizeof req, "{\"op\":\"quote_join\",\"plan\":\"%s\",\"date\":\"%04d-%02u-%02u\"}", plans[p],
                     (int)date.year, (unsigned)date.month, (unsigned)date.day);
            char *text = NULL;
            json_value *v = call_json(e, req, &text);
            const json_value *ok = json_get(v, "ok");
            const json_value *t = json_get(ok, "total");
            const json_value *c = json_get(ok, "currency");
            if (r == AMS_RESULT_OK && t != NULL && c != NULL && minor_units_of(t->string) == total.minor_units &&
                strcmp(c->string, total.currency) == 0) {
                agreed++;
            } else {
                fprintf(stderr, "quote %s: typed %s %lld %s, gateway %s\n", req, ams_result_name(r),
                        (long long)total.minor_units, total.currency, text);
            }
            json_free(v);
            free(text);
        }
    }
    CHECK(agreed == asked);

    /* The amscore preset prices individual at 200.00 with a 10.00 late fee for renewing in grace. */
    ams_membership m = individual();
    m.member_since = d(2020, 1, 15);
    ams_money total;
    CHECK_RESULT(ams_engine_quote_renewal_total(e, &m, d(2026, 1, 20), 1, 0, &total), AMS_RESULT_OK);
    CHECK(total.minor_units == 21000 && strcmp(total.currency, "USD") == 0);
    CHECK_RESULT(ams_engine_quote_renewal_total(e, &m, d(2025, 12, 20), 1, 0, &total), AMS_RESULT_OK);
    CHECK(total.minor_units == 20000 && strcmp(total.currency, "USD") == 0);

    ams_money untouched = {-1, "XXX"};
    total = untouched;
    CHECK_RESULT(ams_engine_quote_join_total(NULL, S("individual"), d(2025, 1, 1), 1, 0, &total),
                 AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_quote_join_total(e, NULL, 3, d(2025, 1, 1), 1, 0, &total), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_quote_join_total(e, S("individual"), d(2025, 1, 1), 1, 0, NULL),
                 AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "total_out is NULL") == 0);
    CHECK_RESULT(ams_engine_quote_join_total(e, S("indiv\xFF"), d(2025, 1, 1), 1, 0, &total), AMS_RESULT_INVALID_UTF8);
    CHECK_RESULT(ams_engine_quote_join_total(e, S("nonesuch"), d(2025, 1, 1), 1, 0, &total), AMS_RESULT_UNKNOWN_PLAN);
    CHECK_RESULT(ams_engine_quote_join_total(e, S("individual"), d(2025, 1, 1), 1, 5, &total),
                 AMS_RESULT_PLAN_HAS_NO_SEATS);
    CHECK_RESULT(ams_engine_quote_renewal_total(NULL, &m, d(2026, 1, 20), 1, 0, &total), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_quote_renewal_total(e, NULL, d(2026, 1, 20), 1, 0, &total), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_quote_renewal_total(e, &m, d(2026, 1, 20), 1, 0, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_quote_renewal_total(e, &m, d(2025, 3, 1), 1, 0, &total),
                 AMS_RESULT_RENEWAL_WINDOW_NOT_OPEN);
    CHECK(total.minor_units == -1 && strcmp(total.currency, "XXX") == 0);
}

static const char *route_name(ams_route r) {
    return r == AMS_ROUTE_SELF_SERVICE ? "self_service" : r == AMS_ROUTE_STAFF ? "staff" : "refused";
}

static const char *queue_name(ams_queue q) {
    static const char *names[] = {"", "membership", "events", "finance", "records"};
    return q < 5 ? names[q] : "?";
}

/* The typed renewal decision agrees with the gateway's `decide` on every field it carries. */
static void typed_decisions(const ams_engine *e) {
    int agreed = 0;
    int asked = 0;
    int seen[4] = {0, 0, 0, 0};
    for (int i = 0; i < 40; i++) {
        ams_renew_request req;
        memset(&req, 0, sizeof req);
        req.membership = individual();
        req.membership.member_since = d(2020, 1, 15);
        /* Every 3 weeks from mid-2025 to the end of 2027: before the window, in it, grace, lapsed. */
        int day_of = 180 + 21 * i;
        int year = 2025 + day_of / 365;
        int doy = day_of % 365;
        static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
        int month = 1;
        while (doy >= cum[month]) {
            month++;
        }
        req.at.date = d(year, (uint8_t)month, (uint8_t)(doy - cum[month - 1] + 1));
        req.at.hour = 9;
        req.terms = 1;
        if (i % 5 == 4) {
            req.has_balance_due = true;
            req.balance_due = (ams_money){2500, "USD"};
        }
        ams_decision dec;
        asked++;
        ams_result r = ams_engine_decide_renew(e, &req, &dec);
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"op\":\"decide\",\"request\":{\"at\":\"%04d-%02u-%02uT09:00\",\"member\":{\"membership\":"
                 "{\"member_id\":\"M\",\"plan\":\"individual\",\"member_since\":\"2020-01-15\",\"term\":"
                 "{\"start\":\"2025-01-15\",\"end\":\"2026-01-14\"}}%s},\"action\":{\"kind\":\"renew\"}}}",
                 (int)req.at.date.year, (unsigned)req.at.date.month, (unsigned)req.at.date.day,
                 req.has_balance_due ? ",\"balance_due\":{\"amount\":\"25.00\",\"currency\":\"USD\"}" : "");
        char *text = NULL;
        json_value *v = call_json(e, json, &text);
        const json_value *ok = json_get(v, "ok");
        const json_value *route = json_get(ok, "route");
        const json_value *queue = json_get(ok, "queue");
        const json_value *reasons = json_get(ok, "reasons");
        const json_value *next = json_get(ok, "next_date");
        const json_value *total = json_get(json_get(ok, "quote"), "total");
        int same = r == AMS_RESULT_OK && route != NULL && reasons != NULL &&
                   strcmp(route->string, route_name(dec.route)) == 0 &&
                   strcmp(queue != NULL ? queue->string : "", queue_name(dec.queue)) == 0 &&
                   reasons->count == dec.reason_count && (next != NULL) == dec.has_next_date &&
                   (total != NULL) == dec.has_total;
        if (same && dec.reason_count > 0) {
            const json_value *code = json_get(reasons->items[0], "code");
            same = code != NULL && code->string_len == dec.first_reason_len &&
                   memcmp(code->string, dec.first_reason, dec.first_reason_len) == 0;
        } else if (same) {
            same = dec.first_reason == NULL && dec.first_reason_len == 0;
        }
        if (same && next != NULL) {
            char date_text[16];
            snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", (int)dec.next_date.year,
                     (unsigned)dec.next_date.month, (unsigned)dec.next_date.day);
            same = strcmp(next->string, date_text) == 0;
        }
        if (same && total != NULL) {
            same = minor_units_of(total->string) == dec.total.minor_units;
        }
        if (same) {
            agreed++;
            seen[dec.route]++;
        } else {
            fprintf(stderr, "decide %s\n   typed %s route %u queue %u reasons %u, gateway %s\n", json,
                    ams_result_name(r), (unsigned)dec.route, (unsigned)dec.queue, (unsigned)dec.reason_count, text);
        }
        json_free(v);
        free(text);
    }
    CHECK(agreed == asked);
    /* The dates reach every route: refused before the window, self-service in it, staff with a balance due. */
    CHECK(seen[AMS_ROUTE_SELF_SERVICE] > 0 && seen[AMS_ROUTE_STAFF] > 0 && seen[AMS_ROUTE_REFUSED] > 0);

    /* Known answers: before the window opens it is refused, with the opening day as next date. */
    ams_renew_request req;
    memset(&req, 0, sizeof req);
    req.membership = individual();
    req.membership.member_since = d(2020, 1, 15);
    req.at.date = d(2025, 6, 1);
    req.terms = 1;
    ams_decision dec;
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_OK);
    CHECK(dec.route == AMS_ROUTE_REFUSED && dec.reason_count >= 1 && dec.has_next_date);
    CHECK(dec.first_reason_len == strlen("renewal_window_not_open") &&
          memcmp(dec.first_reason, "renewal_window_not_open", dec.first_reason_len) == 0);
    /* In grace it is self-service, with the quote's total. */
    req.at.date = d(2026, 1, 20);
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_OK);
    CHECK(dec.route == AMS_ROUTE_SELF_SERVICE && dec.queue == AMS_QUEUE_NONE && dec.reason_count == 0);
    CHECK(dec.has_total && dec.total.minor_units == 21000 && strcmp(dec.total.currency, "USD") == 0);

    ams_decision untouched;
    memset(&dec, 0x5A, sizeof dec);
    memcpy(&untouched, &dec, sizeof dec);
    CHECK_RESULT(ams_engine_decide_renew(NULL, &req, &dec), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_decide_renew(e, NULL, &dec), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "request is NULL") == 0);
    CHECK_RESULT(ams_engine_decide_renew(e, &req, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "decision_out is NULL") == 0);
    req.at.hour = 24;
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_INVALID_PARAMETER);
    CHECK(strcmp(last_message(), "request.at: 24:00:00 is not a time of day") == 0);
    req.at.hour = 9;
    req.has_balance_due = true;
    req.balance_due = (ams_money){100, "XYZ"};
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_UNKNOWN_CURRENCY);
    CHECK(strncmp(last_message(), "request.balance_due.currency: ", 30) == 0);
    req.balance_due = (ams_money){100, "US\xFF"};
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_INVALID_UTF8);
    req.has_balance_due = false;
    req.membership.plan = NULL;
    CHECK_RESULT(ams_engine_decide_renew(e, &req, &dec), AMS_RESULT_NULL_PARAMETER);
    CHECK(memcmp(&dec, &untouched, sizeof dec) == 0);
}

static void typed_errors(const ams_engine *e) {
    ams_member_status st;
    ams_member_status untouched;
    memset(&st, 0x5A, sizeof st);
    memcpy(&untouched, &st, sizeof st);
    ams_membership m = individual();

    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 2, 30), &st), AMS_RESULT_INVALID_DATE);
    CHECK(strcmp(last_message(), "date: invalid date `2025-02-30`: expected YYYY-MM-DD") == 0);
    CHECK(memcmp(&st, &untouched, sizeof st) == 0);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 13, 1), &st), AMS_RESULT_INVALID_DATE);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 1, 14), &st), AMS_RESULT_DATE_BEFORE_JOIN);
    CHECK(strcmp(last_message(), "2025-01-14 is before the member joined on 2025-01-15") == 0);
    CHECK(ams_last_error_code() == AMS_RESULT_DATE_BEFORE_JOIN);

    m.override_status = 42;
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_INVALID_PARAMETER);
    CHECK(strcmp(last_message(), "membership.override_status: 42 is not an ams_status") == 0);
    m = individual();
    m.term_end = d(2024, 1, 1);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_TERM_ENDS_BEFORE_START);
    m = individual();
    m.plan = "nonesuch";
    m.plan_len = strlen(m.plan);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_UNKNOWN_PLAN);
    CHECK(strcmp(last_message(), "unknown plan `nonesuch`") == 0);
    CHECK(memcmp(&st, &untouched, sizeof st) == 0);

    ams_join_term j;
    memset(&j, 0x5A, sizeof j);
    ams_join_term j_untouched;
    memcpy(&j_untouched, &j, sizeof j);
    CHECK_RESULT(ams_engine_join_term(e, S("individual"), d(2025, 1, 15), 0, &j), AMS_RESULT_INVALID_TERM_COUNT);
    CHECK_RESULT(ams_engine_join_term(e, S("nonesuch"), d(2025, 1, 15), 1, &j), AMS_RESULT_UNKNOWN_PLAN);
    CHECK(memcmp(&j, &j_untouched, sizeof j) == 0);

    ams_renewal r;
    memset(&r, 0x5A, sizeof r);
    ams_renewal r_untouched;
    memcpy(&r_untouched, &r, sizeof r);
    m = individual();
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2025, 3, 1), 1, &r), AMS_RESULT_RENEWAL_WINDOW_NOT_OPEN);
    m.plan = "lifetime";
    m.plan_len = strlen(m.plan);
    m.lifetime = true;
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2026, 3, 1), 1, &r), AMS_RESULT_LIFETIME_NOT_RENEWABLE);
    m = individual();
    m.has_cancelled_on = true;
    m.cancelled_on = d(2025, 9, 1);
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2025, 12, 20), 1, &r), AMS_RESULT_STATUS_NOT_RENEWABLE);
    CHECK(strcmp(last_message(), "a cancelled membership cannot be renewed") == 0);
    CHECK(memcmp(&r, &r_untouched, sizeof r) == 0);
}

static void null_parameters(const ams_engine *e) {
    ams_engine *out = (ams_engine *)&out; /* a sentinel: must stay untouched */
    ams_engine *sentinel = out;
    char buf[256];
    size_t n = 7;
    ams_membership m = individual();
    ams_member_status st;
    ams_join_term j;
    ams_renewal r;
    const char *req = "{\"op\":\"describe_policy\"}";

    CHECK_RESULT(ams_engine_new_from_json(NULL, 5, &out), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "json is NULL") == 0);
    CHECK_RESULT(ams_engine_new_from_json(S("{}"), NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "engine_out is NULL") == 0);
    CHECK_RESULT(ams_engine_new_from_preset(NULL, 7, &out), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "name is NULL") == 0);
    CHECK_RESULT(ams_engine_new_from_preset(S("amscore"), NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(out == sentinel);

    CHECK_RESULT(ams_engine_call(NULL, req, strlen(req), buf, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "engine is NULL") == 0);
    CHECK_RESULT(ams_engine_call(e, NULL, 3, buf, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "request is NULL") == 0);
    CHECK_RESULT(ams_engine_call(e, req, strlen(req), NULL, sizeof buf, &n), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "out_buf is NULL") == 0);
    CHECK_RESULT(ams_engine_call(e, req, strlen(req), buf, sizeof buf, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "out_n is NULL") == 0);
    CHECK(n == 7);

    CHECK_RESULT(ams_engine_status_on(NULL, &m, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_status_on(e, NULL, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "membership is NULL") == 0);
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "status_out is NULL") == 0);
    m.plan = NULL;
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "membership.plan is NULL") == 0);
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2025, 6, 1), 1, &r), AMS_RESULT_NULL_PARAMETER);
    m = individual();

    CHECK_RESULT(ams_engine_join_term(NULL, S("individual"), d(2025, 1, 1), 1, &j), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_join_term(e, NULL, 3, d(2025, 1, 1), 1, &j), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "plan is NULL") == 0);
    CHECK_RESULT(ams_engine_join_term(e, S("individual"), d(2025, 1, 1), 1, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "term_out is NULL") == 0);

    CHECK_RESULT(ams_engine_renewal_term(NULL, &m, d(2026, 1, 20), 1, &r), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_renewal_term(e, NULL, d(2026, 1, 20), 1, &r), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_engine_renewal_term(e, &m, d(2026, 1, 20), 1, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "renewal_out is NULL") == 0);

    CHECK_RESULT(ams_last_error_message(NULL, 10, &n), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_last_error_message(buf, sizeof buf, NULL), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_last_error_path(NULL, 10, &n), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_last_error_path(buf, sizeof buf, NULL), AMS_RESULT_NULL_PARAMETER);
    /* Reading the last error does not replace it, even when the read itself fails. */
    CHECK(strcmp(last_message(), "renewal_out is NULL") == 0);

    ams_engine_free(NULL);
}

static void invalid_utf8(const ams_engine *e) {
    static const char bad[] = "{\"op\":\"join_term\",\"plan\":\"\xC3\x28\",\"date\":\"2025-01-15\"}";
    ams_engine *out = NULL;
    char buf[256];
    size_t n = 0;
    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"\xFF\"}"), &out), AMS_RESULT_INVALID_UTF8);
    CHECK(strcmp(last_message(), "json: invalid UTF-8 at byte 26") == 0);
    CHECK_RESULT(ams_engine_new_from_preset(S("amsc\xE9re"), &out), AMS_RESULT_INVALID_UTF8);
    CHECK(out == NULL);
    CHECK_RESULT(ams_engine_call(e, S(bad), buf, sizeof buf, &n), AMS_RESULT_INVALID_UTF8);
    CHECK(strcmp(last_message(), "request: invalid UTF-8 at byte 26") == 0);
    ams_join_term j;
    CHECK_RESULT(ams_engine_join_term(e, S("indiv\x80"), d(2025, 1, 1), 1, &j), AMS_RESULT_INVALID_UTF8);
    ams_membership m = individual();
    m.plan = "\xF0\x9F";
    m.plan_len = 2;
    ams_member_status st;
    CHECK_RESULT(ams_engine_status_on(e, &m, d(2025, 6, 1), &st), AMS_RESULT_INVALID_UTF8);
    CHECK(strcmp(last_message(), "membership.plan: invalid UTF-8 at byte 0") == 0);
}

static void buffer_sizes(const ams_engine *e) {
    const char *req = "{\"op\":\"join_term\",\"plan\":\"individual\",\"date\":\"2025-01-15\"}";
    char probe[1];
    size_t needed = 0;
    CHECK_RESULT(ams_engine_call(e, req, strlen(req), probe, 0, &needed), AMS_RESULT_INSUFFICIENT_SIZE);
    CHECK(needed > 0);
    char expected_message[128];
    snprintf(expected_message, sizeof expected_message, "the output buffer holds 0 bytes; %zu are needed", needed);
    CHECK(strcmp(last_message(), expected_message) == 0);

    /* One byte too small: refused, buffer untouched, the needed size reported again. */
    char *buf = malloc(needed);
    memset(buf, '#', needed);
    size_t n = 0;
    CHECK_RESULT(ams_engine_call(e, req, strlen(req), buf, needed - 1, &n), AMS_RESULT_INSUFFICIENT_SIZE);
    CHECK(n == needed);
    int untouched = 1;
    for (size_t i = 0; i < needed; i++) {
        untouched &= buf[i] == '#';
    }
    CHECK(untouched);
    /* The right size: the whole document, exactly. */
    n = 0;
    CHECK_RESULT(ams_engine_call(e, req, strlen(req), buf, needed, &n), AMS_RESULT_OK);
    CHECK(n == needed);
    char err[128];
    json_value *v = json_parse(buf, n, err, sizeof err);
    const json_value *end = json_get(json_get(json_get(v, "ok"), "term"), "end");
    CHECK(end != NULL && strcmp(end->string, "2026-01-14") == 0);
    json_free(v);
    free(buf);

    /* An empty request (a valid pointer, zero bytes) is answered with a request_syntax document. */
    char small[512];
    CHECK_RESULT(ams_engine_call(e, "", 0, small, sizeof small, &n), AMS_RESULT_OK);
    v = json_parse(small, n, err, sizeof err);
    const json_value *code = json_get(json_get(v, "error"), "code");
    CHECK(code != NULL && code->number == AMS_RESULT_REQUEST_SYNTAX);
    json_free(v);

    /* The same for the last error's message. */
    ams_join_term j;
    CHECK_RESULT(ams_engine_join_term(e, S("nonesuch"), d(2025, 1, 1), 1, &j), AMS_RESULT_UNKNOWN_PLAN);
    const char *want = "unknown plan `nonesuch`";
    char msg[64];
    CHECK_RESULT(ams_last_error_message(msg, strlen(want) - 1, &n), AMS_RESULT_INSUFFICIENT_SIZE);
    CHECK(n == strlen(want));
    CHECK_RESULT(ams_last_error_message(msg, strlen(want), &n), AMS_RESULT_OK);
    CHECK(n == strlen(want) && memcmp(msg, want, n) == 0);
}

static void engine_construction(void) {
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_preset(S("wordpress"), &e), AMS_RESULT_UNKNOWN_PRESET);
    CHECK(e == NULL);
    CHECK(strstr(last_message(), "wordpress") != NULL);

    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 1, \"preset\": "), &e), AMS_RESULT_POLICY_SYNTAX);
    CHECK(e == NULL);
    CHECK_RESULT(ams_engine_new_from_json(S("[1, 2]"), &e), AMS_RESULT_POLICY_SYNTAX);
    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\", \"colour\": 1}"), &e),
                 AMS_RESULT_UNKNOWN_FIELD);
    CHECK(strcmp(last_path(), "") == 0);
    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"amscore\", \"plans\": [{\"id\": 3}]}"), &e),
                 AMS_RESULT_POLICY_SYNTAX);
    CHECK(strcmp(last_path(), "plans[0].id") == 0);
    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 99, \"preset\": \"amscore\"}"), &e),
                 AMS_RESULT_UNSUPPORTED_VERSION);
    CHECK(e == NULL);

    /* Every preset compiles, and from JSON too. */
    const char *presets[] = {"amscore", "civicrm", "tendenci"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_RESULT(ams_engine_new_from_preset(presets[i], strlen(presets[i]), &e), AMS_RESULT_OK);
        CHECK(e != NULL);
        ams_engine_free(e);
        e = NULL;
    }
    CHECK_RESULT(ams_engine_new_from_json(S("{\"version\": 1, \"preset\": \"civicrm\"}"), &e), AMS_RESULT_OK);
    CHECK(e != NULL);
    ams_engine_free(e);
}

/* Taxed totals: the typed totals are the gross; the taxed calls give net and tax beside it, as
 * the gateway does; an exempt member pays no tax. */
static void taxed_totals(void) {
    static const char policy[] =
        "{\"version\": 1, \"preset\": \"amscore\", \"plans\": [{\"id\": \"bc\", \"name\": \"BC member\","
        " \"term\": {\"kind\": \"rolling\", \"length\": {\"count\": 1, \"unit\": \"year\"}},"
        " \"prices\": {\"currency\": \"CAD\", \"dues\": \"100.00\", \"join_fee\": \"20.00\"},"
        " \"tax\": {\"components\": [{\"name\": \"GST\", \"percent\": \"5\"},"
        " {\"name\": \"PST\", \"percent\": \"7\", \"applies_to\": [\"dues\"]}]}}]}";
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_json(policy, strlen(policy), &e), AMS_RESULT_OK);
    if (e == NULL) {
        return;
    }
    ams_money total, gross, net, tax;
    CHECK_RESULT(ams_engine_quote_join_total(e, S("bc"), d(2025, 3, 10), 1, 0, &total), AMS_RESULT_OK);
    CHECK_RESULT(ams_engine_quote_join_taxed(e, S("bc"), d(2025, 3, 10), 1, 0, false, &gross, &net, &tax),
                 AMS_RESULT_OK);
    char *text = NULL;
    json_value *v = call_json(e, "{\"op\":\"quote_join\",\"plan\":\"bc\",\"date\":\"2025-03-10\"}", &text);
    const json_value *ok = json_get(v, "ok");
    CHECK(total.minor_units == 13300 && gross.minor_units == 13300 && strcmp(gross.currency, "CAD") == 0);
    CHECK(net.minor_units == 12000 && tax.minor_units == 1300);
    const char *fields[] = {"total", "net", "tax"};
    const int64_t typed[] = {gross.minor_units, net.minor_units, tax.minor_units};
    for (size_t i = 0; i < 3; i++) {
        const json_value *f = json_get(ok, fields[i]);
        CHECK(f != NULL && minor_units_of(f->string) == typed[i]);
    }
    json_free(v);
    free(text);

    CHECK_RESULT(ams_engine_quote_join_taxed(e, S("bc"), d(2025, 3, 10), 1, 0, true, &gross, &net, &tax),
                 AMS_RESULT_OK);
    CHECK(gross.minor_units == 12000 && net.minor_units == 12000 && tax.minor_units == 0);

    /* A renewal in the window: 100.00 dues + GST 5.00 + PST 7.00; exempt: 100.00. */
    ams_membership m;
    memset(&m, 0, sizeof m);
    m.plan = "bc";
    m.plan_len = 2;
    m.member_since = d(2025, 1, 1);
    m.term_start = d(2025, 1, 1);
    m.term_end = d(2025, 12, 31);
    CHECK_RESULT(ams_engine_quote_renewal_total(e, &m, d(2025, 12, 1), 1, 0, &total), AMS_RESULT_OK);
    CHECK_RESULT(ams_engine_quote_renewal_taxed(e, &m, d(2025, 12, 1), 1, 0, &gross, &net, &tax), AMS_RESULT_OK);
    CHECK(total.minor_units == 11200 && gross.minor_units == 11200 && net.minor_units == 10000 && tax.minor_units == 1200);
    m.tax_exempt = true;
    CHECK_RESULT(ams_engine_quote_renewal_taxed(e, &m, d(2025, 12, 1), 1, 0, &gross, &net, &tax), AMS_RESULT_OK);
    CHECK(gross.minor_units == 10000 && net.minor_units == 10000 && tax.minor_units == 0);

    CHECK_RESULT(ams_engine_quote_join_taxed(e, S("bc"), d(2025, 3, 10), 1, 0, false, &gross, NULL, &tax),
                 AMS_RESULT_NULL_PARAMETER);
    CHECK(strcmp(last_message(), "net_out is NULL") == 0);
    CHECK_RESULT(ams_engine_quote_renewal_taxed(e, &m, d(2025, 12, 1), 1, 0, &gross, &net, NULL),
                 AMS_RESULT_NULL_PARAMETER);
    ams_engine_free(e);
}

static void names_and_messages(void) {
    CHECK(strcmp(ams_result_name(AMS_RESULT_OK), "ok") == 0);
    CHECK(strcmp(ams_result_name(AMS_RESULT_INSUFFICIENT_SIZE), "insufficient_size") == 0);
    CHECK(strcmp(ams_result_name(AMS_RESULT_UNKNOWN_PLAN), "unknown_plan") == 0);
    CHECK(strcmp(ams_result_name(1604), "unknown_operation") == 0);
    CHECK(strcmp(ams_result_name(999999), "unknown") == 0);
    CHECK(strcmp(ams_result_message(AMS_RESULT_NULL_PARAMETER), "a pointer argument was NULL") == 0);
    CHECK(strcmp(ams_result_message(999999), "unknown result code") == 0);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", AMS_VERSION_MAJOR, AMS_VERSION_MINOR, AMS_VERSION_PATCH);
    CHECK(strcmp(ams_version(), v) == 0);
}

/* ams_allocate: parts in proportion to weights, the left-over cents where the rule says, always
 * summing to the total (the same parts as the gateway's `allocate`, see quotes_allocate.json). */
static ams_money usd(int64_t cents) {
    ams_money m = {cents, {'U', 'S', 'D', '\0'}};
    return m;
}

static void allocation(void) {
    ams_money parts[64];
    const uint32_t seventy_thirty[] = {70, 30};
    CHECK_RESULT(ams_allocate(usd(10000), seventy_thirty, 2, AMS_REMAINDER_LARGEST_REMAINDER, parts), AMS_RESULT_OK);
    CHECK(parts[0].minor_units == 7000 && parts[1].minor_units == 3000);
    CHECK(strcmp(parts[0].currency, "USD") == 0);

    /* 1:2 of 1.00: exact shares 33.3… and 66.6… cents. */
    const uint32_t one_two[] = {1, 2};
    const struct { uint32_t rule; int64_t first, second; } rules[] = {
        {AMS_REMAINDER_LARGEST_REMAINDER, 33, 67},
        {AMS_REMAINDER_FIRST_PARTS, 34, 66},
        {AMS_REMAINDER_LAST_PARTS, 33, 67},
        {AMS_REMAINDER_LAST, 33, 67},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        CHECK_RESULT(ams_allocate(usd(100), one_two, 2, rules[i].rule, parts), AMS_RESULT_OK);
        CHECK(parts[0].minor_units == rules[i].first && parts[1].minor_units == rules[i].second);
    }

    /* Many weights, every rule: the parts sum to the total and a zero weight gets nothing. */
    uint32_t weights[64];
    unsigned seed = 12345;
    for (int round = 0; round < 50; round++) {
        size_t n = 1 + (size_t)(round % 64);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            weights[i] = (seed >> 16) % 7; /* zeros included */
        }
        weights[0] = 1;
        int64_t total = (int64_t)(seed % 1000003);
        for (uint32_t rule = 0; rule < 4; rule++) {
            CHECK_RESULT(ams_allocate(usd(total), weights, n, rule, parts), AMS_RESULT_OK);
            int64_t sum = 0;
            for (size_t i = 0; i < n; i++) {
                sum += parts[i].minor_units;
                CHECK(weights[i] != 0 || parts[i].minor_units == 0);
            }
            CHECK(sum == total);
        }
    }

    /* Errors. */
    CHECK_RESULT(ams_allocate(usd(100), one_two, 0, AMS_REMAINDER_LARGEST_REMAINDER, parts), AMS_RESULT_ZERO_PARTS);
    const uint32_t zeros[] = {0, 0};
    CHECK_RESULT(ams_allocate(usd(100), zeros, 2, AMS_REMAINDER_LARGEST_REMAINDER, parts), AMS_RESULT_ZERO_PARTS);
    CHECK_RESULT(ams_allocate(usd(100), one_two, 2, 4, parts), AMS_RESULT_INVALID_PARAMETER);
    CHECK_RESULT(ams_allocate(usd(-100), one_two, 2, AMS_REMAINDER_LARGEST_REMAINDER, parts),
                 AMS_RESULT_NEGATIVE_AMOUNT);
    CHECK_RESULT(ams_allocate(usd(100), NULL, 2, AMS_REMAINDER_LARGEST_REMAINDER, parts), AMS_RESULT_NULL_PARAMETER);
    CHECK_RESULT(ams_allocate(usd(100), one_two, 2, AMS_REMAINDER_LARGEST_REMAINDER, NULL), AMS_RESULT_NULL_PARAMETER);
    ams_money xyz = {100, {'X', 'Y', 'Z', '\0'}};
    CHECK_RESULT(ams_allocate(xyz, one_two, 2, AMS_REMAINDER_LARGEST_REMAINDER, parts), AMS_RESULT_UNKNOWN_CURRENCY);
}

int main(void) {
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_preset(S("amscore"), &e), AMS_RESULT_OK);
    if (e == NULL) {
        return check_summary("test_api");
    }
    typed_status_matches_gateway(e);
    typed_facts(e);
    typed_join_and_renewal(e);
    typed_quotes(e);
    typed_decisions(e);
    typed_errors(e);
    null_parameters(e);
    invalid_utf8(e);
    buffer_sizes(e);
    engine_construction();
    names_and_messages();
    allocation();
    taxed_totals();
    ams_engine_free(e);
    return check_summary("test_api");
}
