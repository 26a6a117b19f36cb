//! `amscore assess ROSTER --policy P --date D [-o OUT]`: a whole roster through the roster kernel
//! ([`amscore_arrow::assess_batches`]), the roster's rows with the result columns appended
//! ([`amscore_arrow::with_results`]); or with `--lines` every renewal quote's lines
//! ([`amscore_arrow::renewal_quote_lines`]). In: CSV (every value as text, read by the core's
//! grammar) or Parquet. Out: CSV, Parquet or JSON lines.
//!
//! A CSV record that is no row at all (the wrong number of values, text that is not UTF-8) is
//! kept in the output at its place, with the core's `malformed_row` error; the kernel never sees
//! its values (it is no member's row), as the core's CSV loader never uses it.

use std::fs::File;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use amscore::kernel::problems_message;
use amscore::{parse_date, RosterError, RowError, Source};
use amscore_arrow::RosterOptions;
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::Int16Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, Int16Array, RecordBatch, StringArray};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use indicatif::{ProgressBar, ProgressStyle};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::fail::{Fail, Status};
use crate::output::Out;
use crate::policy::{io_why, load};

/// Rows per record batch read from CSV.
const CHUNK_ROWS: usize = 64 * 1024;
/// From this input size on (bytes), a terminal gets a progress bar.
const LONG_RUN_BYTES: u64 = 8 * 1024 * 1024;

/// The subcommand's arguments.
pub struct Args {
    /// The roster file.
    pub roster: PathBuf,
    /// The policy argument.
    pub policy: String,
    /// The date, as given.
    pub date: String,
    /// The output file (stdout when `None`).
    pub output: Option<PathBuf>,
    /// The long table of quote lines instead.
    pub lines: bool,
    /// Add the online decision columns.
    pub decide: bool,
    /// Terms a renewal buys.
    pub terms: u32,
    /// Threads (0: every core).
    pub threads: usize,
}

/// The formats written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
    JsonLines,
}

impl Format {
    /// The format of an output path, by extension (stdout: CSV).
    fn of(path: Option<&PathBuf>) -> Result<Format, Fail> {
        let Some(path) = path else { return Ok(Format::Csv) };
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Ok(Format::Csv),
            Some("parquet") => Ok(Format::Parquet),
            Some("jsonl") => Ok(Format::JsonLines),
            _ => Err(Fail::Usage(format!("-o {}: unknown format (use .csv, .parquet or .jsonl)", path.display()))),
        }
    }
}

/// A row that is no row (a CSV record of the wrong width, or not UTF-8): its place and error.
struct Malformed {
    /// The row, 0-based across the file's data rows.
    row: usize,
    /// The core's error, at the row (and column, for a value that is not UTF-8).
    error: RowError,
}

/// The roster as read: the batches as they are (written back beside the answers), the batches
/// the kernel reads (a malformed row's `member_id` nulled), and the malformed rows.
struct Input {
    batches: Vec<RecordBatch>,
    kernel: Vec<RecordBatch>,
    malformed: Vec<Malformed>,
}

/// Runs the subcommand.
///
/// # Errors
/// [`Fail`]: a bad date or output name (usage), a roster or policy that cannot be read or used,
/// an output that cannot be written.
pub fn run(args: &Args) -> Result<Status, Fail> {
    let date = parse_date(&args.date).map_err(|e| Fail::Usage(format!("--date: {e}")))?;
    let format = Format::of(args.output.as_ref())?;
    let engine = load(&args.policy)?;
    let input = read_roster(&args.roster)?;
    let options = RosterOptions { date, terms: args.terms, decide: args.decide, threads: args.threads };
    let roster_fail = |e: amscore_arrow::Error| Fail::input(args.roster.display(), e);
    let spinner = progress(file_size(&args.roster), "assessing");
    let out_batches = if args.lines {
        vec![amscore_arrow::renewal_quote_lines(&engine, &input.kernel, &options).map_err(roster_fail)?]
    } else {
        let results = amscore_arrow::assess_batches(&engine, &input.kernel, &options).map_err(roster_fail)?;
        let mut first_row = 0;
        let mut joined = Vec::with_capacity(results.len());
        for (batch, result) in input.batches.iter().zip(&results) {
            let whole = amscore_arrow::with_results(batch, result).map_err(roster_fail)?;
            joined.push(mark_malformed(whole, first_row, &input.malformed)?);
            first_row += batch.num_rows();
        }
        joined
    };
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let schema = match out_batches.first() {
        Some(b) => b.schema(),
        None => Arc::new(Schema::empty()),
    };
    let mut out = Out::to(args.output.as_ref())?;
    match format {
        Format::Csv => write_csv(&mut out, &schema, &out_batches)?,
        Format::JsonLines => write_json_lines(&mut out, &out_batches)?,
        Format::Parquet => write_parquet(&mut out, &schema, &out_batches)?,
    }
    out.finish()?;
    Ok(Status::Done)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// A spinner on stderr for a long run (an input of at least [`LONG_RUN_BYTES`]) when stderr is
/// a terminal; none otherwise.
fn progress(input_bytes: u64, what: &'static str) -> Option<ProgressBar> {
    if input_bytes < LONG_RUN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner().with_message(what);
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// A progress bar over an input's bytes, on the same terms as [`progress`].
fn byte_bar(total: u64, what: &'static str) -> Option<ProgressBar> {
    if total < LONG_RUN_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(total).with_message(what);
    if let Ok(style) = ProgressStyle::with_template("{msg} {wide_bar} {bytes}/{total_bytes} ({eta})") {
        bar.set_style(style);
    }
    Some(bar)
}

/// Reads a roster: Parquet by its extension, else CSV.
fn read_roster(path: &Path) -> Result<Input, Fail> {
    let fail = |why: String| Fail::input(path.display(), why);
    let file = File::open(path).map_err(|e| fail(io_why(&e)))?;
    let is_parquet = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if is_parquet {
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_batch_size(CHUNK_ROWS).build())
            .map_err(|e| fail(e.to_string()))?;
        let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| fail(e.to_string()))?;
        return Ok(Input { kernel: batches.clone(), batches, malformed: Vec::new() });
    }
    read_csv(file, file_size(path)).map_err(|e| match e {
        Fail::Input(why) => fail(why),
        other => other,
    })
}

/// Reads a CSV roster (RFC 4180, a header row, values trimmed as the core's loader trims them)
/// into batches of text columns; an empty value is null.
fn read_csv(file: File, size: u64) -> Result<Input, Fail> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(file);
    let header = reader.byte_headers().map_err(|e| Fail::Input(e.to_string()))?.clone();
    let names: Vec<String> = header
        .iter()
        .map(|raw| String::from_utf8_lossy(raw).trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    let width = names.len();
    let member_id = names.iter().position(|n| n == amscore::Column::MemberId.as_str());
    let schema: SchemaRef =
        Arc::new(Schema::new(names.iter().map(|n| Field::new(n, DataType::Utf8, true)).collect::<Vec<_>>()));
    let bar = byte_bar(size, "reading");
    let mut input = Input { batches: Vec::new(), kernel: Vec::new(), malformed: Vec::new() };
    let mut record = csv::ByteRecord::new();
    let mut row = 0;
    let mut chunk = Chunk::new(width);
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| Fail::Input(e.to_string()))?;
        if more {
            let line = record.position().map_or(0, csv::Position::line);
            let problem = if record.len() == width {
                record.iter().position(|v| std::str::from_utf8(v).is_err()).map(|i| {
                    RowError::new(Source::Members, row, &RosterError::not_utf8()).field(names[i].clone(), None)
                })
            } else {
                Some(RowError::new(Source::Members, row, &RosterError::wrong_width(record.len(), width)))
            };
            chunk.push(&record, problem.is_some());
            if let Some(error) = problem {
                input.malformed.push(Malformed { row, error: error.line(line) });
            }
            row += 1;
        }
        if chunk.rows == CHUNK_ROWS || (!more && chunk.rows > 0) {
            let (batch, kernel) = std::mem::replace(&mut chunk, Chunk::new(width)).finish(&schema, member_id)?;
            input.batches.push(batch);
            input.kernel.push(kernel);
            if let Some(bar) = &bar {
                bar.set_position(reader.position().byte());
            }
        }
        if !more {
            break;
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if input.batches.is_empty() {
        // A header and no rows: one empty batch, so that the header's columns are still checked.
        let (batch, kernel) = chunk.finish(&schema, member_id)?;
        input.batches.push(batch);
        input.kernel.push(kernel);
    }
    Ok(input)
}

/// The rows of one batch being read from CSV.
struct Chunk {
    columns: Vec<StringBuilder>,
    /// Which rows are malformed (their `member_id` is nulled for the kernel).
    malformed: Vec<bool>,
    rows: usize,
}

impl Chunk {
    fn new(width: usize) -> Chunk {
        Chunk { columns: (0..width).map(|_| StringBuilder::new()).collect(), malformed: Vec::new(), rows: 0 }
    }

    /// Adds a record: its values as far as the header goes (a missing one null; text that is not
    /// UTF-8 with its bad bytes replaced, since the row is malformed anyway).
    fn push(&mut self, record: &csv::ByteRecord, malformed: bool) {
        for (i, column) in self.columns.iter_mut().enumerate() {
            match record.get(i).filter(|v| !v.is_empty()) {
                Some(v) => column.append_value(String::from_utf8_lossy(v)),
                None => column.append_null(),
            }
        }
        self.malformed.push(malformed);
        self.rows += 1;
    }

    /// The batch as read, and the batch the kernel reads.
    fn finish(mut self, schema: &SchemaRef, member_id: Option<usize>) -> Result<(RecordBatch, RecordBatch), Fail> {
        let columns: Vec<ArrayRef> = self.columns.iter_mut().map(|c| Arc::new(c.finish()) as ArrayRef).collect();
        let batch = RecordBatch::try_new(schema.clone(), columns.clone()).map_err(|e| Fail::Input(e.to_string()))?;
        let mut kernel_columns = columns;
        if let Some(i) = member_id.filter(|_| self.malformed.contains(&true)) {
            let ids = kernel_columns[i].as_string::<i32>();
            let nulled: StringArray =
                ids.iter().zip(&self.malformed).map(|(id, bad)| if *bad { None } else { id }).collect();
            kernel_columns[i] = Arc::new(nulled);
        }
        let kernel = RecordBatch::try_new(schema.clone(), kernel_columns).map_err(|e| Fail::Input(e.to_string()))?;
        Ok((batch, kernel))
    }
}

/// Writes the malformed rows' error into a batch of answers (rows `first_row..` of the roster):
/// `error_code`, `error_name` and `error_message` as the core words them.
fn mark_malformed(batch: RecordBatch, first_row: usize, malformed: &[Malformed]) -> Result<RecordBatch, Fail> {
    let rows = first_row..first_row + batch.num_rows();
    let here: Vec<&Malformed> = malformed.iter().filter(|m| rows.contains(&m.row)).collect();
    if here.is_empty() {
        return Ok(batch);
    }
    let schema = batch.schema();
    let index = |name: &str| schema.index_of(name).map_err(|e| Fail::Output(e.to_string()));
    let (code_at, name_at, message_at) = (index("error_code")?, index("error_name")?, index("error_message")?);
    let mut columns = batch.columns().to_vec();
    let at = |m: &Malformed| m.row - first_row;

    let mut codes: Vec<Option<i16>> = columns[code_at].as_primitive::<Int16Type>().iter().collect();
    let names = columns[name_at].as_dictionary::<Int16Type>();
    let mut keys: Vec<Option<i16>> = names.keys().iter().collect();
    // The batch's dictionary holds the errors found in it; the malformed rows' error joins it if
    // it is not there yet.
    let mut dictionary: Vec<String> =
        names.values().as_string::<i32>().iter().map(|v| v.unwrap_or_default().to_owned()).collect();
    let mut messages: Vec<Option<String>> =
        columns[message_at].as_string::<i32>().iter().map(|m| m.map(str::to_owned)).collect();
    for m in &here {
        let key = match dictionary.iter().position(|v| *v == m.error.name) {
            Some(k) => k,
            None => {
                dictionary.push(m.error.name.clone());
                dictionary.len() - 1
            }
        };
        codes[at(m)] = i16::try_from(m.error.code).ok();
        keys[at(m)] = i16::try_from(key).ok();
        messages[at(m)] = Some(problems_message(std::slice::from_ref(&m.error)));
    }
    let values: ArrayRef = Arc::new(StringArray::from(dictionary));
    columns[code_at] = Arc::new(Int16Array::from(codes));
    columns[name_at] = Arc::new(
        DictionaryArray::<Int16Type>::try_new(Int16Array::from(keys), values)
            .map_err(|e| Fail::Output(e.to_string()))?,
    );
    columns[message_at] = Arc::new(StringArray::from(messages));
    RecordBatch::try_new(schema, columns).map_err(|e| Fail::Output(e.to_string()))
}

/// Cells as text: dates `YYYY-MM-DD`, decimals at their scale, dictionaries by value, null empty.
fn formatters<'a>(batch: &'a RecordBatch, options: &'a FormatOptions<'a>) -> Result<Vec<ArrayFormatter<'a>>, Fail> {
    batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), options).map_err(|e| Fail::Output(e.to_string())))
        .collect()
}

fn write_csv(out: &mut Out, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<(), Fail> {
    let options = FormatOptions::default();
    let name = out.name().to_owned();
    let csv_fail = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(io) => Fail::write(&name, io),
        _ => Fail::Output(format!("{name}: {e}")),
    };
    let mut w = csv::WriterBuilder::new().from_writer(out.writer());
    w.write_record(schema.fields().iter().map(|f| f.name().as_str())).map_err(csv_fail)?;
    let mut cell = String::new();
    for batch in batches {
        let cells = formatters(batch, &options)?;
        for row in 0..batch.num_rows() {
            for f in &cells {
                cell.clear();
                use std::fmt::Write as _;
                write!(cell, "{}", f.value(row)).map_err(|e| Fail::Output(e.to_string()))?;
                w.write_field(&cell).map_err(csv_fail)?;
            }
            w.write_record(None::<&[u8]>).map_err(csv_fail)?;
        }
    }
    w.flush().map_err(|e| Fail::write(&name, &e))
}

fn write_json_lines(out: &mut Out, batches: &[RecordBatch]) -> Result<(), Fail> {
    let options = FormatOptions::default();
    let mut line = String::new();
    for batch in batches {
        let schema = batch.schema();
        let names: Vec<String> =
            schema.fields().iter().map(|f| serde_json::Value::String(f.name().clone()).to_string()).collect();
        let cells = formatters(batch, &options)?;
        for row in 0..batch.num_rows() {
            line.clear();
            line.push('{');
            for (i, (column, f)) in batch.columns().iter().zip(&cells).enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(&names[i]);
                line.push(':');
                let text = f.value(row).to_string();
                let plain = matches!(column.data_type(), DataType::Boolean) || column.data_type().is_integer();
                if column.is_null(row) {
                    line.push_str("null");
                } else if plain {
                    line.push_str(&text);
                } else {
                    line.push_str(&serde_json::Value::String(text).to_string());
                }
            }
            line.push_str("}\n");
            out.text(&line)?;
        }
    }
    Ok(())
}

fn write_parquet(out: &mut Out, schema: &SchemaRef, batches: &[RecordBatch]) -> Result<(), Fail> {
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let fail = |e: parquet::errors::ParquetError| Fail::Output(e.to_string());
    let mut writer = ArrowWriter::try_new(out.writer(), schema.clone(), Some(props)).map_err(fail)?;
    for batch in batches {
        writer.write(batch).map_err(fail)?;
    }
    writer.close().map_err(fail)?;
    Ok(())
}
