//! The core's layers (docs/architecture.md): no module reaches into a layer above its own, and
//! the modules' dependencies have no cycle.
//!
//! The test reads the source: every `crate::a::…` path outside the `#[cfg(test)]` part of a file
//! (in `use` lines, in code, in attribute strings such as `schemars(with = "crate::money::…")`,
//! and `$crate::…` in macros) is a dependency on module `a`; a `crate::Name` path is resolved
//! through `lib.rs`'s re-exports to the module that defines `Name`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom-up. A file belongs to the layer of the longest entry that is its module
/// path or a prefix of it (`quote/error` before `quote`).
const LAYERS: &[(&str, &[&str])] = &[
    ("error machinery and JSON text", &["codes", "json_text"]),
    ("money, dates and the cell grammar", &["money", "period", "cell"]),
    ("terms and plans", &["lifecycle_error", "policy_error", "term", "plan", "proration", "tax"]),
    ("statuses, renewals, requests and members", &["status", "renewal", "request", "member", "row_error"]),
    (
        "the parts' errors",
        &[
            "quote/error",
            "decision/error",
            "success/error",
            "success/reminder_error",
            "roster/error",
            "roster_error",
            "work/error",
            "audit/error",
        ],
    ),
    ("the umbrella error and the rule book", &["error", "rules"]),
    (
        "the parts",
        &[
            "quote",
            "decision",
            "self_service",
            "success",
            "roster",
            "term_row",
            "assessment",
            "kernel",
            "work",
            "audit",
        ],
    ),
    ("the policy document", &["policy", "schema"]),
    ("the engine", &["engine"]),
    ("the front doors", &["coverage", "coverage_period", "gateway", "catalogue"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/`, as a module path (`quote/join`, `success/mod` → `success`).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = src();
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&root).ok()?.with_extension("");
            let name = rel.to_string_lossy().replace('\\', "/");
            let name = name.strip_suffix("/mod").unwrap_or(&name).to_owned();
            // `lib.rs` is the crate's index; a folder's `tests.rs` is its test module.
            (name != "lib" && !name.ends_with("/tests")).then_some((name, path))
        })
        .collect()
}

/// The layer of a module path, by the longest matching entry of [`LAYERS`].
fn layer_of(module: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (_, entries)) in LAYERS.iter().enumerate() {
        for entry in *entries {
            let matches = module == *entry || module.starts_with(&format!("{entry}/"));
            if matches && best.is_none_or(|(_, len)| entry.len() > len) {
                best = Some((i, entry.len()));
            }
        }
    }
    best.map(|(i, _)| i)
}

/// A file's code without its `#[cfg(test)]` part and without comments (doc examples may use
/// anything).
fn code_of(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or(text);
    body.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with("///") || t.starts_with("//!"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths that follow each `crate::` in a text, as their segments: `crate::a::b::C` gives
/// `[a, b, C]`, `crate::Name` gives `[Name]`, `crate::{a::X, b}` gives `[a, X]` and `[b]`.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let segments = |path: &str| -> Vec<String> {
        path.split("::")
            .map(|s| s.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
            .take_while(|s| !s.is_empty())
            .collect()
    };
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            found.extend(inner.split(',').map(segments));
        } else {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(rest.len());
            found.push(segments(&rest[..end]));
        }
    }
    found.retain(|p| p.first().is_some_and(|s| s != "self"));
    found
}

/// `lib.rs`'s `pub use module::{A, B}` re-exports: name → module.
fn reexports() -> BTreeMap<String, String> {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap_or_else(|e| panic!("lib.rs: {e}"));
    let mut map = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(pos) = stmt.find("pub use ") else { continue };
        let stmt = &stmt[pos + "pub use ".len()..];
        let Some((module, names)) = stmt.split_once("::") else { continue };
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or_default().trim();
            if !name.is_empty() {
                map.insert(name.to_owned(), module.trim().to_owned());
            }
        }
    }
    map
}

/// Every file's module path → the module paths it uses: the longest prefix of each `crate::`
/// path that is a file (`crate::quote::error::QuoteError` → `quote/error`), or, for a name `lib.rs`
/// re-exports, the module it comes from.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let names = reexports();
    let all = modules();
    let mut deps = BTreeMap::new();
    for (module, path) in &all {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut set = BTreeSet::new();
        for p in crate_paths(&code_of(&text)) {
            let target = if let Some(m) = names.get(&p[0]) {
                Some(m.clone())
            } else {
                (1..=p.len()).rev().map(|n| p[..n].join("/")).find(|candidate| all.contains_key(candidate))
            };
            set.extend(target);
        }
        deps.insert(module.clone(), set);
    }
    deps
}

/// The folder (or file) a module path belongs to: `quote/join` → `quote`.
fn top(module: &str) -> &str {
    module.split('/').next().unwrap_or(module)
}

#[test]
fn every_file_has_a_layer() {
    let missing: Vec<String> = modules().into_keys().filter(|m| layer_of(m).is_none()).collect();
    assert!(missing.is_empty(), "files with no layer in LAYERS (add them, and to docs/architecture.md): {missing:?}");
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let mut upward = Vec::new();
    for (module, deps) in dependencies() {
        let Some(own) = layer_of(&module) else { continue };
        for dep in deps {
            // A folder's files may use each other; `crate::quote::X` from `quote/join` is the
            // folder's own re-export.
            if top(&module) == top(&dep) {
                continue;
            }
            match layer_of(&dep) {
                Some(layer) if layer > own => {
                    upward.push(format!("{module} ({}) uses {dep} ({})", LAYERS[own].0, LAYERS[layer].0));
                }
                _ => {}
            }
        }
    }
    assert!(upward.is_empty(), "imports from a layer above:\n  {}", upward.join("\n  "));
}

#[test]
fn the_module_graph_has_no_cycle() {
    // Files are the nodes; a folder's files may use each other (through `super::`), so edges
    // inside one folder are left out.
    let graph: BTreeMap<String, BTreeSet<String>> = dependencies()
        .into_iter()
        .map(|(module, deps)| {
            let outside = deps.into_iter().filter(|d| top(d) != top(&module)).collect();
            (module, outside)
        })
        .collect();
    // Depth-first search with colours: grey on the stack, black done.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        grey: &mut Vec<String>,
        black: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if black.contains(node) {
            return None;
        }
        if let Some(i) = grey.iter().position(|g| g == node) {
            let mut cycle = grey[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        grey.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, grey, black) {
                return Some(cycle);
            }
        }
        grey.pop();
        black.insert(node.to_owned());
        None
    }
    let mut black = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, &graph, &mut Vec::new(), &mut black) {
            panic!("module cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_reader_finds_paths_of_every_form() {
    let code = "use crate::money::Money;\nuse crate::{period::add_days, term};\nlet x = crate::Engine::new();\n\
                #[schemars(with = \"crate::money::DecimalText\")]\n$crate::codes::ErrorInfo";
    let paths = crate_paths(code);
    let firsts: Vec<&str> = paths.iter().map(|p| p[0].as_str()).collect();
    assert_eq!(firsts, ["money", "period", "term", "Engine", "money", "codes"]);
    assert_eq!(crate_paths("crate::quote::error::QuoteError")[0], ["quote", "error", "QuoteError"]);
    assert_eq!(reexports().get("Engine").map(String::as_str), Some("engine"));
    assert_eq!(layer_of("quote/error"), Some(4));
    assert_eq!(layer_of("quote/join"), Some(6));
    assert_eq!(layer_of("codes"), Some(0));
}
