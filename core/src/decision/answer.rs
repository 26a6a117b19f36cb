//! The answer for one request: a [`Decision`] (route, reasons, next date, quote) built from its reasons.

use serde::{Deserialize, Serialize};
use time::Date;

use super::reason::Reason;
use super::route::Route;
use crate::quote::Quote;
use crate::request::RequestKind;

/// The answer for one request.
///
/// In JSON: `{"route": "staff", "queue": "finance", "reasons": [...], "next_date"?, "quote"?}`.
///
/// ```
/// use serde_json::json;
/// let engine = amscore::Engine::from_preset("amscore")?;
/// let request = amscore::parse_self_service_request(json!({
///     "at": "2025-10-10T09:00",
///     "member": {"membership": {"member_id": "M-1", "plan": "individual", "member_since": "2020-01-15",
///                               "term": {"start": "2025-01-15", "end": "2026-01-14"}}},
///     "action": {"kind": "renew"}}))?;
/// let d = engine.decide(&request)?;
/// assert_eq!(d.route, amscore::Route::Refused);
/// assert_eq!(d.reasons[0].message, "renewal opens on 2025-10-16");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Where the request goes: the worst route among the reasons.
    #[serde(flatten)]
    pub route: Route,
    /// Every reason that applies, in the stable order of [`crate::ReasonCode`].
    pub reasons: Vec<Reason>,
    /// When every reason has a next date, the latest: the day the request becomes self-service.
    #[serde(default, with = "crate::period::opt_date_text", skip_serializing_if = "Option::is_none")]
    pub next_date: Option<Date>,
    /// The quote, for self-service joins, renewals, reinstatements, plan and seat changes and
    /// cancellations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

impl Decision {
    /// Whether the website completes the request on its own.
    pub fn is_self_service(&self) -> bool {
        self.route == Route::SelfService
    }

    /// Builds a decision from its reasons: sorted in the stable order, route = the worst.
    pub(super) fn from_reasons(kind: RequestKind, mut reasons: Vec<Reason>) -> Decision {
        reasons.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.message.cmp(&b.message)));
        reasons.dedup_by(|a, b| a.code == b.code && a.message == b.message);
        let route = reasons.iter().map(|r| r.code.route(kind)).fold(Route::SelfService, |worst, r| {
            if r.severity() > worst.severity() {
                r
            } else {
                worst
            }
        });
        let next_date = if reasons.is_empty() {
            None
        } else {
            reasons.iter().map(|r| r.next_date).collect::<Option<Vec<Date>>>().and_then(|d| d.into_iter().max())
        };
        Decision { route, reasons, next_date, quote: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{Queue, ReasonCode};
    use serde_json::Value;

    #[test]
    fn route_is_the_worst_reason_and_reasons_sort_stably() {
        let r = |code| Reason { code, message: String::new().into(), next_date: None };
        let d = Decision::from_reasons(
            RequestKind::Renew,
            vec![r(ReasonCode::BalanceOverdue), r(ReasonCode::CredentialRequired)],
        );
        assert_eq!(d.route, Route::Staff { queue: Queue::Membership });
        assert_eq!(d.reasons[0].code, ReasonCode::CredentialRequired);
        let d =
            Decision::from_reasons(RequestKind::Renew, vec![r(ReasonCode::BalanceOverdue), r(ReasonCode::SamePlan)]);
        assert_eq!(d.route, Route::Refused);
        assert_eq!(Decision::from_reasons(RequestKind::Renew, vec![]).route, Route::SelfService);
    }

    #[test]
    fn decisions_read_back_from_their_json() {
        let text = r#"{"route": "staff", "queue": "events", "reasons": [{"code": "event_full", "message": "full"}]}"#;
        let d: Decision = serde_json::from_str(text).expect("a decision");
        assert_eq!(d.route, Route::Staff { queue: Queue::Events });
        let back = serde_json::to_value(&d).expect("serializes");
        assert_eq!(back, serde_json::from_str::<Value>(text).expect("JSON"));
    }
}
