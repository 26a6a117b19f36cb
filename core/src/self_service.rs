//! The policy's `self_service` section: which requests the website completes on its own, as data.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::opt_decimal_text;
use crate::plan::{Plan, PlanId};
use crate::policy_error::PolicyError;
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
    /// The most units sold online in one order; more goes to staff.
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
    /// The largest refund paid out online, in the refund's currency; `None`: no limit.
    #[schemars(with = "Option<crate::money::DecimalText>")]
    #[serde(with = "opt_decimal_text", skip_serializing_if = "Option::is_none")]
    pub max_online_refund: Option<Decimal>,
    /// The most days a reinstatement may be back-dated online; `None`: no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_backdating_days: Option<u32>,
    /// A balance due up to this amount does not block self-service (default 0).
    #[schemars(with = "crate::money::DecimalText")]
    #[serde(with = "crate::money::decimal_text")]
    pub balance_due_tolerance: Decimal,
    /// Online cancellation of an event registration closes this many hours before the start
    /// (negative: after the start). Default 48.
    pub event_cancel_cutoff_hours: i64,
    /// Online transfer of an event registration closes this many hours before the start
    /// (negative: after the start). Default 24.
    pub event_transfer_cutoff_hours: i64,
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
            eligible_registration_statuses: vec![RegistrationStatus::Registered, RegistrationStatus::Waitlisted],
            products: BTreeMap::new(),
            staff_only_fields: Vec::new(),
        }
    }
}

/// The longest cut-off, either side of an event's start: one year of hours.
const MAX_CUTOFF_HOURS: i64 = 366 * 24;

impl SelfServicePolicy {
    /// Whether a kind of request may be completed online for a plan (`None`: no plan involved).
    pub fn online(&self, kind: RequestKind, plan: Option<&PlanId>) -> bool {
        let kind_ok = self.kinds.get(&kind).is_none_or(|k| k.online);
        let plan_ok = plan.and_then(|p| self.plans.get(p)).is_none_or(|r| !r.offline.contains(&kind));
        kind_ok && plan_ok
    }

    /// Checks the section against the policy's plans; paths start with `self_service`.
    ///
    /// # Errors
    /// A [`PolicyError`] naming the path of the first problem.
    pub(crate) fn validate(&self, plans: &[Plan]) -> Result<(), PolicyError> {
        let invalid = |path: String, message: String| PolicyError::InvalidValue { path, message };
        for id in self.plans.keys() {
            if !plans.iter().any(|p| &p.id == id) {
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
            if amount.is_some_and(|a| a.is_sign_negative() && !a.is_zero()) {
                return Err(invalid(format!("self_service.{name}"), "must not be negative".into()));
            }
        }
        for (name, hours) in [
            ("event_cancel_cutoff_hours", self.event_cancel_cutoff_hours),
            ("event_transfer_cutoff_hours", self.event_transfer_cutoff_hours),
        ] {
            if hours.abs() > MAX_CUTOFF_HOURS {
                return Err(invalid(
                    format!("self_service.{name}"),
                    format!("must be between -{MAX_CUTOFF_HOURS} and {MAX_CUTOFF_HOURS} hours"),
                ));
            }
        }
        for (id, rules) in &self.products {
            if id.trim().is_empty() {
                return Err(invalid("self_service.products".into(), "a product id must not be empty".into()));
            }
            if rules.max_online_quantity == Some(0) {
                return Err(invalid(format!("self_service.products.{id}.max_online_quantity"), "must be > 0".into()));
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
            "self_service.event_cancel_cutoff_hours: must be between -8784 and 8784 hours"
        );
        assert_eq!(err(r#"{"refund_limit": "1"}"#), "self_service: unknown field `refund_limit`");
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
        assert_eq!(err(r#"{"event_transfer_cutoff_hours": -12}"#), "");
    }
}
