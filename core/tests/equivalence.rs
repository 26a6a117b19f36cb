//! Every Rust front door gives the same answer for the same facts: the assessment
//! (`Engine::assess`, which the main job, the batch and the C API call), the single calls
//! (`status_on`, `renewal_term`, `quote_renewal`, `decide`) and the JSON gateway, over generated
//! members of every plan of the amscore preset (rolling, calendar, monthly, lifetime, seats,
//! progressions) with overrides, pending, cancelled and deceased facts, and term ends that agree
//! or disagree with their plan.

use amscore::{gateway, Engine, ErrorCode, Membership, Status, StatusOverride, Term};
use proptest::prelude::*;
use serde_json::{json, Value};
use time::{Date, Duration};

fn engine() -> Engine {
    Engine::from_preset("amscore").unwrap_or_else(|e| panic!("{e}"))
}

fn day(n: i64) -> Date {
    time::macros::date!(2020 - 01 - 01) + Duration::days(n)
}

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![Just(Status::Suspended), Just(Status::Active), Just(Status::Lapsed), Just(Status::Cancelled)]
}

/// A member of one of the preset's plans: a term that usually agrees with the plan's kind (one
/// in ten does not), and any of the facts.
fn member() -> impl Strategy<Value = Membership> {
    member_with(0u8..10)
}

/// A member whose term end disagrees with the plan's kind when `agree` draws 0.
fn member_with(agree: impl Strategy<Value = u8>) -> impl Strategy<Value = Membership> {
    let plans = engine().rules().plans().iter().map(|p| (p.id.to_string(), p.is_lifetime())).collect::<Vec<_>>();
    (
        proptest::sample::select(plans),
        0i64..2000,
        0i64..900,
        agree,
        proptest::option::of((status(), proptest::option::of(0i64..2500))),
        any::<bool>(),
        proptest::option::of(0i64..2500),
        proptest::option::of(0i64..2500),
    )
        .prop_map(|((plan, lifetime), since, length, agree, hold, pending, cancelled, deceased)| {
            // One member in ten has an end that disagrees with the plan's kind.
            let has_end = if agree == 0 { lifetime } else { !lifetime };
            let start = day(since);
            Membership {
                member_id: "M-1".into(),
                plan: plan.as_str().into(),
                member_since: start,
                term: Term { start, end: has_end.then(|| start + Duration::days(length)) },
                pending,
                cancelled_on: cancelled.map(day),
                status_override: hold.map(|(status, until)| StatusOverride { status, until: until.map(day) }),
                deceased_on: deceased.map(day),
                tax_exempt: false,
            }
        })
}

/// The gateway's answer to one operation on the member.
fn call(engine: &Engine, op: &str, m: &Membership, on: Date) -> Value {
    let request = json!({"op": op, "membership": m, "date": on.to_string()});
    serde_json::from_str(&gateway::call(engine, &request.to_string())).unwrap_or_else(|e| panic!("{e}"))
}

fn code_of(answer: &Value) -> Option<u64> {
    answer["error"]["code"].as_u64()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_assessment_equals_the_single_calls_and_the_gateway(m in member(), on in 0i64..3000) {
        let engine = engine();
        let on = day(on);
        let status = call(&engine, "status_on", &m, on);
        let renewal = call(&engine, "renewal_term", &m, on);
        let quote = call(&engine, "quote_renewal", &m, on);
        match engine.assess(&m, on, 1, true) {
            Err(e) => {
                // A member with no status: the same error at every door.
                prop_assert_eq!(code_of(&status), Some(u64::from(e.code())));
                prop_assert_eq!(engine.status_on(&m, on).err(), Some(e));
            }
            Ok(a) => {
                prop_assert_eq!(&status["ok"], &serde_json::to_value(&a.status).unwrap_or_default());
                prop_assert_eq!(engine.status_on(&m, on).ok(), Some(a.status.clone()));
                match &a.renewal {
                    Ok(r) => prop_assert_eq!(&renewal["ok"], &serde_json::to_value(r).unwrap_or_default()),
                    Err(e) => prop_assert_eq!(code_of(&renewal), Some(u64::from(e.code()))),
                }
                prop_assert_eq!(engine.renewal_term(&m, on, 1), a.renewal.clone());
                match (&a.quote_total, engine.quote_renewal(&m, on, 1, None)) {
                    (Ok(total), Ok(q)) => {
                        prop_assert_eq!(total, &q.total);
                        prop_assert_eq!(&quote["ok"]["total"], &json!(q.total.amount().to_string()));
                    }
                    (Err(e), Err(f)) => {
                        prop_assert_eq!(e, &f);
                        prop_assert_eq!(code_of(&quote), Some(u64::from(e.code())));
                    }
                    (mine, theirs) => prop_assert!(false, "assessment {mine:?} but quote_renewal {theirs:?}"),
                }
                let request = json!({"at": format!("{on}T00:00"), "action": {"kind": "renew"},
                                     "member": {"membership": m}});
                let parsed = amscore::parse_self_service_request(request.clone()).map_err(amscore::Error::from);
                let single = parsed.and_then(|r| engine.decide(&r));
                prop_assert_eq!(a.decision.clone(), Some(single.clone()));
                let door = gateway::call(&engine, &json!({"op": "decide", "request": request}).to_string());
                let door: Value = serde_json::from_str(&door).unwrap_or_default();
                match single {
                    Ok(d) => prop_assert_eq!(&door["ok"], &serde_json::to_value(&d).unwrap_or_default()),
                    Err(e) => prop_assert_eq!(code_of(&door), Some(u64::from(e.code()))),
                }
            }
        }
    }
}

/// The generator reaches every kind of answer, so that the property above compares more than
/// errors.
#[test]
fn generated_members_reach_every_kind_of_answer() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let engine = engine();
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let (mut errors, mut renewals, mut refusals, mut quotes, mut held) = (0, 0, 0, 0, 0);
    let strategy = (member(), 0i64..3000);
    for _ in 0..600 {
        let (m, on) = strategy.new_tree(&mut runner).map(|t| t.current()).unwrap_or_else(|e| panic!("{e}"));
        match engine.assess(&m, day(on), 1, false) {
            Err(_) => errors += 1,
            Ok(a) => {
                renewals += usize::from(a.renewal.is_ok());
                refusals += usize::from(a.renewal.is_err());
                quotes += usize::from(a.quote_total.is_ok());
                held += usize::from(matches!(a.status.status, Status::Suspended | Status::Cancelled | Status::Pending));
            }
        }
    }
    for (what, n) in
        [("errors", errors), ("renewals", renewals), ("refusals", refusals), ("quotes", quotes), ("held", held)]
    {
        assert!(n >= 30, "only {n} of 600 generated members give {what}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A term whose end disagrees with its plan's kind never reaches a status: every question
    /// about the member is refused with the same error.
    #[test]
    fn a_term_that_disagrees_with_its_plan_never_reaches_a_status(m in member_with(Just(0u8)), on in 0i64..3000) {
        let engine = engine();
        let plan = engine.plan(&m.plan).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(m.term.end.is_some(), plan.is_lifetime(), "the generator gives a disagreeing end");
        let on = day(on);
        // The facts' own contradictions (a death or cancellation before the join) are found first.
        let before_join = |d: Option<Date>| d.is_some_and(|d| d < m.member_since);
        let expected = match (before_join(m.deceased_on), before_join(m.cancelled_on), plan.is_lifetime()) {
            (true, _, _) => 1309,
            (false, true, _) => 1310,
            (false, false, true) => 1308,
            (false, false, false) => 1307,
        };
        let paid = amscore::Money::new(rust_decimal::Decimal::from(100), plan.prices.currency);
        let codes = [
            engine.status_on(&m, on).map(|_| ()).map_err(|e| e.code()),
            engine.renewal_term(&m, on, 1).map(|_| ()).map_err(|e| e.code()),
            engine.assess(&m, on, 1, true).map(|_| ()).map_err(|e| e.code()),
            engine.quote_renewal(&m, on, 1, None).map(|_| ()).map_err(|e| e.code()),
            engine
                .quote_cancel(&amscore::Cancellation { membership: m.clone(), date: on, amount_paid: paid, credits_applied: None })
                .map(|_| ())
                .map_err(|e| e.code()),
            engine
                .quote_change_plan(&amscore::PlanChange {
                    membership: m.clone(), plan: "retired".into(), date: on, amount_paid: paid, credits_applied: None, seats: None,
                })
                .map(|_| ())
                .map_err(|e| e.code()),
        ];
        for (i, code) in codes.iter().enumerate() {
            prop_assert_eq!(code, &Err(expected), "question {} about {:?}", i, m);
        }
    }
}
