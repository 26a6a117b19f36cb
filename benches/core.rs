//! Criterion benchmarks of amscore's core operations, and of a synthetic roster through the batch
//! path at 10k, 100k and 1M members. How to run them, and the latest numbers: `benches/README.md`.

// `criterion_group!` generates public functions without doc comments.
#![allow(missing_docs)]
use std::hint::black_box;
use std::time::Duration;

use amscore::success::{engagement_scores, ActivityEvent, MemberHistory};
use amscore::{
    parse_self_service_request, Currency, Engine, Membership, Money, PlanChange, PlanId, SelfServiceRequest, Term,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rust_decimal::Decimal;
use serde_json::json;
use time::{Date, Month};

fn date(y: i32, m: u8, d: u8) -> Date {
    let month = Month::try_from(m).unwrap_or(Month::January);
    Date::from_calendar_date(y, month, d).unwrap_or(Date::MIN)
}

fn engine_from_preset() -> Engine {
    Engine::from_preset("amscore").unwrap_or_else(|e| panic!("the amscore preset compiles: {e}"))
}

/// A member of the `individual` plan (1-year rolling term), joined 2020-03-10, current term
/// 2025-03-10 .. 2026-03-09.
fn member() -> Membership {
    Membership {
        member_id: "M-000001".into(),
        plan: "individual".into(),
        member_since: date(2020, 3, 10),
        term: Term::new(date(2025, 3, 10), Some(date(2026, 3, 9))).unwrap_or_else(|e| panic!("{e}")),
        pending: false,
        cancelled_on: None,
        status_override: None,
        deceased_on: None,
        tax_exempt: false,
        pause: None,
        renewal_pending: false,
    }
}

fn single_operations(c: &mut Criterion) {
    let engine = engine_from_preset();
    let m = member();
    let individual = PlanId::from("individual");
    let mut g = c.benchmark_group("op");
    // In grace: the status rules are walked past `new` and `active` to the third row.
    g.bench_function("status_on", |b| b.iter(|| engine.status_on(black_box(&m), black_box(date(2026, 3, 20)))));
    g.bench_function("join_term", |b| {
        b.iter(|| engine.join_term(black_box(&individual), black_box(date(2025, 1, 31))))
    });
    g.bench_function("renewal_term", |b| b.iter(|| engine.renewal_term(black_box(&m), black_box(date(2026, 2, 1)), 1)));
    g.finish();
}

/// Two calendar-year plans prorated by month: the quote benchmarks' policy.
const QUOTE_POLICY: &str = r#"{"version": 1, "plans": [
  {"id": "basic", "name": "Basic", "term": {"kind": "calendar", "period": "year"},
   "prices": {"currency": "USD", "dues": "120.00", "join_fee": "25.00"}, "proration": {"granularity": "month"}},
  {"id": "plus", "name": "Plus", "term": {"kind": "calendar", "period": "year"},
   "prices": {"currency": "USD", "dues": "240.00"}, "proration": {"granularity": "month"}}]}"#;

/// A taxed household plan with a three-term discount: its renewal writes a dues line, a dependants
/// line, a discount line and a tax line (the descriptions written when read).
const TAXED_HOUSEHOLD_POLICY: &str = r#"{"version": 1,
  "settings": {"quotes": {"multi_term_discounts": [{"terms": 3, "percent": "10"}]}},
  "plans": [
  {"id": "family", "name": "Family", "term": {"kind": "rolling", "length": {"count": 1, "unit": "year"}},
   "prices": {"currency": "CAD", "dues": "100.00", "join_fee": "20.00"},
   "household": {"included_dependants": 1, "max_dependants": 4, "price_per_dependant": "25.00"},
   "tax": {"components": [{"name": "GST", "percent": "5"}]}}]}"#;

fn quotes(c: &mut Criterion) {
    let engine = Engine::from_json(QUOTE_POLICY).unwrap_or_else(|e| panic!("the quote policy compiles: {e}"));
    let preset = engine_from_preset();
    let basic = PlanId::from("basic");
    let mut m = member();
    let change = PlanChange {
        membership: Membership {
            plan: basic.clone(),
            member_since: date(2025, 1, 1),
            term: Term::new(date(2025, 1, 1), Some(date(2025, 12, 31))).unwrap_or_else(|e| panic!("{e}")),
            ..member()
        },
        plan: "plus".into(),
        date: date(2025, 7, 10),
        amount_paid: Money::parse("120.00", Currency::USD).unwrap_or_else(|e| panic!("{e}")),
        credits_applied: None,
        seats: None,
    };
    m.plan = "individual".into();
    let mut g = c.benchmark_group("op");
    // June 10 to December 31: 7 of 12 months, plus the join fee.
    g.bench_function("quote_join_monthly_proration", |b| {
        b.iter(|| engine.quote_join(black_box(&basic), black_box(date(2025, 6, 10)), 1, None))
    });
    // Basic to Plus on July 10: credit 6/12 of 120.00, charge 6/12 of 240.00.
    g.bench_function("quote_upgrade", |b| b.iter(|| engine.quote_change_plan(black_box(&change))));
    g.bench_function("quote_renewal", |b| {
        b.iter(|| preset.quote_renewal(black_box(&m), black_box(date(2026, 2, 1)), 1, None))
    });
    let household =
        Engine::from_json(TAXED_HOUSEHOLD_POLICY).unwrap_or_else(|e| panic!("the household policy compiles: {e}"));
    let family = Membership { plan: "family".into(), ..member() };
    // Three terms, three dependants (two beyond the included one), 10% off, GST 5%.
    g.bench_function("quote_renewal_taxed_household", |b| {
        b.iter(|| household.quote_renewal_household(black_box(&family), black_box(date(2026, 2, 1)), 3, None, Some(3)))
    });
    g.finish();
}

/// The decision vectors' policy: the amscore preset with self-service rules.
fn decision_engine() -> Engine {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../tests/vectors/decisions_membership.json")).unwrap_or_default();
    amscore::gateway::engine_from_value(file["policy"].clone()).unwrap_or_else(|e| panic!("the policy compiles: {e}"))
}

/// A self-service renewal request: the member renews online on `on` at 09:00.
fn renew_request(m: &Membership, on: Date) -> SelfServiceRequest {
    let at = format!("{on}T09:00");
    parse_self_service_request(json!({"at": at, "action": {"kind": "renew"}, "member": {"membership": m}}))
        .unwrap_or_else(|e| panic!("the request parses: {e}"))
}

fn decisions(c: &mut Criterion) {
    let engine = decision_engine();
    // In the renewal window: decided alone, with its quote.
    let request = renew_request(&member(), date(2026, 2, 1));
    let mut g = c.benchmark_group("op");
    g.bench_function("decide_renewal", |b| b.iter(|| engine.decide(black_box(&request))));
    // Before the window opens: refused, with a reason (its message written only when read).
    let early = renew_request(&member(), date(2025, 10, 1));
    g.bench_function("decide_renewal_refused", |b| b.iter(|| engine.decide(black_box(&early))));
    g.finish();
}

/// The sample association's policy (its `success` section scores 11 activity kinds, some capped
/// per month or quarter, some per value, with a 180-day half-life).
fn sample_engine() -> Engine {
    Engine::from_json(include_str!("../examples/sample/policy.json"))
        .unwrap_or_else(|e| panic!("the sample policy compiles: {e}"))
}

/// One member's 50 events over the year before 2025-06-30: logins, opened emails, events,
/// courses, committee work, purchases and donations.
fn fifty_events() -> Vec<ActivityEvent> {
    let kinds =
        ["login", "email_opened", "login", "event_attended", "email_opened", "purchase", "committee", "donation"];
    (0..50)
        .map(|i: usize| {
            let kind = kinds[i % kinds.len()];
            let value = matches!(kind, "purchase" | "donation").then(|| Decimal::new(2500 + 100 * i as i64, 2));
            ActivityEvent {
                member_id: "M-000001".into(),
                date: date(2025, 6, 30) - time::Duration::days(7 * i as i64),
                kind: kind.into(),
                value,
                row: None,
            }
        })
        .collect()
}

fn engagement(c: &mut Criterion) {
    let engine = sample_engine();
    let member = MemberHistory::new(member());
    let members = [member];
    let events = fifty_events();
    let seats = Default::default();
    // The benchmark measures a real score, not an early refusal.
    let report = engagement_scores(engine.success(), &members, &events, date(2025, 6, 30), &seats)
        .unwrap_or_else(|e| panic!("the member scores: {e}"));
    assert!(report.errors.is_empty() && report.scores[0].score > Decimal::ZERO, "{report:?}");
    let mut g = c.benchmark_group("op");
    g.bench_function("engagement_score_50_events", |b| {
        b.iter(|| {
            engagement_scores(engine.success(), black_box(&members), black_box(&events), date(2025, 6, 30), &seats)
        })
    });
    g.finish();
}

/// Plans a synthetic roster spreads its members over (every kind of term rule in the preset).
const ROSTER_PLANS: &[&str] = &["individual", "chapter", "fiscal", "digital", "individual", "individual"];

/// A deterministic synthetic roster: members spread over plans, join years and term positions,
/// so that a renewal date finds some active, some in grace, some lapsed and some expired.
fn roster(n: usize, on: Date) -> Vec<SelfServiceRequest> {
    let engine = engine_from_preset();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|i| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let r = seed >> 33;
            let plan = PlanId::from(ROSTER_PLANS[(r % ROSTER_PLANS.len() as u64) as usize]);
            let since = date(2010 + (r % 15) as i32, 1 + ((r >> 8) % 12) as u8, 1 + ((r >> 16) % 28) as u8);
            let term_start = date(2024, 1 + ((r >> 20) % 12) as u8, 1 + ((r >> 24) % 28) as u8).max(since);
            let term = engine.join_term(&plan, term_start).map(|j| j.term).unwrap_or_else(|e| panic!("{e}"));
            let m = Membership {
                member_id: format!("M-{i:07}").as_str().into(),
                plan,
                member_since: since,
                term,
                pending: false,
                cancelled_on: None,
                status_override: None,
                renewal_pending: false,
                deceased_on: None,
                tax_exempt: false,
                pause: None,
            };
            renew_request(&m, on)
        })
        .collect()
}

/// The batch path: for every member, the status on the day, the renewal quote if they renewed
/// that day, and the self-service decision on their online renewal. Returns how many answers
/// were errors (a window not open yet is one) so the work cannot be optimised away.
fn batch(engine: &Engine, requests: &[SelfServiceRequest], on: Date) -> usize {
    requests
        .iter()
        .filter_map(|r| r.member.as_ref().and_then(|f| f.membership.as_ref()).map(|m| (r, m)))
        .map(|(r, m)| {
            usize::from(engine.status_on(m, on).is_err())
                + usize::from(engine.quote_renewal(m, on, 1, None).is_err())
                + usize::from(engine.decide(r).is_err())
        })
        .sum()
}

fn scaling(c: &mut Criterion) {
    let engine = decision_engine();
    let on = date(2025, 6, 30);
    let mut g = c.benchmark_group("roster");
    g.sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        // Built on first use, so a filtered run (`-- op/`) does not build a million members.
        let mut members = None;
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("status+renewal_quote+decision", n), |b| {
            let members = members.get_or_insert_with(|| roster(n, on));
            b.iter(|| batch(&engine, black_box(members), on))
        });
    }
    g.finish();
}

fn config() -> Criterion {
    // Short runs: the benchmark machine is shared (see benches/README.md).
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
}

criterion_group! { name = ops; config = config(); targets = single_operations, quotes, decisions, engagement }
criterion_group! { name = rosters; config = config(); targets = scaling }
criterion_main!(ops, rosters);
