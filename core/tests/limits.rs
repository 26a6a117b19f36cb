//! The bounds of docs/limits.md that need more than one bad input to show: a long renew-to chain
//! compiles in linear time, and the largest quote the bounds allow is exact in i64 minor units.

use amscore::{Engine, ErrorCode, Money, MAX_SEATS, MAX_TERMS};
use time::macros::date;

/// A policy of `n` rolling plans, each renewing to the next; the last renews to `last_to`.
fn chain(n: usize, last_to: Option<&str>) -> String {
    let plans: Vec<String> = (0..n)
        .map(|i| {
            let to = if i + 1 < n { Some(format!("p{}", i + 1)) } else { last_to.map(str::to_owned) };
            let renew = to.map(|t| format!(r#", "renew_to": "{t}""#)).unwrap_or_default();
            format!(
                r#"{{"id": "p{i}", "name": "P{i}", "term": {{"kind": "rolling", "length": {{"count": 1, "unit": "year"}}}}, "prices": {{"currency": "USD", "dues": "1"}}{renew}}}"#
            )
        })
        .collect();
    format!(r#"{{"version": 1, "plans": [{}]}}"#, plans.join(", "))
}

#[test]
fn a_renew_to_chain_of_20000_plans_compiles_and_a_loop_at_its_end_is_refused() {
    let n = 20_000;
    let engine = Engine::from_json(&chain(n, None));
    assert!(engine.is_ok(), "{:?}", engine.err());
    // The last plan renews back to the one before it: every plan's chain reaches the loop, and
    // the first plan is the one reported.
    let err = Engine::from_json(&chain(n, Some(&format!("p{}", n - 2)))).err().map(|e| (e.code(), e.to_string()));
    assert_eq!(err, Some((1205, "plans[0].renew_to: the renew_to chain loops back on itself".to_owned())));
}

#[test]
fn the_largest_quote_the_bounds_allow_is_exact_in_i64_minor_units() {
    let max = Money::max_amount(amscore::Currency::KWD).amount();
    let policy = format!(
        r#"{{"version": 1, "plans": [{{"id": "org", "name": "Org",
            "term": {{"kind": "calendar", "period": "year", "rollover": "10-01"}},
            "prices": {{"currency": "KWD", "dues": "{max}", "join_fee": "{max}"}},
            "max_terms": {MAX_TERMS}, "seats": {{"min": 0, "included": 0, "price_per_seat": "{max}"}}}}]}}"#
    );
    let engine = Engine::from_json(&policy).unwrap_or_else(|e| panic!("{e}"));
    // After the rollover, the join pays the rest of this year and MAX_TERMS more.
    let quote = engine.quote_join(&"org".into(), date!(2025 - 11 - 01), MAX_TERMS, Some(MAX_SEATS));
    let quote = quote.unwrap_or_else(|e| panic!("{e}"));
    let units = quote.total.to_minor_units().unwrap_or_else(|e| panic!("{e}"));
    assert!(units > 0);
    assert_eq!(Money::from_minor_units(units, amscore::Currency::KWD).amount(), quote.total.amount());
    assert_eq!(quote.total.to_string().split('.').nth(1).map(|d| d.len()), Some(3 + " KWD".len()));
    let beyond = engine.quote_join(&"org".into(), date!(2025 - 11 - 01), 1, Some(MAX_SEATS + 1));
    assert_eq!(beyond.err().map(|e| e.to_string()), Some("100001 seats is above the plan's maximum of 100000".into()));
}
