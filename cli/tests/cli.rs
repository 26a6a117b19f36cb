//! The `amscore` program on the bundled sample: each subcommand's answers against the library's
//! (the core's CSV loader and `Engine::assess`, `amscore-arrow`, the coverage report), the CSV ->
//! Parquet -> CSV round trip, bad inputs (one line on stderr and a non-zero exit), and a closed
//! pipe (a quiet, successful end).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use amscore::{parse_date, parse_request_lines, Engine, ErrorCode, Roster};
use amscore_arrow::{assess_batches, with_results, RosterOptions};
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

mod common;

use common::{root, sample, DATE};

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in("cli", test)
}

fn amscore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amscore"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("amscore {args:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap_or_else(|e| panic!("{e}"))
}

/// A run that succeeded, silently on stderr: its stdout.
fn ok(args: &[&str]) -> String {
    let out = amscore(args);
    assert!(out.status.success(), "amscore {args:?}: {:?}\n{}", out.status, text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "amscore {args:?} wrote on stderr");
    text(&out.stdout)
}

/// A run that failed with `code` and one line on stderr, `amscore: ...`: that line.
fn fails(args: &[&str], code: i32) -> String {
    let out = amscore(args);
    assert_eq!(out.status.code(), Some(code), "amscore {args:?}: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "amscore {args:?}: one line on stderr, got {stderr:?}");
    assert!(stderr.starts_with("amscore: "), "{stderr:?}");
    stderr.trim_end().to_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("{} is not UTF-8", p.display()))
}

fn sample_engine() -> Engine {
    let policy = std::fs::read_to_string(sample("policy.json")).unwrap_or_else(|e| panic!("{e}"));
    Engine::from_json(&policy).unwrap_or_else(|e| panic!("{e}"))
}

fn sample_roster(engine: &Engine) -> Roster {
    let csv = std::fs::read(sample("roster.csv")).unwrap_or_else(|e| panic!("{e}"));
    Roster::from_csv(engine.rules(), &csv[..]).unwrap_or_else(|e| panic!("{e}"))
}

/// A CSV text as a header and rows of cells.
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = r.headers().unwrap_or_else(|e| panic!("{e}")).iter().map(str::to_owned).collect();
    let rows =
        r.records().map(|rec| rec.unwrap_or_else(|e| panic!("{e}")).iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
    &row[i]
}

#[test]
fn season_prints_the_sample_s_summary_with_the_library_s_counts() {
    let out = ok(&["season", "--summary-only"]);
    let engine = sample_engine();
    let roster = sample_roster(&engine);
    let date = parse_date(DATE).unwrap_or_else(|e| panic!("{e}"));
    let counted = roster
        .members
        .iter()
        .filter(|m| engine.assess(&m.membership, date, 1, false).is_ok_and(|a| a.status.counts_as_member))
        .count();
    let name = engine.policy().name.clone().unwrap_or_default();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("== {name}, as of {DATE} =="));
    assert_eq!(lines[1], format!("Members by status ({} members, {counted} count as members):", roster.members.len()));
    let requests = std::fs::read_to_string(sample("requests.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let rows = parse_request_lines(&requests);
    let coverage = amscore::format_coverage(&engine.decide_batch(&rows).report);
    let section = format!("\n== The website's requests: {} replayed (requests.jsonl) ==\n{coverage}", rows.len());
    assert!(out.contains(&section), "the coverage section is the core's report");
    assert!(out.contains("\n== Member success: "));
    // Today's reminders are the core's: the same due and held-back messages, the same forecast.
    let (events, _) =
        amscore::success::parse_activity_csv(&std::fs::read_to_string(sample("activity.csv")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    let today = amscore::success::reminders_due(engine.success(), &roster.members, &events, &[], date)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!today.due.is_empty() && !today.suppressed.is_empty(), "the sample exercises both");
    assert!(out.contains(&format!(
        "\n== Reminders for {DATE} (no sent log: a first run) ==\nDue today: {}\n",
        today.due.len()
    )));
    assert!(out.contains(&format!("\nHeld back: {}\n", today.suppressed.len())));
    let first = &today.due[0];
    let line = format!(
        "    {} {}/{} {} {} (due {})",
        first.member_id, first.sequence, first.step, first.channel, first.template, first.due_on
    );
    assert!(out.contains(&line), "{line}");
    let forecast = amscore::success::reminders_forecast(engine.success(), &roster.members, &events, &[], date, 14)
        .unwrap_or_else(|e| panic!("{e}"));
    let total: u32 = forecast.totals.values().sum();
    assert!(out.contains(&format!("Forecast for the next 14 days: {total} messages (")), "forecast total {total}");
    // The staff queues are the core's, aged at the day's close over the last 14 days' items.
    let now = time::PrimitiveDateTime::new(date, time::macros::time!(17:00));
    let mut items = engine.work_items(&rows);
    items.retain(|i| i.requested_at <= now && i.requested_at > now - time::Duration::days(14));
    let queues = amscore::staff_queues(&engine.policy().staff, &items, &[], now).unwrap_or_else(|e| panic!("{e}"));
    assert!(queues.open > 0, "the sample has open staff items");
    assert!(out.contains(&amscore::format_staff_queues(&queues, 8)), "the staff section is the core's");
    // The roster's own records, exported and audited, agree with the rules.
    for format in amscore::ExportFormat::ALL {
        let export = engine.write_export(format, &roster.members, date).unwrap_or_else(|e| panic!("{e}"));
        let report = engine.audit_export(format, &export, date, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((report.records, report.disagreements.len()), (roster.members.len(), 0));
        assert!(out.contains(&amscore::format_audit(&report)));
    }
}

#[test]
fn season_lists_every_member_then_the_summary() {
    let out = ok(&["season", path(&sample("")), "--date", DATE]);
    let engine = sample_engine();
    let roster = sample_roster(&engine);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("member   plan        status"), "{}", lines[0]);
    for (line, member) in lines[1..].iter().zip(&roster.members) {
        assert!(line.starts_with(&member.membership.member_id.to_string()), "{line}");
    }
    assert_eq!(lines[roster.members.len() + 1], "");
    assert_eq!(
        lines[roster.members.len() + 2],
        format!("== {}, as of {DATE} ==", engine.policy().name.clone().unwrap_or_default())
    );
    // The summary is the same with or without the members' lines.
    let summary = ok(&["season", "--summary-only"]);
    assert!(out.ends_with(&summary));
}

/// `amscore season | head -1`: the reader goes away after one line; the program stops quietly.
/// (The season's text fits in a pipe's buffer; the schema and the roster's answers do not, so
/// their later writes meet the closed pipe.)
#[test]
fn a_closed_pipe_ends_quietly() {
    let assess = ["assess", "examples/sample/roster.csv", "--policy", "examples/sample/policy.json", "--date", DATE];
    for args in [&["season"][..], &["policy", "schema"][..], &assess[..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_amscore"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("piped"));
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).unwrap_or_else(|e| panic!("{e}"));
        assert!(!first.is_empty());
        // The reader is dropped here: the pipe is closed.
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        assert!(out.status.success(), "{args:?}: {:?}", out.status);
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

/// The CSV answers of `assess` on the sample roster against the core's CSV loader and
/// `Engine::assess`: every row the loader reports has its error; every used row carries its
/// member's assessment.
#[test]
fn assess_csv_answers_are_the_library_s() {
    let out = ok(&["assess", path(&sample("roster.csv")), "--policy", path(&sample("policy.json")), "--date", DATE]);
    let (header, rows) = read_csv(&out);
    let engine = sample_engine();
    let roster = sample_roster(&engine);
    assert_eq!(rows.len(), roster.rows_read, "every row is in the output");
    let input_header: Vec<String> = read_csv(&std::fs::read_to_string(sample("roster.csv")).unwrap_or_default()).0;
    assert_eq!(header[..input_header.len()], input_header[..]);
    for (i, c) in amscore_arrow::RESULT_COLUMNS.iter().enumerate() {
        assert_eq!(&header[input_header.len() + i], c);
    }
    let mut problems: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for p in &roster.problems {
        problems.entry(p.row).or_default().insert(&p.name);
    }
    for (i, row) in rows.iter().enumerate() {
        let name = cell(&header, row, "error_name");
        match problems.get(&i) {
            Some(names) => assert!(names.contains(name), "row {i}: {name} is one of {names:?}"),
            None => assert_eq!(name, "", "row {i}"),
        }
    }
    assert_eq!(rows.iter().filter(|r| cell(&header, r, "error_name") == "malformed_row").count(), 4);
    let date = parse_date(DATE).unwrap_or_else(|e| panic!("{e}"));
    let mut current = 0;
    for member in &roster.members {
        let a = engine.assess(&member.membership, date, 1, false);
        for term in &member.terms {
            let row = &rows[term.row.unwrap_or_else(|| panic!("from a file"))];
            let is_current = term.term == member.membership.term;
            current += usize::from(is_current);
            assert_eq!(cell(&header, row, "current_term"), if is_current { "true" } else { "false" });
            let Ok(a) = &a else {
                assert_eq!(cell(&header, row, "status"), "");
                continue;
            };
            assert_eq!(cell(&header, row, "status"), a.status.status.as_str());
            assert_eq!(cell(&header, row, "counts_as_member"), a.status.counts_as_member.to_string());
            match &a.renewal {
                Ok(r) => {
                    assert_eq!(cell(&header, row, "renewal_kind"), r.kind.as_str());
                    assert_eq!(cell(&header, row, "renewal_plan"), r.plan.as_str());
                    assert_eq!(cell(&header, row, "renewal_start"), r.term.start.to_string());
                }
                Err(e) => assert_eq!(cell(&header, row, "renewal_refusal"), e.name()),
            }
            match &a.quote_total {
                Ok(total) => assert_eq!(
                    format!("{} {}", cell(&header, row, "quote_total"), cell(&header, row, "quote_currency")),
                    total.to_string()
                ),
                Err(_) => assert_eq!(cell(&header, row, "quote_total"), ""),
            }
        }
    }
    assert_eq!(current, roster.members.len());
    assert_eq!(rows.iter().filter(|r| cell(&header, r, "current_term") == "true").count(), current);
}

fn read_parquet(file: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(f).and_then(|b| b.build()).unwrap_or_else(|e| panic!("{e}"));
    reader.collect::<Result<Vec<_>, _>>().unwrap_or_else(|e| panic!("{e}"))
}

/// The sample roster without its malformed records (those with the wrong number of values),
/// written to `dir`: a roster whose every row is a row.
fn well_formed_sample(dir: &Path) -> PathBuf {
    let (header, rows) = read_csv(&std::fs::read_to_string(sample("roster.csv")).unwrap_or_default());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap_or_else(|e| panic!("{e}"));
    for row in rows.iter().filter(|r| r.len() == header.len()) {
        w.write_record(row).unwrap_or_else(|e| panic!("{e}"));
    }
    let path = dir.join("roster.csv");
    std::fs::write(&path, w.into_inner().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// CSV -> Parquet -> CSV: the Parquet file holds `amscore-arrow`'s answers for its rows, and
/// assessing it again writes the same CSV as assessing the CSV. (A malformed CSV record is
/// written with its values as far as the header goes; assessed again, it is an ordinary row, so
/// the round trip is on the sample's well-formed rows.)
#[test]
fn csv_parquet_round_trip_gives_the_library_s_answers() {
    let dir = scratch("round_trip");
    let (a_parquet, a_csv, b_csv, b_jsonl) =
        (dir.join("a.parquet"), dir.join("a.csv"), dir.join("b.csv"), dir.join("b.jsonl"));
    let roster = well_formed_sample(&dir);
    let policy = sample("policy.json");
    let base = ["assess", path(&roster), "--policy", path(&policy), "--date", DATE];
    ok(&[&base[..], &["-o", path(&a_parquet)]].concat());
    ok(&[&base[..], &["-o", path(&a_csv)]].concat());
    let stdout = ok(&base);
    let a = std::fs::read_to_string(&a_csv).unwrap_or_default();
    assert_eq!(a, stdout, "-o x.csv writes what stdout gets");
    ok(&["assess", path(&a_parquet), "--policy", path(&policy), "--date", DATE, "-o", path(&b_csv)]);
    assert_eq!(std::fs::read_to_string(&b_csv).unwrap_or_default(), a, "CSV -> Parquet -> CSV");

    // The Parquet file's answers are amscore-arrow's for its roster columns (a malformed row is
    // no member's row: its member_id is left out, as the core's CSV loader leaves the row out).
    let engine = sample_engine();
    let written = read_parquet(&a_parquet);
    let options =
        RosterOptions { date: parse_date(DATE).unwrap_or_else(|e| panic!("{e}")), terms: 1, decide: false, threads: 1 };
    let input_columns = read_csv(&std::fs::read_to_string(&roster).unwrap_or_default()).0;
    let mut inputs = Vec::new();
    let mut malformed = Vec::new();
    for batch in &written {
        let names = batch.column_by_name("error_name").map(|c| arrow_cast::cast(c, &DataType::Utf8));
        let names = names.unwrap_or_else(|| panic!("error_name")).unwrap_or_else(|e| panic!("{e}"));
        let bad: Vec<bool> = names.as_string::<i32>().iter().map(|n| n == Some("malformed_row")).collect();
        let fields: Vec<Field> = input_columns.iter().map(|c| Field::new(c, DataType::Utf8, true)).collect();
        let columns = input_columns
            .iter()
            .map(|c| {
                let col = batch.column_by_name(c).unwrap_or_else(|| panic!("{c}")).clone();
                if c == "member_id" {
                    let ids: StringArray =
                        col.as_string::<i32>().iter().zip(&bad).map(|(id, bad)| if *bad { None } else { id }).collect();
                    Arc::new(ids) as _
                } else {
                    col
                }
            })
            .collect();
        inputs.push(RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).unwrap_or_else(|e| panic!("{e}")));
        malformed.push(bad);
    }
    let results = assess_batches(&engine, &inputs, &options).unwrap_or_else(|e| panic!("{e}"));
    let mut rows = 0;
    for (((batch, input), result), malformed) in written.iter().zip(&inputs).zip(&results).zip(&malformed) {
        let expected = with_results(input, result).unwrap_or_else(|e| panic!("{e}"));
        for column in amscore_arrow::RESULT_COLUMNS {
            let got = batch.column_by_name(column).unwrap_or_else(|| panic!("{column}"));
            let want = expected.column_by_name(column).unwrap_or_else(|| panic!("{column}"));
            for (row, bad) in malformed.iter().enumerate() {
                if *bad && column.starts_with("error_") {
                    continue;
                }
                let show = |a: &dyn Array| {
                    arrow_cast::display::ArrayFormatter::try_new(a, &Default::default())
                        .unwrap_or_else(|e| panic!("{e}"))
                        .value(row)
                        .to_string()
                };
                assert_eq!(show(got.as_ref()), show(want.as_ref()), "{column} row {}", rows + row);
            }
        }
        rows += batch.num_rows();
    }
    assert_eq!(rows, sample_roster(&engine).rows_read - 4);

    // JSON lines: one object per row, with the same cells.
    ok(&["assess", path(&a_parquet), "--policy", path(&policy), "--date", DATE, "-o", path(&b_jsonl)]);
    let (header, csv_rows) = read_csv(&a);
    let json = std::fs::read_to_string(&b_jsonl).unwrap_or_default();
    assert_eq!(json.lines().count(), csv_rows.len());
    for (line, row) in json.lines().zip(&csv_rows) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        for (h, c) in header.iter().zip(row) {
            let as_text = match &v[h] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&as_text, c, "{h}");
        }
    }
}

/// `--lines`: every member's quote lines add up to the total on the member's current row.
#[test]
fn assess_lines_add_up_to_each_quote_total() {
    let base = ["assess", "examples/sample/roster.csv", "--policy", "examples/sample/policy.json", "--date", DATE];
    let (header, rows) = read_csv(&ok(&base));
    let (lines_header, lines) = read_csv(&ok(&[&base[..], &["--lines"]].concat()));
    assert_eq!(lines_header, amscore_arrow::QUOTE_LINE_COLUMNS);
    let cents = |t: &str| -> i64 { t.replace('.', "").parse().unwrap_or_else(|e| panic!("{t}: {e}")) };
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    for l in &lines {
        *sums.entry(l[0].clone()).or_default() += cents(&l[3]);
    }
    let mut quoted = 0;
    for row in rows.iter().filter(|r| cell(&header, r, "current_term") == "true") {
        let total = cell(&header, row, "quote_total");
        if total.is_empty() {
            assert!(!sums.contains_key(cell(&header, row, "member_id")));
            continue;
        }
        quoted += 1;
        assert_eq!(sums.get(cell(&header, row, "member_id")), Some(&cents(total)));
    }
    assert_eq!(quoted, sums.len());
    assert!(quoted > 0);
}

#[test]
fn assess_with_decide_adds_the_route() {
    let out = ok(&[
        "assess",
        "examples/sample/roster.csv",
        "--policy",
        "examples/sample/policy.json",
        "--date",
        DATE,
        "--decide",
        "--threads",
        "2",
    ]);
    let (header, rows) = read_csv(&out);
    assert_eq!(&header[header.len() - 2..], amscore_arrow::DECISION_COLUMNS);
    let routes: BTreeSet<&str> = rows.iter().map(|r| cell(&header, r, "route")).collect();
    assert!(routes.contains("self_service"), "{routes:?}");
}

#[test]
fn decide_prints_the_core_s_coverage_and_what_if() {
    let dir = scratch("decide");
    let decisions = dir.join("decisions.jsonl");
    let requests = "examples/sample/requests.jsonl";
    let out = ok(&[
        "decide",
        requests,
        "--policy",
        "examples/sample/policy.json",
        "--what-if",
        "examples/sample/policy_looser.json",
        "-o",
        path(&decisions),
    ]);
    let engine = sample_engine();
    let looser = std::fs::read_to_string(sample("policy_looser.json")).unwrap_or_default();
    let looser = Engine::from_json(&looser).unwrap_or_else(|e| panic!("{e}"));
    let rows = parse_request_lines(&std::fs::read_to_string(sample("requests.jsonl")).unwrap_or_default());
    let batch = engine.decide_batch(&rows);
    let expected = format!(
        "== {requests}: {} requests ==\n{}\n{}",
        rows.len(),
        amscore::format_coverage(&batch.report),
        amscore::format_what_if(&engine.what_if(&looser, &rows))
    );
    assert_eq!(out, expected);
    let written = std::fs::read_to_string(&decisions).unwrap_or_default();
    assert_eq!(written.lines().count(), rows.len());
    for (line, result) in written.lines().zip(&batch.results) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        match result {
            Ok(d) => assert_eq!(v["ok"], serde_json::to_value(d).unwrap_or_default()),
            Err(e) => assert_eq!(v["error"]["code"], e.code()),
        }
    }
}

#[test]
fn policy_check_and_schema() {
    let out = ok(&["policy", "check", "examples/sample/policy.json"]);
    assert!(out.starts_with("examples/sample/policy.json: valid: "), "{out}");
    let preset = ok(&["policy", "check", "tendenci"]);
    assert!(preset.starts_with("tendenci: valid: "), "{preset}");
    let schema = ok(&["policy", "schema"]);
    assert_eq!(schema, std::fs::read_to_string(root().join("core/policy.schema.json")).unwrap_or_default());

    let dir = scratch("policy_check");
    let bad = dir.join("bad.json");
    let doc = r#"{"version": 1, "preset": "amscore", "settings": {"currency": "USD", "colour": "blue"}}"#;
    std::fs::write(&bad, doc).unwrap_or_else(|e| panic!("{e}"));
    let out = amscore(&["policy", "check", path(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let expected = amscore::Policy::from_json(doc).err().unwrap_or_else(|| panic!("the core refuses it"));
    assert_eq!(text(&out.stdout), format!("{}: {expected} [unknown_field 1202]\n", path(&bad)));
    assert!(expected.to_string().starts_with("settings: unknown field `colour`"), "{expected}");
}

#[test]
fn bad_inputs_give_one_line_and_a_non_zero_exit() {
    let dir = scratch("bad_inputs");
    let roster = "examples/sample/roster.csv";
    let policy = "examples/sample/policy.json";
    // A missing file: the roster, the policy, the season's folder, the requests.
    let line = fails(&["assess", "nowhere.csv", "--policy", policy, "--date", DATE], 3);
    assert_eq!(line, "amscore: nowhere.csv: no such file");
    let line = fails(&["assess", roster, "--policy", "nowhere.json", "--date", DATE], 3);
    assert_eq!(line, "amscore: nowhere.json: no such file");
    let line = fails(&["assess", roster, "--policy", "nowhere", "--date", DATE], 3);
    assert!(line.contains("no such file, and no such preset"), "{line}");
    let line = fails(&["season", "nowhere"], 3);
    assert!(line.ends_with("policy.json: no such file"), "{line}");
    fails(&["decide", "nowhere.jsonl", "--policy", policy], 3);
    fails(&["policy", "check", "nowhere.json"], 3);
    // A bad date.
    let line = fails(&["assess", roster, "--policy", policy, "--date", "2026-02-30"], 2);
    assert!(line.starts_with("amscore: --date: "), "{line}");
    fails(&["season", "--date", "24/11/2026"], 2);
    // An unknown policy field.
    let bad_policy = dir.join("policy.json");
    let doc = r#"{"version": 1, "preset": "amscore", "plans_": []}"#;
    std::fs::write(&bad_policy, doc).unwrap_or_else(|e| panic!("{e}"));
    let line = fails(&["assess", roster, "--policy", path(&bad_policy), "--date", DATE], 3);
    let expected = amscore::Policy::from_json(doc).err().unwrap_or_else(|| panic!("the core refuses it"));
    assert!(expected.to_string().starts_with("unknown field `plans_`; did you mean `plans`?"), "{expected}");
    assert!(line.ends_with(&format!("policy.json: {expected} [unknown_field 1202]")), "{line}");
    // A roster without a required column, and a column of a type amscore does not read.
    let bad_roster = dir.join("roster.csv");
    std::fs::write(
        &bad_roster,
        "member_id,plan,member_since,term_begin,term_end\nM-1,individual,2020-01-01,2025-01-01,2025-12-31\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let line = fails(&["assess", path(&bad_roster), "--policy", "amscore", "--date", DATE], 3);
    assert!(line.ends_with("missing column `term_start`"), "{line}");
    // An output format the program does not write, and an unknown option.
    fails(&["assess", roster, "--policy", policy, "--date", DATE, "-o", path(&dir.join("out.xlsx"))], 2);
    fails(&["season", "--colour"], 2);
}

#[test]
fn audit_prints_the_core_s_report_of_each_example_export() {
    let types_file = sample("").join("..").join("audit").join("civicrm_types.json");
    let types: std::collections::BTreeMap<String, amscore::PlanId> =
        serde_json::from_str(&std::fs::read_to_string(&types_file).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    let date = parse_date("2025-06-30").unwrap_or_else(|e| panic!("{e}"));
    for (format, file, with_types) in [
        (amscore::ExportFormat::Civicrm, "civicrm_memberships.csv", true),
        (amscore::ExportFormat::Tendenci, "tendenci_memberships.csv", false),
    ] {
        let export = root().join("examples/audit").join(file);
        let engine = Engine::from_preset(format.as_str()).unwrap_or_else(|e| panic!("{e}"));
        let map = if with_types { types.clone() } else { Default::default() };
        let text = std::fs::read_to_string(&export).unwrap_or_default();
        let report = engine.audit_export(format, &text, date, &map).unwrap_or_else(|e| panic!("{e}"));
        assert!(!report.disagreements.is_empty(), "the example disagrees somewhere");
        let mut args = vec![
            "audit",
            path(&export),
            "--format",
            format.as_str(),
            "--policy",
            format.as_str(),
            "--date",
            "2025-06-30",
        ];
        if with_types {
            args.extend(["--types", path(&types_file)]);
        }
        assert_eq!(ok(&args), amscore::format_audit(&report));
        args.push("--json");
        let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json, serde_json::to_value(&report).unwrap_or_default());
    }
    let export = "examples/audit/civicrm_memberships.csv";
    let line = fails(&["audit", export, "--format", "wild_apricot", "--policy", "civicrm", "--date", "2025-06-30"], 2);
    assert!(line.starts_with("amscore: --format: "), "{line}");
    let line =
        fails(&["audit", "nowhere.csv", "--format", "civicrm", "--policy", "civicrm", "--date", "2025-06-30"], 3);
    assert_eq!(line, "amscore: nowhere.csv: no such file");
    let dir = scratch("audit");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "Contact ID,Membership Type\n1,General\n").unwrap_or_else(|e| panic!("{e}"));
    let line = fails(&["audit", path(&bad), "--format", "civicrm", "--policy", "civicrm", "--date", "2025-06-30"], 3);
    assert!(line.contains("[missing_export_column 5201]"), "{line}");
}
