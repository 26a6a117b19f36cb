//! Decisions on profile updates: fields only staff may change.

use super::checks::Ctx;
use super::reason::{ReasonCode, Sentence};
use crate::error::Error;

pub(super) fn decide_profile(ctx: &mut Ctx<'_>, field: &str) -> Result<(), Error> {
    ctx.facts()?;
    ctx.member()?;
    ctx.check_online(None);
    if ctx.rules.staff_only_fields.iter().any(|f| f == field) {
        ctx.add(ReasonCode::StaffOnlyField, Sentence::StaffOnlyField(field.into()));
    }
    Ok(())
}
