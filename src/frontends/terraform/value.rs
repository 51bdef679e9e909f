//! Terraform's values as yunlint evaluates them, unknown included: a value Terraform knows only
//! during or after apply (a data source's result, an attribute the provider computes, an impure
//! function) is [`Value::Unknown`] with the reason, and stays unknown through everything built from
//! it.

use std::collections::BTreeMap;
use std::fmt;

/// Why a value is unknown, or why an evaluation failed.
pub type Reason = String;

/// A Terraform value. Objects and maps are one kind, ordered by key as Terraform orders them;
/// lists, tuples and sets are one kind too (sets are built sorted and without duplicates).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// Known only after apply (or not knowable statically): why.
    Unknown(Reason),
}

/// Terraform prints whole numbers without a fraction and others in their shortest form.
pub fn number_string(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl Value {
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1.8e19 => Some(*n as u64),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// The reason of the first unknown value inside this one, if any.
    pub fn unknown_inside(&self) -> Option<&Reason> {
        match self {
            Value::Unknown(r) => Some(r),
            Value::Array(items) => items.iter().find_map(Value::unknown_inside),
            Value::Object(map) => map.values().find_map(Value::unknown_inside),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
        }
    }

    /// Terraform's conversion to string: strings, numbers and booleans have one.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(number_string(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Unknown(_) => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
                serde_json::Value::from(*n as i64)
            }
            Value::Number(n) => serde_json::Number::from_f64(*n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Object(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
        }
    }

    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unknown(_) => f.write_str("(known after apply)"),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

/// String bytes plus elements of a value, counted up to `limit` (then it stops).
pub fn weight(value: &Value, limit: usize) -> usize {
    fn go(value: &Value, acc: usize, limit: usize) -> usize {
        if acc > limit {
            return acc;
        }
        match value {
            Value::String(s) => acc + s.len(),
            Value::Array(items) => items.iter().fold(acc + items.len(), |a, v| go(v, a, limit)),
            Value::Object(map) => map
                .iter()
                .fold(acc + map.len(), |a, (k, v)| go(v, a + k.len(), limit)),
            _ => acc + 1,
        }
    }
    go(value, 0, limit)
}

/// Terraform's equality: `None` when an unknown value decides it.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = Some(true);
            for (l, r) in x.iter().zip(y) {
                match equal(l, r) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut all = Some(true);
            for (l, r) in x.values().zip(y.values()) {
                match equal(l, r) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (x, y) => Some(x == y),
    }
}
