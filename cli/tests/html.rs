//! `amscore season --html PATH` on the bundled sample: the page is well-formed (every element
//! closed, every attribute quoted, every `&` an entity), has each section and chart, shows the
//! library's numbers (members by status, staff queues, requests by kind, the Pareto of reasons,
//! the cohort table, the at-risk list), fetches nothing, is the same bytes each time, and
//! escapes what it is given (an association name and a member id full of markup).
//!
//! Whether a browser shows it is scripts/html_check.sh's part (headless Chromium).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use amscore::success::{at_risk, cohort_table, parse_activity_csv};
use amscore::{parse_date, parse_request_lines, Engine, Roster};

mod common;

use common::{root, sample, DATE};

/// A fresh folder for one test's files.
fn scratch(test: &str) -> PathBuf {
    common::scratch_in("html", test)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `amscore season [dir] --html out`, checks it succeeded silently, returns the page.
fn report(dir: Option<&Path>, out: &Path) -> String {
    let mut args = vec!["season".to_owned()];
    if let Some(d) = dir {
        args.push(d.display().to_string());
    }
    args.extend(["--date".into(), DATE.into(), "--html".into(), out.display().to_string()]);
    let run = Command::new(env!("CARGO_BIN_EXE_amscore"))
        .args(&args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("amscore {args:?}: {e}"));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "amscore {args:?}: {:?} {stderr}", run.status);
    assert_eq!((run.stdout.len(), stderr.as_ref()), (0, ""), "--html writes the file and prints nothing");
    read(out)
}

/// The sample's report, written once for the tests that read it.
fn sample_report() -> &'static str {
    static PAGE: OnceLock<String> = OnceLock::new();
    PAGE.get_or_init(|| report(None, &scratch("sample").join("season.html")))
}

/// An element of the page: its name, attributes and the text directly in it and below it.
#[derive(Debug, Clone, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    /// Every element below this one (depth first), this one included.
    fn all(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.all());
        }
        out
    }

    fn find<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        self.all().into_iter().filter(|e| e.name == name).collect()
    }

    fn attr(&self, name: &str) -> &str {
        self.attrs.get(name).map_or("", String::as_str)
    }

    fn by_class<'a>(&'a self, class: &str) -> Vec<&'a Element> {
        self.all().into_iter().filter(|e| e.attr("class") == class).collect()
    }
}

/// HTML's void elements the page may use, written `<x .../>`.
const VOID: [&str; 4] = ["meta", "br", "link", "img"];

/// Undoes the page's entities; panics on a bare `&` or an entity the page does not use.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').unwrap_or_else(|| panic!("a bare & in {text:?}"));
        out.push_str(match &rest[i..i + end + 1] {
            "&amp;" => "&",
            "&lt;" => "<",
            "&gt;" => ">",
            "&quot;" => "\"",
            "&#39;" => "'",
            other => panic!("unknown entity {other} in {text:?}"),
        });
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Parses the page as XML (after its doctype): every tag closed in order, attributes quoted,
/// no `<` or bare `&` in text. Panics at the first fault, with where it is.
fn parse(page: &str) -> Element {
    let body = page.strip_prefix("<!DOCTYPE html>\n").unwrap_or_else(|| panic!("no doctype"));
    let mut stack = vec![Element { name: "#document".into(), ..Element::default() }];
    let mut rest = body;
    while !rest.is_empty() {
        let at = body.len() - rest.len();
        if let Some(tag) = rest.strip_prefix('<') {
            let end = tag.find('>').unwrap_or_else(|| panic!("unclosed tag at {at}"));
            let inside = &tag[..end];
            rest = &tag[end + 1..];
            if let Some(name) = inside.strip_prefix('/') {
                let open = stack.pop().unwrap_or_else(|| panic!("</{name}> with nothing open at {at}"));
                assert_eq!(open.name, name, "</{name}> closes <{}> at {at}", open.name);
                let parent = stack.last_mut().unwrap_or_else(|| panic!("</{name}> closes the document at {at}"));
                parent.text.push_str(&open.text);
                parent.children.push(open);
                continue;
            }
            let (inside, closed) = inside.strip_suffix('/').map_or((inside, false), |i| (i, true));
            let (name, mut attrs_text) = inside.split_once(' ').unwrap_or((inside, ""));
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "bad tag name {name:?} at {at}"
            );
            let mut e = Element { name: name.into(), ..Element::default() };
            loop {
                attrs_text = attrs_text.trim_start();
                if attrs_text.is_empty() {
                    break;
                }
                let (key, value) = attrs_text.split_once("=\"").unwrap_or_else(|| panic!("unquoted attribute at {at}"));
                let close = value.find('"').unwrap_or_else(|| panic!("unterminated attribute at {at}"));
                assert!(!value[..close].contains('<'), "< in an attribute at {at}");
                let fresh = e.attrs.insert(key.to_owned(), unescape(&value[..close]));
                assert!(fresh.is_none(), "attribute {key} twice at {at}");
                attrs_text = &value[close + 1..];
            }
            // HTML's void elements are written `<x/>` and no other HTML element is; SVG's shapes
            // (`<rect/>`, `<line/>`) may be, as in XML.
            let in_svg = name == "svg" || stack.iter().any(|e| e.name == "svg");
            assert!(
                if VOID.contains(&name) { closed } else { !closed || in_svg },
                "<{name}> at {at}: void elements, and only they, self-close"
            );
            if closed {
                stack.last_mut().unwrap_or_else(|| panic!("{at}")).children.push(e);
            } else {
                stack.push(e);
            }
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let raw = &rest[..end];
            assert!(!raw.contains('>') || stack.last().is_some_and(|e| e.name == "style"), "> in text at {at}");
            let text = unescape(raw);
            stack.last_mut().unwrap_or_else(|| panic!("{at}")).text.push_str(&text);
            rest = &rest[end..];
        }
    }
    assert_eq!(stack.len(), 1, "unclosed: {:?}", stack.iter().map(|e| &e.name).collect::<Vec<_>>());
    let mut doc = stack.pop().unwrap_or_default();
    assert_eq!(doc.children.len(), 1, "one root element");
    doc.children.pop().unwrap_or_default()
}

/// The sections' headings, each with its chart's SVG (the first one in the section), if any.
fn sections(html: &Element) -> BTreeMap<String, &Element> {
    // The page's sections: those with an `<h2>` (a section nested in one has an `<h3>`).
    html.find("section")
        .into_iter()
        .filter(|s| s.children.iter().any(|c| c.name == "h2"))
        .map(|s| (s.find("h2")[0].text.clone(), s))
        .collect()
}

/// A chart's marks (bars, stacks) as (label, value), in order.
fn marks(svg: &Element, class: &str) -> Vec<(String, u64)> {
    svg.by_class(class)
        .into_iter()
        .map(|g| (g.attr("data-label").to_owned(), g.attr("data-value").parse().unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

fn engine() -> Engine {
    Engine::from_json(&read(&sample("policy.json"))).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_page_is_well_formed_with_every_section_and_chart() {
    let html = parse(sample_report());
    assert_eq!(html.name, "html");
    assert_eq!(html.attr("lang"), "en");
    let title = &html.find("title")[0].text;
    assert!(title.ends_with(&format!("the season's report, as of {DATE}")), "{title}");
    assert_eq!(&html.find("h1")[0].text, title);
    let sections = sections(&html);
    let expected = [
        ("Members by status", 1),
        ("Renewals due by month", 1),
        ("Dues expected", 0),
        ("The website's requests: self-service share", 2),
        ("Staff queues", 1),
        ("Retention by join cohort", 1),
        ("Members at risk", 0),
        ("Data quality", 0),
    ];
    assert_eq!(sections.len(), expected.len(), "{:?}", sections.keys());
    for (heading, charts) in expected {
        let s = sections.get(heading).unwrap_or_else(|| panic!("no section {heading:?}"));
        let svgs = s.find("svg");
        assert_eq!(svgs.len(), charts, "{heading}: charts");
        for svg in svgs {
            // Accessible and not empty: a title, a description, marks with their own titles.
            assert!(!svg.find("title")[0].text.is_empty() && !svg.find("desc")[0].text.is_empty(), "{heading}");
            assert!(svg.find("rect").len() >= 3, "{heading}: a chart with marks");
            assert!(svg.attr("role") == "img" && !svg.attr("viewBox").is_empty(), "{heading}");
        }
        // Each chart is a figure with its caption.
        assert_eq!(s.find("figure").len(), charts, "{heading}");
        assert!(s.find("figure").iter().all(|f| !f.find("figcaption")[0].text.is_empty()), "{heading}");
    }
    // Every table has a caption and column headings.
    for t in html.find("table") {
        assert!(!t.find("caption")[0].text.is_empty());
        assert!(t.find("th").iter().any(|th| th.attr("scope") == "col"));
    }
    // The navigation links to every section of the page (not to those nested in one).
    let links: Vec<&str> = html.find("nav")[0].find("a").iter().map(|a| a.attr("href")).collect();
    let ids: Vec<String> = html
        .find("section")
        .iter()
        .filter(|s| s.children.iter().any(|c| c.name == "h2"))
        .map(|s| format!("#{}", s.attr("id")))
        .collect();
    assert_eq!(links, ids);
}

#[test]
fn the_page_fetches_nothing_runs_nothing_and_is_the_same_each_time() {
    let page = sample_report();
    for needle in ["http://", "https://", "//", "<script", "src=", "url(", "@import", "javascript:"] {
        assert!(!page.contains(needle), "the page has {needle:?}");
    }
    let html = parse(page);
    for e in html.all() {
        let href = e.attr("href");
        assert!(href.is_empty() || href.starts_with('#'), "a link out of the page: {href}");
        assert!(e.attrs.keys().all(|k| !k.starts_with("on")), "an event handler on <{}>", e.name);
    }
    let csp = html.find("meta").into_iter().find(|m| m.attr("http-equiv") == "Content-Security-Policy");
    assert!(csp.is_some_and(|m| m.attr("content").starts_with("default-src 'none'")), "a policy that forbids fetching");
    let again = report(None, &scratch("again").join("season.html"));
    assert!(page == again, "the same season gives the same bytes");
}

#[test]
fn the_charts_show_the_library_s_numbers() {
    let html = parse(sample_report());
    let sections = sections(&html);
    let chart = |heading: &str, n: usize| sections[heading].find("svg")[n];
    let engine = engine();
    let roster =
        Roster::from_csv(engine.rules(), read(&sample("roster.csv")).as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let date = parse_date(DATE).unwrap_or_else(|e| panic!("{e}"));

    // Members by status: the library's assessment of each member, counted here.
    let mut by_status: BTreeMap<amscore::Status, u64> = BTreeMap::new();
    for m in &roster.members {
        let a = engine.assess(&m.membership, date, 1, false).unwrap_or_else(|e| panic!("{e}"));
        *by_status.entry(a.status.status).or_default() += 1;
    }
    let expected: Vec<(String, u64)> = by_status.iter().map(|(s, n)| (s.as_str().to_owned(), *n)).collect();
    assert_eq!(marks(chart("Members by status", 0), "bar"), expected);
    let members =
        html.find("ul").into_iter().find(|u| u.attr("class") == "figures").map(|u| u.children[0].text.clone());
    assert_eq!(members, Some(format!("{}members", roster.members.len())));

    // Renewals due by month add up to the text report's count.
    let text = Command::new(env!("CARGO_BIN_EXE_amscore"))
        .args(["season", "--summary-only", "--date", DATE])
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let due_line = text.lines().find(|l| l.starts_with("Renewals due in the next")).unwrap_or_default();
    let due: u64 = marks(chart("Renewals due by month", 0), "bar").iter().map(|(_, n)| n).sum();
    assert!(due > 0 && due_line.ends_with(&format!(": {due}")), "{due} vs {due_line}");

    // The website's requests: each kind's requests, the queues and the Pareto are the library's.
    let rows = parse_request_lines(&read(&sample("requests.jsonl")));
    let report = engine.decide_batch(&rows).report;
    let mut kinds: Vec<(String, u64)> = report
        .by_kind
        .iter()
        .map(|k| (k.kind.map_or("(unreadable)", |k| k.as_str()).to_owned(), k.counts.requests as u64))
        .collect();
    kinds.push(("all requests".into(), rows.len() as u64));
    let requests = "The website's requests: self-service share";
    assert_eq!(marks(chart(requests, 0), "stack"), kinds);
    let self_service: Vec<u64> = chart(requests, 0)
        .by_class("part")
        .into_iter()
        .filter(|p| p.attr("data-label") == "self-service")
        .map(|p| p.attr("data-value").parse().unwrap_or(0))
        .collect();
    assert_eq!(self_service.last().copied(), Some(report.overall.self_service as u64));
    let pareto: Vec<(String, u64)> = report
        .reasons
        .iter()
        .filter(|r| r.sent_to_staff > 0)
        .map(|r| (r.code.as_str().to_owned(), r.sent_to_staff as u64))
        .collect();
    assert_eq!(marks(chart(requests, 1), "bar"), pareto);
    let alone: Vec<String> =
        chart(requests, 1).by_class("bar").iter().map(|b| b.attr("data-inner").to_owned()).collect();
    let expected: Vec<String> =
        report.reasons.iter().filter(|r| r.sent_to_staff > 0).map(|r| r.alone_blocked.to_string()).collect();
    assert_eq!(alone, expected);
    let queues: Vec<(String, u64)> =
        report.by_queue.iter().map(|q| (q.queue.as_str().to_owned(), q.requests as u64)).collect();
    assert_eq!(marks(chart("Staff queues", 0), "bar"), queues);
    // Under the queues, who owns the open staff work: the core's staff queues at the day's close
    // over the last 14 days' items, one row per owner.
    let now = time::PrimitiveDateTime::new(date, time::macros::time!(17:00));
    let mut items = engine.work_items(&rows);
    items.retain(|i| i.requested_at <= now && i.requested_at > now - time::Duration::days(14));
    let staff = amscore::staff_queues(&engine.policy().staff, &items, &[], now).unwrap_or_else(|e| panic!("{e}"));
    let owners_table = html
        .find("table")
        .into_iter()
        .find(|t| t.find("caption")[0].text == "Open items by owner")
        .unwrap_or_else(|| panic!("no owners table"));
    let owner_rows: Vec<Vec<String>> = owners_table.find("tbody")[0]
        .find("tr")
        .iter()
        .map(|tr| tr.children.iter().filter(|c| c.name == "th" || c.name == "td").map(|c| c.text.clone()).collect())
        .collect();
    let expected: Vec<Vec<String>> = staff
        .by_owner
        .iter()
        .map(|o| {
            vec![
                o.team.clone().unwrap_or_default(),
                o.assignee.clone().unwrap_or_else(|| "(unassigned)".into()),
                o.open.to_string(),
                o.overdue.to_string(),
                amscore::minutes_text(o.oldest_business_minutes),
            ]
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(owner_rows, expected);

    // Retention by join cohort: one row per join year, one cell per year with its rate.
    let cohorts = cohort_table(engine.success(), &roster.members, date).unwrap_or_else(|e| panic!("{e}"));
    let heat = chart("Retention by join cohort", 0);
    let heat_rows = heat.by_class("row");
    assert_eq!(heat_rows.len(), cohorts.rows.len());
    for (row, cohort) in heat_rows.iter().zip(&cohorts.rows) {
        assert_eq!(row.attr("data-label"), format!("{} ({})", cohort.join_year, cohort.members));
        let cells: Vec<&str> = row.by_class("cell").iter().map(|c| c.attr("data-value")).collect();
        let rates: Vec<String> = cohort
            .cells
            .iter()
            .map(|c| format!("{}%", (c.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize()))
            .collect();
        assert_eq!(cells, rates, "cohort {}", cohort.join_year);
    }

    // The at-risk list: the library's members, in its order, with its reasons.
    let (events, _) = parse_activity_csv(&read(&sample("activity.csv"))).unwrap_or_else(|e| panic!("{e}"));
    let risk = at_risk(engine.success(), &roster.members, &events, &[], date).unwrap_or_else(|e| panic!("{e}"));
    let table = sections["Members at risk"].find("table")[0];
    let listed: Vec<(String, Vec<String>)> = table.find("tbody")[0]
        .find("tr")
        .iter()
        .map(|tr| (tr.find("th")[0].text.clone(), tr.find("b").iter().map(|b| b.text.clone()).collect()))
        .collect();
    let expected: Vec<(String, Vec<String>)> = risk
        .triggers
        .iter()
        .map(|t| (t.member_id.to_string(), t.reasons.iter().map(|r| r.code.clone()).collect()))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(listed, expected);
}

/// Copies the sample to `dir`, with `edit` applied to one of its files.
fn sample_with(dir: &Path, file: &str, edit: impl Fn(&str) -> String) {
    for name in ["policy.json", "policy_looser.json", "roster.csv", "requests.jsonl", "activity.csv"] {
        let text = read(&sample(name));
        let text = if name == file { edit(&text) } else { text };
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn markup_in_the_association_s_files_is_shown_as_text() {
    let dir = scratch("hostile");
    let name = "<script>alert(\"x\")</script> & 'Co'";
    let member = "<b>M0041</b>&'x'";
    let folder = dir.join("association");
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    sample_with(&folder, "policy.json", |t| {
        t.replacen("Sample Association (based on the amscore preset)", &name.replace('"', "\\\""), 1)
    });
    // A member in grace (so on the at-risk list) with markup in their id.
    let roster = read(&sample("roster.csv"));
    assert!(roster.contains("\nM0041,"));
    std::fs::write(folder.join("roster.csv"), roster.replace("\nM0041,", &format!("\n{member},")))
        .unwrap_or_else(|e| panic!("{e}"));
    let page = report(Some(&folder), &dir.join("season.html"));
    assert!(!page.contains("<script") && !page.contains("<b>M0041"), "markup got through");
    let html = parse(&page);
    assert!(html.find("title")[0].text.starts_with(name), "the name is shown as it is written");
    let at_risk: Vec<String> = html
        .find("section")
        .iter()
        .filter(|s| s.attr("id") == "at-risk")
        .flat_map(|s| s.find("tbody")[0].find("th"))
        .map(|th| th.text.clone())
        .collect();
    assert!(at_risk.iter().any(|id| id == member), "{at_risk:?}");
}

#[test]
fn a_report_that_cannot_be_written_is_an_output_error() {
    let dir = scratch("unwritable");
    let out = Command::new(env!("CARGO_BIN_EXE_amscore"))
        .args(["season", "--html"])
        .arg(dir.join("no-such-folder").join("season.html"))
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("amscore: ") && stderr.contains("season.html"), "{stderr}");
}
