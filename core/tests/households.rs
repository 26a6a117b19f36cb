//! Households in the roster kernel: over generated households (a primary on a household plan
//! and dependants whose own rows carry any term, in any row order, some beyond the plan's cap or
//! naming a primary that is not there), a dependant's status is its primary's on every date, it
//! is never a renewal of its own (refusal `renews_with_primary`, no quote), its online renewal is
//! what `Engine::decide` says of a dependant, and the problems are the household's errors.

use amscore::kernel::{Answer, Dates, MemberColumns, RosterOptions, Strings, Text};
use amscore::{
    Action, Engine, ErrorCode, HouseholdError, MemberFacts, Membership, Route, SelfServiceRequest, Status, Term,
};
use proptest::prelude::*;
use time::{Date, Duration};

fn engine() -> Engine {
    let family = r#"{"id": "family", "name": "Family", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"renewal_opens_days": 90, "grace": {"count": 30, "unit": "day"}, "reinstatement": {"count": 6, "unit": "month"}},
        "prices": {"currency": "USD", "dues": "250.00"}, "household": {"max_dependants": 3, "price_per_dependant": "25.00"}}"#;
    let single = r#"{"id": "individual", "name": "Individual", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"grace": {"count": 30, "unit": "day"}}, "prices": {"currency": "USD", "dues": "200.00"}}"#;
    Engine::from_json(&format!(r#"{{"version": 1, "plans": [{family}, {single}]}}"#)).unwrap_or_else(|e| panic!("{e}"))
}

fn day(n: i64) -> Date {
    time::macros::date!(2020 - 01 - 01) + Duration::days(n)
}

/// Text columns in Arrow's layout.
struct Utf8 {
    offsets: Vec<i32>,
    data: Vec<u8>,
}

impl Utf8 {
    fn of(texts: &[String]) -> Utf8 {
        let mut u = Utf8 { offsets: vec![0], data: Vec::new() };
        for t in texts {
            u.data.extend_from_slice(t.as_bytes());
            u.offsets.push(i32::try_from(u.data.len()).unwrap_or(i32::MAX));
        }
        u
    }
    fn text(&self) -> Text<'_> {
        Text::Plain { values: Strings::Utf8 { offsets: &self.offsets, data: &self.data }, valid: None }
    }
}

/// One row: id, plan, member-since, term start, term end, primary (empty: none).
type Row = (String, String, Date, Date, Date, String);

struct Table {
    rows: usize,
    cols: [Utf8; 6],
}

impl Table {
    fn of(rows: &[Row]) -> Table {
        let col = |f: &dyn Fn(&Row) -> String| Utf8::of(&rows.iter().map(f).collect::<Vec<_>>());
        Table {
            rows: rows.len(),
            cols: [
                col(&|r| r.0.clone()),
                col(&|r| r.1.clone()),
                col(&|r| r.2.to_string()),
                col(&|r| r.3.to_string()),
                col(&|r| r.4.to_string()),
                col(&|r| r.5.clone()),
            ],
        }
    }
    fn columns(&self) -> MemberColumns<'_> {
        MemberColumns {
            rows: self.rows,
            member_id: self.cols[0].text(),
            plan: self.cols[1].text(),
            member_since: Dates::Text(self.cols[2].text()),
            term_start: Dates::Text(self.cols[3].text()),
            term_end: Dates::Text(self.cols[4].text()),
            primary: self.cols[5].text(),
            ..MemberColumns::default()
        }
    }
}

fn membership(r: &Row) -> Membership {
    Membership {
        member_id: r.0.as_str().into(),
        plan: r.1.as_str().into(),
        member_since: r.2,
        term: Term { start: r.3, end: Some(r.4) },
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        renewal_pending: false,
        tax_exempt: false,
        pause: None,
    }
}

/// A household: the primary's term (start offset, length), each dependant's own term and
/// whether it names a missing primary instead, and where the primary's row goes.
fn household() -> impl Strategy<Value = (Vec<Row>, usize)> {
    (
        0i64..1500,
        300i64..400,
        proptest::collection::vec((0i64..1500, 0i64..400, proptest::bool::weighted(0.1)), 0..6),
        any::<prop::sample::Index>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(start, length, deps, at, primary_single)| {
            let plan = if primary_single { "individual" } else { "family" };
            let primary =
                ("H-0".to_owned(), plan.to_owned(), day(start), day(start), day(start + length), String::new());
            let mut rows: Vec<Row> = deps
                .iter()
                .enumerate()
                .map(|(i, (s, l, missing))| {
                    let names = if *missing { "H-9" } else { "H-0" };
                    (format!("D-{i}"), "family".to_owned(), day(*s), day(*s), day(s + l), names.to_owned())
                })
                .collect();
            let at = at.index(rows.len() + 1);
            rows.insert(at, primary);
            (rows, at)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Invariant: a dependant's status equals its primary's on every date (and the primary's is
    /// the single call's); a dependant is no renewal of its own; its online renewal is the single
    /// decision of a dependant; dependants beyond the cap, of a primary that is not a household's,
    /// or naming a primary not in the roster are the household's errors.
    #[test]
    fn invariant_a_dependant_s_status_is_its_primary_s_on_every_date(
        (rows, at) in household(),
        date in 0i64..2200,
        decide in any::<bool>(),
    ) {
        let engine = engine();
        let options = RosterOptions { date: day(date), terms: 1, decide, threads: 1 };
        let table = Table::of(&rows);
        let out = engine.assess_roster(&[table.columns()], &options).unwrap_or_else(|e| panic!("{e}"));
        let primary = &rows[at];
        let single = engine.status_on(&membership(primary), options.date).map(|s| s.status);
        let p: Answer = out.answers[at];
        prop_assert_eq!(p.status, single.as_ref().ok().copied());
        let mut held = 0;
        for (i, r) in rows.iter().enumerate() {
            if i == at {
                continue;
            }
            let a = out.answers[i];
            let code = |e: HouseholdError| Some(e.code());
            if r.5 == "H-9" {
                prop_assert_eq!(a.error, code(HouseholdError::UnknownPrimary { primary: "H-9".into() }));
                continue;
            }
            if single.is_err() {
                prop_assert_eq!(a.error, code(HouseholdError::UnknownPrimary { primary: "H-0".into() }));
                continue;
            }
            if primary.1 == "individual" {
                prop_assert_eq!(a.error, code(HouseholdError::NoHousehold { primary: "H-0".into(), plan: "individual".into() }));
                continue;
            }
            held += 1;
            if held > 3 {
                prop_assert_eq!(a.error, code(HouseholdError::CapExceeded { primary: "H-0".into(), max: 3 }));
                continue;
            }
            let status: Option<Status> = p.status;
            prop_assert_eq!(a.status, status);
            prop_assert_eq!(a.counts_as_member, p.counts_as_member);
            prop_assert_eq!(a.refusal, code(HouseholdError::RenewsWithPrimary { primary: "H-0".into() }));
            prop_assert_eq!((a.renewal_kind, a.quote_total, a.error), (None, None, None));
            if decide {
                let request = SelfServiceRequest {
                    id: None,
                    at: time::PrimitiveDateTime::new(options.date, time::Time::MIDNIGHT),
                    member: Some(MemberFacts { membership: Some(membership(r)), primary: Some("H-0".into()), ..MemberFacts::default() }),
                    action: Action::Renew { terms: 1 },
                };
                match engine.decide(&request) {
                    Ok(d) => {
                        prop_assert_eq!(a.route, Some(d.route));
                        prop_assert_eq!(a.route, Some(Route::Refused));
                        prop_assert_eq!(&out.reasons[i], &d.reasons.iter().map(|r| r.code).collect::<Vec<_>>());
                    }
                    Err(_) => prop_assert_eq!(a.route, None),
                }
            }
        }
    }
}
