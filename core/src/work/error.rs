//! The error of staff work input: work items and their assignments.

use crate::codes::error_codes;

/// A problem with the work items or assignments given to the staff queues. Every variant names
/// the path of the offending value inside the request (`items[3].closed_at`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkError {
    /// Two work items with the same id.
    #[error("{}work item `{id}` is given twice (first at items[{first}])", crate::codes::at(path))]
    DuplicateItem {
        /// Where the second one is.
        path: String,
        /// The id.
        id: String,
        /// The index of the first one.
        first: usize,
    },
    /// An assignment for an item that is not among the items.
    #[error("{}no work item `{id}`", crate::codes::at(path))]
    UnknownItem {
        /// Where the assignment is.
        path: String,
        /// The item id it names.
        id: String,
    },
    /// Two assignments of the same item.
    #[error("{}work item `{id}` is assigned twice", crate::codes::at(path))]
    DuplicateAssignment {
        /// Where the second one is.
        path: String,
        /// The item id.
        id: String,
    },
    /// A time after the moment the queues are looked at (a request or a closing still to come).
    #[error("{}work item `{id}`: {at} is after as_of {as_of}", crate::codes::at(path))]
    AfterAsOf {
        /// Where the time is.
        path: String,
        /// The item.
        id: String,
        /// The time given.
        at: String,
        /// The moment asked about.
        as_of: String,
    },
    /// An item closed before it was requested.
    #[error("{}work item `{id}` is closed before it was requested", crate::codes::at(path))]
    ClosedBeforeRequested {
        /// Where the closing time is.
        path: String,
        /// The item.
        id: String,
    },
    /// A due time past the last date amscore handles (9999-12-31).
    #[error("{}work item `{id}`: its due time is past 9999-12-31", crate::codes::at(path))]
    OutOfRange {
        /// Where the item is.
        path: String,
        /// The item.
        id: String,
    },
    /// A value that is not allowed (an empty id or assignee).
    #[error("{}{message}", crate::codes::at(path))]
    InvalidInput {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl WorkError {
    /// Where in the request the error is.
    pub fn path(&self) -> &str {
        match self {
            WorkError::DuplicateItem { path, .. }
            | WorkError::UnknownItem { path, .. }
            | WorkError::DuplicateAssignment { path, .. }
            | WorkError::AfterAsOf { path, .. }
            | WorkError::ClosedBeforeRequested { path, .. }
            | WorkError::OutOfRange { path, .. }
            | WorkError::InvalidInput { path, .. } => path,
        }
    }
}

error_codes!(WorkError, "work", WORK_ERRORS, {
    WorkError::DuplicateItem { .. } => 5101, "duplicate_work_item";
    WorkError::UnknownItem { .. } => 5102, "unknown_work_item";
    WorkError::DuplicateAssignment { .. } => 5103, "duplicate_assignment";
    WorkError::AfterAsOf { .. } => 5104, "work_after_as_of";
    WorkError::ClosedBeforeRequested { .. } => 5105, "closed_before_requested";
    WorkError::OutOfRange { .. } => 5106, "work_time_out_of_range";
    WorkError::InvalidInput { .. } => 5107, "invalid_work_input";
});
