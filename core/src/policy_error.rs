//! The error of a policy document, and of every settings section's own validation (each part
//! checks its settings and names the path of the first problem).

use rust_decimal::Decimal;

use crate::codes::{error_codes, SerdeProblem};
use crate::money::{Currency, Money};

/// An error in a policy document. Every variant names where (`plans[2].term.length.count`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The document is not valid JSON, or a value has the wrong type.
    #[error("{}{message}", crate::codes::at(path))]
    Syntax {
        /// Where.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A field the policy format does not have (a typo, or a field of a newer version). The
    /// message names the closest valid field, if one is close, and lists the valid ones.
    #[error("{}unknown field `{field}`{}", crate::codes::at(path), suggest(field, expected))]
    UnknownField {
        /// Where.
        path: String,
        /// The field's name.
        field: String,
        /// The fields the object at `path` has (empty when the format lists none).
        expected: Vec<String>,
    },
    /// A required field is missing.
    #[error("{}missing field `{field}`", crate::codes::at(path))]
    MissingField {
        /// Where.
        path: String,
        /// The field's name.
        field: String,
    },
    /// The document's `version` is not one this amscore reads.
    #[error("{}unsupported policy version {version} (this amscore reads version 1)", crate::codes::at(path))]
    UnsupportedVersion {
        /// Where.
        path: String,
        /// The version given.
        version: u32,
    },
    /// A value that is well-formed but not allowed.
    #[error("{}{message}", crate::codes::at(path))]
    InvalidValue {
        /// Where.
        path: String,
        /// What is wrong, and what is allowed.
        message: String,
    },
    /// A plan sells both seats (an organisation's employees) and a household (a family's
    /// dependants): a membership is one or the other.
    #[error("{}a plan has seats or a household, not both", crate::codes::at(path))]
    HouseholdWithSeats {
        /// Where (`plans[2].household`).
        path: String,
    },
    /// Two plans share an id.
    #[error("{}duplicate plan id `{plan}`", crate::codes::at(path))]
    DuplicatePlan {
        /// Where.
        path: String,
        /// The id.
        plan: String,
    },
    /// A reference to a plan the policy does not have.
    #[error("{}unknown plan `{plan}`", crate::codes::at(path))]
    UnknownPlanReference {
        /// Where.
        path: String,
        /// The id referred to.
        plan: String,
    },
    /// A rollover day that is not inside the period (it must differ from the period's start).
    #[error("{}{message}", crate::codes::at(path))]
    RolloverOutsidePeriod {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A plan whose currency differs from the policy's or from a plan it is linked to.
    #[error("{}currency {found} does not match {expected}", crate::codes::at(path))]
    CurrencyMismatch {
        /// Where.
        path: String,
        /// The currency expected.
        expected: Currency,
        /// The currency found.
        found: Currency,
    },
    /// A preset name amscore does not ship.
    #[error("{}unknown preset `{name}` (known: amscore, civicrm, tendenci)", crate::codes::at(path))]
    UnknownPreset {
        /// Where.
        path: String,
        /// The name given.
        name: String,
    },
    /// A `rolling_to_day` term counted in days: a day of the month needs a length in months or
    /// years.
    #[error("{}a term that expires on a day of the month needs a length in months or years", crate::codes::at(path))]
    ExpiryDayNeedsMonths {
        /// Where.
        path: String,
    },
    /// A plan's windows give both `renewal_closes_days` and `reinstatement`: two ends for one window.
    #[error("{}give either renewal_closes_days or reinstatement, not both", crate::codes::at(path))]
    RenewalCloseWithReinstatement {
        /// Where.
        path: String,
    },
}

error_codes!(PolicyError, "policy", POLICY_ERRORS, {
    PolicyError::Syntax { .. } => 1201, "policy_syntax";
    PolicyError::UnknownField { .. } => 1202, "unknown_field";
    PolicyError::MissingField { .. } => 1203, "missing_field";
    PolicyError::UnsupportedVersion { .. } => 1204, "unsupported_version";
    PolicyError::InvalidValue { .. } => 1205, "invalid_value";
    PolicyError::DuplicatePlan { .. } => 1206, "duplicate_plan";
    PolicyError::UnknownPlanReference { .. } => 1207, "unknown_plan_reference";
    PolicyError::RolloverOutsidePeriod { .. } => 1208, "rollover_outside_period";
    PolicyError::CurrencyMismatch { .. } => 1209, "plan_currency_mismatch";
    PolicyError::UnknownPreset { .. } => 1210, "unknown_preset";
    PolicyError::ExpiryDayNeedsMonths { .. } => 1230, "expiry_day_needs_months";
    PolicyError::RenewalCloseWithReinstatement { .. } => 1231, "renewal_close_with_reinstatement";
    PolicyError::HouseholdWithSeats { .. } => 1240, "household_with_seats";
});

impl PolicyError {
    /// Where in the document the error is (`""` for the whole document).
    ///
    /// ```
    /// let err = amscore::Policy::from_json(r#"{"version": 2, "plans": []}"#).unwrap_err();
    /// assert_eq!(err.path(), "version");
    /// ```
    pub fn path(&self) -> &str {
        match self {
            PolicyError::Syntax { path, .. }
            | PolicyError::UnknownField { path, .. }
            | PolicyError::MissingField { path, .. }
            | PolicyError::UnsupportedVersion { path, .. }
            | PolicyError::InvalidValue { path, .. }
            | PolicyError::DuplicatePlan { path, .. }
            | PolicyError::UnknownPlanReference { path, .. }
            | PolicyError::RolloverOutsidePeriod { path, .. }
            | PolicyError::CurrencyMismatch { path, .. }
            | PolicyError::UnknownPreset { path, .. }
            | PolicyError::HouseholdWithSeats { path }
            | PolicyError::ExpiryDayNeedsMonths { path, .. }
            | PolicyError::RenewalCloseWithReinstatement { path, .. } => path,
        }
    }

    /// Turns a serde error at a path into the narrowest policy error.
    pub(crate) fn from_serde(path: &str, err: &serde_json::Error) -> PolicyError {
        match SerdeProblem::classify(path.to_owned(), &err.to_string()) {
            SerdeProblem::UnknownField { path, field, expected } => PolicyError::UnknownField { path, field, expected },
            SerdeProblem::MissingField { path, field } => PolicyError::MissingField { path, field },
            SerdeProblem::Other { path, message } => PolicyError::Syntax { path, message },
        }
    }
}

/// The hint after an unknown field's name: `; did you mean `length`? valid fields: `kind`,
/// `length``. The closest valid field is offered when it is at most a third of the name's
/// letters away (at least one edit), ties going to the earlier field.
fn suggest(field: &str, expected: &[String]) -> String {
    if expected.is_empty() {
        return String::new();
    }
    let valid: Vec<String> = expected.iter().map(|e| format!("`{e}`")).collect();
    let limit = (field.chars().count() / 3).max(1);
    let closest = expected
        .iter()
        .map(|e| (edit_distance(&field.to_lowercase(), &e.to_lowercase()), e))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d);
    match closest {
        Some((_, e)) => format!("; did you mean `{e}`? valid fields: {}", valid.join(", ")),
        None => format!("; valid fields: {}", valid.join(", ")),
    }
}

/// The Levenshtein distance between two names: the fewest single-letter insertions, deletions
/// and substitutions that turn one into the other.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The documented range of a number in a policy document: its least and greatest allowed values,
/// both inclusive. Each range is a constant next to the field it bounds (and in the field's
/// schema, and in `docs/limits.md`); validation refuses a value outside it with
/// [`PolicyError::InvalidValue`] at the field's path: `must be between -8760 and 8760`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range<T> {
    /// The least allowed value.
    pub(crate) min: T,
    /// The greatest allowed value.
    pub(crate) max: T,
}

impl<T: PartialOrd + Copy + std::fmt::Display> Range<T> {
    /// The range `min..=max`.
    pub(crate) const fn new(min: T, max: T) -> Range<T> {
        Range { min, max }
    }

    /// Whether `value` lies in the range.
    pub(crate) fn contains(&self, value: T) -> bool {
        self.min <= value && value <= self.max
    }

    /// Checks `value`; outside the range it is [`PolicyError::InvalidValue`] at `path`.
    pub(crate) fn check(&self, path: impl FnOnce() -> String, value: T) -> Result<(), PolicyError> {
        if self.contains(value) {
            Ok(())
        } else {
            Err(PolicyError::InvalidValue {
                path: path(),
                message: format!("must be between {} and {}", self.min, self.max),
            })
        }
    }
}

/// Checks an amount a policy writes: not negative, no finer than the currency's minor unit, and
/// at most [`Money::max_amount`] (an amount without a currency, such as a tolerance, at most
/// [`Money::MAX_MINOR_UNITS`], the largest amount of a currency without minor units).
///
/// # Errors
/// [`PolicyError::InvalidValue`] at `path`.
pub(crate) fn check_amount(path: &str, amount: Decimal, currency: Option<Currency>) -> Result<(), PolicyError> {
    let invalid = |message: String| PolicyError::InvalidValue { path: path.to_owned(), message };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(invalid("must not be negative".into()));
    }
    match currency {
        Some(currency) => {
            if amount.normalize().scale() > currency.minor_units() {
                return Err(invalid(format!(
                    "{amount} has more decimals than {currency} allows ({})",
                    currency.minor_units()
                )));
            }
            Money::new(amount, currency)
                .check_bounded()
                .map_err(|_| invalid(format!("must be at most {}", Money::max_amount(currency))))
        }
        None if amount > Decimal::from(Money::MAX_MINOR_UNITS) => {
            Err(invalid(format!("must be at most {}", Money::MAX_MINOR_UNITS)))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_field_names_the_closest_valid_field_and_lists_them_all() {
        let err = crate::Policy::from_json(r#"{"version": 1, "preset": "amscore", "setings": {}}"#).unwrap_err();
        let PolicyError::UnknownField { path, field, expected } = &err else { panic!("{err:?}") };
        assert_eq!((path.as_str(), field.as_str()), ("", "setings"));
        assert!(expected.iter().any(|e| e == "settings") && expected.iter().any(|e| e == "plans"), "{expected:?}");
        let text = err.to_string();
        assert!(text.starts_with("unknown field `setings`; did you mean `settings`? valid fields: `"), "{text}");
        assert!(text.contains("`plans`"), "{text}");
    }

    #[test]
    fn a_name_far_from_every_valid_field_gets_the_list_alone() {
        let expected = vec!["kind".to_owned(), "length".to_owned()];
        assert_eq!(suggest("colour", &expected), "; valid fields: `kind`, `length`");
        assert_eq!(suggest("lenght", &expected), "; did you mean `length`? valid fields: `kind`, `length`");
        assert_eq!(suggest("x", &[]), "");
    }

    #[test]
    fn edit_distance_counts_single_letter_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("settings", "settings"), 0);
        assert_eq!(edit_distance("setings", "settings"), 1);
    }
}
