//! The Rust core's own time for the calls `benches/c/bench.c` makes through the C API, with the
//! same inputs and counts, so the C API's overhead can be read off. A benchmark, not a test;
//! Linux only (it reads the thread's CPU time with `clock_gettime`).

use std::hint::black_box;

use amscore::{Engine, MemberFacts, Membership, PlanId, SelfServiceRequest, Term};
use time::{Date, Month, PrimitiveDateTime, Time};

const CALLS: u32 = 1_000_000;

fn date(y: i32, m: u32, d: u32) -> Date {
    let month = Month::try_from(u8::try_from(m).unwrap_or(1)).unwrap_or(Month::January);
    Date::from_calendar_date(y, month, u8::try_from(d).unwrap_or(1)).unwrap_or(Date::MIN)
}

fn date_of(i: u32) -> Date {
    date(2025, 1 + i % 12, 1 + i % 28)
}

const ROUNDS: u32 = 5;

/// `struct timespec` on 64-bit Linux.
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// This thread's CPU time in ns (`CLOCK_THREAD_CPUTIME_ID`), as `bench.c` measures it.
fn thread_cpu_ns() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let _ = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// Runs `f(i)` for `CALLS` values of `i` in `ROUNDS` rounds; prints the best round's and the
/// overall mean ns/call of thread CPU time, as `bench.c` does.
fn bench(what: &str, mut f: impl FnMut(u32) -> Result<(), amscore::Error>) -> Result<(), amscore::Error> {
    let per_round = CALLS / ROUNDS;
    let mut best = f64::MAX;
    let mut total = 0.0;
    for round in 0..ROUNDS {
        let t = thread_cpu_ns();
        for i in round * per_round..(round + 1) * per_round {
            f(i)?;
        }
        let dt = thread_cpu_ns() - t;
        total += dt;
        best = best.min(dt);
    }
    println!("{what:<36} best {:8.1}  mean {:8.1} ns/call", best / f64::from(per_round), total / f64::from(CALLS));
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Engine::from_preset("amscore")?;
    let m = Membership {
        member_id: "M-1".into(),
        plan: "individual".into(),
        member_since: date(2020, 1, 15),
        term: Term::new(date(2025, 1, 15), Some(date(2026, 1, 14)))?,
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
    };
    let plan = PlanId::from("individual");
    println!("amscore {} (Rust core), {CALLS} calls each ({ROUNDS} rounds)", amscore::VERSION);

    bench("core status_on", |i| {
        black_box(engine.status_on(black_box(&m), date_of(i))?);
        Ok(())
    })?;

    bench("core join_terms", |i| {
        black_box(engine.join_terms(black_box(&plan), date_of(i), 1)?);
        Ok(())
    })?;

    bench("core quote_join (total)", |i| {
        black_box(engine.quote_join(black_box(&plan), date_of(i), 1, None)?.total);
        Ok(())
    })?;

    bench("core quote_renewal (total)", |i| {
        black_box(engine.quote_renewal(black_box(&m), date(2026, 1, 1 + i % 28), 1, None)?.total);
        Ok(())
    })?;

    bench("core decide (renew; request built per call)", |i| {
        let request = SelfServiceRequest {
            id: None,
            at: PrimitiveDateTime::new(date(2026, 1, 1 + i % 28), Time::MIDNIGHT),
            member: Some(MemberFacts { membership: Some(m.clone()), ..MemberFacts::default() }),
            action: amscore::Action::Renew { terms: 1 },
        };
        black_box(engine.decide(black_box(&request))?.route);
        Ok(())
    })?;

    let requests: Vec<String> = (0..28)
        .map(|k| {
            format!(
                r#"{{"op":"status_on","date":"2025-{:02}-{:02}","membership":{{"member_id":"M-1","plan":"individual","member_since":"2020-01-15","term":{{"start":"2025-01-15","end":"2026-01-14"}}}}}}"#,
                1 + k % 12,
                1 + k
            )
        })
        .collect();
    bench("core gateway::call status_on", |i| {
        black_box(amscore::gateway::call(&engine, black_box(&requests[(i % 28) as usize])));
        Ok(())
    })?;

    let requests: Vec<String> = (0..28)
        .map(|k| format!(r#"{{"op":"quote_join","plan":"individual","date":"2025-{:02}-{:02}"}}"#, 1 + k % 12, 1 + k))
        .collect();
    bench("core gateway::call quote_join", |i| {
        black_box(amscore::gateway::call(&engine, black_box(&requests[(i % 28) as usize])));
        Ok(())
    })?;
    Ok(())
}
