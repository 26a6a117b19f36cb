//! The table of every error code, assembled at the top from each family's rows.

use crate::codes::ErrorInfo;

/// Every error code amscore defines, in code order.
///
/// Codes are numbered in blocks by concern and are never renumbered or reused:
/// 1000 money, 1100 dates, 1200 policy, 1300 lifecycle, 1400 renewal, 1500 roster, 1600 gateway requests, 2000 quotes,
/// 3000 self-service decisions, 4000 member success, 5000 reminders, 5100 staff work, 5200 audits of
/// other systems' exports.
///
/// ```
/// let money = amscore::error_table().into_iter().filter(|e| e.family == "money").count();
/// assert!(money >= 3);
/// ```
pub fn error_table() -> Vec<ErrorInfo> {
    let mut all: Vec<ErrorInfo> = [
        crate::money::MONEY_ERRORS,
        crate::period::DATE_ERRORS,
        crate::policy_error::POLICY_ERRORS,
        crate::lifecycle_error::LIFECYCLE_ERRORS,
        crate::renewal::RENEWAL_ERRORS,
        crate::roster_error::ROSTER_ERRORS,
        crate::household::HOUSEHOLD_ERRORS,
        crate::gateway::REQUEST_ERRORS,
        crate::quote::QUOTE_ERRORS,
        crate::decision::DECISION_ERRORS,
        crate::success::SUCCESS_ERRORS,
        crate::success::REMINDER_ERRORS,
        crate::work::WORK_ERRORS,
        crate::audit::AUDIT_ERRORS,
    ]
    .concat();
    all.sort_by_key(|e| e.code);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_in_their_family_block() {
        let table = error_table();
        let mut codes: Vec<u32> = table.iter().map(|e| e.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), table.len(), "duplicate code in {table:?}");
        let mut names: Vec<&str> = table.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), table.len(), "duplicate name");
        for e in &table {
            let block = match e.family {
                "money" => 1000,
                "date" => 1100,
                "policy" => 1200,
                "lifecycle" => 1300,
                "renewal" => 1400,
                "roster" => 1500,
                "request" => 1600,
                "quote" => 2000,
                "decision" => 3000,
                "success" => 4000,
                "reminder" => 5000,
                "work" => 5100,
                "audit" => 5200,
                other => panic!("unknown family {other}"),
            };
            assert!((block..block + 100).contains(&e.code), "{e:?} outside its block");
        }
    }
}
