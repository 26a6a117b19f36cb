//! Memory and time of loading a roster (`Roster::from_csv`), on generated rosters of any size,
//! and the time of one member's long term history. How to run it, and the latest numbers:
//! `benches/README.md` ("Roster memory").
//!
//! `cargo bench -p amscore --bench roster_memory` measures 100k, 400k and 1M rows, each in a
//! child process of its own (so that one size's freed memory cannot hide the next one's peak);
//! `-- 250000` measures the sizes given; `-- --one-member 80000` times one member with that many
//! terms; `-- --write FILE ROWS` only writes the generated CSV.
//!
//! The input is read into memory first (as a front door holds a file it was given), then the
//! roster is loaded from it. "Beyond the input" is what loading adds to the heap at its peak:
//! a counting allocator gives the exact figure; the process's peak resident size (`VmHWM`) minus
//! its resident size before loading gives the figure the operating system sees.

// A benchmark binary: it may panic on its own broken set-up, never on the roster's data.
#![allow(missing_docs, clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use amscore::{Engine, Roster};

/// The system allocator, counting the bytes live now and at their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`), or 0 where there is none.
fn proc_status(key: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const HEADER: &str = "member_id,plan,member_since,term_start,term_end,pending,cancelled_on,deceased_on,\
                      override_status,override_until,amount_paid,currency,auto_renew,balance_due,organization,\
                      attribute.region\n";

const REGIONS: [&str; 5] = ["north", "south", "east", "west", "overseas"];

/// Writes a roster of about `rows` rows to `out`: members `M0000001`, ... with one to seven terms
/// each (four on average) on the amscore preset's plans, every column used, and about one row in
/// a hundred bad (an unknown plan, an impossible date, a duplicate term, a negative balance), as
/// a real export has. Returns the number of rows written.
fn generate(rows: usize, out: &mut impl std::io::Write) -> std::io::Result<usize> {
    let mut rng = Rng(0x5eed);
    let mut line = String::new();
    out.write_all(HEADER.as_bytes())?;
    let mut written = 0;
    let mut member = 0;
    while written < rows {
        member += 1;
        let id = format!("M{member:07}");
        let region = REGIONS[rng.below(5) as usize];
        let auto_renew = ["yes", "no", ""][rng.below(3) as usize];
        let join_year = 2005 + rng.below(20) as i32;
        let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
        let since = format!("{join_year}-{month:02}-{day:02}");
        let kind = rng.below(100);
        let terms = if kind < 3 { 1 } else { (1 + rng.below(7) as usize).min(rows - written) };
        for k in 0..terms {
            line.clear();
            let y = join_year + k as i32;
            let (plan, start, end, amount) = match kind {
                0..=2 => ("lifetime", since.clone(), String::new(), "3000.00"),
                3..=59 => {
                    let plan = if k + 2 < terms { "individual" } else { ["individual", "retired"][k % 2] };
                    let amount = if plan == "retired" { "90.00" } else { "200.00" };
                    let end = if month == 1 && day == 1 {
                        format!("{y}-12-31")
                    } else {
                        let (m, d) = if day == 1 { (month - 1, 28) } else { (month, day - 1) };
                        format!("{}-{m:02}-{d:02}", y + 1)
                    };
                    (plan, format!("{y}-{month:02}-{day:02}"), end, amount)
                }
                60..=74 => ("chapter", format!("{y}-01-01"), format!("{y}-12-31"), "120.00"),
                75..=89 => ("fiscal", format!("{y}-07-01"), format!("{}-06-30", y + 1), "180.00"),
                _ => ("corporate", format!("{y}-01-01"), format!("{y}-12-31"), "2500.00"),
            };
            let organization = if plan == "corporate" { format!("Org{:05}", member % 9973) } else { String::new() };
            let last = k + 1 == terms;
            let pending = if last && rng.below(50) == 0 { "yes" } else { "" };
            let cancelled = if last && rng.below(40) == 0 { format!("{y}-11-15") } else { String::new() };
            let (status, until) = if last && rng.below(200) == 0 { ("suspended", "2026-12-31") } else { ("", "") };
            let balance = if last && rng.below(10) == 0 { "25.50" } else { "0.00" };
            let (mut plan, mut start, mut balance) = (plan, start, balance);
            match rng.below(400) {
                0 => plan = "gold",
                1 => start = format!("{y}-02-30"),
                2 => balance = "-1",
                _ => {}
            }
            let _ = writeln!(
                line,
                "{id},{plan},{since},{start},{end},{pending},{cancelled},,{status},{until},{amount},USD,\
                 {auto_renew},{balance},{organization},{region}"
            );
            out.write_all(line.as_bytes())?;
            written += 1;
            if rng.below(400) == 2 && written < rows {
                // The same term again: a duplicate record.
                out.write_all(line.as_bytes())?;
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Generates `rows` rows, loads them and prints one line of figures.
fn measure(rows: usize) {
    let engine = Engine::from_preset("amscore").unwrap();
    let mut csv = Vec::new();
    let rows = generate(rows, &mut csv).unwrap();
    csv.shrink_to_fit();
    let heap_before = LIVE.load(Ordering::Relaxed);
    PEAK.store(heap_before, Ordering::Relaxed);
    let rss_before = proc_status("VmRSS");
    // Resets VmHWM to the current RSS, so that the generator's own peak does not count.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let roster = Roster::from_csv(engine.rules(), &csv[..]).unwrap();
    let elapsed = started.elapsed();
    let heap_peak = PEAK.load(Ordering::Relaxed) - heap_before;
    let heap_kept = LIVE.load(Ordering::Relaxed) - heap_before;
    let rss_peak = proc_status("VmHWM").saturating_sub(rss_before);
    let per_row = |bytes: usize| bytes as f64 / rows as f64;
    println!(
        "{rows:>9} rows ({:>5.1} MB of CSV, {:>7} members, {:>5} problems): beyond the input, heap peak \
         {:>6.0} B/row, heap kept {:>6.0} B/row, RSS peak {:>6.0} B/row; load {:>7.1} ms",
        csv.len() as f64 / 1e6,
        roster.members.len(),
        roster.problems.len(),
        per_row(heap_peak),
        per_row(heap_kept),
        per_row(rss_peak),
        elapsed.as_secs_f64() * 1e3,
    );
    assert_eq!(roster.rows_used() + roster.rows_with_problems(), roster.rows_read);
}

/// One member with `terms` consecutive yearly terms (the last ones reach far into the calendar,
/// which the loader takes as given), loaded and timed.
fn one_member(terms: usize) {
    let engine = Engine::from_preset("amscore").unwrap();
    let mut csv = String::from("member_id,plan,member_since,term_start,term_end\n");
    let first = time::macros::date!(2000 - 01 - 01);
    let mut start = first;
    for _ in 0..terms {
        let end = start.saturating_add(time::Duration::days(1));
        let _ = writeln!(csv, "M0000001,individual,{first},{start},{end}");
        start = end.saturating_add(time::Duration::days(1));
    }
    let started = Instant::now();
    let roster = Roster::from_csv(engine.rules(), csv.as_bytes()).unwrap();
    let elapsed = started.elapsed();
    println!(
        "one member, {terms} terms: {} used, {} problems; load {:.1} ms",
        roster.rows_used(),
        roster.problems.len(),
        elapsed.as_secs_f64() * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    match args.first().map(String::as_str) {
        Some("--one-member") => one_member(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(80_000)),
        Some("--write") => {
            let file = std::fs::File::create(&args[1]).unwrap();
            let mut out = std::io::BufWriter::new(file);
            let rows = generate(args.get(2).and_then(|n| n.parse().ok()).unwrap_or(100_000), &mut out).unwrap();
            out.flush().unwrap();
            eprintln!("{rows} rows written to {}", args[1]);
        }
        Some("--measure") => measure(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000)),
        _ => {
            let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
            let sizes = if sizes.is_empty() { vec![100_000, 400_000, 1_000_000] } else { sizes };
            let me = std::env::current_exe().unwrap();
            for n in sizes {
                let status = std::process::Command::new(&me).args(["--measure", &n.to_string()]).status().unwrap();
                assert!(status.success(), "measuring {n} rows failed");
            }
        }
    }
}
