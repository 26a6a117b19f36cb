use time::macros::datetime;
use time::PrimitiveDateTime;

use super::*;
use crate::policy::Policy;

fn staff(section: &str) -> StaffPolicy {
    let text = format!(r#"{{"version": 1, "preset": "amscore", "staff": {section}}}"#);
    Policy::from_json(&text).map(|p| p.staff).unwrap_or_else(|e| panic!("{e}"))
}

fn desk() -> StaffPolicy {
    staff(
        r#"{"teams": {"desk": "Membership desk", "cash": "Finance office", "records": "Records"},
            "queues": {
              "membership": {"team": "desk", "service_level": {"business_hours": 16},
                             "reasons": {"credential_required": {"team": "records", "service_level": {"business_days": 1}}}},
              "finance": {"team": "cash", "service_level": {"business_days": 2}}},
            "holidays": ["2026-12-25"]}"#,
    )
}

fn item(id: &str, queue: Queue, reasons: &[ReasonCode], at: PrimitiveDateTime) -> WorkItem {
    WorkItem { id: id.into(), queue, reasons: reasons.to_vec(), requested_at: at, closed_at: None }
}

#[test]
fn business_time_skips_the_weekend_and_holidays() {
    let cal = BusinessCalendar::new(&desk());
    // Friday 16:00 + 2 h = Monday 10:00; + 1 h ends at Friday's closing.
    assert_eq!(cal.add_minutes(datetime!(2026-11-27 16:00), 120), Some(datetime!(2026-11-30 10:00)));
    assert_eq!(cal.add_minutes(datetime!(2026-11-27 16:00), 60), Some(datetime!(2026-11-27 17:00)));
    // A request on Saturday starts the clock on Monday at opening.
    assert_eq!(cal.add_minutes(datetime!(2026-11-28 11:00), 30), Some(datetime!(2026-11-30 09:30)));
    assert_eq!(cal.minutes_between(datetime!(2026-11-28 11:00), datetime!(2026-11-30 09:30)), 30);
    // Christmas (a Friday) is closed: Thursday 16:00 + 2 h = Monday 10:00.
    assert_eq!(cal.add_minutes(datetime!(2026-12-24 16:00), 120), Some(datetime!(2026-12-28 10:00)));
    assert_eq!(cal.minutes_between(datetime!(2026-12-24 16:00), datetime!(2026-12-28 10:00)), 120);
    // Before opening and after closing count nothing.
    assert_eq!(cal.minutes_between(datetime!(2026-11-30 06:00), datetime!(2026-11-30 08:59)), 0);
    assert_eq!(cal.minutes_between(datetime!(2026-11-30 17:30), datetime!(2026-11-30 23:00)), 0);
    assert_eq!(cal.minutes_between(datetime!(2026-11-30 12:00), datetime!(2026-11-30 11:00)), 0);
    assert_eq!(cal.add_minutes(datetime!(9999-12-31 16:00), 120), None);
}

#[test]
fn adding_business_minutes_and_counting_them_back_agree() {
    // The property on a grid of starts and lengths, across weekends and the holiday.
    let cal = BusinessCalendar::new(&desk());
    let mut start = datetime!(2026-12-18 07:45);
    for step in 0..200 {
        let minutes = (step * 37) % 2000;
        let due = cal.add_minutes(start, minutes).unwrap_or_else(|| panic!("{start} + {minutes}"));
        assert_eq!(cal.minutes_between(start, due), i64::try_from(minutes).unwrap_or(0), "{start} + {minutes}");
        start += time::Duration::minutes(83);
    }
}

#[test]
fn items_are_aged_owned_and_sorted_oldest_first() {
    let policy = desk();
    let items = vec![
        item("R-2", Queue::Membership, &[ReasonCode::PlanRequiresApproval], datetime!(2026-11-30 09:00)),
        item("R-1", Queue::Membership, &[ReasonCode::CredentialRequired], datetime!(2026-11-27 16:00)),
        item("R-3", Queue::Events, &[ReasonCode::EventFull], datetime!(2026-11-26 12:00)),
        item("R-4", Queue::Finance, &[ReasonCode::BalanceOverdue], datetime!(2026-11-27 16:00)),
    ];
    let assignments = vec![Assignment { item: "R-2".into(), assignee: "dana".into() }];
    let r = staff_queues(&policy, &items, &assignments, datetime!(2026-11-30 10:30)).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["R-3", "R-1", "R-4", "R-2"]);
    let by_id = |id: &str| r.items.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("{id}"));
    // R-1: credential_required goes to records in 1 business day: Friday 16:00 + 8 h = Monday 16:00.
    let r1 = by_id("R-1");
    assert_eq!((r1.team.as_deref(), r1.due), (Some("records"), Some(datetime!(2026-11-30 16:00))));
    assert_eq!(
        (r1.business_minutes, r1.age_minutes, r1.business_minutes_left, r1.overdue),
        (150, 3990, Some(330), false)
    );
    // R-4: finance, 2 business days: Tuesday 16:00.
    assert_eq!(by_id("R-4").due, Some(datetime!(2026-12-01 16:00)));
    // R-3: events has no owner: no due time, not overdue, counted as unowned.
    let r3 = by_id("R-3");
    assert_eq!((r3.team.as_deref(), r3.due, r3.overdue), (None, None, false));
    assert_eq!(r3.business_minutes, 5 * 60 + 8 * 60 + 90);
    assert_eq!((r.open, r.overdue, r.unowned), (4, 0, 1));
    let owners: Vec<(Option<&str>, Option<&str>, usize)> =
        r.by_owner.iter().map(|o| (o.team.as_deref(), o.assignee.as_deref(), o.open)).collect();
    assert_eq!(
        owners,
        [(Some("cash"), None, 1), (Some("desk"), Some("dana"), 1), (Some("records"), None, 1), (None, None, 1)]
    );
    let queues: Vec<(Queue, usize)> = r.by_queue.iter().map(|q| (q.queue, q.open)).collect();
    assert_eq!(queues, [(Queue::Membership, 2), (Queue::Events, 1), (Queue::Finance, 1)]);
    assert!(r.resolved.is_empty());
}

#[test]
fn overdue_items_and_the_resolution_share() {
    let policy = staff(
        r#"{"teams": {"desk": "Desk"}, "queues": {"membership": {"team": "desk", "service_level": {"business_hours": 2}}}}"#,
    );
    let mut closed_late = item("C-1", Queue::Membership, &[], datetime!(2026-11-27 16:00));
    closed_late.closed_at = Some(datetime!(2026-11-30 10:01));
    let mut closed_on_time = item("C-2", Queue::Membership, &[], datetime!(2026-11-27 16:00));
    closed_on_time.closed_at = Some(datetime!(2026-11-30 10:00));
    let mut unowned = item("C-3", Queue::Records, &[], datetime!(2026-11-27 16:00));
    unowned.closed_at = Some(datetime!(2026-11-28 10:00));
    let open = item("O-1", Queue::Membership, &[], datetime!(2026-11-27 16:00));
    let r = staff_queues(&policy, &[closed_late, closed_on_time, unowned, open], &[], datetime!(2026-11-30 10:30))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.open, r.overdue), (1, 1));
    assert_eq!(r.items[0].business_minutes_left, Some(-30));
    let all = &r.resolved[0];
    assert_eq!((all.queue, all.closed, all.within, all.without_service_level), (None, 2, 1, 1));
    assert_eq!(all.share.map(|s| s.to_string()).as_deref(), Some("50.0"));
    assert_eq!(r.resolved[2].share, None);
    assert_eq!(r.resolved.len(), 3);
    let text = format_staff_queues(&r, 5);
    assert!(text.contains("due 2026-11-30T10:00, overdue by 30 min"), "{text}");
    assert!(
        text.contains(
            "Resolved within the service level (all queues): 1 of 2 (50.0%); 1 closed without a service level"
        ),
        "{text}"
    );
}

#[test]
fn bad_input_is_refused_with_its_path() {
    let policy = desk();
    let at = datetime!(2026-11-30 10:30);
    let a = item("A", Queue::Membership, &[], datetime!(2026-11-27 16:00));
    let err = |items: &[WorkItem], assignments: &[Assignment]| match staff_queues(&policy, items, assignments, at) {
        Ok(_) => panic!("accepted"),
        Err(e) => (e.path().to_owned(), e.to_string()),
    };
    assert_eq!(err(&[a.clone(), a.clone()], &[]).0, "items[1].id");
    let later = item("B", Queue::Membership, &[], datetime!(2026-11-30 11:00));
    assert_eq!(
        err(&[a.clone(), later], &[]),
        (
            "items[1].requested_at".into(),
            "items[1].requested_at: work item `B`: 2026-11-30T11:00 is after as_of 2026-11-30T10:30".into()
        )
    );
    let mut back = a.clone();
    back.closed_at = Some(datetime!(2026-11-27 15:00));
    assert_eq!(err(&[back], &[]).0, "items[0].closed_at");
    let ghost = Assignment { item: "Z".into(), assignee: "dana".into() };
    assert_eq!(err(std::slice::from_ref(&a), &[ghost]).1, "assignments[0].item: no work item `Z`");
    let twice = vec![
        Assignment { item: "A".into(), assignee: "x".into() },
        Assignment { item: "A".into(), assignee: "y".into() },
    ];
    assert_eq!(err(std::slice::from_ref(&a), &twice).0, "assignments[1].item");
    assert_eq!(err(&[item(" ", Queue::Events, &[], at)], &[]).0, "items[0].id");
}
