//! Where the answers go: stdout or a file, through one buffer; a closed pipe is a quiet end
//! ([`Fail::write`]), never a panic.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::fail::Fail;

/// An output: stdout or a file, buffered.
pub struct Out {
    /// What to name in an error (`stdout` or the file's path).
    name: String,
    writer: BufWriter<Box<dyn Write + Send>>,
}

impl Out {
    /// Standard output.
    pub fn stdout() -> Out {
        Out { name: "stdout".into(), writer: BufWriter::with_capacity(1 << 16, Box::new(std::io::stdout())) }
    }

    /// A file, created (or truncated).
    ///
    /// # Errors
    /// [`Fail::Output`] when it cannot be created.
    pub fn file(path: &Path) -> Result<Out, Fail> {
        let file = File::create(path).map_err(|e| Fail::Output(format!("{}: {e}", path.display())))?;
        Ok(Out { name: path.display().to_string(), writer: BufWriter::with_capacity(1 << 16, Box::new(file)) })
    }

    /// `path`'s file, or stdout.
    ///
    /// # Errors
    /// As [`Out::file`].
    pub fn to(path: Option<&PathBuf>) -> Result<Out, Fail> {
        path.map_or_else(|| Ok(Out::stdout()), |p| Out::file(p))
    }

    /// Writes text.
    ///
    /// # Errors
    /// [`Fail::write`].
    pub fn text(&mut self, text: &str) -> Result<(), Fail> {
        self.text_bytes(text.as_bytes())
    }

    /// Writes bytes (already encoded text).
    ///
    /// # Errors
    /// [`Fail::write`].
    pub fn text_bytes(&mut self, bytes: &[u8]) -> Result<(), Fail> {
        self.writer.write_all(bytes).map_err(|e| Fail::write(&self.name, &e))
    }

    /// Writes a line.
    ///
    /// # Errors
    /// [`Fail::write`].
    pub fn line(&mut self, line: &str) -> Result<(), Fail> {
        self.text(line)?;
        self.text("\n")
    }

    /// The underlying writer, for encoders (CSV, Parquet).
    pub fn writer(&mut self) -> &mut BufWriter<Box<dyn Write + Send>> {
        &mut self.writer
    }

    /// What an error names: `stdout` or the file's path.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Flushes the buffer.
    ///
    /// # Errors
    /// [`Fail::write`].
    pub fn finish(mut self) -> Result<(), Fail> {
        self.writer.flush().map_err(|e| Fail::write(&self.name, &e))
    }
}

/// Writes to an [`Out`] with `format!` syntax: `out!(out, "{x} members")?`.
#[macro_export]
macro_rules! out {
    ($out:expr) => {
        $out.line("")
    };
    ($out:expr, $($arg:tt)*) => {
        $out.line(&format!($($arg)*))
    };
}

/// Like [`out!`] without the line break.
#[macro_export]
macro_rules! out_text {
    ($out:expr, $($arg:tt)*) => {
        $out.text(&format!($($arg)*))
    };
}
