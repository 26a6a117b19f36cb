//! The roster kernel is the single calls, row by row: over generated rosters (members with one
//! row and with several, rows with problems, facts without a status, unknown plans, nulls), each
//! row's answer from `Engine::assess_roster` (one thread, several, and the roster split into
//! chunks) is what `Engine::assess` gives the member the roster loader (`Roster::from_rows`)
//! builds from the same rows, and a row with problems carries them. (`Engine::assess` is the
//! gateway's and the other single calls' answer: tests/equivalence.rs.)

use amscore::kernel::{
    problems_message, Answer, Bools, Dates, MemberColumns, RosterAnswers, RosterOptions, Strings, Text, Validity,
    EPOCH_JULIAN_DAY,
};
use amscore::{Cell, Engine, ErrorCode, LifecycleError, Pause, ReasonCode, Roster, RosterError, TermRow};
use proptest::prelude::*;
use time::{Date, Duration};

/// The `amscore` preset with tax on two plans (GST on `individual`'s exclusive prices, VAT in
/// `fiscal`'s inclusive ones), so that a member's exemption from tax changes their renewal quote.
fn engine() -> Engine {
    let mut policy: serde_json::Value =
        serde_json::from_str(include_str!("../presets/amscore.json")).unwrap_or_else(|e| panic!("{e}"));
    for plan in policy["plans"].as_array_mut().into_iter().flatten() {
        let tax = match plan["id"].as_str() {
            Some("individual") => serde_json::json!({"components": [{"name": "GST", "percent": "5"}]}),
            Some("fiscal") => {
                serde_json::json!({"components": [{"name": "VAT", "percent": "20"}], "prices": "inclusive"})
            }
            _ => continue,
        };
        plan["tax"] = tax;
    }
    Engine::from_json(&policy.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn day(n: i64) -> Date {
    time::macros::date!(2020 - 01 - 01) + Duration::days(n)
}

/// One generated row: text as a roster file would have it, dates as day offsets (`None`: null).
#[derive(Debug, Clone)]
struct Row {
    member: u8,
    plan: String,
    since: Option<i64>,
    start: Option<i64>,
    length: Option<i64>,
    pending: Option<bool>,
    cancelled: Option<i64>,
    deceased: Option<i64>,
    hold: String,
    until: Option<i64>,
    renewal_pending: bool,
    tax_exempt: bool,
    /// The pause's first and last days as offsets from the term's start (`None`: that end empty).
    pause: Option<(Option<i64>, Option<i64>)>,
}

fn row() -> impl Strategy<Value = Row> {
    let mut plans: Vec<String> = engine().rules().plans().iter().map(|p| p.id.to_string()).collect();
    plans.push("platinum".into());
    (
        (0u8..12, proptest::sample::select(plans), proptest::option::weighted(0.97, 0i64..2000)),
        (0i64..900, 0i64..900, 0u8..20),
        (proptest::option::of(any::<bool>()), proptest::option::weighted(0.1, 0i64..2500), proptest::bool::weighted(0.2)),
        proptest::option::weighted(0.05, 0i64..2500),
        prop_oneof![8 => Just(String::new()), 1 => Just("suspended".to_owned()), 1 => Just("lapsed".to_owned()), 1 => Just("sleeping".to_owned())],
        proptest::option::weighted(0.5, 0i64..2500),
        // Exempt from tax; a pause mostly inside the term, sometimes outside it, ending before
        // it starts, or with one end empty.
        (
            proptest::bool::weighted(0.3),
            proptest::option::weighted(
                0.3,
                (-20i64..900, -5i64..200, 0u8..12).prop_map(|(from, days, shape)| match shape {
                    0 => (Some(from), None),
                    1 => (None, Some(from + days)),
                    _ => (Some(from), Some(from + days)),
                }),
            ),
        ),
    )
        .prop_map(|((member, plan, since), (later, length, shape), (pending, cancelled, renewal_pending), deceased, hold, until, (tax_exempt, pause))| Row {
            member,
            since,
            start: since.map(|s| s + later),
            // Mostly a term that agrees with the plan's kind; sometimes none, or one on a lifetime plan.
            length: match (shape, plan.as_str()) {
                (0, _) => None,
                (_, "lifetime") if shape > 2 => None,
                _ => Some(length),
            },
            plan,
            pending,
            cancelled,
            deceased,
            hold,
            until,
            renewal_pending,
            tax_exempt,
            pause,
        })
}

/// Text columns in Arrow's layout.
struct Utf8 {
    offsets: Vec<i32>,
    data: Vec<u8>,
}

impl Utf8 {
    fn of<'s>(texts: impl Iterator<Item = &'s str>) -> Utf8 {
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

/// A date column with its validity bitmap.
struct Days {
    days: Vec<i32>,
    valid: Vec<u8>,
}

impl Days {
    fn of(dates: impl Iterator<Item = Option<Date>>) -> Days {
        let mut d = Days { days: Vec::new(), valid: Vec::new() };
        for (i, date) in dates.enumerate() {
            if i % 8 == 0 {
                d.valid.push(0);
            }
            d.days.push(date.map_or(0, |x| x.to_julian_day() - EPOCH_JULIAN_DAY));
            if date.is_some() {
                if let Some(b) = d.valid.last_mut() {
                    *b |= 1 << (i % 8);
                }
            }
        }
        d
    }
    fn dates(&self) -> Dates<'_> {
        Dates::Days { days: &self.days, valid: Some(Validity::new(&self.valid, 0)) }
    }
}

struct Table {
    ids: Utf8,
    plans: Utf8,
    /// The plans as a dictionary (each distinct plan once, every other one padded with a space
    /// the row check trims) and each row's key into it.
    plan_values: Utf8,
    plan_keys: Vec<i32>,
    holds: Utf8,
    since: Days,
    start: Days,
    end: Days,
    cancelled: Days,
    deceased: Days,
    until: Days,
    renewal: Utf8,
    exempt: Utf8,
    pause_from: Days,
    pause_to: Days,
    pending: Vec<u8>,
    pending_valid: Vec<u8>,
    rows: usize,
}

fn ids(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| format!("M-{}", r.member)).collect()
}

fn end_of(r: &Row) -> Option<Date> {
    r.start.zip(r.length).map(|(s, l)| day(s + l))
}

/// The pause's first (`to: false`) or last day; with no term start, offsets from day 0.
fn pause_of(r: &Row, to: bool) -> Option<Date> {
    let (from, last) = r.pause?;
    let offset = if to { last } else { from }?;
    Some(day(r.start.unwrap_or(0) + offset))
}

impl Table {
    fn of(rows: &[Row]) -> Table {
        let mut pending = Vec::new();
        let mut pending_valid = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if i % 8 == 0 {
                pending.push(0);
                pending_valid.push(0);
            }
            if let (Some(p), Some(v), Some(x)) = (r.pending, pending_valid.last_mut(), pending.last_mut()) {
                *v |= 1 << (i % 8);
                *x |= u8::from(p) << (i % 8);
            }
        }
        let ids = ids(rows);
        let mut distinct: Vec<&str> = Vec::new();
        let plan_keys = rows
            .iter()
            .map(|r| {
                let k = distinct.iter().position(|p| *p == r.plan).unwrap_or_else(|| {
                    distinct.push(&r.plan);
                    distinct.len() - 1
                });
                i32::try_from(k).unwrap_or(i32::MAX)
            })
            .collect();
        let padded: Vec<String> = distinct
            .iter()
            .enumerate()
            .map(|(k, p)| if k % 2 == 1 { format!(" {p}") } else { (*p).to_owned() })
            .collect();
        Table {
            ids: Utf8::of(ids.iter().map(String::as_str)),
            plans: Utf8::of(rows.iter().map(|r| r.plan.as_str())),
            plan_values: Utf8::of(padded.iter().map(String::as_str)),
            plan_keys,
            holds: Utf8::of(rows.iter().map(|r| r.hold.as_str())),
            since: Days::of(rows.iter().map(|r| r.since.map(day))),
            start: Days::of(rows.iter().map(|r| r.start.map(day))),
            end: Days::of(rows.iter().map(end_of)),
            cancelled: Days::of(rows.iter().map(|r| r.cancelled.map(day))),
            deceased: Days::of(rows.iter().map(|r| r.deceased.map(day))),
            until: Days::of(rows.iter().map(|r| r.until.filter(|_| !r.hold.is_empty()).map(day))),
            renewal: Utf8::of(rows.iter().map(|r| if r.renewal_pending { "yes" } else { "" })),
            exempt: Utf8::of(rows.iter().map(|r| if r.tax_exempt { "yes" } else { "no" })),
            pause_from: Days::of(rows.iter().map(|r| pause_of(r, false))),
            pause_to: Days::of(rows.iter().map(|r| pause_of(r, true))),
            pending,
            pending_valid,
            rows: rows.len(),
        }
    }

    fn columns(&self) -> MemberColumns<'_> {
        MemberColumns {
            rows: self.rows,
            member_id: self.ids.text(),
            plan: self.plans.text(),
            member_since: self.since.dates(),
            term_start: self.start.dates(),
            term_end: self.end.dates(),
            pending: Bools::Bits {
                values: Validity::new(&self.pending, 0),
                rows: self.rows,
                valid: Some(Validity::new(&self.pending_valid, 0)),
            },
            cancelled_on: self.cancelled.dates(),
            deceased_on: self.deceased.dates(),
            override_status: self.holds.text(),
            override_until: self.until.dates(),
            renewal_pending: Bools::Text(self.renewal.text()),
            tax_exempt: Bools::Text(self.exempt.text()),
            pause_from: self.pause_from.dates(),
            pause_to: self.pause_to.dates(),
            ..MemberColumns::default()
        }
    }

    /// The required columns and `pending` alone, the plans as a dictionary and every date and
    /// flag given with no validity bitmap: the roster whose rows the kernel reads straight from
    /// its columns (every date must be given: [`plain`]).
    fn plain_columns(&self) -> MemberColumns<'_> {
        let values = Strings::Utf8 { offsets: &self.plan_values.offsets, data: &self.plan_values.data };
        MemberColumns {
            rows: self.rows,
            member_id: self.ids.text(),
            plan: Text::Dictionary { keys: &self.plan_keys, valid: None, values },
            member_since: Dates::Days { days: &self.since.days, valid: None },
            term_start: Dates::Days { days: &self.start.days, valid: None },
            term_end: Dates::Days { days: &self.end.days, valid: None },
            pending: Bools::Bits { values: Validity::new(&self.pending, 0), rows: self.rows, valid: None },
            ..MemberColumns::default()
        }
    }

    /// [`Table::columns`] with the plans as a dictionary (looked up once per value by the kernel).
    fn columns_with_dictionary_plans(&self) -> MemberColumns<'_> {
        let values = Strings::Utf8 { offsets: &self.plan_values.offsets, data: &self.plan_values.data };
        MemberColumns { plan: Text::Dictionary { keys: &self.plan_keys, valid: None, values }, ..self.columns() }
    }
}

/// What the roster loader and the single call say of every row.
type Expected = (Vec<Answer>, Vec<(usize, String)>, Vec<Vec<ReasonCode>>);

fn expected(engine: &Engine, rows: &[Row], options: &RosterOptions) -> Expected {
    let ids = ids(rows);
    let cell = |d: Option<Date>| d.map_or(Cell::Empty, Cell::Value);
    let term_rows = rows.iter().zip(&ids).map(|(r, id)| TermRow {
        member_id: id,
        plan: &r.plan,
        member_since: cell(r.since.map(day)),
        term_start: cell(r.start.map(day)),
        term_end: cell(end_of(r)),
        pending: r.pending.map_or(Cell::Empty, Cell::Value),
        cancelled_on: cell(r.cancelled.map(day)),
        deceased_on: cell(r.deceased.map(day)),
        override_status: &r.hold,
        override_until: cell(r.until.filter(|_| !r.hold.is_empty()).map(day)),
        renewal_pending: if r.renewal_pending { Cell::Text("yes") } else { Cell::Empty },
        tax_exempt: Cell::Value(r.tax_exempt),
        pause_from: cell(pause_of(r, false)),
        pause_to: cell(pause_of(r, true)),
        ..TermRow::default()
    });
    let roster = Roster::from_rows(engine.rules(), term_rows);
    let mut answers = vec![Answer::default(); rows.len()];
    let mut messages = Vec::new();
    let mut reasons = if options.decide { vec![Vec::new(); rows.len()] } else { Vec::new() };
    for member in &roster.members {
        // The current row's exemption and pause are the membership's.
        if let Some(r) = member.row().map(|i| &rows[i]) {
            assert_eq!(member.membership.tax_exempt, r.tax_exempt, "{r:?}");
            let pause = pause_of(r, false).zip(pause_of(r, true)).map(|(from, to)| Pause { from, to });
            assert_eq!(member.membership.pause, pause, "{r:?}");
        }
        let a = engine.assess(&member.membership, options.date, options.terms, options.decide);
        let mut answer = Answer::default();
        let mut message = None;
        match &a {
            Ok(a) => {
                answer.status = Some(a.status.status);
                answer.counts_as_member = a.status.counts_as_member;
                match &a.renewal {
                    Ok(r) => {
                        answer.renewal_kind = Some(r.kind);
                        answer.renewal_plan =
                            engine.rules().plan_index(r.plan.as_str()).and_then(|i| u32::try_from(i).ok());
                        answer.renewal_start = Some(r.term.start);
                        answer.renewal_end = r.term.end;
                        answer.renewal_member_since = Some(r.member_since);
                    }
                    Err(e) => answer.refusal = Some(e.code()),
                }
                answer.refused_until = a.refused_until();
                match &a.quote_total {
                    Ok(t) => {
                        answer.quote_total = t.to_minor_units().ok();
                        answer.quote_currency = Some(t.currency());
                    }
                    Err(e) if a.renewal.is_ok() => answer.quote_error = Some(e.code()),
                    Err(_) => {}
                }
                if let Some(Ok(d)) = &a.decision {
                    answer.route = Some(d.route);
                    for row in member.terms.iter().filter_map(|t| t.row) {
                        reasons[row] = d.reasons.iter().map(|r| r.code).collect();
                    }
                }
            }
            Err(e) => {
                answer.error = Some(e.code());
                message = Some(e.to_string());
            }
        }
        for row in member.terms.iter().filter_map(|t| t.row) {
            answers[row] = Answer { current_term: member.row() == Some(row), ..answer };
            if let Some(m) = &message {
                messages.push((row, m.clone()));
            }
        }
    }
    for problems in roster.problems.chunk_by(|a, b| a.row == b.row) {
        answers[problems[0].row] = Answer { error: Some(problems[0].code), ..Answer::default() };
        messages.push((problems[0].row, problems_message(problems)));
    }
    messages.sort();
    (answers, messages, reasons)
}

fn messages(out: &RosterAnswers) -> Vec<(usize, String)> {
    out.messages.iter().map(|m| (m.row, m.message.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Invariant: the kernel's answer for every row is the single call's for that row's member,
    /// whatever the threads, and the roster in chunks answers like the roster whole.
    #[test]
    fn invariant_the_kernel_is_the_single_calls_row_by_row(
        rows in proptest::collection::vec(row(), 0..40),
        date in 0i64..2600,
        decide in any::<bool>(),
        cut in 0usize..40,
    ) {
        let engine = engine();
        let options = RosterOptions { date: day(date), terms: 1, decide, threads: 1 };
        let table = Table::of(&rows);
        let out = engine.assess_roster(&[table.columns()], &options).unwrap_or_else(|e| panic!("{e}"));
        let (answers, expected_messages, reasons) = expected(&engine, &rows, &options);
        prop_assert_eq!(&out.answers, &answers);
        prop_assert_eq!(messages(&out), expected_messages);
        prop_assert_eq!(&out.reasons, &reasons);
        let many = engine.assess_roster(&[table.columns()], &RosterOptions { threads: 3, ..options }).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&many, &out);
        // The plans as a dictionary.
        let dictionary = engine.assess_roster(&[table.columns_with_dictionary_plans()], &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&dictionary, &out);
        // The same rows in two chunks.
        let cut = cut.min(rows.len());
        let (a, b) = (Table::of(&rows[..cut]), Table::of(&rows[cut..]));
        let chunked = engine.assess_roster(&[a.columns(), b.columns()], &RosterOptions { threads: 0, ..options }).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&chunked, &out);
        // The same rows sorted by member id (each member's rows side by side, as most exports
        // have them: the kernel finds members with several rows without hashing), whole and in
        // two chunks.
        let mut sorted = rows.clone();
        sorted.sort_by_key(|r| format!("M-{}", r.member));
        let (answers, expected_messages, reasons) = expected(&engine, &sorted, &options);
        let table = Table::of(&sorted);
        let out = engine.assess_roster(&[table.columns()], &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&out.answers, &answers);
        prop_assert_eq!(messages(&out), expected_messages);
        prop_assert_eq!(&out.reasons, &reasons);
        let (a, b) = (Table::of(&sorted[..cut]), Table::of(&sorted[cut..]));
        let chunked = engine.assess_roster(&[a.columns(), b.columns()], &RosterOptions { threads: 0, ..options }).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&chunked, &out);
    }
}

/// The rows as a roster of the required columns and `pending` alone, every date and flag given
/// ([`Table::plain_columns`]); some rows made into the row check's cases: a term that ends
/// before it starts (every fifth member), a member who joined after the term ended (every
/// seventh); a lifetime plan's rows have an end (another of its cases), an unknown plan is kept.
fn plain(rows: &[Row]) -> Vec<Row> {
    rows.iter()
        .map(|r| {
            let start = r.start.unwrap_or(0);
            let length = if r.member % 5 == 0 { -3 } else { r.length.unwrap_or(364) };
            let since = if r.member % 7 == 1 { start + length + 5 } else { r.since.unwrap_or(start) };
            Row {
                since: Some(since),
                start: Some(start),
                length: Some(length),
                pending: Some(r.pending.unwrap_or(false)),
                cancelled: None,
                deceased: None,
                hold: String::new(),
                until: None,
                renewal_pending: false,
                tax_exempt: false,
                pause: None,
                ..r.clone()
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Invariant: a plain roster (the required columns and `pending`, the plans a dictionary,
    /// every date given: rows the kernel reads straight from its columns rather than cell by
    /// cell) is answered as the single calls answer each row, the row check's problems
    /// included, on any number of threads.
    #[test]
    fn invariant_the_kernel_reads_plain_rows_as_the_row_check_does(
        rows in proptest::collection::vec(row(), 0..40),
        date in 0i64..2600,
        threads in 0usize..3,
    ) {
        let engine = engine();
        let rows = plain(&rows);
        let options = RosterOptions { date: day(date), terms: 1, decide: false, threads };
        let table = Table::of(&rows);
        let out = engine.assess_roster(&[table.plain_columns()], &options).unwrap_or_else(|e| panic!("{e}"));
        let (answers, expected_messages, _) = expected(&engine, &rows, &options);
        prop_assert_eq!(&out.answers, &answers);
        prop_assert_eq!(messages(&out), expected_messages);
        // The same rows read cell by cell (a plan column of text).
        let cells = MemberColumns { plan: table.plans.text(), ..table.plain_columns() };
        prop_assert_eq!(&engine.assess_roster(&[cells], &options).unwrap_or_else(|e| panic!("{e}")), &out);
    }
}

#[test]
fn a_missing_required_column_and_a_short_column_are_the_roster_s_errors() {
    let engine = engine();
    let options = RosterOptions { date: day(100), terms: 1, decide: false, threads: 1 };
    let rows: Vec<Row> = Vec::new();
    let table = Table::of(&rows);
    let mut c = table.columns();
    c.term_end = Dates::Absent;
    let e = engine.assess_roster(&[c], &options).map(|_| ()).unwrap_err();
    assert_eq!(e.to_string(), "missing column `term_end`");
    let mut c = table.columns();
    c.rows = 1;
    let e = engine.assess_roster(&[c], &options).map(|_| ()).unwrap_err();
    assert_eq!(e.to_string(), "column `member_id` has 0 values for 1 rows");
}

/// A prospective member: a row's plan (and whether it has a join date), the date, terms, seats.
type JoinRow = (Row, i64, Option<i64>, Option<i64>);

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Invariant: every row's join quote from the kernel (totals only, and with lines) is
    /// `Engine::quote_join`'s for the row, whatever the threads.
    #[test]
    fn invariant_bulk_join_quotes_are_the_single_calls(
        rows in proptest::collection::vec((row(), 0i64..3000, proptest::option::of(-1i64..4), proptest::option::of(-1i64..30)), 0..30),
        threads in 0usize..3,
    ) {
        use amscore::kernel::{Counts, JoinColumns};
        let engine = engine();
        let plans = Utf8::of(rows.iter().map(|(r, ..)| r.plan.as_str()));
        let dates = Days::of(rows.iter().map(|(r, d, ..)| r.since.map(|_| day(*d))));
        let counts = |f: fn(&JoinRow) -> Option<i64>| -> (Vec<i64>, Vec<u8>) {
            let mut values = Vec::new();
            let mut valid = vec![0u8; rows.len().div_ceil(8)];
            for (i, r) in rows.iter().enumerate() {
                values.push(f(r).unwrap_or(0));
                if f(r).is_some() {
                    valid[i / 8] |= 1 << (i % 8);
                }
            }
            (values, valid)
        };
        let (terms, terms_valid) = counts(|r| r.2);
        let (seats, seats_valid) = counts(|r| r.3);
        let table = JoinColumns {
            rows: rows.len(),
            plan: plans.text(),
            join_date: dates.dates(),
            terms: Counts::Values { values: &terms, valid: Some(Validity::new(&terms_valid, 0)) },
            seats: Counts::Values { values: &seats, valid: Some(Validity::new(&seats_valid, 0)) },
        };
        let totals = engine.quote_join_roster(&[table], threads, false).unwrap_or_else(|e| panic!("{e}"));
        let lines = engine.quote_join_roster(&[table], threads, true).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(&totals.answers, &lines.answers);
        prop_assert_eq!(&totals.messages, &lines.messages);
        let mut quoted = lines.quotes.iter();
        for (i, (r, d, t, s)) in rows.iter().enumerate() {
            let a = totals.answers[i];
            let single = match (r.since, t, s) {
                (None, ..) => None,
                (_, Some(t), _) if *t < 0 => None,
                (_, _, Some(s)) if *s < 0 => None,
                _ => Some(engine.quote_join(&r.plan.as_str().into(), day(*d), t.map_or(1, |t| t as u32), s.map(|s| s as u32))),
            };
            match single {
                Some(Ok(q)) => {
                    prop_assert_eq!(a.total, q.total.to_minor_units().ok());
                    prop_assert_eq!(a.term_start, q.term.map(|t| t.start));
                    prop_assert_eq!(a.term_end, q.term.and_then(|t| t.end));
                    prop_assert_eq!(quoted.next().map(|(row, q)| (*row, q)), Some((i, &q)));
                }
                Some(Err(e)) => {
                    prop_assert_eq!(a.error, Some(e.code()));
                    prop_assert!(totals.messages.iter().any(|m| m.row == i && m.message.ends_with(&e.to_string())));
                }
                None => prop_assert!(a.error.is_some() && a.total.is_none()),
            }
        }
        prop_assert!(quoted.next().is_none());
    }
}

/// A one-row roster of the given tax exemption and pause text (`pause_from`, `pause_to`).
fn exempt_paused_row(exempt: &str, from: &str, to: &str) -> RosterAnswers {
    let engine = engine();
    let text = |t: &str| Utf8::of(std::iter::once(t));
    let (ids, plans, exempt, from, to) = (text("M-1"), text("individual"), text(exempt), text(from), text(to));
    let days = |d: Date| Days::of(std::iter::once(Some(d)));
    let (since, start, end) = (
        days(time::macros::date!(2020 - 03 - 01)),
        days(time::macros::date!(2025 - 03 - 01)),
        days(time::macros::date!(2026 - 02 - 28)),
    );
    let columns = MemberColumns {
        rows: 1,
        member_id: ids.text(),
        plan: plans.text(),
        member_since: since.dates(),
        term_start: start.dates(),
        term_end: end.dates(),
        tax_exempt: Bools::Text(exempt.text()),
        pause_from: Dates::Text(from.text()),
        pause_to: Dates::Text(to.text()),
        ..MemberColumns::default()
    };
    let options = RosterOptions { date: time::macros::date!(2026 - 03 - 10), terms: 1, decide: false, threads: 1 };
    engine.assess_roster(&[columns], &options).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_row_s_tax_exemption_and_pause_are_the_single_call_s_membership_facts() {
    let engine = engine();
    let date = time::macros::date!(2026 - 03 - 10);
    let membership = |tax_exempt: bool, pause: Option<Pause>| amscore::Membership {
        member_id: "M-1".into(),
        plan: "individual".into(),
        member_since: time::macros::date!(2020 - 03 - 01),
        term: amscore::Term {
            start: time::macros::date!(2025 - 03 - 01),
            end: Some(time::macros::date!(2026 - 02 - 28)),
        },
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt,
        pause,
        renewal_pending: false,
    };
    let pause = Pause { from: time::macros::date!(2025 - 06 - 01), to: time::macros::date!(2025 - 06 - 30) };
    for (exempt, from, to, facts) in [
        ("yes", "2025-06-01", "2025-06-30", membership(true, Some(pause))),
        ("no", "", "", membership(false, None)),
        ("", "2025-06-01", "2025-06-30", membership(false, Some(pause))),
        ("y", "", "", membership(true, None)),
    ] {
        let out = exempt_paused_row(exempt, from, to);
        let single = engine.assess(&facts, date, 1, false).unwrap_or_else(|e| panic!("{e}"));
        let a = out.answers[0];
        assert_eq!(a.error, None, "{:?}", out.messages);
        assert_eq!(a.status, Some(single.status.status), "{exempt} {from}");
        assert_eq!(a.renewal_end, single.renewal.as_ref().ok().and_then(|r| r.term.end), "{exempt} {from}");
        let total = single.quote_total.as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.quote_total, total.to_minor_units().ok(), "{exempt} {from}");
    }
    // The facts matter: the exemption drops the GST, the pause (extend) keeps the member in
    // their term past its stored end.
    let (taxed, exempt) = (exempt_paused_row("", "", ""), exempt_paused_row("yes", "", ""));
    assert!(taxed.answers[0].quote_total > exempt.answers[0].quote_total);
    let (plain, paused) = (exempt_paused_row("", "", ""), exempt_paused_row("", "2025-06-01", "2025-06-30"));
    assert_ne!(plain.answers[0].status, paused.answers[0].status);
}

#[test]
fn a_pause_with_one_end_or_outside_its_term_is_the_row_s_error_naming_the_column() {
    let missing = RosterError::MissingValue.code();
    let d = |s: &str| {
        Date::parse(s, &time::format_description::well_known::Iso8601::DATE).unwrap_or_else(|e| panic!("{e}"))
    };
    let backwards = LifecycleError::PauseEndsBeforeStart { from: d("2025-06-30"), to: d("2025-06-01") }.code();
    let outside = |from: &str, to: &str| {
        let (term_start, term_end) = (d("2025-03-01"), Some(d("2026-02-28")));
        LifecycleError::PauseOutsideTerm { from: d(from), to: d(to), term_start, term_end }.code()
    };
    for (from, to, code, column) in [
        ("2025-06-01", "", missing, "pause_to"),
        ("", "2025-06-30", missing, "pause_from"),
        ("2025-06-30", "2025-06-01", backwards, "pause_to"),
        ("2025-01-01", "2025-06-30", outside("2025-01-01", "2025-06-30"), "pause_from"),
        ("2026-02-01", "2026-03-30", outside("2026-02-01", "2026-03-30"), "pause_to"),
        ("2025-06-01", "June", RosterError::InvalidDate.code(), "pause_to"),
    ] {
        let out = exempt_paused_row("", from, to);
        let a = out.answers[0];
        assert!(a.error.is_some() && a.status.is_none(), "{from} {to}");
        assert_eq!(a.error, Some(code), "{from} {to}");
        assert!(out.messages[0].message.starts_with(&format!("{column}: ")), "{from} {to}: {:?}", out.messages);
    }
}
