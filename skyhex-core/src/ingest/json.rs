//! Lenient JSON field readers: a field of an unexpected type reads as absent instead of
//! failing the whole file.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string field; `None` when absent or of another type.
pub fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(text(&Value::deserialize(deserializer)?))
}

/// A small unsigned integer field; `None` when absent, of another type or out of range.
pub fn lenient_u16<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u16>, D::Error> {
    Ok(Value::deserialize(deserializer)?.as_u64().and_then(|value| u16::try_from(value).ok()))
}

/// The trimmed text of a string value, `None` for anything else or blank text.
pub fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::trim).filter(|text| !text.is_empty()).map(str::to_owned)
}
