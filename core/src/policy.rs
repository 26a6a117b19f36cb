//! The policy document: plans, status rules and settings as one JSON document, validated with
//! path-precise errors; and the presets shipped with the crate.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::json_text::TextProblem;
use crate::money::{Currency, Rounding};
use crate::period::Offset;
use crate::period::{
    CalendarRenewal, CalendarRenewalEnd, DateRules, ExpiryInstant, LeapExpiry, Length, MonthDay, MonthEndRule,
    RejoinSince, RenewalClose, RenewalEnd, RollingEnd,
};
use crate::plan::{Plan, DEPENDANTS, INCLUDED_DEPENDANTS, MAX_TERMS, RENEWAL_OPENS_DAYS, SEATS, TERMS};
use crate::policy_error::{check_amount, PolicyError, Range};
use crate::proration::{Denominator, Granularity, MinimumCharge};
use crate::quote::QuoteSettings;
use crate::renewal::{LifetimeRenewal, ReinstatementStart, RenewalRules, ShortExtension};
use crate::self_service::SelfServicePolicy;
use crate::status::{default_status_rules, StatusBeforeJoin, StatusRule};
use crate::term::{CalendarJoinStart, CalendarPeriod, RolloverDays, TermRule};

/// Settings that apply to the whole policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// What Jan 31 + 1 month is: `clamp` (Feb 28/29, the default) or `overflow` (Mar 3, PHP style).
    pub month_end: MonthEndRule,
    /// Where a rolling term's inclusive end falls: `day_before` the anniversary (default) or on
    /// the `anniversary`.
    pub rolling_end: RollingEnd,
    /// How a renewal's new end is counted: `from_next_start` (default), `from_previous_end`, or
    /// `from_previous_end_for_years`.
    pub renewal_end: RenewalEnd,
    /// Where a lapsed member's reinstatement term starts: `backdate` (default) or `restart`.
    pub reinstatement: ReinstatementStart,
    /// Whether a term's end date is still active: `end_of_day` (default) or `start_of_day` (the
    /// stored expiry is midnight at the start of the end date, as Tendenci stores it).
    pub expiry: ExpiryInstant,
    /// How a calendar plan's renewal is laid out: `next_period` (default) or `as_join` (Tendenci).
    pub calendar_renewal: CalendarRenewal,
    /// A rejoining member's member-since: `reset` to the rejoin date (default) or `keep` (Tendenci).
    pub rejoin_since: RejoinSince,
    /// How a `fixed_expiry` plan's Feb 29 expiry moves from year to year: `each_year` (default:
    /// Feb 29 in leap years) or `clamped_once` (Tendenci: clamped in the join year, then kept).
    pub leap_expiry: LeapExpiry,
    /// When a plan's `windows.renewal_closes_days` falls inside grace: `after_grace` (default:
    /// renewal stays open through grace) or `as_stored` (Tendenci: a renewal after the close is a
    /// new join).
    pub renewal_close: RenewalClose,
    /// How amounts are rounded to the currency's minor unit. Default half away from zero.
    pub rounding: Rounding,
    /// How a current member's renewal of a calendar plan ends: `period_end` (default, aligned
    /// to the calendar) or `renewal_end` (as a rolling term by `renewal_end`, CiviCRM).
    pub calendar_renewal_end: CalendarRenewalEnd,
    /// Which rollover days calendar plans may have: `checked` (default: inside the period, after
    /// its first day; monthly 1 to 28) or `as_given` (CiviCRM: any, monthly 1 to 31).
    pub rollover_days: RolloverDays,
    /// The status on a date before the member joined: `refuse` (default, `date_before_join`) or
    /// `status_rules` (CiviCRM: a back-dated fixed term is Current from its start).
    pub status_before_join: StatusBeforeJoin,
    /// Renewing a lifetime membership: `refuse` (default, `lifetime_not_renewable`) or `keep`
    /// (CiviCRM: the term stays, with no end).
    pub lifetime_renewal: LifetimeRenewal,
    /// A current member's extension that still ends before the renewal date: `refuse` (default,
    /// `backdate_too_short`) or `extend` (CiviCRM).
    pub short_extension: ShortExtension,
    /// The association's currency: if set, every plan must be priced in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// How quotes prorate, settle credits, refund and split (see [`QuoteSettings`]).
    pub quotes: QuoteSettings,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            month_end: MonthEndRule::Clamp,
            rolling_end: RollingEnd::DayBefore,
            renewal_end: RenewalEnd::FromNextStart,
            reinstatement: ReinstatementStart::Backdate,
            expiry: ExpiryInstant::EndOfDay,
            calendar_renewal: CalendarRenewal::NextPeriod,
            rejoin_since: RejoinSince::Reset,
            leap_expiry: LeapExpiry::EachYear,
            renewal_close: RenewalClose::AfterGrace,
            rounding: Rounding::HalfAwayFromZero,
            calendar_renewal_end: CalendarRenewalEnd::PeriodEnd,
            rollover_days: RolloverDays::Checked,
            status_before_join: StatusBeforeJoin::Refuse,
            lifetime_renewal: LifetimeRenewal::Refuse,
            short_extension: ShortExtension::Refuse,
            currency: None,
            quotes: QuoteSettings::default(),
        }
    }
}

impl Settings {
    /// The date conventions these settings choose.
    pub fn date_rules(&self) -> DateRules {
        DateRules {
            month_end: self.month_end,
            rolling_end: self.rolling_end,
            renewal_end: self.renewal_end,
            calendar_renewal_end: self.calendar_renewal_end,
            expiry: self.expiry,
            calendar_renewal: self.calendar_renewal,
            rejoin_since: self.rejoin_since,
            leap_expiry: self.leap_expiry,
            renewal_close: self.renewal_close,
        }
    }

    /// The renewal conventions these settings choose.
    pub fn renewal_rules(&self) -> RenewalRules {
        RenewalRules {
            reinstatement: self.reinstatement,
            lifetime: self.lifetime_renewal,
            short_extension: self.short_extension,
        }
    }
}

/// The current policy format version.
pub const POLICY_VERSION: u32 = 1;

/// A policy document: what an association's membership rules are.
///
/// A document may name a `preset`: the status rules (and plans, and name) it leaves out are then
/// the preset's, and its `settings` are merged field by field over the preset's settings.
/// What each preset reproduces, and its known quirks: `docs/presets.md` in the repository.
///
/// ```
/// let policy = amscore::Policy::from_json(r#"{
///     "version": 1,
///     "preset": "civicrm",
///     "plans": [{"id": "general", "name": "General",
///                "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
///                "prices": {"currency": "USD", "dues": "100"}}]
/// }"#)?;
/// assert_eq!(policy.settings.month_end, amscore::MonthEndRule::Overflow);
/// # Ok::<(), amscore::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The format version; this amscore reads version 1.
    pub version: u32,
    /// The preset this document builds on, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A name for the policy (the association's, or the preset's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Policy-wide settings.
    #[serde(default)]
    pub settings: Settings,
    /// The ordered status table (first match wins). Default: [`default_status_rules`].
    #[serde(default = "default_status_rules")]
    pub status_rules: Vec<StatusRule>,
    /// The plans.
    pub plans: Vec<Plan>,
    /// What the website completes on its own and what goes to staff (default: everything the
    /// plans' flags allow).
    #[serde(default, skip_serializing_if = "is_default_self_service")]
    pub self_service: SelfServicePolicy,
    /// Member success: activity kinds, engagement, segments, journeys, at-risk rules, measurement.
    #[serde(default, skip_serializing_if = "crate::success::SuccessPolicy::is_empty")]
    pub success: crate::success::SuccessPolicy,
    /// Staff work: the owner and service level of each staff queue, the working week, holidays,
    /// and the staff minutes each reason costs (default: no owners, no minutes).
    #[serde(default, skip_serializing_if = "crate::work::StaffPolicy::is_empty")]
    pub staff: crate::work::StaffPolicy,
}

fn is_default_self_service(s: &SelfServicePolicy) -> bool {
    *s == SelfServicePolicy::default()
}

/// The presets amscore ships, by name, as policy documents.
pub const PRESETS: &[(&str, &str)] = &[
    ("amscore", include_str!("../presets/amscore.json")),
    ("civicrm", include_str!("../presets/civicrm.json")),
    ("tendenci", include_str!("../presets/tendenci.json")),
];

impl Policy {
    /// Reads and validates a policy document from JSON text.
    ///
    /// ```
    /// let err = amscore::Policy::from_json(r#"{"version": 1, "plans": [{"id": "x", "name": "X",
    ///     "term": {"kind": "rolling", "length": {"count": 0, "unit": "year"}},
    ///     "prices": {"currency": "USD", "dues": "1"}}]}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "plans[0].term.length.count: must be > 0");
    /// // Text that is not JSON at all is located by line and column.
    /// let bad = amscore::Policy::from_json("{\"version\": 1,").unwrap_err();
    /// assert_eq!(bad.to_string(), "EOF while parsing a value at line 1 column 14");
    /// ```
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        // Text that is not JSON has no path inside the document: keep serde's line and column. A
        // key given twice is refused at the path of its object.
        let value = crate::json_text::read_json(text)
            .map_err(|TextProblem { path, message }| PolicyError::Syntax { path, message })?;
        Policy::from_value(value)
    }

    /// Reads and validates a policy document from a parsed JSON value.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn from_value(mut value: serde_json::Value) -> Result<Policy, PolicyError> {
        // serde would read an array as the struct's fields in order ("invalid length 0, expected
        // struct Policy with 6 elements"): say what a policy is instead.
        if !value.is_object() {
            return Err(PolicyError::Syntax { path: String::new(), message: "a policy must be a JSON object".into() });
        }
        if let Some(obj) = value.as_object_mut() {
            // `$schema` points an editor at core/policy.schema.json; the engine does not need it.
            if obj.get("$schema").is_some_and(serde_json::Value::is_string) {
                obj.remove("$schema");
            }
            if let Some(name) = obj.get("preset").cloned() {
                let name = name.as_str().ok_or_else(|| PolicyError::InvalidValue {
                    path: "preset".into(),
                    message: "must be a preset name".into(),
                })?;
                let preset = crate::json_text::read_json(preset_text(name, "preset")?)
                    .map_err(|TextProblem { path, message }| PolicyError::Syntax { path, message })?;
                for key in ["settings", "status_rules", "plans", "name"] {
                    match (obj.get_mut(key), preset.get(key)) {
                        // Settings merge field by field: a document that sets only its currency
                        // keeps the preset's month-end rule and the rest.
                        (Some(serde_json::Value::Object(own)), Some(serde_json::Value::Object(base)))
                            if key == "settings" =>
                        {
                            for (k, v) in base {
                                own.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                        (None, Some(v)) => {
                            obj.insert(key.to_owned(), v.clone());
                        }
                        _ => {}
                    }
                }
            }
        }
        let policy: Policy = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            // A bad map key is reported by serde_path_to_error as `map.?`: name the map instead.
            let path = if path == "." { String::new() } else { path.replace(".?", "") };
            let err = PolicyError::from_serde(&path, e.inner());
            locate_in_term(&value, &err).unwrap_or(err)
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// A preset shipped with the crate: `amscore`, `civicrm` or `tendenci`.
    ///
    /// ```
    /// let p = amscore::Policy::preset("tendenci")?;
    /// assert!(!p.plans.is_empty());
    /// assert!(amscore::Policy::preset("wordpress").is_err());
    /// # Ok::<(), amscore::PolicyError>(())
    /// ```
    ///
    /// # Errors
    /// [`PolicyError::UnknownPreset`].
    pub fn preset(name: &str) -> Result<Policy, PolicyError> {
        Policy::from_json(preset_text(name, "")?)
    }

    /// The policy as JSON text.
    ///
    /// # Errors
    /// Never in practice; serde's error is passed on.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// Checks everything serde cannot: ranges, references, currencies, rollover days.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |path: String, message: &str| PolicyError::InvalidValue { path, message: message.to_owned() };
        if self.version != POLICY_VERSION {
            return Err(PolicyError::UnsupportedVersion { path: "version".into(), version: self.version });
        }
        if let Some(name) = &self.preset {
            preset_text(name, "preset")?;
        }
        if self.plans.is_empty() {
            return Err(invalid("plans".into(), "must list at least one plan"));
        }
        if self.status_rules.is_empty() {
            return Err(invalid("status_rules".into(), "must list at least one rule"));
        }
        for (i, r) in self.status_rules.iter().enumerate() {
            if r.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
                return Err(invalid(format!("status_rules[{i}].label"), "must not be empty"));
            }
            for (side, boundaries) in [("from", &r.from), ("to", &r.to)] {
                for (j, b) in boundaries.iter().enumerate() {
                    validate_offset(&b.offset, &format!("status_rules[{i}].{side}[{j}].offset"))?;
                }
            }
        }
        validate_quote_settings(&self.settings.quotes)?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, plan) in self.plans.iter().enumerate() {
            let at = |field: &str| format!("plans[{i}].{field}");
            if plan.id.as_str().trim().is_empty() {
                return Err(invalid(at("id"), "must not be empty"));
            }
            if seen.insert(plan.id.as_str(), i).is_some() {
                return Err(PolicyError::DuplicatePlan { path: at("id"), plan: plan.id.to_string() });
            }
            if plan.name.trim().is_empty() {
                return Err(invalid(at("name"), "must not be empty"));
            }
            if let Some(expected) = self.settings.currency {
                if plan.prices.currency != expected {
                    return Err(PolicyError::CurrencyMismatch {
                        path: at("prices.currency"),
                        expected,
                        found: plan.prices.currency,
                    });
                }
            }
            validate_term(&plan.term, &at("term"), self.settings.rollover_days, self.settings.month_end)?;
            let p = &plan.prices;
            for (name, amount) in [
                ("dues", Some(p.dues)),
                ("renewal", p.renewal),
                ("join_fee", p.join_fee),
                ("reinstatement_fee", p.reinstatement_fee),
                ("late_fee", p.late_fee),
                ("cancellation_fee", p.cancellation_fee),
            ] {
                if let Some(a) = amount {
                    check_amount(&at(&format!("prices.{name}")), a, Some(p.currency))?;
                }
            }
            if plan.max_terms == 0 {
                return Err(invalid(at("max_terms"), "must be > 0"));
            }
            TERMS.check(|| at("max_terms"), plan.max_terms)?;
            let w = &plan.windows;
            if let Some(days) = w.renewal_opens_days {
                RENEWAL_OPENS_DAYS.check(|| at("windows.renewal_opens_days"), days)?;
            }
            if let Some(days) = w.renewal_closes_days {
                RENEWAL_OPENS_DAYS.check(|| at("windows.renewal_closes_days"), days)?;
                if w.reinstatement.is_some() {
                    return Err(PolicyError::RenewalCloseWithReinstatement { path: at("windows.renewal_closes_days") });
                }
            }
            for (name, len) in [("grace", w.grace), ("reinstatement", w.reinstatement)] {
                if let Some(len) = len {
                    WINDOW_COUNT.check(|| at(&format!("windows.{name}.count")), len.count)?;
                }
            }
            validate_proration(plan, &at("proration"))?;
            if let Some(tax) = &plan.tax {
                tax.validate(&at("tax"))?;
            }
            if plan.is_lifetime() && plan.renew_to.is_some() {
                return Err(invalid(at("renew_to"), "a lifetime plan is never renewed"));
            }
            if let Some(s) = &plan.seats {
                SEATS.check(|| at("seats.min"), s.min)?;
                if let Some(max) = s.max {
                    SEATS.check(|| at("seats.max"), max)?;
                }
                SEATS.check(|| at("seats.included"), s.included)?;
                if s.max.is_some_and(|m| m < s.min) {
                    return Err(invalid(at("seats.max"), "must be >= seats.min"));
                }
                if s.max.is_some_and(|m| m < s.included) {
                    return Err(invalid(at("seats.included"), "must be <= seats.max"));
                }
                if let Some(price) = s.price_per_seat {
                    check_amount(&at("seats.price_per_seat"), price, Some(p.currency))?;
                }
            }
            if let Some(h) = &plan.household {
                if plan.seats.is_some() {
                    return Err(PolicyError::HouseholdWithSeats { path: at("household") });
                }
                DEPENDANTS.check(|| at("household.max_dependants"), h.max_dependants)?;
                INCLUDED_DEPENDANTS.check(|| at("household.included_dependants"), h.included_dependants)?;
                if h.included_dependants > h.max_dependants {
                    return Err(invalid(at("household.included_dependants"), "must be <= household.max_dependants"));
                }
                if let Some(price) = h.price_per_dependant {
                    check_amount(&at("household.price_per_dependant"), price, Some(p.currency))?;
                }
            }
        }
        let loops = renew_to_loops(&self.plans, &seen);
        for (i, plan) in self.plans.iter().enumerate() {
            let Some(target) = &plan.renew_to else {
                continue;
            };
            let path = format!("plans[{i}].renew_to");
            let Some(&j) = seen.get(target.as_str()) else {
                return Err(PolicyError::UnknownPlanReference { path, plan: target.to_string() });
            };
            let to = &self.plans[j];
            if to.prices.currency != plan.prices.currency {
                return Err(PolicyError::CurrencyMismatch {
                    path,
                    expected: plan.prices.currency,
                    found: to.prices.currency,
                });
            }
            if loops[i] {
                return Err(invalid(path, "the renew_to chain loops back on itself"));
            }
        }
        let plan_known = |id: &str| seen.contains_key(id);
        self.self_service.validate(&plan_known)?;
        self.success.validate(&plan_known)?;
        self.staff.validate()?;
        Ok(())
    }
}

/// serde reports any error inside a plan's `term` (an internally tagged enum, which serde buffers)
/// at the term itself. This re-reads the term's fields one by one to find the field the error is
/// in: an unknown field in the length is reported at `plans[0].term.length`, a Feb 29 anchor at
/// `plans[0].term.anchor`. An unknown field of the term itself, or an error no field explains,
/// keeps the term's path.
fn locate_in_term(doc: &serde_json::Value, err: &PolicyError) -> Option<PolicyError> {
    fn probe<T: serde::de::DeserializeOwned>(term: &serde_json::Value, field: &str, path: &str) -> Option<PolicyError> {
        let e = serde_path_to_error::deserialize::<_, T>(term.get(field)?).err()?;
        let inner = e.path().to_string();
        let at = if inner == "." { format!("{path}.{field}") } else { format!("{path}.{field}.{inner}") };
        Some(PolicyError::from_serde(&at, e.inner()))
    }
    let path = err.path();
    let i: usize = path.strip_prefix("plans[")?.strip_suffix("].term")?.parse().ok()?;
    let term = doc.get("plans")?.get(i)?.get("term")?;
    if let PolicyError::UnknownField { field, .. } = err {
        if term.get(field).is_some() {
            return None;
        }
    }
    probe::<Length>(term, "length", path)
        .or_else(|| probe::<CalendarPeriod>(term, "period", path))
        .or_else(|| probe::<Option<MonthDay>>(term, "anchor", path))
        .or_else(|| probe::<Option<u8>>(term, "anchor_day", path))
        .or_else(|| probe::<u32>(term, "periods", path))
        .or_else(|| probe::<Option<MonthDay>>(term, "rollover", path))
        .or_else(|| probe::<Option<u8>>(term, "rollover_day", path))
        .or_else(|| probe::<CalendarJoinStart>(term, "join_start", path))
        .or_else(|| probe::<crate::term::DayOfMonth>(term, "expires_on", path))
        .or_else(|| probe::<crate::term::ExpiryDay>(term, "expires", path))
        .or_else(|| probe::<Option<crate::term::DayOfMonth>>(term, "renewal_expires_on", path))
}

fn preset_text(name: &str, path: &str) -> Result<&'static str, PolicyError> {
    PRESETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| PolicyError::UnknownPreset { path: path.to_owned(), name: name.to_owned() })
}

/// `windows.grace.count`, `windows.reinstatement.count`: 0 to [`Length::MAX_COUNT`].
const WINDOW_COUNT: Range<u32> = Range::new(0, Length::MAX_COUNT);

/// `proration.only_within.count`: 1 to [`Length::MAX_COUNT`].
const ONLY_WITHIN_COUNT: Range<u32> = Range::new(1, Length::MAX_COUNT);

/// `settings.quotes.fraction_scale`: 0 to 20 decimals.
const FRACTION_SCALE: Range<u32> = Range::new(0, 20);

/// A multi-term discount's `terms`: 2 to [`MAX_TERMS`].
const DISCOUNT_TERMS: Range<u32> = Range::new(2, MAX_TERMS);

/// For each plan, whether following `renew_to` from it ever reaches a plan twice. Each plan is
/// walked once (a chain stops at the first plan already decided and takes its answer), so this is
/// linear in the number of plans; an unknown reference ends a chain (it is reported on its own).
fn renew_to_loops(plans: &[Plan], index: &HashMap<&str, usize>) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done(bool),
    }
    let next = |i: usize| plans[i].renew_to.as_ref().and_then(|t| index.get(t.as_str()).copied());
    let mut marks = vec![Mark::New; plans.len()];
    let mut path = Vec::new();
    for start in 0..plans.len() {
        let mut at = Some(start);
        let loops = loop {
            let Some(i) = at else { break false };
            match marks[i] {
                Mark::New => {
                    marks[i] = Mark::OnPath;
                    path.push(i);
                    at = next(i);
                }
                Mark::OnPath => break true,
                Mark::Done(answer) => break answer,
            }
        };
        for i in path.drain(..) {
            marks[i] = Mark::Done(loops);
        }
    }
    marks.into_iter().map(|m| m == Mark::Done(true)).collect()
}

/// Checks a status rule's offset against [`Offset::MAX_YEARS`], `MAX_MONTHS` and `MAX_DAYS`.
fn validate_offset(offset: &Offset, path: &str) -> Result<(), PolicyError> {
    for (field, value, max) in [
        ("years", offset.years, Offset::MAX_YEARS),
        ("months", offset.months, Offset::MAX_MONTHS),
        ("days", offset.days, Offset::MAX_DAYS),
    ] {
        Range::new(-max, max).check(|| format!("{path}.{field}"), value)?;
    }
    Ok(())
}

fn validate_quote_settings(q: &QuoteSettings) -> Result<(), PolicyError> {
    let invalid = |path: String, message: &str| PolicyError::InvalidValue { path, message: message.to_owned() };
    if q.fraction_scale.is_some_and(|s| s > FRACTION_SCALE.max) {
        return Err(invalid("settings.quotes.fraction_scale".into(), "must be at most 20"));
    }
    let mut terms = HashSet::new();
    for (i, d) in q.multi_term_discounts.iter().enumerate() {
        let at = |field: &str| format!("settings.quotes.multi_term_discounts[{i}].{field}");
        if d.terms < 2 {
            return Err(invalid(at("terms"), "must be at least 2"));
        }
        DISCOUNT_TERMS.check(|| at("terms"), d.terms)?;
        if !terms.insert(d.terms) {
            return Err(invalid(at("terms"), "another discount has the same number of terms"));
        }
        if d.percent <= rust_decimal::Decimal::ZERO || d.percent > rust_decimal::Decimal::ONE_HUNDRED {
            return Err(invalid(at("percent"), "must be above 0 and at most 100"));
        }
    }
    Ok(())
}

fn validate_proration(plan: &Plan, path: &str) -> Result<(), PolicyError> {
    let p = &plan.proration;
    let invalid = |field: &str, message: String| PolicyError::InvalidValue { path: format!("{path}.{field}"), message };
    if let Some(c) = p.cutoff_day {
        if p.granularity != Granularity::Month {
            return Err(invalid("cutoff_day", "applies to month granularity only".into()));
        }
        if !(2..=31).contains(&c) {
            return Err(invalid("cutoff_day", "must be 2 to 31 (a cutoff on day 1 would never charge a month)".into()));
        }
    }
    if let Denominator::Fixed(n) = p.denominator {
        if n == 0 || n > 36_600 {
            return Err(invalid("denominator.fixed", "must be 1 to 36600 days".into()));
        }
    }
    let monthly = matches!(plan.term, TermRule::Calendar { period: CalendarPeriod::Month, .. });
    if p.denominator == Denominator::Days365 && monthly {
        return Err(invalid(
            "denominator",
            "days_365 is for yearly periods; use actual or fixed for monthly ones".into(),
        ));
    }
    if let Some(len) = p.only_within {
        if len.count == 0 {
            return Err(invalid("only_within.count", "must be > 0".into()));
        }
        ONLY_WITHIN_COUNT.check(|| format!("{path}.only_within.count"), len.count)?;
    }
    if let Some(MinimumCharge::Amount(a)) = p.minimum {
        check_amount(&format!("{path}.minimum.amount"), a, Some(plan.prices.currency))?;
    }
    let size = match p.granularity {
        Granularity::Quarter => 3,
        Granularity::Half => 6,
        _ => 1,
    };
    if let TermRule::Calendar { period: CalendarPeriod::Month, periods, .. } = plan.term {
        if periods % size != 0 {
            return Err(invalid(
                "granularity",
                format!("a term of {periods} month(s) is not a whole number of {size}-month units"),
            ));
        }
    }
    Ok(())
}

fn validate_term(
    term: &TermRule,
    path: &str,
    rollover_days: RolloverDays,
    month_end: MonthEndRule,
) -> Result<(), PolicyError> {
    let invalid = |field: &str, message: &str| PolicyError::InvalidValue {
        path: format!("{path}.{field}"),
        message: message.to_owned(),
    };
    match term {
        TermRule::Rolling { length } => {
            if length.count == 0 {
                return Err(invalid("length.count", "must be > 0"));
            }
            if length.count > Length::MAX_COUNT {
                return Err(invalid("length.count", "must be at most 1200"));
            }
        }
        TermRule::Calendar { period, anchor, anchor_day, periods, rollover, rollover_day, .. } => {
            if *periods == 0 {
                return Err(invalid("periods", "must be > 0"));
            }
            if *periods > 100 {
                return Err(invalid("periods", "must be at most 100"));
            }
            match period {
                CalendarPeriod::Year => {
                    if anchor_day.is_some() {
                        return Err(invalid(
                            "anchor_day",
                            "is for monthly periods; a yearly period uses `anchor` (MM-DD)",
                        ));
                    }
                    if rollover_day.is_some() {
                        return Err(invalid(
                            "rollover_day",
                            "is for monthly periods; a yearly period uses `rollover` (MM-DD)",
                        ));
                    }
                    if let (Some(r), a) = (rollover, anchor.unwrap_or(crate::period::MonthDay::JAN_1)) {
                        if *r == a && rollover_days == RolloverDays::Checked {
                            return Err(PolicyError::RolloverOutsidePeriod {
                                path: format!("{path}.rollover"),
                                message: format!(
                                    "rollover {r} is the period's first day; it must fall inside the period"
                                ),
                            });
                        }
                        // Feb 29 against Feb 28 (clamp) or Mar 1 (overflow): the same day in
                        // every common year, so the period's first day one year in four.
                        let common = |md: crate::period::MonthDay| md.in_year(2023, month_end).ok();
                        if (r.is_leap_day() || a.is_leap_day())
                            && common(*r) == common(a)
                            && rollover_days == RolloverDays::Checked
                        {
                            return Err(PolicyError::RolloverOutsidePeriod {
                                path: format!("{path}.rollover"),
                                message: format!(
                                    "rollover {r} is the period's first day (anchor {a}) in common years with \
                                     month_end {}; it must fall inside the period",
                                    match month_end {
                                        MonthEndRule::Clamp => "clamp",
                                        MonthEndRule::Overflow => "overflow",
                                    }
                                ),
                            });
                        }
                    }
                }
                CalendarPeriod::Month => {
                    if anchor.is_some() {
                        return Err(invalid(
                            "anchor",
                            "is for yearly periods; a monthly period uses `anchor_day` (1-28)",
                        ));
                    }
                    if rollover.is_some() {
                        return Err(invalid(
                            "rollover",
                            "is for yearly periods; a monthly period uses `rollover_day` (1-28)",
                        ));
                    }
                    let a = anchor_day.unwrap_or(1);
                    if !(1..=31).contains(&a) {
                        return Err(invalid(
                            "anchor_day",
                            "must be 1 to 31 (a month without it starts on its last day)",
                        ));
                    }
                    if let Some(r) = rollover_day {
                        let allowed = match rollover_days {
                            RolloverDays::Checked => (1..=28).contains(r) && *r != a,
                            RolloverDays::AsGiven => (1..=31).contains(r),
                        };
                        if !allowed {
                            return Err(PolicyError::RolloverOutsidePeriod {
                                path: format!("{path}.rollover_day"),
                                message: match rollover_days {
                                    RolloverDays::Checked => {
                                        format!("rollover day {r} must be 1 to 28 and differ from the anchor day {a}")
                                    }
                                    RolloverDays::AsGiven => format!("rollover day {r} must be 1 to 31"),
                                },
                            });
                        }
                    }
                }
            }
        }
        TermRule::RollingToDay { length, .. } => {
            if length.count == 0 {
                return Err(invalid("length.count", "must be > 0"));
            }
            if length.count > Length::MAX_COUNT {
                return Err(invalid("length.count", "must be at most 1200"));
            }
            if length.unit == crate::period::Unit::Day {
                return Err(PolicyError::ExpiryDayNeedsMonths { path: format!("{path}.length.unit") });
            }
        }
        TermRule::FixedExpiry { rollover_days, .. } => {
            if *rollover_days > 365 {
                return Err(invalid("rollover_days", "must be 0 to 365"));
            }
        }
        TermRule::Lifetime | TermRule::FixedDate { .. } => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(term: serde_json::Value) -> (String, String) {
        let doc = serde_json::json!({"version": 1, "plans": [
            {"id": "a", "name": "A", "term": {"kind": "lifetime"}, "prices": {"currency": "USD", "dues": "1"}},
            {"id": "b", "name": "B", "term": term, "prices": {"currency": "USD", "dues": "1"}}
        ]});
        let err = Policy::from_value(doc).map(|_| ()).unwrap_err();
        (err.path().to_owned(), err.to_string())
    }

    #[test]
    fn errors_inside_a_term_name_the_field() {
        let length = error_of(serde_json::json!({"kind": "rolling", "length": {"count": 1, "unit": "year", "x": 1}}));
        assert_eq!(
            length,
            (
                "plans[1].term.length".into(),
                "plans[1].term.length: unknown field `x`; valid fields: `count`, `unit`".into()
            )
        );
        let unit = error_of(serde_json::json!({"kind": "rolling", "length": {"count": 1, "unit": "week"}}));
        assert_eq!(unit.0, "plans[1].term.length.unit");
        let anchor = error_of(serde_json::json!({"kind": "calendar", "period": "year", "anchor": "13-01"}));
        assert_eq!(
            anchor,
            (
                "plans[1].term.anchor".into(),
                "plans[1].term.anchor: invalid month-day `13-01`: month must be 1..12".into()
            )
        );
        let rollover = error_of(serde_json::json!({"kind": "calendar", "period": "year", "rollover": "02-30"}));
        assert_eq!(rollover.0, "plans[1].term.rollover");
    }

    #[test]
    fn errors_of_the_term_itself_keep_the_term_path() {
        // A field of another kind is unknown to this kind, even when its value would be valid.
        let other_kind =
            error_of(serde_json::json!({"kind": "rolling", "length": {"count": 1, "unit": "year"}, "anchor": "01-01"}));
        assert_eq!(
            other_kind,
            ("plans[1].term".into(), "plans[1].term: unknown field `anchor`; valid fields: `length`".into())
        );
        let missing = error_of(serde_json::json!({"kind": "rolling"}));
        assert_eq!(missing, ("plans[1].term".into(), "plans[1].term: missing field `length`".into()));
        let kind = error_of(serde_json::json!({"kind": "weekly"}));
        assert_eq!(kind.0, "plans[1].term.kind");
    }
}
