//! Properties of tax (issue 16 item 1), over generated tax settings (one to three components,
//! rates with up to three decimals, fees each applies to, inclusive or exclusive prices, per-line
//! or per-total rounding, every rounding mode), prices, currencies (USD, JPY, KWD) and members:
//! money is conserved (net lines + tax lines = the gross), an exclusive price is charged as
//! listed and an inclusive one holds its tax, credits reverse tax exactly, exempt members pay
//! none, the assessment's (roster kernel's) total is the quote's gross, and taxed instalments
//! add up in net, tax and gross.

use amscore::{
    apply_tax, split_taxed, Cancellation, Currency, Engine, FeeKind, LineKind, Membership, Money, PlanTax, Quote,
    Remainder, Rounding, TaxBasis, TaxItem, Term,
};
use proptest::prelude::*;
use serde_json::{json, Value};
use time::{Date, Duration};

const CURRENCIES: [(&str, u32); 3] = [("USD", 2), ("JPY", 0), ("KWD", 3)];
const MODES: [&str; 7] =
    ["half_away_from_zero", "half_even", "half_toward_zero", "toward_zero", "away_from_zero", "floor", "ceiling"];
const FEES: [&str; 6] = ["dues", "seats", "join_fee", "reinstatement_fee", "late_fee", "cancellation_fee"];

fn day(n: i64) -> Date {
    time::macros::date!(2020 - 01 - 01) + Duration::days(n)
}

/// An amount of `units` minor units, as decimal text in a currency of `places` decimals.
fn text(units: i64, places: u32) -> String {
    Money::from_minor_units(units, currency_of(places)).amount().to_string()
}

fn currency_of(places: u32) -> Currency {
    let code = CURRENCIES.iter().find(|(_, p)| *p == places).map_or("USD", |(c, _)| c);
    Currency::from_code(code).unwrap_or(Currency::USD)
}

/// A random plan tax, as policy JSON.
fn tax() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((0u32..30_000, prop::option::of(prop::collection::vec(0..6usize, 1..4))), 1..4),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(0..7usize),
    )
        .prop_map(|(components, inclusive, per_total, mode)| {
            let components: Vec<Value> = components
                .into_iter()
                .enumerate()
                .map(|(i, (millis, fees))| {
                    // Rates of 0 to 29.999 percent, with up to three decimals.
                    let percent = rust_decimal::Decimal::new(i64::from(millis), 3).normalize().to_string();
                    let mut c = json!({"name": format!("T{i}"), "percent": percent});
                    if let Some(fees) = fees {
                        c["applies_to"] = json!(fees.into_iter().map(|f| FEES[f]).collect::<Vec<_>>());
                    }
                    c
                })
                .collect();
            let mut t = json!({
                "components": components,
                "prices": if inclusive { "inclusive" } else { "exclusive" },
                "rounding": if per_total { "per_total" } else { "per_line" },
            });
            if let Some(m) = mode {
                t["mode"] = json!(MODES[m]);
            }
            t
        })
}

/// A policy of one plan `p` (rolling year, or a calendar year prorated by month), with grace and
/// a reinstatement window, its prices and fees, and `tax` (or none).
fn policy(places: u32, dues: i64, fees: [Option<i64>; 4], calendar: bool, tax: Option<&Value>) -> Value {
    let currency = currency_of(places);
    let mut prices = json!({"currency": currency.code(), "dues": text(dues, places)});
    for (name, fee) in ["join_fee", "late_fee", "reinstatement_fee", "cancellation_fee"].iter().zip(fees) {
        if let Some(f) = fee {
            prices[*name] = json!(text(f, places));
        }
    }
    let term = if calendar {
        json!({"kind": "calendar", "period": "year", "anchor": "01-01"})
    } else {
        json!({"kind": "rolling", "length": {"count": 1, "unit": "year"}})
    };
    let mut plan = json!({"id": "p", "name": "Plan", "term": term, "prices": prices,
        "windows": {"grace": {"count": 30, "unit": "day"}, "reinstatement": {"count": 6, "unit": "month"}}});
    if calendar {
        plan["proration"] = json!({"granularity": "month"});
    }
    if let Some(t) = tax {
        plan["tax"] = t.clone();
    }
    json!({"version": 1, "preset": "amscore", "settings": {"quotes": {"refund": "prorated_by_day"}}, "plans": [plan]})
}

fn engine(policy: &Value) -> Engine {
    Engine::from_json(&policy.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn sum(q: &Quote, tax: bool) -> Money {
    q.lines
        .iter()
        .filter(|l| (l.kind == LineKind::Tax) == tax)
        .fold(Money::zero(q.currency()), |a, l| a.checked_add(&l.amount).unwrap_or_else(|e| panic!("{e}")))
}

fn untaxed(q: &Quote) -> Vec<(LineKind, Money)> {
    q.lines.iter().filter(|l| l.kind != LineKind::Tax).map(|l| (l.kind, l.amount)).collect()
}

fn member(since: i64, length: i64, exempt: bool) -> Membership {
    let start = day(since);
    Membership {
        member_id: "M-1".into(),
        plan: "p".into(),
        member_since: start,
        term: Term { start, end: Some(start + Duration::days(length)) },
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: exempt,
    }
}

/// Money is conserved in a taxed quote, and it agrees with the same quote without tax.
fn check_quote(taxed: &Quote, plain: &Quote, inclusive: bool, exempt: bool) -> Result<(), TestCaseError> {
    let (net, tax) = (sum(taxed, false), sum(taxed, true));
    prop_assert_eq!(net.checked_add(&tax).ok(), Some(taxed.total));
    prop_assert_eq!(taxed.sum_of_lines().ok(), Some(taxed.total));
    prop_assert_eq!(taxed.net().ok(), Some(net));
    prop_assert_eq!(taxed.tax().ok(), Some(tax));
    prop_assert!(taxed.is_taxed());
    prop_assert!(!plain.is_taxed());
    if exempt {
        prop_assert!(taxed.lines.iter().filter(|l| l.kind == LineKind::Tax).all(|l| l.amount.is_zero()));
    }
    let kinds = |q: &Quote| q.lines.iter().filter(|l| l.kind != LineKind::Tax).map(|l| l.kind).collect::<Vec<_>>();
    prop_assert_eq!(kinds(taxed), kinds(plain));
    if !inclusive {
        // An exclusive price is charged as listed; tax comes on top.
        prop_assert_eq!(untaxed(taxed), untaxed(plain));
    } else if !exempt {
        // An inclusive price holds its tax: the member pays the listed price.
        prop_assert_eq!(taxed.total, plain.total);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Invariant: net lines + tax lines = gross, for joins, renewals, reinstatements and rejoins
    /// of every tax setting; the assessment's (the roster kernel's) renewal total is the quote's
    /// gross.
    #[test]
    fn tax_lines_plus_net_lines_equal_the_gross(
        t in tax(),
        c in 0..3usize,
        dues in 0i64..5_000_000,
        fees in [prop::option::of(0i64..100_000), prop::option::of(0i64..100_000), prop::option::of(0i64..100_000), prop::option::of(0i64..100_000)],
        calendar in any::<bool>(),
        since in 0i64..1000,
        on in 0i64..900,
        exempt in any::<bool>(),
    ) {
        let places = CURRENCIES[c].1;
        let inclusive = t["prices"] == "inclusive";
        let taxed = engine(&policy(places, dues, fees, calendar, Some(&t)));
        let plain = engine(&policy(places, dues, fees, calendar, None));
        let date = day(since + on);
        let join = |e: &Engine| e.quote_join_exempt(&"p".into(), day(since), 1, None, exempt);
        match (join(&taxed), join(&plain)) {
            (Ok(a), Ok(b)) => check_quote(&a, &b, inclusive, exempt)?,
            (a, b) => prop_assert_eq!(a.map(|q| q.total).err(), b.map(|q| q.total).err()),
        }
        let m = member(since, 364, exempt);
        match (taxed.quote_renewal(&m, date, 1, None), plain.quote_renewal(&m, date, 1, None)) {
            (Ok(a), Ok(b)) => {
                check_quote(&a, &b, inclusive, exempt)?;
                let assessed = taxed.assess(&m, date, 1, false).map(|x| x.quote_total);
                prop_assert_eq!(assessed.ok().and_then(Result::ok), Some(a.total));
            }
            (a, b) => prop_assert_eq!(a.map(|q| q.total).err(), b.map(|q| q.total).err()),
        }
    }

    /// Invariant: credits reverse tax exactly. A member who paid a whole term's gross and
    /// cancels on its first day gets every component's tax back to the minor unit, and the net
    /// refunded is the net charged.
    #[test]
    fn credits_reverse_tax_exactly(
        t in tax(),
        c in 0..3usize,
        dues in 0i64..5_000_000,
        since in 0i64..1000,
    ) {
        let places = CURRENCIES[c].1;
        let e = engine(&policy(places, dues, [None; 4], false, Some(&t)));
        let join = e.quote_join(&"p".into(), day(since), 1, None).unwrap_or_else(|e| panic!("{e}"));
        let m = member(since, 364, false);
        let cancel = Cancellation { membership: m, date: day(since), amount_paid: join.total, credits_applied: None };
        let refund = e.quote_cancel(&cancel).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(refund.total, join.total.negated());
        prop_assert_eq!(refund.net().ok(), join.net().ok().map(|n| n.negated()));
        let taxes = |q: &Quote| q.lines.iter().filter(|l| l.kind == LineKind::Tax).map(|l| (l.description.to_string(), l.amount.amount())).collect::<Vec<_>>();
        let reversed: Vec<_> = taxes(&join).into_iter().map(|(d, a)| (d, -a)).collect();
        prop_assert_eq!(taxes(&refund).into_iter().map(|(d, a)| (d, a.normalize())).collect::<Vec<_>>(),
                        reversed.into_iter().map(|(d, a)| (d, a.normalize())).collect::<Vec<_>>());
    }

    /// Invariant: a credit of a price is taxed as the mirror of its charge (same net, same tax,
    /// signs flipped), under every rounding mode.
    #[test]
    fn a_credit_s_tax_mirrors_the_charge(t in tax(), units in 0i64..10_000_000, c in 0..3usize, exempt in any::<bool>()) {
        let t: PlanTax = serde_json::from_value(t).unwrap_or_else(|e| panic!("{e}"));
        let currency = currency_of(CURRENCIES[c].1);
        let amount = Money::from_minor_units(units, currency);
        for fee in [FeeKind::Dues, FeeKind::JoinFee, FeeKind::Seats] {
            let item = |a: Money| [TaxItem { tax: &t, fee, amount: a, basis: TaxBasis::Price }];
            let charge = apply_tax(&item(amount), exempt, Rounding::HalfEven).unwrap_or_else(|e| panic!("{e}"));
            let credit = apply_tax(&item(amount.negated()), exempt, Rounding::HalfEven).unwrap_or_else(|e| panic!("{e}"));
            prop_assert_eq!(credit.nets[0].amount(), -charge.nets[0].amount());
            for (a, b) in charge.lines.iter().zip(&credit.lines) {
                prop_assert_eq!(b.amount.amount(), -a.amount.amount());
            }
        }
    }

    /// Invariant: taxed instalments add up: each instalment's net + tax is its amount, and the
    /// amounts, nets and taxes each sum to their totals; amounts and taxes stay within one minor
    /// unit of their exact shares.
    #[test]
    fn taxed_instalments_add_up_in_net_tax_and_gross(
        total in 0i64..1_000_000_000,
        share in 0u32..=1000,
        count in 1u32..=24,
        c in 0..3usize,
        r in 0..3usize,
    ) {
        let currency = currency_of(CURRENCIES[c].1);
        let remainder = [Remainder::LargestRemainder, Remainder::FirstParts, Remainder::LastParts][r];
        let tax_units = total * i64::from(share) / 1000;
        let (gross, tax) = (Money::from_minor_units(total, currency), Money::from_minor_units(tax_units, currency));
        let parts = split_taxed(&gross, &tax, count, remainder).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(parts.len(), count as usize);
        let units = |m: &Money| m.to_minor_units().unwrap_or(i64::MIN);
        let (mut a, mut n, mut x) = (0i64, 0i64, 0i64);
        for p in &parts {
            prop_assert_eq!(units(&p.net) + units(&p.tax), units(&p.amount));
            prop_assert!((units(&p.amount) * i64::from(count) - total).abs() < i64::from(count));
            prop_assert!((units(&p.tax) * i64::from(count) - tax_units).abs() < i64::from(count));
            a += units(&p.amount);
            n += units(&p.net);
            x += units(&p.tax);
        }
        prop_assert_eq!((a, n, x), (total, total - tax_units, tax_units));
    }
}
