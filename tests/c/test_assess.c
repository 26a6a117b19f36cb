/* ams_engine_assess against the calls it gathers: for every plan of the amscore preset, a member
 * as the plan's join makes them and the same member with a staff override, pending, cancelled,
 * deceased and with a renewal awaiting payment, on dates from the day before joining across more than two and a half years, the
 * assessment must agree field by field with the typed calls (ams_engine_status_on,
 * ams_engine_renewal_term, ams_engine_quote_renewal_total, ams_engine_decide_renew at 00:00) and
 * with the JSON gateway's status_on, renewal_term, quote_renewal and decide; without `decide` it
 * is the same answer with no decision; and when the facts have no status it fails as
 * status_on does, leaving its output untouched. The cases must reach every status, every renewal
 * kind, a refusal with its refused-until day and every route. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"
#include "json.h"
#include "members.h"

static int same_date(ams_date a, ams_date b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

static ams_date plus_days(ams_date x, int n) {
    return date_of(days_of(x) + n);
}

/* "YYYY-MM-DD" into a buffer of ISO_CAP bytes. */
#define ISO_CAP 24
static const char *iso(ams_date x, char *buf) {
    snprintf(buf, ISO_CAP, "%04d-%02u-%02u", (int)x.year, (unsigned)x.month, (unsigned)x.day);
    return buf;
}

static int same_text(const json_value *v, const char *text, size_t len) {
    return v != NULL && v->kind == JSON_STRING && v->string_len == len && memcmp(v->string, text, len) == 0;
}

static int same_date_text(const json_value *v, ams_date x) {
    char buf[ISO_CAP];
    const char *text = iso(x, buf);
    return same_text(v, text, strlen(text));
}

static int code_is(const json_value *doc, ams_result want) {
    const json_value *code = json_get(json_get(doc, "error"), "code");
    return code != NULL && code->kind == JSON_NUMBER && code->number == (double)want;
}

static const char *const STATUS_NAMES[] = {"none",   "pending", "new",       "active",    "grace",
                                           "lapsed", "expired", "cancelled", "suspended", "deceased"};
static const char *const KIND_NAMES[] = {"none", "extend", "reinstate", "rejoin"};
static const char *const ROUTE_NAMES[] = {"none", "self_service", "staff", "refused"};

/* The membership as the gateway's JSON object. */
static void membership_json(const ams_membership *m, char *out, size_t cap) {
    char a[ISO_CAP], b[ISO_CAP], c[ISO_CAP];
    int n = snprintf(out, cap, "{\"member_id\":\"M\",\"plan\":\"%.*s\",\"member_since\":\"%s\",\"term\":{\"start\":\"%s\"",
                     (int)m->plan_len, m->plan, iso(m->member_since, a), iso(m->term_start, b));
    if (!m->lifetime) {
        n += snprintf(out + n, cap - (size_t)n, ",\"end\":\"%s\"", iso(m->term_end, c));
    }
    n += snprintf(out + n, cap - (size_t)n, "}");
    if (m->pending) {
        n += snprintf(out + n, cap - (size_t)n, ",\"pending\":true");
    }
    if (m->renewal_pending) {
        n += snprintf(out + n, cap - (size_t)n, ",\"renewal_pending\":true");
    }
    if (m->has_cancelled_on) {
        n += snprintf(out + n, cap - (size_t)n, ",\"cancelled_on\":\"%s\"", iso(m->cancelled_on, a));
    }
    if (m->has_deceased_on) {
        n += snprintf(out + n, cap - (size_t)n, ",\"deceased_on\":\"%s\"", iso(m->deceased_on, a));
    }
    if (m->override_status != AMS_STATUS_NONE) {
        n += snprintf(out + n, cap - (size_t)n, ",\"override\":{\"status\":\"%s\"", STATUS_NAMES[m->override_status]);
        if (m->has_override_until) {
            n += snprintf(out + n, cap - (size_t)n, ",\"until\":\"%s\"", iso(m->override_until, a));
        }
        n += snprintf(out + n, cap - (size_t)n, "}");
    }
    snprintf(out + n, cap - (size_t)n, "}");
}

/* The gateway's answer to a request built from a format, parsed (free with json_free); its
 * text stays in `text` (at least 16 KiB) for messages. */
static json_value *gateway(const ams_engine *e, char *text, const char *fmt, ...) {
    char req[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(req, sizeof req, fmt, ap);
    va_end(ap);
    size_t n = 0;
    ams_result r = ams_engine_call(e, req, strlen(req), text, 16 * 1024 - 1, &n);
    CHECK_RESULT(r, AMS_RESULT_OK);
    text[r == AMS_RESULT_OK ? n : 0] = '\0';
    char err[128];
    json_value *v = json_parse(text, strlen(text), err, sizeof err);
    CHECK(v != NULL);
    return v;
}

static int same_renewal(const ams_renewal *a, const ams_renewal *b) {
    return a->kind == b->kind && a->status_before == b->status_before && a->plan_len == b->plan_len &&
           memcmp(a->plan, b->plan, a->plan_len) == 0 && same_date(a->term_start, b->term_start) &&
           same_date(a->term_end, b->term_end) && a->lifetime == b->lifetime && a->terms == b->terms &&
           same_date(a->member_since, b->member_since);
}

static int same_decision(const ams_decision *a, const ams_decision *b) {
    return a->route == b->route && a->queue == b->queue && a->reason_count == b->reason_count &&
           a->first_reason_len == b->first_reason_len &&
           (a->first_reason_len == 0 || memcmp(a->first_reason, b->first_reason, a->first_reason_len) == 0) &&
           a->has_next_date == b->has_next_date && (!a->has_next_date || same_date(a->next_date, b->next_date)) &&
           a->has_total == b->has_total &&
           (!a->has_total || (a->total.minor_units == b->total.minor_units &&
                              memcmp(a->total.currency, b->total.currency, 4) == 0));
}

static int same_money(const ams_money *a, const ams_money *b) {
    return a->minor_units == b->minor_units && memcmp(a->currency, b->currency, 4) == 0;
}

/* What the cases reached. */
static int statuses_seen[10];
static int kinds_seen[4];
static int routes_seen[4];
static int refused_until_seen;
static int failures_seen;
static int assessed;

/* Reports a disagreement of one assessment. */
#define AGREE(cond, what)                                                                             \
    do {                                                                                              \
        check_count++;                                                                                \
        if (!(cond)) {                                                                                \
            check_failures++;                                                                         \
            fprintf(stderr, "%.*s on %s (%s): %s disagrees\n   %s\n", (int)m->plan_len, m->plan, on_text, \
                    variant, what, text);                                                             \
        }                                                                                             \
    } while (0)

/* Assesses `m` on `on` and compares every part with the typed calls and the gateway. */
static void cross_check(const ams_engine *e, const ams_membership *m, const char *variant, ams_date on) {
    char on_text[ISO_CAP];
    iso(on, on_text);
    char member[1024];
    membership_json(m, member, sizeof member);
    char *text = malloc(16 * 1024);
    text[0] = '\0';

    ams_assessment a;
    memset(&a, 0xA5, sizeof a);
    ams_assessment poisoned;
    memcpy(&poisoned, &a, sizeof a);
    ams_result r = ams_engine_assess(e, m, on, 1, true, &a);
    ams_member_status st;
    ams_result rs = ams_engine_status_on(e, m, on, &st);
    AGREE(r == rs, "the call's result and status_on's");
    if (r != AMS_RESULT_OK) {
        /* Facts without a status: the assessment fails as status_on does, output untouched. */
        AGREE(memcmp(&a, &poisoned, sizeof a) == 0, "the untouched output");
        json_value *g = gateway(e, text, "{\"op\":\"status_on\",\"date\":\"%s\",\"membership\":%s}", on_text, member);
        AGREE(code_is(g, r), "the gateway's status_on error");
        json_free(g);
        failures_seen++;
        free(text);
        return;
    }
    assessed++;
    statuses_seen[a.status.status]++;

    /* Status. */
    AGREE(a.status.status == st.status && a.status.counts_as_member == st.counts_as_member &&
              a.status.renewable == st.renewable,
          "the typed status");
    json_value *g = gateway(e, text, "{\"op\":\"status_on\",\"date\":\"%s\",\"membership\":%s}", on_text, member);
    const json_value *ok = json_get(g, "ok");
    const json_value *counts = json_get(ok, "counts_as_member");
    const json_value *renewable = json_get(ok, "renewable");
    const char *status_name = STATUS_NAMES[a.status.status];
    AGREE(same_text(json_get(ok, "status"), status_name, strlen(status_name)) && counts != NULL &&
              counts->boolean == a.status.counts_as_member && renewable != NULL &&
              renewable->boolean == a.status.renewable,
          "the gateway's status");
    json_free(g);

    /* Renewal, or its refusal. */
    ams_renewal rn;
    ams_result rr = ams_engine_renewal_term(e, m, on, 1, &rn);
    AGREE(rr == a.renewal_result, "the renewal's result");
    AGREE(rr != AMS_RESULT_OK || same_renewal(&rn, &a.renewal), "the typed renewal");
    AGREE(rr == AMS_RESULT_OK || (a.renewal.kind == AMS_RENEWAL_KIND_NONE && a.renewal.plan == NULL),
          "the zeroed renewal of a refusal");
    g = gateway(e, text, "{\"op\":\"renewal_term\",\"date\":\"%s\",\"membership\":%s}", on_text, member);
    ok = json_get(g, "ok");
    if (a.renewal_result == AMS_RESULT_OK) {
        const json_value *term = json_get(ok, "term");
        const char *kind = KIND_NAMES[a.renewal.kind];
        const char *before = STATUS_NAMES[a.renewal.status_before];
        const json_value *terms = json_get(ok, "terms");
        AGREE(same_text(json_get(ok, "kind"), kind, strlen(kind)) &&
                  same_text(json_get(ok, "plan"), a.renewal.plan, a.renewal.plan_len) &&
                  same_text(json_get(ok, "status_before"), before, strlen(before)) &&
                  same_date_text(json_get(ok, "member_since"), a.renewal.member_since) &&
                  same_date_text(json_get(term, "start"), a.renewal.term_start) &&
                  (a.renewal.lifetime ? json_get(term, "end") == NULL
                                      : same_date_text(json_get(term, "end"), a.renewal.term_end)) &&
                  terms != NULL && terms->number == (double)a.renewal.terms,
              "the gateway's renewal");
        kinds_seen[a.renewal.kind]++;
    } else {
        AGREE(code_is(g, a.renewal_result), "the gateway's renewal refusal");
    }
    json_free(g);

    /* Quote total, or why there is none. */
    ams_money total;
    ams_result rq = ams_engine_quote_renewal_total(e, m, on, 1, 0, &total);
    AGREE(rq == a.quote_result, "the quote's result");
    AGREE(rq != AMS_RESULT_OK || same_money(&total, &a.quote_total), "the typed quote total");
    AGREE(a.renewal_result == AMS_RESULT_OK || a.quote_result == a.renewal_result, "the quote refused as the renewal");
    g = gateway(e, text, "{\"op\":\"quote_renewal\",\"date\":\"%s\",\"membership\":%s}", on_text, member);
    ok = json_get(g, "ok");
    if (a.quote_result == AMS_RESULT_OK) {
        const json_value *t = json_get(ok, "total");
        AGREE(t != NULL && minor_units_of(t->string) == a.quote_total.minor_units &&
                  same_text(json_get(ok, "currency"), a.quote_total.currency, strlen(a.quote_total.currency)),
              "the gateway's quote total");
    } else {
        AGREE(code_is(g, a.quote_result), "the gateway's quote error");
    }
    json_free(g);

    /* The online decision: a renewal request at 00:00 with the membership as the only fact. */
    ams_renew_request req;
    memset(&req, 0, sizeof req);
    req.membership = *m;
    req.at.date = on;
    req.terms = 1;
    ams_decision dec;
    ams_result rd = ams_engine_decide_renew(e, &req, &dec);
    AGREE(rd == a.decision_result && a.has_decision == (rd == AMS_RESULT_OK), "the decision's result");
    AGREE(rd != AMS_RESULT_OK || same_decision(&dec, &a.decision), "the typed decision");
    g = gateway(e, text,
                "{\"op\":\"decide\",\"request\":{\"at\":\"%sT00:00\",\"member\":{\"membership\":%s},"
                "\"action\":{\"kind\":\"renew\"}}}",
                on_text, member);
    ok = json_get(g, "ok");
    const json_value *reasons = json_get(ok, "reasons");
    if (a.has_decision) {
        const char *route = ROUTE_NAMES[a.decision.route];
        const json_value *first = reasons != NULL && reasons->count > 0 ? json_get(reasons->items[0], "code") : NULL;
        const json_value *quote_total = json_get(json_get(ok, "quote"), "total");
        AGREE(same_text(json_get(ok, "route"), route, strlen(route)) && reasons != NULL &&
                  reasons->count == a.decision.reason_count &&
                  (first == NULL ? a.decision.first_reason == NULL
                                 : same_text(first, a.decision.first_reason, a.decision.first_reason_len)) &&
                  (quote_total != NULL) == a.decision.has_total &&
                  (quote_total == NULL || minor_units_of(quote_total->string) == a.decision.total.minor_units),
              "the gateway's decision");
        routes_seen[a.decision.route]++;
    } else {
        AGREE(code_is(g, a.decision_result), "the gateway's decision error");
    }
    /* The refused-until day: only for a window not yet open, the day the decision's reason names. */
    AGREE(a.has_refused_until == (a.renewal_result == AMS_RESULT_RENEWAL_WINDOW_NOT_OPEN), "has_refused_until");
    if (a.has_refused_until) {
        const json_value *next = NULL;
        for (size_t i = 0; reasons != NULL && i < reasons->count; i++) {
            if (same_text(json_get(reasons->items[i], "code"), S("renewal_window_not_open"))) {
                next = json_get(reasons->items[i], "next_date");
            }
        }
        AGREE(same_date_text(next, a.refused_until), "refused_until and the decision's renewal_window_not_open");
        refused_until_seen++;
    } else {
        AGREE(same_date(a.refused_until, d(0, 0, 0)), "the zeroed refused_until");
    }
    json_free(g);

    /* Without `decide`: the same answer, no decision. */
    ams_assessment b;
    ams_result rb = ams_engine_assess(e, m, on, 1, false, &b);
    AGREE(rb == AMS_RESULT_OK && b.status.status == a.status.status &&
              b.status.counts_as_member == a.status.counts_as_member && b.status.renewable == a.status.renewable &&
              b.renewal_result == a.renewal_result &&
              (b.renewal_result != AMS_RESULT_OK || same_renewal(&b.renewal, &a.renewal)) &&
              b.has_refused_until == a.has_refused_until && same_date(b.refused_until, a.refused_until) &&
              b.quote_result == a.quote_result && same_money(&b.quote_total, &a.quote_total) && !b.has_decision &&
              b.decision_result == AMS_RESULT_OK && b.decision.route == AMS_ROUTE_NONE &&
              b.decision.first_reason == NULL,
          "the assessment without a decision");
    free(text);
}

/* A member who joined `plan` on `joined`, as the plan's join term makes them. */
static int joined_member(const ams_engine *e, const char *plan, ams_date joined, ams_membership *out) {
    ams_join_term j;
    ams_result r = ams_engine_join_term(e, plan, strlen(plan), joined, 1, &j);
    CHECK_RESULT(r, AMS_RESULT_OK);
    if (r != AMS_RESULT_OK) {
        return 0;
    }
    memset(out, 0, sizeof *out);
    out->plan = plan;
    out->plan_len = strlen(plan);
    out->member_since = j.member_since;
    out->term_start = j.term_start;
    out->term_end = j.term_end;
    out->lifetime = j.lifetime;
    return 1;
}

int main(void) {
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_preset(S("amscore"), &e), AMS_RESULT_OK);
    if (e == NULL) {
        return check_summary("test_assess");
    }
    /* Every plan of the amscore preset (the gateway's describe_policy lists them). */
    char *text = malloc(64 * 1024);
    size_t n = 0;
    static const char describe[] = "{\"op\":\"describe_policy\"}";
    CHECK_RESULT(ams_engine_call(e, describe, strlen(describe), text, 64 * 1024 - 1, &n), AMS_RESULT_OK);
    char err[128];
    json_value *policy = json_parse(text, n, err, sizeof err);
    const json_value *plans = json_get(json_get(policy, "ok"), "plans");
    CHECK(plans != NULL && plans->count >= 9);

    const ams_date joined = d(2024, 3, 10);
    for (size_t p = 0; plans != NULL && p < plans->count; p++) {
        const json_value *id = plans->items[p];
        ams_membership base;
        if (id->kind != JSON_STRING || !joined_member(e, id->string, joined, &base)) {
            continue;
        }
        ams_membership variants[6];
        const char *names[6] = {"as joined", "suspended by staff", "pending", "cancelled", "deceased",
                                "renewal awaiting payment"};
        for (int v = 0; v < 6; v++) {
            variants[v] = base;
        }
        variants[1].override_status = AMS_STATUS_SUSPENDED;
        variants[1].has_override_until = true;
        variants[1].override_until = plus_days(joined, 300);
        variants[2].pending = true;
        variants[3].has_cancelled_on = true;
        variants[3].cancelled_on = plus_days(joined, 200);
        variants[4].has_deceased_on = true;
        variants[4].deceased_on = plus_days(joined, 250);
        variants[5].renewal_pending = true;
        for (int v = 0; v < 6; v++) {
            /* The day before joining (no status), then every 23 days for about 2.6 years. */
            cross_check(e, &variants[v], names[v], plus_days(base.member_since, -1));
            for (int k = 0; k <= 41; k++) {
                cross_check(e, &variants[v], names[v], plus_days(joined, 23 * k));
            }
        }
    }
    json_free(policy);
    free(text);
    ams_engine_free(e);

    printf("assess: %d assessments cross-checked, %d facts without a status; statuses", assessed, failures_seen);
    for (int s = 1; s < 10; s++) {
        printf(" %s %d", STATUS_NAMES[s], statuses_seen[s]);
        CHECK(statuses_seen[s] > 0);
    }
    printf("; kinds");
    for (int k = 1; k < 4; k++) {
        printf(" %s %d", KIND_NAMES[k], kinds_seen[k]);
        CHECK(kinds_seen[k] > 0);
    }
    printf("; routes");
    for (int r = 1; r < 4; r++) {
        printf(" %s %d", ROUTE_NAMES[r], routes_seen[r]);
        CHECK(routes_seen[r] > 0);
    }
    printf("; refused until a day %d\n", refused_until_seen);
    CHECK(refused_until_seen > 0 && failures_seen > 0);
    return check_summary("test_assess");
}
