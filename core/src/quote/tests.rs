//! Tests of the quotes through the engine: the issue's examples, signs and extra days.

use super::*;
use crate::{Engine, Membership};
use time::macros::date;

fn engine(settings: &str, plans: &str) -> Engine {
    let text = format!(r#"{{"version": 1, "settings": {settings}, "plans": [{plans}]}}"#);
    Engine::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn calendar(id: &str, dues: &str) -> String {
    format!(
        r#"{{"id": "{id}", "name": "{id}", "term": {{"kind": "calendar", "period": "year"}},
            "prices": {{"currency": "USD", "dues": "{dues}"}}, "proration": {{"granularity": "month"}}}}"#
    )
}

fn member(plan: &str) -> Membership {
    Membership {
        member_id: "M".into(),
        plan: plan.into(),
        member_since: date!(2025 - 01 - 01),
        term: Term { start: date!(2025 - 01 - 01), end: Some(date!(2025 - 12 - 31)) },
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
    }
}

fn usd(text: &str) -> Money {
    Money::parse(text, Currency::USD).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_issue_examples_hold() {
    let e = engine("{}", &format!("{}, {}", calendar("a", "200.00"), calendar("b", "120.00")));
    let q = e.quote_join(&"a".into(), date!(2025 - 07 - 15), 1, None).map(|q| q.total);
    assert_eq!(q, Ok(usd("100.00")));
    let q = e.quote_join(&"b".into(), date!(2025 - 06 - 10), 1, None).map(|q| q.total);
    assert_eq!(q, Ok(usd("70.00")));
    let e = engine(r#"{"quotes": {"refund": "prorated_by_month"}}"#, &calendar("b", "120.00"));
    let c = Cancellation {
        membership: member("b"),
        date: date!(2025 - 03 - 01),
        amount_paid: usd("120.00"),
        credits_applied: None,
    };
    assert_eq!(e.quote_cancel(&c).map(|q| q.total), Ok(usd("-100.00")));
}

#[test]
fn a_zero_credit_is_never_negative_zero() {
    let e = engine("{}", &format!("{}, {}", calendar("a", "100.00"), calendar("b", "200.00")));
    let change = PlanChange {
        membership: member("a"),
        plan: "b".into(),
        date: date!(2025 - 07 - 01),
        amount_paid: usd("0.00"),
        credits_applied: None,
        seats: None,
    };
    let q = e.quote_change_plan(&change).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(q.lines[0].amount.amount().to_string(), "0.00");
    assert!(!q.lines[0].amount.amount().is_sign_negative());
}

#[test]
fn extra_days_are_whole_days_at_the_new_plans_daily_price() {
    let settings = r#"{"quotes": {"downgrade": "immediate", "negative_net": "extra_days"}}"#;
    let e = engine(settings, &format!("{}, {}", calendar("big", "365.00"), calendar("small", "100.00")));
    let change = PlanChange {
        membership: member("big"),
        plan: "small".into(),
        date: date!(2025 - 12 - 01),
        amount_paid: usd("365.00"),
        credits_applied: None,
        seats: None,
    };
    let q = e.quote_change_plan(&change).unwrap_or_else(|e| panic!("{e}"));
    // Credit 1/12 of 365.00 = 30.42, charge 1/12 of 100.00 = 8.33: net 22.09, which buys
    // floor(22.09 × 365 / 100) = 80 days.
    assert_eq!(q.lines.iter().map(|l| l.amount.amount().to_string()).collect::<Vec<_>>(), ["-30.42", "8.33", "22.09"]);
    assert_eq!(q.total, usd("0.00"));
    assert_eq!(q.term.and_then(|t| t.end), Some(date!(2026 - 03 - 21)));
}
