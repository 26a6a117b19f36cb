//! Typed fast path for the assessment of one member on one date: status, renewal or its refusal,
//! the renewal quote's total, and optionally the online renewal decision, in one call.

use amscore::Assessment;

use crate::typed::{recycle, NO_DATE};
use crate::{
    ams_date, ams_decision, ams_engine, ams_member_status, ams_membership, ams_money, ams_renewal, ams_result, deref,
    guard, out_ptr, Failure,
};

/// What amscore says of one member on one date (`ams_engine_assess`): the core's per-member
/// answer (`Engine::assess`, the one the main job gives), converted.
///
/// Each part that can be missing has a result code beside it: `AMS_RESULT_OK` when the part is
/// there, otherwise why it is not (the part itself is then zeroed). The message of such a code is
/// `ams_result_message`; the call's last error is not changed by a refused part.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ams_assessment {
    /// The status on the date, with what it allows.
    pub status: ams_member_status,
    /// `AMS_RESULT_OK` when `renewal` holds the renewal; otherwise why renewing on the date is
    /// refused (the first reason, such as `AMS_RESULT_RENEWAL_WINDOW_NOT_OPEN`).
    pub renewal_result: ams_result,
    /// The renewal on the date, when `renewal_result` is `AMS_RESULT_OK`; otherwise zeroed
    /// (`AMS_RENEWAL_KIND_NONE`, plan NULL).
    pub renewal: ams_renewal,
    /// Whether `refused_until` is set: the refusal stops applying on a known day.
    pub has_refused_until: bool,
    /// The first day the renewal's refusal no longer applies (the day the renewal window opens).
    pub refused_until: ams_date,
    /// `AMS_RESULT_OK` when `quote_total` holds the renewal quote's total; otherwise why there is
    /// none (the renewal's refusal when renewing is refused, else why it cannot be priced).
    pub quote_result: ams_result,
    /// The renewal quote's total, fees included; zeroed when `quote_result` is not OK.
    pub quote_total: ams_money,
    /// Whether `decision` holds the online decision on renewing that day (asked for with
    /// `decide`, and decided).
    pub has_decision: bool,
    /// `AMS_RESULT_OK`, or why the decision asked for could not be made.
    pub decision_result: ams_result,
    /// The online decision on renewing that day (a renewal request at the start of the day, the
    /// membership the only fact), when `has_decision`; otherwise zeroed (`AMS_ROUTE_NONE`).
    pub decision: ams_decision,
}

/// The code of a part's error.
fn code(err: &amscore::Error) -> ams_result {
    Failure::core(err).result
}

impl ams_assessment {
    /// The C form of a core assessment: each part converted, each missing part's error as its code.
    fn from_core(engine: &amscore::Engine, a: &Assessment) -> ams_assessment {
        let (renewal_result, renewal) = match a
            .renewal
            .as_ref()
            .map_err(code)
            .and_then(|r| ams_renewal::from_core(engine, r).map_err(|f| f.result))
        {
            Ok(r) => (ams_result::Ok, r),
            Err(c) => (c, ams_renewal::NONE),
        };
        let (quote_result, quote_total) =
            match a.quote_total.as_ref().map_err(code).and_then(|t| ams_money::from_money(t).map_err(|f| f.result)) {
                Ok(t) => (ams_result::Ok, t),
                Err(c) => (c, ams_money::NONE),
            };
        let (decision_result, decision) = match &a.decision {
            None => (ams_result::Ok, None),
            Some(d) => match d.as_ref().map_err(code).and_then(|d| ams_decision::from_core(d).map_err(|f| f.result)) {
                Ok(d) => (ams_result::Ok, Some(d)),
                Err(c) => (c, None),
            },
        };
        let refused_until = a.refused_until();
        ams_assessment {
            status: ams_member_status::from(&a.status),
            renewal_result,
            renewal,
            has_refused_until: refused_until.is_some(),
            refused_until: refused_until.map_or(NO_DATE, ams_date::from),
            quote_result,
            quote_total,
            has_decision: decision.is_some(),
            decision_result,
            decision: decision.unwrap_or(ams_decision::NONE),
        }
    }
}

/// Assesses a membership on `date` for a renewal of `terms` terms: its status, the renewal or
/// why it is refused, the renewal quote's total or why there is none and, with `decide`, the
/// online decision on renewing that day: the core's per-member answer (`Engine::assess`), with the
/// same status, renewal, total and decision as `ams_engine_status_on`,
/// `ams_engine_renewal_term`, `ams_engine_quote_renewal_total` and `ams_engine_decide_renew`
/// (asked at 00:00 with no other facts) give, in one call.
///
/// A refused renewal or quote is part of the answer (a code in `renewal_result`,
/// `quote_result`), not a failure of the call; the call fails only for facts that have no status.
///
/// # Safety
/// `engine` must come from `ams_engine_new_*`; `membership` must point to a valid
/// `ams_membership` whose `plan` is valid for `plan_len` bytes; `assessment_out` must be valid
/// for writing.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, `AMS_RESULT_INPUT_TOO_LONG`, `AMS_RESULT_INVALID_UTF8`, `AMS_RESULT_INVALID_PARAMETER`,
/// `AMS_RESULT_INVALID_DATE`, and the lifecycle errors (1300 block), as `ams_engine_status_on`.
#[no_mangle]
pub unsafe extern "C" fn ams_engine_assess(
    engine: *const ams_engine,
    membership: *const ams_membership,
    date: ams_date,
    terms: u32,
    decide: bool,
    assessment_out: *mut ams_assessment,
) -> ams_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { deref(engine, "engine") }?;
        // SAFETY: the caller's contract.
        let membership = unsafe { deref(membership, "membership") }?;
        let assessment_out = out_ptr(assessment_out, "assessment_out")?;
        // SAFETY: the caller's contract.
        let m = unsafe { membership.read() }?;
        let a = date.to_date("date").and_then(|d| Ok(engine.engine.assess(&m, d, terms, decide)?));
        recycle(m.plan);
        let out = ams_assessment::from_core(&engine.engine, &a?);
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { assessment_out.write(out) };
        Ok(())
    })
}
