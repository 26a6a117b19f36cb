//! [`Quote`] and its [`QuoteLine`]s, what they are for ([`QuoteKind`], [`LineKind`]), and their JSON form.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::money::{decimal_text, Currency, Money};
use crate::plan::PlanId;
use crate::proration::{Fraction, ProrationUnit};
use crate::status::Status;
use crate::term::Term;
use std::sync::Arc;

/// What a quote is for.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::QuoteKind::SeatChange)?, r#""seat_change""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    /// A new member joins.
    Join,
    /// A current member renews.
    Renewal,
    /// A lapsed member reinstates.
    Reinstatement,
    /// A member past the reinstatement window joins again.
    Rejoin,
    /// A change to a plan at least as dear, effective now.
    Upgrade,
    /// A change to a cheaper plan.
    Downgrade,
    /// More or fewer seats on an organisational plan.
    SeatChange,
    /// The member cancels.
    Cancellation,
    /// The membership is paused for a stretch of the term.
    Pause,
}

/// What a quote line is.
///
/// ```
/// assert_eq!(serde_json::to_string(&amscore::LineKind::CreditToDays)?, r#""credit_to_days""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// Membership dues (possibly prorated).
    Dues,
    /// Seats beyond those the dues include.
    Seats,
    /// A household's dependants beyond those the dues include.
    Dependants,
    /// The one-time join fee.
    JoinFee,
    /// The reinstatement fee.
    ReinstatementFee,
    /// The fee for renewing in grace.
    LateFee,
    /// A multi-term discount (negative).
    Discount,
    /// A credit for the unused part of what was paid (negative).
    Credit,
    /// A refund of the unused part of what was paid (negative).
    Refund,
    /// The cancellation fee (never more than the refund).
    CancellationFee,
    /// A net credit forfeited under the policy (positive, bringing the total to zero).
    ForfeitedCredit,
    /// A net credit converted into extra days on the new plan (positive, bringing the total to zero).
    CreditToDays,
    /// A scheduled change that costs nothing now (zero).
    ScheduledChange,
    /// A tax component's tax over the lines it taxes (negative when credits dominate; zero for
    /// an exempt member). Every other line is net of tax.
    Tax,
}

impl LineKind {
    /// Every kind, in declaration order.
    pub const ALL: [LineKind; 14] = [
        LineKind::Dues,
        LineKind::Seats,
        LineKind::Dependants,
        LineKind::JoinFee,
        LineKind::ReinstatementFee,
        LineKind::LateFee,
        LineKind::Discount,
        LineKind::Credit,
        LineKind::Refund,
        LineKind::CancellationFee,
        LineKind::ForfeitedCredit,
        LineKind::CreditToDays,
        LineKind::ScheduledChange,
        LineKind::Tax,
    ];

    /// The kind's name, as in JSON (`late_fee`).
    ///
    /// ```
    /// assert_eq!(amscore::LineKind::LateFee.as_str(), "late_fee");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            LineKind::Dues => "dues",
            LineKind::Seats => "seats",
            LineKind::Dependants => "dependants",
            LineKind::JoinFee => "join_fee",
            LineKind::ReinstatementFee => "reinstatement_fee",
            LineKind::LateFee => "late_fee",
            LineKind::Discount => "discount",
            LineKind::Credit => "credit",
            LineKind::Refund => "refund",
            LineKind::CancellationFee => "cancellation_fee",
            LineKind::ForfeitedCredit => "forfeited_credit",
            LineKind::CreditToDays => "credit_to_days",
            LineKind::ScheduledChange => "scheduled_change",
            LineKind::Tax => "tax",
        }
    }
}

#[cfg(test)]
#[test]
fn a_line_kind_s_name_is_its_json_name() {
    for (i, k) in LineKind::ALL.iter().enumerate() {
        assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::Value::from(k.as_str())));
        assert!(!LineKind::ALL[..i].contains(k));
    }
}

/// A quote line's description: a sentence a person can read, written only when it is read
/// (`to_string`, `Display`, JSON), so that a quote whose lines nobody reads writes no text.
///
/// ```
/// use time::macros::date;
/// let q = amscore::Engine::from_preset("amscore")?.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
/// assert_eq!(q.lines[0].description.to_string(), "Individual dues");
/// assert_eq!(q.lines[0].description, "Individual dues");
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Description(Sentence);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Sentence {
    Written(String),
    Fixed(&'static str),
    /// `{plan} dues` or `{plan} renewal dues`, for `terms` terms, prorated by `fraction`,
    /// floored at the minimum charge.
    Dues {
        plan: Arc<str>,
        renewal: bool,
        terms: u32,
        fraction: Option<Fraction>,
        minimum: bool,
    },
    /// `{extra} extra seats`.
    Seats {
        extra: u32,
        terms: u32,
        fraction: Option<Fraction>,
    },
    /// `Join fee`, prorated by `fraction`.
    JoinFee {
        fraction: Option<Fraction>,
    },
    /// `Unused {plan} (paid {paid})`, prorated by `fraction`: a plan change's credit.
    Unused {
        plan: Arc<str>,
        paid: Money,
        fraction: Option<Fraction>,
    },
    /// `Refund of unused {plan} (paid {paid})`, prorated by `fraction`: a cancellation's refund.
    Refund {
        plan: Arc<str>,
        paid: Money,
        fraction: Option<Fraction>,
    },
    /// `Cancellation fee of {0}, limited to the refund`.
    CancellationFeeLimited(Money),
    /// `Seats {from} → {to}` (`: unused seats` for fewer), prorated by `fraction`.
    SeatChange {
        from: u32,
        to: u32,
        unused: bool,
        fraction: Option<Fraction>,
    },
    /// `Change to {plan} from {from}; nothing to pay now`: a downgrade at the term's end.
    ScheduledChange {
        plan: Arc<str>,
        from: Date,
    },
    /// `No credit for unused {0}: the new plan is charged in full`.
    NoCredit(Arc<str>),
    /// `{line}, raised so the change's net meets the minimum charge of {floor}`.
    RaisedToMinimum {
        line: Box<Description>,
        floor: Money,
    },
    /// `Term extended by {days} paused days: ends {new_end} instead of {end}`.
    PauseExtended {
        days: i64,
        new_end: Date,
        end: Date,
    },
    /// `Credit for {days} paused days of {plan} (paid {paid})`, prorated by `fraction`.
    PauseCredit {
        days: i64,
        plan: Arc<str>,
        paid: Money,
        fraction: Fraction,
    },
    /// `{name} {percent}%`, with ` (exempt)` for an exempt member; the rate written normalized.
    Tax {
        name: String,
        percent: Decimal,
        exempt: bool,
    },
    /// `{extra} dependant(s) beyond the {included} included`, ` × N terms` for more than one.
    Dependants {
        extra: u32,
        included: u32,
        terms: u32,
    },
    /// `{percent}% off for {terms} terms`: a multi-term discount (the rate written as given).
    Discount {
        percent: Decimal,
        terms: u32,
    },
    /// `Credit of {0} forfeited`.
    ForfeitedCredit(Money),
    /// `Credit of {credit} converted into {days} extra days on {plan}`.
    CreditToDays {
        credit: Money,
        days: i64,
        plan: Arc<str>,
    },
}

impl Description {
    /// The dues of `plan` (its name) for `terms` terms, prorated by `fraction`.
    pub(crate) fn dues(
        plan: Arc<str>,
        renewal: bool,
        terms: u32,
        fraction: Option<Fraction>,
        minimum: bool,
    ) -> Description {
        Description(Sentence::Dues { plan, renewal, terms, fraction, minimum })
    }

    /// `extra` seats beyond the included ones.
    pub(crate) fn seats(extra: u32, terms: u32, fraction: Option<Fraction>) -> Description {
        Description(Sentence::Seats { extra, terms, fraction })
    }

    /// The join fee.
    pub(crate) fn join_fee(fraction: Option<Fraction>) -> Description {
        Description(Sentence::JoinFee { fraction })
    }

    /// The unused part of `plan` (its name), for which the member paid `paid`.
    pub(crate) fn unused(plan: Arc<str>, paid: Money, fraction: Option<Fraction>) -> Description {
        Description(Sentence::Unused { plan, paid, fraction })
    }

    /// The refund of the unused part of `plan` (its name), for which the member paid `paid`.
    pub(crate) fn refund(plan: Arc<str>, paid: Money, fraction: Option<Fraction>) -> Description {
        Description(Sentence::Refund { plan, paid, fraction })
    }

    /// A cancellation fee of `fee`, cut down to the refund.
    pub(crate) fn cancellation_fee_limited(fee: Money) -> Description {
        Description(Sentence::CancellationFeeLimited(fee))
    }

    /// A change from `from` seats to `to`: the unused seats' credit (`unused`), or the added
    /// seats, prorated by `fraction`.
    pub(crate) fn seat_change(from: u32, to: u32, unused: bool, fraction: Option<Fraction>) -> Description {
        Description(Sentence::SeatChange { from, to, unused, fraction })
    }

    /// A change to `plan` (its name) from `from`, with nothing to pay now.
    pub(crate) fn scheduled_change(plan: Arc<str>, from: Date) -> Description {
        Description(Sentence::ScheduledChange { plan, from })
    }

    /// No credit for the unused part of `plan` (its name).
    pub(crate) fn no_credit(plan: Arc<str>) -> Description {
        Description(Sentence::NoCredit(plan))
    }

    /// `line`'s description, raised to meet a change's minimum charge of `floor`.
    pub(crate) fn raised_to_minimum(line: Description, floor: Money) -> Description {
        Description(Sentence::RaisedToMinimum { line: Box::new(line), floor })
    }

    /// A term extended by `days` paused days, to end on `new_end` instead of `end`.
    pub(crate) fn pause_extended(days: i64, new_end: Date, end: Date) -> Description {
        Description(Sentence::PauseExtended { days, new_end, end })
    }

    /// A credit for `days` paused days of `plan` (its name), paid `paid`, their share `fraction`.
    pub(crate) fn pause_credit(days: i64, plan: Arc<str>, paid: Money, fraction: Fraction) -> Description {
        Description(Sentence::PauseCredit { days, plan, paid, fraction })
    }

    /// A tax component's line: its `name` and rate `percent`, for an `exempt` member or not.
    pub(crate) fn tax(name: String, percent: Decimal, exempt: bool) -> Description {
        Description(Sentence::Tax { name, percent, exempt })
    }

    /// `extra` dependants beyond the `included` ones, for `terms` terms.
    pub(crate) fn dependants(extra: u32, included: u32, terms: u32) -> Description {
        Description(Sentence::Dependants { extra, included, terms })
    }

    /// A multi-term discount of `percent`, for buying `terms` terms (the discount's own count).
    pub(crate) fn discount(percent: Decimal, terms: u32) -> Description {
        Description(Sentence::Discount { percent, terms })
    }

    /// A net credit of `credit` forfeited.
    pub(crate) fn forfeited_credit(credit: Money) -> Description {
        Description(Sentence::ForfeitedCredit(credit))
    }

    /// A net credit of `credit` converted into `days` extra days on `plan` (its name).
    pub(crate) fn credit_to_days(credit: Money, days: i64, plan: Arc<str>) -> Description {
        Description(Sentence::CreditToDays { credit, days, plan })
    }
}

impl From<String> for Description {
    fn from(text: String) -> Description {
        Description(Sentence::Written(text))
    }
}

impl From<&'static str> for Description {
    fn from(text: &'static str) -> Description {
        Description(Sentence::Fixed(text))
    }
}

impl fmt::Display for Description {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Sentence::Written(text) => f.write_str(text),
            Sentence::Fixed(text) => f.write_str(text),
            Sentence::Dues { plan, renewal, terms, fraction, minimum } => {
                let kind = if *renewal { "renewal dues" } else { "dues" };
                write_description(f, format_args!("{plan} {kind}"), *terms, fraction.as_ref())?;
                if *minimum {
                    f.write_str(" (minimum charge)")?;
                }
                Ok(())
            }
            Sentence::Seats { extra, terms, fraction } => {
                write_description(f, format_args!("{extra} extra seats"), *terms, fraction.as_ref())
            }
            Sentence::JoinFee { fraction } => write_description(f, format_args!("Join fee"), 1, fraction.as_ref()),
            Sentence::Unused { plan, paid, fraction } => {
                write_description(f, format_args!("Unused {plan} (paid {paid})"), 1, fraction.as_ref())
            }
            Sentence::Refund { plan, paid, fraction } => {
                write_description(f, format_args!("Refund of unused {plan} (paid {paid})"), 1, fraction.as_ref())
            }
            Sentence::CancellationFeeLimited(fee) => write!(f, "Cancellation fee of {fee}, limited to the refund"),
            Sentence::SeatChange { from, to, unused: true, fraction } => {
                write_description(f, format_args!("Seats {from} → {to}: unused seats"), 1, fraction.as_ref())
            }
            Sentence::SeatChange { from, to, unused: false, fraction } => {
                write_description(f, format_args!("Seats {from} → {to}"), 1, fraction.as_ref())
            }
            Sentence::ScheduledChange { plan, from } => write!(f, "Change to {plan} from {from}; nothing to pay now"),
            Sentence::NoCredit(plan) => write!(f, "No credit for unused {plan}: the new plan is charged in full"),
            Sentence::RaisedToMinimum { line, floor } => {
                write!(f, "{line}, raised so the change's net meets the minimum charge of {floor}")
            }
            Sentence::PauseExtended { days, new_end, end } => {
                write!(f, "Term extended by {days} paused days: ends {new_end} instead of {end}")
            }
            Sentence::PauseCredit { days, plan, paid, fraction } => write_description(
                f,
                format_args!("Credit for {days} paused days of {plan} (paid {paid})"),
                1,
                Some(fraction),
            ),
            Sentence::Tax { name, percent, exempt } => {
                write!(f, "{name} {}%", percent.normalize())?;
                if *exempt {
                    f.write_str(" (exempt)")?;
                }
                Ok(())
            }
            Sentence::Dependants { extra, included, terms } => {
                let s = if *extra == 1 { "" } else { "s" };
                write!(f, "{extra} dependant{s} beyond the {included} included")?;
                if *terms != 1 {
                    write!(f, " × {terms} terms")?;
                }
                Ok(())
            }
            Sentence::Discount { percent, terms } => write!(f, "{percent}% off for {terms} terms"),
            Sentence::ForfeitedCredit(credit) => write!(f, "Credit of {credit} forfeited"),
            Sentence::CreditToDays { credit, days, plan } => {
                write!(f, "Credit of {credit} converted into {days} extra days on {plan}")
            }
        }
    }
}

/// Two descriptions are equal when they read the same, however they are held.
impl PartialEq for Description {
    fn eq(&self, other: &Description) -> bool {
        match (&self.0, &other.0) {
            (Sentence::Written(a), _) => other == a.as_str(),
            (Sentence::Fixed(a), _) => other == *a,
            (_, Sentence::Written(b)) => self == b.as_str(),
            (_, Sentence::Fixed(b)) => self == *b,
            _ => self.to_string() == other.to_string(),
        }
    }
}

impl Eq for Description {}

impl PartialEq<str> for Description {
    fn eq(&self, other: &str) -> bool {
        match &self.0 {
            Sentence::Written(text) => text == other,
            Sentence::Fixed(text) => *text == other,
            _ => reads_as(self, other),
        }
    }
}

/// Whether `value` is written as `text`: compared as it is written, without writing it into a
/// string.
pub(crate) fn reads_as(value: &impl fmt::Display, text: &str) -> bool {
    let mut rest = Rest(text);
    fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
}

/// What is left of a text to compare with what is written: writing fails at the first difference.
struct Rest<'a>(&'a str);

impl fmt::Write for Rest<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.0.strip_prefix(s) {
            Some(rest) => {
                self.0 = rest;
                Ok(())
            }
            None => Err(fmt::Error),
        }
    }
}

impl PartialEq<&str> for Description {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// Writes a line's description: `head`, then ` × N terms` for more than one term, then
/// `, 7 of 12 months` for a prorated (not whole) fraction.
pub(crate) fn write_description(
    w: &mut impl fmt::Write,
    head: fmt::Arguments<'_>,
    terms: u32,
    f: Option<&Fraction>,
) -> fmt::Result {
    w.write_fmt(head)?;
    if terms > 1 {
        write!(w, " × {terms} terms")?;
    }
    if let Some(f) = f.filter(|f| !f.is_whole()) {
        let unit = match (f.unit, f.of == 1) {
            (ProrationUnit::Day, true) => "day",
            (ProrationUnit::Day, false) => "days",
            (ProrationUnit::Month, true) => "month",
            (ProrationUnit::Month, false) => "months",
            (ProrationUnit::Quarter, true) => "quarter",
            (ProrationUnit::Quarter, false) => "quarters",
            (ProrationUnit::Half, true) => "half",
            (ProrationUnit::Half, false) => "halves",
            (ProrationUnit::MonthDay, true) => "month-day",
            (ProrationUnit::MonthDay, false) => "month-days",
        };
        write!(w, ", {} of {} {unit}", f.units, f.of)?;
    }
    Ok(())
}

/// One line of a quote: what, how much, and the period it covers.
///
/// ```
/// use time::macros::date;
/// let q = amscore::Engine::from_preset("amscore")?.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
/// assert_eq!(q.lines[1].kind, amscore::LineKind::JoinFee);
/// assert_eq!(q.lines[1].amount.to_string(), "25.00 USD");
/// assert_eq!(q.lines[1].period, None);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteLine {
    /// What the line is.
    pub kind: LineKind,
    /// A sentence a person can read (`"Chapter dues, 6 of 12 months"`), written when it is
    /// read.
    pub description: Description,
    /// The amount, rounded to the currency's minor unit; negative for credits.
    pub amount: Money,
    /// The days the line pays for, if it pays for days.
    pub period: Option<Term>,
    /// The proration fraction applied, if the amount was prorated.
    pub proration: Option<Fraction>,
}

/// The answer to "what happens, and what does it cost, if this member does X on date D".
///
/// In JSON the currency is written once and amounts are decimal strings:
/// `{"kind": "join", ..., "currency": "USD", "lines": [{"kind": "dues", "amount": "100.00", ...}], "total": "100.00"}`.
///
/// ```
/// use time::macros::date;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let q = engine.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
/// assert_eq!(q.total.to_string(), "225.00 USD"); // 200.00 dues + 25.00 join fee
/// assert_eq!(q.lines.len(), 2);
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// What the quote is for.
    pub kind: QuoteKind,
    /// The plan after the action.
    pub plan: PlanId,
    /// When the action takes effect.
    pub effective: Date,
    /// The term after the action (`None` when a cancellation leaves no paid day).
    pub term: Option<Term>,
    /// Member-since after the action.
    pub member_since: Date,
    /// The status on the quote's date once the action is done and paid.
    pub status_after: Status,
    /// The line items, in order.
    pub lines: Vec<QuoteLine>,
    /// The exact sum of the lines: positive to pay, negative to credit or refund. With tax, this
    /// is the gross: [`Quote::net`] plus [`Quote::tax`].
    pub total: Money,
}

impl Quote {
    /// The quote's currency.
    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// The sum of the lines (always equal to `total`; exposed so callers can check).
    ///
    /// # Errors
    /// [`crate::MoneyError::Overflow`].
    pub fn sum_of_lines(&self) -> Result<Money, crate::MoneyError> {
        self.lines.iter().try_fold(Money::zero(self.currency()), |acc, l| acc.checked_add(&l.amount))
    }

    /// The sum of the tax lines (zero when the plan has no tax).
    ///
    /// ```
    /// use time::macros::date;
    /// let policy = r#"{"version": 1, "preset": "amscore", "plans": [{"id": "individual", "name": "Individual",
    ///     "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
    ///     "prices": {"currency": "CAD", "dues": "100.00", "join_fee": "20.00"},
    ///     "tax": {"components": [{"name": "GST", "percent": "5"}, {"name": "PST", "percent": "7", "applies_to": ["dues"]}]}}]}"#;
    /// let engine = amscore::Engine::new(amscore::Policy::from_json(policy)?)?;
    /// let q = engine.quote_join(&"individual".into(), date!(2025-03-10), 1, None)?;
    /// assert_eq!(q.net()?.to_string(), "120.00 CAD");
    /// assert_eq!(q.tax()?.to_string(), "13.00 CAD"); // GST 6.00 on 120.00, PST 7.00 on the dues
    /// assert_eq!(q.total.to_string(), "133.00 CAD");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::MoneyError::Overflow`].
    pub fn tax(&self) -> Result<Money, crate::MoneyError> {
        self.lines
            .iter()
            .filter(|l| l.kind == LineKind::Tax)
            .try_fold(Money::zero(self.currency()), |acc, l| acc.checked_add(&l.amount))
    }

    /// The total without tax: the sum of the lines that are not tax lines.
    ///
    /// # Errors
    /// [`crate::MoneyError::Overflow`].
    pub fn net(&self) -> Result<Money, crate::MoneyError> {
        self.total.checked_sub(&self.tax()?)
    }

    /// The total with tax (the amount due: [`Quote::total`]).
    pub fn gross(&self) -> Money {
        self.total
    }

    /// Whether the quote has tax lines (its plan, or a plan it credits, is taxed).
    pub fn is_taxed(&self) -> bool {
        self.lines.iter().any(|l| l.kind == LineKind::Tax)
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            writeln!(f, "{:>14}  {}", l.amount.to_string(), l.description)?;
        }
        write!(f, "{:>14}  total", self.total.to_string())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LineDoc {
    kind: LineKind,
    description: String,
    #[serde(with = "decimal_text")]
    amount: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proration: Option<Fraction>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteDoc {
    kind: QuoteKind,
    plan: PlanId,
    #[serde(with = "crate::period::date_text")]
    effective: Date,
    term: Option<Term>,
    #[serde(with = "crate::period::date_text")]
    member_since: Date,
    status_after: Status,
    currency: Currency,
    lines: Vec<LineDoc>,
    /// The total without tax, written when the quote has tax lines.
    #[serde(default, with = "crate::money::opt_decimal_text", skip_serializing_if = "Option::is_none")]
    net: Option<Decimal>,
    /// The sum of the tax lines, written when the quote has them.
    #[serde(default, with = "crate::money::opt_decimal_text", skip_serializing_if = "Option::is_none")]
    tax: Option<Decimal>,
    #[serde(with = "decimal_text")]
    total: Decimal,
}

impl Serialize for Quote {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        QuoteDoc {
            kind: self.kind,
            plan: self.plan.clone(),
            effective: self.effective,
            term: self.term,
            member_since: self.member_since,
            status_after: self.status_after,
            currency: self.currency(),
            lines: self
                .lines
                .iter()
                .map(|l| LineDoc {
                    kind: l.kind,
                    description: l.description.to_string(),
                    amount: l.amount.amount(),
                    period: l.period,
                    proration: l.proration,
                })
                .collect(),
            net: self
                .is_taxed()
                .then(|| self.net().map(|m| m.amount()))
                .transpose()
                .map_err(serde::ser::Error::custom)?,
            tax: self
                .is_taxed()
                .then(|| self.tax().map(|m| m.amount()))
                .transpose()
                .map_err(serde::ser::Error::custom)?,
            total: self.total.amount(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = QuoteDoc::deserialize(d)?;
        let c = doc.currency;
        Ok(Quote {
            kind: doc.kind,
            plan: doc.plan,
            effective: doc.effective,
            term: doc.term,
            member_since: doc.member_since,
            status_after: doc.status_after,
            lines: doc
                .lines
                .into_iter()
                .map(|l| QuoteLine {
                    kind: l.kind,
                    description: l.description.into(),
                    amount: Money::new(l.amount, c),
                    period: l.period,
                    proration: l.proration,
                })
                .collect(),
            total: Money::new(doc.total, c),
        })
    }
}

#[cfg(test)]
mod written_when_read {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_sentence_reads_as_the_text_it_replaced() {
        let d = |t: &str| t.parse::<Decimal>().unwrap_or_default();
        let usd = |a: Decimal| Money::new(a, Currency::USD);
        let plan: Arc<str> = Arc::from("Plus");
        let cases = [
            (
                Description::scheduled_change(plan.clone(), date!(2026 - 01 - 01)),
                "Change to Plus from 2026-01-01; nothing to pay now",
            ),
            (Description::no_credit(plan.clone()), "No credit for unused Plus: the new plan is charged in full"),
            (
                Description::raised_to_minimum(Description::from("Plus dues"), usd(d("5.00"))),
                "Plus dues, raised so the change's net meets the minimum charge of 5.00 USD",
            ),
            (
                Description::pause_extended(31, date!(2026 - 04 - 09), date!(2026 - 03 - 09)),
                "Term extended by 31 paused days: ends 2026-04-09 instead of 2026-03-09",
            ),
            (Description::tax("GST".into(), d("5.000"), false), "GST 5%"),
            (Description::tax("PST".into(), d("7.50"), true), "PST 7.5% (exempt)"),
            (Description::dependants(1, 0, 1), "1 dependant beyond the 0 included"),
            (Description::dependants(2, 1, 3), "2 dependants beyond the 1 included × 3 terms"),
            (Description::discount(d("10"), 3), "10% off for 3 terms"),
            (Description::forfeited_credit(usd(d("12.50"))), "Credit of 12.50 USD forfeited"),
            (
                Description::credit_to_days(usd(d("12.50")), 45, plan),
                "Credit of 12.50 USD converted into 45 extra days on Plus",
            ),
        ];
        for (d, text) in cases {
            assert_eq!(d.to_string(), text);
            assert_eq!(d, text);
        }
    }
}
