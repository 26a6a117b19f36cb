//! amscore: the membership rules of an association management system, as pure functions of
//! (policy, member facts, date).
//!
//! An association sells *plans* (membership types). A plan's *term rule* lays out *terms*
//! (rolling, calendar or lifetime); a member's *status* on any date follows from the facts and an
//! ordered table of *status rules*; a *renewal* extends, reinstates or rejoins. The whole rule set
//! is one JSON *policy* document, compiled once into an [`Engine`].
//!
//! For each request a member makes on the website ([`SelfServiceRequest`]), [`Engine::decide`]
//! answers self-service, staff (with a queue) or refused, with every [`Reason`] that applies and,
//! when self-service, the [`Quote`]; [`Engine::decide_batch`] adds the [`CoverageReport`] (where
//! the association stands against 80/20, and which rule costs the most staff work), and
//! [`Engine::what_if`] replays a batch under another policy.
//!
//! Dates are calendar dates with no time zone: the caller says what "today" is. Month arithmetic
//! clamps to the end of the month by default (Jan 31 + 1 month = Feb 28 or 29); the PHP-style
//! overflow rule (Jan 31 + 1 month = Mar 3) is selectable with `settings.month_end` for
//! compatibility presets. See [`MonthEndRule`].
//!
//! ```
//! use amscore::{Engine, Status};
//! use time::macros::date;
//! let engine = Engine::from_preset("amscore")?;
//! let join = engine.join_term(&"individual".into(), date!(2024-02-29))?;
//! // Feb 29 + 1 year clamps to Feb 28; the inclusive end is the day before.
//! assert_eq!(join.term.end, Some(date!(2025-02-27)));
//! # Ok::<(), amscore::Error>(())
//! ```
#![forbid(unsafe_code)]

mod assessment;
mod audit;
mod catalogue;
mod cell;
mod codes;
mod coverage;
mod coverage_period;
mod decision;
mod engine;
mod error;
pub mod gateway;
mod household;
mod json_text;
pub mod kernel;
mod lifecycle_error;
mod member;
mod money;
mod period;
mod plan;
mod policy;
mod policy_error;
mod proration;
mod quote;
mod renewal;
mod request;
mod roster;
mod roster_error;
mod row_error;
mod rules;
mod schema;
mod self_service;
mod status;
pub mod success;
mod tax;
mod term;
mod term_row;
mod work;

pub use assessment::Assessment;
pub use audit::{
    audit_export, format_audit, write_export, AuditError, AuditReport, Disagreement, DisagreementKind, ExportFormat,
    KindCount,
};
pub use catalogue::error_table;
pub use cell::{Cell, Grammar};
pub use codes::{ErrorCode, ErrorInfo};
pub use coverage::{
    format_coverage, format_what_if, parse_request_lines, Batch, CoverageReport, KindShares, QueueRow, ReasonChange,
    ReasonRow, RouteCounts, Standing, Transition, WhatIf, SELF_SERVICE_TARGET,
};
pub use coverage_period::{
    format_coverage_periods, CoveragePeriods, PeriodChange, PeriodCoverage, ReasonDelta, ReportPeriod,
};
pub use decision::{
    parse_self_service_request, Decision, DecisionError, Queue, Reason, ReasonCode, ReasonMessage, Route,
};
pub use engine::Engine;
pub use error::Error;
pub use household::HouseholdError;
pub use json_text::{read_json, TextProblem};
pub use lifecycle_error::LifecycleError;
pub use member::{MemberHistory, TermRecord};
pub use money::{decimal_text, opt_decimal_text, Currency, Money, MoneyError, Rounding};
pub use period::{
    add_days, add_months, parse_date, CalendarRenewal, CalendarRenewalEnd, DateError, DateRules, ExpiryInstant,
    LeapExpiry, Length, MonthDay, MonthEndRule, Offset, RejoinSince, RenewalClose, RenewalEnd, RollingEnd, Unit,
};
pub use plan::{
    Flags, Household, PauseMode, Plan, PlanId, Prices, Seats, Windows, MAX_DEPENDANTS, MAX_SEATS, MAX_TERMS,
};
pub use policy::{Policy, Settings, POLICY_VERSION, PRESETS};
pub use policy_error::PolicyError;
pub use proration::{
    days_360, whole_unused_months, DayCount, Denominator, Fraction, Granularity, MinimumCharge, Proration,
    ProrationUnit, RolloverCharge,
};
pub use quote::{
    allocate, allocate_by, split_even, split_taxed, CancelAt, Cancellation, ChangeMode, Description, DowngradeTiming,
    Instalment, JoinOptions, LineKind, MultiTermDiscount, NegativeNet, Pausing, PlanChange, Quote, QuoteError,
    QuoteKind, QuoteLine, QuoteSettings, RefundPolicy, Remainder, SeatChange,
};
pub use renewal::{LifetimeRenewal, ReinstatementStart, RenewalError, RenewalRules, RenewalTerm, ShortExtension};
pub use request::{
    datetime_text, Action, EventFacts, MemberFacts, RegistrationStatus, RequestKind, SelfServiceRequest,
};
pub use roster::{ProblemCount, Roster};
pub use roster_error::RosterError;
pub use row_error::{RowError, Source};
pub use rules::Rulebook;
pub use schema::{policy_schema, POLICY_SCHEMA_ID};
pub use self_service::{KindRules, PlanRules, ProductRules, SelfServicePolicy};
pub use status::{
    default_status_rules, Boundary, Event, MemberId, MemberStatus, Membership, Pause, RenewalKind, Status,
    StatusBeforeJoin, StatusOverride, StatusRule,
};
pub use tax::{apply_tax, FeeKind, PlanTax, TaxBasis, TaxComponent, TaxItem, TaxLine, TaxPrices, TaxRounding, Taxed};
pub use term::{
    CalendarJoinStart, CalendarPeriod, DayOfMonth, ExpiryDay, JoinDates, JoinTerm, RolloverDays, Term, TermRule,
};
pub use term_row::{Column, TermRow};
pub use work::{
    format_staff_queues, minutes_text, staff_queues, AgedItem, Assignment, BusinessCalendar, OwnerLoad, Ownership,
    QueueLoad, QueueOwner, ReasonOwner, Resolution, ServiceLevel, StaffPolicy, StaffQueues, WorkDay, WorkError,
    WorkItem, WorkWeek,
};

/// The crate's version, from Cargo.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
