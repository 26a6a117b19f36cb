//! Roster loading and data-quality checks: every row is either used or reported with its problem.

use crate::error::error_codes;

/// A problem with one row of a roster (or with the roster's header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RosterError {
    /// A required column is missing from the header.
    #[error("missing column `{column}`")]
    MissingColumn {
        /// The column's name.
        column: String,
    },
}

error_codes!(RosterError, "roster", ROSTER_ERRORS, {
    RosterError::MissingColumn { .. } => 1501, "missing_column";
});
