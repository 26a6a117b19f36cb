//! Typed fast paths for quotes: the total of a join or renewal quote as an `ams_money`.

use std::ffi::c_char;

use amscore::{Currency, Money, MoneyError};

use crate::typed::{plan_id, recycle};
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

fn seats_arg(seats: u32) -> Option<u32> {
    (seats != 0).then_some(seats)
}

/// The total of the quote for joining `plan` (UTF-8, `plan_len` bytes) on `date` for `terms`
/// terms; `seats` for organisational plans, 0 for the plan's included seats. The same total as
/// the JSON gateway's `quote_join`; its lines are in the gateway's answer.
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
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let plan = unsafe { str_arg(plan, plan_len, AMS_MAX_ID_LEN, "plan") }?;
        let total_out = out_ptr(total_out, "total_out")?;
        let id = plan_id(plan);
        let q = date.to_date("date").and_then(|d| Ok(engine.engine.quote_join(&id, d, terms, seats_arg(seats))?));
        recycle(id);
        let q = q?;
        let total = ams_money::from_money(&q.total)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { total_out.write(total) };
        Ok(())
    })
}

/// The total of the quote for renewing a membership on `date` for `terms` terms (a renewal, a
/// reinstatement with its fee, or a rejoin); `seats` for organisational plans, 0 for the
/// included seats. The same total as the JSON gateway's `quote_renewal`.
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
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let membership = unsafe { deref(membership, "membership") }?;
        let total_out = out_ptr(total_out, "total_out")?;
        // SAFETY: the caller's contract.
        let m = unsafe { membership.read() }?;
        let q = date.to_date("date").and_then(|d| Ok(engine.engine.quote_renewal(&m, d, terms, seats_arg(seats))?));
        recycle(m.plan);
        let q = q?;
        let total = ams_money::from_money(&q.total)?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { total_out.write(total) };
        Ok(())
    })
}
