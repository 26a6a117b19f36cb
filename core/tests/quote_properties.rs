//! Properties of quotes: exact sums, bounded prorations and credits, independence from the order of
//! plans, lossless JSON round trips and splits.

use amscore::{
    allocate, allocate_by, split_even, Cancellation, Currency, Engine, LineKind, Membership, Money, PlanChange, Quote,
    Remainder, Term,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use time::{Date, Duration};

const CURRENCIES: [&str; 3] = ["USD", "JPY", "KWD"];

fn currency(i: usize) -> Currency {
    Currency::from_code(CURRENCIES[i]).unwrap_or(Currency::USD)
}

fn money(units: i64, c: Currency) -> Money {
    Money::from_minor_units(units, c)
}

fn date(offset: i64) -> Date {
    time::macros::date!(2020 - 01 - 01) + Duration::days(offset)
}

/// A random proration rule, as policy JSON.
fn proration() -> impl Strategy<Value = Value> {
    (0..5usize, 0..4usize, 0..3usize, any::<bool>(), prop::option::of(2u8..=31), 1u32..=400).prop_map(
        |(g, dc, den, count, cutoff, fixed)| {
            let granularity = ["none", "day", "month", "quarter", "half"][g];
            let denominator = match den {
                0 => json!("actual"),
                1 => json!("days_365"),
                _ => json!({"fixed": fixed}),
            };
            let mut p = json!({
                "granularity": granularity,
                "day_count": (["inclusive", "half_open", "thirty_360", "months_and_days"][dc]),
                "denominator": denominator,
                "count_join_unit": count,
            });
            if granularity == "month" {
                if let Some(c) = cutoff {
                    p["cutoff_day"] = json!(c);
                }
            }
            p
        },
    )
}

/// A policy with a yearly calendar plan `a` and a rolling plan `b` in one currency, with random
/// prices, proration rules, rounding and quote settings.
fn policy() -> impl Strategy<Value = (Value, Currency)> {
    (
        0..3usize,
        0i64..5_000_000,
        0i64..5_000_000,
        proration(),
        proration(),
        any::<bool>(),
        prop::option::of(0u32..6),
        0..3usize,
        0..3usize,
        1u8..=12,
    )
        .prop_map(|(c, dues_a, dues_b, pa, pb, half_even, scale, refund, net, anchor)| {
            let cur = currency(c);
            let amount = |u: i64| money(u, cur).amount().to_string();
            let mut quotes = json!({
                "refund": (["none", "prorated_by_day", "prorated_by_month"][refund]),
                "negative_net": (["account_credit", "zero", "extra_days"][net]),
                "downgrade": "immediate",
            });
            if let Some(s) = scale {
                quotes["fraction_scale"] = json!(s);
            }
            let policy = json!({
                "version": 1,
                "settings": {"rounding": if half_even { "half_even" } else { "half_away_from_zero" }, "quotes": quotes},
                "plans": [
                    {"id": "a", "name": "A", "term": {"kind": "calendar", "period": "year", "anchor": format!("{anchor:02}-01")},
                     "prices": {"currency": CURRENCIES[c], "dues": amount(dues_a), "join_fee": amount(dues_b / 10)}, "proration": pa},
                    {"id": "b", "name": "B", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
                     "prices": {"currency": CURRENCIES[c], "dues": amount(dues_b)}, "proration": pb},
                ]
            });
            (policy, cur)
        })
}

fn compile(policy: Value) -> Engine {
    let engine = amscore::gateway::engine_from_value(policy).map_err(|e| e.to_string());
    engine.unwrap_or_else(|e| panic!("generated policy is valid: {e}"))
}

/// An engine compiled from [`policy`].
fn engine() -> impl Strategy<Value = (Engine, Currency)> {
    policy().prop_map(|(policy, cur)| (compile(policy), cur))
}

/// Every quote the engine gives for a member of `plan` (the other plan is `to`): joining, renewing
/// on `on`, changing plan and cancelling on `on`.
fn quotes(
    engine: &Engine,
    plan: &str,
    to: &str,
    start: Date,
    on: Date,
    paid: Money,
) -> Vec<Result<Quote, amscore::Error>> {
    let m = member(plan, start, start + Duration::days(364));
    vec![
        engine.quote_join(&plan.into(), start, 2, None),
        engine.quote_renewal(&m, on, 1, None),
        engine.quote_change_plan(&PlanChange {
            membership: m.clone(),
            plan: to.into(),
            date: on,
            amount_paid: paid,
            credits_applied: None,
            seats: None,
        }),
        engine.quote_cancel(&Cancellation { membership: m, date: on, amount_paid: paid, credits_applied: None }),
    ]
}

fn member(plan: &str, start: Date, end: Date) -> Membership {
    Membership {
        member_id: "M".into(),
        plan: plan.into(),
        member_since: start,
        term: Term { start, end: Some(end) },
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
    }
}

fn line_sum(q: &Quote) -> Decimal {
    q.lines.iter().map(|l| l.amount.amount()).sum()
}

fn in_minor_units(q: &Quote) -> bool {
    q.lines.iter().all(|l| l.amount.is_in_minor_units()) && q.total.is_in_minor_units()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn quote_lines_sum_to_total((engine, cur) in engine(), day in 0i64..3650, paid in 0i64..10_000_000, into in 1i64..365) {
        let join = engine.quote_join(&"a".into(), date(day), 1, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(line_sum(&join), join.total.amount());
        prop_assert!(in_minor_units(&join));
        let m = member("b", date(day), date(day + 364));
        let change = PlanChange { membership: m.clone(), plan: "a".into(), date: date(day + into - 1), amount_paid: money(paid, cur), credits_applied: None, seats: None };
        let q = engine.quote_change_plan(&change).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(line_sum(&q), q.total.amount());
        prop_assert!(in_minor_units(&q));
        let cancel = Cancellation { membership: m, date: date(day + into - 1), amount_paid: money(paid, cur), credits_applied: None };
        let q = engine.quote_cancel(&cancel).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(line_sum(&q), q.total.amount());
        prop_assert!(!q.total.is_negative() || q.total.amount() >= -money(paid, cur).amount());
    }

    #[test]
    fn prorated_charge_between_zero_and_full_price((engine, _cur) in engine(), day in 0i64..3650) {
        let q = engine.quote_join(&"a".into(), date(day), 1, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let plan = engine.plan(&"a".into()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for l in q.lines.iter().filter(|l| l.kind == LineKind::Dues) {
            prop_assert!(!l.amount.is_negative(), "{l:?}");
            prop_assert!(l.amount.amount() <= plan.prices.dues, "{l:?} above {}", plan.prices.dues);
        }
    }

    #[test]
    fn upgrade_credit_never_exceeds_paid_unused_part(
        (engine, cur) in engine(), day in 0i64..3650, into in 1i64..365, paid in 0i64..10_000_000, earlier in 0i64..10_000_000,
    ) {
        let earlier = earlier.min(paid);
        let m = member("b", date(day), date(day + 364));
        let change = PlanChange { membership: m, plan: "a".into(), date: date(day + into - 1), amount_paid: money(paid, cur),
            credits_applied: Some(money(earlier, cur)), seats: None };
        let q = engine.quote_change_plan(&change).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let credit = q.lines.iter().find(|l| l.kind == LineKind::Credit).ok_or_else(|| TestCaseError::fail("no credit line"))?;
        prop_assert!(!credit.amount.amount().is_sign_positive() || credit.amount.is_zero());
        let given = -credit.amount.amount();
        let f = credit.proration.ok_or_else(|| TestCaseError::fail("credit without fraction"))?;
        // Never more than the unused share of what was paid (the share as the policy measures it:
        // exact, or quantized to `fraction_scale`; plus at most half a minor unit of rounding),
        // nor more than what earlier credits left.
        let s = &engine.policy().settings;
        let exact_unused = match s.quotes.fraction_scale {
            None => money(paid, cur).amount() * Decimal::from(f.units) / Decimal::from(f.of),
            Some(_) => money(paid, cur).amount() * f.factor(s.quotes.fraction_scale, s.rounding),
        };
        let half_unit = Decimal::new(5, cur.minor_units() + 1);
        prop_assert!(given <= exact_unused + half_unit, "credit {given} > unused {exact_unused}");
        prop_assert!(given <= money(paid - earlier, cur).amount(), "credit {given} above what is left");
    }

    #[test]
    fn quotes_do_not_depend_on_the_order_of_plans(
        (policy, cur) in policy(), day in 0i64..3650, on in -30i64..500, paid in 0i64..1_000_000,
    ) {
        let listed = compile(policy.clone());
        let mut reversed = policy;
        if let Some(plans) = reversed["plans"].as_array_mut() {
            plans.reverse();
        }
        let reversed = compile(reversed);
        prop_assert_eq!(reversed.policy().plans[0].id.as_str(), "b", "the plans were not reordered");
        let mut answered = 0;
        for (plan, to) in [("a", "b"), ("b", "a")] {
            let (start, on) = (date(day), date(day + on));
            let first = quotes(&listed, plan, to, start, on, money(paid, cur));
            prop_assert_eq!(&first, &quotes(&reversed, plan, to, start, on, money(paid, cur)), "member of {}", plan);
            for q in first.into_iter().flatten() {
                let text = serde_json::to_string(&q).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back: Quote = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
                prop_assert_eq!(&back, &q);
                answered += 1;
            }
        }
        // Joining either plan always has a quote: the comparison is never between two errors only.
        prop_assert!(answered >= 2, "only {} quotes", answered);
    }

    #[test]
    fn splitting_then_summing_loses_no_cent(units in 0i64..=Money::MAX_MINOR_UNITS, c in 0..3usize, n in 1u32..=1200, weights in prop::collection::vec(0u32..1000, 1..40)) {
        let cur = currency(c);
        let total = money(units, cur);
        for r in [Remainder::Last, Remainder::LargestRemainder, Remainder::FirstParts, Remainder::LastParts] {
            let parts = split_even(&total, n, r).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parts.len(), n as usize);
            prop_assert_eq!(parts.iter().map(|p| p.amount()).sum::<Decimal>(), total.amount());
            let lo = parts.iter().map(|p| p.amount()).min().unwrap_or_default();
            let hi = parts.iter().map(|p| p.amount()).max().unwrap_or_default();
            if r != Remainder::Last {
                prop_assert!(hi - lo <= money(1, cur).amount(), "parts differ by more than one minor unit");
            }
        }
        if weights.iter().any(|&w| w > 0) {
            let parts = allocate(&total, &weights).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parts.iter().map(|p| p.amount()).sum::<Decimal>(), total.amount());
        }
    }

    /// Invariant: an allocation's parts sum to the total; under largest remainder, first parts and
    /// last parts each part is within one minor unit of its exact share (strictly less), and a part
    /// of weight zero is zero under every rule.
    #[test]
    fn allocation_parts_sum_to_the_total_and_stay_within_a_unit_of_the_exact_share(
        units in 0i64..=Money::MAX_MINOR_UNITS,
        c in 0..3usize,
        weights in prop::collection::vec(prop_oneof![Just(0u32), 1u32..100, 1u32..=u32::MAX], 1..60),
    ) {
        prop_assume!(weights.iter().any(|&w| w > 0));
        let cur = currency(c);
        let total = money(units, cur);
        let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        for r in [Remainder::LargestRemainder, Remainder::FirstParts, Remainder::LastParts, Remainder::Last] {
            let parts = allocate_by(&total, &weights, r).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(parts.iter().map(|p| p.amount()).sum::<Decimal>(), total.amount());
            for (part, &w) in parts.iter().zip(&weights) {
                let got = i128::from(part.to_minor_units().map_err(|e| TestCaseError::fail(e.to_string()))?);
                if w == 0 {
                    prop_assert_eq!(got, 0, "{:?}: a zero weight took {}", r, got);
                }
                if r != Remainder::Last {
                    // |got - units·w/sum| < 1  ⇔  |got·sum - units·w| < sum
                    let off = (got * sum - i128::from(units) * i128::from(w)).abs();
                    prop_assert!(off < sum, "{:?}: part {} is a unit or more from its share", r, got);
                }
            }
        }
    }

    #[test]
    fn cancel_refund_plus_used_part_equals_paid((engine, cur) in engine(), day in 0i64..3650, into in 1i64..365, paid in 0i64..10_000_000) {
        let m = member("b", date(day), date(day + 364));
        let paid = money(paid, cur);
        let cancel = Cancellation { membership: m, date: date(day + into - 1), amount_paid: paid, credits_applied: None };
        let q = engine.quote_cancel(&cancel).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let refund = q.lines.iter().find(|l| l.kind == LineKind::Refund).ok_or_else(|| TestCaseError::fail("no refund line"))?;
        let refunded = -refund.amount.amount();
        prop_assert!(refunded >= Decimal::ZERO && refunded <= paid.amount());
        if let Some(f) = refund.proration {
            // The used part is the complement of the unused one: the two always sum to what was paid,
            // and the used part is within half a minor unit of the exact used share.
            let (unused, used) = f.split(&paid, engine.policy().settings.quotes.fraction_scale, engine.policy().settings.rounding)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(unused.amount(), refunded);
            prop_assert_eq!(refunded + used.amount(), paid.amount());
            if engine.policy().settings.quotes.fraction_scale.is_none() {
                let exact_used = paid.amount() * Decimal::from(f.of - f.units) / Decimal::from(f.of);
                prop_assert!((used.amount() - exact_used).abs() <= Decimal::new(5, cur.minor_units() + 1));
            }
        } else {
            // No fraction: nothing refunded (no refund policy, nothing unused), or all of it.
            prop_assert!(refunded.is_zero() || refunded == paid.amount(), "refunded {} of {}", refunded, paid);
        }
    }

    /// Invariant: in every change mode a plan change credits at most what was paid, never a
    /// charge, and its lines sum to its total.
    #[test]
    fn invariant_change_credit_never_exceeds_what_was_paid_in_any_mode(
        (policy, cur) in policy(), mode in 0..3usize, day in 0i64..3650, into in 1i64..365, paid in 0i64..10_000_000,
    ) {
        let mut policy = policy;
        policy["settings"]["quotes"]["change_mode"] = json!(["prorated", "no_credit", "new_period"][mode]);
        let engine = compile(policy);
        let m = member("b", date(day), date(day + 364));
        let change = PlanChange { membership: m, plan: "a".into(), date: date(day + into - 1), amount_paid: money(paid, cur),
            credits_applied: None, seats: None };
        let q = engine.quote_change_plan(&change).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let credited: Decimal = q.lines.iter().filter(|l| l.kind == LineKind::Credit).map(|l| -l.amount.amount()).sum();
        prop_assert!(credited >= Decimal::ZERO && credited <= money(paid, cur).amount(), "credit {credited} of {paid}");
        prop_assert_eq!(line_sum(&q), q.total.amount());
    }
}
