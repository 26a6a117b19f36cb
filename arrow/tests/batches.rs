//! The Arrow conversion against the single call: every row's result columns are what
//! `Engine::assess` gives the row's member.

use std::sync::Arc;

use amscore::{Engine, Membership, Term};
use amscore_arrow::{assess_batches, renewal_quote_lines, with_results, Error, RosterOptions};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int8Type};
use arrow_array::{Array, ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray, StringViewArray};
use arrow_schema::{DataType, Field, Schema};
use time::macros::date;
use time::Date;

fn day(d: Date) -> i32 {
    d.to_julian_day() - amscore::kernel::EPOCH_JULIAN_DAY
}

fn batch(ids: &[&str], plans: &[&str], since: &[Option<Date>], start: &[Date], end: &[Option<Date>]) -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("member_id", DataType::Utf8View, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("member_since", DataType::Date32, true),
        Field::new("term_start", DataType::Date32, false),
        Field::new("term_end", DataType::Date32, true),
    ]);
    let dates = |d: Vec<Option<i32>>| -> ArrayRef { Arc::new(Date32Array::from(d)) };
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringViewArray::from(ids.to_vec())),
            Arc::new(StringArray::from(plans.to_vec())),
            dates(since.iter().map(|d| d.map(day)).collect()),
            dates(start.iter().map(|d| Some(day(*d))).collect()),
            dates(end.iter().map(|d| d.map(day)).collect()),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// A member with one term and no other facts, as the single calls take it.
fn membership(id: &str, plan: &str, since: Date, start: Date, end: Date) -> Membership {
    Membership {
        member_id: id.into(),
        plan: plan.into(),
        member_since: since,
        term: Term::new(start, Some(end)).unwrap_or_else(|e| panic!("{e}")),
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
        pause: None,
        renewal_pending: false,
    }
}

fn options(threads: usize) -> RosterOptions {
    RosterOptions { date: date!(2026 - 01 - 20), terms: 1, decide: true, threads }
}

#[test]
fn every_row_is_the_single_call_s_answer_across_batches() {
    let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
    let first = batch(
        &["M-1", "M-2", "M-3"],
        &["individual", "individual", "platinum"],
        &[Some(date!(2020 - 01 - 15)), Some(date!(2019 - 05 - 01)), Some(date!(2020 - 01 - 01))],
        &[date!(2025 - 01 - 15), date!(2024 - 05 - 01), date!(2025 - 01 - 01)],
        &[Some(date!(2026 - 01 - 14)), Some(date!(2025 - 04 - 30)), Some(date!(2025 - 12 - 31))],
    );
    // M-2's later term is in the second batch: it wins, on both of M-2's rows.
    let second = batch(
        &["M-2", "M-4"],
        &["individual", "retired"],
        &[Some(date!(2019 - 05 - 01)), None],
        &[date!(2025 - 05 - 01), date!(2025 - 06 - 01)],
        &[Some(date!(2026 - 04 - 30)), Some(date!(2026 - 05 - 31))],
    );
    let batches = [first.clone(), second.clone()];
    let serial = assess_batches(&engine, &batches, &options(1)).unwrap_or_else(|e| panic!("{e}"));
    let parallel = assess_batches(&engine, &batches, &options(2)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(serial, parallel);
    assert_eq!(serial.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(), [3, 2]);
    let status = |b: &RecordBatch, row: usize| {
        let d = b.column_by_name("status").map(|c| c.as_dictionary::<Int8Type>().clone());
        d.and_then(|d| d.keys().is_valid(row).then(|| amscore::Status::ALL[d.keys().value(row) as usize]))
    };
    let single = |plan: &str, since: Date, start: Date, end: Date| {
        let m = membership("M", plan, since, start, end);
        engine.assess(&m, date!(2026 - 01 - 20), 1, true).unwrap_or_else(|e| panic!("{e}"))
    };
    let m1 = single("individual", date!(2020 - 01 - 15), date!(2025 - 01 - 15), date!(2026 - 01 - 14));
    assert_eq!(status(&serial[0], 0), Some(m1.status.status));
    let m2 = single("individual", date!(2019 - 05 - 01), date!(2025 - 05 - 01), date!(2026 - 04 - 30));
    assert_eq!(status(&serial[0], 1), Some(m2.status.status));
    assert_eq!(status(&serial[1], 0), Some(m2.status.status));
    let current = |b: &RecordBatch, row: usize| b.column_by_name("current_term").map(|c| c.as_boolean().value(row));
    assert_eq!((current(&serial[0], 1), current(&serial[1], 0)), (Some(false), Some(true)));
    let refused_until =
        serial[1].column_by_name("renewal_refused_until").map(|c| c.as_primitive::<Date32Type>().clone());
    let until = m2.refused_until().map(day);
    assert_eq!(refused_until.map(|c| c.is_valid(0).then(|| c.value(0))), Some(until));
    // Unknown plan, and a missing member_since: errors in their own rows.
    assert_eq!(status(&serial[0], 2), None);
    let message = |b: &RecordBatch, row: usize| {
        b.column_by_name("error_message").map(|c| c.as_string::<i32>().value(row).to_owned())
    };
    assert_eq!(message(&serial[0], 2).as_deref(), Some("plan: unknown plan `platinum`"));
    assert_eq!(message(&serial[1], 1).as_deref(), Some("member_since: a value is required"));
    let joined = with_results(&second, &serial[1]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(joined.num_columns(), 5 + 18);
    let lines = renewal_quote_lines(&engine, &batches, &options(0)).unwrap_or_else(|e| panic!("{e}"));
    assert!(lines.num_rows() >= 2);
}

#[test]
fn a_float_amount_is_refused_with_its_column() {
    let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
    let b = batch(&["M-1"], &["individual"], &[Some(date!(2020 - 01 - 15))], &[date!(2025 - 01 - 15)], &[None]);
    let mut columns = b.columns().to_vec();
    columns.push(Arc::new(Float64Array::from(vec![200.0])));
    let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("amount_paid", DataType::Float64, true));
    let b = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}"));
    match assess_batches(&engine, &[b], &options(1)) {
        Err(Error::UnsupportedType { column, .. }) => assert_eq!(column, "amount_paid"),
        other => panic!("{other:?}"),
    }
}

/// The batch with its `plan` column as a dictionary with keys of type `K` over `values`.
fn with_plan_dictionary<K: arrow_array::types::ArrowDictionaryKeyType>(
    b: &RecordBatch,
    keys: Vec<Option<K::Native>>,
    values: &[&str],
) -> RecordBatch {
    let keys: arrow_array::PrimitiveArray<K> = keys.into_iter().collect();
    let plan = arrow_array::DictionaryArray::<K>::try_new(keys, Arc::new(StringArray::from(values.to_vec())))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut columns = b.columns().to_vec();
    columns[1] = Arc::new(plan);
    let fields: Vec<Field> = b
        .schema()
        .fields()
        .iter()
        .zip(&columns)
        .map(|(f, c)| Field::new(f.name(), c.data_type().clone(), true))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_plan_dictionary_of_any_key_width_reads_as_its_text_and_an_empty_one_as_missing_plans() {
    use arrow_array::types::{Int16Type, Int64Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type};
    let engine = Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"));
    let since = Some(date!(2020 - 01 - 15));
    let b = batch(
        &["M-1", "M-2", "M-3"],
        &["individual", "retired", "individual"],
        &[since; 3],
        &[date!(2025 - 01 - 15); 3],
        &[Some(date!(2026 - 01 - 14)); 3],
    );
    let plain = assess_batches(&engine, std::slice::from_ref(&b), &options(1)).unwrap_or_else(|e| panic!("{e}"));
    let values = ["retired", "individual"];
    let dictionaries = [
        with_plan_dictionary::<Int8Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<Int16Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<Int64Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<UInt8Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<UInt16Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<UInt32Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
        with_plan_dictionary::<UInt64Type>(&b, vec![Some(1), Some(0), Some(1)], &values),
    ];
    for d in &dictionaries {
        let out = assess_batches(&engine, std::slice::from_ref(d), &options(1)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, plain, "plan keys of type {}", d.column(1).data_type());
    }
    // No values and every key null (an empty pandas categorical): each row's plan is missing,
    // in its own row (it was a panic in the key conversion).
    let empty = with_plan_dictionary::<Int8Type>(&b, vec![None, None, None], &[]);
    let out = assess_batches(&engine, &[empty], &options(1)).unwrap_or_else(|e| panic!("{e}"));
    let names = out[0].column_by_name("error_name").unwrap_or_else(|| panic!("no error_name")).as_any_dictionary();
    let values = names.values().as_string::<i32>();
    for row in 0..3 {
        assert!(names.keys().is_valid(row), "row {row}");
        assert_eq!(values.value(names.normalized_keys()[row]), "missing_value", "row {row}");
    }
}

#[test]
fn a_dependant_row_takes_its_primary_s_status_and_a_pending_renewal_goes_to_staff() {
    let family = r#"{"id": "family", "name": "Family", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"renewal_opens_days": 90, "grace": {"count": 30, "unit": "day"}},
        "prices": {"currency": "USD", "dues": "250.00"}, "household": {"max_dependants": 2}}"#;
    let engine =
        Engine::from_json(&format!(r#"{{"version": 1, "plans": [{family}]}}"#)).unwrap_or_else(|e| panic!("{e}"));
    // H-1 is in grace on 2026-01-20; D-1's own row says active to 2026-12-31 but it follows H-1;
    // D-2 names a primary that is not there; H-1's renewal awaits payment.
    let b = batch(
        &["H-1", "D-1", "D-2"],
        &["family", "family", "family"],
        &[Some(date!(2020 - 01 - 15)); 3],
        &[date!(2025 - 01 - 15), date!(2026 - 01 - 01), date!(2026 - 01 - 01)],
        &[Some(date!(2026 - 01 - 14)), Some(date!(2026 - 12 - 31)), Some(date!(2026 - 12 - 31))],
    );
    let mut columns = b.columns().to_vec();
    columns.push(Arc::new(StringArray::from(vec![None, Some("H-1"), Some("H-9")])));
    columns.push(Arc::new(arrow_array::BooleanArray::from(vec![true, false, false])));
    let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("primary", DataType::Utf8, true));
    fields.push(Field::new("renewal_pending", DataType::Boolean, true));
    let b = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}"));
    let out = assess_batches(&engine, std::slice::from_ref(&b), &options(1)).unwrap_or_else(|e| panic!("{e}"));
    // Only the primary has renewal quote lines: dependants renew with it.
    let lines = renewal_quote_lines(&engine, &[b], &options(1)).unwrap_or_else(|e| panic!("{e}"));
    let ids = lines.column_by_name("member_id").map(|c| {
        let c = c.as_string::<i32>();
        (0..c.len()).map(|i| c.value(i).to_owned()).collect::<Vec<_>>()
    });
    assert_eq!(ids, Some(vec!["H-1".to_owned()]));
    let text = |name: &str, row: usize| {
        out[0].column_by_name(name).and_then(|c| {
            let d = c.as_any_dictionary();
            let values = d.values().as_string::<i32>();
            d.keys().is_valid(row).then(|| values.value(d.normalized_keys()[row]).to_owned())
        })
    };
    assert_eq!((text("status", 0).as_deref(), text("status", 1).as_deref()), (Some("grace"), Some("grace")));
    assert_eq!(text("renewal_refusal", 1).as_deref(), Some("renews_with_primary"));
    assert_eq!(text("route", 0).as_deref(), Some("staff"));
    assert_eq!(text("route", 1).as_deref(), Some("refused"));
    assert_eq!(text("error_name", 2).as_deref(), Some("unknown_primary"));
}

#[test]
fn a_row_s_tax_exemption_and_pause_are_the_single_call_s() {
    let taxed = r#"{"id": "gst", "name": "GST member", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"renewal_opens_days": 90, "grace": {"count": 30, "unit": "day"}},
        "prices": {"currency": "USD", "dues": "100.00"}, "tax": {"components": [{"name": "GST", "percent": "5"}]}}"#;
    let engine =
        Engine::from_json(&format!(r#"{{"version": 1, "plans": [{taxed}]}}"#)).unwrap_or_else(|e| panic!("{e}"));
    let (since, start, end) = (date!(2020 - 01 - 15), date!(2025 - 01 - 15), date!(2026 - 01 - 14));
    // T-1 is exempt and was paused in June (its term moves out 30 days: active on 2026-01-20);
    // T-2 is neither; T-3 gives a pause's first day without its last.
    let b = batch(&["T-1", "T-2", "T-3"], &["gst"; 3], &[Some(since); 3], &[start; 3], &[Some(end); 3]);
    let mut columns = b.columns().to_vec();
    let dates = |d: Vec<Option<Date>>| -> ArrayRef {
        Arc::new(Date32Array::from(d.into_iter().map(|d| d.map(day)).collect::<Vec<_>>()))
    };
    columns.push(Arc::new(arrow_array::BooleanArray::from(vec![Some(true), None, Some(false)])));
    columns.push(dates(vec![Some(date!(2025 - 06 - 01)), None, Some(date!(2025 - 06 - 01))]));
    columns.push(dates(vec![Some(date!(2025 - 06 - 30)), None, None]));
    let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.push(Field::new("tax_exempt", DataType::Boolean, true));
    fields.push(Field::new("pause_from", DataType::Date32, true));
    fields.push(Field::new("pause_to", DataType::Date32, true));
    let b = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}"));
    let out = assess_batches(&engine, &[b], &options(1)).unwrap_or_else(|e| panic!("{e}"));
    let single = |tax_exempt: bool, pause: Option<amscore::Pause>| {
        let m = Membership { tax_exempt, pause, ..membership("T", "gst", since, start, end) };
        engine.assess(&m, date!(2026 - 01 - 20), 1, true).unwrap_or_else(|e| panic!("{e}"))
    };
    let status = |row: usize| {
        let d = out[0].column_by_name("status").map(|c| c.as_dictionary::<Int8Type>().clone());
        d.and_then(|d| d.keys().is_valid(row).then(|| amscore::Status::ALL[d.keys().value(row) as usize]))
    };
    let total = |row: usize| {
        let c = out[0]
            .column_by_name("quote_total")
            .map(|c| c.as_primitive::<arrow_array::types::Decimal128Type>().clone());
        c.and_then(|c| c.is_valid(row).then(|| c.value(row)))
    };
    let renewal_end = |row: usize| {
        let c = out[0].column_by_name("renewal_end").map(|c| c.as_primitive::<Date32Type>().clone());
        c.and_then(|c| c.is_valid(row).then(|| c.value(row)))
    };
    let pause = amscore::Pause { from: date!(2025 - 06 - 01), to: date!(2025 - 06 - 30) };
    for (row, a) in [(0, single(true, Some(pause))), (1, single(false, None))] {
        assert_eq!(status(row), Some(a.status.status), "row {row}");
        let minor = a.quote_total.as_ref().ok().and_then(|t| t.to_minor_units().ok()).map(i128::from);
        assert_eq!(total(row), minor, "row {row}");
        assert_eq!(renewal_end(row), a.renewal.as_ref().ok().and_then(|r| r.term.end).map(day), "row {row}");
    }
    // The facts matter: 100.00 exempt, 105.00 with GST; the pause keeps T-1 active, T-2 in grace.
    assert_eq!((total(0), total(1)), (Some(10_000), Some(10_500)));
    assert_eq!((status(0), status(1)), (Some(amscore::Status::Active), Some(amscore::Status::Grace)));
    let message = out[0].column_by_name("error_message").map(|c| c.as_string::<i32>().value(2).to_owned());
    assert_eq!(message.as_deref(), Some("pause_to: a value is required"));
}

/// A roster as uneven Arrow batches with members split across them, households, and bad rows;
/// each row's `member_id`, `plan`, `member_since`, `term_start`, `term_end`, `primary`.
type Row = (String, &'static str, Option<i32>, i32, Option<i32>, Option<String>);

fn roster_rows(n: usize) -> Vec<Row> {
    let start = day(date!(2025 - 01 - 01));
    (0..n)
        .map(|i| {
            // Every 7th row repeats the id of a row 1,000 rows earlier (another batch, mostly);
            // every 11th names a primary, a missing one every 33rd; every 13th plan is unknown.
            let id = if i % 7 == 3 && i >= 1000 { format!("M-{}", i - 1000) } else { format!("M-{i}") };
            let plan = match i % 13 {
                0 => "gold",
                k if k % 2 == 0 => "family",
                _ => "individual",
            };
            let begin = start + i32::try_from(i % 700).unwrap_or(0);
            let since = (i % 17 != 5).then_some(begin - 400);
            let primary = (i % 11 == 4).then(|| if i % 33 == 4 { "X-9".to_owned() } else { format!("M-{}", i / 2) });
            (id, plan, since, begin, Some(begin + 364), primary)
        })
        .collect()
}

fn roster_batch(rows: &[Row]) -> RecordBatch {
    let schema = Schema::new(vec![
        Field::new("member_id", DataType::Utf8, false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("member_since", DataType::Date32, true),
        Field::new("term_start", DataType::Date32, false),
        Field::new("term_end", DataType::Date32, true),
        Field::new("primary", DataType::Utf8, true),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1))),
            Arc::new(Date32Array::from_iter(rows.iter().map(|r| r.2))),
            Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| r.3))),
            Arc::new(Date32Array::from_iter(rows.iter().map(|r| r.4))),
            Arc::new(StringArray::from_iter(rows.iter().map(|r| r.5.as_deref()))),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// The kernel's own columns over a batch built by [`roster_batch`].
fn kernel_columns(b: &RecordBatch, primary: bool) -> amscore::kernel::MemberColumns<'_> {
    use amscore::kernel::{Dates, MemberColumns, Strings, Text, Validity};
    let text = |i: usize| {
        let a = b.column(i).as_string::<i32>();
        let valid = a.nulls().map(|n| Validity::new(n.buffer().as_slice(), n.offset()));
        Text::Plain { values: Strings::Utf8 { offsets: a.value_offsets(), data: a.values() }, valid }
    };
    let dates = |i: usize| {
        let a = b.column(i).as_primitive::<Date32Type>();
        let valid = a.nulls().map(|n| Validity::new(n.buffer().as_slice(), n.offset()));
        Dates::Days { days: a.values(), valid }
    };
    MemberColumns {
        rows: b.num_rows(),
        member_id: text(0),
        plan: text(1),
        member_since: dates(2),
        term_start: dates(3),
        term_end: dates(4),
        primary: if primary { text(5) } else { Text::Absent },
        ..MemberColumns::default()
    }
}

#[test]
fn invariant_the_result_columns_are_the_kernel_s_answers_row_by_row() {
    let individual = r#"{"id": "individual", "name": "Individual", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"renewal_opens_days": 60, "grace": {"count": 30, "unit": "day"}}, "prices": {"currency": "USD", "dues": "120.00"}}"#;
    let family = r#"{"id": "family", "name": "Family", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
        "windows": {"renewal_opens_days": 90, "grace": {"count": 30, "unit": "day"}},
        "prices": {"currency": "USD", "dues": "250.00"}, "household": {"max_dependants": 2}}"#;
    let engine = Engine::from_json(&format!(r#"{{"version": 1, "plans": [{individual}, {family}]}}"#))
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = roster_rows(5_000);
    // Uneven batches: their boundaries fall inside bytes of the bitmaps and inside chunks.
    let batches: Vec<RecordBatch> =
        [0..1_237, 1_237..3_750, 3_750..5_000].into_iter().map(|r| roster_batch(&rows[r])).collect();
    let names: std::collections::HashMap<u32, &str> = amscore::error_table().iter().map(|e| (e.code, e.name)).collect();
    for (households, decide, threads) in
        [(false, false, 1), (false, true, 2), (true, true, 1), (true, false, 2), (false, true, 0)]
    {
        let options = RosterOptions { date: date!(2026 - 01 - 20), terms: 1, decide, threads };
        let input: Vec<RecordBatch> = if households {
            batches.clone()
        } else {
            batches.iter().map(|b| b.project(&[0, 1, 2, 3, 4]).unwrap_or_else(|e| panic!("{e}"))).collect()
        };
        let out = assess_batches(&engine, &input, &options).unwrap_or_else(|e| panic!("{e}"));
        let chunks: Vec<_> = batches.iter().map(|b| kernel_columns(b, households)).collect();
        let expected = engine.assess_roster(&chunks, &options).unwrap_or_else(|e| panic!("{e}"));
        let messages: std::collections::HashMap<usize, &str> =
            expected.messages.iter().map(|m| (m.row, m.message.as_str())).collect();
        let mut row = 0;
        for b in &out {
            let text = |name: &str, i: usize| -> Option<String> {
                let c = b.column_by_name(name)?;
                let d = c.as_any_dictionary();
                let values = d.values().as_string::<i32>();
                d.keys().is_valid(i).then(|| values.value(d.normalized_keys()[i]).to_owned())
            };
            let date = |name: &str, i: usize| {
                b.column_by_name(name)
                    .map(|c| c.as_primitive::<Date32Type>().clone())
                    .and_then(|c| c.is_valid(i).then(|| c.value(i)))
            };
            for i in 0..b.num_rows() {
                let a = &expected.answers[row];
                let at = format!("households {households}, decide {decide}, row {row}");
                let plans = engine.rules().plans();
                assert_eq!(text("status", i), a.status.map(|s| s.as_str().to_owned()), "{at}");
                let counts = b.column_by_name("counts_as_member").map(|c| c.as_boolean().clone());
                assert_eq!(
                    counts.and_then(|c| c.is_valid(i).then(|| c.value(i))),
                    a.status.map(|_| a.counts_as_member),
                    "{at}"
                );
                assert_eq!(text("renewal_kind", i), a.renewal_kind.map(|k| k.as_str().to_owned()), "{at}");
                let plan = a.renewal_plan.and_then(|p| plans.get(p as usize)).map(|p| p.id.as_str().to_owned());
                assert_eq!(text("renewal_plan", i), plan, "{at}");
                assert_eq!(date("renewal_start", i), a.renewal_start.map(day), "{at}");
                assert_eq!(date("renewal_end", i), a.renewal_end.map(day), "{at}");
                assert_eq!(date("renewal_member_since", i), a.renewal_member_since.map(day), "{at}");
                assert_eq!(date("renewal_refused_until", i), a.refused_until.map(day), "{at}");
                let name = |c: Option<u32>| c.map(|c| names[&c].to_owned());
                assert_eq!(text("renewal_refusal", i), name(a.refusal), "{at}");
                assert_eq!(text("quote_error", i), name(a.quote_error), "{at}");
                assert_eq!(text("error_name", i), name(a.error), "{at}");
                let code =
                    b.column_by_name("error_code").map(|c| c.as_primitive::<arrow_array::types::Int16Type>().clone());
                assert_eq!(
                    code.and_then(|c| c.is_valid(i).then(|| u32::try_from(c.value(i)).ok())).flatten(),
                    a.error,
                    "{at}"
                );
                let total = b
                    .column_by_name("quote_total")
                    .map(|c| c.as_primitive::<arrow_array::types::Decimal128Type>().clone());
                assert_eq!(
                    total.and_then(|c| c.is_valid(i).then(|| c.value(i))),
                    a.quote_total.map(i128::from),
                    "{at}"
                );
                assert_eq!(text("quote_currency", i), a.quote_currency.map(|c| c.code().to_owned()), "{at}");
                let message = b.column_by_name("error_message").map(|c| c.as_string::<i32>().clone());
                let message = message.and_then(|c| c.is_valid(i).then(|| c.value(i).to_owned()));
                assert_eq!(message.as_deref(), messages.get(&row).copied(), "{at}");
                let current = b.column_by_name("current_term").map(|c| c.as_boolean().value(i));
                assert_eq!(current, Some(a.current_term), "{at}");
                if decide {
                    let route =
                        a.route.and_then(|r| amscore::Route::NAMES.get(r.severity() as usize)).map(|r| (*r).to_owned());
                    assert_eq!(text("route", i), route, "{at}");
                    let reasons = b.column_by_name("reasons").map(|c| c.as_string::<i32>().clone());
                    let reasons = reasons.and_then(|c| c.is_valid(i).then(|| c.value(i).to_owned()));
                    let joined =
                        a.route.map(|_| expected.reasons[row].iter().map(|c| c.as_str()).collect::<Vec<_>>().join(";"));
                    assert_eq!(reasons, joined, "{at}");
                }
                row += 1;
            }
        }
        assert_eq!(row, rows.len());
        // The roster had every kind of row.
        assert!(
            expected.answers.iter().any(|a| a.error.is_some())
                && expected.answers.iter().any(|a| a.renewal_kind.is_some())
        );
        assert!(
            expected.answers.iter().any(|a| a.refusal.is_some()) && expected.answers.iter().any(|a| !a.current_term)
        );
        if households {
            let named = |name: &str| {
                expected.answers.iter().filter(|a| a.refusal.or(a.error).map(|c| names[&c]) == Some(name)).count()
            };
            assert!(named("renews_with_primary") > 0 && named("unknown_primary") > 0);
        }
    }
}
