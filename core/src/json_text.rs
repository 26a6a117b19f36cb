//! JSON text read strictly, by every entry point that takes JSON text (policies, gateway requests,
//! self-service request lines): one pass that builds the value and refuses a key given twice in
//! one object, which serde_json would otherwise take silently (the last one wins). A leaf: it
//! imports nothing of the crate.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why JSON text could not be read: where (the path of the object holding a duplicated key;
/// empty for text that is not JSON) and what. Each document family turns it into its own syntax
/// error (1201 `policy_syntax`, 1601 `request_syntax`, 3010 `request_invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextProblem {
    /// The path of the object with the duplicated key (`plans[0]`), or empty.
    pub path: String,
    /// What is wrong: ``duplicate field `dues` ``, or serde_json's message with line and column.
    pub message: String,
}

/// Reads JSON text into a value, refusing duplicated keys. Nesting is bounded by serde_json's
/// recursion limit (128 levels), as with `serde_json::from_str`. Every reader of JSON text uses
/// it, the bindings' too.
///
/// ```
/// let err = amscore::read_json(r#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
/// assert_eq!((err.path.as_str(), err.message.as_str()), ("a", "duplicate field `b`"));
/// assert_eq!(amscore::read_json("[1]").map(|v| v[0] == 1), Ok(true));
/// ```
///
/// # Errors
/// [`TextProblem`]: text that is not JSON, or a key given twice in one object.
pub fn read_json(text: &str) -> Result<Value, TextProblem> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let read = Strict { path: String::new(), duplicate: &duplicate }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    read.map_err(|err| match duplicate.into_inner() {
        Some((path, key)) => TextProblem { path, message: format!("duplicate field `{key}`") },
        None => TextProblem { path: String::new(), message: err.to_string() },
    })
}

/// Builds a value at `path`, recording the first duplicated key it meets in `duplicate`.
struct Strict<'a> {
    path: String,
    duplicate: &'a RefCell<Option<(String, String)>>,
}

impl Strict<'_> {
    fn child(&self, path: String) -> Strict<'_> {
        Strict { path, duplicate: self.duplicate }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(format!("{}[{}]", self.path, items.len())))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let message = format!("duplicate field `{key}`");
                *self.duplicate.borrow_mut() = Some((self.path.clone(), key));
                return Err(de::Error::custom(message));
            }
            let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
            let value = map.next_value_seed(self.child(path))?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_values_as_serde_json_without_duplicates() {
        let text = r#"{"a": [1, -2, 3.5, 1e300, "x", null, true, {"b": {}}], "c": 18446744073709551615}"#;
        assert_eq!(read_json(text).ok(), serde_json::from_str::<Value>(text).ok());
        assert_eq!(read_json(" 7 "), Ok(json!(7)));
    }

    #[test]
    fn a_duplicated_key_is_refused_with_the_path_of_its_object() {
        let problem =
            |path: &str, key: &str| TextProblem { path: path.into(), message: format!("duplicate field `{key}`") };
        assert_eq!(read_json(r#"{"a": 1, "a": 2}"#), Err(problem("", "a")));
        assert_eq!(
            read_json(r#"{"plans": [{"dues": 1}, {"id": "x", "dues": 1, "dues": 2}]}"#),
            Err(problem("plans[1]", "dues"))
        );
        assert_eq!(read_json(r#"[[{"x": {"y": 1, "y": 1}}]]"#), Err(problem("[0][0].x", "y")));
        // The same key in two objects is no duplicate.
        assert!(read_json(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    }

    #[test]
    fn text_that_is_not_json_keeps_serde_jsons_message() {
        let err = read_json("{\"version\": 1,").unwrap_err();
        assert_eq!(
            err,
            TextProblem { path: String::new(), message: "EOF while parsing a value at line 1 column 14".into() }
        );
        assert_eq!(read_json("{} x").unwrap_err().message, "trailing characters at line 1 column 4");
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(read_json(&deep).unwrap_err().message.starts_with("recursion limit exceeded"));
    }
}
