//! The success analytics over DataFrames: the glue between the frames (written by
//! `amscore/_success.py` as a roster CSV, per-row member facts and an activity-log CSV) and the
//! core's `amscore::success` functions. All reading and checking of rows is the core's
//! (`Roster::from_csv`, `parse_activity_csv`, the success functions' row errors); this file only
//! assembles their inputs and keeps track of which frame row each result and error belongs to.

use std::collections::BTreeMap;
use std::str::FromStr;

use amscore::success::{self, ActivityEvent, Economics, MemberHistory, PreviousTrigger, RowError, SuccessError};
use amscore::Roster;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::Date;

/// The member facts the roster CSV has no column for, as given on one roster row.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extras {
    #[serde(default)]
    auto_renew: Option<bool>,
    #[serde(default)]
    balance_due: Option<String>,
    #[serde(default)]
    organization: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

/// What `_success` computes: the core's answer, and every problem with the frame row it belongs to.
pub(crate) struct Outcome {
    /// The core's answer, as JSON.
    pub(crate) result: Value,
    /// Every bad row: `{"source", "row", "member_id", "field", "code", "name", "message"}`, where
    /// `row` is the 0-based position in the members or events frame.
    pub(crate) errors: Vec<Value>,
    /// For `members[i]` of the core's input, the frame row of the member's latest term.
    pub(crate) member_rows: Vec<usize>,
}

/// An error raised for the whole call (a roster with a missing or unknown column, a request value
/// the core refuses), with the path where known.
pub(crate) enum Failure {
    Roster(amscore::RosterError),
    Success(SuccessError),
}

fn row_error(source: &str, row: Option<usize>, member_id: Option<&str>, field: Option<&str>, e: &RowError) -> Value {
    json!({"source": source, "row": row, "member_id": member_id, "field": field,
           "code": e.code, "name": e.name, "message": e.message})
}

/// `members[3]` → 3; `events[17]` → 17; `line 5.date` → (5, Some("date")).
fn index_of(row: &str) -> Option<usize> {
    row.split('[').nth(1)?.trim_end_matches(']').parse().ok()
}

/// The members of a roster CSV, with the per-row extras applied from each member's latest term.
fn members(
    engine: &amscore::Engine,
    roster_csv: &str,
    extras: &[Option<Extras>],
    errors: &mut Vec<Value>,
) -> Result<(Vec<MemberHistory>, Vec<usize>), Failure> {
    let roster = Roster::from_csv(engine, roster_csv.as_bytes()).map_err(Failure::Roster)?;
    for p in &roster.problems {
        errors.push(json!({"source": "members", "row": p.row - 1, "member_id": p.member_id,
                           "field": p.field.map(|f| f.as_str()), "code": p.code(), "name": p.name(),
                           "message": p.to_string()}));
    }
    let mut out = Vec::with_capacity(roster.members.len());
    let mut rows = Vec::with_capacity(roster.members.len());
    for record in &roster.members {
        let mut h = MemberHistory::from(record);
        let latest = record.history.iter().max_by_key(|t| (t.term.start, t.row)).map_or(0, |t| t.row - 1);
        if let Some(Some(x)) = extras.get(latest) {
            h.auto_renew = x.auto_renew.unwrap_or(false);
            h.organization.clone_from(&x.organization);
            h.attributes.clone_from(&x.attributes);
            if let Some(text) = &x.balance_due {
                match Decimal::from_str(text) {
                    Ok(d) => h.balance_due = d,
                    Err(_) => {
                        let err = SuccessError::InvalidInput {
                            path: "balance_due".into(),
                            message: format!("`{text}` is not a decimal amount"),
                        };
                        let e = RowError::new(format!("members[{latest}]"), Some(h.id().clone()), &err);
                        errors.push(row_error("members", Some(latest), Some(&h.id().0), Some("balance_due"), &e));
                        continue;
                    }
                }
            }
        }
        out.push(h);
        rows.push(latest);
    }
    Ok((out, rows))
}

/// The events of an activity-log CSV and, for `events[j]`, the frame row it came from.
fn events(activity_csv: &str, errors: &mut Vec<Value>) -> (Vec<ActivityEvent>, Vec<usize>) {
    let (events, bad) = success::parse_activity_csv(activity_csv);
    let mut bad_lines = Vec::with_capacity(bad.len());
    for e in &bad {
        // `line 5` or `line 5.date`; line 1 is the header, so frame row = line - 2.
        let rest = e.row.trim_start_matches("line ");
        let line: usize = rest.parse().unwrap_or(0);
        let field = e.message.split_once(':').and_then(|(p, _)| p.split_once('.')).map(|(_, f)| f);
        bad_lines.push(line);
        errors.push(row_error("events", line.checked_sub(2), None, field, e));
    }
    let rows = activity_csv
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(i, l)| !l.trim().is_empty() && !bad_lines.contains(&(i + 1)))
        .map(|(i, _)| i - 1)
        .collect();
    (events, rows)
}

/// Options of the calls, as given from Python.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    #[serde(default)]
    seats: BTreeMap<String, u32>,
    #[serde(default)]
    previous_triggers: Vec<PreviousTrigger>,
    #[serde(default)]
    economics: Option<Economics>,
    #[serde(default)]
    within_days: Option<u32>,
}

/// Runs one success function over the frames' rows.
pub(crate) fn run(
    engine: &amscore::Engine,
    op: &str,
    roster_csv: &str,
    extras: &[Option<Extras>],
    activity_csv: Option<&str>,
    as_of: Date,
    options: &Options,
) -> Result<Outcome, Failure> {
    let mut errors = Vec::new();
    let (members, member_rows) = members(engine, roster_csv, extras, &mut errors)?;
    let (events, event_rows) = activity_csv.map(|t| events(t, &mut errors)).unwrap_or_default();
    let result = match op {
        "engagement_scores" => {
            json(success::engagement_scores(engine.success(), &members, &events, as_of, &options.seats))
        }
        "segments" => json(success::segments(engine.success(), &members, &events, as_of)),
        "at_risk" => json(success::at_risk(engine.success(), &members, &events, &options.previous_triggers, as_of)),
        "journeys" => json(success::journeys(engine.success(), &members, &events, as_of)),
        "upgrade_candidates" => json(success::upgrade_candidates(engine.success(), &members, &events, as_of)),
        "renewal_due" => json(success::renewal_due(engine.success(), &members, as_of, options.within_days)),
        "retention_metrics" => {
            json(success::retention_metrics(engine.success(), &members, as_of, options.economics.as_ref()))
        }
        "cohort_table" => json(success::cohort_table(engine.success(), &members, as_of)),
        other => Err(Failure::Success(SuccessError::InvalidInput {
            path: "op".into(),
            message: format!("unknown success analysis `{other}`"),
        })),
    };
    let mut result = result?;
    if let Some(Value::Array(row_errors)) = result.get_mut("errors").map(Value::take) {
        for e in row_errors {
            let Ok(e) = serde_json::from_value::<RowError>(e) else { continue };
            // `members[i]` and `events[j]` are positions in the core's inputs: map them back to
            // frame rows; `previous_triggers[k]` is already the position in the given list.
            let source = e.row.split('[').next().unwrap_or_default().to_owned();
            let row = index_of(&e.row).and_then(|i| match source.as_str() {
                "members" => member_rows.get(i).copied(),
                "events" => event_rows.get(i).copied(),
                _ => Some(i),
            });
            let source = source.as_str();
            errors.push(row_error(source, row, e.member_id.as_ref().map(|m| m.0.as_str()), None, &e));
        }
    }
    Ok(Outcome { result, errors, member_rows })
}

/// A success function's answer as JSON, or its error.
fn json<T: Serialize>(answer: Result<T, SuccessError>) -> Result<Value, Failure> {
    let answer = answer.map_err(Failure::Success)?;
    serde_json::to_value(answer).map_err(|e| {
        Failure::Success(SuccessError::InvalidInput { path: String::new(), message: format!("unwritable answer: {e}") })
    })
}
