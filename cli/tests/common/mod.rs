//! What the CLI's test files share: where the repository and its sample are, and a fresh folder
//! per test.

use std::path::{Path, PathBuf};

/// The sample's "today".
pub const DATE: &str = "2026-11-24";

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A file of the bundled sample association (`examples/sample`).
pub fn sample(name: &str) -> PathBuf {
    root().join("examples").join("sample").join(name)
}

/// A fresh folder for one test's files, under the test target's scratch folder: `group/test`.
pub fn scratch_in(group: &str, test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(group).join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}
