//! Tax on dues and fees: a plan's tax components (a name, a rate, the fees each applies to),
//! whether its prices include tax, how tax is rounded, and the one split of amounts into net
//! and tax ([`apply_tax`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{decimal_text, round_to, Money, MoneyError, Rounding};
use crate::policy_error::{PolicyError, Range};

/// The kinds of fee a tax component may apply to.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::FeeKind::JoinFee)?, r#""join_fee""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Membership dues (and a multi-term discount on them, and credits and refunds of them).
    Dues,
    /// Seats beyond those the dues include (and credits for fewer seats).
    Seats,
    /// The one-time join fee.
    JoinFee,
    /// The reinstatement fee.
    ReinstatementFee,
    /// The fee for renewing in grace.
    LateFee,
    /// The cancellation fee.
    CancellationFee,
}

/// Whether a plan's prices are stated without tax (tax is added on top) or with it (tax is part
/// of the price).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxPrices {
    /// Prices are net: 100.00 at 5% costs 105.00 (the default; North American sales tax, GST).
    #[default]
    Exclusive,
    /// Prices include tax: 105.00 at 5% is 100.00 net and 5.00 tax (EU VAT consumer prices).
    Inclusive,
}

/// Where tax is rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxRounding {
    /// Each line's tax is rounded, then the rounded amounts are added up (the default).
    #[default]
    PerLine,
    /// Each component's exact tax is added up over the lines and rounded once.
    PerTotal,
}

/// One tax on a plan: VAT, GST, HST, PST, a state sales tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxComponent {
    /// The name on the quote's tax line (`"GST"`), unique among the plan's components.
    pub name: String,
    /// The rate in percent, 0 to 100, at most 6 decimals (`"5"`, `"9.975"`).
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "decimal_text")]
    pub percent: Decimal,
    /// The fees it applies to (default: every fee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Vec<FeeKind>>,
}

impl TaxComponent {
    /// Whether the component taxes a fee of this kind.
    pub fn applies(&self, fee: FeeKind) -> bool {
        self.applies_to.as_ref().is_none_or(|kinds| kinds.contains(&fee))
    }

    fn rate(&self) -> Decimal {
        self.percent / Decimal::ONE_HUNDRED
    }
}

/// A plan's tax: its components, whether its prices include them, and how tax is rounded.
///
/// ```
/// let t: amscore::PlanTax = serde_json::from_str(r#"{
///     "components": [{"name": "GST", "percent": "5"}, {"name": "PST", "percent": "7", "applies_to": ["dues"]}],
///     "prices": "exclusive", "rounding": "per_line"}"#)?;
/// assert_eq!(t.components.len(), 2);
/// assert_eq!(t.mode, None); // the engine's rounding (`settings.rounding`)
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTax {
    /// The components, 1 to 8, applied side by side (each on the net amount, not on each other).
    pub components: Vec<TaxComponent>,
    /// Whether the plan's prices include tax (default exclusive).
    #[serde(default)]
    pub prices: TaxPrices,
    /// Per line or per total (default per line).
    #[serde(default)]
    pub rounding: TaxRounding,
    /// The rounding mode of tax amounts (default: the policy's `settings.rounding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Rounding>,
}

/// A component's rate in percent.
pub(crate) const PERCENT: Range<Decimal> = Range::new(Decimal::ZERO, Decimal::ONE_HUNDRED);
/// The most components a plan's tax may have.
pub(crate) const MAX_COMPONENTS: usize = 8;

impl PlanTax {
    /// Checks the components: 1 to 8, names not empty and unique, rates 0–100% with at most 6
    /// decimals, `applies_to` not empty when given.
    pub(crate) fn validate(&self, path: &str) -> Result<(), PolicyError> {
        let invalid = |path: String, message: &str| PolicyError::InvalidValue { path, message: message.to_owned() };
        if self.components.is_empty() || self.components.len() > MAX_COMPONENTS {
            return Err(invalid(format!("{path}.components"), "must list 1 to 8 components"));
        }
        for (i, c) in self.components.iter().enumerate() {
            let at = |field: &str| format!("{path}.components[{i}].{field}");
            if c.name.trim().is_empty() {
                return Err(invalid(at("name"), "must not be empty"));
            }
            if self.components[..i].iter().any(|o| o.name == c.name) {
                return Err(invalid(at("name"), "is the name of an earlier component"));
            }
            PERCENT.check(|| at("percent"), c.percent)?;
            if c.percent.normalize().scale() > 6 {
                return Err(invalid(at("percent"), "must have at most 6 decimals"));
            }
            if c.applies_to.as_ref().is_some_and(Vec::is_empty) {
                return Err(invalid(at("applies_to"), "must list at least one fee (leave it out for every fee)"));
            }
        }
        Ok(())
    }
}

/// How an amount to tax carries its tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxBasis {
    /// A price from the plan's list (or a share of one): tax is added on top or is inside it,
    /// as the plan's [`PlanTax::prices`] says.
    Price,
    /// A share of what the member paid (a credit or a refund): the tax inside it is in the
    /// proportion of tax inside the plan's `reference` price as charged, so that refunding a
    /// whole term's gross reverses its tax to the minor unit.
    Paid {
        /// The plan's price for one term (as listed).
        reference: Money,
    },
}

/// One amount to tax.
#[derive(Debug, Clone, Copy)]
pub struct TaxItem<'a> {
    /// The tax of the plan the amount belongs to.
    pub tax: &'a PlanTax,
    /// What the amount is for.
    pub fee: FeeKind,
    /// The amount, in minor units; negative for credits and refunds.
    pub amount: Money,
    /// How it carries its tax.
    pub basis: TaxBasis,
}

/// A tax line: one component's tax over every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxLine {
    /// The component's name.
    pub name: String,
    /// Its rate in percent.
    pub percent: Decimal,
    /// The tax, rounded to the minor unit (negative when credits dominate; zero when exempt).
    pub amount: Money,
}

/// The items split into net and tax: each item's net amount, in order, and one tax line per
/// component (named and rated alike) of the items' plans, in the order they first appear (zero
/// for a component that taxes none of the items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxed {
    /// The net amount of each item.
    pub nets: Vec<Money>,
    /// The tax lines.
    pub lines: Vec<TaxLine>,
}

/// Splits amounts into net and tax. Money is conserved: the nets plus the tax lines equal the
/// items' gross (an exclusive price plus its tax; an inclusive price, or a paid amount, itself).
///
/// - Each component's exact tax on an item: an exclusive price × rate; an inclusive price ×
///   rate / (1 + the sum of the rates of the components that tax it); a paid amount × the
///   component's tax in the reference price / the reference's gross.
/// - Rounding: each amount is rounded by magnitude, then signed (so a credit's tax mirrors the
///   charge's), to the currency's minor unit, with the plan's `mode` or `rounding`. Per line,
///   each item's tax is rounded; per total, each component's exact tax over the items is
///   rounded once, and the difference from the per-line amounts is taken from the net of the
///   largest item whose price includes the tax (none when every price is exclusive).
/// - An exempt member pays no tax: every tax line is zero, and an inclusive price is charged
///   without the tax it includes.
///
/// ```
/// use amscore::{apply_tax, Currency, FeeKind, Money, PlanTax, Rounding, TaxBasis, TaxItem};
/// let vat: PlanTax = serde_json::from_str(r#"{"components": [{"name": "VAT", "percent": "20"}], "prices": "inclusive"}"#)?;
/// let price = Money::parse("120.00", Currency::EUR)?;
/// let taxed = apply_tax(&[TaxItem { tax: &vat, fee: FeeKind::Dues, amount: price, basis: TaxBasis::Price }], false, Rounding::HalfEven)?;
/// assert_eq!(taxed.nets[0].to_string(), "100.00 EUR");
/// assert_eq!(taxed.lines[0].amount.to_string(), "20.00 EUR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`MoneyError::Overflow`] for amounts past the decimal range.
pub fn apply_tax(items: &[TaxItem<'_>], exempt: bool, rounding: Rounding) -> Result<Taxed, MoneyError> {
    struct Key<'a> {
        name: &'a str,
        percent: Decimal,
        mode: Rounding,
        per_total: bool,
        exact: Decimal,
        rounded: Decimal,
        /// The largest item whose net absorbs the per-total difference.
        absorber: Option<(usize, Decimal)>,
    }
    let mut keys: Vec<Key<'_>> = Vec::new();
    let mut nets = Vec::with_capacity(items.len());
    for (j, item) in items.iter().enumerate() {
        let mode = item.tax.mode.unwrap_or(rounding);
        let places = item.amount.currency().minor_units();
        let round = |x: Decimal| signed_round(x, places, mode);
        let parts = exact_parts(item, mode)?;
        let derived = matches!(item.basis, TaxBasis::Paid { .. }) || item.tax.prices == TaxPrices::Inclusive;
        let mut net = item.amount.amount();
        // Every component of the plan has a line, in the plan's order (zero when it taxes none
        // of the items).
        for c in &item.tax.components {
            if !keys.iter().any(|k| k.name == c.name && k.percent == c.percent) {
                keys.push(Key {
                    name: &c.name,
                    percent: c.percent,
                    mode,
                    per_total: item.tax.rounding == TaxRounding::PerTotal,
                    exact: Decimal::ZERO,
                    rounded: Decimal::ZERO,
                    absorber: None,
                });
            }
        }
        for (c, exact) in parts {
            let r = round(exact);
            if derived && !(exempt && matches!(item.basis, TaxBasis::Paid { .. })) {
                net = net.checked_sub(r).ok_or(MoneyError::Overflow)?;
            }
            let (exact, r) = if exempt { (Decimal::ZERO, Decimal::ZERO) } else { (exact, r) };
            let k = keys.iter().position(|k| k.name == c.name && k.percent == c.percent).unwrap_or(0);
            let key = &mut keys[k];
            key.exact = key.exact.checked_add(exact).ok_or(MoneyError::Overflow)?;
            key.rounded = key.rounded.checked_add(r).ok_or(MoneyError::Overflow)?;
            let size = item.amount.amount().abs();
            if derived && !exempt && key.absorber.is_none_or(|(_, s)| size > s) {
                key.absorber = Some((j, size));
            }
        }
        nets.push(Money::new(net, item.amount.currency()));
    }
    let currency = items.first().map(|i| i.amount.currency());
    let mut lines = Vec::with_capacity(keys.len());
    for key in keys {
        let Some(currency) = currency else { break };
        let mut amount = key.rounded;
        if key.per_total {
            amount = signed_round(key.exact, currency.minor_units(), key.mode);
            let diff = amount.checked_sub(key.rounded).ok_or(MoneyError::Overflow)?;
            if let Some((j, _)) = key.absorber.filter(|_| !diff.is_zero()) {
                nets[j] = nets[j].checked_sub(&Money::new(diff, currency))?;
            }
        }
        // Already in minor units: this only writes them all (`0` → `0.00`).
        let amount = round_to(amount, currency.minor_units(), key.mode);
        lines.push(TaxLine { name: key.name.to_owned(), percent: key.percent, amount: Money::new(amount, currency) });
    }
    Ok(Taxed { nets, lines })
}

/// Each component's exact (unrounded) tax on an item, for the components that tax its fee.
fn exact_parts<'a>(item: &TaxItem<'a>, mode: Rounding) -> Result<Vec<(&'a TaxComponent, Decimal)>, MoneyError> {
    let comps: Vec<&TaxComponent> = item.tax.components.iter().filter(|c| c.applies(item.fee)).collect();
    let amount = item.amount.amount();
    let mul = |a: Decimal, b: Decimal| a.checked_mul(b).ok_or(MoneyError::Overflow);
    let div = |a: Decimal, b: Decimal| a.checked_div(b).ok_or(MoneyError::Overflow);
    let sum_rates: Decimal = comps.iter().map(|c| c.rate()).sum();
    let inclusive = |a: Decimal, c: &TaxComponent| div(mul(a, c.rate())?, Decimal::ONE + sum_rates);
    match item.basis {
        TaxBasis::Price if item.tax.prices == TaxPrices::Exclusive => {
            comps.into_iter().map(|c| Ok((c, mul(amount, c.rate())?))).collect()
        }
        TaxBasis::Price => comps.into_iter().map(|c| Ok((c, inclusive(amount, c)?))).collect(),
        TaxBasis::Paid { reference } => {
            // The reference price as charged: its tax per component, rounded per line, and its gross.
            let r = TaxItem { basis: TaxBasis::Price, amount: reference, ..*item };
            let places = reference.currency().minor_units();
            let charged: Vec<(&TaxComponent, Decimal)> =
                exact_parts(&r, mode)?.into_iter().map(|(c, x)| (c, signed_round(x, places, mode))).collect();
            let gross = match item.tax.prices {
                TaxPrices::Exclusive => charged.iter().map(|(_, t)| *t).sum::<Decimal>() + reference.amount(),
                TaxPrices::Inclusive => reference.amount(),
            };
            charged
                .into_iter()
                .map(|(c, t)| {
                    let exact = if gross.is_zero() { inclusive(amount, c)? } else { div(mul(amount, t)?, gross)? };
                    Ok((c, exact))
                })
                .collect()
        }
    }
}

/// Rounds by magnitude, then restores the sign: a credit rounds exactly like the charge it
/// mirrors (this matters only for the directed modes `floor` and `ceiling`).
fn signed_round(x: Decimal, places: u32, mode: Rounding) -> Decimal {
    let r = round_to(x.abs(), places, mode);
    if x.is_sign_negative() && !r.is_zero() {
        -r
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn tax(json: &str) -> PlanTax {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn cad() -> Currency {
        Currency::from_code("CAD").unwrap_or(Currency::USD)
    }

    fn money(text: &str, c: Currency) -> Money {
        Money::parse(text, c).unwrap_or_else(|_| Money::zero(c))
    }

    fn split(t: &PlanTax, amounts: &[(&str, FeeKind)], c: Currency, exempt: bool) -> (Vec<String>, Vec<String>) {
        let items: Vec<TaxItem<'_>> = amounts
            .iter()
            .map(|(a, fee)| TaxItem { tax: t, fee: *fee, amount: money(a, c), basis: TaxBasis::Price })
            .collect();
        let taxed = apply_tax(&items, exempt, Rounding::HalfAwayFromZero).unwrap_or_else(|e| panic!("{e}"));
        (
            taxed.nets.iter().map(|m| m.amount().to_string()).collect(),
            taxed.lines.iter().map(|l| format!("{} {}", l.name, l.amount.amount())).collect(),
        )
    }

    #[test]
    fn per_line_and_per_total_rounding_differ_by_a_cent() {
        let line = tax(r#"{"components": [{"name": "GST", "percent": "5"}]}"#);
        let total = tax(r#"{"components": [{"name": "GST", "percent": "5"}], "rounding": "per_total"}"#);
        let two = [("10.05", FeeKind::Dues), ("10.05", FeeKind::JoinFee)];
        assert_eq!(split(&line, &two, Currency::USD, false).1, ["GST 1.00"]);
        assert_eq!(split(&total, &two, Currency::USD, false).1, ["GST 1.01"]);
    }

    #[test]
    fn ten_lines_of_vat_rounded_down_each_or_once_on_the_total() {
        // The Tucasi example (docs/quotes.md): ten sessions at 11.31 GBP with 20% VAT.
        let line = tax(r#"{"components": [{"name": "VAT", "percent": "20"}], "mode": "toward_zero"}"#);
        let total = tax(r#"{"components": [{"name": "VAT", "percent": "20"}], "rounding": "per_total"}"#);
        let ten = [("11.31", FeeKind::Dues); 10];
        let gbp = Currency::GBP;
        assert_eq!(split(&line, &ten, gbp, false).1, ["VAT 22.60"]);
        assert_eq!(split(&total, &ten, gbp, false).1, ["VAT 22.62"]);
    }

    #[test]
    fn a_dollar_at_ten_percent_inclusive_is_91_cents_and_9_of_tax() {
        // Square's TaxInclusionType example (docs/quotes.md).
        let t = tax(r#"{"components": [{"name": "Tax", "percent": "10"}], "prices": "inclusive"}"#);
        assert_eq!(
            split(&t, &[("1.00", FeeKind::Dues)], Currency::USD, false),
            (vec!["0.91".into()], vec!["Tax 0.09".into()])
        );
    }

    #[test]
    fn an_inclusive_price_whose_tax_is_half_a_cent_rounds_by_the_mode() {
        let t = |mode: &str| {
            tax(&format!(
                r#"{{"components": [{{"name": "VAT", "percent": "20"}}], "prices": "inclusive", "mode": "{mode}"}}"#
            ))
        };
        let dues = [("9.99", FeeKind::Dues)];
        assert_eq!(
            split(&t("half_away_from_zero"), &dues, Currency::EUR, false),
            (vec!["8.32".into()], vec!["VAT 1.67".into()])
        );
        assert_eq!(split(&t("half_even"), &dues, Currency::EUR, false), (vec!["8.33".into()], vec!["VAT 1.66".into()]));
    }

    #[test]
    fn an_exempt_member_pays_no_tax_and_an_inclusive_price_without_it() {
        let t = tax(r#"{"components": [{"name": "VAT", "percent": "20"}], "prices": "inclusive"}"#);
        assert_eq!(
            split(&t, &[("120.00", FeeKind::Dues)], Currency::EUR, true),
            (vec!["100.00".into()], vec!["VAT 0.00".into()])
        );
        let t = tax(r#"{"components": [{"name": "GST", "percent": "5"}]}"#);
        assert_eq!(
            split(&t, &[("100", FeeKind::Dues)], Currency::JPY, true),
            (vec!["100".into()], vec!["GST 0".into()])
        );
    }

    #[test]
    fn components_apply_to_their_fees_only() {
        let t = tax(
            r#"{"components": [{"name": "GST", "percent": "5"}, {"name": "PST", "percent": "7", "applies_to": ["dues"]}]}"#,
        );
        let got = split(&t, &[("100.00", FeeKind::Dues), ("20.00", FeeKind::JoinFee)], cad(), false);
        assert_eq!(got.1, ["GST 6.00", "PST 7.00"]);
    }

    #[test]
    fn a_refund_of_a_whole_term_s_gross_reverses_its_tax() {
        let t = tax(r#"{"components": [{"name": "GST", "percent": "5"}, {"name": "QST", "percent": "9.975"}]}"#);
        let price = money("199.99", cad());
        let charge = [TaxItem { tax: &t, fee: FeeKind::Dues, amount: price, basis: TaxBasis::Price }];
        let charged = apply_tax(&charge, false, Rounding::HalfAwayFromZero).unwrap_or_else(|e| panic!("{e}"));
        let gross = charged.lines.iter().fold(price, |a, l| a.checked_add(&l.amount).unwrap_or(a));
        let refund = [TaxItem {
            tax: &t,
            fee: FeeKind::Dues,
            amount: gross.negated(),
            basis: TaxBasis::Paid { reference: price },
        }];
        let refunded = apply_tax(&refund, false, Rounding::HalfAwayFromZero).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(refunded.nets[0], price.negated());
        for (c, r) in charged.lines.iter().zip(&refunded.lines) {
            assert_eq!(r.amount, c.amount.negated());
        }
    }

    #[test]
    fn a_policy_s_tax_is_checked_with_paths() {
        let bad = |json: &str| tax(json).validate("plans[0].tax").map_err(|e| e.to_string()).err();
        assert_eq!(
            bad(r#"{"components": []}"#).as_deref(),
            Some("plans[0].tax.components: must list 1 to 8 components")
        );
        assert_eq!(
            bad(r#"{"components": [{"name": "VAT", "percent": "120"}]}"#).as_deref(),
            Some("plans[0].tax.components[0].percent: must be between 0 and 100")
        );
        assert_eq!(
            bad(r#"{"components": [{"name": "A", "percent": "1"}, {"name": "A", "percent": "2"}]}"#).as_deref(),
            Some("plans[0].tax.components[1].name: is the name of an earlier component")
        );
        assert_eq!(
            bad(r#"{"components": [{"name": "A", "percent": "1", "applies_to": []}]}"#).as_deref(),
            Some("plans[0].tax.components[0].applies_to: must list at least one fee (leave it out for every fee)")
        );
        assert_eq!(
            bad(r#"{"components": [{"name": "A", "percent": "1.0000001"}]}"#).as_deref(),
            Some("plans[0].tax.components[0].percent: must have at most 6 decimals")
        );
        assert_eq!(bad(r#"{"components": [{"name": "A", "percent": "0"}]}"#), None);
    }
}
