//! The roster kernel: the assessment of every member of a whole roster, from columns, on every
//! core.
//!
//! A binding hands over a roster as borrowed columns in Arrow's memory layout ([`MemberColumns`]:
//! day numbers, bit-packed flags, UTF-8 text with offsets or a dictionary, validity bitmaps; the
//! core depends on no Arrow crate), and gets back one [`Answer`] per row, in input order
//! ([`RosterAnswers`]), or has each chunk's answers written into an [`AnswerSink`] as they are
//! found (its result columns, say), so that the whole roster's answers never exist at once. The
//! rules are the ones every single call uses: each row is read into the roster's [`TermRow`] and
//! checked by the roster's one row check, its facts are the ones
//! [`MemberHistory`](crate::MemberHistory) would take from it, and its answer is
//! [`Engine::assess`](crate::Engine::assess)'s, worked out by the same function before anything is
//! copied out of the rule book.
//!
//! **No allocation per member** on the common path (a member with one row and no problem, without
//! the online decision): the row's text is borrowed, the facts are a value, the plan is the rule
//! book's, the quote is added up without writing its lines, and the answer is a fixed-size value
//! written in place. A row with a problem gets its message; a member with several rows (a term
//! history) is read by [`Roster::from_rows`] like any roster, so that the one rule of which row
//! wins decides; the online decision is [`Engine::decide`](crate::Engine::decide)'s.
//!
//! **Every core**: the rows are split into chunks that run on a rayon thread pool
//! ([`RosterOptions::threads`]: 1 runs on the calling thread, 0 on every core); the answers are
//! the same, in the same order, whatever the number of threads.

use rayon::prelude::*;
use rustc_hash::{FxHashSet, FxHasher};
use std::hash::Hasher;
use time::Date;

use crate::assessment::{refused_until, Memo};
use crate::cell::{trim, Cell, Grammar};
use crate::codes::ErrorCode;
use crate::decision::{Decider, ReasonCode, Route};
use crate::error::Error;
use crate::household::{resolve_households, HouseholdError, HouseholdMember};
use crate::money::Currency;
use crate::plan::Plan;
use crate::request::{Action, MemberFacts, SelfServiceRequest};
use crate::roster::Roster;
use crate::roster_error::RosterError;
use crate::row_error::RowError;
use crate::rules::Rulebook;
use crate::status::{Facts, Membership, RenewalKind, Status};
use crate::term::Term;
use crate::term_row::{check_row, check_row_with, term_problem, Column, TermRow};

/// The Julian day number of 1970-01-01: a day number `d` of a column is the date whose Julian
/// day is `d + EPOCH_JULIAN_DAY` (Arrow's `date32`).
pub const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// How many rows one task of the thread pool answers: large enough that scheduling costs nothing
/// per row, small enough that two cores share a roster of 10k rows evenly.
const CHUNK: usize = 2048;

/// What a typed date cell that is no calendar date amscore reads (a day out of the years 1 to
/// 9999, or a timestamp that is not at midnight) is given to the row check as: text the date
/// grammar refuses, so that the row gets `impossible_date`.
pub const NOT_A_DATE: &str = "not a date";

/// What text that is not UTF-8 is given to the row check as: text every grammar refuses.
const NOT_TEXT: &str = "\u{FFFD}";

/// Which rows of a column hold a value: a bitmap in Arrow's layout (bit `offset + i` of the
/// bytes, least significant bit first, set when row `i` is valid).
///
/// ```
/// let v = amscore::kernel::Validity::new(&[0b0000_0101], 0);
/// assert!(v.is_valid(0) && !v.is_valid(1) && v.is_valid(2));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Validity<'a> {
    bits: &'a [u8],
    offset: usize,
}

impl<'a> Validity<'a> {
    /// The bitmap `bits`, starting at bit `offset`.
    pub fn new(bits: &'a [u8], offset: usize) -> Validity<'a> {
        Validity { bits, offset }
    }

    /// Whether row `i` holds a value (a bit past the bitmap's end reads as null).
    pub fn is_valid(&self, i: usize) -> bool {
        let j = self.offset + i;
        self.bits.get(j / 8).is_some_and(|b| (b >> (j % 8)) & 1 == 1)
    }

    /// How many rows the bitmap covers.
    fn rows(&self) -> usize {
        (self.bits.len() * 8).saturating_sub(self.offset)
    }
}

fn valid(v: Option<&Validity<'_>>, i: usize) -> bool {
    v.is_none_or(|v| v.is_valid(i))
}

/// UTF-8 strings in Arrow's layout: `len + 1` offsets into `data` (`utf8` has 32-bit offsets,
/// `large_utf8` 64-bit ones).
#[derive(Debug, Clone, Copy)]
pub enum Strings<'a> {
    /// 32-bit offsets.
    Utf8 {
        /// The offsets, one more than the strings.
        offsets: &'a [i32],
        /// The strings' bytes.
        data: &'a [u8],
    },
    /// 64-bit offsets.
    LargeUtf8 {
        /// The offsets, one more than the strings.
        offsets: &'a [i64],
        /// The strings' bytes.
        data: &'a [u8],
    },
}

impl<'a> Strings<'a> {
    /// How many strings there are.
    pub fn len(&self) -> usize {
        match self {
            Strings::Utf8 { offsets, .. } => offsets.len().saturating_sub(1),
            Strings::LargeUtf8 { offsets, .. } => offsets.len().saturating_sub(1),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All the strings' bytes as one text, when they are UTF-8 (checked once per column: a
    /// row's string is then a slice of it, its boundaries checked, not its bytes again).
    fn whole(&self) -> Option<&'a str> {
        let data = match self {
            Strings::Utf8 { data, .. } | Strings::LargeUtf8 { data, .. } => *data,
        };
        std::str::from_utf8(data).ok()
    }

    /// [`Strings::get`] with the text [`Strings::whole`] read.
    #[inline]
    fn get_in(&self, whole: Option<&'a str>, i: usize) -> &'a str {
        let Some(whole) = whole else { return self.get(i) };
        self.range(i).and_then(|(a, b)| whole.get(a..b)).unwrap_or(NOT_TEXT)
    }

    /// The `i`-th string's place in the bytes (`None` when its offsets are out of bounds or
    /// negative).
    #[inline]
    fn range(&self, i: usize) -> Option<(usize, usize)> {
        match self {
            Strings::Utf8 { offsets, .. } => offset_range(offsets, i),
            Strings::LargeUtf8 { offsets, .. } => offset_range(offsets, i),
        }
    }

    /// The `i`-th string; bytes that are not UTF-8 (or offsets out of bounds) read as text every
    /// grammar refuses, so that the row gets the problem.
    fn get(&self, i: usize) -> &'a str {
        let data = match self {
            Strings::Utf8 { data, .. } | Strings::LargeUtf8 { data, .. } => *data,
        };
        self.range(i).and_then(|(a, b)| data.get(a..b)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or(NOT_TEXT)
    }
}

/// The `i`-th place of `offsets` (32- or 64-bit: [`Strings::range`]): `None` when out of
/// bounds or negative.
#[inline(always)]
fn offset_range<O: Copy>(offsets: &[O], i: usize) -> Option<(usize, usize)>
where
    usize: TryFrom<O>,
{
    // One bounds check for both offsets (`i + 2` wraps only past every slice's length).
    match offsets.get(i..i.wrapping_add(2))? {
        [a, b] => Some((usize::try_from(*a).ok()?, usize::try_from(*b).ok()?)),
        _ => None,
    }
}

/// The `i`-th string of a plain UTF-8 column ([`Text::plain_utf8`]: its offsets and its whole
/// text), as [`Strings::get_in`] reads it.
#[inline(always)]
fn utf8_at<'a>(offsets: &[i32], whole: &'a str, i: usize) -> &'a str {
    offset_range(offsets, i).and_then(|(a, b)| whole.get(a..b)).unwrap_or(NOT_TEXT)
}

/// A text column: absent, plain strings, or a dictionary (Arrow `dictionary<int32, utf8>`: a
/// category or enum column, read once per distinct value).
#[derive(Debug, Clone, Copy, Default)]
pub enum Text<'a> {
    /// The column is not in the roster.
    #[default]
    Absent,
    /// One string per row.
    Plain {
        /// The strings.
        values: Strings<'a>,
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
    /// One key per row into a dictionary of strings.
    Dictionary {
        /// The keys (a negative or out-of-range key reads as null).
        keys: &'a [i32],
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
        /// The dictionary.
        values: Strings<'a>,
    },
}

impl<'a> Text<'a> {
    /// The dictionary key of row `i`, `None` for null (dictionaries only).
    #[inline]
    fn key(&self, i: usize) -> Option<usize> {
        match self {
            Text::Dictionary { keys, valid, values } if self::valid(valid.as_ref(), i) => {
                keys.get(i).and_then(|k| usize::try_from(*k).ok()).filter(|k| *k < values.len())
            }
            _ => None,
        }
    }

    /// Row `i`'s text: empty for null or an absent column.
    fn get(&self, i: usize) -> &'a str {
        self.get_in(None, i)
    }

    /// The column's strings' bytes as one text, when they are UTF-8 ([`Strings::whole`]).
    fn whole(&self) -> Option<&'a str> {
        match self {
            Text::Absent => None,
            Text::Plain { values, .. } | Text::Dictionary { values, .. } => values.whole(),
        }
    }

    /// The offsets and the whole text ([`Text::whole`]) of a column of plain 32-bit UTF-8 strings
    /// with every row valid, whose bytes are UTF-8 throughout: row `i` is [`utf8_at`] of them.
    fn plain_utf8(&self, whole: Option<&'a str>) -> Option<(&'a [i32], &'a str)> {
        match (self, whole) {
            (Text::Plain { values: Strings::Utf8 { offsets, .. }, valid: None }, Some(whole)) => Some((offsets, whole)),
            _ => None,
        }
    }

    /// [`Text::get`] with the text [`Text::whole`] read.
    #[inline(always)]
    fn get_in(&self, whole: Option<&'a str>, i: usize) -> &'a str {
        match self {
            Text::Absent => "",
            Text::Plain { values, valid } => {
                if self::valid(valid.as_ref(), i) {
                    values.get_in(whole, i)
                } else {
                    ""
                }
            }
            Text::Dictionary { values, .. } => self.key(i).map_or("", |k| values.get_in(whole, k)),
        }
    }

    /// How many rows the column has (`None` when absent).
    fn rows(&self) -> Option<usize> {
        match self {
            Text::Absent => None,
            Text::Plain { values, .. } => Some(values.len()),
            Text::Dictionary { keys, .. } => Some(keys.len()),
        }
    }

    fn validity(&self) -> Option<&Validity<'a>> {
        match self {
            Text::Absent => None,
            Text::Plain { valid, .. } | Text::Dictionary { valid, .. } => valid.as_ref(),
        }
    }

    /// Each dictionary value read once with the grammar of `T` (empty for plain text).
    fn cells<T: Grammar + Copy>(&self) -> Vec<Cell<'a, T>> {
        match self {
            Text::Dictionary { values, .. } => (0..values.len()).map(|k| read_text(values.get(k))).collect(),
            _ => Vec::new(),
        }
    }

    /// Row `i` as a cell of `T`: a dictionary's value read once (`cells`), plain text as is.
    #[inline]
    fn cell<T: Grammar + Copy>(&self, cells: &[Cell<'a, T>], i: usize) -> Cell<'a, T> {
        match self {
            Text::Absent => Cell::Empty,
            Text::Plain { .. } => Cell::Text(self.get(i)),
            Text::Dictionary { .. } => self.key(i).and_then(|k| cells.get(k).copied()).unwrap_or(Cell::Empty),
        }
    }
}

/// Text read with the grammar of `T` ahead of the rows: a value, empty, or the text itself when
/// the grammar refuses it (the row check then reports it).
fn read_text<T: Grammar + Copy>(text: &str) -> Cell<'_, T> {
    match Cell::<T>::Text(text).read() {
        Ok(Some(v)) => Cell::Value(v),
        Ok(None) => Cell::Empty,
        Err(_) => Cell::Text(text),
    }
}

/// A column of typed values ([`Dates`], [`Bools`], [`Amounts`]) as the three are given alike:
/// absent, the type's Arrow values (how many, and which rows hold one: `None`, every row), or
/// text read by the type's grammar.
enum Given<'c, 'a> {
    Absent,
    Values(usize, Option<&'c Validity<'a>>),
    Text(&'c Text<'a>),
}

/// What [`Dates`], [`Bools`] and [`Amounts`] read alike, written once: each says only how it is
/// [`Given`].
trait Typed<'a> {
    /// The type the column's values are.
    type Value: Grammar + Copy;

    /// How the column is given.
    fn given(&self) -> Given<'_, 'a>;

    /// Each dictionary value read once with the type's grammar (empty unless dictionary text).
    fn cells(&self) -> Vec<Cell<'a, Self::Value>> {
        match self.given() {
            Given::Text(t) => t.cells(),
            Given::Absent | Given::Values(..) => Vec::new(),
        }
    }

    /// How many rows the column has (`None` when absent).
    fn rows(&self) -> Option<usize> {
        match self.given() {
            Given::Absent => None,
            Given::Values(rows, _) => Some(rows),
            Given::Text(t) => t.rows(),
        }
    }

    /// Which rows hold a value (`None`: every row, or absent).
    fn validity(&self) -> Option<&Validity<'a>> {
        match self.given() {
            Given::Absent => None,
            Given::Values(_, valid) => valid,
            Given::Text(t) => t.validity(),
        }
    }
}

/// A date column: day numbers (Arrow `date32`), ticks since 1970-01-01 (`date64`: milliseconds;
/// a timestamp: its unit), or text read by the core's one date grammar (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, Default)]
pub enum Dates<'a> {
    /// The column is not in the roster.
    #[default]
    Absent,
    /// Days since 1970-01-01.
    Days {
        /// The day numbers.
        days: &'a [i32],
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
    /// `per_day` ticks a day since 1970-01-01 at midnight; a tick that is not at a midnight is
    /// no date (the row's `impossible_date`).
    Ticks {
        /// The ticks.
        ticks: &'a [i64],
        /// Ticks in a day (86,400,000 for milliseconds); at least 1.
        per_day: i64,
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
    /// Text.
    Text(Text<'a>),
}

/// The day numbers (days since 1970-01-01) of the first and the last date amscore reads:
/// 0001-01-01 and 9999-12-31.
const DAYS: std::ops::RangeInclusive<i64> = -719_162..=2_932_896;

/// A day number (days since 1970-01-01) as a date cell: a day in the years 1 to 9999 (checked on
/// the number: no calendar date is worked out for a day out of them), else text the date grammar
/// refuses.
#[inline]
fn from_days<'a>(d: i64) -> Cell<'a, Date> {
    if !DAYS.contains(&d) {
        return Cell::Text(NOT_A_DATE);
    }
    i32::try_from(d + i64::from(EPOCH_JULIAN_DAY))
        .ok()
        .and_then(|j| Date::from_julian_day(j).ok())
        .map_or(Cell::Text(NOT_A_DATE), Cell::Value)
}

impl<'a> Dates<'a> {
    /// Row `i` as a date cell: day numbers read here, any other column by [`Dates::cell_of`].
    #[inline(always)]
    fn cell(&self, cells: &[Cell<'a, Date>], i: usize) -> Cell<'a, Date> {
        match self {
            Dates::Absent => Cell::Empty,
            Dates::Days { days, valid } => match days.get(i) {
                Some(d) if self::valid(valid.as_ref(), i) => from_days(i64::from(*d)),
                _ => Cell::Empty,
            },
            _ => self.cell_of(cells, i),
        }
    }

    #[inline(never)]
    fn cell_of(&self, cells: &[Cell<'a, Date>], i: usize) -> Cell<'a, Date> {
        match self {
            Dates::Absent => Cell::Empty,
            Dates::Days { days, valid } => match days.get(i) {
                Some(d) if self::valid(valid.as_ref(), i) => from_days(i64::from(*d)),
                _ => Cell::Empty,
            },
            Dates::Ticks { ticks, per_day, valid } => match ticks.get(i) {
                Some(t) if self::valid(valid.as_ref(), i) => {
                    let per_day = (*per_day).max(1);
                    if t.rem_euclid(per_day) == 0 {
                        from_days(t.div_euclid(per_day))
                    } else {
                        Cell::Text(NOT_A_DATE)
                    }
                }
                _ => Cell::Empty,
            },
            Dates::Text(text) => text.cell(cells, i),
        }
    }

    /// The day numbers of a column of day numbers with every row valid, whose row `i` is
    /// [`Dates::cell`]'s `from_days` of the `i`-th (or empty past the end).
    fn all_days(&self) -> Option<&'a [i32]> {
        match self {
            Dates::Days { days, valid: None } => Some(days),
            _ => None,
        }
    }
}

impl<'a> Typed<'a> for Dates<'a> {
    type Value = Date;

    fn given(&self) -> Given<'_, 'a> {
        match self {
            Dates::Absent => Given::Absent,
            Dates::Days { days, valid } => Given::Values(days.len(), valid.as_ref()),
            Dates::Ticks { ticks, valid, .. } => Given::Values(ticks.len(), valid.as_ref()),
            Dates::Text(t) => Given::Text(t),
        }
    }
}

/// A yes/no column: Arrow booleans (bit-packed) or text (`true/false`, `yes/no`, `y/n`, `1/0`);
/// null is no.
#[derive(Debug, Clone, Copy, Default)]
pub enum Bools<'a> {
    /// The column is not in the roster.
    #[default]
    Absent,
    /// Bit-packed values.
    Bits {
        /// The values, a bitmap like [`Validity`]'s.
        values: Validity<'a>,
        /// How many rows there are.
        rows: usize,
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
    /// Text.
    Text(Text<'a>),
}

impl<'a> Bools<'a> {
    #[inline(always)]
    fn cell(&self, cells: &[Cell<'a, bool>], i: usize) -> Cell<'a, bool> {
        match self {
            Bools::Absent => Cell::Empty,
            Bools::Bits { values, rows, valid } if self::valid(valid.as_ref(), i) => bit_cell(values, *rows, i),
            Bools::Bits { .. } => Cell::Empty,
            Bools::Text(t) => t.cell(cells, i),
        }
    }

    /// The bits and row count of bit-packed values with every row valid, whose row `i` is
    /// [`bit_cell`] of them.
    fn all_bits(&self) -> Option<(Validity<'a>, usize)> {
        match self {
            Bools::Bits { values, rows, valid: None } => Some((*values, *rows)),
            _ => None,
        }
    }
}

impl<'a> Typed<'a> for Bools<'a> {
    type Value = bool;

    fn given(&self) -> Given<'_, 'a> {
        match self {
            Bools::Absent => Given::Absent,
            Bools::Bits { values, rows, valid } => {
                Given::Values(if values.rows() >= *rows { *rows } else { values.rows() }, valid.as_ref())
            }
            Bools::Text(t) => Given::Text(t),
        }
    }
}

/// Row `i` of bit-packed values of `rows` rows (a valid row): its bit, empty past the rows.
#[inline(always)]
fn bit_cell<'a>(values: &Validity<'a>, rows: usize, i: usize) -> Cell<'a, bool> {
    if i < rows {
        Cell::Value(values.is_valid(i))
    } else {
        Cell::Empty
    }
}

/// An amount column: Arrow `decimal128` (exact) or text read by the core's decimal grammar.
/// Binary floating point is not an amount: a binding refuses it.
#[derive(Debug, Clone, Copy, Default)]
pub enum Amounts<'a> {
    /// The column is not in the roster.
    #[default]
    Absent,
    /// Unscaled values and their scale (`12345` at scale 2 is 123.45).
    Decimal128 {
        /// The unscaled values.
        values: &'a [i128],
        /// Digits after the point.
        scale: u32,
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
    /// Text.
    Text(Text<'a>),
}

impl<'a> Amounts<'a> {
    #[inline]
    fn cell(&self, cells: &[Cell<'a, rust_decimal::Decimal>], i: usize) -> Cell<'a, rust_decimal::Decimal> {
        match self {
            Amounts::Absent => Cell::Empty,
            Amounts::Decimal128 { values, scale, valid } => match values.get(i) {
                Some(v) if self::valid(valid.as_ref(), i) => {
                    rust_decimal::Decimal::try_from_i128_with_scale(*v, *scale)
                        .map_or(Cell::Text(NOT_AN_AMOUNT), Cell::Value)
                }
                _ => Cell::Empty,
            },
            Amounts::Text(t) => t.cell(cells, i),
        }
    }
}

impl<'a> Typed<'a> for Amounts<'a> {
    type Value = rust_decimal::Decimal;

    fn given(&self) -> Given<'_, 'a> {
        match self {
            Amounts::Absent => Given::Absent,
            Amounts::Decimal128 { values, valid, .. } => Given::Values(values.len(), valid.as_ref()),
            Amounts::Text(t) => Given::Text(t),
        }
    }
}

/// What a decimal128 value beyond the 28 digits amscore's decimals hold is given to the row
/// check as: text the decimal grammar refuses, so that the row gets `unparsable_amount`.
const NOT_AN_AMOUNT: &str = "not an amount (more than 28 digits)";

/// A roster as columns, one row per term a member held (usually one row per member): the
/// columns of [`Column`], borrowed. The required ones are `member_id`, `plan`, `member_since`,
/// `term_start` and `term_end` (absent: [`RosterError::MissingColumn`]); every column present
/// has `rows` values.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberColumns<'a> {
    /// How many rows the roster has.
    pub rows: usize,
    /// `member_id`.
    pub member_id: Text<'a>,
    /// `plan`.
    pub plan: Text<'a>,
    /// `member_since`.
    pub member_since: Dates<'a>,
    /// `term_start`.
    pub term_start: Dates<'a>,
    /// `term_end` (null on a lifetime plan).
    pub term_end: Dates<'a>,
    /// `pending`.
    pub pending: Bools<'a>,
    /// `cancelled_on`.
    pub cancelled_on: Dates<'a>,
    /// `deceased_on`.
    pub deceased_on: Dates<'a>,
    /// `override_status`.
    pub override_status: Text<'a>,
    /// `override_until`.
    pub override_until: Dates<'a>,
    /// `amount_paid`.
    pub amount_paid: Amounts<'a>,
    /// `currency`.
    pub currency: Text<'a>,
    /// `auto_renew`.
    pub auto_renew: Bools<'a>,
    /// `balance_due`.
    pub balance_due: Amounts<'a>,
    /// `organization`.
    pub organization: Text<'a>,
    /// `renewal_pending` (absent: no renewal awaits payment).
    pub renewal_pending: Bools<'a>,
    /// `primary` (absent: nobody is a household's dependant).
    pub primary: Text<'a>,
    /// `tax_exempt` (absent: every member pays tax).
    pub tax_exempt: Bools<'a>,
    /// `pause_from` (absent: no term is paused; given with `pause_to`).
    pub pause_from: Dates<'a>,
    /// `pause_to` (given with `pause_from`).
    pub pause_to: Dates<'a>,
}

impl<'a> MemberColumns<'a> {
    /// Each column's name, number of values and validity bitmap, `None` for an absent one.
    fn shapes(&self) -> [(Column, Option<usize>, Option<&Validity<'a>>); 20] {
        [
            (Column::MemberId, self.member_id.rows(), self.member_id.validity()),
            (Column::Plan, self.plan.rows(), self.plan.validity()),
            (Column::MemberSince, self.member_since.rows(), self.member_since.validity()),
            (Column::TermStart, self.term_start.rows(), self.term_start.validity()),
            (Column::TermEnd, self.term_end.rows(), self.term_end.validity()),
            (Column::Pending, self.pending.rows(), self.pending.validity()),
            (Column::CancelledOn, self.cancelled_on.rows(), self.cancelled_on.validity()),
            (Column::DeceasedOn, self.deceased_on.rows(), self.deceased_on.validity()),
            (Column::OverrideStatus, self.override_status.rows(), self.override_status.validity()),
            (Column::OverrideUntil, self.override_until.rows(), self.override_until.validity()),
            (Column::AmountPaid, self.amount_paid.rows(), self.amount_paid.validity()),
            (Column::Currency, self.currency.rows(), self.currency.validity()),
            (Column::AutoRenew, self.auto_renew.rows(), self.auto_renew.validity()),
            (Column::BalanceDue, self.balance_due.rows(), self.balance_due.validity()),
            (Column::Organization, self.organization.rows(), self.organization.validity()),
            (Column::RenewalPending, self.renewal_pending.rows(), self.renewal_pending.validity()),
            (Column::Primary, self.primary.rows(), self.primary.validity()),
            (Column::TaxExempt, self.tax_exempt.rows(), self.tax_exempt.validity()),
            (Column::PauseFrom, self.pause_from.rows(), self.pause_from.validity()),
            (Column::PauseTo, self.pause_to.rows(), self.pause_to.validity()),
        ]
    }

    /// Checks that the required columns are there and every column has `rows` values (and a
    /// validity bitmap that covers them).
    ///
    /// # Errors
    /// [`RosterError::MissingColumn`], [`RosterError::ColumnLength`].
    pub fn check(&self) -> Result<(), RosterError> {
        let shapes = self.shapes();
        Column::require(shapes.iter().filter(|(_, rows, _)| rows.is_some()).map(|(c, _, _)| *c))?;
        for (column, found, valid) in shapes {
            let short =
                |found: usize| RosterError::ColumnLength { column: column.as_str().to_owned(), rows: self.rows, found };
            if let Some(found) = found.filter(|n| *n != self.rows) {
                return Err(short(found));
            }
            if let Some(v) = valid.filter(|v| v.rows() < self.rows) {
                return Err(short(v.rows()));
            }
        }
        Ok(())
    }
}

/// How to assess a roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterOptions {
    /// The date every member is assessed on.
    pub date: Date,
    /// The terms a renewal buys (1 for one term).
    pub terms: u32,
    /// Whether to decide, for every member, the online request to renew that day (the route and
    /// its reasons).
    pub decide: bool,
    /// How many threads: 1 runs on the calling thread, 0 on every core (rayon's global pool),
    /// any other number on a pool of that many threads.
    pub threads: usize,
}

/// One row's answer: the member's status, the renewal (or why it is refused) and the renewal
/// quote's total, as [`Engine::assess`](crate::Engine::assess) gives them; or the row's error.
/// Every member's answer is written on each of their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Answer {
    /// The status on the date; `None` when the row has an error ([`Answer::error`]).
    pub status: Option<Status>,
    /// Whether the member counts as a member (false when the row has an error).
    pub counts_as_member: bool,
    /// The renewal's path, when renewing that day is not refused.
    pub renewal_kind: Option<RenewalKind>,
    /// The renewal's plan: its index in the rule book's plans ([`Rulebook::plans`](crate::Rulebook::plans)).
    pub renewal_plan: Option<u32>,
    /// The new term's first day.
    pub renewal_start: Option<Date>,
    /// The new term's last day (`None` for a lifetime term, or no renewal).
    pub renewal_end: Option<Date>,
    /// Member-since after the renewal.
    pub renewal_member_since: Option<Date>,
    /// Why renewing that day is refused: the error code of the refusal.
    pub refusal: Option<u32>,
    /// The first day the refusal no longer applies, when that is a date (the day the renewal
    /// window opens).
    pub refused_until: Option<Date>,
    /// The renewal quote's total in minor units of [`Answer::quote_currency`].
    pub quote_total: Option<i64>,
    /// The renewal quote's currency.
    pub quote_currency: Option<Currency>,
    /// Why a renewal that is not refused cannot be priced: the error code.
    pub quote_error: Option<u32>,
    /// The online decision's route, when asked for and decided.
    pub route: Option<Route>,
    /// The row's error code (its message is in [`RosterAnswers::messages`]).
    pub error: Option<u32>,
    /// Whether the member's current facts come from this row.
    pub current_term: bool,
}

/// A row's error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMessage {
    /// The row (0-based).
    pub row: usize,
    /// The message: each problem after its column's name, `; `-separated.
    pub message: String,
}

/// The answers for a whole roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterAnswers {
    /// One answer per row, in input order.
    pub answers: Vec<Answer>,
    /// The message of each row that has an error, by row.
    pub messages: Vec<RowMessage>,
    /// With [`RosterOptions::decide`], each row's decision reasons (empty when undecided);
    /// otherwise empty.
    pub reasons: Vec<Vec<ReasonCode>>,
}

/// Where the kernel writes its answers ([`Engine::assess_roster_into`](crate::Engine::assess_roster_into)):
/// each chunk's answers as soon as they are found, so that a binding can write them straight into
/// its result columns and the whole roster's [`Answer`]s never exist at once.
pub trait AnswerSink: Sync {
    /// Rows `first..first + answers.len()` (0-based, counted across the chunks) are answered
    /// `answers`. Called from any of the kernel's threads, for rows in any order. Every row is
    /// answered once with its answer; a row of a member with several rows is answered twice,
    /// with an empty answer ([`Answer::default`], in its chunk) before its own, and never
    /// again after it (a sink may write only what an answer has, over nothing).
    fn put(&self, first: usize, answers: &[Answer]);
}

/// What the kernel found beside the answers it wrote into an [`AnswerSink`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterNotes {
    /// The message of each row that has an error, by row.
    pub messages: Vec<RowMessage>,
    /// With [`RosterOptions::decide`], each row's decision reasons (empty when undecided);
    /// otherwise no row's.
    pub reasons: RowReasons,
}

/// Each row's decision reasons ([`RosterOptions::decide`]): every distinct list once, and each
/// row's list by its place among them (a roster's decisions have few distinct lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReasons {
    /// The distinct lists; the first is the empty list.
    pub lists: Vec<Vec<ReasonCode>>,
    /// Each row's list, by its place in [`RowReasons::lists`]; empty without `decide`.
    pub of_row: Vec<u32>,
    places: rustc_hash::FxHashMap<Vec<ReasonCode>, u32>,
}

impl Default for RowReasons {
    fn default() -> RowReasons {
        RowReasons::new(0)
    }
}

impl RowReasons {
    /// `rows` rows, each with no reasons.
    fn new(rows: usize) -> RowReasons {
        let mut places = rustc_hash::FxHashMap::default();
        places.insert(Vec::new(), 0);
        RowReasons { lists: vec![Vec::new()], of_row: vec![0; rows], places }
    }

    /// The place of `list` among the lists, added when new.
    fn place(&mut self, list: Vec<ReasonCode>) -> u32 {
        if let Some(place) = self.places.get(&list) {
            return *place;
        }
        let place = u32::try_from(self.lists.len()).unwrap_or(u32::MAX);
        self.lists.push(list.clone());
        self.places.insert(list, place);
        place
    }

    /// Row `row`'s reasons are `list`.
    fn set(&mut self, row: usize, list: Vec<ReasonCode>) {
        let place = self.place(list);
        if let Some(slot) = self.of_row.get_mut(row) {
            *slot = place;
        }
    }

    /// Row `row`'s reasons (none for a row undecided, or without `decide`).
    pub fn of(&self, row: usize) -> &[ReasonCode] {
        self.of_row.get(row).and_then(|p| self.lists.get(*p as usize)).map_or(&[], Vec::as_slice)
    }
}

/// A row's problems as its message: each problem after its column's name.
pub fn problems_message(problems: &[RowError]) -> String {
    let mut out = String::new();
    for p in problems {
        if !out.is_empty() {
            out.push_str("; ");
        }
        if let Some(field) = &p.field {
            out.push_str(field);
            out.push_str(": ");
        }
        out.push_str(&p.message);
    }
    out
}

/// The columns' text read once per dictionary value, shared by every chunk.
struct Prepared<'a> {
    c: &'a MemberColumns<'a>,
    /// A dictionary `plan` column's values looked up once: each value's plan, by its place in
    /// the rule book's plans (`None`: no such plan; empty for plain text).
    plans: Vec<Option<usize>>,
    /// A dictionary `plan` column's values' text, read once (empty for plain text).
    plan_texts: Vec<&'a str>,
    /// `member_since`, `term_start` and `term_end`'s day numbers, when the column is day numbers
    /// with every row valid ([`Dates::all_days`]).
    days: [Option<&'a [i32]>; 3],
    /// Those day numbers' dates, worked out once per day of their span ([`DayTable`]).
    day_table: DayTable,
    /// `member_id`'s offsets and text, when plain UTF-8 with every row valid ([`Text::plain_utf8`]).
    ids: Option<(&'a [i32], &'a str)>,
    /// `pending`'s bits and rows, when bit-packed with every row valid ([`Bools::all_bits`]).
    pending_bits: Option<(Validity<'a>, usize)>,
    /// Whether the roster has an optional column besides `pending` (read row by row only then).
    more: bool,
    /// The text columns' bytes, checked as UTF-8 once: member_id, plan, override_status,
    /// currency, organization, primary.
    whole: [Option<&'a str>; 6],
    member_since: Vec<Cell<'a, Date>>,
    term_start: Vec<Cell<'a, Date>>,
    term_end: Vec<Cell<'a, Date>>,
    cancelled_on: Vec<Cell<'a, Date>>,
    deceased_on: Vec<Cell<'a, Date>>,
    override_until: Vec<Cell<'a, Date>>,
    pending: Vec<Cell<'a, bool>>,
    auto_renew: Vec<Cell<'a, bool>>,
    renewal_pending: Vec<Cell<'a, bool>>,
    tax_exempt: Vec<Cell<'a, bool>>,
    pause_from: Vec<Cell<'a, Date>>,
    pause_to: Vec<Cell<'a, Date>>,
    amount_paid: Vec<Cell<'a, rust_decimal::Decimal>>,
    balance_due: Vec<Cell<'a, rust_decimal::Decimal>>,
}

impl<'a> Prepared<'a> {
    fn new(c: &'a MemberColumns<'a>, rules: &Rulebook) -> Prepared<'a> {
        let plans = match &c.plan {
            Text::Dictionary { values, .. } => {
                (0..values.len()).map(|k| rules.plan_index(trim(values.get(k)))).collect()
            }
            _ => Vec::new(),
        };
        let whole = [
            c.member_id.whole(),
            c.plan.whole(),
            c.override_status.whole(),
            c.currency.whole(),
            c.organization.whole(),
            c.primary.whole(),
        ];
        let plan_texts = match &c.plan {
            Text::Dictionary { values, .. } => (0..values.len()).map(|k| values.get_in(whole[1], k)).collect(),
            _ => Vec::new(),
        };
        let shapes = c.shapes();
        let more = shapes
            .iter()
            .any(|(column, rows, _)| rows.is_some() && !column.is_required() && !matches!(column, Column::Pending));
        let days = [c.member_since.all_days(), c.term_start.all_days(), c.term_end.all_days()];
        Prepared {
            c,
            plans,
            plan_texts,
            day_table: DayTable::new(&days),
            days,
            ids: c.member_id.plain_utf8(whole[0]),
            pending_bits: c.pending.all_bits(),
            more,
            whole,
            member_since: c.member_since.cells(),
            term_start: c.term_start.cells(),
            term_end: c.term_end.cells(),
            cancelled_on: c.cancelled_on.cells(),
            deceased_on: c.deceased_on.cells(),
            override_until: c.override_until.cells(),
            pending: c.pending.cells(),
            auto_renew: c.auto_renew.cells(),
            renewal_pending: c.renewal_pending.cells(),
            tax_exempt: c.tax_exempt.cells(),
            pause_from: c.pause_from.cells(),
            pause_to: c.pause_to.cells(),
            amount_paid: c.amount_paid.cells(),
            balance_due: c.balance_due.cells(),
        }
    }

    /// Row `i`'s plan (the rule book's) and facts, read straight from the columns, when the row
    /// is a plain one that the row check passes: the roster has no optional column but
    /// `pending`; the row's id is not empty; its plan is a dictionary value naming a plan with
    /// term ends; its dates are day numbers (every row's) of the years 1 to 9999; its `pending`
    /// is a bit (or the column is absent); and its term passes [`term_problem`]. What
    /// [`check_row_with`] gives such a row, without its cells; `None` for any other row, which
    /// is read and checked cell by cell.
    #[inline]
    fn plain_facts<'r>(&self, i: usize, rules: &'r Rulebook) -> Option<(&'r Plan, Facts)> {
        let c = self.c;
        if self.more {
            return None;
        }
        let plan = match &c.plan {
            Text::Dictionary { .. } => c.plan.key(i).and_then(|k| self.plans.get(k).copied().flatten())?,
            _ => return None,
        };
        let plan = rules.plans().get(plan)?;
        if plan.is_lifetime() {
            return None;
        }
        let (offsets, whole) = self.ids?;
        if trim(utf8_at(offsets, whole, i)).is_empty() {
            return None;
        }
        let day = |column: usize| self.days[column].and_then(|days| days.get(i)).and_then(|d| self.day_table.date(*d));
        let (member_since, start, end) = (day(0)?, day(1)?, day(2)?);
        let pending = match (&self.pending_bits, &c.pending) {
            (Some((bits, rows)), _) => match bit_cell(bits, *rows, i) {
                Cell::Value(pending) => pending,
                _ => return None,
            },
            (None, Bools::Absent) => false,
            (None, _) => return None,
        };
        if term_problem(Some(member_since), start, end).is_some() {
            return None;
        }
        let facts = Facts {
            member_since,
            term: Term { start, end: Some(end) },
            pending,
            cancelled_on: None,
            status_override: None,
            deceased_on: None,
            pause: None,
            renewal_pending: false,
        };
        Some((plan, facts))
    }

    /// Row `i` as the roster's row check reads it.
    fn row(&self, i: usize) -> TermRow<'a> {
        let mut row = TermRow::default();
        let _plan = self.read_row(i, &mut row);
        row
    }

    /// Reads row `i` into `row`, in place (a chunk's rows are read into one `TermRow`, not a new
    /// one each): the required columns, and each optional column the roster has. An absent
    /// column is not written: `row` must be empty there (a default row, or one this reader
    /// wrote), as the column's reader would give it.
    ///
    /// Returns the row's plan, by its place in the rule book's plans, when the `plan` column is a
    /// dictionary and the row's value names a plan (what the row check's
    /// [`Rulebook::plan_by_id`] finds for it): a dictionary's values are read and looked up once.
    fn read_row(&self, i: usize, row: &mut TermRow<'a>) -> Option<usize> {
        let c = self.c;
        row.member_id = match self.ids {
            Some((offsets, whole)) => utf8_at(offsets, whole, i),
            None => c.member_id.get_in(self.whole[0], i),
        };
        let known = match &c.plan {
            Text::Dictionary { .. } => {
                let key = c.plan.key(i);
                row.plan = key.and_then(|k| self.plan_texts.get(k).copied()).unwrap_or("");
                key.and_then(|k| self.plans.get(k).copied().flatten())
            }
            plain => {
                row.plan = plain.get_in(self.whole[1], i);
                None
            }
        };
        let t = &self.day_table;
        row.member_since = date_cell(self.days[0], t, &c.member_since, &self.member_since, i);
        row.term_start = date_cell(self.days[1], t, &c.term_start, &self.term_start, i);
        row.term_end = date_cell(self.days[2], t, &c.term_end, &self.term_end, i);
        // An optional column the roster has: typed cells through their reader, text in place.
        macro_rules! cells {
            ($($field:ident: $kind:ident),*) => {$(
                if !matches!(c.$field, $kind::Absent) {
                    row.$field = c.$field.cell(&self.$field, i);
                }
            )*};
        }
        macro_rules! texts {
            ($($field:ident: $whole:expr),*) => {$(
                if !matches!(c.$field, Text::Absent) {
                    row.$field = c.$field.get_in(self.whole[$whole], i);
                }
            )*};
        }
        match &self.pending_bits {
            Some((bits, rows)) => row.pending = bit_cell(bits, *rows, i),
            None => cells!(pending: Bools),
        }
        if !self.more {
            return known;
        }
        cells!(
            cancelled_on: Dates,
            deceased_on: Dates,
            override_until: Dates,
            amount_paid: Amounts,
            auto_renew: Bools,
            balance_due: Amounts,
            renewal_pending: Bools,
            tax_exempt: Bools,
            pause_from: Dates,
            pause_to: Dates
        );
        texts!(override_status: 2, currency: 3, organization: 4, primary: 5);
        known
    }
}

/// Row `i` of a date column as [`Dates::cell`] reads it: a column of day numbers with every row
/// valid (the common `date32` column; `days`, [`Dates::all_days`]) from its slice, found once, with
/// no match of the column's kind, its date from `table` when there; any other by its reader.
#[inline(always)]
fn date_cell<'a>(
    days: Option<&'a [i32]>,
    table: &DayTable,
    column: &Dates<'a>,
    cells: &[Cell<'a, Date>],
    i: usize,
) -> Cell<'a, Date> {
    match days {
        Some(days) => days.get(i).map_or(Cell::Empty, |d| table.cell(*d)),
        None => column.cell(cells, i),
    }
}

/// The dates of every day number from the least to the greatest of the roster's day-number
/// columns ([`Prepared::days`]), worked out once (`from_julian_day` costs ~30 instructions, three
/// a row; a table look-up ~4): built only when the span is no longer than the rows (its cost, one
/// `next_day` a day, is then at most a few instructions a row), and clipped to the days
/// [`from_days`] reads. A day outside it is read by [`from_days`].
#[derive(Default)]
struct DayTable {
    /// The day number of `dates[0]`.
    first: i32,
    dates: Vec<Date>,
}

impl DayTable {
    fn new(columns: &[Option<&[i32]>; 3]) -> DayTable {
        let mut rows = 0usize;
        let (mut least, mut most) = (i32::MAX, i32::MIN);
        for days in columns.iter().flatten() {
            rows = rows.max(days.len());
            for &d in *days {
                least = least.min(d);
                most = most.max(d);
            }
        }
        // Clipped to the years 1 to 9999 (`DAYS`, within i32).
        let first = i64::from(least).max(*DAYS.start());
        let last = i64::from(most).min(*DAYS.end());
        let span = usize::try_from(last - first + 1).unwrap_or(0);
        let (Ok(first), Cell::Value(date)) = (i32::try_from(first), from_days(first)) else {
            return DayTable::default();
        };
        if span == 0 || span > rows {
            return DayTable::default();
        }
        let mut dates = Vec::with_capacity(span);
        let mut date = Some(date);
        while let Some(d) = date.filter(|_| dates.len() < span) {
            dates.push(d);
            date = d.next_day();
        }
        DayTable { first, dates }
    }

    /// Day number `d`'s date ([`DayTable::cell`]'s value), `None` out of the years 1 to 9999.
    #[inline(always)]
    fn date(&self, d: i32) -> Option<Date> {
        match self.cell(d) {
            Cell::Value(date) => Some(date),
            _ => None,
        }
    }

    /// Day number `d` as a date cell: [`from_days`]'s.
    #[inline(always)]
    fn cell<'a>(&self, d: i32) -> Cell<'a, Date> {
        match self.dates.get(d.wrapping_sub(self.first) as u32 as usize) {
            Some(date) => Cell::Value(*date),
            None => from_days(i64::from(d)),
        }
    }
}

/// What one chunk found beyond its answers: the rows with messages, the rows of members with
/// several rows (answered afterwards, together), and the decisions' reasons.
struct ChunkExtras {
    messages: Vec<RowMessage>,
    /// The chunk's first row (across the roster).
    first: usize,
    /// The chunk's rows' reasons, by their place in the chunk.
    reasons: RowReasons,
}

impl<'a> Decider<'a> {
    /// Assesses every member of a roster given as columns (see the [module](self)).
    ///
    /// # Errors
    /// Only for the roster as a whole: a missing required column, a column of the wrong length,
    /// a thread pool that cannot be started. A row's problems are its answer's error.
    pub(crate) fn assess_roster(
        &self,
        chunks: &[MemberColumns<'_>],
        options: &RosterOptions,
    ) -> Result<RosterAnswers, RosterError> {
        for c in chunks {
            c.check()?;
        }
        // The answers are written straight into their slots of the one vector returned (no sink).
        let (notes, answers) =
            on_threads(options.threads, |parallel| self.assess_columns(chunks, options, parallel, None))?;
        let reasons = (0..notes.reasons.of_row.len()).map(|row| notes.reasons.of(row).to_vec()).collect();
        Ok(RosterAnswers { answers, messages: notes.messages, reasons })
    }

    /// [`Decider::assess_roster`], each chunk's answers written into `sink` as they are found.
    ///
    /// # Errors
    /// As [`Decider::assess_roster`].
    pub(crate) fn assess_roster_into(
        &self,
        chunks: &[MemberColumns<'_>],
        options: &RosterOptions,
        sink: &dyn AnswerSink,
    ) -> Result<RosterNotes, RosterError> {
        for c in chunks {
            c.check()?;
        }
        on_threads(options.threads, |parallel| self.assess_columns(chunks, options, parallel, Some(sink)).0)
    }

    /// The answers, into `sink` (then the vector returned is empty), or, without a sink, into
    /// the vector returned (every row's, in row order).
    fn assess_columns(
        &self,
        chunks: &[MemberColumns<'_>],
        options: &RosterOptions,
        parallel: bool,
        sink: Option<&dyn AnswerSink>,
    ) -> (RosterNotes, Vec<Answer>) {
        let prepared: Vec<Prepared<'_>> = chunks.iter().map(|c| Prepared::new(c, self.rules)).collect();
        let roster = Chunks { prepared: &prepared, starts: starts(chunks) };
        let n = roster.rows();
        let shared = shared_ids(&roster, parallel);
        // Households read their primaries' answers back: then every answer is kept here first
        // (as without a sink), and handed to the sink once the households are followed.
        let households = chunks.iter().any(|c| c.primary.rows().is_some());
        let to = sink.filter(|_| !households);
        let mut all = match (to, parallel) {
            (Some(_), _) => Vec::new(),
            (None, false) => vec![Answer::default(); n],
            // Every slot written at once on the pool's threads: a roster of 1M rows has 80 MB of
            // answers, which one thread filled (and first touched) before the chunks started.
            (None, true) => {
                let mut all = Vec::new();
                rayon::iter::repeat_n(Answer::default(), n).collect_into_vec(&mut all);
                all
            }
        };
        // The tasks: each input chunk's rows in pieces of CHUNK, with where they start, and,
        // when every answer is kept, the piece's slots in `all` (the pieces are in row order).
        let mut tasks: Vec<(usize, usize, usize, &mut [Answer])> = Vec::new();
        let mut slots: &mut [Answer] = &mut all;
        for (c, cols) in chunks.iter().enumerate() {
            for start in (0..cols.rows).step_by(CHUNK) {
                let len = CHUNK.min(cols.rows - start);
                let at = len.min(slots.len());
                let (piece, rest) = std::mem::take(&mut slots).split_at_mut(at);
                slots = rest;
                tasks.push((c, start, len, piece));
            }
        }
        // Each thread keeps one memo for the chunks it answers ([`Memo`]).
        let work = |memo: &mut Memo<'a>, (c, start, len, slots): (usize, usize, usize, &mut [Answer])| match to {
            // Straight into the slots.
            None => self.assess_chunk(&prepared[c], (roster.starts[c], start), &shared, slots, options, memo),
            Some(sink) => {
                let mut out = vec![Answer::default(); len];
                let extras =
                    self.assess_chunk(&prepared[c], (roster.starts[c], start), &shared, &mut out, options, memo);
                sink.put(roster.starts[c] + start, &out);
                extras
            }
        };
        let extras: Vec<ChunkExtras> = if parallel {
            tasks.into_par_iter().map_init(|| Memo::for_roster(options.date, options.terms), work).collect()
        } else {
            let mut memo = Memo::for_roster(options.date, options.terms);
            tasks.into_iter().map(|task| work(&mut memo, task)).collect()
        };
        let mut messages = Vec::new();
        let mut reasons = RowReasons::new(if options.decide { n } else { 0 });
        for e in extras {
            messages.extend(e.messages);
            if options.decide {
                let places: Vec<u32> = e.reasons.lists.into_iter().map(|list| reasons.place(list)).collect();
                for (k, place) in e.reasons.of_row.iter().enumerate() {
                    if let (Some(slot), Some(place)) =
                        (reasons.of_row.get_mut(e.first + k), places.get(*place as usize))
                    {
                        *slot = *place;
                    }
                }
            }
        }
        if !shared.is_empty() {
            let mut put = |row: usize, answer: Answer| match to {
                Some(sink) => sink.put(row, &[answer]),
                None => {
                    if let Some(slot) = all.get_mut(row) {
                        *slot = answer;
                    }
                }
            };
            self.assess_histories(&roster, &shared, options, &mut put, &mut messages, &mut reasons);
            messages.sort_by_key(|m| m.row);
        }
        if households {
            self.follow_primaries(&roster, options, &mut all, &mut messages, &mut reasons);
            messages.sort_by_key(|m| m.row);
            if let Some(sink) = sink {
                sink.put(0, &all);
                all = Vec::new();
            }
        }
        (RosterNotes { messages, reasons }, all)
    }

    /// Households: every row of a member naming a primary (on the member's current row) is
    /// answered with its primary's status, and as no renewal of its own (the refusal
    /// `renews_with_primary`; the online renewal decided as [`Engine::decide`](crate::Engine::decide)
    /// decides a dependant's); a member that cannot follow its primary gets the household's
    /// error on each of its rows ([`resolve_households`]).
    fn follow_primaries(
        &self,
        p: &Chunks<'_, '_>,
        options: &RosterOptions,
        answers: &mut [Answer],
        messages: &mut Vec<RowMessage>,
        reasons: &mut RowReasons,
    ) {
        let n = answers.len();
        let id_of = |i: usize| p.text(i, Column::MemberId);
        // Each member once, in row order: its rows, and the row its current facts come from.
        let mut place: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        let mut rows_of: Vec<Vec<usize>> = Vec::new();
        for i in 0..n {
            let k = *place.entry(id_of(i)).or_insert_with(|| {
                rows_of.push(Vec::new());
                rows_of.len() - 1
            });
            rows_of[k].push(i);
        }
        let current: Vec<Option<usize>> =
            rows_of.iter().map(|rows| rows.iter().copied().find(|r| answers[*r].current_term)).collect();
        let members: Vec<HouseholdMember<'_>> = rows_of
            .iter()
            .zip(&current)
            .map(|(rows, cur)| {
                let at = cur.unwrap_or(rows[0]);
                let plan = cur
                    .filter(|r| answers[*r].error.is_none())
                    .and_then(|r| self.rules.plan_by_id(p.text(r, Column::Plan)).ok());
                HouseholdMember { id: id_of(at), primary: p.text(at, Column::Primary), plan }
            })
            .collect();
        // The rows answered here, whose own facts' messages give way; the messages found here.
        let mut replaced: FxHashSet<usize> = FxHashSet::default();
        let mut found: Vec<RowMessage> = Vec::new();
        for (k, follows) in resolve_households(&members).into_iter().enumerate() {
            let Some(follows) = follows else { continue };
            let rows = &rows_of[k];
            match follows {
                Ok(primary) => {
                    let Some(from) = current[primary].map(|r| answers[r]) else { continue };
                    let refusal = HouseholdError::RenewsWithPrimary { primary: members[primary].id.to_owned() };
                    let (route, why) = match current[k].filter(|_| options.decide) {
                        Some(row) => self.decide_dependant_renewal(p, row, members[primary].id, options),
                        None => (None, Vec::new()),
                    };
                    for &row in rows {
                        // A row with problems keeps them; a dependant's own facts give it no status.
                        if check_row(self.rules, &p.row(row), row, None).is_err() {
                            continue;
                        }
                        replaced.insert(row);
                        answers[row] = Answer {
                            status: from.status,
                            counts_as_member: from.counts_as_member,
                            refusal: Some(refusal.code()),
                            route,
                            current_term: answers[row].current_term,
                            ..Answer::default()
                        };
                        if options.decide {
                            reasons.set(row, why.clone());
                        }
                    }
                }
                Err(e) => {
                    for &row in rows {
                        // A row with problems keeps them; a dependant's own facts give it no status.
                        if check_row(self.rules, &p.row(row), row, None).is_err() {
                            continue;
                        }
                        replaced.insert(row);
                        answers[row] = Answer { error: Some(e.code()), ..Answer::default() };
                        found.push(RowMessage { row, message: format!("{}: {e}", Column::Primary) });
                        if options.decide {
                            reasons.set(row, Vec::new());
                        }
                    }
                }
            }
        }
        if !replaced.is_empty() {
            messages.retain(|m| !replaced.contains(&m.row));
        }
        messages.extend(found);
    }

    /// A dependant's online renewal on the date, as [`Engine::decide`](crate::Engine::decide)
    /// decides it for the member's current facts (row `row`) naming their primary.
    fn decide_dependant_renewal(
        &self,
        p: &Chunks<'_, '_>,
        row: usize,
        primary: &str,
        options: &RosterOptions,
    ) -> (Option<Route>, Vec<ReasonCode>) {
        let term_row = p.row(row);
        let Ok(r) = check_row(self.rules, &term_row, row, None) else { return (None, Vec::new()) };
        let request = SelfServiceRequest {
            id: None,
            at: time::PrimitiveDateTime::new(options.date, time::Time::MIDNIGHT),
            member: Some(MemberFacts {
                membership: Some(r.membership(r.member_id.into())),
                primary: Some(primary.into()),
                ..MemberFacts::default()
            }),
            action: Action::Renew { terms: options.terms },
        };
        match self.decide(&request) {
            Ok(d) => (Some(d.route), d.reasons.iter().map(|r| r.code).collect()),
            Err(_) => (None, Vec::new()),
        }
    }

    /// Answers the rows `start..` of `p` (whose first row is `first_row` across the roster) of
    /// members with one row; leaves the others (members with several rows) for
    /// [`Decider::assess_histories`].
    fn assess_chunk(
        &self,
        p: &Prepared<'_>,
        (first_row, start): (usize, usize),
        shared: &Shared,
        out: &mut [Answer],
        options: &RosterOptions,
        memo: &mut Memo<'a>,
    ) -> ChunkExtras {
        let mut extras = ChunkExtras {
            messages: Vec::new(),
            first: first_row + start,
            reasons: RowReasons::new(if options.decide { out.len() } else { 0 }),
        };
        let mut row = TermRow::default();
        for (k, answer) in out.iter_mut().enumerate() {
            let local = start + k;
            let i = first_row + local;
            if shared.contains(i) {
                continue;
            }
            // A plain row the row check passes (and no decision asked for): its facts straight
            // from the columns. (`decide` tested after the read compiles to ~15 fewer
            // instructions a row than before it; with decisions the read is < 1 % of a row.)
            if let Some((plan, facts)) = p.plain_facts(local, self.rules).filter(|_| !options.decide) {
                if let Some(e) = self.answer_into(plan, &facts, false, options, memo, answer) {
                    extras.messages.push(RowMessage { row: i, message: e.to_string() });
                }
                answer.current_term = true;
                continue;
            }
            let known = p.read_row(local, &mut row);
            // A roster with no optional column but `pending` has every other optional cell empty.
            let checked =
                check_row_with(self.rules, &row, i, None, known.and_then(|k| self.rules.plans().get(k)), p.more);
            // Read in place (the checked row is not moved out of its result).
            match &checked {
                Ok(r) => {
                    // The rule book's plan, borrowed for as long as the rule book (not the row).
                    let plan = known.or_else(|| self.rules.index_of(r.plan)).and_then(|i| self.rules.plans().get(i));
                    let error = match plan {
                        Some(plan) => self.answer_into(plan, &r.status, r.facts.tax_exempt, options, memo, answer),
                        None => {
                            *answer = Answer::default();
                            None
                        }
                    };
                    answer.current_term = true;
                    if let Some(e) = error {
                        extras.messages.push(RowMessage { row: i, message: e.to_string() });
                    } else if options.decide {
                        let membership = r.membership(r.member_id.into());
                        extras.reasons.set(k, self.decide_renewal_on(&membership, options, answer));
                    }
                }
                Err(problems) => {
                    answer.error = problems.first().map(|p| p.code);
                    extras.messages.push(RowMessage { row: i, message: problems_message(problems) });
                }
            }
        }
        extras
    }

    /// One member's answer from facts on a plan: [`Decider::assess_facts`], written into the
    /// answer without copying anything out of the rule book; with the error when the facts have
    /// no status (its code is the answer's error).
    fn answer(
        &self,
        plan: &'a Plan,
        facts: &Facts,
        tax_exempt: bool,
        options: &RosterOptions,
        memo: &mut Memo<'a>,
    ) -> (Answer, Option<Error>) {
        let mut answer = Answer::default();
        let error = self.answer_into(plan, facts, tax_exempt, options, memo, &mut answer);
        (answer, error)
    }

    /// [`Decider::answer`] written into `answer` in place (the chunk's answer slot: no answer
    /// and error moved out per row); the error when the facts have no status. `answer` must be
    /// empty ([`Answer::default`], as every slot starts): only the fields found are written.
    fn answer_into(
        &self,
        plan: &'a Plan,
        facts: &Facts,
        tax_exempt: bool,
        options: &RosterOptions,
        memo: &mut Memo<'a>,
        answer: &mut Answer,
    ) -> Option<Error> {
        debug_assert_eq!(*answer, Answer::default(), "answer_into: the answer's slot is not empty");
        // Read in place (the assessment is not moved out of its result).
        let assessed = self.assess_facts(plan, facts, tax_exempt, options.date, options.terms, memo);
        let a = match &assessed {
            Ok(a) => a,
            Err(_) => {
                let e = assessed.err();
                answer.error = e.as_ref().map(|e| e.code());
                return e;
            }
        };
        answer.status = Some(a.status.flags.status);
        answer.counts_as_member = a.status.flags.counts_as_member;
        match &a.renewal {
            Ok(r) => {
                answer.renewal_kind = Some(r.kind);
                answer.renewal_plan = self.rules.index_of(r.plan).and_then(|i| u32::try_from(i).ok());
                answer.renewal_start = Some(r.term.start);
                answer.renewal_end = r.term.end;
                answer.renewal_member_since = Some(r.member_since(facts.member_since));
            }
            Err(refused) => {
                answer.refusal = Some(refused.code());
                answer.refused_until = refused_until(refused);
            }
        }
        match &a.quote_total {
            Some(Ok(total)) => match total.to_minor_units() {
                Ok(minor) => {
                    answer.quote_total = Some(minor);
                    answer.quote_currency = Some(total.currency());
                }
                Err(e) => answer.quote_error = Some(Error::from(e).code()),
            },
            Some(Err(e)) => answer.quote_error = Some(e.code()),
            None => {}
        }
        None
    }

    /// The online decision on renewing that day, its route written into the answer; its reasons.
    fn decide_renewal_on(
        &self,
        membership: &Membership,
        options: &RosterOptions,
        answer: &mut Answer,
    ) -> Vec<ReasonCode> {
        match self.decide_renewal_online(membership, options.date, options.terms).ok() {
            Some(d) => {
                answer.route = Some(d.route);
                d.reasons.iter().map(|r| r.code).collect()
            }
            None => Vec::new(),
        }
    }

    /// Answers the rows of members with several rows (and rows whose id's hash another id
    /// shares): read as a roster by [`Roster::from_rows`], so that the one rule of which row
    /// wins, and the checks of a member's terms against each other, decide.
    fn assess_histories(
        &self,
        p: &Chunks<'_, '_>,
        shared: &Shared,
        options: &RosterOptions,
        put: &mut dyn FnMut(usize, Answer),
        messages: &mut Vec<RowMessage>,
        reasons: &mut RowReasons,
    ) {
        let n = p.rows();
        let roster = Roster::from_indexed_rows(self.rules, shared.rows().map(|i| (i, p.row(i))));
        let mut memo = Memo::for_roster(options.date, options.terms);
        for member in &roster.members {
            let m = &member.membership;
            let (mut answer, message) = match self.rules.plan(&m.plan) {
                Ok(plan) => self.answer(plan, &m.facts(), m.tax_exempt, options, &mut memo),
                Err(e) => (Answer { error: Some(e.code()), ..Answer::default() }, Some(e.into())),
            };
            let message = message.map(|e: Error| e.to_string());
            let member_reasons = if options.decide && answer.error.is_none() {
                self.decide_renewal_on(m, options, &mut answer)
            } else {
                Vec::new()
            };
            let current = member.row();
            for row in member.terms.iter().filter_map(|t| t.row).filter(|r| *r < n) {
                put(row, Answer { current_term: current == Some(row), ..answer });
                if let Some(message) = &message {
                    messages.push(RowMessage { row, message: message.clone() });
                }
                if options.decide {
                    reasons.set(row, member_reasons.clone());
                }
            }
        }
        for problems in roster.problems.chunk_by(|a, b| a.row == b.row) {
            let row = problems[0].row;
            if row < n {
                put(row, Answer { error: Some(problems[0].code), ..Answer::default() });
                messages.push(RowMessage { row, message: problems_message(problems) });
            }
        }
    }
}

/// The rows of members with several rows ([`shared_ids`]; rarely also rows of two ids whose
/// 64-bit hashes collide, which are then read the same careful way): a bitmap over the roster's
/// rows, empty when no row is shared.
struct Shared {
    /// Bit `i % 64` of word `i / 64` is set when row `i` is shared; no words when none is.
    bits: Vec<u64>,
}

impl Shared {
    const NONE: Shared = Shared { bits: Vec::new() };

    /// The rows `rows` (of a roster of `n` rows) as a set.
    fn of(n: usize, rows: impl IntoIterator<Item = usize>) -> Shared {
        let mut bits = Vec::new();
        for row in rows.into_iter().filter(|r| *r < n) {
            if bits.is_empty() {
                bits = vec![0; n.div_ceil(64)];
            }
            bits[row / 64] |= 1 << (row % 64);
        }
        Shared { bits }
    }

    fn contains(&self, row: usize) -> bool {
        self.bits.get(row / 64).is_some_and(|w| (w >> (row % 64)) & 1 == 1)
    }

    fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// The shared rows, in order.
    fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(k, w)| {
            let mut w = *w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros() as usize;
                    w &= w - 1;
                    k * 64 + bit
                })
            })
        })
    }
}

fn id_hash(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(trim(id).as_bytes());
    h.finish()
}

/// A member's renewal quote on the roster's date, on the row their current facts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowQuote {
    /// The row (0-based, across chunks).
    pub row: usize,
    /// The member's id, as the row writes it (trimmed).
    pub member_id: String,
    /// The quote, or why there is none (a refused renewal, facts without a status).
    pub quote: Result<crate::quote::Quote, Error>,
}

impl Decider<'_> {
    /// Every member's renewal quote with its lines (see [`Engine::quote_roster_renewals`](crate::Engine::quote_roster_renewals)):
    /// each member once, on their current row, in row order; rows with problems, and a
    /// household's dependants (who renew with their primary), have none.
    pub(crate) fn quote_roster_renewals(
        &self,
        chunks: &[MemberColumns<'_>],
        options: &RosterOptions,
    ) -> Result<Vec<RowQuote>, RosterError> {
        for c in chunks {
            c.check()?;
        }
        let prepared: Vec<Prepared<'_>> = chunks.iter().map(|c| Prepared::new(c, self.rules)).collect();
        let roster = Chunks { prepared: &prepared, starts: starts(chunks) };
        let shared = shared_ids(&roster, options.threads != 1);
        let quote = |m: &Membership, row: usize| RowQuote {
            row,
            member_id: m.member_id.0.clone(),
            quote: self.quoter.quote_renewal_given_status(m, options.date, options.terms, None, None),
        };
        let one = |i: usize| -> Option<RowQuote> {
            if shared.contains(i) {
                return None;
            }
            let row = roster.row(i);
            let r = check_row(self.rules, &row, i, None).ok()?;
            Some(quote(&r.membership(r.member_id.into()), i))
        };
        let n = roster.rows();
        let mut quotes: Vec<RowQuote> = on_threads(options.threads, |parallel| {
            if parallel {
                (0..n).into_par_iter().filter_map(one).collect()
            } else {
                (0..n).filter_map(one).collect()
            }
        })?;
        if !shared.is_empty() {
            let members = Roster::from_indexed_rows(self.rules, shared.rows().map(|i| (i, roster.row(i))));
            quotes.extend(members.members.iter().filter_map(|h| h.row().map(|row| quote(&h.membership, row))));
            quotes.sort_by_key(|q| q.row);
        }
        // A household's dependant (its current row names a primary) renews with the primary:
        // it has no renewal quote of its own.
        if chunks.iter().any(|c| c.primary.rows().is_some()) {
            quotes.retain(|q| roster.text(q.row, Column::Primary).is_empty());
        }
        Ok(quotes)
    }
}

/// A count column (terms bought, seats): integers, one per row; null or absent is the default.
#[derive(Debug, Clone, Copy, Default)]
pub enum Counts<'a> {
    /// The column is not in the table.
    #[default]
    Absent,
    /// The counts.
    Values {
        /// The values.
        values: &'a [i64],
        /// Which rows hold one (`None`: every row).
        valid: Option<Validity<'a>>,
    },
}

impl Counts<'_> {
    fn get(&self, i: usize) -> Option<i64> {
        match self {
            Counts::Absent => None,
            Counts::Values { values, valid } => values.get(i).copied().filter(|_| self::valid(valid.as_ref(), i)),
        }
    }

    fn rows(&self) -> Option<usize> {
        match self {
            Counts::Absent => None,
            Counts::Values { values, .. } => Some(values.len()),
        }
    }
}

/// Prospective members as columns, for their join quotes: `plan` and `join_date` (required),
/// `terms` (how many terms at once; null or absent is one) and `seats` (an organisational plan's
/// seats; null or absent is none given).
#[derive(Debug, Clone, Copy, Default)]
pub struct JoinColumns<'a> {
    /// How many rows the table has.
    pub rows: usize,
    /// `plan`.
    pub plan: Text<'a>,
    /// `join_date`.
    pub join_date: Dates<'a>,
    /// `terms`.
    pub terms: Counts<'a>,
    /// `seats`.
    pub seats: Counts<'a>,
}

impl JoinColumns<'_> {
    /// Checks that `plan` and `join_date` are there and every column has `rows` values.
    ///
    /// # Errors
    /// [`RosterError::MissingColumn`], [`RosterError::ColumnLength`].
    pub fn check(&self) -> Result<(), RosterError> {
        let columns = [
            ("plan", self.plan.rows(), true),
            ("join_date", self.join_date.rows(), true),
            ("terms", self.terms.rows(), false),
            ("seats", self.seats.rows(), false),
        ];
        for (column, found, required) in columns {
            match found {
                None if required => return Err(RosterError::MissingColumn { column: column.to_owned() }),
                Some(found) if found != self.rows => {
                    return Err(RosterError::ColumnLength { column: column.to_owned(), rows: self.rows, found })
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// One row's join quote: its total and first term, or the row's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JoinAnswer {
    /// The total in minor units of [`JoinAnswer::currency`].
    pub total: Option<i64>,
    /// The quote's currency.
    pub currency: Option<Currency>,
    /// The first term's first day.
    pub term_start: Option<Date>,
    /// The first term's last day (`None` for a lifetime term, or an error).
    pub term_end: Option<Date>,
    /// The row's error code (its message is in [`JoinAnswers::messages`]).
    pub error: Option<u32>,
}

/// The join quotes of a whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinAnswers {
    /// One answer per row, in input order.
    pub answers: Vec<JoinAnswer>,
    /// The message of each row that has an error, by row.
    pub messages: Vec<RowMessage>,
    /// With lines asked for, each quoted row's quote (by row); otherwise empty.
    pub quotes: Vec<(usize, crate::quote::Quote)>,
}

/// A row's join facts, read and checked: the plan, the date, the terms and the seats.
type JoinFacts<'r> = (&'r Plan, Date, u32, Option<u32>);

impl crate::quote::Quoter<'_> {
    /// Reads a row of a join table; its error with the column's name when it cannot be quoted.
    fn join_row<'r>(
        &'r self,
        c: &JoinColumns<'_>,
        whole: Option<&str>,
        cells: &[Cell<'_, Date>],
        i: usize,
    ) -> Result<JoinFacts<'r>, (u32, String)> {
        let problem = |column: &str, e: &dyn std::fmt::Display, code: u32| (code, format!("{column}: {e}"));
        let plan = match c.plan.get_in(whole, i).trim() {
            "" => return Err(problem("plan", &RosterError::MissingValue, RosterError::MissingValue.code())),
            id => self.rules.plan_by_id(id).map_err(|e| problem("plan", &e, e.code()))?,
        };
        let date = match c.join_date.cell(cells, i).read() {
            Ok(Some(d)) => d,
            Ok(None) => return Err(problem("join_date", &RosterError::MissingValue, RosterError::MissingValue.code())),
            Err(_) => return Err(problem("join_date", &RosterError::InvalidDate, RosterError::InvalidDate.code())),
        };
        let count = |column: &str, v: Option<i64>| -> Result<Option<u32>, (u32, String)> {
            v.map(|v| {
                u32::try_from(v).map_err(|_| {
                    let e = RosterError::InvalidCount { value: v };
                    problem(column, &e, e.code())
                })
            })
            .transpose()
        };
        let terms = count("terms", c.terms.get(i))?.unwrap_or(1);
        let seats = count("seats", c.seats.get(i))?;
        Ok((plan, date, terms, seats))
    }

    /// The join quote of every row of a table of prospective members (see
    /// [`Engine::quote_join_roster`](crate::Engine::quote_join_roster)).
    pub(crate) fn quote_join_roster(
        &self,
        chunks: &[JoinColumns<'_>],
        threads: usize,
        lines: bool,
    ) -> Result<JoinAnswers, RosterError> {
        for c in chunks {
            c.check()?;
        }
        let n: usize = chunks.iter().map(|c| c.rows).sum();
        let mut answers = vec![JoinAnswer::default(); n];
        let wholes: Vec<Option<&str>> = chunks.iter().map(|c| c.plan.whole()).collect();
        let cells: Vec<Vec<Cell<'_, Date>>> = chunks.iter().map(|c| c.join_date.cells()).collect();
        let mut tasks: Vec<(usize, usize, usize, &mut [JoinAnswer])> = Vec::new();
        let mut rest: &mut [JoinAnswer] = &mut answers;
        let mut first = 0;
        for (c, cols) in chunks.iter().enumerate() {
            let (head, tail) = rest.split_at_mut(cols.rows);
            for (k, piece) in head.chunks_mut(CHUNK).enumerate() {
                tasks.push((c, first, k * CHUNK, piece));
            }
            first += cols.rows;
            rest = tail;
        }
        type Extras = (Vec<RowMessage>, Vec<(usize, crate::quote::Quote)>);
        let work = |(c, first, start, out): (usize, usize, usize, &mut [JoinAnswer])| -> Extras {
            let (mut messages, mut quotes) = (Vec::new(), Vec::new());
            for (k, answer) in out.iter_mut().enumerate() {
                let local = start + k;
                let row = first + local;
                let facts = self.join_row(&chunks[c], wholes[c], &cells[c], local);
                let quoted = facts.and_then(|(plan, date, terms, seats)| {
                    let done = if lines {
                        self.join_quote_on(plan, date, terms, seats, crate::quote::QuoteKind::Join, None).map(|q| {
                            let out = (q.term, q.total);
                            quotes.push((row, q));
                            out
                        })
                    } else {
                        self.join_total(plan, date, terms, seats).map(|(jt, total)| (Some(jt.term), total))
                    };
                    done.map_err(|e| (e.code(), e.to_string()))
                });
                match quoted {
                    Ok((term, total)) => {
                        *answer = JoinAnswer {
                            total: total.to_minor_units().ok(),
                            currency: Some(total.currency()),
                            term_start: term.map(|t| t.start),
                            term_end: term.and_then(|t| t.end),
                            error: None,
                        };
                    }
                    Err((code, message)) => {
                        answer.error = Some(code);
                        messages.push(RowMessage { row, message });
                    }
                }
            }
            (messages, quotes)
        };
        let extras: Vec<Extras> = on_threads(threads, |parallel| {
            if parallel {
                tasks.into_par_iter().map(work).collect()
            } else {
                tasks.into_iter().map(work).collect()
            }
        })?;
        let (mut messages, mut quotes) = (Vec::new(), Vec::new());
        for (m, q) in extras {
            messages.extend(m);
            quotes.extend(q);
        }
        Ok(JoinAnswers { answers, messages, quotes })
    }
}

/// Runs `work` on `threads` threads ([`RosterOptions::threads`]): on the calling thread for 1
/// (`work` is told not to go parallel), on rayon's global pool for 0, on a pool of that many
/// threads otherwise. The kernel's calls run on it, and so does a binding's work around them
/// that follows the same option (amscore-arrow's result columns).
///
/// ```
/// use amscore::kernel::on_threads;
/// // One thread: on the calling thread, told not to go parallel.
/// assert_eq!(on_threads(1, |parallel| parallel)?, false);
/// assert_eq!(on_threads(2, |parallel| parallel)?, true);
/// # Ok::<(), amscore::RosterError>(())
/// ```
///
/// # Errors
/// [`RosterError::Unreadable`] when the pool cannot start.
pub fn on_threads<R: Send>(threads: usize, work: impl FnOnce(bool) -> R + Send) -> Result<R, RosterError> {
    match threads {
        1 => Ok(work(false)),
        0 => Ok(work(true)),
        n => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| pool.install(|| work(true)))
            .map_err(|e| RosterError::Unreadable { message: format!("cannot start {n} threads: {e}") }),
    }
}

/// Where each chunk's rows start in the whole roster.
fn starts(chunks: &[MemberColumns<'_>]) -> Vec<usize> {
    row_starts(chunks.iter().map(|c| c.rows))
}

/// Where each of consecutive runs of `rows` rows starts, the rows counted across them (the
/// chunks of a roster, a binding's batches): 0, then each run's rows added.
///
/// ```
/// assert_eq!(amscore::kernel::row_starts([3, 0, 5, 2]), vec![0, 3, 3, 8]);
/// ```
pub fn row_starts(rows: impl IntoIterator<Item = usize>) -> Vec<usize> {
    rows.into_iter()
        .scan(0, |at, rows| {
            let start = *at;
            *at += rows;
            Some(start)
        })
        .collect()
}

/// A roster in chunks, its rows numbered across them.
struct Chunks<'p, 'a> {
    prepared: &'p [Prepared<'a>],
    starts: Vec<usize>,
}

impl<'a> Chunks<'_, 'a> {
    fn rows(&self) -> usize {
        self.prepared.iter().map(|p| p.c.rows).sum()
    }

    /// The chunk of roster row `i` and the row's place in it.
    fn locate(&self, i: usize) -> Option<(usize, usize)> {
        let c = self.starts.partition_point(|s| *s <= i).checked_sub(1)?;
        let local = i - self.starts[c];
        (local < self.prepared[c].c.rows).then_some((c, local))
    }

    /// Roster row `i` as the row check reads it.
    fn row(&self, i: usize) -> TermRow<'a> {
        self.locate(i).map(|(c, local)| self.prepared[c].row(local)).unwrap_or_default()
    }

    /// Roster row `i`'s text in `member_id`, `plan` or `primary`, trimmed (empty for another
    /// column).
    fn text(&self, i: usize, column: Column) -> &'a str {
        let Some((c, local)) = self.locate(i) else { return "" };
        let p = &self.prepared[c];
        let (text, whole) = match column {
            Column::MemberId => (&p.c.member_id, p.whole[0]),
            Column::Plan => (&p.c.plan, p.whole[1]),
            Column::Primary => (&p.c.primary, p.whole[5]),
            _ => return "",
        };
        trim(text.get_in(whole, local))
    }
}

/// Finds the rows whose member id another row has (the member's id trimmed, as the row check
/// reads it).
///
/// A roster whose ids never go down from one row to the next (across its chunks, in order: a
/// roster sorted by member id, as most exports are) has each member's rows side by side: the
/// shared rows are the runs of equal ids, found by comparing each id with the one before it, with
/// no hashing and no sort. Any other roster: the ids' hashes, a (parallel) sort of them, and a
/// pass over the rows only when some hash repeats.
fn shared_ids(roster: &Chunks<'_, '_>, parallel: bool) -> Shared {
    sorted_runs(roster, parallel).unwrap_or_else(|| hashed_ids(roster, parallel))
}

/// The pieces the roster's rows are read in: (chunk, first local row, end).
fn pieces(roster: &Chunks<'_, '_>) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (c, p) in roster.prepared.iter().enumerate() {
        for start in (0..p.c.rows).step_by(CHUNK) {
            out.push((c, start, (start + CHUNK).min(p.c.rows)));
        }
    }
    out
}

/// [`shared_ids`] when the ids never go down from one row to the next: the rows of the runs of
/// equal ids; `None` when some id is below the one before it.
fn sorted_runs(roster: &Chunks<'_, '_>, parallel: bool) -> Option<Shared> {
    // Each piece compares its ids with the one before each (the piece's first with the last row
    // before it), and gives the rows of equal pairs.
    let piece = |(c, start, end): (usize, usize, usize)| -> Option<Vec<usize>> {
        let p = &roster.prepared[c];
        let (ids, whole) = (&p.c.member_id, p.whole[0]);
        let first = roster.starts[c];
        let mut before = match first + start {
            0 => None,
            row => Some(roster.text(row - 1, Column::MemberId).as_bytes()),
        };
        let mut equal = Vec::new();
        let plain = ids.plain_utf8(whole).map(|(offsets, text)| (offsets, text.as_bytes()));
        for local in start..end {
            let id = id_bytes(ids, whole, plain, local);
            if let Some(previous) = before {
                match id_order(id, previous) {
                    std::cmp::Ordering::Less => return None,
                    std::cmp::Ordering::Equal => equal.push(first + local),
                    std::cmp::Ordering::Greater => {}
                }
            }
            before = Some(id);
        }
        Some(equal)
    };
    let pieces = pieces(roster);
    let equal: Vec<Vec<usize>> = if parallel {
        pieces.into_par_iter().map(piece).collect::<Option<_>>()?
    } else {
        pieces.into_iter().map(piece).collect::<Option<_>>()?
    };
    // A row equal to the one before it: both are shared.
    Some(Shared::of(roster.rows(), equal.iter().flatten().flat_map(|row| [row - 1, *row])))
}

/// Row `local`'s member id as the row check reads it (trimmed), as bytes (`str`'s order is its
/// bytes' order). With `plain`, the offsets and bytes of a plain UTF-8 column that is UTF-8
/// throughout ([`Text::plain_utf8`]), an id that starts and ends with a visible ASCII character is read
/// from its offsets: it is whole characters of the text (a character boundary follows an ASCII
/// byte) with nothing to trim. Any other id is read by [`Text::get_in`] and [`trim`].
#[inline(always)]
fn id_bytes<'a>(
    ids: &Text<'a>,
    whole: Option<&'a str>,
    plain: Option<(&'a [i32], &'a [u8])>,
    local: usize,
) -> &'a [u8] {
    let visible = |b: &u8| (0x21..0x7f).contains(b);
    if let Some((offsets, data)) = plain {
        if let Some(bytes @ [first, .., last]) = offset_range(offsets, local).and_then(|(a, b)| data.get(a..b)) {
            if visible(first) && visible(last) {
                return bytes;
            }
        }
    }
    trim(ids.get_in(whole, local)).as_bytes()
}

/// `a.cmp(b)`, for ids of the same length of 8 to 16 bytes (fixed-width ids, as most rosters
/// have) as one comparison of a big-endian number made of their first 8 bytes and their last 8
/// (the bytes the two windows share are compared twice, to no effect), without a call to compare
/// memory.
#[inline(always)]
fn id_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_be_bytes);
    if a.len() == b.len() && (8..=16).contains(&a.len()) {
        let last = a.len() - 8;
        if let (Some(x), Some(y), Some(xl), Some(yl)) = (word(a, 0), word(b, 0), word(a, last), word(b, last)) {
            let number = |first: u64, last: u64| (u128::from(first) << 64) | u128::from(last);
            return number(x, xl).cmp(&number(y, yl));
        }
    }
    a.cmp(b)
}

/// [`shared_ids`] for any roster, by the ids' hashes (rows whose hashes collide are shared too).
fn hashed_ids(roster: &Chunks<'_, '_>, parallel: bool) -> Shared {
    let mut hashes: Vec<u64> = Vec::with_capacity(roster.rows());
    for p in roster.prepared {
        let (ids, whole) = (&p.c.member_id, p.whole[0]);
        let hash_of = |i: usize| id_hash(ids.get_in(whole, i));
        if parallel {
            hashes.par_extend((0..p.c.rows).into_par_iter().map(hash_of));
        } else {
            hashes.extend((0..p.c.rows).map(hash_of));
        }
    }
    let mut sorted = hashes.clone();
    if parallel {
        sorted.par_sort_unstable();
    } else {
        sorted.sort_unstable();
    }
    let repeated: FxHashSet<u64> = sorted.chunk_by(|a, b| a == b).filter(|g| g.len() > 1).map(|g| g[0]).collect();
    drop(sorted);
    if repeated.is_empty() {
        return Shared::NONE;
    }
    Shared::of(hashes.len(), hashes.iter().enumerate().filter(|(_, h)| repeated.contains(h)).map(|(i, _)| i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_validity_bitmap_reads_from_its_offset() {
        let v = Validity::new(&[0b1000_0000, 0b0000_0001], 7);
        assert!(v.is_valid(0) && v.is_valid(1) && !v.is_valid(2) && !v.is_valid(9));
    }

    #[test]
    fn the_day_numbers_read_are_the_years_1_to_9999() {
        let day = |d: Date| i64::from(d.to_julian_day() - EPOCH_JULIAN_DAY);
        let first = Date::from_calendar_date(1, time::Month::January, 1).ok();
        let last = Date::from_calendar_date(9999, time::Month::December, 31).ok();
        assert_eq!(first.map(day), Some(*DAYS.start()));
        assert_eq!(last.map(day), Some(*DAYS.end()));
        let days = [DAYS.start() - 1, *DAYS.start(), 0, *DAYS.end(), DAYS.end() + 1];
        let column: Vec<i32> = days.iter().map(|d| i32::try_from(*d).unwrap_or(0)).collect();
        let dates = Dates::Days { days: &column, valid: None };
        let cells: Vec<Cell<'_, Date>> = (0..days.len()).map(|i| dates.cell(&[], i)).collect();
        assert_eq!(cells[0], Cell::Text(NOT_A_DATE));
        assert_eq!(cells[1], first.map_or(Cell::Empty, Cell::Value));
        assert_eq!(cells[2], Date::from_julian_day(EPOCH_JULIAN_DAY).map_or(Cell::Empty, Cell::Value));
        assert_eq!(cells[3], last.map_or(Cell::Empty, Cell::Value));
        assert_eq!(cells[4], Cell::Text(NOT_A_DATE));
    }

    #[test]
    fn a_roster_without_optional_columns_but_pending_reads_as_one_with_them_empty() {
        let engine = crate::Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<String> = ["M-1", "M-2", "M-3", " ", "M-4"].iter().map(|s| (*s).to_owned()).collect();
        let plans: Vec<String> =
            ["individual", "retired", "platinum", "individual", "student-y1"].iter().map(|s| (*s).to_owned()).collect();
        let blanks: Vec<String> = vec![String::new(); ids.len()];
        let text = id_columns(&[&ids, &plans, &blanks]);
        let since = [19_000, 19_500, 19_600, 19_700, 20_400];
        let start = [20_000, 20_100, 20_200, 20_300, 20_400];
        let end = [20_364, 20_464, 20_564, 20_664, 20_000];
        let pending = [0b0000_0010u8];
        let plain =
            |k: usize| Text::Plain { values: Strings::Utf8 { offsets: &text[k].0, data: &text[k].1 }, valid: None };
        let bare = MemberColumns {
            rows: ids.len(),
            member_id: plain(0),
            plan: plain(1),
            member_since: Dates::Days { days: &since, valid: None },
            term_start: Dates::Days { days: &start, valid: None },
            term_end: Dates::Days { days: &end, valid: None },
            pending: Bools::Bits { values: Validity::new(&pending, 0), rows: ids.len(), valid: None },
            ..MemberColumns::default()
        };
        // The same rows with every other optional column there and empty.
        let days = Dates::Text(plain(2));
        let full = MemberColumns {
            cancelled_on: days,
            deceased_on: days,
            override_status: plain(2),
            override_until: days,
            amount_paid: Amounts::Text(plain(2)),
            currency: plain(2),
            auto_renew: Bools::Text(plain(2)),
            balance_due: Amounts::Text(plain(2)),
            organization: plain(2),
            renewal_pending: Bools::Text(plain(2)),
            primary: plain(2),
            tax_exempt: Bools::Text(plain(2)),
            pause_from: days,
            pause_to: days,
            ..bare
        };
        let options = RosterOptions {
            date: Date::from_julian_day(EPOCH_JULIAN_DAY + 20_350).unwrap_or(Date::MIN),
            terms: 1,
            decide: true,
            threads: 1,
        };
        let (a, b) = (engine.assess_roster(&[bare], &options), engine.assess_roster(&[full], &options));
        assert!(a.as_ref().is_ok_and(|a| a.answers.iter().any(|x| x.status.is_some()) && !a.messages.is_empty()));
        assert_eq!(a, b);
    }

    /// Member ids as UTF-8 columns with offsets, one per chunk.
    fn id_columns(chunks: &[&[String]]) -> Vec<(Vec<i32>, Vec<u8>)> {
        chunks
            .iter()
            .map(|ids| {
                let mut offsets = vec![0i32];
                let mut data = Vec::new();
                for id in *ids {
                    data.extend_from_slice(id.as_bytes());
                    offsets.push(i32::try_from(data.len()).unwrap_or(i32::MAX));
                }
                (offsets, data)
            })
            .collect()
    }

    /// The rows `shared_ids` finds, by the sorted path or the hashed one, and whether the sorted
    /// one applied, for ids in chunks.
    fn shared_rows(chunks: &[&[String]], parallel: bool) -> (Vec<usize>, Vec<usize>, bool) {
        let columns = id_columns(chunks);
        let member_columns: Vec<MemberColumns<'_>> = columns
            .iter()
            .map(|(offsets, data)| MemberColumns {
                rows: offsets.len() - 1,
                member_id: Text::Plain { values: Strings::Utf8 { offsets, data }, valid: None },
                ..MemberColumns::default()
            })
            .collect();
        let engine = crate::Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
        let prepared: Vec<Prepared<'_>> = member_columns.iter().map(|c| Prepared::new(c, engine.rules())).collect();
        let roster = Chunks { prepared: &prepared, starts: starts(&member_columns) };
        let sorted = sorted_runs(&roster, parallel);
        let applied = sorted.is_some();
        (shared_ids(&roster, parallel).rows().collect(), hashed_ids(&roster, parallel).rows().collect(), applied)
    }

    proptest::proptest! {
        /// Invariant: the rows `shared_ids` finds are exactly the rows whose trimmed id another row
        /// has, whether the ids are sorted (found by runs, no hashing) or not (found by hashes),
        /// with the roster whole or in two chunks, serial or parallel; the runs are read only when
        /// the ids never go down.
        #[test]
        fn invariant_shared_rows_are_the_rows_of_repeated_ids(
            ids in proptest::collection::vec(
                (0u8..8, proptest::sample::select(vec!["", " ", "\t"]), proptest::sample::select(vec![1usize, 6, 9, 14, 20])),
                0..300,
            ),
            sort in proptest::bool::ANY,
            cut in 0usize..300,
            parallel in proptest::bool::ANY,
        ) {
            // Ids of 3 to 22 bytes: shorter than 8, of 8 to 16 (compared as numbers when of one
            // length) and longer.
            let mut ids: Vec<String> = ids.iter().map(|(k, pad, width)| format!("{pad}M-{k:0width$}{pad}")).collect();
            if sort {
                ids.sort_by(|a, b| a.trim().cmp(b.trim()));
            }
            let expected: Vec<usize> = (0..ids.len())
                .filter(|i| ids.iter().filter(|id| id.trim() == ids[*i].trim()).count() > 1)
                .collect();
            let never_down = ids.windows(2).all(|w| w[0].trim() <= w[1].trim());
            let cut = cut.min(ids.len());
            for chunks in [vec![&ids[..]], vec![&ids[..cut], &ids[cut..]]] {
                let (found, hashed, applied) = shared_rows(&chunks, parallel);
                proptest::prop_assert_eq!(&found, &expected);
                proptest::prop_assert_eq!(&hashed, &expected);
                proptest::prop_assert_eq!(applied, never_down);
            }
        }
    }

    proptest::proptest! {
        /// Invariant: `id_order` is the bytes' order, whatever their lengths (two numbers for ids
        /// of one length of 8 to 16 bytes, a comparison of memory otherwise).
        #[test]
        fn invariant_id_order_is_the_bytes_order(
            a in proptest::collection::vec(proptest::sample::select(vec![0u8, 1, b'0', b'1', 0x7f, 0x80, 0xff]), 0..20),
            b in proptest::collection::vec(proptest::sample::select(vec![0u8, 1, b'0', b'1', 0x7f, 0x80, 0xff]), 0..20),
            same in proptest::bool::ANY,
        ) {
            // Often of one length (the numbers' path), and often equal but in their last bytes.
            let b = if same { a.iter().zip(b.iter().chain(std::iter::repeat(&0))).map(|(x, y)| if y & 1 == 0 { *x } else { *y }).collect() } else { b };
            proptest::prop_assert_eq!(id_order(&a, &b), a.cmp(&b));
        }
    }

    #[test]
    fn a_sorted_roster_of_many_pieces_finds_a_member_split_across_pieces_and_chunks() {
        // 5,000 rows (three pieces of CHUNK rows), the member at rows 2047..=2048 split across two
        // pieces, and the one at the chunks' boundary split across chunks.
        let ids: Vec<String> =
            (0..5000).map(|i| format!("M-{:05}", if i == 2048 || i == 3001 { i - 1 } else { i })).collect();
        for parallel in [false, true] {
            let (found, _, applied) = shared_rows(&[&ids[..3001], &ids[3001..]], parallel);
            assert!(applied);
            assert_eq!(found, vec![2047, 2048, 3000, 3001]);
        }
    }

    #[test]
    fn day_table_reads_as_from_days() {
        // A span inside the years 1 to 9999, one crossing their start, one crossing their end.
        let spans: [(i32, i32); 3] = [(19_000, 21_000), (-719_170, -719_150), (2_932_880, 2_932_905)];
        for (least, most) in spans {
            let every: Vec<i32> = (least..=most).rev().collect();
            // Every day (a table) and only the two ends (a span longer than the rows: no table).
            for days in [every, vec![most, least]] {
                let table = DayTable::new(&[Some(&days), None, Some(&days[..1])]);
                assert_eq!(table.dates.is_empty(), days.len() == 2);
                for d in (least - 3)..=(most + 3) {
                    assert_eq!(table.cell(d), from_days(i64::from(d)), "day {d}");
                }
            }
        }
        assert!(DayTable::new(&[None, None, None]).dates.is_empty());
    }
}
