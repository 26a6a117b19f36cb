//! Audits of other systems' exports (`docs/audit.md`): the shipped synthetic exports give exactly
//! the disagreements they were written to show, the sample association's own export audits clean,
//! and records amscore produces itself audit clean (a property).

use std::collections::BTreeMap;
use std::path::PathBuf;

use amscore::{AuditReport, DisagreementKind, Engine, ExportFormat, MemberHistory, Membership, Roster, TermRecord};
use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

fn read(dir: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples").join(dir).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each disagreement as (member, kind, field, stored, expected).
fn rows(report: &AuditReport) -> Vec<(&str, &'static str, &str, &str, &str)> {
    report
        .disagreements
        .iter()
        .map(|d| (d.member_id.0.as_str(), d.kind.as_str(), d.field.as_str(), d.stored.as_str(), d.expected.as_str()))
        .collect()
}

fn counts(report: &AuditReport) -> Vec<(&'static str, usize)> {
    report.summary.iter().map(|k| (k.kind.as_str(), k.count)).collect()
}

#[test]
fn the_civicrm_example_shows_every_kind_of_disagreement() {
    let engine = Engine::from_preset("civicrm").expect("preset");
    let types = BTreeMap::from([("Fixed Annual".to_owned(), "fixed-annual".into())]);
    let export = read("audit", "civicrm_memberships.csv");
    let report = engine.audit_export(ExportFormat::Civicrm, &export, date!(2025 - 06 - 30), &types).expect("audit");
    assert_eq!(
        rows(&report),
        [
            ("102", "status_differs", "Membership Status", "Current", "Expired"),
            ("103", "end_date_differs", "Membership Expiration Date", "2025-03-01", "2025-02-28"),
            ("104", "start_date_differs", "Membership Start Date", "2024-06-15", "2024-01-01"),
            ("105", "join_after_start", "Member Since", "2024-08-01", "on or before 2024-07-01"),
            ("106", "status_differs", "Membership Status", "Current", "Expired"),
            ("106", "override_expired", "Status Override", "2", "0"),
            ("107", "pending_without_payment", "Is Pay Later", "0", "1"),
            ("108", "end_date_differs", "Membership Expiration Date", "2029-05-04", ""),
        ]
    );
    assert_eq!(
        counts(&report),
        [
            ("status_differs", 2),
            ("start_date_differs", 1),
            ("end_date_differs", 2),
            ("join_after_start", 1),
            ("override_expired", 1),
            ("pending_without_payment", 1),
        ]
    );
    assert!(DisagreementKind::ALL.iter().all(|k| report.disagreements.iter().any(|d| d.kind == *k)));
    assert_eq!((report.records, report.audited, report.records_with_disagreements), (11, 10, 7));
    assert_eq!(report.problems.len(), 1);
    let p = &report.problems[0];
    assert_eq!((p.row, p.line, p.name.as_str()), (10, Some(12), "unmapped_membership_type"));
    assert_eq!((p.field.as_deref(), p.value.as_deref()), (Some("Membership Type"), Some("Platinum")));
    let d = &report.disagreements[1];
    assert_eq!((d.row, d.line, d.rule), (2, 4, "term_rule_end"));
}

#[test]
fn the_tendenci_example_shows_every_kind_its_fields_can_show() {
    let engine = Engine::from_preset("tendenci").expect("preset");
    let types = BTreeMap::from([("Annual Dec 31".to_owned(), "annual-dec31".into())]);
    let export = read("audit", "tendenci_memberships.csv");
    let report = engine.audit_export(ExportFormat::Tendenci, &export, date!(2025 - 06 - 30), &types).expect("audit");
    assert_eq!(
        rows(&report),
        [
            ("T-202", "status_differs", "status_detail", "active", "expired"),
            ("T-203", "end_date_differs", "expire_dt", "2025-03-01 10:00:00", "2025-02-28"),
            ("T-204", "join_after_start", "join_dt", "2024-11-05", "on or before 2024-10-01"),
        ]
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.records, report.audited, report.records_with_disagreements), (7, 7, 3));
}

#[test]
fn the_sample_associations_own_export_audits_clean() {
    let engine = Engine::from_json(&read("sample", "policy.json")).expect("sample policy");
    let roster = Roster::from_csv(engine.rules(), read("sample", "roster.csv").as_bytes()).expect("roster");
    let today = date!(2026 - 11 - 24);
    for format in ExportFormat::ALL {
        let export = engine.write_export(format, &roster.members, today).expect("every sample member has a status");
        let report = engine.audit_export(format, &export, today, &BTreeMap::new()).expect("audit");
        assert_eq!(report.records, roster.members.len());
        assert!(report.problems.is_empty(), "{format}: {:?}", report.problems);
        assert!(
            report.disagreements.is_empty(),
            "{format}: {:?}",
            &report.disagreements[..3.min(report.disagreements.len())]
        );
    }
}

/// A member built by the engine: a join, then `renewals` renewals each on its term's last day
/// (while the engine allows them).
fn produced(engine: &Engine, plan: &str, join: Date, renewals: u32) -> MemberHistory {
    let j = engine.join_term(&plan.into(), join).expect("join");
    let mut m = Membership {
        member_id: "P-1".into(),
        plan: plan.into(),
        member_since: j.member_since,
        term: j.term,
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
    };
    let mut terms = vec![TermRecord::of(m.term)];
    for _ in 0..renewals {
        let Some(end) = m.term.end else { break };
        let Ok(r) = engine.renewal_term(&m, end, 1) else { break };
        m.plan = r.plan;
        m.term = r.term;
        m.member_since = r.member_since;
        terms.push(TermRecord::of(m.term));
    }
    let mut member = MemberHistory::new(m);
    member.terms = terms;
    member
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Invariant: an export amscore writes of its own members, in either format, audits with no
    /// disagreement and no problem on any date from the current term's start.
    #[test]
    fn invariant_amscores_own_records_audit_clean(
        preset in prop::sample::select(vec!["amscore", "civicrm", "tendenci"]),
        plan_pick in 0usize..16,
        join_day in 0i64..(365 * 12),
        renewals in 0u32..4,
        later in 0i64..500,
    ) {
        let engine = Engine::from_preset(preset).expect("preset");
        let plans: Vec<String> = engine.policy().plans.iter()
            .filter(|p| p.seats.is_none())
            .map(|p| p.id.to_string()).collect();
        let plan = &plans[plan_pick % plans.len()];
        let join = date!(2016 - 01 - 01) + Duration::days(join_day);
        let member = produced(&engine, plan, join, renewals);
        let as_of = member.membership.term.start.max(member.membership.member_since) + Duration::days(later);
        for format in ExportFormat::ALL {
            let export = engine.write_export(format, std::slice::from_ref(&member), as_of).expect("status");
            let report = engine.audit_export(format, &export, as_of, &BTreeMap::new()).expect("audit");
            prop_assert!(report.problems.is_empty(), "{preset} {plan} {format}: {:?}\n{export}", report.problems);
            prop_assert!(report.disagreements.is_empty(), "{preset} {plan} {format}: {:?}\n{export}", report.disagreements);
            prop_assert_eq!(report.audited, 1);
        }
    }
}
