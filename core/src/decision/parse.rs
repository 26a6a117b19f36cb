//! Reading a self-service request from JSON, with path-precise [`DecisionError`]s.
//!
//! It stays with the decision rather than in `request.rs`: its errors are [`DecisionError`]s, and
//! the request (layer 3) must not import from a part (layer 5).

use serde_json::Value;

use super::error::DecisionError;
use crate::codes::SerdeProblem;
use crate::request::SelfServiceRequest;

/// Reads a self-service request from JSON, with path-precise errors.
///
/// ```
/// let err = amscore::parse_self_service_request(serde_json::json!({
///     "at": "2026-10-01T10:00", "action": {"kind": "renew", "terms": 1, "colour": "red"}})).unwrap_err();
/// assert_eq!(err.to_string(), "action: unknown field `colour`");
/// ```
///
/// # Errors
/// [`DecisionError::UnknownField`], [`DecisionError::MissingField`] or [`DecisionError::Syntax`].
pub fn parse_self_service_request(value: Value) -> Result<SelfServiceRequest, DecisionError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        match SerdeProblem::classify(path, &err.inner().to_string()) {
            SerdeProblem::UnknownField { path, field, .. } => DecisionError::UnknownField { path, field },
            SerdeProblem::MissingField { path, field } => DecisionError::MissingField { path, field },
            SerdeProblem::Other { path, message } => DecisionError::Syntax { path, message },
        }
    })
}
