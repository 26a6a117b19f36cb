//! Properties of the self-service decision and the coverage report, over generated requests.

use std::collections::BTreeSet;

use amscore::{parse_self_service_request, Decision, Engine, Error, ReasonCode, Route, SelfServiceRequest};
use proptest::prelude::*;
use serde_json::{json, Value};
use time::macros::date;
use time::Duration;

const SAMPLE_POLICY: &str = include_str!("../../examples/sample/policy.json");

fn sample_policy() -> Value {
    serde_json::from_str(SAMPLE_POLICY).expect("the sample policy is JSON")
}

fn engine(policy: &Value) -> Engine {
    Engine::new(amscore::Policy::from_value(policy.clone()).expect("valid policy")).expect("compiles")
}

const PLANS: [&str; 8] =
    ["individual", "chapter", "fiscal", "digital", "retired", "student-y1", "corporate", "lifetime"];
const KINDS: [&str; 11] = [
    "join",
    "renew",
    "reinstate",
    "change_plan",
    "change_seats",
    "cancel_membership",
    "register_event",
    "cancel_registration",
    "transfer_registration",
    "buy_product",
    "update_profile",
];
const REGISTRATIONS: [&str; 4] = ["registered", "waitlisted", "unpaid", "attended"];
const PRODUCTS: [&str; 3] = ["handbook", "cpd-course", "conference-dvd"];
const FIELDS: [&str; 4] = ["email", "address", "date_of_birth", "designation"];

/// The knobs a generated request is built from.
#[derive(Debug, Clone)]
struct Knobs {
    kind: usize,
    day: i64,
    hour: u8,
    member: bool,
    plan: usize,
    end_offset: i64,
    credential: bool,
    balance_cents: Option<u32>,
    target_plan: usize,
    seats: i64,
    terms: u32,
    event_lead_hours: i64,
    full: bool,
    members_only: bool,
    registration: usize,
    paid_cents: u32,
    product: usize,
    quantity: i64,
    stock: i64,
    field: usize,
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (0..KINDS.len(), 0i64..730, 0u8..24, any::<bool>(), 0..PLANS.len(), -400i64..400, any::<bool>()),
        (proptest::option::of(0u32..40_000), 0..PLANS.len(), 1i64..70, 0u32..5, -60i64..400, any::<bool>()),
        (any::<bool>(), 0..REGISTRATIONS.len(), 0u32..40_000, 0..PRODUCTS.len(), 1i64..15, 0i64..20, 0..FIELDS.len()),
    )
        .prop_map(|(a, b, c)| Knobs {
            kind: a.0,
            day: a.1,
            hour: a.2,
            member: a.3,
            plan: a.4,
            end_offset: a.5,
            credential: a.6,
            balance_cents: b.0,
            target_plan: b.1,
            seats: b.2,
            terms: b.3,
            event_lead_hours: b.4,
            full: b.5,
            members_only: c.0,
            registration: c.1,
            paid_cents: c.2,
            product: c.3,
            quantity: c.4,
            stock: c.5,
            field: c.6,
        })
}

fn cents(c: u32) -> Value {
    json!({"amount": format!("{}.{:02}", c / 100, c % 100), "currency": "USD"})
}

/// Builds the JSON of a request from knobs: a member with a one-year term ending `end_offset`
/// days after the request (lifetime: no end), and the kind's details.
fn request(k: &Knobs) -> Value {
    let at_date = date!(2025 - 06 - 01) + Duration::days(k.day);
    let at = time::PrimitiveDateTime::new(at_date, time::Time::from_hms(k.hour, 0, 0).expect("hour < 24"));
    let stamp = |t: time::PrimitiveDateTime| amscore::datetime_text::format(&t);
    let plan = PLANS[k.plan];
    let end = at_date + Duration::days(k.end_offset);
    let start = end - Duration::days(364);
    let since = start - Duration::days(400);
    let term =
        if plan == "lifetime" { json!({"start": start, "end": null}) } else { json!({"start": start, "end": end}) };
    let mut member = json!({
        "membership": {"member_id": "M-1", "plan": plan, "member_since": since, "term": term},
        "amount_paid": cents(20_000),
        "seats": 10,
    });
    if k.credential {
        member["credentials"] = json!(["student", "retired"]);
    }
    if let Some(b) = k.balance_cents {
        member["balance_due"] = cents(b);
    }
    let event = |lead: i64| {
        json!({"id": "EV-1", "starts_at": stamp(at + Duration::hours(lead)), "capacity": 50,
               "registered": if k.full { 50 } else { 10 }, "members_only": k.members_only})
    };
    let action = match KINDS[k.kind] {
        "join" => json!({"kind": "join", "plan": PLANS[k.target_plan], "terms": k.terms}),
        "renew" => json!({"kind": "renew", "terms": k.terms}),
        "reinstate" => json!({"kind": "reinstate", "terms": k.terms}),
        "change_plan" => json!({"kind": "change_plan", "plan": PLANS[k.target_plan]}),
        "change_seats" => json!({"kind": "change_seats", "seats": k.seats}),
        "cancel_membership" => json!({"kind": "cancel_membership"}),
        "register_event" => json!({"kind": "register_event", "event": event(k.event_lead_hours)}),
        "cancel_registration" => json!({"kind": "cancel_registration", "event": event(k.event_lead_hours),
                                        "registration": REGISTRATIONS[k.registration], "paid": cents(k.paid_cents)}),
        "transfer_registration" => json!({"kind": "transfer_registration", "event": event(k.event_lead_hours),
                                          "registration": REGISTRATIONS[k.registration]}),
        "buy_product" => json!({"kind": "buy_product", "product": PRODUCTS[k.product], "quantity": k.quantity,
                                "member_price": true, "in_stock": k.stock}),
        _ => json!({"kind": "update_profile", "field": FIELDS[k.field]}),
    };
    let mut r = json!({"at": stamp(at), "action": action});
    if k.member || KINDS[k.kind] != "join" {
        r["member"] = member;
    }
    r
}

fn parse(k: &Knobs) -> Result<SelfServiceRequest, Error> {
    parse_self_service_request(request(k)).map_err(Error::from)
}

fn codes(d: &Decision) -> BTreeSet<ReasonCode> {
    d.reasons.iter().map(|r| r.code).collect()
}

/// A permutation of the sample policy's plans: `order[i]` is the old index of the new `i`-th plan.
fn plan_order() -> impl Strategy<Value = Vec<usize>> {
    let count = sample_policy()["plans"].as_array().map_or(0, Vec::len);
    Just((0..count).collect::<Vec<usize>>()).prop_shuffle()
}

/// The sample policy with the lists whose order carries no meaning permuted: `plans`,
/// `self_service.eligible_registration_statuses` and `self_service.staff_only_fields` (each
/// `order[i]` is the old index of the new `i`-th entry). `status_rules` stay: their order is
/// meaningful (first match wins). The maps (`self_service.plans`, `credentials`, `products`) are
/// `BTreeMap`s in the policy, so the order of their keys in the document cannot reach the engine.
fn reordered(plans: &[usize], statuses: &[usize], fields: &[usize]) -> Value {
    let mut p = sample_policy();
    let permute = |list: &mut Value, order: &[usize]| {
        let old = list.as_array().cloned().expect("a list");
        assert_eq!(old.len(), order.len(), "the permutation covers the list: {list}");
        *list = Value::Array(order.iter().map(|&i| old[i].clone()).collect());
    };
    permute(&mut p["plans"], plans);
    permute(&mut p["self_service"]["eligible_registration_statuses"], statuses);
    permute(&mut p["self_service"]["staff_only_fields"], fields);
    p
}

/// The sample policy with every numeric limit loosened by the given amounts.
fn loosened(extra_refund: u32, extra_days: u32, extra_tolerance: u32, fewer_hours: i64, extra_qty: u32) -> Value {
    let mut p = sample_policy();
    let ss = &mut p["self_service"];
    ss["max_online_refund"] = json!(format!("{}.00", 100 + extra_refund));
    ss["max_backdating_days"] = json!(60 + extra_days);
    ss["balance_due_tolerance"] = json!(format!("{}.00", 5 + extra_tolerance));
    ss["event_cancel_cutoff_hours"] = json!(48 - fewer_hours);
    ss["event_transfer_cutoff_hours"] = json!(-2 - fewer_hours);
    ss["products"]["handbook"]["max_online_quantity"] = json!(10 + extra_qty);
    ss["products"]["conference-dvd"]["max_online_quantity"] = json!(5 + extra_qty);
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decision_does_not_depend_on_the_order_of_unordered_lists(
        k in knobs(),
        plans in plan_order(),
        statuses in Just(vec![0usize, 1]).prop_shuffle(),
        fields in Just(vec![0usize, 1, 2]).prop_shuffle(),
    ) {
        let base = engine(&sample_policy());
        let policy = reordered(&plans, &statuses, &fields);
        let shuffled = engine(&policy);
        let row = parse(&k);
        let expected = row.clone().and_then(|r| base.decide(&r));
        prop_assert_eq!(&expected, &row.and_then(|r| shuffled.decide(&r)), "plans in order {:?}", plans);
        // The member's credentials are a set too: listed the other way round, the same decision.
        let mut swapped = request(&k);
        if let Some(list) = swapped.pointer_mut("/member/credentials").and_then(Value::as_array_mut) {
            list.reverse();
        }
        let swapped = parse_self_service_request(swapped).map_err(Error::from).and_then(|r| base.decide(&r));
        prop_assert_eq!(&expected, &swapped);
    }

    #[test]
    fn decision_round_trips_through_json(k in knobs()) {
        let Ok(d) = parse(&k).and_then(|r| engine(&sample_policy()).decide(&r)) else { return Ok(()) };
        let text = serde_json::to_string(&d).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Decision = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        prop_assert_eq!(back, d);
    }

    #[test]
    fn loosening_a_limit_never_turns_self_service_into_staff(
        k in knobs(),
        refund in 0u32..500, days in 0u32..400, tolerance in 0u32..500, hours in 0i64..100, qty in 0u32..20,
    ) {
        let base = engine(&sample_policy());
        let loose = engine(&loosened(refund, days, tolerance, hours, qty));
        let Ok(row) = parse(&k) else { return Ok(()) };
        match (base.decide(&row), loose.decide(&row)) {
            (Ok(b), Ok(l)) => {
                if b.route == Route::SelfService {
                    prop_assert_eq!(l.route, Route::SelfService, "{:?}", l.reasons);
                }
                prop_assert!(l.route.severity() <= b.route.severity());
                prop_assert!(codes(&l).is_subset(&codes(&b)), "loosening added {:?} to {:?}", codes(&l), codes(&b));
            }
            (Err(b), Err(l)) => prop_assert_eq!(b, l),
            (b, l) => prop_assert!(false, "ok-ness changed: {:?} vs {:?}", b, l),
        }
    }

    #[test]
    fn report_counts_add_up_to_requests(ks in proptest::collection::vec(knobs(), 0..60)) {
        let e = engine(&sample_policy());
        let rows: Vec<_> = ks.iter().map(parse).collect();
        let batch = e.decide_batch(&rows);
        let o = &batch.report.overall;
        prop_assert_eq!(o.requests, ks.len());
        prop_assert_eq!(o.self_service + o.staff + o.refused + o.errors, ks.len());
        prop_assert_eq!(batch.results.len(), ks.len());
        prop_assert_eq!(batch.results.iter().filter(|r| r.is_err()).count(), o.errors);
        prop_assert_eq!(batch.report.by_kind.iter().map(|k| k.counts.requests).sum::<usize>(), ks.len());
        for k in &batch.report.by_kind {
            let c = &k.counts;
            prop_assert_eq!(c.self_service + c.staff + c.refused + c.errors, c.requests);
        }
        prop_assert_eq!(batch.report.by_queue.iter().map(|q| q.requests).sum::<usize>(), o.staff);
    }

    #[test]
    fn alone_blocked_never_exceeds_sent_to_staff(ks in proptest::collection::vec(knobs(), 0..60)) {
        let e = engine(&sample_policy());
        let rows: Vec<_> = ks.iter().map(parse).collect();
        let report = e.decide_batch(&rows).report;
        for r in &report.reasons {
            prop_assert!(r.alone_blocked <= r.sent_to_staff, "{:?}", r);
            prop_assert!(r.sent_to_staff <= report.overall.staff);
        }
        prop_assert!(report.reasons.iter().map(|r| r.alone_blocked).sum::<usize>() <= report.overall.staff);
    }
}

#[test]
fn every_reason_code_has_a_decision_vector() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("tests/vectors") {
        let path = entry.expect("entry").path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // The household decisions are with the rest of households (tests/vectors/households.json).
        if !name.starts_with("decisions_") && name != "households.json" {
            continue;
        }
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("JSON");
        for case in doc["cases"].as_array().into_iter().flatten() {
            for reason in case["expect"]["ok"]["reasons"].as_array().into_iter().flatten() {
                seen.insert(reason["code"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    let missing: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).filter(|c| !seen.contains(*c)).collect();
    assert!(missing.is_empty(), "reason codes without a decision vector: {missing:?}");
}

#[test]
fn a_bad_row_gets_its_own_error_and_the_others_still_decide() {
    let e = engine(&sample_policy());
    let good = json!({"at": "2026-03-10T12:00", "action": {"kind": "join", "plan": "individual"}});
    let bad =
        json!({"at": "2026-03-10T12:00", "action": {"kind": "buy_product", "product": "handbook", "quantity": -3}});
    let batch = e.decide_values(vec![good.clone(), bad, good]);
    assert!(batch.results[0].as_ref().is_ok_and(|d| d.is_self_service()));
    let err = batch.results[1].as_ref().expect_err("negative quantity");
    assert_eq!(amscore::ErrorCode::name(err), "invalid_quantity");
    assert!(batch.results[2].as_ref().is_ok_and(|d| d.quote.is_some()));
    assert_eq!((batch.report.overall.self_service, batch.report.overall.errors), (2, 1));
}

#[test]
fn generated_requests_reach_every_route() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let e = engine(&sample_policy());
    let rows: Vec<_> =
        (0..400).map(|_| knobs().new_tree(&mut runner).map(|t| parse(&t.current())).expect("a value tree")).collect();
    let o = e.decide_batch(&rows).report.overall;
    // The properties above are only as good as the requests: all three routes must occur, and
    // most generated requests must be decidable.
    assert!(o.self_service > 40 && o.staff > 40 && o.refused > 40, "{o:?}");
    assert!(o.errors < 200, "{o:?}");
}
