//! Result codes (`ams_result`), their names and messages, and the per-thread last error detail.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};

use amscore::ErrorCode;

/// The outcome of a fallible call. `AMS_RESULT_OK` is 0; codes 1 to 99 belong to the C API
/// itself; codes from 1000 up are the core's error codes, numbered in blocks by concern (1000
/// money, 1100 dates, 1200 policy, 1300 lifecycle, 1400 renewal, 1500 roster, 1600 gateway
/// requests, 2000 quotes, 3000 self-service decisions, 4000 member success, 5000 reminders, 5100
/// staff work, 5200 audits of exports). Codes are never renumbered or reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ams_result {
    /// Success.
    Ok = 0,
    /// A pointer argument was NULL.
    NullParameter = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The output buffer is too small; the needed size was written to `out_n`.
    InsufficientSize = 3,
    /// amscore panicked (a bug); the panic was caught at the C boundary.
    Panic = 4,
    /// An argument holds a value outside its type's range (a status number that is no `ams_status`).
    InvalidParameter = 5,
    /// A core error this build of the C API has no code for (the test suite keeps this from happening).
    UnmappedError = 6,
    /// A length argument above the largest input the argument takes (`AMS_MAX_DOCUMENT_LEN` for
    /// a JSON document, `AMS_MAX_ID_LEN` for an id or a name), such as `(size_t)-1`.
    InputTooLong = 7,
    /// An Arrow C stream that fails, or gives what amscore cannot read: a schema or an array that
    /// is not valid Arrow, a column of a type amscore does not read there, a date with a time of
    /// day (`ams_engine_assess_stream`).
    InvalidArrow = 8,
    /// Not an ISO 4217 currency code.
    UnknownCurrency = 1001,
    /// Arithmetic on amounts in different currencies.
    CurrencyMismatch = 1002,
    /// An amount that cannot be read as a decimal.
    InvalidAmount = 1003,
    /// An amount overflowed.
    AmountOverflow = 1004,
    /// An amount has more decimal places than its currency allows.
    AmountTooPrecise = 1005,
    /// Date arithmetic left the supported range.
    DateOutOfRange = 1101,
    /// A month-day that does not exist.
    InvalidMonthDay = 1102,
    /// A date that does not exist or cannot be read.
    InvalidDate = 1103,
    /// A policy that is not valid JSON or has a value of the wrong type.
    PolicySyntax = 1201,
    /// A policy field that is not allowed.
    UnknownField = 1202,
    /// A required policy field is missing.
    MissingField = 1203,
    /// A policy version this build does not read.
    UnsupportedVersion = 1204,
    /// A policy value that is out of range.
    InvalidValue = 1205,
    /// Two plans with the same id.
    DuplicatePlan = 1206,
    /// A policy refers to a plan it does not define.
    UnknownPlanReference = 1207,
    /// A calendar plan's rollover day falls outside its period.
    RolloverOutsidePeriod = 1208,
    /// A plan priced in a currency other than the policy's.
    PlanCurrencyMismatch = 1209,
    /// No preset has that name.
    UnknownPreset = 1210,
    /// A plan with both seats and a household.
    HouseholdWithSeats = 1240,
    /// A term that ends on a day of the month, with a length in days.
    ExpiryDayNeedsMonths = 1230,
    /// A plan's renewal close given together with a reinstatement window.
    RenewalCloseWithReinstatement = 1231,
    /// The membership names a plan the policy does not have.
    UnknownPlan = 1301,
    /// The date asked about is before the member joined.
    DateBeforeJoin = 1302,
    /// The membership's term ends before it starts.
    TermEndsBeforeStart = 1303,
    /// No status rule matched the date.
    NoStatusRuleMatched = 1304,
    /// Date arithmetic left the supported range while computing a status.
    StatusDateOutOfRange = 1305,
    /// The member joined after the current term's end.
    JoinedAfterTermEnd = 1306,
    /// The membership's term has no end, but its plan is not a lifetime plan.
    TermEndMissing = 1307,
    /// The membership's term has an end, but its plan is a lifetime plan.
    TermEndOnLifetimePlan = 1308,
    /// The member died before they joined.
    DeceasedBeforeJoin = 1309,
    /// The membership was cancelled before the member joined.
    CancelledBeforeJoin = 1310,
    /// A staff-entered term start after the join date.
    JoinStartAfterDate = 1320,
    /// A staff-entered term end before the term's start.
    JoinEndBeforeStart = 1321,
    /// A staff-entered term end before the join date.
    JoinEndBeforeDate = 1322,
    /// A staff-entered term end after the end of the terms bought.
    JoinEndAfterTerms = 1323,
    /// A staff-entered term end on a lifetime plan.
    JoinEndOnLifetimePlan = 1324,
    /// A join after the one expiry date of a `fixed_date` plan.
    JoinAfterPlanExpiry = 1325,
    /// The membership's pause ends before it starts.
    PauseEndsBeforeStart = 1350,
    /// The membership's pause is not inside the current term.
    PauseOutsideTerm = 1351,
    /// A lifetime membership cannot be paused.
    PauseOnLifetimePlan = 1352,
    /// The renewal window has not opened yet.
    RenewalWindowNotOpen = 1401,
    /// Lifetime memberships are not renewed.
    LifetimeNotRenewable = 1402,
    /// The member's status does not allow renewal.
    StatusNotRenewable = 1403,
    /// Zero terms, or more than the plan allows at once.
    InvalidTermCount = 1404,
    /// A back-dated reinstatement would end before the renewal date.
    BackdateTooShort = 1405,
    /// A rejoin on a renewal-only plan: a rejoin has to choose a plan open to new members.
    RejoinOnRenewalOnlyPlan = 1406,
    /// A plan with one expiry date for every member is not renewed.
    OneExpiryDateNotRenewable = 1410,
    /// A roster lacks a required column.
    MissingColumn = 1501,
    /// A roster column amscore does not know.
    UnknownColumn = 1502,
    /// A roster column given twice.
    DuplicateColumn = 1503,
    /// A roster that cannot be read as CSV.
    RosterUnreadable = 1504,
    /// A roster row with the wrong number of fields.
    MalformedRow = 1505,
    /// A required roster value is empty.
    MissingValue = 1506,
    /// A roster date that is not `YYYY-MM-DD` or does not exist.
    ImpossibleDate = 1507,
    /// A roster term that ends before it starts.
    TermEndBeforeStart = 1508,
    /// A roster plan the policy does not have.
    PlanNotInPolicy = 1509,
    /// Two roster terms of one member that share days.
    OverlappingTerms = 1510,
    /// The same member and term start twice in a roster.
    DuplicateTermRecord = 1511,
    /// A roster currency that is not the plan's.
    WrongCurrency = 1512,
    /// A roster currency code amscore does not know.
    InvalidCurrencyCode = 1513,
    /// A roster amount that is not a plain non-negative decimal in minor units.
    UnparsableAmount = 1514,
    /// A roster yes/no value that cannot be read.
    UnparsableFlag = 1515,
    /// A roster status name that is not a status.
    UnparsableStatus = 1516,
    /// A roster row whose member joined after the term's end.
    MemberSinceAfterTermEnd = 1517,
    /// A lifetime term with an end date in a roster.
    LifetimeTermHasEnd = 1518,
    /// A roster column with more or fewer values than the roster has rows (a torn table).
    ColumnLengthMismatch = 1519,
    /// A count (terms, seats) in a table that is not a whole number from 0 to 4,294,967,295.
    UnparsableCount = 1520,
    /// A dependant's primary is not in the roster (or has no status).
    UnknownPrimary = 1530,
    /// A member named as its own primary.
    OwnPrimary = 1531,
    /// A dependant's primary is itself a dependant.
    PrimaryIsDependant = 1532,
    /// A dependant's primary is on a plan without a household.
    PrimaryPlanHasNoHousehold = 1533,
    /// A dependant beyond its primary's plan's cap.
    DependantCapExceeded = 1534,
    /// A dependant's own renewal: the primary renews the household.
    RenewsWithPrimary = 1535,
    /// A gateway request that is not JSON or has a value of the wrong type.
    RequestSyntax = 1601,
    /// A request field the operation does not take.
    RequestUnknownField = 1602,
    /// A request field the operation needs is missing.
    RequestMissingField = 1603,
    /// A request `op` the gateway does not know.
    UnknownOperation = 1604,
    /// A plan change dated outside the current term.
    ChangeDateOutsideTerm = 2001,
    /// A plan change between plans priced in different currencies.
    PlanChangeCurrencyMismatch = 2002,
    /// Fewer seats than the plan's minimum.
    SeatsBelowMinimum = 2003,
    /// More seats than the plan's maximum.
    SeatsAboveMaximum = 2004,
    /// Seats asked for on a plan without seats.
    PlanHasNoSeats = 2005,
    /// An amount that must not be negative is.
    NegativeAmount = 2006,
    /// A split into zero instalments.
    ZeroParts = 2007,
    /// A split into too many instalments.
    TooManyParts = 2008,
    /// Credits already applied exceed the amount paid.
    CreditsExceedPaid = 2009,
    /// A plan change to the plan the member is on.
    SamePlan = 2010,
    /// A lifetime term has no end to prorate against.
    LifetimeTermNotProrated = 2011,
    /// A payment in a currency other than the plan's.
    PaymentCurrencyMismatch = 2012,
    /// The membership's status does not allow cancelling.
    NotCancellable = 2013,
    /// A seat change to the number already held.
    SeatCountUnchanged = 2014,
    /// An instalment split's tax outside zero and its total.
    TaxOutsideTotal = 2020,
    /// A pause quote for a membership with no pause.
    NoPause = 2050,
    /// A credit for paused days without what was paid.
    PauseCreditNeedsAmountPaid = 2051,
    /// More dependants than the household plan allows.
    DependantsAboveMaximum = 2040,
    /// Dependants on a plan that is not a household plan.
    PlanHasNoHousehold = 2041,
    /// A self-service request lacks member facts it needs.
    MissingMemberFacts = 3001,
    /// A self-service request names an unknown plan.
    RequestUnknownPlan = 3002,
    /// A self-service request dated before the member joined.
    RequestBeforeJoin = 3003,
    /// A quantity outside what is allowed.
    InvalidQuantity = 3004,
    /// A negative amount in a self-service request.
    RequestNegativeAmount = 3005,
    /// A product the policy does not list.
    UnknownProduct = 3006,
    /// Member facts that contradict each other.
    InconsistentMemberFacts = 3007,
    /// A self-service request field that is not allowed.
    RequestFieldUnknown = 3008,
    /// A self-service request field that is required is missing.
    RequestFieldMissing = 3009,
    /// A self-service request value of the wrong type.
    RequestInvalid = 3010,
    /// A self-service request date out of range.
    RequestDateOutOfRange = 3011,
    /// A self-service amount with more decimals than its currency allows.
    RequestAmountTooPrecise = 3012,
    /// An activity event for a member the roster does not have.
    UnknownMember = 4001,
    /// An activity event dated before the member joined.
    EventBeforeJoin = 4002,
    /// An activity kind the policy's `success.activity_kinds` does not list.
    UnknownActivityKind = 4003,
    /// An event of a kind scored by value that has no value.
    MissingEventValue = 4004,
    /// A negative event value.
    NegativeEventValue = 4005,
    /// Two success roster rows for the same member.
    DuplicateMember = 4006,
    /// A member whose facts cannot be used (unknown plan, term ending before it starts, status not computable).
    InvalidMember = 4007,
    /// Snapshot counts that contradict each other.
    InconsistentCounts = 4008,
    /// A success request value that is not allowed.
    InvalidSuccessInput = 4009,
    /// A number too large for exact decimal arithmetic in success analytics.
    SuccessOverflow = 4010,
    /// A sent-log row naming a reminder sequence the policy does not have.
    UnknownSequence = 5001,
    /// A sent-log row naming a step its reminder sequence does not have.
    UnknownStep = 5002,
    /// A sent-log row for a member the roster does not have.
    SentToUnknownMember = 5003,
    /// A reminder request value out of its range.
    InvalidReminderInput = 5004,
    /// A reminder date beyond the calendar.
    ReminderOverflow = 5005,
    /// Two work items with the same id.
    DuplicateWorkItem = 5101,
    /// An assignment of a work item that is not given.
    UnknownWorkItem = 5102,
    /// A work item assigned twice.
    DuplicateAssignment = 5103,
    /// A work item's request or closing time after the moment asked about.
    WorkAfterAsOf = 5104,
    /// A work item closed before it was requested.
    ClosedBeforeRequested = 5105,
    /// A work item's due time past 9999-12-31.
    WorkTimeOutOfRange = 5106,
    /// A work item or assignment value that is not allowed.
    InvalidWorkInput = 5107,
    /// An export lacks a column its format needs (the audit is refused).
    MissingExportColumn = 5201,
    /// An export names a column the audit reads twice.
    DuplicateExportColumn = 5202,
    /// An export that is not CSV the audit can read.
    ExportUnreadable = 5203,
    /// An audit's type map names a plan the policy lacks.
    TypeMapPlanNotInPolicy = 5204,
    /// An export row whose membership type maps to no plan.
    UnmappedMembershipType = 5205,
    /// An export row whose status is not one of its format's words.
    UnknownExportStatus = 5206,
    /// An export row whose status override cannot be read.
    UnparsableStatusOverride = 5207,
    /// An export row whose status cannot be computed on the date.
    StatusNotComputable = 5208,
    /// A format name that is not `civicrm` or `tendenci`.
    UnknownExportFormat = 5209,
}

/// Every result code with its stable snake_case name and a one-line message.
pub(crate) const RESULTS: &[(ams_result, &CStr, &CStr)] = &[
    (ams_result::Ok, c"ok", c"success"),
    (ams_result::NullParameter, c"null_parameter", c"a pointer argument was NULL"),
    (ams_result::InvalidUtf8, c"invalid_utf8", c"a string argument was not valid UTF-8"),
    (ams_result::InsufficientSize, c"insufficient_size", c"the output buffer is too small"),
    (ams_result::Panic, c"panic", c"amscore panicked; this is a bug"),
    (ams_result::InvalidParameter, c"invalid_parameter", c"an argument value is out of range"),
    (ams_result::UnmappedError, c"unmapped_error", c"a core error without a C result code"),
    (ams_result::InputTooLong, c"input_too_long", c"a length argument is above the largest input"),
    (ams_result::InvalidArrow, c"invalid_arrow", c"an Arrow stream or array amscore cannot read"),
    (ams_result::UnknownCurrency, c"unknown_currency", c"not an ISO 4217 currency code"),
    (ams_result::CurrencyMismatch, c"currency_mismatch", c"amounts in different currencies"),
    (ams_result::InvalidAmount, c"invalid_amount", c"not a decimal amount"),
    (ams_result::AmountOverflow, c"amount_overflow", c"amount overflow"),
    (ams_result::AmountTooPrecise, c"amount_too_precise", c"more decimal places than the currency allows"),
    (ams_result::DateOutOfRange, c"date_out_of_range", c"date out of range"),
    (ams_result::InvalidMonthDay, c"invalid_month_day", c"invalid month-day"),
    (ams_result::InvalidDate, c"invalid_date", c"invalid date"),
    (ams_result::PolicySyntax, c"policy_syntax", c"policy syntax error"),
    (ams_result::UnknownField, c"unknown_field", c"unknown policy field"),
    (ams_result::MissingField, c"missing_field", c"missing policy field"),
    (ams_result::UnsupportedVersion, c"unsupported_version", c"unsupported policy version"),
    (ams_result::InvalidValue, c"invalid_value", c"invalid policy value"),
    (ams_result::DuplicatePlan, c"duplicate_plan", c"duplicate plan id"),
    (ams_result::UnknownPlanReference, c"unknown_plan_reference", c"reference to an undefined plan"),
    (ams_result::RolloverOutsidePeriod, c"rollover_outside_period", c"rollover day outside the period"),
    (ams_result::PlanCurrencyMismatch, c"plan_currency_mismatch", c"plan priced in another currency"),
    (ams_result::UnknownPreset, c"unknown_preset", c"unknown preset"),
    (ams_result::HouseholdWithSeats, c"household_with_seats", c"a plan with both seats and a household"),
    (ams_result::ExpiryDayNeedsMonths, c"expiry_day_needs_months", c"an expiry day needs a length in months"),
    (
        ams_result::RenewalCloseWithReinstatement,
        c"renewal_close_with_reinstatement",
        c"renewal close with a reinstatement window",
    ),
    (ams_result::UnknownPlan, c"unknown_plan", c"unknown plan"),
    (ams_result::DateBeforeJoin, c"date_before_join", c"date before the member joined"),
    (ams_result::TermEndsBeforeStart, c"term_ends_before_start", c"term ends before it starts"),
    (ams_result::NoStatusRuleMatched, c"no_status_rule_matched", c"no status rule matches the date"),
    (ams_result::StatusDateOutOfRange, c"status_date_out_of_range", c"date out of range computing a status"),
    (ams_result::JoinedAfterTermEnd, c"joined_after_term_end", c"member joined after the term's end"),
    (ams_result::TermEndMissing, c"term_end_missing", c"term end missing on a plan that is not lifetime"),
    (ams_result::TermEndOnLifetimePlan, c"term_end_on_lifetime_plan", c"term end on a lifetime plan"),
    (ams_result::DeceasedBeforeJoin, c"deceased_before_join", c"member died before joining"),
    (ams_result::CancelledBeforeJoin, c"cancelled_before_join", c"membership cancelled before joining"),
    (ams_result::JoinStartAfterDate, c"join_start_after_date", c"term start after the join date"),
    (ams_result::JoinEndBeforeStart, c"join_end_before_start", c"term end before its start"),
    (ams_result::JoinEndBeforeDate, c"join_end_before_date", c"term end before the join date"),
    (ams_result::JoinEndAfterTerms, c"join_end_after_terms", c"term end after the terms bought"),
    (ams_result::JoinEndOnLifetimePlan, c"join_end_on_lifetime_plan", c"term end on a lifetime plan's join"),
    (ams_result::JoinAfterPlanExpiry, c"join_after_plan_expiry", c"join after the plan's expiry date"),
    (ams_result::PauseEndsBeforeStart, c"pause_ends_before_start", c"pause ends before it starts"),
    (ams_result::PauseOutsideTerm, c"pause_outside_term", c"pause not inside the term"),
    (ams_result::PauseOnLifetimePlan, c"pause_on_lifetime_plan", c"lifetime memberships cannot be paused"),
    (ams_result::RenewalWindowNotOpen, c"renewal_window_not_open", c"renewal window not open yet"),
    (ams_result::LifetimeNotRenewable, c"lifetime_not_renewable", c"lifetime memberships are not renewed"),
    (ams_result::StatusNotRenewable, c"status_not_renewable", c"status does not allow renewal"),
    (ams_result::InvalidTermCount, c"invalid_term_count", c"invalid number of terms"),
    (ams_result::BackdateTooShort, c"backdate_too_short", c"back-dated reinstatement too short"),
    (ams_result::RejoinOnRenewalOnlyPlan, c"rejoin_on_renewal_only_plan", c"rejoin on a renewal-only plan"),
    (
        ams_result::OneExpiryDateNotRenewable,
        c"one_expiry_date_not_renewable",
        c"a plan with one expiry date is not renewed",
    ),
    (ams_result::MissingColumn, c"missing_column", c"roster column missing"),
    (ams_result::UnknownColumn, c"unknown_column", c"unknown roster column"),
    (ams_result::DuplicateColumn, c"duplicate_column", c"duplicate roster column"),
    (ams_result::RosterUnreadable, c"roster_unreadable", c"roster unreadable"),
    (ams_result::MalformedRow, c"malformed_row", c"malformed roster row"),
    (ams_result::MissingValue, c"missing_value", c"missing roster value"),
    (ams_result::ImpossibleDate, c"impossible_date", c"impossible date"),
    (ams_result::TermEndBeforeStart, c"term_end_before_start", c"roster term ends before it starts"),
    (ams_result::PlanNotInPolicy, c"plan_not_in_policy", c"plan not in the policy"),
    (ams_result::OverlappingTerms, c"overlapping_terms", c"overlapping terms"),
    (ams_result::DuplicateTermRecord, c"duplicate_term_record", c"duplicate term record"),
    (ams_result::WrongCurrency, c"wrong_currency", c"currency is not the plan's"),
    (ams_result::InvalidCurrencyCode, c"invalid_currency_code", c"invalid currency code"),
    (ams_result::UnparsableAmount, c"unparsable_amount", c"unparsable amount"),
    (ams_result::UnparsableFlag, c"unparsable_flag", c"unparsable flag"),
    (ams_result::UnparsableStatus, c"unparsable_status", c"unparsable status"),
    (ams_result::MemberSinceAfterTermEnd, c"member_since_after_term_end", c"member joined after the term's end"),
    (ams_result::LifetimeTermHasEnd, c"lifetime_term_has_end", c"lifetime term has an end date"),
    (ams_result::ColumnLengthMismatch, c"column_length_mismatch", c"roster column of the wrong length"),
    (ams_result::UnparsableCount, c"unparsable_count", c"a count that is not a whole number"),
    (ams_result::UnknownPrimary, c"unknown_primary", c"primary not in the roster"),
    (ams_result::OwnPrimary, c"own_primary", c"a member cannot be its own primary"),
    (ams_result::PrimaryIsDependant, c"primary_is_dependant", c"the primary is itself a dependant"),
    (ams_result::PrimaryPlanHasNoHousehold, c"primary_plan_has_no_household", c"the primary's plan has no household"),
    (ams_result::DependantCapExceeded, c"dependant_cap_exceeded", c"more dependants than the plan allows"),
    (ams_result::RenewsWithPrimary, c"renews_with_primary", c"a dependant renews with its primary"),
    (ams_result::RequestSyntax, c"request_syntax", c"request syntax error"),
    (ams_result::RequestUnknownField, c"request_unknown_field", c"unknown request field"),
    (ams_result::RequestMissingField, c"request_missing_field", c"missing request field"),
    (ams_result::UnknownOperation, c"unknown_operation", c"unknown operation"),
    (ams_result::ChangeDateOutsideTerm, c"change_date_outside_term", c"change date outside the current term"),
    (ams_result::PlanChangeCurrencyMismatch, c"plan_change_currency_mismatch", c"plans priced in different currencies"),
    (ams_result::SeatsBelowMinimum, c"seats_below_minimum", c"seats below the plan's minimum"),
    (ams_result::SeatsAboveMaximum, c"seats_above_maximum", c"seats above the plan's maximum"),
    (ams_result::PlanHasNoSeats, c"plan_has_no_seats", c"the plan has no seats"),
    (ams_result::NegativeAmount, c"negative_amount", c"negative amount"),
    (ams_result::ZeroParts, c"zero_parts", c"cannot split into zero parts"),
    (ams_result::TooManyParts, c"too_many_parts", c"too many parts"),
    (ams_result::CreditsExceedPaid, c"credits_exceed_paid", c"credits exceed the amount paid"),
    (ams_result::SamePlan, c"same_plan", c"already on that plan"),
    (ams_result::LifetimeTermNotProrated, c"lifetime_term_not_prorated", c"lifetime terms are not prorated"),
    (ams_result::PaymentCurrencyMismatch, c"payment_currency_mismatch", c"payment in another currency"),
    (ams_result::NotCancellable, c"not_cancellable", c"membership cannot be cancelled"),
    (ams_result::SeatCountUnchanged, c"seat_count_unchanged", c"seat count unchanged"),
    (ams_result::TaxOutsideTotal, c"tax_outside_total", c"tax outside the total"),
    (ams_result::NoPause, c"no_pause", c"no pause to quote"),
    (ams_result::PauseCreditNeedsAmountPaid, c"pause_credit_needs_amount_paid", c"pause credit needs the amount paid"),
    (ams_result::DependantsAboveMaximum, c"dependants_above_maximum", c"more dependants than the plan allows"),
    (ams_result::PlanHasNoHousehold, c"plan_has_no_household", c"plan has no household"),
    (ams_result::MissingMemberFacts, c"missing_member_facts", c"member facts required"),
    (ams_result::RequestUnknownPlan, c"request_unknown_plan", c"unknown plan in request"),
    (ams_result::RequestBeforeJoin, c"request_before_join", c"request before the member joined"),
    (ams_result::InvalidQuantity, c"invalid_quantity", c"invalid quantity"),
    (ams_result::RequestNegativeAmount, c"request_negative_amount", c"negative amount in request"),
    (ams_result::UnknownProduct, c"unknown_product", c"unknown product"),
    (ams_result::InconsistentMemberFacts, c"inconsistent_member_facts", c"inconsistent member facts"),
    (ams_result::RequestFieldUnknown, c"request_field_unknown", c"unknown request field"),
    (ams_result::RequestFieldMissing, c"request_field_missing", c"missing request field"),
    (ams_result::RequestInvalid, c"request_invalid", c"invalid request"),
    (ams_result::RequestDateOutOfRange, c"request_date_out_of_range", c"request date out of range"),
    (ams_result::RequestAmountTooPrecise, c"request_amount_too_precise", c"request amount too precise"),
    (ams_result::UnknownMember, c"unknown_member", c"unknown member"),
    (ams_result::EventBeforeJoin, c"event_before_join", c"event before the member joined"),
    (ams_result::UnknownActivityKind, c"unknown_activity_kind", c"unknown activity kind"),
    (ams_result::MissingEventValue, c"missing_event_value", c"event value missing"),
    (ams_result::NegativeEventValue, c"negative_event_value", c"negative event value"),
    (ams_result::DuplicateMember, c"duplicate_member", c"duplicate member"),
    (ams_result::InvalidMember, c"invalid_member", c"invalid member"),
    (ams_result::InconsistentCounts, c"inconsistent_counts", c"inconsistent counts"),
    (ams_result::InvalidSuccessInput, c"invalid_success_input", c"invalid success input"),
    (ams_result::SuccessOverflow, c"success_overflow", c"success arithmetic overflow"),
    (ams_result::UnknownSequence, c"unknown_sequence", c"unknown reminder sequence"),
    (ams_result::UnknownStep, c"unknown_step", c"unknown reminder step"),
    (ams_result::SentToUnknownMember, c"sent_to_unknown_member", c"message sent to an unknown member"),
    (ams_result::InvalidReminderInput, c"invalid_reminder_input", c"invalid reminder request value"),
    (ams_result::ReminderOverflow, c"reminder_overflow", c"reminder date out of range"),
    (ams_result::DuplicateWorkItem, c"duplicate_work_item", c"work item given twice"),
    (ams_result::UnknownWorkItem, c"unknown_work_item", c"unknown work item"),
    (ams_result::DuplicateAssignment, c"duplicate_assignment", c"work item assigned twice"),
    (ams_result::WorkAfterAsOf, c"work_after_as_of", c"work item time after as_of"),
    (ams_result::ClosedBeforeRequested, c"closed_before_requested", c"work item closed before it was requested"),
    (ams_result::WorkTimeOutOfRange, c"work_time_out_of_range", c"work item due time out of range"),
    (ams_result::InvalidWorkInput, c"invalid_work_input", c"invalid work input"),
    (ams_result::MissingExportColumn, c"missing_export_column", c"export column missing"),
    (ams_result::DuplicateExportColumn, c"duplicate_export_column", c"export column given twice"),
    (ams_result::ExportUnreadable, c"export_unreadable", c"export cannot be read"),
    (ams_result::TypeMapPlanNotInPolicy, c"type_map_plan_not_in_policy", c"type map names a plan the policy lacks"),
    (ams_result::UnmappedMembershipType, c"unmapped_membership_type", c"membership type maps to no plan"),
    (ams_result::UnknownExportStatus, c"unknown_export_status", c"unknown export status"),
    (ams_result::UnparsableStatusOverride, c"unparsable_status_override", c"status override cannot be read"),
    (ams_result::StatusNotComputable, c"status_not_computable", c"status not computable on the date"),
    (ams_result::UnknownExportFormat, c"unknown_export_format", c"not an export format"),
];

impl ams_result {
    /// The result for a numeric code, if the code is defined.
    pub(crate) fn from_code(code: u32) -> Option<ams_result> {
        RESULTS.iter().map(|r| r.0).find(|r| *r as u32 == code)
    }
}

/// A failed call: its result code and the detail kept for `ams_last_error_message`.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) result: ams_result,
    pub(crate) message: String,
    pub(crate) path: Option<String>,
}

impl Failure {
    /// A failure of the C API itself (codes 1 to 99).
    pub(crate) fn new(result: ams_result, message: impl Into<String>) -> Failure {
        Failure { result, message: message.into(), path: None }
    }

    /// A NULL pointer argument, named.
    pub(crate) fn null(argument: &str) -> Failure {
        Failure::new(ams_result::NullParameter, format!("{argument} is NULL")).at(argument)
    }

    /// The same failure with `path` naming where it is: for a typed call, the argument
    /// (`membership.term_end`).
    pub(crate) fn at(mut self, path: &str) -> Failure {
        self.path = Some(path.to_owned());
        self
    }

    /// A core error, with its code, message and (for policy errors) path.
    pub(crate) fn core(err: &amscore::Error) -> Failure {
        let path = match err {
            amscore::Error::Policy(p) => Some(p.path().to_owned()),
            amscore::Error::Decision(d) => Some(d.path().to_owned()),
            _ => None,
        };
        let result = ams_result::from_code(err.code()).unwrap_or(ams_result::UnmappedError);
        Failure { result, message: err.to_string(), path }
    }
}

impl From<amscore::Error> for Failure {
    fn from(err: amscore::Error) -> Failure {
        Failure::core(&err)
    }
}

impl From<amscore::PolicyError> for Failure {
    fn from(err: amscore::PolicyError) -> Failure {
        Failure::core(&err.into())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// Records a failure as this thread's last error and returns its code.
pub(crate) fn record(failure: Failure) -> ams_result {
    let result = failure.result;
    LAST_ERROR.with(|last| *last.borrow_mut() = Some(failure));
    result
}

/// Reads this thread's last error.
pub(crate) fn with_last_error<T>(f: impl FnOnce(Option<&Failure>) -> T) -> T {
    LAST_ERROR.with(|last| f(last.borrow().as_ref()))
}

/// The stable snake_case name of a result code (`"unknown_plan"`), or `"unknown"` for a number
/// that is no `ams_result`. The string is static; never free it.
#[no_mangle]
pub extern "C" fn ams_result_name(result: u32) -> *const c_char {
    crate::guard_value(c"unknown".as_ptr(), || lookup(result).map_or(c"unknown", |r| r.1).as_ptr())
}

/// A short English description of a result code, or `"unknown result code"`. The string is
/// static; never free it. The detail of a failed call is in `ams_last_error_message`.
#[no_mangle]
pub extern "C" fn ams_result_message(result: u32) -> *const c_char {
    crate::guard_value(c"unknown result code".as_ptr(), || {
        lookup(result).map_or(c"unknown result code", |r| r.2).as_ptr()
    })
}

fn lookup(code: u32) -> Option<&'static (ams_result, &'static CStr, &'static CStr)> {
    RESULTS.iter().find(|r| r.0 as u32 == code)
}

/// The result code of the last failed call on this thread, or `AMS_RESULT_OK` if none failed yet.
#[no_mangle]
pub extern "C" fn ams_last_error_code() -> ams_result {
    crate::guard_value(ams_result::Panic, || with_last_error(|e| e.map_or(ams_result::Ok, |e| e.result)))
}

/// Copies the message of the last failed call on this thread (for example
/// `plans[0].term.length.count: must be > 0`) into `buf`, without a terminating NUL, and its
/// length into `out_n`. An empty message if no call failed yet. Reading the last error never
/// changes it.
///
/// # Safety
/// `buf` must be valid for `cap` bytes of writing and `out_n` for one `size_t`.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, or `AMS_RESULT_INSUFFICIENT_SIZE` with the needed size in `out_n`.
#[no_mangle]
pub unsafe extern "C" fn ams_last_error_message(buf: *mut c_char, cap: usize, out_n: *mut usize) -> ams_result {
    // SAFETY: the caller's contract is passed on.
    unsafe { copy_out_unrecorded(|e| e.message.clone(), buf, cap, out_n) }
}

/// Copies the path of the last failed call on this thread (where in the input the problem is,
/// such as `plans[0].term.length.count`, or for a typed call the argument, such as
/// `membership.term_end`; empty for the document's root) into `buf`, without a
/// terminating NUL, and its length into `out_n`. An empty string when the error has no path.
///
/// # Safety
/// `buf` must be valid for `cap` bytes of writing and `out_n` for one `size_t`.
///
/// # Errors
/// `AMS_RESULT_NULL_PARAMETER`, or `AMS_RESULT_INSUFFICIENT_SIZE` with the needed size in `out_n`.
#[no_mangle]
pub unsafe extern "C" fn ams_last_error_path(buf: *mut c_char, cap: usize, out_n: *mut usize) -> ams_result {
    // SAFETY: the caller's contract is passed on.
    unsafe { copy_out_unrecorded(|e| e.path.clone().unwrap_or_default(), buf, cap, out_n) }
}

/// Copies a part of the last error (empty if there is none) to a caller's buffer, inside the panic
/// boundary, without touching the last error (so that reading it cannot overwrite it).
///
/// # Safety
/// As for [`crate::copy_out`].
unsafe fn copy_out_unrecorded(
    part: impl FnOnce(&Failure) -> String,
    buf: *mut c_char,
    cap: usize,
    out_n: *mut usize,
) -> ams_result {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let text = with_last_error(|e| e.map(part).unwrap_or_default());
        // SAFETY: the caller's contract is passed on.
        unsafe { crate::copy_out(text.as_bytes(), buf, cap, out_n) }
    })) {
        Ok(Ok(())) => ams_result::Ok,
        Ok(Err(f)) => f.result,
        Err(_) => ams_result::Panic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The `AMS_RESULT_*` enumerators of the committed header, by code.
    fn header_results() -> BTreeMap<u32, String> {
        let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/amscore.h"))
            .expect("include/amscore.h is committed");
        header
            .lines()
            .filter_map(|l| l.trim().strip_prefix("AMS_RESULT_"))
            .filter_map(|l| {
                let (name, code) = l.trim_end_matches(',').split_once(" = ")?;
                Some((code.parse().expect("numeric code"), format!("AMS_RESULT_{name}")))
            })
            .collect()
    }

    #[test]
    fn every_core_error_code_has_an_ams_result_with_the_same_number_and_name() {
        let header = header_results();
        let core = amscore::error_table();
        for e in &core {
            let want = format!("AMS_RESULT_{}", e.name.to_uppercase());
            assert_eq!(header.get(&e.code), Some(&want), "core code {} ({}) in amscore.h", e.code, e.name);
            let r = ams_result::from_code(e.code).unwrap_or_else(|| panic!("no ams_result for {}", e.code));
            let name = RESULTS.iter().find(|row| row.0 == r).map(|row| row.1.to_str());
            assert_eq!(name, Some(Ok(e.name)), "ams_result_name({})", e.code);
        }
        for (code, name) in &header {
            let in_core = core.iter().any(|e| e.code == *code);
            assert!(in_core || *code < 100, "{name} = {code} is neither a core code nor a C API code (1..99)");
        }
    }

    #[test]
    fn the_results_table_lists_every_header_code_once_with_its_name() {
        let header = header_results();
        assert_eq!(RESULTS.len(), header.len());
        for (r, name, message) in RESULTS {
            let upper = format!("AMS_RESULT_{}", name.to_str().expect("ASCII").to_uppercase());
            assert_eq!(header.get(&(*r as u32)), Some(&upper));
            assert!(!message.is_empty());
        }
        let c_api: Vec<u32> = header.keys().copied().filter(|c| *c < 100).collect();
        assert_eq!(c_api, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
}
