//! The error of a member's facts, or of a question about them (a term that ends before it
//! starts, a date before joining, a plan the policy lacks).

use time::Date;

use crate::codes::error_codes;
use crate::period::DateError;

/// An error in a member's facts, or in a question about them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// The membership names a plan the policy does not have.
    #[error("unknown plan `{plan}`")]
    UnknownPlan {
        /// The plan id that was given.
        plan: String,
    },
    /// The question is about a date before the member joined.
    #[error("{date} is before the member joined on {member_since}")]
    DateBeforeJoin {
        /// The date asked about.
        date: Date,
        /// The member's join date.
        member_since: Date,
    },
    /// A term whose end is before its start.
    #[error("term ends on {end}, before it starts on {start}")]
    TermEndsBeforeStart {
        /// The term's start.
        start: Date,
        /// The term's end.
        end: Date,
    },
    /// No status rule matched the date (the policy's rule list has a hole).
    #[error("no status rule matches {date}")]
    NoStatusRuleMatched {
        /// The date asked about.
        date: Date,
    },
    /// A date arithmetic error while evaluating the rules.
    #[error("{0}")]
    Date(#[from] DateError),
    /// The member's join date is after the current term's end: the facts contradict each other.
    #[error("member since {member_since} is after the term's end {term_end}")]
    JoinedAfterTermEnd {
        /// The member's join date.
        member_since: Date,
        /// The term's end.
        term_end: Date,
    },
    /// A term with no end on a plan that is not lifetime: every term of such a plan ends.
    #[error("plan `{plan}` is not a lifetime plan: its term needs an end")]
    TermEndMissing {
        /// The plan.
        plan: String,
    },
    /// A term with an end on a lifetime plan: a lifetime term never ends.
    #[error("plan `{plan}` is a lifetime plan: its term has no end (given {end})")]
    TermEndOnLifetimePlan {
        /// The plan.
        plan: String,
        /// The end that was given.
        end: Date,
    },
    /// The member died before they joined: the facts contradict each other.
    #[error("deceased on {deceased_on}, before the member joined on {member_since}")]
    DeceasedBeforeJoin {
        /// The day the member died.
        deceased_on: Date,
        /// The member's join date.
        member_since: Date,
    },
    /// The membership was cancelled before the member joined: the facts contradict each other.
    #[error("cancelled on {cancelled_on}, before the member joined on {member_since}")]
    CancelledBeforeJoin {
        /// The day the membership was cancelled.
        cancelled_on: Date,
        /// The member's join date.
        member_since: Date,
    },
    /// A staff-entered term start after the join date.
    #[error("start: the term's start {start} is after the join date {date}")]
    JoinStartAfterDate {
        /// The start given.
        start: Date,
        /// The join date.
        date: Date,
    },
    /// A staff-entered term end before the term's start.
    #[error("end: the term's end {end} is before its start {start}")]
    JoinEndBeforeStart {
        /// The end given.
        end: Date,
        /// The term's start.
        start: Date,
    },
    /// A staff-entered term end before the join date: nothing of the term is left to join.
    #[error("end: the term's end {end} is before the join date {date}")]
    JoinEndBeforeDate {
        /// The end given.
        end: Date,
        /// The join date.
        date: Date,
    },
    /// A staff-entered term end after the end of the terms bought.
    #[error("end: the term's end {end} is after {latest}, the end of the terms bought (buy more terms)")]
    JoinEndAfterTerms {
        /// The end given.
        end: Date,
        /// The last day of the terms bought.
        latest: Date,
    },
    /// A staff-entered term end on a lifetime plan, whose term never ends.
    #[error("end: plan `{plan}` is lifetime; its term has no end to set")]
    JoinEndOnLifetimePlan {
        /// The plan.
        plan: String,
    },
    /// A join after the one expiry date of a `fixed_date` plan: its term would end before it starts.
    #[error("plan `{plan}` expires on {expires} for every member: a join on {date} is after it")]
    JoinAfterPlanExpiry {
        /// The plan.
        plan: String,
        /// Its one expiry date.
        expires: Date,
        /// The join date.
        date: Date,
    },
    /// A pause that ends before it starts.
    #[error("pause ends on {to}, before it starts on {from}")]
    PauseEndsBeforeStart {
        /// The pause's first day.
        from: Date,
        /// The pause's last day.
        to: Date,
    },
    /// A pause that is not inside the current term.
    #[error("pause {from} to {to} is not inside the term {term_start} to {}", term_end.map_or_else(|| "(no end)".to_owned(), |e| e.to_string()))]
    PauseOutsideTerm {
        /// The pause's first day.
        from: Date,
        /// The pause's last day.
        to: Date,
        /// The term's first day.
        term_start: Date,
        /// The term's last day (`None`: lifetime).
        term_end: Option<Date>,
    },
    /// A pause on a lifetime plan: its term has no end to extend and no share of its dues
    /// belongs to a stretch of days (hold a lifetime member with a status override instead).
    #[error("plan `{plan}` is a lifetime plan: its membership cannot be paused (use a status override)")]
    PauseOnLifetimePlan {
        /// The plan.
        plan: String,
    },
}

impl LifecycleError {
    /// Where in the member's facts the error is, for the errors that name a field
    /// (`membership.pause`); the others are about the facts as a whole.
    pub fn path(&self) -> Option<&'static str> {
        match self {
            LifecycleError::PauseEndsBeforeStart { .. }
            | LifecycleError::PauseOutsideTerm { .. }
            | LifecycleError::PauseOnLifetimePlan { .. } => Some("membership.pause"),
            _ => None,
        }
    }
}

error_codes!(LifecycleError, "lifecycle", LIFECYCLE_ERRORS, {
    LifecycleError::UnknownPlan { .. } => 1301, "unknown_plan";
    LifecycleError::DateBeforeJoin { .. } => 1302, "date_before_join";
    LifecycleError::TermEndsBeforeStart { .. } => 1303, "term_ends_before_start";
    LifecycleError::NoStatusRuleMatched { .. } => 1304, "no_status_rule_matched";
    LifecycleError::Date(_) => 1305, "status_date_out_of_range";
    LifecycleError::JoinedAfterTermEnd { .. } => 1306, "joined_after_term_end";
    LifecycleError::TermEndMissing { .. } => 1307, "term_end_missing";
    LifecycleError::TermEndOnLifetimePlan { .. } => 1308, "term_end_on_lifetime_plan";
    LifecycleError::DeceasedBeforeJoin { .. } => 1309, "deceased_before_join";
    LifecycleError::CancelledBeforeJoin { .. } => 1310, "cancelled_before_join";
    LifecycleError::JoinStartAfterDate { .. } => 1320, "join_start_after_date";
    LifecycleError::JoinEndBeforeStart { .. } => 1321, "join_end_before_start";
    LifecycleError::JoinEndBeforeDate { .. } => 1322, "join_end_before_date";
    LifecycleError::JoinEndAfterTerms { .. } => 1323, "join_end_after_terms";
    LifecycleError::JoinEndOnLifetimePlan { .. } => 1324, "join_end_on_lifetime_plan";
    LifecycleError::JoinAfterPlanExpiry { .. } => 1325, "join_after_plan_expiry";
    LifecycleError::PauseEndsBeforeStart { .. } => 1350, "pause_ends_before_start";
    LifecycleError::PauseOutsideTerm { .. } => 1351, "pause_outside_term";
    LifecycleError::PauseOnLifetimePlan { .. } => 1352, "pause_on_lifetime_plan";
});
