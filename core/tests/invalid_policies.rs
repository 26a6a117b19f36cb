//! Invalid policy documents and requests, each refused with its exact error: code, name, path
//! and message.

use amscore::gateway::{call_value, engine_from_value, error_document};
use amscore::{Engine, ErrorCode, Policy};
use serde_json::{json, Value};

/// A valid one-plan policy to break in one place.
fn base() -> Value {
    json!({
        "version": 1,
        "plans": [{
            "id": "individual", "name": "Individual",
            "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
            "prices": {"currency": "USD", "dues": "200.00"}
        }]
    })
}

/// A second plan, for cross-reference cases.
fn plan(id: &str, currency: &str) -> Value {
    json!({
        "id": id, "name": id,
        "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "prices": {"currency": currency, "dues": "100"}
    })
}

fn with(mut doc: Value, edit: impl FnOnce(&mut Value)) -> Value {
    edit(&mut doc);
    doc
}

fn term(kind: Value) -> Value {
    with(base(), |d| d["plans"][0]["term"] = kind)
}

/// Asserts the policy is refused with exactly this error.
#[track_caller]
fn refused(doc: Value, code: u32, name: &str, path: &str, message: &str) {
    let err = match Policy::from_value(doc.clone()) {
        Ok(p) => panic!("policy accepted: {p:?}"),
        Err(e) => e,
    };
    assert_eq!((err.code(), err.name(), err.path(), err.to_string().as_str()), (code, name, path, message));
    // The JSON text entry point and the gateway say the same.
    assert_eq!(Engine::from_json(&doc.to_string()).map(|_| ()), Err(err.clone()));
    let gateway = match engine_from_value(doc) {
        Ok(_) => panic!("gateway accepted the policy"),
        Err(e) => error_document(&e),
    };
    assert_eq!(gateway, json!({"error": {"code": code, "name": name, "path": path, "message": message}}));
}

#[test]
fn base_policy_is_valid() {
    assert!(Policy::from_value(base()).is_ok());
    assert!(Policy::from_value(with(base(), |d| d["plans"]
        .as_array_mut()
        .map(|p| p.push(plan("b", "USD")))
        .unwrap_or_default()))
    .is_ok());
}

#[test]
fn unknown_field_at_the_top() {
    refused(with(base(), |d| d["colour"] = json!("red")), 1202, "unknown_field", "", "unknown field `colour`; valid fields: `version`, `preset`, `name`, `settings`, `status_rules`, `plans`, `self_service`, `success`, `staff`");
}

#[test]
fn unknown_field_in_a_plan() {
    refused(
        with(base(), |d| d["plans"][0]["colour"] = json!("red")),
        1202,
        "unknown_field",
        "plans[0]",
        "plans[0]: unknown field `colour`; valid fields: `id`, `name`, `category`, `term`, `prices`, `windows`, `flags`, `max_terms`, `renew_to`, `seats`, `proration`, `tax`, `pause`, `household`",
    );
}

#[test]
fn unknown_field_in_prices() {
    refused(
        with(base(), |d| d["plans"][0]["prices"]["vat"] = json!("20")),
        1202,
        "unknown_field",
        "plans[0].prices",
        "plans[0].prices: unknown field `vat`; valid fields: `currency`, `dues`, `renewal`, `join_fee`, `reinstatement_fee`, `late_fee`, `cancellation_fee`",
    );
}

#[test]
fn unknown_field_in_settings() {
    refused(
        with(base(), |d| d["settings"] = json!({"month_ends": "clamp"})),
        1202,
        "unknown_field",
        "settings",
        "settings: unknown field `month_ends`; did you mean `month_end`? valid fields: `month_end`, `rolling_end`, `renewal_end`, `reinstatement`, `expiry`, `calendar_renewal`, `rejoin_since`, `leap_expiry`, `renewal_close`, `rounding`, `calendar_renewal_end`, `rollover_days`, `status_before_join`, `lifetime_renewal`, `short_extension`, `currency`, `quotes`",
    );
}

#[test]
fn unknown_field_in_a_status_rule_boundary() {
    refused(
        with(base(), |d| {
            d["status_rules"] = json!([{"status": "active", "from": [{"event": "join", "days": 3}],
                                        "counts_as_member": true, "renewable": true}])
        }),
        1202,
        "unknown_field",
        "status_rules[0].from[0]",
        "status_rules[0].from[0]: unknown field `days`; valid fields: `event`, `offset`",
    );
}

#[test]
fn unknown_field_in_a_term_length() {
    refused(
        term(json!({"kind": "rolling", "length": {"count": 1, "unit": "year", "months": 2}})),
        1202,
        "unknown_field",
        "plans[0].term.length",
        "plans[0].term.length: unknown field `months`; valid fields: `count`, `unit`",
    );
}

#[test]
fn missing_version() {
    refused(
        with(base(), |d| {
            d.as_object_mut().map(|o| o.remove("version"));
        }),
        1203,
        "missing_field",
        "",
        "missing field `version`",
    );
}

#[test]
fn missing_prices() {
    refused(
        with(base(), |d| {
            d["plans"][0].as_object_mut().map(|o| o.remove("prices"));
        }),
        1203,
        "missing_field",
        "plans[0]",
        "plans[0]: missing field `prices`",
    );
}

#[test]
fn float_amount() {
    refused(
        with(base(), |d| d["plans"][0]["prices"]["dues"] = json!(200.5)),
        1201,
        "policy_syntax",
        "plans[0].prices.dues",
        "plans[0].prices.dues: amount 200.5 is a JSON float; write amounts as strings such as \"200.5\" so no cent is lost",
    );
}

#[test]
fn negative_dues() {
    refused(
        with(base(), |d| d["plans"][0]["prices"]["dues"] = json!("-5.00")),
        1205,
        "invalid_value",
        "plans[0].prices.dues",
        "plans[0].prices.dues: must not be negative",
    );
}

#[test]
fn negative_fee() {
    refused(
        with(base(), |d| d["plans"][0]["prices"]["late_fee"] = json!("-0.01")),
        1205,
        "invalid_value",
        "plans[0].prices.late_fee",
        "plans[0].prices.late_fee: must not be negative",
    );
}

#[test]
fn yen_amount_with_decimals() {
    refused(
        with(base(), |d| d["plans"][0]["prices"] = json!({"currency": "JPY", "dues": "1000.5"})),
        1205,
        "invalid_value",
        "plans[0].prices.dues",
        "plans[0].prices.dues: 1000.5 has more decimals than JPY allows (0)",
    );
    // Trailing zeros are not extra precision.
    assert!(Policy::from_value(
        with(base(), |d| d["plans"][0]["prices"] = json!({"currency": "JPY", "dues": "1000.00"}))
    )
    .is_ok());
}

#[test]
fn dinar_amount_with_four_decimals() {
    refused(
        with(base(), |d| d["plans"][0]["prices"] = json!({"currency": "KWD", "dues": "12.000", "join_fee": "1.2345"})),
        1205,
        "invalid_value",
        "plans[0].prices.join_fee",
        "plans[0].prices.join_fee: 1.2345 has more decimals than KWD allows (3)",
    );
}

#[test]
fn unknown_currency() {
    refused(
        with(base(), |d| d["plans"][0]["prices"]["currency"] = json!("XYZ")),
        1201,
        "policy_syntax",
        "plans[0].prices.currency",
        "plans[0].prices.currency: unknown currency `XYZ`",
    );
}

#[test]
fn version_two() {
    refused(
        with(base(), |d| d["version"] = json!(2)),
        1204,
        "unsupported_version",
        "version",
        "version: unsupported policy version 2 (this amscore reads version 1)",
    );
}

#[test]
fn duplicate_plan_id() {
    refused(
        with(base(), |d| d["plans"] = json!([plan("a", "USD"), plan("b", "USD"), plan("a", "USD")])),
        1206,
        "duplicate_plan",
        "plans[2].id",
        "plans[2].id: duplicate plan id `a`",
    );
}

#[test]
fn renew_to_unknown_plan() {
    refused(
        with(base(), |d| d["plans"][0]["renew_to"] = json!("ghost")),
        1207,
        "unknown_plan_reference",
        "plans[0].renew_to",
        "plans[0].renew_to: unknown plan `ghost`",
    );
}

#[test]
fn renew_to_loop() {
    let mut a = plan("a", "USD");
    a["renew_to"] = json!("b");
    let mut b = plan("b", "USD");
    b["renew_to"] = json!("c");
    let mut c = plan("c", "USD");
    c["renew_to"] = json!("b");
    refused(
        with(base(), |d| d["plans"] = json!([a, b, c])),
        1205,
        "invalid_value",
        "plans[0].renew_to",
        "plans[0].renew_to: the renew_to chain loops back on itself",
    );
}

#[test]
fn renew_to_itself() {
    refused(
        with(base(), |d| d["plans"][0]["renew_to"] = json!("individual")),
        1205,
        "invalid_value",
        "plans[0].renew_to",
        "plans[0].renew_to: the renew_to chain loops back on itself",
    );
}

#[test]
fn renew_to_other_currency() {
    refused(
        with(base(), |d| {
            d["plans"][0]["renew_to"] = json!("euro");
            d["plans"].as_array_mut().map(|p| p.push(plan("euro", "EUR"))).unwrap_or_default();
        }),
        1209,
        "plan_currency_mismatch",
        "plans[0].renew_to",
        "plans[0].renew_to: currency EUR does not match USD",
    );
}

#[test]
fn rollover_equal_to_anchor() {
    refused(
        term(json!({"kind": "calendar", "period": "year", "anchor": "07-01", "rollover": "07-01"})),
        1208,
        "rollover_outside_period",
        "plans[0].term.rollover",
        "plans[0].term.rollover: rollover 07-01 is the period's first day; it must fall inside the period",
    );
}

#[test]
fn rollover_on_default_anchor() {
    refused(
        term(json!({"kind": "calendar", "period": "year", "rollover": "01-01"})),
        1208,
        "rollover_outside_period",
        "plans[0].term.rollover",
        "plans[0].term.rollover: rollover 01-01 is the period's first day; it must fall inside the period",
    );
}

#[test]
fn monthly_rollover_day_equal_to_anchor_day() {
    refused(
        term(json!({"kind": "calendar", "period": "month", "anchor_day": 10, "rollover_day": 10})),
        1208,
        "rollover_outside_period",
        "plans[0].term.rollover_day",
        "plans[0].term.rollover_day: rollover day 10 must be 1 to 28 and differ from the anchor day 10",
    );
}

#[test]
fn anchor_day_32() {
    // Anchor days 29 to 31 are accepted (issue 16 item 3: clamped in short months).
    refused(
        term(json!({"kind": "calendar", "period": "month", "anchor_day": 32})),
        1205,
        "invalid_value",
        "plans[0].term.anchor_day",
        "plans[0].term.anchor_day: must be 1 to 31 (a month without it starts on its last day)",
    );
}

#[test]
fn yearly_plan_with_anchor_day() {
    refused(
        term(json!({"kind": "calendar", "period": "year", "anchor_day": 1})),
        1205,
        "invalid_value",
        "plans[0].term.anchor_day",
        "plans[0].term.anchor_day: is for monthly periods; a yearly period uses `anchor` (MM-DD)",
    );
}

#[test]
fn monthly_plan_with_month_day_rollover() {
    refused(
        term(json!({"kind": "calendar", "period": "month", "rollover": "10-01"})),
        1205,
        "invalid_value",
        "plans[0].term.rollover",
        "plans[0].term.rollover: is for yearly periods; a monthly period uses `rollover_day` (1-28)",
    );
}

// Feb 29 is an accepted anchor (placed in common years by settings.month_end); Feb 30 is not.
#[test]
fn feb_30_anchor() {
    refused(
        term(json!({"kind": "calendar", "period": "year", "anchor": "02-30"})),
        1201,
        "policy_syntax",
        "plans[0].term.anchor",
        "plans[0].term.anchor: invalid month-day `02-30`: no such day in that month",
    );
}

#[test]
fn feb_29_rollover_that_is_the_first_day_of_the_period_in_common_years() {
    // Clamp puts Feb 29 on Feb 28 in common years: with a Feb 28 anchor, every join in a
    // period starting in a common year would roll over.
    refused(
        term(json!({"kind": "calendar", "period": "year", "anchor": "02-28", "rollover": "02-29"})),
        1208,
        "rollover_outside_period",
        "plans[0].term.rollover",
        "plans[0].term.rollover: rollover 02-29 is the period's first day (anchor 02-28) in common years with \
         month_end clamp; it must fall inside the period",
    );
}

#[test]
fn zero_periods() {
    refused(
        term(json!({"kind": "calendar", "period": "year", "periods": 0})),
        1205,
        "invalid_value",
        "plans[0].term.periods",
        "plans[0].term.periods: must be > 0",
    );
}

#[test]
fn zero_length_count() {
    refused(
        term(json!({"kind": "rolling", "length": {"count": 0, "unit": "month"}})),
        1205,
        "invalid_value",
        "plans[0].term.length.count",
        "plans[0].term.length.count: must be > 0",
    );
}

#[test]
fn zero_max_terms() {
    refused(
        with(base(), |d| d["plans"][0]["max_terms"] = json!(0)),
        1205,
        "invalid_value",
        "plans[0].max_terms",
        "plans[0].max_terms: must be > 0",
    );
}

#[test]
fn seats_max_below_min() {
    refused(
        with(base(), |d| d["plans"][0]["seats"] = json!({"min": 5, "max": 4})),
        1205,
        "invalid_value",
        "plans[0].seats.max",
        "plans[0].seats.max: must be >= seats.min",
    );
}

#[test]
fn unknown_preset() {
    refused(
        json!({"version": 1, "preset": "wordpress"}),
        1210,
        "unknown_preset",
        "preset",
        "preset: unknown preset `wordpress` (known: amscore, civicrm, tendenci)",
    );
}

#[test]
fn settings_currency_mismatch() {
    refused(
        with(base(), |d| {
            d["settings"] = json!({"currency": "EUR"});
        }),
        1209,
        "plan_currency_mismatch",
        "plans[0].prices.currency",
        "plans[0].prices.currency: currency USD does not match EUR",
    );
}

#[test]
fn empty_plans() {
    refused(
        with(base(), |d| d["plans"] = json!([])),
        1205,
        "invalid_value",
        "plans",
        "plans: must list at least one plan",
    );
}

#[test]
fn unknown_month_end_rule() {
    refused(
        with(base(), |d| d["settings"] = json!({"month_end": "round"})),
        1201,
        "policy_syntax",
        "settings.month_end",
        "settings.month_end: unknown variant `round`, expected `clamp` or `overflow`",
    );
}

#[test]
fn lifetime_plan_with_renew_to() {
    refused(
        with(base(), |d| {
            d["plans"] = json!([
                {"id": "life", "name": "Life", "term": {"kind": "lifetime"},
                 "prices": {"currency": "USD", "dues": "3000"}, "renew_to": "individual"},
                plan("individual", "USD")
            ])
        }),
        1205,
        "invalid_value",
        "plans[0].renew_to",
        "plans[0].renew_to: a lifetime plan is never renewed",
    );
}

#[test]
fn not_json_at_all() {
    let err = Policy::from_json("{\"version\": 1,").map(|_| ()).unwrap_err();
    assert_eq!((err.code(), err.name(), err.path()), (1201, "policy_syntax", ""));
    assert_eq!(err.to_string(), "EOF while parsing a value at line 1 column 14");
}

/// Request errors, answered by the gateway over a valid engine.
fn request_error(request: Value) -> Value {
    let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
    call_value(&engine, request)
}

#[test]
fn bad_dates_in_requests() {
    assert_eq!(
        request_error(json!({"op": "join_term", "plan": "individual", "date": "2025-02-29"})),
        json!({"error": {"code": 1601, "name": "request_syntax", "path": "date", "message": "date: invalid date `2025-02-29`: expected YYYY-MM-DD"}})
    );
    assert_eq!(
        request_error(json!({"op": "status_on", "date": "2025-06-01", "membership": {
            "member_id": "M", "plan": "individual", "member_since": "2020-01-15",
            "term": {"start": "2025-01-15", "end": "2026-1-14"}}})),
        json!({"error": {"code": 1601, "name": "request_syntax", "path": "membership.term.end",
                         "message": "membership.term.end: invalid date `2026-1-14`: expected YYYY-MM-DD"}})
    );
    assert_eq!(
        request_error(json!({"op": "renewal_term", "date": 20250601, "membership": {
            "member_id": "M", "plan": "individual", "member_since": "2020-01-15",
            "term": {"start": "2025-01-15", "end": "2026-01-14"}}})),
        json!({"error": {"code": 1601, "name": "request_syntax", "path": "date",
                         "message": "date: invalid type: integer `20250601`, expected a date YYYY-MM-DD"}})
    );
}

#[test]
fn unknown_term_kind() {
    refused(
        term(json!({"kind": "weekly"})),
        1201,
        "policy_syntax",
        "plans[0].term.kind",
        "plans[0].term.kind: unknown variant `weekly`, expected one of `rolling`, `calendar`, `lifetime`, `rolling_to_day`, `fixed_date`, `fixed_expiry`",
    );
}

#[test]
fn unknown_unit_in_a_grace_window() {
    refused(
        with(base(), |d| d["plans"][0]["windows"] = json!({"grace": {"count": 2, "unit": "week"}})),
        1201,
        "policy_syntax",
        "plans[0].windows.grace.unit",
        "plans[0].windows.grace.unit: unknown variant `week`, expected one of `day`, `month`, `year`",
    );
}
