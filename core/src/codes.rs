//! The error machinery every module may use: stable codes and names, the rows of the error
//! table, the `path: ` prefix of messages, and one reading of serde's messages. A leaf: it imports
//! no domain module (the families' errors live with their concerns; the table is assembled in
//! `catalogue`).

/// A stable, machine-readable identity for an error: a number that never changes meaning and a
/// snake_case name.
///
/// The C API's `ams_result` values and the Python exceptions' `.code` use the same numbers.
///
/// ```
/// use amscore::{ErrorCode, MoneyError};
/// let err = MoneyError::UnknownCurrency { code: "XYZ".into() };
/// assert_eq!(err.code(), 1001);
/// assert_eq!(err.name(), "unknown_currency");
/// ```
pub trait ErrorCode {
    /// The stable numeric code (see [`crate::error_table`]).
    fn code(&self) -> u32;
    /// The stable snake_case name of the code.
    fn name(&self) -> &'static str;
}

/// One row of the error table: a stable code, its name, and the family (the error enum) it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The stable numeric code.
    pub code: u32,
    /// The stable snake_case name.
    pub name: &'static str,
    /// The family: which concern the error belongs to (`money`, `date`, `policy`, ...).
    pub family: &'static str,
}

/// Implements [`ErrorCode`] for an error enum and produces its rows of the error table.
macro_rules! error_codes {
    ($ty:ident, $family:literal, $table:ident, { $($pat:pat => $code:literal, $name:literal;)* }) => {
        impl $crate::codes::ErrorCode for $ty {
            fn code(&self) -> u32 {
                #[allow(unused_variables)]
                match self { $($pat => $code,)* }
            }
            fn name(&self) -> &'static str {
                #[allow(unused_variables)]
                match self { $($pat => $name,)* }
            }
        }
        #[doc = concat!("The rows of the error table for [`", stringify!($ty), "`].")]
        pub(crate) const $table: &[$crate::codes::ErrorInfo] = &[
            $($crate::codes::ErrorInfo { code: $code, name: $name, family: $family },)*
        ];
    };
}
pub(crate) use error_codes;

/// The `path: ` prefix of an error message, or nothing for the document's root.
pub(crate) fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// What a serde error in a JSON document means, with the path made to name the parent of an
/// unknown field. Each family (policy, gateway request, self-service request) turns this into its
/// own variants, so that the three read serde's messages the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SerdeProblem {
    /// A field the format does not have; `path` is the object that holds it, `expected` the
    /// fields it does have (as serde lists them; empty when it lists none).
    UnknownField { path: String, field: String, expected: Vec<String> },
    /// A required field is missing from the object at `path`.
    MissingField { path: String, field: String },
    /// Anything else: a wrong type, a bad value, not JSON.
    Other { path: String, message: String },
}

impl SerdeProblem {
    /// Classifies serde's `message` (its `Display`) about the value at `path`.
    pub(crate) fn classify(path: String, message: &str) -> SerdeProblem {
        let text = message.split(" at line ").next().unwrap_or(message);
        let quoted = || text.split('`').nth(1).unwrap_or_default().to_owned();
        if text.starts_with("unknown field") {
            let field = quoted();
            let parent = path.strip_suffix(&field).unwrap_or(&path).trim_end_matches('.').to_owned();
            // serde writes "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or
            // `b`", "expected `a`", "there are no fields"): the names after the first are the
            // fields the object has.
            let expected = text.split('`').skip(3).step_by(2).map(str::to_owned).collect();
            SerdeProblem::UnknownField { path: parent, field, expected }
        } else if text.starts_with("missing field") {
            SerdeProblem::MissingField { path, field: quoted() }
        } else {
            SerdeProblem::Other { path, message: text.to_owned() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_classified_with_the_parent_path_of_an_unknown_field() {
        let unknown = SerdeProblem::classify("plans[0].term.x".into(), "unknown field `x`, expected one of `kind`");
        let expected = vec!["kind".to_owned()];
        assert_eq!(unknown, SerdeProblem::UnknownField { path: "plans[0].term".into(), field: "x".into(), expected });
        let two = SerdeProblem::classify("a.x".into(), "unknown field `x`, expected `kind` or `length`");
        let expected = vec!["kind".to_owned(), "length".to_owned()];
        assert_eq!(two, SerdeProblem::UnknownField { path: "a".into(), field: "x".into(), expected });
        let none = SerdeProblem::classify("a.x".into(), "unknown field `x`, there are no fields");
        assert_eq!(none, SerdeProblem::UnknownField { path: "a".into(), field: "x".into(), expected: vec![] });
        let missing = SerdeProblem::classify("plans[0]".into(), "missing field `id` at line 1 column 9");
        assert_eq!(missing, SerdeProblem::MissingField { path: "plans[0]".into(), field: "id".into() });
        let other =
            SerdeProblem::classify("version".into(), "invalid type: string \"1\", expected u32 at line 1 column 14");
        let message = "invalid type: string \"1\", expected u32".to_owned();
        assert_eq!(other, SerdeProblem::Other { path: "version".into(), message });
    }
}
