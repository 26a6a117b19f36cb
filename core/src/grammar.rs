//! The text grammar of flag and status cells, shared by every reader of tabular facts.

use crate::status::Status;

/// Reads a yes/no cell as the roster CSV writes it: `true/false`, `yes/no`, `y/n`, `1/0` in any
/// case; empty is no. `None` for anything else.
///
/// ```
/// assert_eq!(amscore::parse_flag("Yes"), Some(true));
/// assert_eq!(amscore::parse_flag(""), Some(false));
/// assert_eq!(amscore::parse_flag("maybe"), None);
/// ```
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" => Some(false),
        "true" | "yes" | "y" | "1" => Some(true),
        _ => None,
    }
}

/// Reads a status name in any case (`"Suspended"`); `None` for anything else.
///
/// ```
/// assert_eq!(amscore::parse_status("Suspended"), Some(amscore::Status::Suspended));
/// assert_eq!(amscore::parse_status("on hold"), None);
/// ```
pub fn parse_status(text: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text))
}
