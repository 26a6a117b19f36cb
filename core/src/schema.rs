//! The JSON Schema of the policy document, generated from the Rust types with `schemars`.
//!
//! The repository ships it as `core/policy.schema.json`; a test keeps that file equal to what
//! [`policy_schema`] generates (`AMSCORE_UPDATE_SCHEMA=1 cargo test -p amscore --test schema`
//! rewrites it). Editors that read JSON Schema (VS Code, JetBrains, any `$schema`-aware tool)
//! then complete and check a policy as it is typed.
//!
//! The schema is faithful to what [`Policy::from_json`](crate::Policy::from_json) reads:
//! `deny_unknown_fields` becomes `additionalProperties: false`, days of the year are `MM-DD` strings, amounts are decimal strings (or integers; never floats), currencies are the
//! ISO 4217 codes amscore knows, and `plans` may be left out only when a `preset` is named.
//! A document may name the schema in a `$schema` string, which the engine ignores.
//! What a schema cannot say (ranges between fields, references between plans, rollover days) is
//! still checked by [`Policy::validate`](crate::Policy::validate).

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::money::{Currency, CURRENCIES};
use crate::period::MonthDay;
use crate::policy::{Policy, PRESETS};

/// The `$id` of the schema: where the repository keeps it.
pub const POLICY_SCHEMA_ID: &str = "https://example.invalid/amscore/core/policy.schema.json";

/// The JSON Schema (draft 2020-12) of a policy document.
///
/// ```
/// let schema = amscore::policy_schema();
/// assert_eq!(schema["properties"]["version"]["type"], "integer");
/// assert_eq!(schema["additionalProperties"], false);
/// ```
pub fn policy_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Policy).to_value();
    if let Some(root) = schema.as_object_mut() {
        root.insert("$id".into(), POLICY_SCHEMA_ID.into());
        // `plans` comes from the preset when the document names one (Policy::from_value).
        if let Some(required) = root.get_mut("required").and_then(|r| r.as_array_mut()) {
            required.retain(|r| r != "plans");
        }
        // Policy::from_value drops a `$schema` string, so a document can name its schema.
        if let Some(props) = root.get_mut("properties").and_then(|p| p.as_object_mut()) {
            props.insert(
                "$schema".into(),
                serde_json::json!({"description": "The JSON Schema this document follows (ignored by the engine).", "type": "string"}),
            );
        }
        root.insert("anyOf".into(), serde_json::json!([{"required": ["plans"]}, {"required": ["preset"]}]));
        if let Some(preset) = root.get_mut("properties").and_then(|p| p.get_mut("preset")) {
            let names: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
            *preset = serde_json::json!({
                "description": "The preset this document builds on: the status rules, plans and name it leaves out are the preset's, and its settings are merged field by field over the preset's.",
                "enum": names,
            });
        }
    }
    schema
}

impl JsonSchema for Currency {
    fn schema_name() -> Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = CURRENCIES.iter().map(|(code, _)| *code).collect();
        json_schema!({"type": "string", "description": "An ISO 4217 currency code.", "enum": codes})
    }
}

impl JsonSchema for MonthDay {
    fn schema_name() -> Cow<'static, str> {
        "MonthDay".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A day of the year without a year, \"MM-DD\" (ISO 8601's \"--MM-DD\" too); never 02-29.",
            "pattern": "^(--)?(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        })
    }
}
