//! The policy's `self_service` section: which requests the website completes on its own, as data.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::opt_decimal_text;
use crate::plan::PlanId;
use crate::policy_error::{check_amount, PolicyError, Range};
use crate::request::{RegistrationStatus, RequestKind};

/// Rules for one request kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct KindRules {
    /// The website may complete this kind of request at all (default true).
    pub online: bool,
}

impl Default for KindRules {
    fn default() -> KindRules {
        KindRules { online: true }
    }
}

/// Self-service rules for one plan, on top of the plan's own flags.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PlanRules {
    /// Request kinds the website may not complete for members of (or joiners to) this plan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offline: Vec<RequestKind>,
    /// Joining needs staff approval (overrides `flags.join_needs_approval` when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_approval: Option<bool>,
    /// Renewing needs staff approval (overrides `flags.renewal_needs_approval` when set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_approval: Option<bool>,
    /// Changing to or from this plan needs staff approval.
    pub change_approval: bool,
}

/// Self-service rules for one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProductRules {
    /// Only members may buy it.
    pub members_only: bool,
    /// It has a member price (only members may buy at it).
    pub member_price: bool,
    /// The website checks the stock it is given (default true).
    pub track_stock: bool,
    /// The most units sold online in one order, 1 to 1,000,000; more goes to staff.
    #[schemars(range(min = ONLINE_QUANTITY.min, max = ONLINE_QUANTITY.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_online_quantity: Option<u32>,
}

impl Default for ProductRules {
    fn default() -> ProductRules {
        ProductRules { members_only: false, member_price: false, track_stock: true, max_online_quantity: None }
    }
}

/// The `self_service` section of a policy. Every field has a default, so a policy without the
/// section lets the website do everything the plans' flags allow.
///
/// ```
/// let p = amscore::Policy::from_json(r#"{"version": 1, "preset": "amscore",
///     "self_service": {"max_online_refund": "50.00", "event_cancel_cutoff_hours": 48}}"#)?;
/// assert_eq!(p.self_service.event_cancel_cutoff_hours, 48);
/// assert!(p.self_service.staff_only_fields.is_empty());
/// # Ok::<(), amscore::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SelfServicePolicy {
    /// Rules per request kind; kinds not listed are online.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<RequestKind, KindRules>,
    /// Rules per plan id, on top of the plans' flags.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub plans: BTreeMap<PlanId, PlanRules>,
    /// Plan categories that need a credential on file, and its name: `{"student": "student"}`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub credentials: BTreeMap<String, String>,
    /// The largest refund paid out online, in the refund's currency (0 to 100000000000); `None`:
    /// no limit.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub max_online_refund: Option<Decimal>,
    /// The most days a reinstatement may be back-dated online, 0 to 36600; `None`: no limit.
    #[schemars(range(min = BACKDATING_DAYS.min, max = BACKDATING_DAYS.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_backdating_days: Option<u32>,
    /// A balance due up to this amount does not block self-service (0 to 100000000000, default 0).
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "crate::money::decimal_text")]
    pub balance_due_tolerance: Decimal,
    /// Online cancellation of an event registration closes this many hours before the start
    /// (negative: after the start), -8760 to 8760 (a year either way). Default 48.
    #[schemars(range(min = CUTOFF_HOURS.min, max = CUTOFF_HOURS.max))]
    pub event_cancel_cutoff_hours: i64,
    /// Online transfer of an event registration closes this many hours before the start
    /// (negative: after the start), -8760 to 8760 (a year either way). Default 24.
    #[schemars(range(min = CUTOFF_HOURS.min, max = CUTOFF_HOURS.max))]
    pub event_transfer_cutoff_hours: i64,
    /// Online registration for an event closes this many hours before the start (negative:
    /// after the start, a late registration), -8760 to 8760 (a year either way). `None`, the
    /// default: it closes at the start.
    #[schemars(range(min = CUTOFF_HOURS.min, max = CUTOFF_HOURS.max))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_register_cutoff_hours: Option<i64>,
    /// Registration statuses that may be cancelled or transferred online (default registered,
    /// waitlisted).
    pub eligible_registration_statuses: Vec<RegistrationStatus>,
    /// Products sold online, by id, with their rules.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub products: BTreeMap<String, ProductRules>,
    /// Profile fields only staff may change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub staff_only_fields: Vec<String>,
}

impl Default for SelfServicePolicy {
    fn default() -> SelfServicePolicy {
        SelfServicePolicy {
            kinds: BTreeMap::new(),
            plans: BTreeMap::new(),
            credentials: BTreeMap::new(),
            max_online_refund: None,
            max_backdating_days: None,
            balance_due_tolerance: Decimal::ZERO,
            event_cancel_cutoff_hours: 48,
            event_transfer_cutoff_hours: 24,
            event_register_cutoff_hours: None,
            eligible_registration_statuses: vec![RegistrationStatus::Registered, RegistrationStatus::Waitlisted],
            products: BTreeMap::new(),
            staff_only_fields: Vec::new(),
        }
    }
}

/// An event cut-off: at most a year of hours either side of the event's start.
const CUTOFF_HOURS: Range<i64> = Range::new(-365 * 24, 365 * 24);

/// `max_backdating_days`: 0 to 36600 days (a hundred years).
const BACKDATING_DAYS: Range<u32> = Range::new(0, 36_600);

/// A product's `max_online_quantity`: 1 to 1,000,000.
const ONLINE_QUANTITY: Range<u32> = Range::new(1, 1_000_000);

impl SelfServicePolicy {
    /// Whether a kind of request may be completed online for a plan (`None`: no plan involved).
    pub fn online(&self, kind: RequestKind, plan: Option<&PlanId>) -> bool {
        let kind_ok = self.kinds.get(&kind).is_none_or(|k| k.online);
        let plan_ok = plan.and_then(|p| self.plans.get(p)).is_none_or(|r| !r.offline.contains(&kind));
        kind_ok && plan_ok
    }

    /// Checks the section against the policy's plans (`plan_known` says whether a plan id
    /// exists); paths start with `self_service`.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub(crate) fn validate(&self, plan_known: &dyn Fn(&str) -> bool) -> Result<(), PolicyError> {
        let invalid = |path: String, message: String| PolicyError::InvalidValue { path, message };
        for id in self.plans.keys() {
            if !plan_known(id.as_str()) {
                return Err(PolicyError::UnknownPlanReference {
                    path: format!("self_service.plans.{id}"),
                    plan: id.to_string(),
                });
            }
        }
        for (category, credential) in &self.credentials {
            if category.trim().is_empty() {
                return Err(invalid("self_service.credentials".into(), "a category must not be empty".into()));
            }
            if credential.trim().is_empty() {
                return Err(invalid(format!("self_service.credentials.{category}"), "must not be empty".into()));
            }
        }
        for (name, amount) in
            [("max_online_refund", self.max_online_refund), ("balance_due_tolerance", Some(self.balance_due_tolerance))]
        {
            if let Some(a) = amount {
                check_amount(&format!("self_service.{name}"), a, None)?;
            }
        }
        if let Some(days) = self.max_backdating_days {
            BACKDATING_DAYS.check(|| "self_service.max_backdating_days".into(), days)?;
        }
        for (name, hours) in [
            ("event_cancel_cutoff_hours", self.event_cancel_cutoff_hours),
            ("event_transfer_cutoff_hours", self.event_transfer_cutoff_hours),
        ] {
            CUTOFF_HOURS.check(|| format!("self_service.{name}"), hours)?;
        }
        if let Some(hours) = self.event_register_cutoff_hours {
            CUTOFF_HOURS.check(|| "self_service.event_register_cutoff_hours".into(), hours)?;
        }
        for (id, rules) in &self.products {
            if id.trim().is_empty() {
                return Err(invalid("self_service.products".into(), "a product id must not be empty".into()));
            }
            if rules.max_online_quantity == Some(0) {
                return Err(invalid(format!("self_service.products.{id}.max_online_quantity"), "must be > 0".into()));
            }
            if let Some(q) = rules.max_online_quantity {
                ONLINE_QUANTITY.check(|| format!("self_service.products.{id}.max_online_quantity"), q)?;
            }
        }
        for (i, field) in self.staff_only_fields.iter().enumerate() {
            if field.trim().is_empty() {
                return Err(invalid(format!("self_service.staff_only_fields[{i}]"), "must not be empty".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    fn err(section: &str) -> String {
        let text = format!(r#"{{"version": 1, "preset": "amscore", "self_service": {section}}}"#);
        Policy::from_json(&text).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn section_errors_name_their_path() {
        assert_eq!(err(r#"{"plans": {"gold": {}}}"#), "self_service.plans.gold: unknown plan `gold`");
        assert_eq!(err(r#"{"max_online_refund": "-1"}"#), "self_service.max_online_refund: must not be negative");
        assert_eq!(
            err(r#"{"event_cancel_cutoff_hours": 9000}"#),
            "self_service.event_cancel_cutoff_hours: must be between -8760 and 8760"
        );
        assert_eq!(
            err(r#"{"event_cancel_cutoff_hours": -9223372036854775808}"#),
            "self_service.event_cancel_cutoff_hours: must be between -8760 and 8760"
        );
        assert_eq!(
            err(r#"{"event_transfer_cutoff_hours": -8761}"#),
            "self_service.event_transfer_cutoff_hours: must be between -8760 and 8760"
        );
        assert_eq!(
            err(r#"{"balance_due_tolerance": "100000000001"}"#),
            "self_service.balance_due_tolerance: must be at most 100000000000"
        );
        assert_eq!(
            err(r#"{"max_backdating_days": 40000}"#),
            "self_service.max_backdating_days: must be between 0 and 36600"
        );
        assert_eq!(
            err(r#"{"refund_limit": "1"}"#),
            "self_service: unknown field `refund_limit`; valid fields: `kinds`, `plans`, `credentials`, `max_online_refund`, \
             `max_backdating_days`, `balance_due_tolerance`, `event_cancel_cutoff_hours`, `event_transfer_cutoff_hours`, \
             `event_register_cutoff_hours`, `eligible_registration_statuses`, `products`, `staff_only_fields`"
        );
        assert_eq!(
            err(r#"{"kinds": {"teleport": {"online": false}}}"#).split(" expected").next(),
            Some("self_service.kinds: unknown variant `teleport`,")
        );
        assert_eq!(
            err(r#"{"products": {"book": {"max_online_quantity": 0}}}"#),
            "self_service.products.book.max_online_quantity: must be > 0"
        );
        assert_eq!(
            err(r#"{"staff_only_fields": ["email", " "]}"#),
            "self_service.staff_only_fields[1]: must not be empty"
        );
        assert_eq!(
            err(r#"{"event_register_cutoff_hours": 8761}"#),
            "self_service.event_register_cutoff_hours: must be between -8760 and 8760"
        );
        assert_eq!(err(r#"{"event_transfer_cutoff_hours": -12}"#), "");
        assert_eq!(err(r#"{"event_register_cutoff_hours": -2}"#), "");
    }
}
