//! One field of an input row as a reader or a binding gives it (empty, a typed value, or text) and the core's one grammar for reading text: dates, decimals, yes/no flags.

use rust_decimal::Decimal;
use time::Date;

use crate::money::parse_decimal;
use crate::period::parse_date;

/// One field of a row: nothing, a value a binding already has in its type, or text that the
/// core reads with its grammar ([`Cell::read`]). Text is trimmed; empty text is [`Cell::Empty`].
///
/// ```
/// use amscore::Cell;
/// use time::macros::date;
/// assert_eq!(Cell::<time::Date>::Text(" 2025-03-01 ").read(), Ok(Some(date!(2025-03-01))));
/// assert_eq!(Cell::<bool>::Text("Yes").read(), Ok(Some(true)));
/// assert_eq!(Cell::<bool>::Text("").read(), Ok(None));
/// assert!(Cell::<time::Date>::Text("2025-02-30").read().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cell<'a, T> {
    /// No value (a null, an empty CSV field).
    #[default]
    Empty,
    /// A value already typed by the binding.
    Value(T),
    /// Text, read by the core's grammar for `T`.
    Text(&'a str),
}

/// A type the core reads from text with one grammar, everywhere.
pub trait Grammar: Sized {
    /// Reads trimmed, non-empty text.
    ///
    /// # Errors
    /// The text is not a value of the type; the error says why.
    fn parse(text: &str) -> Result<Self, String>;
    /// The value written as text, for error reports.
    fn write(&self) -> String;
}

impl Grammar for Date {
    fn parse(text: &str) -> Result<Date, String> {
        parse_date(text).map_err(|_| "not a calendar date (expected YYYY-MM-DD)".to_owned())
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

/// Flags: `true/false`, `yes/no`, `y/n`, `1/0`, any ASCII case.
impl Grammar for bool {
    fn parse(text: &str) -> Result<bool, String> {
        match text.to_ascii_lowercase().as_str() {
            "false" | "no" | "n" | "0" => Ok(false),
            "true" | "yes" | "y" | "1" => Ok(true),
            _ => Err("not a yes/no value (true/false, yes/no, y/n, 1/0)".to_owned()),
        }
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

/// Plain decimals: an optional sign, digits, an optional fraction (no exponent, separators, NaN).
impl Grammar for Decimal {
    fn parse(text: &str) -> Result<Decimal, String> {
        parse_decimal(text).map_err(|e| match e {
            crate::money::MoneyError::InvalidAmount { reason, .. } => reason,
            other => other.to_string(),
        })
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

impl<T: Grammar + Copy> Cell<'_, T> {
    /// The value: `Ok(None)` when empty, the typed value, or the text read by the grammar.
    ///
    /// # Errors
    /// Text that is not a value of `T`, with the reason.
    pub fn read(&self) -> Result<Option<T>, String> {
        match *self {
            Cell::Empty => Ok(None),
            Cell::Value(v) => Ok(Some(v)),
            Cell::Text(t) => match trim(t) {
                "" => Ok(None),
                t => T::parse(t).map(Some),
            },
        }
    }

    /// The value as given, as text (trimmed; empty when there is none).
    pub fn given(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Value(v) => v.write(),
            Cell::Text(t) => t.trim().to_owned(),
        }
    }

    /// Whether there is no value (nothing, or blank text).
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Value(_) => false,
            Cell::Text(t) => t.trim().is_empty(),
        }
    }
}

/// `text.trim()`, without walking the text when it starts and ends with a visible ASCII character
/// (no white space to trim: the common case of a field read row by row).
pub(crate) fn trim(text: &str) -> &str {
    let visible = |b: &u8| (0x21..0x7f).contains(b);
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if visible(first) && visible(last) => text,
        (None, _) => text,
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// `trim` is `str::trim`, whatever the text (ASCII controls, Unicode white space, none).
        #[test]
        fn trim_is_str_trim(text in "[ \t\r\n\u{0b}\u{0c}\u{1c}\u{7f}\u{85}\u{a0}\u{2003}\u{3000}a-z0-9é-]{0,8}") {
            proptest::prop_assert_eq!(super::trim(&text), text.trim());
        }
    }
}
