//! Message reminders over the members and events frames: the sent log arrives as options
//! (rows of `member_id`, `date`, `sequence`, `step`, `channel`, read by the core's serde types),
//! the core decides, and its answer comes back as JSON without its row errors (the Python side
//! builds the frames). Nothing here decides a rule: it only converts types.

use amscore::success::{self, ActivityLog, MemberHistory};
use amscore::RowError;
use time::Date;

use crate::success::{json_answer, split, Answer, Failure, Options};

/// `reminders_due` or `reminders_forecast` (`op`) for the members and events.
pub(crate) fn run(
    engine: &amscore::Engine,
    op: &str,
    members: &[MemberHistory],
    events: &ActivityLog<'_>,
    as_of: Date,
    options: &Options,
) -> Result<(Answer, Vec<RowError>), Failure> {
    let ctx = engine.success();
    let answer = if op == "reminders_due" {
        success::reminders_due(ctx, members, events, &options.sent, as_of)
            .map(|r| split(r, |r| &mut r.errors))
            .and_then(|(r, e)| Ok((json_answer(&r)?, e)))
    } else {
        success::reminders_forecast(ctx, members, events, &options.sent, as_of, options.days.unwrap_or(0))
            .map(|r| split(r, |r| &mut r.errors))
            .and_then(|(r, e)| Ok((json_answer(&r)?, e)))
    };
    answer.map_err(Failure::Core)
}
