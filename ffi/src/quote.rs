//! Typed fast paths for quotes: the total of a join or renewal quote as an `ams_money`.

use std::ffi::c_char;

use amscore::{Currency, Money, MoneyError, Remainder};

use crate::typed::{ams_join_dates, plan_id, recycle};
use crate::{
    ams_date, ams_engine, ams_membership, ams_result, deref, guard, out_ptr, str_arg, Failure, AMS_MAX_ID_LEN,
};

/// An exact amount of money: an integer count of the currency's minor units (cents for USD,
/// yen for JPY, fils for KWD) and the ISO 4217 code, NUL-terminated (`"USD"`).
/// `{12345, "USD"}` is 123.45 USD.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_money {
    /// The amount in minor units.
    pub minor_units: i64,
    /// The ISO 4217 currency code, NUL-terminated.
    pub currency: [c_char; 4],
}

impl ams_money {
    /// No amount: zero minor units, an empty currency code.
    pub(crate) const NONE: ams_money = ams_money { minor_units: 0, currency: [0; 4] };

    /// An `ams_money` from a core amount (which must be a whole number of minor units).
    pub(crate) fn from_money(m: &Money) -> Result<ams_money, Failure> {
        let minor_units = m.to_minor_units().map_err(amscore::Error::from)?;
        let mut currency = [0 as c_char; 4];
        for (to, from) in currency.iter_mut().zip(m.currency().code().bytes()) {
            *to = from as c_char;
        }
        Ok(ams_money { minor_units, currency })
    }

    /// The core amount for an `ams_money` given by the caller.
    pub(crate) fn to_money(self, argument: &str) -> Result<Money, Failure> {
        let bytes: Vec<u8> = self.currency.iter().map(|c| *c as u8).take_while(|b| *b != 0).collect();
        let code = std::str::from_utf8(&bytes).map_err(|_| {
            Failure::new(ams_result::InvalidUtf8, format!("{argument}.currency: invalid UTF-8"))
                .at(&format!("{argument}.currency"))
        })?;
        let currency = Currency::from_code(code).map_err(|e: MoneyError| {
            let mut f = Failure::core(&e.into());
            f.message = format!("{argument}.currency: {}", f.message);
            f.at(&format!("{argument}.currency"))
        })?;
        Ok(Money::from_minor_units(self.minor_units, currency))
    }
}

/// Where the minor units left over by an allocation go (`amscore::Remainder`; the JSON names
/// are `largest_remainder`, `first_parts`, `last_parts`, `last`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_remainder {
    /// One unit each to the parts whose exact share lost the most in rounding down (ties to the
    /// earlier part); every part is within one minor unit of its exact share.
    LargestRemainder = 0,
    /// One unit each to the first parts whose exact share is not whole.
    FirstParts = 1,
    /// One unit each to the last parts whose exact share is not whole.
    LastParts = 2,
    /// Every unit left over to the last part of non-zero weight.
    Last = 3,
}

const REMAINDERS: [(ams_remainder, Remainder); 4] = [
    (ams_remainder::LargestRemainder, Remainder::LargestRemainder),
    (ams_remainder::FirstParts, Remainder::FirstParts),
    (ams_remainder::LastParts, Remainder::LastParts),
    (ams_remainder::Last, Remainder::Last),
];

/// Shares `total` among `count` parts in proportion to the whole-number `weights` (70/30, seats
/// per chapter), writing `count` amounts to `parts_out`; the units left over after rounding every
/// share down go where `remainder` (an `ams_remainder`) says. The parts always sum to `total`, and
/// a part of weight 0 is zero. The same parts as the JSON gateway's `allocate`.
///
/// # Safety
/// `weights` must be valid for reading `count` values and `parts_out` for writing `count`
/// values (both may be NULL only when `count` is 0, which is refused).
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INVALID_PARAMETER` (an unknown `remainder`),
/// `AMS_RESULT_ZERO_PARTS` (no weights, or all zero), `AMS_RESULT_TOO_MANY_PARTS` (above 1200),
/// `AMS_RESULT_NEGATIVE_AMOUNT`, money errors (1000 block: an unknown currency, an amount above the
/// largest).
#[no_mangle]
pub unsafe extern "C" fn ams_allocate(
    total: ams_money,
    weights: *const u32,
    count: usize,
    remainder: u32,
    parts_out: *mut ams_money,
) -> ams_result {
    guard(|| {
        let total = total.to_money("total")?;
        let rule = REMAINDERS.iter().find(|(c, _)| *c as u32 == remainder).map(|(_, r)| *r).ok_or_else(|| {
            Failure::new(ams_result::InvalidParameter, format!("remainder: {remainder} is not an ams_remainder"))
                .at("remainder")
        })?;
        let weights: &[u32] = if count == 0 {
            &[]
        } else if count > isize::MAX as usize / std::mem::size_of::<u32>() {
            return Err(Failure::new(
                ams_result::InvalidParameter,
                format!("count: {count} weights cannot be in memory"),
            )
            .at("count"));
        } else {
            let weights = out_ptr(weights.cast_mut(), "weights")?;
            // SAFETY: non-NULL; the caller promises `count` readable values.
            unsafe { std::slice::from_raw_parts(weights.cast_const(), count) }
        };
        let parts = amscore::allocate_by(&total, weights, rule)?;
        let parts_out = out_ptr(parts_out, "parts_out")?;
        for (i, part) in parts.iter().enumerate() {
            let part = ams_money::from_money(part)?;
            // SAFETY: checked non-NULL; the caller promises `count` writable values, and there is
            // one part per weight.
            unsafe { parts_out.add(i).write(part) };
        }
        Ok(())
    })
}

fn seats_arg(seats: u32) -> Option<u32> {
    (seats != 0).then_some(seats)
}

/// The total of the quote for joining `plan` (UTF-8, `plan_len` bytes) on `date` for `terms`
/// terms; `seats` for organisational plans, 0 for the plan's included seats. The same total as
/// the JSON gateway's `quote_join`; its lines are in the gateway's answer. On a taxed plan, the
/// total is the gross (what is due); `ams_engine_quote_join_taxed` also gives the net and tax.
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `plan` must be valid for `plan_len` bytes;
/// `total_out` must be valid for writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_DATE`,
/// `AMS_RESULT_UNKNOWN_PLAN`, `AMS_RESULT_INVALID_TERM_COUNT`, seat errors (2000 block), money
/// errors (1000 block).
#[no_mangle]
pub unsafe extern "C" fn ams_engine_quote_join_total(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    terms: u32,
    seats: u32,
    total_out: *mut ams_money,
) -> ams_result {
    // SAFETY: the caller's contract.
    guard(|| unsafe {
        join_quote(engine, plan, plan_len, date, (terms, seats, std::ptr::null()), false, Outs::Total(total_out))
    })
}

/// `ams_engine_quote_join_total` for a new member who is exempt from tax (`tax_exempt`) or
/// not, with the quote's gross (`gross_out`, the amount due), its net (`net_out`, the lines
/// that are not tax) and its tax (`tax_out`, the sum of the tax lines; zero on a plan without
/// tax): `net + tax = gross`. The same amounts as the gateway's `quote_join` `total`, `net` and
/// `tax`.
///
/// # Safety
/// As `ams_engine_quote_join_total`; `gross_out`, `net_out` and `tax_out` must be valid for
/// writing.
///
/// # Errors
/// As `ams_engine_quote_join_total`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn ams_engine_quote_join_taxed(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    terms: u32,
    seats: u32,
    tax_exempt: bool,
    gross_out: *mut ams_money,
    net_out: *mut ams_money,
    tax_out: *mut ams_money,
) -> ams_result {
    let outs = Outs::Taxed { gross_out, net_out, tax_out };
    // SAFETY: the caller's contract.
    guard(|| unsafe { join_quote(engine, plan, plan_len, date, (terms, seats, std::ptr::null()), tax_exempt, outs) })
}

/// Where a typed quote call writes its amounts: the total alone (the gross, what is due), or
/// the gross, the net and the tax.
#[derive(Clone, Copy)]
enum Outs {
    /// `total_out`.
    Total(*mut ams_money),
    /// `gross_out`, `net_out` and `tax_out`.
    Taxed { gross_out: *mut ams_money, net_out: *mut ams_money, tax_out: *mut ams_money },
}

impl Outs {
    /// Checks the out-pointers, in order.
    fn check(self) -> Result<(), Failure> {
        match self {
            Outs::Total(total_out) => out_ptr(total_out, "total_out").map(drop),
            Outs::Taxed { gross_out, net_out, tax_out } => {
                out_ptr(gross_out, "gross_out")?;
                out_ptr(net_out, "net_out")?;
                out_ptr(tax_out, "tax_out")?;
                Ok(())
            }
        }
    }

    /// Writes a quote's gross and, for [`Outs::Taxed`], its net and tax, working every amount
    /// out before writing any.
    fn write(self, q: &amscore::Quote) -> Result<(), Failure> {
        let (gross_out, parts) = match self {
            Outs::Total(total_out) => (out_ptr(total_out, "total_out")?, None),
            Outs::Taxed { gross_out, net_out, tax_out } => {
                (out_ptr(gross_out, "gross_out")?, Some((out_ptr(net_out, "net_out")?, out_ptr(tax_out, "tax_out")?)))
            }
        };
        let gross = ams_money::from_money(&q.gross())?;
        let parts = match parts {
            Some((net_out, tax_out)) => {
                let net = ams_money::from_money(&q.net().map_err(amscore::Error::from)?)?;
                let tax = ams_money::from_money(&q.tax().map_err(amscore::Error::from)?)?;
                Some((net_out, net, tax_out, tax))
            }
            None => None,
        };
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { gross_out.write(gross) };
        if let Some((net_out, net, tax_out, tax)) = parts {
            // SAFETY: checked non-NULL; the caller's contract.
            unsafe { net_out.write(net) };
            // SAFETY: checked non-NULL; the caller's contract.
            unsafe { tax_out.write(tax) };
        }
        Ok(())
    }
}

/// The join quote the typed calls read, written into `outs`: `terms`, `seats` (0: the plan's
/// included seats) and the staff-entered `dates` (NULL: none); the out-pointers are checked
/// after the engine and the plan, before the dates and the date.
///
/// # Safety
/// As `ams_engine_quote_join_dated_total`.
unsafe fn join_quote(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    (terms, seats, dates): (u32, u32, *const ams_join_dates),
    tax_exempt: bool,
    outs: Outs,
) -> Result<(), Failure> {
    // SAFETY: the caller's contract.
    let engine = unsafe { deref(engine, "engine") }?;
    // SAFETY: the caller's contract.
    let plan = unsafe { str_arg(plan, plan_len, AMS_MAX_ID_LEN, "plan") }?;
    outs.check()?;
    // SAFETY: the caller's contract (NULL is no dates).
    let dates = match unsafe { dates.as_ref() } {
        Some(d) => d.to_dates()?,
        None => amscore::JoinDates::default(),
    };
    let options = amscore::JoinOptions { terms, seats: seats_arg(seats), dependants: None, tax_exempt, dates };
    let id = plan_id(plan);
    let q = date.to_date("date").and_then(|d| Ok(engine.engine.quote_join_with(&id, d, &options)?));
    recycle(id);
    outs.write(&q?)
}

/// [`ams_engine_quote_join_total`] with staff-entered dates (`dates` may be NULL: no dates): the
/// dues run from `date` to the term's end. The same total as the JSON gateway's `quote_join` with
/// `start` and `end`.
///
/// # Safety
/// As [`ams_engine_quote_join_total`]; `dates`, when not NULL, must point to a valid
/// `ams_join_dates`.
///
/// # Errors
/// Those of [`ams_engine_quote_join_total`], and the dates' lifecycle errors (1320 to 1324).
#[no_mangle]
pub unsafe extern "C" fn ams_engine_quote_join_dated_total(
    engine: *const ams_engine,
    plan: *const c_char,
    plan_len: usize,
    date: ams_date,
    terms: u32,
    seats: u32,
    dates: *const ams_join_dates,
    total_out: *mut ams_money,
) -> ams_result {
    // SAFETY: the caller's contract.
    guard(|| unsafe { join_quote(engine, plan, plan_len, date, (terms, seats, dates), false, Outs::Total(total_out)) })
}

/// The total of the quote for renewing a membership on `date` for `terms` terms (a renewal, a
/// reinstatement with its fee, or a rejoin); `seats` for organisational plans, 0 for the
/// included seats. The same total as the JSON gateway's `quote_renewal`: on a taxed plan, the
/// gross (the membership's `tax_exempt` says whether the member pays tax);
/// `ams_engine_quote_renewal_taxed` also gives the net and tax.
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `membership` must point to a valid
/// `ams_membership` whose `plan` is valid for `plan_len` bytes; `total_out` must be valid for
/// writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_PARAMETER`,
/// `AMS_RESULT_INVALID_DATE`, the errors of `ams_engine_renewal_term`, seat and money errors.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_quote_renewal_total(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    terms: u32,
    seats: u32,
    total_out: *mut ams_money,
) -> ams_result {
    // SAFETY: the caller's contract.
    guard(|| unsafe { renewal_quote(engine, membership, date, terms, seats, Outs::Total(total_out)) })
}

/// `ams_engine_quote_renewal_total` with the quote's gross (`gross_out`, the amount due), net
/// (`net_out`) and tax (`tax_out`): `net + tax = gross`. The same amounts as the gateway's
/// `quote_renewal` `total`, `net` and `tax`.
///
/// # Safety
/// As `ams_engine_quote_renewal_total`; `gross_out`, `net_out` and `tax_out` must be valid for
/// writing.
///
/// # Errors
/// As `ams_engine_quote_renewal_total`.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_quote_renewal_taxed(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    terms: u32,
    seats: u32,
    gross_out: *mut ams_money,
    net_out: *mut ams_money,
    tax_out: *mut ams_money,
) -> ams_result {
    let outs = Outs::Taxed { gross_out, net_out, tax_out };
    // SAFETY: the caller's contract.
    guard(|| unsafe { renewal_quote(engine, membership, date, terms, seats, outs) })
}

/// The renewal quote the typed calls read, written into `outs`; the out-pointers are checked
/// after the engine and the membership, before reading the membership.
///
/// # Safety
/// As `ams_engine_quote_renewal_total`.
unsafe fn renewal_quote(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    terms: u32,
    seats: u32,
    outs: Outs,
) -> Result<(), Failure> {
    // SAFETY: the caller's contract.
    let engine = unsafe { deref(engine, "engine") }?;
    // SAFETY: the caller's contract.
    let membership = unsafe { deref(membership, "membership") }?;
    outs.check()?;
    // SAFETY: the caller's contract.
    let m = unsafe { membership.read() }?;
    let q = date.to_date("date").and_then(|d| Ok(engine.engine.quote_renewal(&m, d, terms, seats_arg(seats))?));
    recycle(m.plan);
    outs.write(&q?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header_enumerators;

    #[test]
    fn ams_remainder_numbers_every_core_rule_by_its_name() {
        let header = header_enumerators("AMS_REMAINDER_");
        assert_eq!(header.len(), Remainder::ALL.len());
        for rule in Remainder::ALL {
            let (c, _) = REMAINDERS.iter().find(|(_, r)| *r == rule).expect("every rule has a C number");
            assert_eq!(header.get(rule.as_str()), Some(&(*c as u32)), "AMS_REMAINDER_ for {}", rule.as_str());
        }
    }
}
