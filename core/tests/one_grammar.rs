//! One date grammar for every surface: every date field serde reads goes through
//! `period::date_text` (or `opt_date_text`), which calls `period::parse_date`. This test reads the
//! source and fails when a `Date` field of a type that derives `Deserialize` does not say so.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("core/src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `Date` fields of deserialized types that do not read through the one date grammar, as
/// `file:line`.
fn dates_without_the_grammar(text: &str, file: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let field = line.trim().trim_start_matches("pub ").trim_start_matches("pub(crate) ");
        let Some((_, ty)) = field.split_once(": ") else { continue };
        if !matches!(ty, "Date," | "Option<Date>,") || field.contains('(') {
            continue;
        }
        // The item the field belongs to: the nearest derive above, unless a function comes first.
        let derive =
            lines[..i].iter().rev().map(|l| l.trim()).find(|l| l.starts_with("#[derive(") || l.contains("fn "));
        if !derive.is_some_and(|d| d.starts_with("#[derive(") && d.contains("Deserialize")) {
            continue;
        }
        let attributes =
            lines[..i].iter().rev().map(|l| l.trim()).take_while(|l| l.starts_with("#[") || l.starts_with("///"));
        if !attributes
            .into_iter()
            .any(|a| a.contains("crate::period::date_text") || a.contains("crate::period::opt_date_text"))
        {
            found.push(format!("{file}:{}", i + 1));
        }
    }
    found
}

#[test]
fn every_deserialized_date_reads_through_parse_date() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut found = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        checked += text.matches("period::date_text").count() + text.matches("period::opt_date_text").count();
        found.extend(dates_without_the_grammar(&text, &file.display().to_string()));
    }
    assert!(found.is_empty(), "dates read without period::date_text: {found:?}");
    assert!(checked >= 40, "only {checked} date fields found: is the test still reading the source?");
}

#[test]
fn the_source_check_finds_a_date_without_the_grammar() {
    let text = "#[derive(Debug, Deserialize)]\nstruct A {\n    /// Doc.\n    #[serde(default)]\n    pub day: Option<Date>,\n}\nfn f(\n    as_of: Date,\n) {}\n";
    assert_eq!(dates_without_the_grammar(text, "a.rs"), ["a.rs:5"]);
}
