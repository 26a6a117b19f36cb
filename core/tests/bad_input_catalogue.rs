//! The bad-input catalogue: distinct bad inputs on every surface of the core (policy documents,
//! gateway requests, roster headers and rows), each with the exact error code, name and message
//! it must get — no panic, no partial answer, nothing dropped silently.
//!
//! Other surfaces have their own catalogues: the C API's pointers and lengths in
//! `ffi/tests/bad_input_catalogue.rs` (when the C API is built), Python's types (float money,
//! datetime for a date, wrong column types) in `python/tests/` (pytest).

use amscore::{gateway, Engine, ErrorCode, Roster};
use serde_json::Value;

/// Which surface an input is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// A policy document (JSON text) compiled by `Engine::from_json`.
    Policy,
    /// A request (JSON text) to the gateway of the `amscore` preset.
    Request,
    /// A whole CSV roster whose header is refused.
    RosterHeader,
    /// Data rows after the full header; the last row is the bad one, rows before it are valid.
    RosterRow,
}
use Surface::*;

struct Bad {
    surface: Surface,
    what: &'static str,
    input: &'static str,
    code: u32,
    name: &'static str,
    message: &'static str,
}

const fn bad(
    surface: Surface,
    what: &'static str,
    input: &'static str,
    code: u32,
    name: &'static str,
    message: &'static str,
) -> Bad {
    Bad { surface, what, input, code, name, message }
}

const PLAN: &str = r#""id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}"#;
const HEADER: &str = "member_id,plan,member_since,term_start,term_end,pending,cancelled_on,deceased_on,override_status,override_until,amount_paid,currency";
const MEMBER: &str = r#"{"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}}"#;

const CATALOGUE: &[Bad] = &[
    // --- policy documents ---
    bad(Policy, "empty document", "", 1201, "policy_syntax", "EOF while parsing a value at line 1 column 0"),
    bad(Policy, "not JSON", "{version: 1}", 1201, "policy_syntax", "key must be a string at line 1 column 2"),
    bad(Policy, "an array, not an object", "[]", 1201, "policy_syntax", "a policy must be a JSON object"),
    bad(Policy, "no version", r#"{"plans": []}"#, 1203, "missing_field", "missing field `version`"),
    bad(Policy, "version as text", r#"{"version": "1", "plans": []}"#, 1201, "policy_syntax", "version: invalid type: string \"1\", expected u32"),
    bad(Policy, "unsupported version", r#"{"version": 2, "plans": []}"#, 1204, "unsupported_version", "version: unsupported policy version 2 (this amscore reads version 1)"),
    bad(Policy, "version out of u32 range", r#"{"version": 1e400, "plans": []}"#, 1201, "policy_syntax", "number out of range at line 1 column 17"),
    bad(Policy, "no plans", r#"{"version": 1, "plans": []}"#, 1205, "invalid_value", "plans: must list at least one plan"),
    bad(Policy, "unknown top-level field (typo)", r#"{"version": 1, "plan": []}"#, 1202, "unknown_field", "unknown field `plan`; did you mean `plans`? valid fields: `version`, `preset`, `name`, `settings`, `status_rules`, `plans`, `self_service`, `success`, `staff`"),
    bad(Policy, "unknown preset", r#"{"version": 1, "preset": "wordpress"}"#, 1210, "unknown_preset", "preset: unknown preset `wordpress` (known: amscore, civicrm, tendenci)"),
    bad(Policy, "preset not a string", r#"{"version": 1, "preset": 7}"#, 1205, "invalid_value", "preset: must be a preset name"),
    bad(Policy, "empty status rule table", r#"{"version": 1, "status_rules": [], "plans": [{PLAN}]}"#, 1205, "invalid_value", "status_rules: must list at least one rule"),
    bad(Policy, "unknown month-end rule", r#"{"version": 1, "settings": {"month_end": "sideways"}, "plans": [{PLAN}]}"#, 1201, "policy_syntax", "settings.month_end: unknown variant `sideways`, expected `clamp` or `overflow`"),
    bad(Policy, "empty plan id", r#"{"version": 1, "plans": [{"id": " ", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].id: must not be empty"),
    bad(Policy, "duplicate plan id", r#"{"version": 1, "plans": [{PLAN}, {PLAN}]}"#, 1206, "duplicate_plan", "plans[1].id: duplicate plan id `p`"),
    bad(Policy, "empty plan name", r#"{"version": 1, "plans": [{"id": "p", "name": "", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].name: must not be empty"),
    bad(Policy, "unknown term kind", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "forever"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1201, "policy_syntax", "plans[0].term.kind: unknown variant `forever`, expected one of `rolling`, `calendar`, `lifetime`, `rolling_to_day`, `fixed_date`, `fixed_expiry`"),
    bad(Policy, "rolling length zero", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 0, "unit": "year"}}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].term.length.count: must be > 0"),
    bad(Policy, "rolling length over 1200", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1201, "unit": "month"}}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].term.length.count: must be at most 1200"),
    bad(Policy, "negative length", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": -1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1201, "policy_syntax", "plans[0].term.length.count: invalid value: integer `-1`, expected u32"),
    bad(Policy, "calendar with zero periods", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "year", "periods": 0}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].term.periods: must be > 0"),
    bad(Policy, "yearly period with a monthly anchor day", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "year", "anchor_day": 5}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].term.anchor_day: is for monthly periods; a yearly period uses `anchor` (MM-DD)"),
    bad(Policy, "monthly anchor day 32", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "month", "anchor_day": 32}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1205, "invalid_value", "plans[0].term.anchor_day: must be 1 to 31 (a month without it starts on its last day)"),
    bad(Policy, "anchor on Feb 30", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "year", "anchor": "02-30"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1201, "policy_syntax", "plans[0].term.anchor: invalid month-day `02-30`: no such day in that month"),
    bad(Policy, "rollover Feb 29 on a Mar 1 anchor with overflow", r#"{"version": 1, "settings": {"month_end": "overflow"}, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "year", "anchor": "03-01", "rollover": "02-29"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1208, "rollover_outside_period", "plans[0].term.rollover: rollover 02-29 is the period's first day (anchor 03-01) in common years with month_end overflow; it must fall inside the period"),
    bad(Policy, "rollover on the anchor", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "calendar", "period": "year", "anchor": "07-01", "rollover": "07-01"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1208, "rollover_outside_period", "plans[0].term.rollover: rollover 07-01 is the period's first day; it must fall inside the period"),
    bad(Policy, "unknown currency", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "XYZ", "dues": "1"}}]}"#, 1201, "policy_syntax", "plans[0].prices.currency: unknown currency `XYZ`"),
    bad(Policy, "negative dues", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "-5.00"}}]}"#, 1205, "invalid_value", "plans[0].prices.dues: must not be negative"),
    bad(Policy, "dues finer than cents", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1.005"}}]}"#, 1205, "invalid_value", "plans[0].prices.dues: 1.005 has more decimals than USD allows (2)"),
    bad(Policy, "dues as a float", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": 1.5}}]}"#, 1201, "policy_syntax", "plans[0].prices.dues: amount 1.5 is a JSON float; write amounts as strings such as \"1.5\" so no cent is lost"),
    bad(Policy, "dues not a number", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "ten"}}]}"#, 1201, "policy_syntax", "plans[0].prices.dues: invalid amount `ten`: expected a decimal number such as 12.50"),
    bad(Policy, "plan priced in another currency than the policy's", r#"{"version": 1, "settings": {"currency": "EUR"}, "plans": [{PLAN}]}"#, 1209, "plan_currency_mismatch", "plans[0].prices.currency: currency USD does not match EUR"),
    bad(Policy, "renew_to an unknown plan", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "1"}, "renew_to": "q"}]}"#, 1207, "unknown_plan_reference", "plans[0].renew_to: unknown plan `q`"),
    bad(Policy, "renew_to loop", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "1"}, "renew_to": "p"}]}"#, 1205, "invalid_value", "plans[0].renew_to: the renew_to chain loops back on itself"),
    bad(Policy, "lifetime plan renewing to another", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}, "renew_to": "p"}]}"#, 1205, "invalid_value", "plans[0].renew_to: a lifetime plan is never renewed"),
    bad(Policy, "max_terms zero", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}, "max_terms": 0}]}"#, 1205, "invalid_value", "plans[0].max_terms: must be > 0"),
    bad(Policy, "seats max below min", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}, "seats": {"min": 5, "max": 2}}]}"#, 1205, "invalid_value", "plans[0].seats.max: must be >= seats.min"),
    bad(Policy, "cancellation cut-off of i64::MIN", r#"{"version": 1, "preset": "amscore", "self_service": {"event_cancel_cutoff_hours": -9223372036854775808}}"#, 1205, "invalid_value", "self_service.event_cancel_cutoff_hours: must be between -8760 and 8760"),
    bad(Policy, "transfer cut-off past a year", r#"{"version": 1, "preset": "amscore", "self_service": {"event_transfer_cutoff_hours": 8761}}"#, 1205, "invalid_value", "self_service.event_transfer_cutoff_hours: must be between -8760 and 8760"),
    bad(Policy, "max_terms above 100", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "max_terms": 101}]}"#, 1205, "invalid_value", "plans[0].max_terms: must be between 1 and 100"),
    bad(Policy, "included seats above 100000", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "seats": {"included": 100001}}]}"#, 1205, "invalid_value", "plans[0].seats.included: must be between 0 and 100000"),
    bad(Policy, "grace longer than 1200 units", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "windows": {"grace": {"count": 1201, "unit": "day"}}}]}"#, 1205, "invalid_value", "plans[0].windows.grace.count: must be between 0 and 1200"),
    bad(Policy, "status rule offset of 1201 months", r#"{"version": 1, "plans": [{PLAN}], "status_rules": [{"status": "active", "from": [{"event": "join", "offset": {"months": -1201}}], "counts_as_member": true, "renewable": true}]}"#, 1205, "invalid_value", "status_rules[0].from[0].offset.months: must be between -1200 and 1200"),
    bad(Policy, "backdating limit above 36600 days", r#"{"version": 1, "preset": "amscore", "self_service": {"max_backdating_days": 36601}}"#, 1205, "invalid_value", "self_service.max_backdating_days: must be between 0 and 36600"),
    bad(Policy, "half-life above 36600 days", r#"{"version": 1, "preset": "amscore", "success": {"decay": {"kind": "half_life", "days": 36601}}}"#, 1205, "invalid_value", "success.decay.days: must be between 1 and 36600"),
    bad(Policy, "activity weight above 1000", r#"{"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "login", "weight": "1000.5"}]}}"#, 1205, "invalid_value", "success.activity_kinds[0].weight: must be between 0 and 1000"),
    bad(Policy, "renew_to chain that ends in a loop", r#"{"version": 1, "plans": [{"id": "a", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "renew_to": "b"}, {"id": "b", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "renew_to": "c"}, {"id": "c", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "renew_to": "b"}]}"#, 1205, "invalid_value", "plans[0].renew_to: the renew_to chain loops back on itself"),
    bad(Policy, "dues above the largest amount", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1000000000.01"}}]}"#, 1205, "invalid_value", "plans[0].prices.dues: must be at most 1000000000.00 USD"),
    bad(Policy, "dues near Decimal::MAX", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "79228162514264337593543950335"}}]}"#, 1205, "invalid_value", "plans[0].prices.dues: must be at most 1000000000.00 USD"),
    bad(Policy, "balance tolerance above the largest amount", r#"{"version": 1, "preset": "amscore", "self_service": {"balance_due_tolerance": "100000000000.01"}}"#, 1205, "invalid_value", "self_service.balance_due_tolerance: must be at most 100000000000"),
    bad(Policy, "proration cutoff day 1", r#"{"version": 1, "plans": [{"id": "m", "name": "M", "term": {"kind": "calendar", "period": "month"}, "prices": {"currency": "USD", "dues": "10.00"}, "proration": {"granularity": "month", "cutoff_day": 1}}]}"#, 1205, "invalid_value", "plans[0].proration.cutoff_day: must be 2 to 31 (a cutoff on day 1 would never charge a month)"),
    bad(Policy, "fixed denominator above 36600", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "proration": {"granularity": "day", "denominator": {"fixed": 36601}}}]}"#, 1205, "invalid_value", "plans[0].proration.denominator.fixed: must be 1 to 36600 days"),
    bad(Policy, "proration window above 1200 units", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}}, "prices": {"currency": "USD", "dues": "100.00"}, "proration": {"granularity": "day", "only_within": {"count": 1201, "unit": "day"}}}]}"#, 1205, "invalid_value", "plans[0].proration.only_within.count: must be between 1 and 1200"),
    bad(Policy, "fraction scale above 20", r#"{"version": 1, "settings": {"quotes": {"fraction_scale": 21}}, "plans": [{PLAN}]}"#, 1205, "invalid_value", "settings.quotes.fraction_scale: must be at most 20"),
    bad(Policy, "multi-term discount of 0 percent", r#"{"version": 1, "settings": {"quotes": {"multi_term_discounts": [{"terms": 2, "percent": "0"}]}}, "plans": [{PLAN}]}"#, 1205, "invalid_value", "settings.quotes.multi_term_discounts[0].percent: must be above 0 and at most 100"),
    bad(Policy, "online quantity above a million", r#"{"version": 1, "preset": "amscore", "self_service": {"products": {"book": {"max_online_quantity": 1000001}}}}"#, 1205, "invalid_value", "self_service.products.book.max_online_quantity: must be between 1 and 1000000"),
    bad(Policy, "activity cap above 100000", r#"{"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "login", "weight": "1", "cap": {"max": 100001, "per": "month"}}]}}"#, 1205, "invalid_value", "success.activity_kinds[0].cap.max: must be between 1 and 100000"),
    bad(Policy, "decay step older than 36600 days", r#"{"version": 1, "preset": "amscore", "success": {"decay": {"kind": "steps", "steps": [{"until_day": 36601, "factor": "1"}]}}}"#, 1205, "invalid_value", "success.decay.steps[0].until_day: must be between 0 and 36600"),
    bad(Policy, "milestone day beyond 36600", r#"{"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "login", "weight": "1"}], "journeys": [{"id": "j", "milestones": [{"id": "m", "anchor": "join", "day": -36601, "activity": "login"}]}]}}"#, 1205, "invalid_value", "success.journeys[0].milestones[0].day: must be between -36600 and 36600"),
    bad(Policy, "milestone grace above 36600 days", r#"{"version": 1, "preset": "amscore", "success": {"activity_kinds": [{"id": "login", "weight": "1"}], "journeys": [{"id": "j", "milestones": [{"id": "m", "anchor": "join", "day": 30, "grace_days": 36601, "activity": "login"}]}]}}"#, 1205, "invalid_value", "success.journeys[0].milestones[0].grace_days: must be between 0 and 36600"),
    bad(Policy, "at-risk cooldown above 36600 days", r#"{"version": 1, "preset": "amscore", "success": {"at_risk": [{"id": "r", "priority": 1, "cooldown_days": 36601, "when": {"test": {"fact": "auto_renew", "op": "eq", "value": false}}}]}}"#, 1205, "invalid_value", "success.at_risk[0].cooldown_days: must be between 0 and 36600"),
    bad(Policy, "upgrade score above a billion", r#"{"version": 1, "preset": "amscore", "success": {"upgrades": [{"from": "digital", "to": "individual", "min_score": "1000000001"}]}}"#, 1205, "invalid_value", "success.upgrades[0].min_score: must be between 0 and 1000000000"),
    bad(Policy, "upgrade tenure above 200 years", r#"{"version": 1, "preset": "amscore", "success": {"upgrades": [{"from": "digital", "to": "individual", "min_tenure_years": 201}]}}"#, 1205, "invalid_value", "success.upgrades[0].min_tenure_years: must be between 0 and 200"),
    bad(Policy, "upgrade percentile above 100", r#"{"version": 1, "preset": "amscore", "success": {"upgrades": [{"from": "digital", "to": "individual", "min_percentile": "101"}]}}"#, 1205, "invalid_value", "success.upgrades[0].min_percentile: must be 0 to 100"),
    // a key given twice is refused with the path of its object
    bad(Policy, "version given twice", r#"{"version": 1, "version": 1, "preset": "amscore"}"#, 1201, "policy_syntax", "duplicate field `version`"),
    bad(Policy, "a plan field given twice", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "name": "Q", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}}]}"#, 1201, "policy_syntax", "plans[0]: duplicate field `name`"),
    bad(Policy, "dues given twice", r#"{"version": 1, "plans": [{"id": "p", "name": "P", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1.00", "dues": "2.00"}}]}"#, 1201, "policy_syntax", "plans[0].prices: duplicate field `dues`"),
    bad(Policy, "a settings field given twice", r#"{"version": 1, "preset": "amscore", "settings": {"month_end": "clamp", "month_end": "overflow"}}"#, 1201, "policy_syntax", "settings: duplicate field `month_end`"),
    // --- gateway requests (amscore preset) ---
    bad(Request, "not JSON", "op=join_term", 1601, "request_syntax", "expected value at line 1 column 1"),
    bad(Request, "annual plan term with no end (status)", r#"{"op": "status_on", "date": "2026-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-15", "term": {"start": "2025-01-15"}}}"#, 1307, "term_end_missing", "plan `individual` is not a lifetime plan: its term needs an end"),
    bad(Request, "annual plan term with a null end (renewal)", r#"{"op": "renewal_term", "date": "2026-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-15", "term": {"start": "2025-01-15", "end": null}}}"#, 1307, "term_end_missing", "plan `individual` is not a lifetime plan: its term needs an end"),
    bad(Request, "annual plan term with no end (renewal quote)", r#"{"op": "quote_renewal", "date": "2026-06-01", "membership": {"member_id": "M-1", "plan": "chapter", "member_since": "2025-01-15", "term": {"start": "2025-01-15"}}}"#, 1307, "term_end_missing", "plan `chapter` is not a lifetime plan: its term needs an end"),
    bad(Request, "annual plan term with no end (cancellation quote)", r#"{"op": "quote_cancel", "date": "2026-06-01", "amount_paid": {"amount": "200.00", "currency": "USD"}, "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-15", "term": {"start": "2025-01-15"}}}"#, 1307, "term_end_missing", "plan `individual` is not a lifetime plan: its term needs an end"),
    bad(Request, "annual plan term with no end (plan change quote)", r#"{"op": "quote_change_plan", "date": "2026-06-01", "plan": "retired", "amount_paid": {"amount": "200.00", "currency": "USD"}, "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-15", "term": {"start": "2025-01-15"}}}"#, 1307, "term_end_missing", "plan `individual` is not a lifetime plan: its term needs an end"),
    bad(Request, "lifetime plan term with an end", r#"{"op": "status_on", "date": "2026-06-01", "membership": {"member_id": "M-1", "plan": "lifetime", "member_since": "2020-01-01", "term": {"start": "2020-01-01", "end": "2020-12-31"}}}"#, 1308, "term_end_on_lifetime_plan", "plan `lifetime` is a lifetime plan: its term has no end (given 2020-12-31)"),
    bad(Request, "annual plan term with no end (decision)", r#"{"op": "decide", "request": {"at": "2026-06-01T10:00", "action": {"kind": "cancel_membership"}, "member": {"amount_paid": {"amount": "200.00", "currency": "USD"}, "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2025-01-15", "term": {"start": "2025-01-15"}}}}}"#, 3007, "inconsistent_member_facts", "member.membership.term: plan `individual` is not a lifetime plan: its term needs an end"),
    bad(Request, "an array", "[]", 1601, "request_syntax", "a request must be a JSON object"),
    bad(Request, "no op", r#"{"plan": "individual"}"#, 1603, "request_missing_field", "missing field `op`"),
    bad(Request, "unknown op", r#"{"op": "teleport"}"#, 1604, "unknown_operation", "op: unknown operation `teleport`"),
    bad(Request, "op not a string", r#"{"op": 3}"#, 1601, "request_syntax", "op: must be a string naming the operation"),
    bad(Request, "missing plan", r#"{"op": "join_term", "date": "2025-01-15"}"#, 1603, "request_missing_field", "missing field `plan`"),
    bad(Request, "unknown plan", r#"{"op": "join_term", "plan": "gold", "date": "2025-01-15"}"#, 1301, "unknown_plan", "unknown plan `gold`"),
    bad(Request, "impossible date", r#"{"op": "join_term", "plan": "individual", "date": "2025-02-30"}"#, 1601, "request_syntax", "date: invalid date `2025-02-30`: expected YYYY-MM-DD"),
    bad(Request, "date not ISO 8601", r#"{"op": "join_term", "plan": "individual", "date": "15/01/2025"}"#, 1601, "request_syntax", "date: invalid date `15/01/2025`: expected YYYY-MM-DD"),
    bad(Request, "date past year 9999", r#"{"op": "join_term", "plan": "individual", "date": "10000-01-01"}"#, 1601, "request_syntax", "date: invalid date `10000-01-01`: expected YYYY-MM-DD"),
    bad(Request, "join at the end of the calendar", r#"{"op": "join_term", "plan": "individual", "date": "9999-06-01"}"#, 1101, "date_out_of_range", "date out of range: 9999-06-01 + 12 months"),
    bad(Request, "zero terms", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "terms": 0}"#, 1404, "invalid_term_count", "cannot buy 0 terms at once: must be 1 to 3"),
    bad(Request, "more terms than the plan sells", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "terms": 99}"#, 1404, "invalid_term_count", "cannot buy 99 terms at once: must be 1 to 3"),
    bad(Request, "negative terms", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "terms": -1}"#, 1601, "request_syntax", "terms: invalid value: integer `-1`, expected u32"),
    bad(Request, "terms as text", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "terms": "2"}"#, 1601, "request_syntax", "terms: invalid type: string \"2\", expected u32"),
    bad(Request, "unknown field", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "seat": 1}"#, 1602, "request_unknown_field", "unknown field `seat`"),
    bad(Request, "membership without member_since", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "term": {"start": "2025-03-10", "end": "2026-03-09"}}}"#, 1603, "request_missing_field", "membership: missing field `member_since`"),
    bad(Request, "term ends before it starts", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2024-03-09"}}}"#, 1303, "term_ends_before_start", "term ends on 2024-03-09, before it starts on 2025-03-10"),
    bad(Request, "joined after the term's end", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2027-01-01", "term": {"start": "2025-03-10", "end": "2026-03-09"}}}"#, 1306, "joined_after_term_end", "member since 2027-01-01 is after the term's end 2026-03-09"),
    bad(Request, "status before the member joined", r#"{"op": "status_on", "date": "2019-01-01", "membership": {MEMBER}}"#, 1302, "date_before_join", "2019-01-01 is before the member joined on 2020-03-10"),
    bad(Request, "unknown override status", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "override": {"status": "zombie"}}}"#, 1601, "request_syntax", "membership.override.status: unknown variant `zombie`, expected one of `pending`, `new`, `active`, `grace`, `lapsed`, `expired`, `cancelled`, `suspended`, `deceased`"),
    bad(Request, "renewal before the window opens", r#"{"op": "renewal_term", "date": "2025-06-01", "membership": {MEMBER}}"#, 1401, "renewal_window_not_open", "renewal not open until 2025-12-09"),
    bad(Request, "renewing a lifetime membership", r#"{"op": "renewal_term", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "lifetime", "member_since": "2020-03-10", "term": {"start": "2020-03-10", "end": null}}}"#, 1402, "lifetime_not_renewable", "lifetime memberships are not renewed"),
    bad(Request, "renewing a cancelled membership", r#"{"op": "renewal_term", "date": "2026-02-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "cancelled_on": "2025-12-01"}}"#, 1403, "status_not_renewable", "a cancelled membership cannot be renewed"),
    bad(Request, "roster CSV not a string", r#"{"op": "load_roster", "csv": 7}"#, 1601, "request_syntax", "csv: invalid type: integer `7`, expected a string"),
    bad(Request, "seats on a plan without seats", r#"{"op": "quote_join", "plan": "individual", "date": "2025-01-15", "seats": 3}"#, 2005, "plan_has_no_seats", "plan `individual` has no seats"),
    bad(Request, "change to the same plan", r#"{"op": "quote_change_plan", "membership": {MEMBER}, "plan": "individual", "date": "2025-06-01", "amount_paid": {"amount": "200.00", "currency": "USD"}}"#, 2010, "same_plan", "the member is already on plan `individual`"),
    bad(Request, "payment in another currency", r#"{"op": "quote_change_plan", "membership": {MEMBER}, "plan": "retired", "date": "2025-06-01", "amount_paid": {"amount": "200.00", "currency": "EUR"}}"#, 2012, "payment_currency_mismatch", "payment in EUR but the plan is priced in USD"),
    bad(Request, "money as a float", r#"{"op": "split_instalments", "total": {"amount": 100.5, "currency": "USD"}, "count": 2}"#, 1601, "request_syntax", "total.amount: amount 100.5 is a JSON float; write amounts as strings such as \"100.5\" so no cent is lost"),
    bad(Request, "instalments: zero parts", r#"{"op": "split_instalments", "total": {"amount": "100.00", "currency": "USD"}, "count": 0}"#, 2007, "zero_parts", "cannot split into zero parts"),
    bad(Request, "instalments: total finer than cents", r#"{"op": "split_instalments", "total": {"amount": "100.001", "currency": "USD"}, "count": 2}"#, 1005, "amount_too_precise", "100.001 has more decimals than USD allows (2)"),
    bad(Request, "instalments: total above the largest amount", r#"{"op": "split_instalments", "total": {"amount": "1000000000.01", "currency": "USD"}, "count": 2}"#, 1003, "invalid_amount", "invalid amount `1000000000.01`: total must be at most 1000000000.00 USD"),
    bad(Request, "cancellation: amount paid near Decimal::MAX", r#"{"op": "quote_cancel", "date": "2026-06-01", "amount_paid": {"amount": "79228162514264337593543950335", "currency": "USD"}, "membership": {MEMBER}}"#, 1003, "invalid_amount", "invalid amount `79228162514264337593543950335`: amount_paid must be at most 1000000000.00 USD"),
    bad(Request, "plan change: credits above the largest amount", r#"{"op": "quote_change_plan", "membership": {MEMBER}, "plan": "retired", "date": "2025-06-01", "amount_paid": {"amount": "200.00", "currency": "USD"}, "credits_applied": {"amount": "1000000000.01", "currency": "USD"}}"#, 1003, "invalid_amount", "invalid amount `1000000000.01`: credits_applied must be at most 1000000000.00 USD"),
    bad(Request, "decision: balance due above the largest amount", r#"{"op": "decide", "request": {"at": "2026-04-01T10:00", "action": {"kind": "renew"}, "member": {"membership": {MEMBER}, "balance_due": {"amount": "1000000000.01", "currency": "USD"}}}}"#, 3010, "request_invalid", "member.balance_due.amount: 1000000000.01 USD must be at most 1000000000.00 USD"),
    bad(Request, "decision: refund paid above the largest amount", r#"{"op": "decide", "request": {"at": "2026-04-01T10:00", "action": {"kind": "cancel_registration", "event": {"id": "e", "starts_at": "2026-05-01T10:00"}, "registration": "registered", "paid": {"amount": "79228162514264337593543950335", "currency": "USD"}}, "member": {"membership": {MEMBER}}}}"#, 3010, "request_invalid", "action.paid.amount: 79228162514264337593543950335 USD must be at most 1000000000.00 USD"),
    // the one date grammar (period::parse_date) for every date of a request
    bad(Request, "date with a plus sign", r#"{"op": "join_term", "plan": "individual", "date": "+2024-01-01"}"#, 1601, "request_syntax", "date: invalid date `+2024-01-01`: expected YYYY-MM-DD"),
    bad(Request, "date in year 0", r#"{"op": "join_term", "plan": "individual", "date": "0000-01-01"}"#, 1601, "request_syntax", "date: invalid date `0000-01-01`: expected YYYY-MM-DD"),
    bad(Request, "date before year 1", r#"{"op": "join_term", "plan": "individual", "date": "-0001-01-01"}"#, 1601, "request_syntax", "date: invalid date `-0001-01-01`: expected YYYY-MM-DD"),
    bad(Request, "date as a number", r#"{"op": "join_term", "plan": "individual", "date": 20250115}"#, 1601, "request_syntax", "date: invalid type: integer `20250115`, expected a date YYYY-MM-DD"),
    bad(Request, "member_since with a plus sign", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "+2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}}}"#, 1601, "request_syntax", "membership.member_since: invalid date `+2020-03-10`: expected YYYY-MM-DD"),
    bad(Request, "term end in year 0", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "0000-03-09"}}}"#, 1601, "request_syntax", "membership.term.end: invalid date `0000-03-09`: expected YYYY-MM-DD"),
    bad(Request, "cancelled_on with a plus sign", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "cancelled_on": "+2025-04-01"}}"#, 1601, "request_syntax", "membership.cancelled_on: invalid date `+2025-04-01`: expected YYYY-MM-DD"),
    bad(Request, "override until in year 0", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "override": {"status": "suspended", "until": "0000-12-31"}}}"#, 1601, "request_syntax", "membership.override.until: invalid date `0000-12-31`: expected YYYY-MM-DD"),
    bad(Request, "success as_of with a plus sign", r#"{"op": "renewal_due", "members": [], "as_of": "+2025-06-01"}"#, 1601, "request_syntax", "as_of: invalid date `+2025-06-01`: expected YYYY-MM-DD"),
    bad(Request, "activity event in year 0", r#"{"op": "engagement_scores", "members": [{"membership": {MEMBER}}], "events": [{"member_id": "M-1", "date": "0000-05-01", "kind": "login"}], "as_of": "2025-06-01"}"#, 1601, "request_syntax", "events[0].date: invalid date `0000-05-01`: expected YYYY-MM-DD"),
    bad(Request, "member history term with a plus sign", r#"{"op": "retention_metrics", "members": [{"membership": {MEMBER}, "terms": [{"start": "+2024-03-10", "end": "2025-03-09"}]}], "as_of": "2025-06-01"}"#, 1601, "request_syntax", "members[0].terms[0].start: invalid date `+2024-03-10`: expected YYYY-MM-DD"),
    bad(Request, "decision: date-time with a plus sign", r#"{"op": "decide", "request": {"at": "+2026-04-01T10:00", "action": {"kind": "join", "plan": "individual"}}}"#, 3010, "request_invalid", "at: `+2026-04-01T10:00` is not a date-time YYYY-MM-DDTHH:MM (no time zone)"),
    bad(Request, "decision: event start in year 0", r#"{"op": "decide", "request": {"at": "2026-04-01T10:00", "action": {"kind": "register_event", "event": {"id": "e", "starts_at": "0000-05-01T10:00"}}}}"#, 3010, "request_invalid", "action: `0000-05-01T10:00` is not a date-time YYYY-MM-DDTHH:MM (no time zone)"),
    bad(Request, "decision: member_since in year 0", r#"{"op": "decide", "request": {"at": "2026-04-01T10:00", "action": {"kind": "renew"}, "member": {"membership": {"member_id": "M-1", "plan": "individual", "member_since": "0000-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}}}}}"#, 3010, "request_invalid", "member.membership.member_since: invalid date `0000-03-10`: expected YYYY-MM-DD"),
    // a key given twice is refused, wherever it is
    bad(Request, "a field given twice", r#"{"op": "join_term", "plan": "individual", "date": "2025-01-15", "date": "2025-01-16"}"#, 1601, "request_syntax", "duplicate field `date`"),
    bad(Request, "op given twice", r#"{"op": "teleport", "op": "join_term", "plan": "individual", "date": "2025-01-15"}"#, 1601, "request_syntax", "duplicate field `op`"),
    bad(Request, "a membership field given twice", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "plan": "lifetime", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}}}"#, 1601, "request_syntax", "membership: duplicate field `plan`"),
    bad(Request, "a field given twice inside a decision request", r#"{"op": "decide", "request": {"at": "2026-04-01T10:00", "action": {"kind": "renew", "kind": "join", "plan": "individual"}}}"#, 1601, "request_syntax", "request.action: duplicate field `kind`"),
    bad(Request, "a field given twice in a list", r#"{"op": "engagement_scores", "members": [], "events": [{"member_id": "M-1", "date": "2025-05-01", "kind": "login"}, {"member_id": "M-1", "member_id": "M-2", "date": "2025-05-01", "kind": "login"}], "as_of": "2025-06-01"}"#, 1601, "request_syntax", "events[1]: duplicate field `member_id`"),
    // a death or a cancellation before the join
    bad(Request, "deceased before joining", r#"{"op": "status_on", "date": "2025-06-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "deceased_on": "2019-12-31"}}"#, 1309, "deceased_before_join", "deceased on 2019-12-31, before the member joined on 2020-03-10"),
    bad(Request, "cancelled before joining", r#"{"op": "renewal_term", "date": "2026-02-01", "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "cancelled_on": "2020-03-09"}}"#, 1310, "cancelled_before_join", "cancelled on 2020-03-09, before the member joined on 2020-03-10"),
    bad(Request, "cancelled before joining (quote)", r#"{"op": "quote_cancel", "date": "2026-01-01", "amount_paid": {"amount": "200.00", "currency": "USD"}, "membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "cancelled_on": "2001-01-01"}}"#, 1310, "cancelled_before_join", "cancelled on 2001-01-01, before the member joined on 2020-03-10"),
    bad(Request, "deceased before joining (decision)", r#"{"op": "decide", "request": {"at": "2026-02-01T10:00", "action": {"kind": "renew"}, "member": {"membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-03-10", "term": {"start": "2025-03-10", "end": "2026-03-09"}, "deceased_on": "2019-01-01"}}}}"#, 3007, "inconsistent_member_facts", "member.membership: deceased on 2019-01-01, before the member joined on 2020-03-10"),
    // --- roster headers ---
    bad(RosterHeader, "a required column missing", "member_id,plan,member_since,term_start\nM-1,individual,2020-01-01,2025-01-01\n", 1501, "missing_column", "missing column `term_end`"),
    bad(RosterHeader, "an unknown column", "member_id,plan,member_since,term_start,term_end,amount\n", 1502, "unknown_column", "unknown column `amount`"),
    bad(RosterHeader, "a column twice", "member_id,plan,member_since,term_start,term_end,plan\n", 1503, "duplicate_column", "duplicate column `plan`"),
    // --- roster rows ---
    bad(RosterRow, "member_id empty", ",individual,2020-03-10,2025-03-10,2026-03-09,,,,,,,", 1506, "missing_value", "row 1, member_id ``: a value is required"),
    bad(RosterRow, "impossible date", "M-1,individual,2020-03-10,2025-02-30,2026-03-09,,,,,,,", 1507, "impossible_date", "row 1, term_start `2025-02-30`: not a calendar date (expected YYYY-MM-DD)"),
    bad(RosterRow, "US date format", "M-1,individual,03/10/2020,2025-03-10,2026-03-09,,,,,,,", 1507, "impossible_date", "row 1, member_since `03/10/2020`: not a calendar date (expected YYYY-MM-DD)"),
    bad(RosterRow, "term ends before it starts", "M-1,individual,2020-03-10,2025-03-10,2024-03-09,,,,,,,", 1508, "term_end_before_start", "row 1, term_end `2024-03-09`: term ends on 2024-03-09, before it starts on 2025-03-10"),
    bad(RosterRow, "plan not in the policy", "M-1,gold,2020-03-10,2025-03-10,2026-03-09,,,,,,,", 1509, "plan_not_in_policy", "row 1, plan `gold`: unknown plan `gold`"),
    bad(RosterRow, "overlapping terms", "M-1,individual,2020-03-10,2024-03-10,2025-03-09,,,,,,,\nM-1,individual,2020-03-10,2025-01-10,2026-01-09,,,,,,,", 1510, "overlapping_terms", "row 2, term_start `2025-01-10`: term 2025-01-10..=2026-01-09 overlaps term 2024-03-10..=2025-03-09 of row 1"),
    bad(RosterRow, "the same term twice", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,,\nM-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,,", 1511, "duplicate_term_record", "row 2, term_start `2025-03-10`: duplicate of row 1 (same member and term start)"),
    bad(RosterRow, "paid in another currency than the plan's", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,200.00,EUR", 1512, "wrong_currency", "row 1, currency `EUR`: currency EUR is not plan `individual`'s (USD)"),
    bad(RosterRow, "unknown currency code", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,200.00,DOLLARS", 1513, "invalid_currency_code", "row 1, currency `DOLLARS`: unknown currency code"),
    bad(RosterRow, "amount with a decimal comma", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,\"200,00\",USD", 1514, "unparsable_amount", "row 1, amount_paid `200,00`: invalid amount: expected a decimal number such as 12.50"),
    bad(RosterRow, "amount finer than cents", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,200.001,USD", 1514, "unparsable_amount", "row 1, amount_paid `200.001`: invalid amount: more decimals than USD allows (2)"),
    bad(RosterRow, "negative amount", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,-5.00,USD", 1514, "unparsable_amount", "row 1, amount_paid `-5.00`: invalid amount: must not be negative"),
    bad(RosterRow, "a flag that is not yes/no", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,maybe,,,,,,", 1515, "unparsable_flag", "row 1, pending `maybe`: not a yes/no value (true/false, yes/no, y/n, 1/0)"),
    bad(RosterRow, "an override that is not a status", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,zombie,,,", 1516, "unparsable_status", "row 1, override_status `zombie`: not a status (pending, new, active, grace, lapsed, expired, cancelled, suspended, deceased)"),
    bad(RosterRow, "joined after the term's end", "M-1,individual,2027-03-10,2025-03-10,2026-03-09,,,,,,,", 1517, "member_since_after_term_end", "row 1, member_since `2027-03-10`: member since 2027-03-10 is after the term's end 2026-03-09"),
    bad(RosterRow, "a lifetime term with an end", "M-1,lifetime,2020-03-10,2020-03-10,2026-03-09,,,,,,,", 1518, "lifetime_term_has_end", "row 1, term_end `2026-03-09`: plan `lifetime` is a lifetime plan: its term has no end"),
    bad(RosterRow, "a term end missing", "M-1,individual,2020-03-10,2025-03-10,,,,,,,,", 1506, "missing_value", "row 1, term_end ``: a value is required"),
    bad(RosterRow, "amount paid above the largest amount", "M-1,individual,2020-03-10,2025-03-10,2026-03-09,,,,,,1000000000.01,USD", 1514, "unparsable_amount", "row 1, amount_paid `1000000000.01`: invalid amount: must be at most 1000000000.00 USD"),
    bad(Request, "retention economics above the largest amount", r#"{"op": "retention_metrics", "as_of": "2025-06-30", "members": [], "economics": {"currency": "USD", "annual_dues": "1000000000.01", "non_dues_revenue": "0"}}"#, 4009, "invalid_success_input", "economics.annual_dues: must be at most 1000000000.00 USD"),
];

/// The error a bad input gets: (code, name, message), after checking there is no partial output.
fn outcome(b: &Bad, engine: &Engine) -> Result<(u32, String, String), String> {
    let input = b.input.replace("{PLAN}", &format!("{{{PLAN}}}")).replace("{MEMBER}", MEMBER);
    match b.surface {
        Policy => match Engine::from_json(&input) {
            Ok(_) => Err("compiled".into()),
            Err(e) => Ok((e.code(), e.name().to_owned(), e.to_string())),
        },
        Request => {
            let doc: Value = serde_json::from_str(&gateway::call(engine, &input)).map_err(|e| e.to_string())?;
            let obj = doc.as_object().ok_or("not an object")?;
            if obj.len() != 1 || !obj.contains_key("error") {
                return Err(format!("not only an error: {doc}"));
            }
            let err = &doc["error"];
            let code = err["code"].as_u64().and_then(|c| u32::try_from(c).ok()).ok_or("no code")?;
            Ok((code, err["name"].as_str().unwrap_or("").to_owned(), err["message"].as_str().unwrap_or("").to_owned()))
        }
        RosterHeader => match Roster::from_csv(engine.rules(), input.as_bytes()) {
            Ok(_) => Err("header accepted".into()),
            Err(e) => Ok((e.code(), e.name().to_owned(), e.to_string())),
        },
        RosterRow => {
            let csv = format!("{HEADER}\n{input}\n");
            let roster =
                Roster::from_csv(engine.rules(), csv.as_bytes()).map_err(|e| format!("header refused: {e}"))?;
            let last = roster.rows_read;
            if roster.rows_used() != last - 1 || roster.rows_used() + roster.rows_with_problems() != last {
                return Err(format!("{} of {last} rows used, {:?}", roster.rows_used(), roster.problems));
            }
            match roster.problems.as_slice() {
                [p] if p.row + 1 == last => Ok((p.code, p.name.clone(), p.to_string())),
                other => Err(format!("expected one problem on row {last}: {other:?}")),
            }
        }
    }
}

#[test]
fn every_bad_input_gets_its_error_code_and_message() {
    let engine = Engine::from_preset("amscore").unwrap();
    let mut wrong = Vec::new();
    for b in CATALOGUE {
        match outcome(b, &engine) {
            Ok((code, name, message)) if (code, name.as_str(), message.as_str()) == (b.code, b.name, b.message) => {}
            Ok((code, name, message)) => {
                wrong.push(format!("{:?} {:?}: got {code}, {name:?}, {message:?}", b.surface, b.what))
            }
            Err(e) => wrong.push(format!("{:?} {:?}: {e}", b.surface, b.what)),
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases wrong:\n{}", wrong.len(), CATALOGUE.len(), wrong.join("\n"));
}

#[test]
fn the_catalogue_has_at_least_fifty_distinct_inputs_on_every_surface() {
    let mut keys: Vec<(String, &str)> = CATALOGUE.iter().map(|b| (format!("{:?}", b.surface), b.input)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), CATALOGUE.len(), "an input is listed twice");
    assert!(CATALOGUE.len() >= 50);
    for s in [Policy, Request, RosterHeader, RosterRow] {
        assert!(CATALOGUE.iter().any(|b| b.surface == s), "{s:?} has no case");
    }
}

/// Self-service requests read as JSON lines (the main job's requests file) get the decision's
/// syntax code, 3010, for a key given twice, with the path of its object.
#[test]
fn request_lines_refuse_a_key_given_twice() {
    let rows = amscore::parse_request_lines(concat!(
        r#"{"at": "2026-04-01T10:00", "action": {"kind": "renew", "kind": "join", "plan": "individual"}}"#,
        "\n",
        r#"{"at": "2026-04-01T10:00", "at": "2026-04-02T10:00", "action": {"kind": "renew"}}"#,
        "\n",
        r#"{"at": "+2026-04-01T10:00", "action": {"kind": "renew"}}"#,
    ));
    let got: Vec<(u32, &str, String)> = rows
        .iter()
        .map(|r| match r {
            Ok(r) => panic!("read {r:?}"),
            Err(e) => (e.code(), e.name(), e.to_string()),
        })
        .collect();
    assert_eq!(
        got,
        [
            (3010, "request_invalid", "action: duplicate field `kind`".to_owned()),
            (3010, "request_invalid", "duplicate field `at`".to_owned()),
            (
                3010,
                "request_invalid",
                "at: `+2026-04-01T10:00` is not a date-time YYYY-MM-DDTHH:MM (no time zone)".to_owned()
            ),
        ]
    );
}

/// A roster row whose death or cancellation comes before the join is that row's problem, with
/// the lifecycle's own codes (1309 / 1310, the same rule as `Membership::check`), and no member
/// is built from it.
#[test]
fn a_roster_row_that_died_or_cancelled_before_joining_is_a_row_problem() {
    let engine = Engine::from_preset("amscore").unwrap();
    let csv = format!(
        "{HEADER}\nM-1,individual,2020-03-10,2025-03-10,2026-03-09,,,2019-12-31,,,,\n\
         M-2,individual,2020-03-10,2025-03-10,2026-03-09,,2020-03-09,,,,,\n"
    );
    let roster = Roster::from_csv(engine.rules(), csv.as_bytes()).unwrap();
    assert_eq!((roster.rows_read, roster.members.len()), (2, 0));
    let problems: Vec<(u32, String)> = roster.problems.iter().map(|p| (p.code, p.to_string())).collect();
    assert_eq!(
        problems,
        [
            (
                1309,
                "row 1, deceased_on `2019-12-31`: deceased on 2019-12-31, before the member joined on 2020-03-10"
                    .to_owned()
            ),
            (
                1310,
                "row 2, cancelled_on `2020-03-09`: cancelled on 2020-03-09, before the member joined on 2020-03-10"
                    .to_owned()
            ),
        ]
    );
}
