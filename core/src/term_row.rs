//! One roster row as given (a CSV record, a row of a binding's columns) and the checks that turn it into a term of a member or into row errors.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use crate::cell::{trim, Cell, Grammar};
use crate::codes::ErrorCode;
use crate::lifecycle_error::LifecycleError;
use crate::member::{MemberFactsRow, MemberRow};
use crate::money::{Currency, Money};
use crate::plan::Plan;
use crate::roster_error::RosterError;
use crate::row_error::{RowError, Source};
use crate::rules::Rulebook;
use crate::status::{self, Facts, MemberId, Pause, Status, StatusOverride};
use crate::term::Term;

/// A roster column.
///
/// | column | required | meaning |
/// |---|---|---|
/// | `member_id` | yes | the member's id |
/// | `plan` | yes | the plan id of this term (must be in the policy) |
/// | `member_since` | yes | join date as of this term (`YYYY-MM-DD`) |
/// | `term_start` | yes | the term's first day |
/// | `term_end` | yes | the term's last day, inclusive; empty for a lifetime plan |
/// | `pending` | no | `true/false`, `yes/no`, `y/n`, `1/0`; empty is false |
/// | `cancelled_on` | no | the day the membership was cancelled |
/// | `deceased_on` | no | the day the member died |
/// | `override_status` | no | a staff override: a status name (`suspended`, `active`, ...) |
/// | `override_until` | no | the override's last day; empty holds indefinitely |
/// | `amount_paid` | no | what was paid for the term, a plain decimal (`200.00`) |
/// | `currency` | no | the ISO 4217 code of `amount_paid`; must be the plan's; default the plan's |
/// | `auto_renew` | no | the member renews automatically (a yes/no value); empty is false |
/// | `balance_due` | no | what the member owes now, a plain non-negative decimal; empty is zero |
/// | `organization` | no | the organisation the member holds a seat of |
/// | `renewal_pending` | no | a renewal awaits payment (a yes/no value); empty is false |
/// | `primary` | no | for a household's dependant, the primary member's id (the dependant follows the primary's term) |
/// | `tax_exempt` | no | the member pays no tax (a yes/no value); empty is false |
/// | `pause_from` | no | the first day of a pause of this row's term; given with `pause_to` (one without the other is `missing_value` on the empty one) |
/// | `pause_to` | no | the pause's last day, inclusive; inside the row's term, not before `pause_from` |
///
/// and any number of `attribute.<name>` columns (custom attributes, tested by segments).
/// Column names are matched ignoring ASCII case and surrounding spaces; values are trimmed.
/// `pending`, `cancelled_on`, `deceased_on`, the override and the member-level columns
/// (`auto_renew`, `balance_due`, `organization`, `renewal_pending`, `tax_exempt`, attributes) are
/// facts of the member: they are checked on every row and taken from the row that gives the
/// member's current facts. The pause (`pause_from`, `pause_to`) is term-level, like the term: it
/// is checked against its own row's term (inside it, not ending before it starts), and only the
/// current row's pause is the membership's `pause` (a past term's pause is not kept; a pause on
/// a lifetime plan is refused when the member is assessed, as for a single call).
///
/// ```
/// use amscore::Column;
/// assert_eq!(Column::TermEnd.as_str(), "term_end");
/// assert!(Column::TermEnd.is_required() && !Column::Currency.is_required());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// `member_id`.
    MemberId,
    /// `plan`.
    Plan,
    /// `member_since`.
    MemberSince,
    /// `term_start`.
    TermStart,
    /// `term_end`.
    TermEnd,
    /// `pending`.
    Pending,
    /// `cancelled_on`.
    CancelledOn,
    /// `deceased_on`.
    DeceasedOn,
    /// `override_status`.
    OverrideStatus,
    /// `override_until`.
    OverrideUntil,
    /// `amount_paid`.
    AmountPaid,
    /// `currency`.
    Currency,
    /// `auto_renew`.
    AutoRenew,
    /// `balance_due`.
    BalanceDue,
    /// `organization`.
    Organization,
    /// `renewal_pending`.
    RenewalPending,
    /// `primary`.
    Primary,
    /// `tax_exempt`.
    TaxExempt,
    /// `pause_from`.
    PauseFrom,
    /// `pause_to`.
    PauseTo,
}

impl Column {
    /// Every column, required ones first.
    pub const ALL: [Column; 20] = [
        Column::MemberId,
        Column::Plan,
        Column::MemberSince,
        Column::TermStart,
        Column::TermEnd,
        Column::Pending,
        Column::CancelledOn,
        Column::DeceasedOn,
        Column::OverrideStatus,
        Column::OverrideUntil,
        Column::AmountPaid,
        Column::Currency,
        Column::AutoRenew,
        Column::BalanceDue,
        Column::Organization,
        Column::RenewalPending,
        Column::Primary,
        Column::TaxExempt,
        Column::PauseFrom,
        Column::PauseTo,
    ];

    /// The prefix of the custom attribute columns: `attribute.region`.
    pub const ATTRIBUTE_PREFIX: &'static str = "attribute.";

    /// The column's name in the header.
    pub fn as_str(self) -> &'static str {
        match self {
            Column::MemberId => "member_id",
            Column::Plan => "plan",
            Column::MemberSince => "member_since",
            Column::TermStart => "term_start",
            Column::TermEnd => "term_end",
            Column::Pending => "pending",
            Column::CancelledOn => "cancelled_on",
            Column::DeceasedOn => "deceased_on",
            Column::OverrideStatus => "override_status",
            Column::OverrideUntil => "override_until",
            Column::AmountPaid => "amount_paid",
            Column::Currency => "currency",
            Column::AutoRenew => "auto_renew",
            Column::BalanceDue => "balance_due",
            Column::Organization => "organization",
            Column::RenewalPending => "renewal_pending",
            Column::Primary => "primary",
            Column::TaxExempt => "tax_exempt",
            Column::PauseFrom => "pause_from",
            Column::PauseTo => "pause_to",
        }
    }

    /// The column named `name` (ignoring ASCII case and surrounding spaces), if any.
    pub fn named(name: &str) -> Option<Column> {
        let name = name.trim();
        Column::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether every roster must have the column.
    pub fn is_required(self) -> bool {
        matches!(self, Column::MemberId | Column::Plan | Column::MemberSince | Column::TermStart | Column::TermEnd)
    }

    /// Checks that the columns a roster has include every required one.
    ///
    /// # Errors
    /// [`RosterError::MissingColumn`] naming the first required column missing.
    ///
    /// ```
    /// use amscore::Column;
    /// let err = Column::require([Column::MemberId, Column::Plan]).unwrap_err();
    /// assert_eq!(err.to_string(), "missing column `member_since`");
    /// ```
    pub fn require(present: impl IntoIterator<Item = Column>) -> Result<(), RosterError> {
        let present: Vec<Column> = present.into_iter().collect();
        match Column::ALL.into_iter().find(|c| c.is_required() && !present.contains(c)) {
            Some(missing) => Err(RosterError::MissingColumn { column: missing.as_str().to_owned() }),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of a roster, one field per [`Column`], as the CSV reader or a binding gives it: text
/// fields as text, the others as a [`Cell`] (a typed value, or text read by the core's grammar).
/// Fields left at their default are empty.
///
/// ```
/// use amscore::{Cell, Engine, Roster, TermRow};
/// use time::macros::date;
/// let engine = Engine::from_preset("amscore")?;
/// let row = TermRow {
///     member_id: "M-1", plan: "individual",
///     member_since: Cell::Value(date!(2020-03-01)), term_start: Cell::Text("2025-03-01"),
///     term_end: Cell::Text("2026-02-28"), auto_renew: Cell::Value(true), ..TermRow::default()
/// };
/// let roster = Roster::from_rows(engine.rules(), [row]);
/// assert!(roster.members[0].auto_renew && roster.problems.is_empty());
/// # Ok::<(), amscore::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermRow<'a> {
    /// `member_id`.
    pub member_id: &'a str,
    /// `plan`.
    pub plan: &'a str,
    /// `member_since`.
    pub member_since: Cell<'a, Date>,
    /// `term_start`.
    pub term_start: Cell<'a, Date>,
    /// `term_end` (empty for a lifetime plan).
    pub term_end: Cell<'a, Date>,
    /// `pending` (empty is false).
    pub pending: Cell<'a, bool>,
    /// `cancelled_on`.
    pub cancelled_on: Cell<'a, Date>,
    /// `deceased_on`.
    pub deceased_on: Cell<'a, Date>,
    /// `override_status`: a status name.
    pub override_status: &'a str,
    /// `override_until`.
    pub override_until: Cell<'a, Date>,
    /// `amount_paid`.
    pub amount_paid: Cell<'a, Decimal>,
    /// `currency` of `amount_paid` (default the plan's).
    pub currency: &'a str,
    /// `auto_renew` (empty is false).
    pub auto_renew: Cell<'a, bool>,
    /// `balance_due` (empty is zero).
    pub balance_due: Cell<'a, Decimal>,
    /// `organization`.
    pub organization: &'a str,
    /// `renewal_pending` (empty is false).
    pub renewal_pending: Cell<'a, bool>,
    /// `primary`: the primary member's id, for a household's dependant.
    pub primary: &'a str,
    /// `tax_exempt` (empty is false).
    pub tax_exempt: Cell<'a, bool>,
    /// `pause_from`: the first day of a pause of the row's term (with `pause_to`).
    pub pause_from: Cell<'a, Date>,
    /// `pause_to`: the pause's last day, inclusive (with `pause_from`).
    pub pause_to: Cell<'a, Date>,
    /// `attribute.<name>` columns: (name, value); empty values are left out.
    pub attributes: Vec<(&'a str, &'a str)>,
}

impl TermRow<'_> {
    /// Whether every optional cell but `pending` is empty, as a roster without those columns
    /// reads them (attributes aside).
    fn only_pending(&self) -> bool {
        [self.cancelled_on, self.deceased_on, self.override_until, self.pause_from, self.pause_to]
            .iter()
            .all(|c| matches!(c, Cell::Empty))
            && [self.auto_renew, self.renewal_pending, self.tax_exempt].iter().all(|c| matches!(c, Cell::Empty))
            && [self.amount_paid, self.balance_due].iter().all(|c| matches!(c, Cell::Empty))
            && [self.override_status, self.currency, self.organization, self.primary].iter().all(|t| t.is_empty())
    }

    fn text(&self, column: Column) -> String {
        let text = |s: &str| s.trim().to_owned();
        match column {
            Column::MemberId => text(self.member_id),
            Column::Plan => text(self.plan),
            Column::MemberSince => self.member_since.given(),
            Column::TermStart => self.term_start.given(),
            Column::TermEnd => self.term_end.given(),
            Column::Pending => self.pending.given(),
            Column::CancelledOn => self.cancelled_on.given(),
            Column::DeceasedOn => self.deceased_on.given(),
            Column::OverrideStatus => text(self.override_status),
            Column::OverrideUntil => self.override_until.given(),
            Column::AmountPaid => self.amount_paid.given(),
            Column::Currency => text(self.currency),
            Column::AutoRenew => self.auto_renew.given(),
            Column::BalanceDue => self.balance_due.given(),
            Column::Organization => text(self.organization),
            Column::RenewalPending => self.renewal_pending.given(),
            Column::Primary => text(self.primary),
            Column::TaxExempt => self.tax_exempt.given(),
            Column::PauseFrom => self.pause_from.given(),
            Column::PauseTo => self.pause_to.given(),
        }
    }
}

/// Reads one row's fields, collecting every problem.
struct Checker<'r, 'a> {
    row: &'r TermRow<'a>,
    index: usize,
    line: Option<u64>,
    problems: Vec<RowError>,
}

impl Checker<'_, '_> {
    fn report<E: ErrorCode + fmt::Display>(&mut self, field: Option<Column>, error: &E) {
        let member = trim(self.row.member_id);
        let mut e = RowError::new(Source::Members, self.index, error)
            .member((!member.is_empty()).then(|| MemberId::from(member)));
        e.field = field.map(|f| f.as_str().to_owned());
        e.value = Some(field.map_or_else(String::new, |f| self.row.text(f)));
        e.line = self.line;
        self.problems.push(e);
    }

    fn required<'s>(&mut self, column: Column, value: &'s str) -> Option<&'s str> {
        match trim(value) {
            "" => {
                self.report(Some(column), &RosterError::MissingValue);
                None
            }
            v => Some(v),
        }
    }

    /// A cell's value: a typed value or an empty optional cell at once, anything else (text, an
    /// empty required cell) by [`Checker::read_cell`].
    #[inline]
    fn read<T: Grammar + Copy>(&mut self, column: Column, cell: Cell<'_, T>, required: bool) -> Option<T> {
        match cell {
            Cell::Value(v) => Some(v),
            Cell::Empty if !required => None,
            _ => self.read_cell(column, cell, required),
        }
    }

    /// A cell's value read by its grammar, its problem reported.
    #[inline(never)]
    fn read_cell<T: Grammar + Copy>(&mut self, column: Column, cell: Cell<'_, T>, required: bool) -> Option<T> {
        match cell.read() {
            Ok(None) if required => {
                self.report(Some(column), &RosterError::MissingValue);
                None
            }
            Ok(v) => v,
            Err(reason) => {
                let error = match column {
                    Column::Pending | Column::AutoRenew | Column::RenewalPending | Column::TaxExempt => {
                        RosterError::InvalidFlag
                    }
                    Column::AmountPaid | Column::BalanceDue => RosterError::InvalidAmount { reason },
                    _ => RosterError::InvalidDate,
                };
                self.report(Some(column), &error);
                None
            }
        }
    }
}

/// Checks one row against the rules: every field, and the field against each other. Returns
/// the row as a term of a member, or every problem it has.
///
/// A valid row is read without copying any of its text (the plan is the rule book's id); the
/// problems of an invalid one own theirs.
pub(crate) fn check_row<'r>(
    rules: &'r Rulebook,
    row: &'r TermRow<'_>,
    index: usize,
    line: Option<u64>,
) -> Result<MemberRow<'r>, Vec<RowError>> {
    check_row_with(rules, row, index, line, None, true)
}

/// [`check_row`], given the row's plan when the caller already has it: `plan` must be what
/// [`Rulebook::plan_by_id`] finds for the row's trimmed `plan` text (the roster kernel looks each
/// value of a dictionary column up once); `None` looks it up here. `optional` false says that
/// every optional cell of the row but `pending` is empty (a roster without those columns): they
/// are then not read, and are what reading them would give, nothing.
pub(crate) fn check_row_with<'r>(
    rules: &'r Rulebook,
    row: &'r TermRow<'_>,
    index: usize,
    line: Option<u64>,
    plan: Option<&'r Plan>,
    optional: bool,
) -> Result<MemberRow<'r>, Vec<RowError>> {
    debug_assert!(optional || row.only_pending(), "check_row_with: an optional cell is not empty");
    let mut r = Checker { row, index, line, problems: Vec::new() };
    let member_id = r.required(Column::MemberId, row.member_id);
    let known = plan;
    let plan: Option<&Plan> =
        r.required(Column::Plan, row.plan).and_then(|id| match known.map_or_else(|| rules.plan_by_id(id), Ok) {
            Ok(plan) => Some(plan),
            Err(_) => {
                r.report(Some(Column::Plan), &RosterError::UnknownPlan { plan: id.to_owned() });
                None
            }
        });
    let member_since = r.read(Column::MemberSince, row.member_since, true);
    let start = r.read(Column::TermStart, row.term_start, true);
    let end = match plan {
        Some(p) if p.is_lifetime() => {
            if !row.term_end.is_empty() {
                r.report(Some(Column::TermEnd), &RosterError::LifetimeTermWithEnd { plan: p.id.clone() });
            }
            None
        }
        // Without the plan, an empty end could be a lifetime term: only a written one is checked.
        _ => r.read(Column::TermEnd, row.term_end, plan.is_some()),
    };
    if let Some((column, problem)) = start.zip(end).and_then(|(start, end)| term_problem(member_since, start, end)) {
        r.report(Some(column), &problem);
    }
    let pending = r.read(Column::Pending, row.pending, false).unwrap_or(false);
    let o = if optional { r.optional(plan, member_since, start, end) } else { Optional::default() };
    match (r.problems.is_empty(), member_id, plan, member_since, start) {
        (true, Some(id), Some(plan), Some(member_since), Some(start)) => Ok(MemberRow {
            member_id: id,
            plan,
            row: index,
            status: Facts {
                member_since,
                term: Term { start, end },
                pending,
                cancelled_on: o.cancelled_on,
                status_override: o.status_override,
                deceased_on: o.deceased_on,
                pause: o.pause,
                renewal_pending: o.renewal_pending,
            },
            amount_paid: o.amount_paid,
            facts: MemberFactsRow {
                tax_exempt: o.tax_exempt,
                auto_renew: o.auto_renew,
                balance_due: o.balance_due,
                organization: trim(row.organization),
                primary: trim(row.primary),
                attributes: &row.attributes,
            },
        }),
        _ => Err(r.problems),
    }
}

/// The check of a row's term, once its dates are read ([`check_row`]'s): the end is not before
/// the start, and the member joined by the end (when the member-since is read). The first
/// problem, with its column.
#[inline]
pub(crate) fn term_problem(member_since: Option<Date>, start: Date, end: Date) -> Option<(Column, RosterError)> {
    if end < start {
        Some((Column::TermEnd, RosterError::TermEndsBeforeStart { start, end }))
    } else {
        member_since
            .filter(|s| *s > end)
            .map(|since| (Column::MemberSince, RosterError::JoinedAfterTermEnd { member_since: since, term_end: end }))
    }
}

/// A row's optional cells but `pending`, read: each nothing when its cell is empty.
#[derive(Default)]
struct Optional {
    cancelled_on: Option<Date>,
    deceased_on: Option<Date>,
    status_override: Option<StatusOverride>,
    amount_paid: Option<Money>,
    auto_renew: bool,
    renewal_pending: bool,
    tax_exempt: bool,
    pause: Option<Pause>,
    balance_due: Decimal,
}

impl Checker<'_, '_> {
    /// Reads the row's optional cells but `pending` (after its required ones: `plan`,
    /// `member_since`, the term's `start` and `end` as read), reporting their problems.
    fn optional(
        &mut self,
        plan: Option<&Plan>,
        member_since: Option<Date>,
        start: Option<Date>,
        end: Option<Date>,
    ) -> Optional {
        let row = self.row;
        let cancelled_on = self.read(Column::CancelledOn, row.cancelled_on, false);
        let deceased_on = self.read(Column::DeceasedOn, row.deceased_on, false);
        if let Some(since) = member_since {
            if let Err(e) = status::check_after_join(since, cancelled_on, deceased_on) {
                let column = match e {
                    LifecycleError::DeceasedBeforeJoin { .. } => Column::DeceasedOn,
                    _ => Column::CancelledOn,
                };
                self.report(Some(column), &e);
            }
        }
        let override_status = Cell::<Status>::Text(row.override_status)
            .read()
            .map_err(|_| self.report(Some(Column::OverrideStatus), &RosterError::InvalidStatus))
            .ok()
            .flatten();
        let override_until = self.read(Column::OverrideUntil, row.override_until, false);
        if override_until.is_some() && trim(row.override_status).is_empty() {
            self.report(Some(Column::OverrideStatus), &RosterError::MissingValue);
        }
        let currency = match trim(row.currency) {
            "" => plan.map(|p| p.prices.currency),
            code => match currency_code(code) {
                Ok(found) => {
                    if let Some(p) = plan.filter(|p| p.prices.currency != found) {
                        let error =
                            RosterError::CurrencyNotPlans { plan: p.id.clone(), expected: p.prices.currency, found };
                        self.report(Some(Column::Currency), &error);
                    }
                    Some(found)
                }
                Err(_) => {
                    self.report(Some(Column::Currency), &RosterError::UnknownCurrency);
                    None
                }
            },
        };
        let amount_paid =
            self.read(Column::AmountPaid, row.amount_paid, false).and_then(|value| match amount(value, currency) {
                Ok(money) => money,
                Err(reason) => {
                    self.report(Some(Column::AmountPaid), &RosterError::InvalidAmount { reason });
                    None
                }
            });
        let auto_renew = self.read(Column::AutoRenew, row.auto_renew, false).unwrap_or(false);
        let renewal_pending = self.read(Column::RenewalPending, row.renewal_pending, false).unwrap_or(false);
        let tax_exempt = self.read(Column::TaxExempt, row.tax_exempt, false).unwrap_or(false);
        let pause = match (
            self.read(Column::PauseFrom, row.pause_from, false),
            self.read(Column::PauseTo, row.pause_to, false),
        ) {
            (Some(from), Some(to)) => Some(Pause { from, to }),
            (from, to) => {
                // One end without the other: the empty one is missing (an unreadable one is
                // reported already).
                if from.is_some() && row.pause_to.is_empty() {
                    self.report(Some(Column::PauseTo), &RosterError::MissingValue);
                } else if to.is_some() && row.pause_from.is_empty() {
                    self.report(Some(Column::PauseFrom), &RosterError::MissingValue);
                }
                None
            }
        };
        if let (Some(p), Some(start)) = (pause, start) {
            // The membership's own check of a pause against its term, on this row's term (a pause on
            // a lifetime plan is refused when the member is assessed, as for a single call).
            if let Err(e) = status::check_pause(p, Term { start, end }) {
                let column = match e {
                    LifecycleError::PauseEndsBeforeStart { .. } => Column::PauseTo,
                    LifecycleError::PauseOutsideTerm { from, term_start, .. } if from >= term_start => Column::PauseTo,
                    _ => Column::PauseFrom,
                };
                self.report(Some(column), &e);
            }
        }
        let balance_due = self.read(Column::BalanceDue, row.balance_due, false).unwrap_or(Decimal::ZERO);
        // Nothing owed (the common case) is neither negative nor above the bound.
        if !balance_due.is_zero() {
            if balance_due.is_sign_negative() {
                self.report(
                    Some(Column::BalanceDue),
                    &RosterError::InvalidAmount { reason: "must not be negative".into() },
                );
            } else if balance_due > Decimal::from(Money::MAX_MINOR_UNITS) {
                // The balance has no currency of its own: bounded like the policy's currency-less amounts.
                let reason = format!("must be at most {}", Money::MAX_MINOR_UNITS);
                self.report(Some(Column::BalanceDue), &RosterError::InvalidAmount { reason });
            }
        }
        Optional {
            cancelled_on,
            deceased_on,
            status_override: override_status.map(|status| StatusOverride { status, until: override_until }),
            amount_paid,
            auto_renew,
            renewal_pending,
            tax_exempt,
            pause,
            balance_due,
        }
    }
}

/// A currency code in any ASCII case (`usd`), read without allocating.
fn currency_code(code: &str) -> Result<Currency, crate::money::MoneyError> {
    let mut upper = [0u8; 3];
    match code.as_bytes() {
        b if b.len() == upper.len() => {
            upper.copy_from_slice(b);
            upper.make_ascii_uppercase();
            Currency::from_code(std::str::from_utf8(&upper).unwrap_or(code))
        }
        _ => Currency::from_code(&code.to_ascii_uppercase()),
    }
}

/// An amount paid, in its currency when known (`Ok(None)` if the currency is not known: the row
/// already has a problem with its plan or currency).
fn amount(value: Decimal, currency: Option<Currency>) -> Result<Option<Money>, String> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err("must not be negative".into());
    }
    let Some(currency) = currency else {
        return Ok(None);
    };
    let money = Money::new(value, currency);
    if !money.is_in_minor_units() {
        return Err(format!("more decimals than {currency} allows ({})", currency.minor_units()));
    }
    money.check_bounded().map_err(|_| format!("must be at most {}", Money::max_amount(currency)))?;
    Ok(Some(money))
}
