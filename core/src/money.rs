//! Money: exact decimal amounts in an ISO 4217 currency, with named rounding to minor units.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::error_codes;

/// An error about money: an unknown currency, a mix of currencies, an amount that cannot be read,
/// or arithmetic that would overflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The currency code is not one amscore knows.
    #[error("unknown currency `{code}`")]
    UnknownCurrency {
        /// The code that was given.
        code: String,
    },
    /// Two amounts in different currencies were combined; amscore never converts.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// The first amount's currency.
        left: Currency,
        /// The second amount's currency.
        right: Currency,
    },
    /// An amount could not be read as an exact decimal.
    #[error("invalid amount `{text}`: {reason}")]
    InvalidAmount {
        /// The text that was given.
        text: String,
        /// Why it was refused.
        reason: String,
    },
    /// Arithmetic on amounts overflowed the decimal range.
    #[error("amount overflow")]
    Overflow,
    /// An amount has more decimals than the currency's minor unit allows where exactness is required.
    #[error("{amount} has more decimals than {currency} allows ({minor_units})")]
    TooPrecise {
        /// The amount, as text.
        amount: String,
        /// The currency.
        currency: Currency,
        /// The currency's number of minor-unit decimals.
        minor_units: u32,
    },
}

error_codes!(MoneyError, "money", MONEY_ERRORS, {
    MoneyError::UnknownCurrency { .. } => 1001, "unknown_currency";
    MoneyError::CurrencyMismatch { .. } => 1002, "currency_mismatch";
    MoneyError::InvalidAmount { .. } => 1003, "invalid_amount";
    MoneyError::Overflow => 1004, "amount_overflow";
    MoneyError::TooPrecise { .. } => 1005, "amount_too_precise";
});

/// An ISO 4217 currency with the number of decimals of its minor unit.
///
/// ```
/// use amscore::Currency;
/// let jpy: Currency = "JPY".parse()?;
/// assert_eq!(jpy.minor_units(), 0);
/// assert_eq!(Currency::USD.minor_units(), 2);
/// # Ok::<(), amscore::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

/// The currencies amscore knows: code and minor-unit decimals (ISO 4217).
pub(crate) const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("USD", 2),
    ("ZAR", 2),
];

impl Currency {
    /// United States dollar (2 decimals).
    pub const USD: Currency = Currency { code: *b"USD", minor_units: 2 };
    /// Euro (2 decimals).
    pub const EUR: Currency = Currency { code: *b"EUR", minor_units: 2 };
    /// Pound sterling (2 decimals).
    pub const GBP: Currency = Currency { code: *b"GBP", minor_units: 2 };
    /// Japanese yen (0 decimals).
    pub const JPY: Currency = Currency { code: *b"JPY", minor_units: 0 };
    /// Kuwaiti dinar (3 decimals).
    pub const KWD: Currency = Currency { code: *b"KWD", minor_units: 3 };

    /// Looks up a currency by its ISO 4217 code (upper case, as ISO writes it).
    ///
    /// ```
    /// assert_eq!(amscore::Currency::from_code("KWD")?.minor_units(), 3);
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::UnknownCurrency`] for a code amscore does not know.
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        CURRENCIES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .map(|i| {
                let (c, minor_units) = CURRENCIES[i];
                let b = c.as_bytes();
                Currency { code: [b[0], b[1], b[2]], minor_units }
            })
            .map_err(|_| MoneyError::UnknownCurrency { code: code.to_owned() })
    }

    /// The three-letter ISO 4217 code.
    ///
    /// ```
    /// assert_eq!(amscore::Currency::EUR.code(), "EUR");
    /// ```
    pub fn code(&self) -> &str {
        // The code bytes always come from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// The number of decimals of the minor unit (2 for cents, 0 for yen, 3 for fils).
    ///
    /// ```
    /// assert_eq!(amscore::Currency::JPY.minor_units(), 0);
    /// ```
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Every currency amscore knows, in code order.
    ///
    /// ```
    /// assert!(amscore::Currency::all().any(|c| c.code() == "CHF"));
    /// ```
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().filter_map(|(c, _)| Currency::from_code(c).ok())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Currency::from_code(&text).map_err(serde::de::Error::custom)
    }
}

/// How an amount is rounded to a currency's minor unit. Every rounding in amscore names one.
///
/// The default is [`Rounding::HalfAwayFromZero`], what PHP, Ruby and Java `HALF_UP` billing
/// systems do. Note that `rust_decimal`'s own `round_dp` rounds half to even; amscore never relies
/// on it.
///
/// ```
/// use amscore::{Currency, Money, Rounding};
/// use rust_decimal::Decimal;
/// let m = Money::new(Decimal::new(125, 3), Currency::USD); // 0.125
/// assert_eq!(m.round(Rounding::HalfAwayFromZero).amount(), Decimal::new(13, 2));
/// assert_eq!(m.round(Rounding::HalfEven).amount(), Decimal::new(12, 2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Halves round away from zero (0.125 → 0.13, -0.125 → -0.13). The default.
    #[default]
    HalfAwayFromZero,
    /// Halves round to the even neighbour (banker's rounding: 0.125 → 0.12, 0.135 → 0.14).
    HalfEven,
    /// Halves round toward zero (0.125 → 0.12).
    HalfTowardZero,
    /// Always toward zero (truncate).
    TowardZero,
    /// Always away from zero.
    AwayFromZero,
    /// Always toward negative infinity.
    Floor,
    /// Always toward positive infinity.
    Ceiling,
}

impl Rounding {
    /// The `rust_decimal` strategy this rounding mode maps to.
    ///
    /// ```
    /// use amscore::Rounding;
    /// use rust_decimal::RoundingStrategy;
    /// assert_eq!(Rounding::HalfEven.strategy(), RoundingStrategy::MidpointNearestEven);
    /// ```
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfTowardZero => RoundingStrategy::MidpointTowardZero,
            Rounding::TowardZero => RoundingStrategy::ToZero,
            Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
            Rounding::Floor => RoundingStrategy::ToNegativeInfinity,
            Rounding::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
}

/// An exact decimal amount in one currency.
///
/// Arithmetic between two amounts checks the currencies and overflow; it never converts and
/// never panics.
///
/// ```
/// use amscore::{Currency, Money};
/// let dues = Money::parse("200.00", Currency::USD)?;
/// let fee = Money::parse("25", Currency::USD)?;
/// assert_eq!(dues.checked_add(&fee)?.to_string(), "225.00 USD");
/// # Ok::<(), amscore::MoneyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency, kept exactly as given.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// let m = Money::new(rust_decimal::Decimal::new(1050, 2), Currency::EUR);
    /// assert_eq!(m.to_string(), "10.50 EUR");
    /// ```
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// The largest amount amscore takes, in minor units of its currency: 10^11 (1,000,000,000.00
    /// USD, 100,000,000,000 JPY, 100,000,000.000 KWD). Every price, fee, seat price, balance,
    /// payment and request amount is at most this, so that every quote (up to a plan's greatest
    /// term count and seat count, `MAX_TERMS` and `MAX_SEATS`, whose product with this bound the
    /// plan module checks at compile time) stays exact in `i64` minor units, the unit of the C
    /// API's totals and of the batch columns.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// assert_eq!(Money::max_amount(Currency::USD).to_string(), "1000000000.00 USD");
    /// assert!(Money::parse("1000000000.01", Currency::USD)?.check_bounded().is_err());
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    pub const MAX_MINOR_UNITS: i64 = 100_000_000_000;

    /// The largest amount amscore takes in a currency ([`Money::MAX_MINOR_UNITS`] minor units).
    pub fn max_amount(currency: Currency) -> Money {
        Money::from_minor_units(Money::MAX_MINOR_UNITS, currency)
    }

    /// Checks that the amount's size is at most [`Money::max_amount`] (either sign).
    ///
    /// # Errors
    /// [`MoneyError::InvalidAmount`] naming the largest amount.
    pub fn check_bounded(&self) -> Result<(), MoneyError> {
        let max = Money::max_amount(self.currency);
        if self.amount.abs() <= max.amount {
            Ok(())
        } else {
            Err(MoneyError::InvalidAmount { text: self.amount.to_string(), reason: format!("must be at most {max}") })
        }
    }

    /// Zero in a currency, written with the currency's minor units.
    ///
    /// ```
    /// assert_eq!(amscore::Money::zero(amscore::Currency::KWD).to_string(), "0.000 KWD");
    /// ```
    pub fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::new(0, currency.minor_units()), currency }
    }

    /// Reads an amount written as a decimal string (`"12.50"`, `"-3"`).
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// assert!(Money::parse("1e3", Currency::USD).is_err());
    /// assert_eq!(Money::parse("0.5", Currency::USD)?.amount().to_string(), "0.5");
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::InvalidAmount`] if the text is not a plain decimal number.
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse_decimal(text).map(|amount| Money { amount, currency })
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Whether the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is below zero (a credit or refund).
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// The amount rounded to the currency's minor unit with the named rounding mode.
    ///
    /// The result always carries exactly the currency's number of decimals (`10` → `10.00`).
    ///
    /// ```
    /// use amscore::{Currency, Money, Rounding};
    /// let m = Money::parse("10.005", Currency::USD)?;
    /// assert_eq!(m.round(Rounding::HalfAwayFromZero).to_string(), "10.01 USD");
    /// assert_eq!(Money::parse("7", Currency::USD)?.round(Rounding::HalfEven).to_string(), "7.00 USD");
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    pub fn round(&self, rounding: Rounding) -> Money {
        Money { amount: round_to(self.amount, self.currency.minor_units(), rounding), currency: self.currency }
    }

    /// Whether the amount has no more decimals than the currency's minor unit.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// assert!(Money::parse("1.50", Currency::USD)?.is_in_minor_units());
    /// assert!(!Money::parse("1.505", Currency::USD)?.is_in_minor_units());
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    pub fn is_in_minor_units(&self) -> bool {
        // Written with no more decimals than the minor unit: in minor units without normalising
        // (normalising only drops trailing zeros).
        self.amount.scale() <= self.currency.minor_units()
            || self.amount.normalize().scale() <= self.currency.minor_units()
    }

    /// The sum of two amounts in the same currency.
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies, [`MoneyError::Overflow`].
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount
            .checked_add(other.amount)
            .map(|amount| Money { amount, currency: self.currency })
            .ok_or(MoneyError::Overflow)
    }

    /// The difference of two amounts in the same currency.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// let a = Money::parse("5", Currency::USD)?;
    /// assert!(a.checked_sub(&Money::parse("5", Currency::EUR)?).is_err());
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::CurrencyMismatch`] for different currencies, [`MoneyError::Overflow`].
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.amount
            .checked_sub(other.amount)
            .map(|amount| Money { amount, currency: self.currency })
            .ok_or(MoneyError::Overflow)
    }

    /// The amount multiplied by an exact factor (a count of terms, a proration fraction), unrounded.
    ///
    /// # Errors
    /// [`MoneyError::Overflow`].
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, MoneyError> {
        self.amount
            .checked_mul(factor)
            .map(|amount| Money { amount, currency: self.currency })
            .ok_or(MoneyError::Overflow)
    }

    /// The amount with its sign flipped (a charge becomes a credit).
    pub fn negated(&self) -> Money {
        Money { amount: -self.amount, currency: self.currency }
    }

    /// The amount as an integer count of minor units (cents), if it is exact in minor units.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// assert_eq!(Money::parse("12.34", Currency::USD)?.to_minor_units()?, 1234);
    /// # Ok::<(), amscore::MoneyError>(())
    /// ```
    ///
    /// # Errors
    /// [`MoneyError::TooPrecise`] if the amount has finer decimals than the minor unit,
    /// [`MoneyError::Overflow`] if it does not fit in an `i64`.
    pub fn to_minor_units(&self) -> Result<i64, MoneyError> {
        let minor_units = self.currency.minor_units();
        // Already at the currency's scale (every rounded amount, every quote total): the mantissa
        // is the count of minor units, with no rescale.
        if self.amount.scale() == minor_units {
            return i64::try_from(self.amount.mantissa()).map_err(|_| MoneyError::Overflow);
        }
        if !self.is_in_minor_units() {
            return Err(MoneyError::TooPrecise {
                amount: self.amount.to_string(),
                currency: self.currency,
                minor_units: self.currency.minor_units(),
            });
        }
        let mut scaled = self.amount;
        scaled.rescale(minor_units);
        i64::try_from(scaled.mantissa()).map_err(|_| MoneyError::Overflow)
    }

    /// An amount from an integer count of minor units.
    ///
    /// ```
    /// use amscore::{Currency, Money};
    /// assert_eq!(Money::from_minor_units(1234, Currency::KWD).to_string(), "1.234 KWD");
    /// ```
    pub fn from_minor_units(units: i64, currency: Currency) -> Money {
        Money { amount: Decimal::new(units, currency.minor_units()), currency }
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Reads an exact decimal from a plain decimal string: optional sign, digits, optional fraction.
/// Exponents, spaces, thousands separators, `NaN` and `inf` are refused.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, MoneyError> {
    let invalid = |reason: &str| MoneyError::InvalidAmount { text: text.to_owned(), reason: reason.to_owned() };
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(invalid("expected a decimal number such as 12.50"));
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("expected a decimal number such as 12.50"));
    }
    Decimal::from_str_exact(text).map_err(|e| invalid(&e.to_string()))
}

/// Serde for exact decimal amounts: written as strings (`"12.50"`), read from strings or integers.
/// Floats are refused: `12.5` in JSON is a binary float and may already have lost a cent.
pub mod decimal_text {
    use super::*;

    /// Writes the decimal as a string.
    ///
    /// # Errors
    /// Only the serializer's own.
    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    /// Reads a decimal from a string or an integer; refuses floats.
    ///
    /// # Errors
    /// A serde error naming the problem.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }

    struct DecimalVisitor;

    impl serde::de::Visitor<'_> for DecimalVisitor {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal amount as a string, such as \"12.50\"")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_decimal(v).map_err(E::custom)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "amount {v} is a JSON float; write amounts as strings such as \"{v}\" so no cent is lost"
            )))
        }
    }
}

/// Serde for optional exact decimal amounts (see [`decimal_text`]).
pub mod opt_decimal_text {
    use super::*;

    /// Writes the decimal as a string, or null.
    ///
    /// # Errors
    /// Only the serializer's own.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(&v.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional decimal; refuses floats.
    ///
    /// # Errors
    /// A serde error naming the problem.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "decimal_text")] Decimal);
        Option::<Wrap>::deserialize(d).map(|o| o.map(|w| w.0))
    }
}

/// An exact decimal amount, as `decimal_text` reads it: a string such as `"12.50"`, or an integer.
/// Its JSON Schema is what fields written `with = "decimal_text"` declare in the policy schema.
pub(crate) struct DecimalText;

impl schemars::JsonSchema for DecimalText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DecimalText".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal amount written as a string, such as \"12.50\" (an integer is accepted too). JSON floats are refused: they may already have lost a cent.",
            "anyOf": [
                {"type": "string", "pattern": "^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"},
                {"type": "integer"}
            ]
        })
    }
}

/// Rounds an exact value once, at the end, to `places` decimals with `rounding`, and writes
/// exactly that many (`100` → `100.00`): the one rounding of money, rates, shares and scores.
pub(crate) fn round_to(value: Decimal, places: u32, rounding: Rounding) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(places, rounding.strategy());
    rounded.rescale(places);
    rounded
}

/// `part` as a percentage of `whole`, rounded half away from zero to one decimal (0 when empty).
pub(crate) fn share(part: usize, whole: usize) -> Decimal {
    let pct = if whole == 0 {
        Decimal::ZERO
    } else {
        Decimal::from(part as u64) * Decimal::ONE_HUNDRED / Decimal::from(whole as u64)
    };
    round_to(pct, 1, Rounding::HalfAwayFromZero)
}

/// Money in JSON: `{"amount": "12.50", "currency": "USD"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyDoc {
    #[serde(with = "decimal_text")]
    amount: Decimal,
    currency: Currency,
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MoneyDoc { amount: self.amount, currency: self.currency }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let doc = MoneyDoc::deserialize(d)?;
        Ok(Money { amount: doc.amount, currency: doc.currency })
    }
}

impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<&str> = CURRENCIES.iter().map(|(code, _)| *code).collect();
        schemars::json_schema!({"type": "string", "description": "An ISO 4217 currency code.", "enum": codes})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_away_from_zero_to_one_decimal() {
        assert_eq!(share(1, 3).to_string(), "33.3");
        assert_eq!(share(2, 3).to_string(), "66.7");
        assert_eq!(share(1, 2).to_string(), "50.0");
        assert_eq!(share(0, 0).to_string(), "0.0");
    }

    #[test]
    fn currency_table_is_sorted_for_binary_search() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn required_currencies_have_their_minor_units() {
        for (code, dp) in
            [("USD", 2), ("EUR", 2), ("GBP", 2), ("CAD", 2), ("AUD", 2), ("CHF", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)]
        {
            assert_eq!(Currency::from_code(code).map(|c| c.minor_units()), Ok(dp), "{code}");
        }
        assert_eq!(Currency::from_code("usd"), Err(MoneyError::UnknownCurrency { code: "usd".into() }));
    }

    #[test]
    fn rounding_midpoints_follow_the_named_mode() {
        let m = |s: &str| Money::parse(s, Currency::USD).unwrap();
        assert_eq!(m("2.345").round(Rounding::HalfAwayFromZero).amount().to_string(), "2.35");
        assert_eq!(m("2.345").round(Rounding::HalfEven).amount().to_string(), "2.34");
        assert_eq!(m("-2.345").round(Rounding::HalfAwayFromZero).amount().to_string(), "-2.35");
        assert_eq!(m("2.349").round(Rounding::TowardZero).amount().to_string(), "2.34");
        assert_eq!(m("2.341").round(Rounding::Ceiling).amount().to_string(), "2.35");
        let yen = Money::parse("100.5", Currency::JPY).unwrap();
        assert_eq!(yen.round(Rounding::HalfAwayFromZero).amount().to_string(), "101");
    }

    #[test]
    fn amounts_parse_only_plain_decimals() {
        for bad in ["", "-", ".", "1e3", "1,000", " 1", "NaN", "inf", "1.2.3", "0x10"] {
            assert!(matches!(parse_decimal(bad), Err(MoneyError::InvalidAmount { .. })), "{bad:?}");
        }
        assert_eq!(parse_decimal("-0.50").unwrap().to_string(), "-0.50");
        assert_eq!(parse_decimal(".5").unwrap().to_string(), "0.5");
    }

    #[test]
    fn json_refuses_float_amounts() {
        let err = serde_json::from_str::<Money>(r#"{"amount": 12.5, "currency": "USD"}"#).unwrap_err();
        assert!(err.to_string().contains("JSON float"), "{err}");
        let ok: Money = serde_json::from_str(r#"{"amount": "12.50", "currency": "USD"}"#).unwrap();
        assert_eq!(ok.to_string(), "12.50 USD");
        let int: Money = serde_json::from_str(r#"{"amount": 12, "currency": "JPY"}"#).unwrap();
        assert_eq!(int.to_minor_units(), Ok(12));
    }

    #[test]
    fn mixing_currencies_is_an_error() {
        let a = Money::parse("1", Currency::USD).unwrap();
        let b = Money::parse("1", Currency::EUR).unwrap();
        assert_eq!(a.checked_add(&b), Err(MoneyError::CurrencyMismatch { left: Currency::USD, right: Currency::EUR }));
    }
}
