//! The error of an audit of another system's membership export: of the request (the whole audit is
//! refused) or of one export row (the row is reported and not audited).

use crate::codes::error_codes;

/// A problem with an audit: with its request or the export's header (the whole audit is refused),
/// or with one row (reported as a [`crate::RowError`]; the other rows are still audited).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A column the format needs is missing from the export's header.
    #[error("missing column `{column}` (a {format} export has it)")]
    MissingColumn {
        /// The column (or its accepted names, joined by `/`).
        column: String,
        /// The export's format.
        format: String,
    },
    /// A column the audit reads is named twice in the header.
    #[error("duplicate column `{column}`")]
    DuplicateColumn {
        /// The column.
        column: String,
    },
    /// The export is not CSV the reader can split into rows.
    #[error("export cannot be read: {message}")]
    Unreadable {
        /// What the reader said.
        message: String,
    },
    /// The type map sends an export type to a plan the policy does not have.
    #[error("types.{type_name}: plan `{plan}` is not in the policy")]
    TypeMapUnknownPlan {
        /// The export's type name.
        type_name: String,
        /// The plan id given.
        plan: String,
    },
    /// A row's membership type is neither in the type map nor a plan id or name of the policy.
    #[error("membership type `{type_name}` maps to no plan (give it in `types`)")]
    UnknownType {
        /// The type as written.
        type_name: String,
    },
    /// A row's status is not one of the format's status words.
    #[error("`{status}` is not a {format} membership status ({known})")]
    UnknownStatus {
        /// The status as written.
        status: String,
        /// The export's format.
        format: String,
        /// The words the format uses.
        known: String,
    },
    /// A row's status override is not one of the format's override values.
    #[error("not a status override (0/1/2, no/yes, or CiviCRM's option labels)")]
    InvalidOverride,
    /// A format name that is not `civicrm` or `tendenci`.
    #[error("`{format}` is not an export format ({known})")]
    UnknownFormat {
        /// The name given.
        format: String,
        /// The formats amscore reads.
        known: String,
    },
    /// The member's status cannot be computed from the row's facts on the date.
    #[error("no status on the date: {message}")]
    NoStatus {
        /// Why (the lifecycle error's message).
        message: String,
    },
}

error_codes!(AuditError, "audit", AUDIT_ERRORS, {
    AuditError::MissingColumn { .. } => 5201, "missing_export_column";
    AuditError::DuplicateColumn { .. } => 5202, "duplicate_export_column";
    AuditError::Unreadable { .. } => 5203, "export_unreadable";
    AuditError::TypeMapUnknownPlan { .. } => 5204, "type_map_plan_not_in_policy";
    AuditError::UnknownType { .. } => 5205, "unmapped_membership_type";
    AuditError::UnknownStatus { .. } => 5206, "unknown_export_status";
    AuditError::InvalidOverride => 5207, "unparsable_status_override";
    AuditError::NoStatus { .. } => 5208, "status_not_computable";
    AuditError::UnknownFormat { .. } => 5209, "unknown_export_format";
});
