//! Member success: activity, engagement scores, segments, journeys, at-risk interventions,
//! expansion lists and retention measurement, as pure and explainable functions of
//! (policy, roster history, activity log, date).
//!
//! Every batch function takes the whole roster and activity log and returns a result for every
//! good row and a [`RowError`] for every bad one: nothing is silently dropped.
//!
//! Measurement keeps ratios exact: counts stay integers, and every rate, tenure and lifetime value
//! is one fraction of them, divided and rounded once, at the end. So the classic example
//! (9,500 members a year ago, 8,000 of them still here) gives an average tenure of exactly 19/3
//! years and a lifetime value of 225 × 19/3 = 1,425.00 — not the 1,424.92 that published versions
//! get by rounding the tenure to 6.333 first.
//!
//! ```
//! use amscore::success::{snapshot_metrics, Economics, SnapshotCounts};
//! use amscore::Currency;
//! use rust_decimal::Decimal;
//! let counts = SnapshotCounts { members_now: 10_000, joined_last_12_months: 2_000, members_year_ago: 9_500 };
//! let econ = Economics::new(Currency::USD, Decimal::from(125), Decimal::from(100));
//! let m = snapshot_metrics(&counts, Some(&econ), amscore::Rounding::HalfAwayFromZero)?;
//! assert_eq!(m.renewal_rate.percent.unwrap().to_string(), "84.21");
//! assert_eq!(m.average_tenure.as_ref().unwrap().exact, "19/3");
//! assert_eq!(m.lifetime_value.as_ref().unwrap().gross.to_string(), "1425.00 USD");
//! # Ok::<(), amscore::success::SuccessError>(())
//! ```

mod activity;
mod activity_log;
mod calibration;
mod engagement;
pub(crate) mod error;
mod expansion;
mod intervention;
mod journey;
mod metrics;
mod policy;
pub(crate) mod reminder_error;
mod reminder_policy;
mod reminders;
mod report;
mod roster;
mod segment;

pub use crate::member::MemberHistory;
pub use crate::row_error::{RowError, Source};
pub use activity::{ActivityEvent, ActivityKind, Cap, CapPeriod, KindId};
pub use activity_log::{parse_activity_csv, read_events, ActivityLog, CodedEventRow, EventRow, Events};
pub use calibration::{calibration, Calibration, Decile, Outcome};
pub use engagement::{
    engagement_scores, organization_rollup, Decay, DecayStep, EngagementReport, KindPoints, MemberScore,
    OrganizationScore,
};
pub use error::SuccessError;
pub use expansion::{
    renewal_due, upgrade_candidates, RenewalDue, RenewalDueReport, UpgradeCandidate, UpgradeReport, UpgradeRule,
};
pub use intervention::{at_risk, AtRiskReport, AtRiskRule, PreviousTrigger, Suppressed, Trigger, TriggerReason};
pub use journey::{
    journeys, Anchor, Journey, JourneyReport, MemberJourney, Milestone, MilestoneState, MilestoneStatus,
};
pub use metrics::{
    cohort_table, retention_metrics, snapshot_metrics, CohortCell, CohortRow, CohortTable, Economics, LifetimeValue,
    Rate, RetentionMetrics, RosterRetention, SnapshotCounts, Tenure,
};
pub use policy::{ReinstatedAs, SuccessPolicy};
pub use reminder_error::ReminderError;
pub use reminder_policy::{
    Fatigue, MessageCap, PolicyDate, ReminderStep, RemindersPolicy, Sequence, SequenceAnchor, Weekday,
};
pub use reminders::{
    reminders_due, reminders_forecast, DueMessage, ForecastRow, HeldMessage, ReminderForecast, RemindersReport,
    SentMessage, Suppression, MAX_FORECAST_DAYS,
};
pub use report::{format_at_risk, format_retention, METRIC_DEFINITIONS};
pub use roster::MemberFacts;
pub use segment::{segments, Comparison, Fact, MemberSegments, Rule, Segment, SegmentMatch, SegmentReport, Test};

pub(crate) use error::SUCCESS_ERRORS;
pub(crate) use reminder_error::REMINDER_ERRORS;

/// What the success analytics read: the core rules and the policy's `success` section
/// ([`Engine::success`](crate::Engine::success) gives it).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The core rules (plans, status table, date conventions).
    pub rules: &'a crate::rules::Rulebook,
    /// The policy's `success` section.
    pub policy: &'a SuccessPolicy,
}
