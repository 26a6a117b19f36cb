//! The sink path of the roster kernel, as every binding takes it: a roster CSV (`member_id,plan,
//! member_since,term_start,term_end,pending`, as `benches/roster.py` writes it) read into one
//! Arrow record batch (`utf8` ids and plans, `date32` dates, a boolean `pending`), then
//! [`amscore_arrow::assess_batches`] on one thread (or `--threads N`, 0 for every core),
//! `--repeat` times. For callgrind
//! (`benches/README.md`, "The sink path"):
//!
//! ```text
//! cargo build --release -p amscore-arrow --example roster_sink
//! valgrind --tool=callgrind --toggle-collect='amscore_arrow::assess_batches' \
//!     $CARGO_TARGET_DIR/release/examples/roster_sink ROSTER.csv [--as-of 2026-01-20] [--repeat 1] [--threads 1]
//! ```

use std::sync::Arc;
use std::time::Instant;

use amscore::Engine;
use amscore_arrow::{assess_batches, RosterOptions};
use arrow_array::{ArrayRef, BooleanArray, Date32Array, RecordBatch, StringArray};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A day `YYYY-MM-DD` as days since 1970-01-01.
fn day(text: &str) -> Result<i32, BoxError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Ok(time::Date::parse(text, format)?.to_julian_day() - amscore::kernel::EPOCH_JULIAN_DAY)
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: roster_sink ROSTER.csv [--as-of YYYY-MM-DD] [--repeat N] [--threads N]")?;
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let as_of = flag("--as-of").map_or("2026-01-20", String::as_str);
    let repeat: usize = flag("--repeat").map_or(Ok(1), |r| r.parse())?;
    let threads: usize = flag("--threads").map_or(Ok(1), |t| t.parse())?;
    let text = std::fs::read_to_string(path)?;
    let (mut ids, mut plans, mut since, mut start, mut end, mut pending) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim_matches('"')).collect();
        let [id, plan, s, t, e, p] = cells[..] else { return Err(format!("bad line: {line}").into()) };
        ids.push(id.to_owned());
        plans.push(plan.to_owned());
        since.push(day(s)?);
        start.push(day(t)?);
        end.push(day(e)?);
        pending.push(p == "true");
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("member_id", Arc::new(StringArray::from(ids))),
        ("plan", Arc::new(StringArray::from(plans))),
        ("member_since", Arc::new(Date32Array::from(since))),
        ("term_start", Arc::new(Date32Array::from(start))),
        ("term_end", Arc::new(Date32Array::from(end))),
        ("pending", Arc::new(BooleanArray::from(pending))),
    ];
    let batch = RecordBatch::try_from_iter(columns)?;
    let rows = batch.num_rows();
    let engine = Engine::from_preset("amscore")?;
    let date = time::Date::parse(as_of, time::macros::format_description!("[year]-[month]-[day]"))?;
    let options = RosterOptions { date, terms: 1, decide: false, threads };
    let mut best = f64::INFINITY;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let out = assess_batches(&engine, std::slice::from_ref(&batch), &options)?;
        let ns = started.elapsed().as_nanos() as f64 / rows.max(1) as f64;
        best = best.min(ns);
        std::hint::black_box(out);
    }
    println!("{rows} rows, best of {repeat}: {best:.1} ns a member ({threads} thread(s), 0 = every core)");
    Ok(())
}
