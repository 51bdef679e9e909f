//! Terraform's built-in functions, as `terraform plan` evaluates them. Impure functions and those
//! that read files are unknown, with the reason. An unknown argument makes the result unknown,
//! except where Terraform knows more (the length of a list with an unknown element, `coalesce`
//! with a known value before the unknown one, the keys of an object with unknown values).

use std::collections::BTreeMap;

use super::eval::{MAX_VALUE_WEIGHT, to_bool, to_number, too_large};
use super::value::{Value, equal, number_string};

type Out = Result<Value, String>;

/// Element comparisons a set function may make.
const MAX_COMPARISONS: usize = 10_000_000;

/// Functions Terraform cannot know before apply, or that read the disk or the clock.
const UNKNOWN: [&str; 14] = [
    "timestamp",
    "plantimestamp",
    "uuid",
    "bcrypt",
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "templatefile",
    "filebase64sha256",
];

/// Functions that take unknown arguments themselves rather than being unknown at once.
const SEES_UNKNOWN: [&str; 12] = [
    "length", "concat", "keys", "lookup", "element", "coalesce", "tolist", "slice", "reverse",
    "one", "merge", "values",
];

pub fn call(name: &str, args: Vec<Value>) -> Out {
    if UNKNOWN.contains(&name) || name.starts_with("file") {
        return Ok(Value::Unknown(format!(
            "`{name}()` reads the disk or the clock, which yunlint does not evaluate"
        )));
    }
    if SEES_UNKNOWN.contains(&name) {
        if name != "coalesce"
            && let Some(u) = args.iter().find(|a| a.is_unknown())
        {
            return Ok(u.clone());
        }
    } else if let Some(reason) = args.iter().find_map(Value::unknown_inside) {
        return Ok(Value::Unknown(reason.clone()));
    }
    // The set functions compare every element with every other: refuse what would take long.
    if matches!(
        name,
        "distinct" | "toset" | "setunion" | "setintersection" | "setsubtract" | "matchkeys"
    ) {
        let total: usize = args
            .iter()
            .map(|a| match a {
                Value::Array(items) => items.len(),
                _ => 1,
            })
            .sum();
        if total.saturating_mul(total) > MAX_COMPARISONS {
            return Ok(Value::Unknown(format!(
                "`{name}()` of {total} elements is too costly to evaluate statically"
            )));
        }
    }
    let a = Args { name, args };
    a.run()
}

struct Args<'n> {
    name: &'n str,
    args: Vec<Value>,
}

fn s(v: String) -> Out {
    if v.len() > MAX_VALUE_WEIGHT {
        return Ok(too_large());
    }
    Ok(Value::String(v))
}

fn n(v: f64) -> Out {
    Ok(Value::Number(v))
}

fn list(v: Vec<Value>) -> Out {
    Ok(Value::Array(v))
}

/// A set: sorted, without duplicates (as Terraform's sets of strings are ordered).
fn set(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.iter().any(|o| equal(o, &item) == Some(true)) {
            out.push(item);
        }
    }
    if out.iter().all(|v| matches!(v, Value::String(_))) {
        out.sort_by_key(Value::to_text);
    }
    out
}

impl Args<'_> {
    fn count(&self, min: usize, max: usize) -> Result<(), String> {
        let n = self.args.len();
        if n < min || n > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(format!("`{}` takes {want} arguments, not {n}", self.name));
        }
        Ok(())
    }

    fn get(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&Value::Null)
    }

    fn str(&self, i: usize) -> Result<String, String> {
        match self.get(i) {
            Value::Null => Err(format!("argument {} of `{}` is null", i + 1, self.name)),
            v => v.to_text().ok_or_else(|| {
                format!(
                    "argument {} of `{}` must be a string, not a {}",
                    i + 1,
                    self.name,
                    v.type_name()
                )
            }),
        }
    }

    fn num(&self, i: usize) -> Result<f64, String> {
        to_number(self.get(i)).map_err(|e| format!("`{}`: {e}", self.name))
    }

    fn int(&self, i: usize) -> Result<i64, String> {
        let v = self.num(i)?;
        if v.fract() != 0.0 {
            return Err(format!("`{}` needs a whole number, not {v}", self.name));
        }
        Ok(v as i64)
    }

    fn list(&self, i: usize) -> Result<Vec<Value>, String> {
        match self.get(i) {
            Value::Array(items) => Ok(items.clone()),
            v => Err(format!(
                "argument {} of `{}` must be a list, not a {}",
                i + 1,
                self.name,
                v.type_name()
            )),
        }
    }

    fn map(&self, i: usize) -> Result<BTreeMap<String, Value>, String> {
        match self.get(i) {
            Value::Object(map) => Ok(map.clone()),
            v => Err(format!(
                "argument {} of `{}` must be a map, not a {}",
                i + 1,
                self.name,
                v.type_name()
            )),
        }
    }

    fn strings(&self, i: usize) -> Result<Vec<String>, String> {
        self.list(i)?
            .iter()
            .map(|v| {
                v.to_text()
                    .ok_or_else(|| format!("`{}` needs a list of strings", self.name))
            })
            .collect()
    }

    fn run(self) -> Out {
        let a = &self;
        match self.name {
            // Numeric
            "abs" => {
                a.count(1, 1)?;
                n(a.num(0)?.abs())
            }
            "ceil" => {
                a.count(1, 1)?;
                n(a.num(0)?.ceil())
            }
            "floor" => {
                a.count(1, 1)?;
                n(a.num(0)?.floor())
            }
            "signum" => {
                a.count(1, 1)?;
                let v = a.num(0)?;
                n(if v == 0.0 { 0.0 } else { v.signum() })
            }
            "log" => {
                a.count(2, 2)?;
                n(a.num(0)?.ln() / a.num(1)?.ln())
            }
            "pow" => {
                a.count(2, 2)?;
                n(a.num(0)?.powf(a.num(1)?))
            }
            "max" | "min" => {
                a.count(1, usize::MAX)?;
                let mut nums = Vec::new();
                for i in 0..a.args.len() {
                    nums.push(a.num(i)?);
                }
                let pick = if a.name == "max" { f64::max } else { f64::min };
                n(nums.into_iter().reduce(pick).unwrap_or(0.0))
            }
            "parseint" => {
                a.count(2, 2)?;
                let text = a.str(0)?;
                let base = a.int(1)?;
                if !(2..=62).contains(&base) {
                    return Err("`parseint` base must be between 2 and 62".into());
                }
                if base > 36 {
                    return Ok(Value::Unknown(
                        "`parseint` with a base above 36 is not evaluated by yunlint".into(),
                    ));
                }
                let (neg, digits) = match text.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, text.strip_prefix('+').unwrap_or(&text)),
                };
                let parsed = i64::from_str_radix(digits, base as u32)
                    .map_err(|_| format!("cannot parse `{text}` as a base {base} integer"))?;
                n(if neg { -parsed } else { parsed } as f64)
            }
            "sum" => {
                a.count(1, 1)?;
                let mut total = 0.0;
                for v in a.list(0)? {
                    total += to_number(&v)?;
                }
                n(total)
            }
            // Strings
            "chomp" => {
                a.count(1, 1)?;
                let t = a.str(0)?;
                s(t.trim_end_matches(['\n', '\r']).to_owned())
            }
            "endswith" => {
                a.count(2, 2)?;
                Ok(Value::Bool(a.str(0)?.ends_with(&a.str(1)?)))
            }
            "startswith" => {
                a.count(2, 2)?;
                Ok(Value::Bool(a.str(0)?.starts_with(&a.str(1)?)))
            }
            "strcontains" => {
                a.count(2, 2)?;
                Ok(Value::Bool(a.str(0)?.contains(&a.str(1)?)))
            }
            "format" => {
                a.count(1, usize::MAX)?;
                s(format(&a.str(0)?, &a.args[1..])?)
            }
            "formatlist" => {
                a.count(1, usize::MAX)?;
                let spec = a.str(0)?;
                let rest = &a.args[1..];
                let len = rest.iter().find_map(|v| match v {
                    Value::Array(items) => Some(items.len()),
                    _ => None,
                });
                let Some(len) = len else {
                    return list(vec![Value::String(format(&spec, rest)?)]);
                };
                let mut out = Vec::new();
                let mut size = 0;
                for i in 0..len {
                    let row: Vec<Value> = rest
                        .iter()
                        .map(|v| match v {
                            Value::Array(items) => items.get(i).cloned().ok_or_else(|| {
                                "`formatlist` lists must have the same length".to_owned()
                            }),
                            other => Ok(other.clone()),
                        })
                        .collect::<Result<_, _>>()?;
                    let line = format(&spec, &row)?;
                    size += line.len() + 1;
                    if size > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                    out.push(Value::String(line));
                }
                list(out)
            }
            "indent" => {
                a.count(2, 2)?;
                let pad = " ".repeat(a.int(0)?.clamp(0, 1024) as usize);
                let text = a.str(1)?;
                let mut out = String::new();
                for (i, line) in text.split('\n').enumerate() {
                    if i > 0 {
                        out.push('\n');
                        if !line.is_empty() {
                            out.push_str(&pad);
                        }
                    }
                    out.push_str(line);
                    if out.len() > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                }
                s(out)
            }
            "join" => {
                a.count(2, usize::MAX)?;
                let sep = a.str(0)?;
                let mut parts = Vec::new();
                for i in 1..a.args.len() {
                    parts.extend(a.strings(i)?);
                }
                let total: usize =
                    parts.iter().map(String::len).sum::<usize>() + sep.len() * parts.len();
                if total > MAX_VALUE_WEIGHT {
                    return Ok(too_large());
                }
                s(parts.join(&sep))
            }
            "lower" => {
                a.count(1, 1)?;
                s(a.str(0)?.to_lowercase())
            }
            "upper" => {
                a.count(1, 1)?;
                s(a.str(0)?.to_uppercase())
            }
            "title" => {
                a.count(1, 1)?;
                let mut out = String::new();
                let mut start = true;
                for c in a.str(0)?.chars() {
                    if start && c.is_alphabetic() {
                        out.extend(c.to_uppercase());
                    } else {
                        out.push(c);
                    }
                    start = !c.is_alphanumeric();
                }
                s(out)
            }
            "regex" | "regexall" => {
                a.count(2, 2)?;
                let re = regex(&a.str(0)?)?;
                let text = a.str(1)?;
                let one = |caps: regex::Captures<'_>| -> Value {
                    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
                    if names.is_empty() {
                        return Value::String(caps[0].to_owned());
                    }
                    if names.iter().all(Option::is_some) {
                        return Value::Object(
                            names
                                .iter()
                                .flatten()
                                .map(|n| {
                                    (
                                        (*n).to_owned(),
                                        caps.name(n).map_or(Value::Null, |m| {
                                            Value::String(m.as_str().to_owned())
                                        }),
                                    )
                                })
                                .collect(),
                        );
                    }
                    Value::Array(
                        (1..caps.len())
                            .map(|i| {
                                caps.get(i)
                                    .map_or(Value::Null, |m| Value::String(m.as_str().to_owned()))
                            })
                            .collect(),
                    )
                };
                if a.name == "regex" {
                    let caps = re
                        .captures(&text)
                        .ok_or("the pattern did not match any part of the string")?;
                    Ok(one(caps))
                } else {
                    list(re.captures_iter(&text).map(one).collect())
                }
            }
            "replace" => {
                a.count(3, 3)?;
                let (text, pat, with) = (a.str(0)?, a.str(1)?, a.str(2)?);
                if pat.len() > 2 && pat.starts_with('/') && pat.ends_with('/') {
                    let re = regex(&pat[1..pat.len() - 1])?;
                    let matches = re.find_iter(&text).count();
                    if text.len() + matches.saturating_mul(with.len()) > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                    return s(re.replace_all(&text, with.as_str()).into_owned());
                }
                if pat.is_empty() {
                    let grows = (text.chars().count() + 1).saturating_mul(with.len());
                    if text.len().saturating_add(grows) > MAX_VALUE_WEIGHT {
                        return Ok(too_large());
                    }
                    return s(text.replace(&pat, &with));
                }
                let matches = text.matches(pat.as_str()).count();
                if text
                    .len()
                    .saturating_add(matches.saturating_mul(with.len()))
                    > MAX_VALUE_WEIGHT
                {
                    return Ok(too_large());
                }
                s(text.replace(&pat, &with))
            }
            "split" => {
                a.count(2, 2)?;
                let (sep, text) = (a.str(0)?, a.str(1)?);
                if text.is_empty() {
                    return list(vec![Value::String(String::new())]);
                }
                if sep.is_empty() {
                    return list(text.chars().map(|c| Value::String(c.to_string())).collect());
                }
                list(
                    text.split(sep.as_str())
                        .map(|p| Value::String(p.to_owned()))
                        .collect(),
                )
            }
            "strrev" => {
                a.count(1, 1)?;
                s(a.str(0)?.chars().rev().collect())
            }
            "substr" => {
                a.count(3, 3)?;
                let chars: Vec<char> = a.str(0)?.chars().collect();
                let len = chars.len() as i64;
                let mut offset = a.int(1)?;
                let mut length = a.int(2)?;
                if offset < 0 {
                    offset += len;
                }
                if offset < 0 || offset > len {
                    return Err("`substr` offset is out of range".into());
                }
                if length < 0 || offset.saturating_add(length) > len {
                    length = len - offset;
                }
                s(chars[offset as usize..(offset + length) as usize]
                    .iter()
                    .collect())
            }
            "trim" => {
                a.count(2, 2)?;
                let cut: Vec<char> = a.str(1)?.chars().collect();
                s(a.str(0)?.trim_matches(|c| cut.contains(&c)).to_owned())
            }
            "trimprefix" => {
                a.count(2, 2)?;
                let (t, p) = (a.str(0)?, a.str(1)?);
                s(t.strip_prefix(p.as_str()).unwrap_or(&t).to_owned())
            }
            "trimsuffix" => {
                a.count(2, 2)?;
                let (t, p) = (a.str(0)?, a.str(1)?);
                s(t.strip_suffix(p.as_str()).unwrap_or(&t).to_owned())
            }
            "trimspace" => {
                a.count(1, 1)?;
                s(a.str(0)?.trim().to_owned())
            }
            // Collections
            "alltrue" | "anytrue" => {
                a.count(1, 1)?;
                let all = a.name == "alltrue";
                let mut result = all;
                for v in a.list(0)? {
                    if to_bool(&v)? != all {
                        result = !all;
                    }
                }
                Ok(Value::Bool(result))
            }
            "chunklist" => {
                a.count(2, 2)?;
                let items = a.list(0)?;
                let size = a.int(1)?;
                if size < 0 {
                    return Err("`chunklist` size must not be negative".into());
                }
                if size == 0 {
                    return list(vec![Value::Array(items)]);
                }
                list(
                    items
                        .chunks(size as usize)
                        .map(|c| Value::Array(c.to_vec()))
                        .collect(),
                )
            }
            "coalesce" => {
                a.count(1, usize::MAX)?;
                for v in &a.args {
                    match v {
                        Value::Unknown(_) => return Ok(v.clone()),
                        Value::Null => {}
                        Value::String(t) if t.is_empty() => {}
                        other => return Ok(other.clone()),
                    }
                }
                Err("no non-null, non-empty argument to `coalesce`".into())
            }
            "coalescelist" => {
                a.count(1, usize::MAX)?;
                for i in 0..a.args.len() {
                    let items = a.list(i)?;
                    if !items.is_empty() {
                        return list(items);
                    }
                }
                Err("no non-empty list argument to `coalescelist`".into())
            }
            "compact" => {
                a.count(1, 1)?;
                list(
                    a.list(0)?
                        .into_iter()
                        .filter(|v| !matches!(v, Value::Null) && v.to_text().as_deref() != Some(""))
                        .collect(),
                )
            }
            "concat" => {
                let mut out = Vec::new();
                for i in 0..a.args.len() {
                    out.extend(a.list(i)?);
                }
                list(out)
            }
            "contains" => {
                a.count(2, 2)?;
                let needle = a.get(1);
                Ok(Value::Bool(
                    a.list(0)?.iter().any(|v| equal(v, needle) == Some(true)),
                ))
            }
            "distinct" => {
                a.count(1, 1)?;
                let mut out: Vec<Value> = Vec::new();
                for v in a.list(0)? {
                    if !out.iter().any(|o| equal(o, &v) == Some(true)) {
                        out.push(v);
                    }
                }
                list(out)
            }
            "element" => {
                a.count(2, 2)?;
                let items = a.list(0)?;
                if items.is_empty() {
                    return Err("`element` of an empty list".into());
                }
                let i = a.int(1)?;
                if i < 0 {
                    return Err("`element` index must not be negative".into());
                }
                Ok(items[i as usize % items.len()].clone())
            }
            "flatten" => {
                a.count(1, 1)?;
                fn flat(items: Vec<Value>, out: &mut Vec<Value>) -> Result<(), Value> {
                    for v in items {
                        match v {
                            Value::Array(inner) => flat(inner, out)?,
                            Value::Unknown(r) => return Err(Value::Unknown(r)),
                            other => out.push(other),
                        }
                    }
                    Ok(())
                }
                let mut out = Vec::new();
                match flat(a.list(0)?, &mut out) {
                    Ok(()) => list(out),
                    Err(u) => Ok(u),
                }
            }
            "index" => {
                a.count(2, 2)?;
                let needle = a.get(1);
                a.list(0)?
                    .iter()
                    .position(|v| equal(v, needle) == Some(true))
                    .map(|i| Value::Number(i as f64))
                    .ok_or_else(|| "`index`: the item is not in the list".to_owned())
            }
            "keys" => {
                a.count(1, 1)?;
                list(a.map(0)?.into_keys().map(Value::String).collect())
            }
            "values" => {
                a.count(1, 1)?;
                list(a.map(0)?.into_values().collect())
            }
            "length" => {
                a.count(1, 1)?;
                n(match a.get(0) {
                    Value::Array(items) => items.len(),
                    Value::Object(map) => map.len(),
                    Value::String(t) => t.chars().count(),
                    other => {
                        return Err(format!("`length` of a {}", other.type_name()));
                    }
                } as f64)
            }
            "lookup" => {
                a.count(2, 3)?;
                let key = a.str(1)?;
                match (a.map(0)?.remove(&key), a.args.get(2)) {
                    (Some(v), _) => Ok(v),
                    (None, Some(default)) => Ok(default.clone()),
                    (None, None) => Err(format!("the map has no key `{key}`")),
                }
            }
            "matchkeys" => {
                a.count(3, 3)?;
                let (vals, keys, search) = (a.list(0)?, a.list(1)?, a.list(2)?);
                if vals.len() != keys.len() {
                    return Err("`matchkeys` lists must have the same length".into());
                }
                list(
                    vals.into_iter()
                        .zip(keys)
                        .filter(|(_, k)| search.iter().any(|s| equal(s, k) == Some(true)))
                        .map(|(v, _)| v)
                        .collect(),
                )
            }
            "merge" => {
                let mut out = BTreeMap::new();
                for v in &a.args {
                    match v {
                        Value::Object(map) => out.extend(map.clone()),
                        Value::Null => {}
                        other => {
                            return Err(format!("`merge` needs maps, not a {}", other.type_name()));
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            "one" => {
                a.count(1, 1)?;
                let items = a.list(0)?;
                match items.len() {
                    0 => Ok(Value::Null),
                    1 => Ok(items.into_iter().next().unwrap_or(Value::Null)),
                    _ => Err("`one` of a list with more than one element".into()),
                }
            }
            "range" => {
                a.count(1, 3)?;
                let (start, end, step) = match a.args.len() {
                    1 => (0.0, a.num(0)?, 1.0),
                    2 => {
                        let (start, end) = (a.num(0)?, a.num(1)?);
                        (start, end, if start > end { -1.0 } else { 1.0 })
                    }
                    _ => (a.num(0)?, a.num(1)?, a.num(2)?),
                };
                if step == 0.0 {
                    return Err("`range` step must not be zero".into());
                }
                let count = ((end - start) / step).ceil();
                if count > 1024.0 * 1024.0 {
                    return Err("`range` would make more than 1048576 numbers".into());
                }
                let count = count.max(0.0) as usize;
                list(
                    (0..count)
                        .map(|i| Value::Number(start + step * i as f64))
                        .collect(),
                )
            }
            "reverse" => {
                a.count(1, 1)?;
                let mut items = a.list(0)?;
                items.reverse();
                list(items)
            }
            "setintersection" => {
                a.count(1, usize::MAX)?;
                let mut acc = set(a.list(0)?);
                for i in 1..a.args.len() {
                    let other = a.list(i)?;
                    acc.retain(|v| other.iter().any(|o| equal(o, v) == Some(true)));
                }
                list(acc)
            }
            "setsubtract" => {
                a.count(2, 2)?;
                let other = a.list(1)?;
                let mut acc = set(a.list(0)?);
                acc.retain(|v| !other.iter().any(|o| equal(o, v) == Some(true)));
                list(acc)
            }
            "setunion" => {
                a.count(1, usize::MAX)?;
                let mut all = Vec::new();
                for i in 0..a.args.len() {
                    all.extend(a.list(i)?);
                }
                list(set(all))
            }
            "setproduct" => {
                a.count(1, usize::MAX)?;
                let lists: Vec<Vec<Value>> = (0..a.args.len())
                    .map(|i| a.list(i))
                    .collect::<Result<_, _>>()?;
                let total = lists
                    .iter()
                    .try_fold(1usize, |acc, l| acc.checked_mul(l.len()))
                    .unwrap_or(usize::MAX);
                if total.saturating_mul(lists.len()) > MAX_VALUE_WEIGHT {
                    return Ok(too_large());
                }
                let mut out: Vec<Vec<Value>> = vec![Vec::new()];
                for l in &lists {
                    out = out
                        .into_iter()
                        .flat_map(|prefix| {
                            l.iter().map(move |v| {
                                let mut p = prefix.clone();
                                p.push(v.clone());
                                p
                            })
                        })
                        .collect();
                }
                list(out.into_iter().map(Value::Array).collect())
            }
            "slice" => {
                a.count(3, 3)?;
                let items = a.list(0)?;
                let (from, to) = (a.int(1)?, a.int(2)?);
                if from < 0 || to < from || to as usize > items.len() {
                    return Err("`slice` indexes are out of range".into());
                }
                list(items[from as usize..to as usize].to_vec())
            }
            "sort" => {
                a.count(1, 1)?;
                let mut items = a.strings(0)?;
                items.sort();
                list(items.into_iter().map(Value::String).collect())
            }
            "transpose" => {
                a.count(1, 1)?;
                let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                for (k, v) in a.map(0)? {
                    let Value::Array(items) = v else {
                        return Err("`transpose` needs a map of lists of strings".into());
                    };
                    for item in items {
                        let key = item.to_text().ok_or("`transpose` needs strings")?;
                        out.entry(key).or_default().push(Value::String(k.clone()));
                    }
                }
                Ok(Value::Object(
                    out.into_iter().map(|(k, v)| (k, Value::Array(v))).collect(),
                ))
            }
            "zipmap" => {
                a.count(2, 2)?;
                let (keys, vals) = (a.strings(0)?, a.list(1)?);
                if keys.len() != vals.len() {
                    return Err("`zipmap` lists must have the same length".into());
                }
                Ok(Value::Object(keys.into_iter().zip(vals).collect()))
            }
            // Type conversion
            "tostring" => {
                a.count(1, 1)?;
                match a.get(0) {
                    Value::Null => Ok(Value::Null),
                    v => v
                        .to_text()
                        .map(Value::String)
                        .ok_or_else(|| format!("cannot convert a {} to a string", v.type_name())),
                }
            }
            "tonumber" => {
                a.count(1, 1)?;
                match a.get(0) {
                    Value::Null => Ok(Value::Null),
                    v => to_number(v).map(Value::Number),
                }
            }
            "tobool" => {
                a.count(1, 1)?;
                match a.get(0) {
                    Value::Null => Ok(Value::Null),
                    v => to_bool(v).map(Value::Bool),
                }
            }
            "tolist" => {
                a.count(1, 1)?;
                a.list(0).map(Value::Array)
            }
            "toset" => {
                a.count(1, 1)?;
                a.list(0).map(|l| Value::Array(set(l)))
            }
            "tomap" => {
                a.count(1, 1)?;
                a.map(0).map(Value::Object)
            }
            "sensitive" | "nonsensitive" => {
                a.count(1, 1)?;
                Ok(a.get(0).clone())
            }
            // Encoding
            "jsonencode" => {
                a.count(1, 1)?;
                s(a.get(0).to_json().to_string())
            }
            "yamlencode" => {
                a.count(1, 1)?;
                let mut out = String::new();
                yaml_block(a.get(0), 0, &mut out);
                s(out)
            }
            "jsondecode" => {
                a.count(1, 1)?;
                let json: serde_json::Value =
                    serde_json::from_str(&a.str(0)?).map_err(|e| format!("`jsondecode`: {e}"))?;
                Ok(Value::from_json(&json))
            }
            "base64encode" => {
                a.count(1, 1)?;
                s(base64_encode(a.str(0)?.as_bytes()))
            }
            "base64decode" => {
                a.count(1, 1)?;
                let bytes = base64_decode(&a.str(0)?)?;
                String::from_utf8(bytes)
                    .map_err(|_| "`base64decode`: the result is not UTF-8".to_owned())
                    .and_then(s)
            }
            "formatdate" => {
                a.count(2, 2)?;
                s(format_date(&a.str(0)?, &Time::parse(&a.str(1)?)?)?)
            }
            "timeadd" => {
                a.count(2, 2)?;
                let time = Time::parse(&a.str(0)?)?;
                let nanos = i128::from(time.secs) * 1_000_000_000
                    + i128::from(time.nanos)
                    + parse_duration(&a.str(1)?)?;
                let moved = Time {
                    secs: nanos.div_euclid(1_000_000_000) as i64,
                    nanos: nanos.rem_euclid(1_000_000_000) as u32,
                    offset: time.offset,
                };
                s(moved.rfc3339())
            }
            "timecmp" => {
                a.count(2, 2)?;
                let (x, y) = (Time::parse(&a.str(0)?)?, Time::parse(&a.str(1)?)?);
                n(match (x.secs, x.nanos).cmp(&(y.secs, y.nanos)) {
                    std::cmp::Ordering::Less => -1.0,
                    std::cmp::Ordering::Equal => 0.0,
                    std::cmp::Ordering::Greater => 1.0,
                })
            }
            "issensitive" => {
                a.count(1, 1)?;
                Ok(Value::Bool(false))
            }
            "ephemeralasnull" => {
                a.count(1, 1)?;
                Ok(a.get(0).clone())
            }
            "md5" | "sha1" | "sha256" | "sha512" => {
                a.count(1, 1)?;
                s(hex(&digest(a.name, a.str(0)?.as_bytes())))
            }
            "base64sha256" | "base64sha512" => {
                a.count(1, 1)?;
                let algorithm = &a.name["base64".len()..];
                s(base64_encode(&digest(algorithm, a.str(0)?.as_bytes())))
            }
            "uuidv5" => {
                a.count(2, 2)?;
                let namespace: [u8; 16] = match a.str(0)?.as_str() {
                    "dns" => 0x6ba7b8109dad11d180b400c04fd430c8_u128.to_be_bytes(),
                    "url" => 0x6ba7b8119dad11d180b400c04fd430c8_u128.to_be_bytes(),
                    "oid" => 0x6ba7b8129dad11d180b400c04fd430c8_u128.to_be_bytes(),
                    "x500" => 0x6ba7b8149dad11d180b400c04fd430c8_u128.to_be_bytes(),
                    other => {
                        let hex: String = other.chars().filter(|c| *c != '-').collect();
                        u128::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 32)
                            .ok_or_else(|| format!("`uuidv5`: `{other}` is not a namespace"))?
                            .to_be_bytes()
                    }
                };
                let mut input = namespace.to_vec();
                input.extend_from_slice(a.str(1)?.as_bytes());
                let mut bytes = digest("sha1", &input);
                bytes.truncate(16);
                bytes[6] = (bytes[6] & 0x0f) | 0x50;
                bytes[8] = (bytes[8] & 0x3f) | 0x80;
                let h = hex(&bytes);
                s(format!(
                    "{}-{}-{}-{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                ))
            }
            "csvdecode" => {
                a.count(1, 1)?;
                let text = a.str(0)?;
                let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
                let headers = reader
                    .headers()
                    .map_err(|e| format!("`csvdecode`: {e}"))?
                    .clone();
                let mut rows = Vec::new();
                for record in reader.records() {
                    let record = record.map_err(|e| format!("`csvdecode`: {e}"))?;
                    rows.push(Value::Object(
                        headers
                            .iter()
                            .zip(record.iter())
                            .map(|(h, v)| (h.to_owned(), Value::String(v.to_owned())))
                            .collect(),
                    ));
                }
                list(rows)
            }
            "basename" => {
                a.count(1, 1)?;
                let path = a.str(0)?;
                let trimmed = path.trim_end_matches('/');
                s(trimmed.rsplit('/').next().unwrap_or("").to_owned())
            }
            "dirname" => {
                a.count(1, 1)?;
                let path = a.str(0)?;
                s(match path.rsplit_once('/') {
                    Some(("", _)) => "/".to_owned(),
                    Some((dir, _)) => dir.to_owned(),
                    None => ".".to_owned(),
                })
            }
            "urlencode" => {
                a.count(1, 1)?;
                let mut out = String::new();
                for b in a.str(0)?.bytes() {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        out.push(b as char);
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
                s(out)
            }
            // IP networks
            "cidrhost" => {
                a.count(2, 2)?;
                let net = Cidr::parse(&a.str(0)?)?;
                let host = a.int(1)?;
                s(net.host(host)?)
            }
            "cidrnetmask" => {
                a.count(1, 1)?;
                let net = Cidr::parse(&a.str(0)?)?;
                if net.bits != 32 {
                    return Err("`cidrnetmask` needs an IPv4 prefix".into());
                }
                let mask = if net.len == 0 {
                    0
                } else {
                    u32::MAX << (32 - net.len)
                };
                s(std::net::Ipv4Addr::from(mask).to_string())
            }
            "cidrsubnet" => {
                a.count(3, 3)?;
                let net = Cidr::parse(&a.str(0)?)?;
                s(net.subnet(a.int(1)?, a.int(2)?)?.to_string())
            }
            "cidrsubnets" => {
                a.count(1, usize::MAX)?;
                let net = Cidr::parse(&a.str(0)?)?;
                let mut out = Vec::new();
                let mut next: u128 = net.addr;
                for i in 1..a.args.len() {
                    let newbits = a.int(i)?;
                    let len = (net.len as i64).saturating_add(newbits);
                    if newbits < 0 || len > net.bits as i64 {
                        return Err("`cidrsubnets`: not enough bits".into());
                    }
                    let Some(size) = 1u128.checked_shl((net.bits as i64 - len) as u32) else {
                        return Ok(Value::Unknown(
                            "`cidrsubnets` of a whole address space is not evaluated".into(),
                        ));
                    };
                    let start = next.div_ceil(size).saturating_mul(size);
                    let sub = Cidr {
                        addr: start,
                        len: len as u32,
                        bits: net.bits,
                    };
                    if !net.contains(&sub) {
                        return Err("`cidrsubnets`: not enough room in the prefix".into());
                    }
                    next = start.saturating_add(size);
                    out.push(Value::String(sub.to_string()));
                }
                list(out)
            }
            "can" | "try" => Err(format!("`{}` is evaluated lazily", a.name)),
            other => Ok(Value::Unknown(format!(
                "function `{other}` is not evaluated by yunlint"
            ))),
        }
    }
}

/// A YAML scalar as Terraform's `yamlencode` writes it: strings double-quoted.
fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::String(text) => serde_json::Value::String(text.clone()).to_string(),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
        Value::Null | Value::Unknown(_) => "null".into(),
        other => other.to_text().unwrap_or_default(),
    }
}

/// A value in YAML's block style at `indent`, as `yamlencode` writes it: mappings indent their
/// nested mappings, sequences in a mapping are not indented, one item per line.
fn yaml_block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 || !out.ends_with("- ") {
                    out.push_str(&pad);
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        out.push('\n');
                        yaml_block(item, indent + 2, out);
                    }
                    Value::Array(l) if !l.is_empty() => {
                        out.push('\n');
                        yaml_block(item, indent, out);
                    }
                    scalar => {
                        out.push(' ');
                        out.push_str(&yaml_scalar(scalar));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !out.ends_with("- ") {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                match item {
                    Value::Object(m) if !m.is_empty() => yaml_block(item, indent + 2, out),
                    Value::Array(l) if !l.is_empty() => yaml_block(item, indent + 2, out),
                    scalar => {
                        out.push_str(&yaml_scalar(scalar));
                        out.push('\n');
                    }
                }
            }
        }
        scalar => {
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

/// The digest of `bytes` with one of Terraform's hash functions.
fn digest(algorithm: &str, bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    match algorithm {
        "md5" => md5::Md5::digest(bytes).to_vec(),
        "sha1" => sha1::Sha1::digest(bytes).to_vec(),
        "sha512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => sha2::Sha256::digest(bytes).to_vec(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An RFC 3339 timestamp: the instant (seconds and nanoseconds since 1970 in UTC) and the
/// offset it was written with, which the time functions keep.
struct Time {
    secs: i64,
    nanos: u32,
    offset: i32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a number of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Time {
    fn parse(text: &str) -> Result<Time, String> {
        let bad = || format!("`{text}` is not an RFC 3339 timestamp");
        let num = |s: &str| -> Result<i64, String> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let b = text.as_bytes();
        if !text.is_ascii()
            || b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
        {
            return Err(bad());
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let (year, month, day) = (num(&text[0..4])?, num(&text[5..7])?, num(&text[8..10])?);
        let (hour, minute, second) = (
            num(&text[11..13])?,
            num(&text[14..16])?,
            num(&text[17..19])?,
        );
        let days_in_month = civil_from_days(days_from_civil(year, month % 12 + 1, 1) - 1).2;
        if !(1..=12).contains(&month)
            || !(1..=days_in_month).contains(&day)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(bad());
        }
        let mut rest = &text[19..];
        let mut nanos = 0u32;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            let padded = format!("{:0<9}", &fraction[..digits.min(9)]);
            nanos = padded.parse().map_err(|_| bad())?;
            rest = &fraction[digits..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad()),
                };
                if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                    return Err(bad());
                }
                let (h, m) = (num(&rest[1..3])?, num(&rest[4..6])?);
                if h > 23 || m > 59 {
                    return Err(bad());
                }
                sign * (h * 3600 + m * 60) as i32
            }
        };
        let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
        Ok(Time {
            secs: local - i64::from(offset),
            nanos,
            offset,
        })
    }

    /// Year, month, day, hour, minute, second and weekday (0 = Sunday) in the time's offset.
    fn fields(&self) -> (i64, i64, i64, i64, i64, i64, i64) {
        let local = self.secs + i64::from(self.offset);
        let days = local.div_euclid(86_400);
        let secs = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            y,
            m,
            d,
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            (days + 4).rem_euclid(7),
        )
    }

    fn offset_text(&self, colon: bool) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs();
        let sep = if colon { ":" } else { "" };
        format!("{sign}{:02}{sep}{:02}", abs / 3600, abs / 60 % 60)
    }

    fn rfc3339(&self) -> String {
        let (y, mo, d, h, mi, s, _) = self.fields();
        let zone = if self.offset == 0 {
            "Z".to_owned()
        } else {
            self.offset_text(true)
        };
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{zone}")
    }
}

/// A Go duration (`1h30m`, `-10m`, `1.5h`, `300ms`) in nanoseconds.
fn parse_duration(text: &str) -> Result<i128, String> {
    let bad = || format!("`{text}` is not a duration");
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += number * unit;
        rest = &rest[unit_len..];
    }
    if total > 9.2e18 {
        return Err(bad());
    }
    Ok(sign * total as i128)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Terraform's `formatdate`.
fn format_date(spec: &str, time: &Time) -> Result<String, String> {
    let (y, mo, d, h, mi, s, wd) = time.fields();
    let month = MONTHS[(mo - 1).clamp(0, 11) as usize];
    let weekday = WEEKDAYS[wd.clamp(0, 6) as usize];
    let h12 = if h % 12 == 0 { 12 } else { h % 12 };
    let mut out = String::new();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // 'quoted text', where '' is a quote
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            loop {
                match chars.get(j) {
                    None => return Err("`formatdate`: unterminated quote".into()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(other) => {
                        out.push(*other);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        let token: String = chars[i..i + run].iter().collect();
        out.push_str(&match token.as_str() {
            "YYYY" => format!("{y:04}"),
            "YY" => format!("{:02}", y.rem_euclid(100)),
            "MMMM" => month.to_owned(),
            "MMM" => month[..3].to_owned(),
            "MM" => format!("{mo:02}"),
            "M" => mo.to_string(),
            "DD" => format!("{d:02}"),
            "D" => d.to_string(),
            "EEEE" => weekday.to_owned(),
            "EEE" => weekday[..3].to_owned(),
            "hh" => format!("{h:02}"),
            "h" => h.to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => (if h < 12 { "AM" } else { "PM" }).to_owned(),
            "aa" => (if h < 12 { "am" } else { "pm" }).to_owned(),
            "mm" => format!("{mi:02}"),
            "m" => mi.to_string(),
            "ss" => format!("{s:02}"),
            "s" => s.to_string(),
            "ZZZZZ" => time.offset_text(true),
            "ZZZZ" => time.offset_text(false),
            "ZZZ" if time.offset == 0 => "UTC".to_owned(),
            "ZZZ" => time.offset_text(false),
            "Z" if time.offset == 0 => "Z".to_owned(),
            "Z" => time.offset_text(true),
            other => return Err(format!("`formatdate`: unsupported sequence `{other}`")),
        });
        i += run;
    }
    Ok(out)
}

fn regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            format!(
                "invalid regular expression: {}",
                e.to_string().lines().last().unwrap_or("")
            )
        })
}

/// Terraform's `format`: `%v %s %d %f %e %g %t %q %x %X %o %b %%` with flags, width and precision.
pub fn format(spec: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "+- #0".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            let mut num = String::new();
            for d in chars.by_ref() {
                if d == ']' {
                    break;
                }
                num.push(d);
            }
            next = num
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .ok_or("invalid argument index in `format`")?;
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0).min(100));
        }
        let width: usize = width.parse::<usize>().unwrap_or(0).min(1000);
        let verb = chars.next().ok_or("`format` ends with `%`")?;
        let arg = args
            .get(next)
            .ok_or_else(|| format!("too few arguments for `format` verb `%{verb}`"))?;
        next += 1;
        let text = match verb {
            'v' => match arg {
                Value::String(t) => t.clone(),
                Value::Null => "null".into(),
                Value::Array(_) | Value::Object(_) => arg.to_json().to_string(),
                other => other.to_text().unwrap_or_default(),
            },
            's' => arg
                .to_text()
                .ok_or_else(|| format!("`%s` needs a string, not a {}", arg.type_name()))?,
            'q' => serde_json::Value::String(
                arg.to_text()
                    .ok_or_else(|| format!("`%q` needs a string, not a {}", arg.type_name()))?,
            )
            .to_string(),
            't' => to_bool(arg)?.to_string(),
            'd' | 'x' | 'X' | 'o' | 'b' => {
                let v = to_number(arg)?;
                if v.fract() != 0.0 {
                    return Err(format!("`%{verb}` needs a whole number, not {v}"));
                }
                let i = v as i64;
                let sign = if i < 0 {
                    "-"
                } else if flags.contains('+') {
                    "+"
                } else {
                    ""
                };
                let m = i.unsigned_abs();
                let digits = match verb {
                    'd' => m.to_string(),
                    'x' => format!("{m:x}"),
                    'X' => format!("{m:X}"),
                    'o' => format!("{m:o}"),
                    _ => format!("{m:b}"),
                };
                format!("{sign}{digits}")
            }
            'f' | 'e' | 'E' | 'g' | 'G' => {
                let v = to_number(arg)?;
                let sign = if v >= 0.0 && flags.contains('+') {
                    "+"
                } else {
                    ""
                };
                let body = match verb {
                    'f' => format!("{v:.*}", precision.unwrap_or(6)),
                    'e' => go_exp(v, precision.unwrap_or(6), 'e'),
                    'E' => go_exp(v, precision.unwrap_or(6), 'E'),
                    _ => number_string(v),
                };
                format!("{sign}{body}")
            }
            other => return Err(format!("unsupported `format` verb `%{other}`")),
        };
        let text = match (verb, precision) {
            ('s' | 'v' | 'q', Some(p)) => text.chars().take(p).collect(),
            _ => text,
        };
        let pad = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else if flags.contains('0') && "dfxXobeE".contains(verb) {
            let (sign, digits) = match text.strip_prefix(['-', '+']) {
                Some(rest) => (&text[..1], rest),
                None => ("", text.as_str()),
            };
            out.push_str(sign);
            out.push_str(&"0".repeat(pad));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        }
        if out.len() > MAX_VALUE_WEIGHT {
            return Err("the formatted string is too large".into());
        }
    }
    Ok(out)
}

/// `1.234560e+03`, as Go prints `%e`.
fn go_exp(v: f64, precision: usize, e: char) -> String {
    let text = format!("{v:.precision$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{e}{sign}{:02}", exp.abs())
}

/// Terraform's base64: the standard alphabet with padding, decoded strictly as Go's
/// `StdEncoding` does (a missing `=` or a stray character is an error).
fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| "`base64decode`: the string is not valid base64".to_owned())
}

/// An IPv4 or IPv6 prefix, as the address in the low bits of a `u128`.
struct Cidr {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Cidr {
    fn parse(text: &str) -> Result<Cidr, String> {
        let bad = || format!("`{text}` is not a CIDR prefix");
        let (ip, len) = text.split_once('/').ok_or_else(bad)?;
        let len: u32 = len.parse().map_err(|_| bad())?;
        let (addr, bits) = match ip.parse::<std::net::IpAddr>().map_err(|_| bad())? {
            std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            std::net::IpAddr::V6(v6) => (u128::from(v6), 128),
        };
        if len > bits {
            return Err(bad());
        }
        let mask = Self::mask(len, bits);
        Ok(Cidr {
            addr: addr & mask,
            len,
            bits,
        })
    }

    fn mask(len: u32, bits: u32) -> u128 {
        let all = if bits == 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        if len == 0 {
            0
        } else {
            all & !((1u128 << (bits - len)) - 1)
        }
    }

    fn contains(&self, other: &Cidr) -> bool {
        other.len >= self.len && other.addr & Self::mask(self.len, self.bits) == self.addr
    }

    fn ip(&self, addr: u128) -> String {
        if self.bits == 32 {
            std::net::Ipv4Addr::from(addr as u32).to_string()
        } else {
            std::net::Ipv6Addr::from(addr).to_string()
        }
    }

    fn host(&self, host: i64) -> Result<String, String> {
        // The number of addresses, less one: a /0 of IPv6 has 2^128.
        let last: u128 = 1u128
            .checked_shl(self.bits - self.len)
            .map_or(u128::MAX, |size| size - 1);
        let offset = if host < 0 {
            last.checked_sub(host.unsigned_abs() as u128 - 1)
        } else {
            Some(host as u128).filter(|h| *h <= last)
        }
        .ok_or_else(|| format!("prefix has no host number {host}"))?;
        Ok(self.ip(self.addr + offset))
    }

    fn subnet(&self, newbits: i64, num: i64) -> Result<Cidr, String> {
        let len = (self.len as i64).saturating_add(newbits);
        if newbits < 0 || len > self.bits as i64 {
            return Err(format!("not enough bits to extend the prefix by {newbits}"));
        }
        if num < 0 || (newbits < 64 && num as u128 >= 1u128 << newbits) {
            return Err(format!(
                "prefix extension of {newbits} bits has no subnet {num}"
            ));
        }
        Ok(Cidr {
            addr: self.addr
                | (num as u128)
                    .checked_shl((self.bits as i64 - len) as u32)
                    .unwrap_or(0),
            len: len as u32,
            bits: self.bits,
        })
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ip(self.addr), self.len)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::frontends::terraform::eval::Scope;
    use crate::frontends::terraform::value::Value;
    use crate::source::{SourceId, Span};

    fn eval(text: &str) -> Result<String, String> {
        let parsed = hcl_edit::parser::parse_expr(text).expect("valid HCL");
        Scope::new(BTreeMap::new(), BTreeMap::new(), String::new())
            .eval(&parsed, Span::new(SourceId(0), 0..0), "test")
            .map(|v| match v.value {
                Value::String(s) => s,
                other => other.to_string(),
            })
    }

    /// The examples of Terraform's function documentation.
    #[test]
    fn functions_give_terraform_s_documented_results() {
        let cases = [
            // numeric
            ("abs(-12.4)", "12.4"),
            ("ceil(5.1)", "6"),
            ("floor(4.9)", "4"),
            ("log(16, 2)", "4"),
            ("max(12, 54, 3)", "54"),
            ("min(12, 54, 3)", "3"),
            (r#"parseint("100", 10)"#, "100"),
            (r#"parseint("FF", 16)"#, "255"),
            (r#"parseint("-10", 16)"#, "-16"),
            (r#"parseint("1011111011101111", 2)"#, "48879"),
            ("pow(3, 2)", "9"),
            ("signum(-13)", "-1"),
            ("sum([10, 13, 6, 4.5])", "33.5"),
            // string
            (r#"chomp("hello\n")"#, "hello"),
            (r#"endswith("hello world", "world")"#, "true"),
            (r#"startswith("hello world", "hello")"#, "true"),
            (r#"strcontains("hello world", "wor")"#, "true"),
            (r#"format("Hello, %s!", "Ander")"#, "Hello, Ander!"),
            (r#"format("There are %d lights", 4)"#, "There are 4 lights"),
            (r#"format("%.2f", 3.14159)"#, "3.14"),
            (
                r#"format("%5d|%-5s|%05d", 42, "ab", 42)"#,
                "   42|ab   |00042",
            ),
            (
                r#"format("%q %t %x %v", "a", true, 255, 1.5)"#,
                r#""a" true ff 1.5"#,
            ),
            (r#"format("%[2]s %[1]s", "a", "b")"#, "b a"),
            (
                r#"formatlist("Hello, %s!", ["Valentina", "Ander"])"#,
                r#"["Hello, Valentina!","Hello, Ander!"]"#,
            ),
            (
                r#"indent(2, "[\n  foo,\n  bar,\n]\n")"#,
                "[\n    foo,\n    bar,\n  ]\n",
            ),
            (r#"join(", ", ["foo", "bar", "baz"])"#, "foo, bar, baz"),
            (r#"lower("HELLO")"#, "hello"),
            (r#"upper("hello")"#, "HELLO"),
            (r#"title("hello world")"#, "Hello World"),
            (
                r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#,
                "aaabbbccc",
            ),
            (
                r#"regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")"#,
                r#"["2019","02","01"]"#,
            ),
            (
                r#"regex("^(?:(?P<scheme>[^:/?#]+):)?", "https://x")"#,
                r#"{"scheme":"https"}"#,
            ),
            (
                r#"regexall("[a-z]+", "1234abcd5678efgh9")"#,
                r#"["abcd","efgh"]"#,
            ),
            (r#"length(regexall("[a-z]+", "1234abcd5678efgh9"))"#, "2"),
            (r#"replace("1 + 2 + 3", "+", "-")"#, "1 - 2 - 3"),
            (
                r#"replace("hello world", "/w.*d/", "everybody")"#,
                "hello everybody",
            ),
            (r#"split(",", "foo,bar,baz")"#, r#"["foo","bar","baz"]"#),
            (r#"split(",", "")"#, r#"[""]"#),
            (r#"strrev("hello")"#, "olleh"),
            (r#"substr("hello world", 1, 4)"#, "ello"),
            (r#"substr("🤔🤷", 0, 1)"#, "🤔"),
            (r#"substr("hello world", -5, -1)"#, "world"),
            (r#"substr("hello world", 6, 10)"#, "world"),
            (r#"trim("?!hello?!", "!?")"#, "hello"),
            (r#"trimprefix("helloworld", "hello")"#, "world"),
            (r#"trimsuffix("helloworld", "world")"#, "hello"),
            (r#"trimspace("  hello\n\n")"#, "hello"),
            // collection
            (r#"alltrue(["true", true])"#, "true"),
            ("anytrue([true, false])", "true"),
            (
                r#"chunklist(["a", "b", "c", "d", "e"], 2)"#,
                r#"[["a","b"],["c","d"],["e"]]"#,
            ),
            (r#"coalesce("", "b")"#, "b"),
            (r#"coalesce(1, 2)"#, "1"),
            (r#"coalescelist([], ["c", "d"])"#, r#"["c","d"]"#),
            (r#"compact(["a", "", "b", null, "c"])"#, r#"["a","b","c"]"#),
            (r#"concat(["a", ""], ["b", "c"])"#, r#"["a","","b","c"]"#),
            (r#"contains(["a", "b", "c"], "a")"#, "true"),
            (
                r#"distinct(["a", "b", "a", "c", "d", "b"])"#,
                r#"["a","b","c","d"]"#,
            ),
            (r#"element(["a", "b", "c"], 3)"#, "a"),
            (r#"flatten([["a", "b"], [], ["c"]])"#, r#"["a","b","c"]"#),
            (r#"flatten([[["a", "b"], []], ["c"]])"#, r#"["a","b","c"]"#),
            (r#"index(["a", "b", "c"], "b")"#, "1"),
            ("keys({a=1, c=2, d=3})", r#"["a","c","d"]"#),
            ("values({a=3, c=2, d=1})", "[3,2,1]"),
            (r#"length("hello")"#, "5"),
            (r#"lookup({a="ay", b="bee"}, "c", "what?")"#, "what?"),
            (
                r#"matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])"#,
                r#"["i-abc","i-def"]"#,
            ),
            (
                r#"merge({a="b", c="d"}, {e="f", c="z"})"#,
                r#"{"a":"b","c":"z","e":"f"}"#,
            ),
            (r#"one(["hello"])"#, "hello"),
            ("one([])", "null"),
            ("range(3)", "[0,1,2]"),
            ("range(1, 8, 2)", "[1,3,5,7]"),
            ("range(4, 1)", "[4,3,2]"),
            ("reverse([1, 2, 3])", "[3,2,1]"),
            (
                r#"setintersection(["a", "b"], ["b", "c"], ["b", "d"])"#,
                r#"["b"]"#,
            ),
            (
                r#"setproduct(["development", "staging"], ["app1", "app2"])"#,
                r#"[["development","app1"],["development","app2"],["staging","app1"],["staging","app2"]]"#,
            ),
            (r#"setsubtract(["a", "b", "c"], ["a", "c"])"#, r#"["b"]"#),
            (
                r#"setunion(["a", "b"], ["b", "c"], ["d"])"#,
                r#"["a","b","c","d"]"#,
            ),
            (r#"slice(["a", "b", "c", "d"], 1, 3)"#, r#"["b","c"]"#),
            (r#"sort(["e", "d", "a", "x"])"#, r#"["a","d","e","x"]"#),
            (
                r#"transpose({"a" = ["1", "2"], "b" = ["2", "3"]})"#,
                r#"{"1":["a"],"2":["a","b"],"3":["b"]}"#,
            ),
            (r#"zipmap(["a", "b"], [1, 2])"#, r#"{"a":1,"b":2}"#),
            // conversion
            (r#"tobool("true")"#, "true"),
            (r#"tonumber("1")"#, "1"),
            ("tostring(1)", "1"),
            (r#"toset(["c", "b", "b"])"#, r#"["b","c"]"#),
            // encoding
            (r#"base64encode("Hello World")"#, "SGVsbG8gV29ybGQ="),
            (r#"base64decode("SGVsbG8gV29ybGQ=")"#, "Hello World"),
            (r#"jsonencode({"hello"="world"})"#, r#"{"hello":"world"}"#),
            (
                r#"jsondecode("{\"hello\": \"world\"}")"#,
                r#"{"hello":"world"}"#,
            ),
            (r#"urlencode("Hello World!")"#, "Hello%20World%21"),
            // date and time
            (
                r#"formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")"#,
                "02 Jan 2018 23:12 UTC",
            ),
            (
                r#"formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")"#,
                "Tuesday, 02-Jan-18 23:12:01 UTC",
            ),
            (
                r#"formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")"#,
                "Tue, 02 Jan 2018 23:12:01 -0800",
            ),
            (
                r#"formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")"#,
                "Jan 02, 2018",
            ),
            (
                r#"formatdate("HH:mmaa", "2018-01-02T23:12:01Z")"#,
                "11:12pm",
            ),
            (
                r#"formatdate("h'h'mm", "2018-01-02T23:12:01-08:00")"#,
                "23h12",
            ),
            (
                r#"formatdate("H 'o''clock'", "2018-01-02T23:12:01-08:00")"#,
                "11 o'clock",
            ),
            (
                r#"timeadd("2017-11-22T00:00:00Z", "10m")"#,
                "2017-11-22T00:10:00Z",
            ),
            (
                r#"timeadd("2024-02-28T23:00:00+08:00", "1.5h")"#,
                "2024-02-29T00:30:00+08:00",
            ),
            (
                r#"timeadd("2017-11-22T00:00:00Z", "-1h")"#,
                "2017-11-21T23:00:00Z",
            ),
            (
                r#"timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")"#,
                "0",
            ),
            (
                r#"timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")"#,
                "-1",
            ),
            (
                r#"timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z")"#,
                "1",
            ),
            (
                r#"timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00")"#,
                "0",
            ),
            (
                r#"formatdate("YYYY-MM-DD hh:mm:ss", "2024-12-31T23:59:59.5+08:00")"#,
                "2024-12-31 23:59:59",
            ),
            (
                r#"yamlencode({"a":"b", "c":"d"})"#,
                "\"a\": \"b\"\n\"c\": \"d\"\n",
            ),
            (
                r#"yamlencode({"foo":[1, 2, 3], "bar": "baz"})"#,
                "\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n",
            ),
            (
                r#"yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"})"#,
                "\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n",
            ),
            (
                r#"yamlencode([[1, 2], {"a": {"b": true}}])"#,
                "- - 1\n  - 2\n- \"a\":\n    \"b\": true\n",
            ),
            (r#"md5("hello world")"#, "5eb63bbbe01eeed093cb22bb8f5acdc3"),
            (
                r#"sha1("hello world")"#,
                "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed",
            ),
            (
                r#"sha256("hello world")"#,
                "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
            ),
            (
                r#"base64sha256("hello world")"#,
                "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
            ),
            (
                r#"uuidv5("dns", "www.terraform.io")"#,
                "a5008fae-b28c-5ba5-96cd-82b4c53552d6",
            ),
            (r#"csvdecode("a,b\n1,2\n")"#, r#"[{"a":"1","b":"2"}]"#),
            (r#"basename("foo/bar/baz.txt")"#, "baz.txt"),
            (r#"dirname("foo/bar/baz.txt")"#, "foo/bar"),
            // IP networks
            (r#"cidrhost("10.12.112.0/20", 16)"#, "10.12.112.16"),
            (r#"cidrhost("10.12.112.0/20", 268)"#, "10.12.113.12"),
            (
                r#"cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)"#,
                "fd00:fd12:3456:7890::22",
            ),
            (r#"cidrnetmask("172.16.0.0/12")"#, "255.240.0.0"),
            (r#"cidrhost("10.0.0.0/24", -1)"#, "10.0.0.255"),
            (
                r#"cidrhost("::/0", -1)"#,
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            ),
            (r#"cidrsubnet("172.16.0.0/12", 4, 2)"#, "172.18.0.0/16"),
            (r#"cidrsubnet("10.1.2.0/24", 4, 15)"#, "10.1.2.240/28"),
            (
                r#"cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)"#,
                "fd00:fd12:3456:7800:a200::/72",
            ),
            (
                r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#,
                r#"["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]"#,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(eval(text), Ok(want.to_owned()), "{text}");
        }
    }

    /// Every function with odd arguments: an error or a value, never a panic.
    #[test]
    fn odd_arguments_never_panic() {
        let names = [
            "abs",
            "ceil",
            "floor",
            "signum",
            "log",
            "pow",
            "max",
            "min",
            "parseint",
            "sum",
            "chomp",
            "endswith",
            "startswith",
            "strcontains",
            "format",
            "formatlist",
            "indent",
            "join",
            "lower",
            "upper",
            "title",
            "regex",
            "regexall",
            "replace",
            "split",
            "strrev",
            "substr",
            "trim",
            "trimprefix",
            "trimsuffix",
            "trimspace",
            "alltrue",
            "anytrue",
            "chunklist",
            "coalesce",
            "coalescelist",
            "compact",
            "concat",
            "contains",
            "distinct",
            "element",
            "flatten",
            "index",
            "keys",
            "values",
            "length",
            "lookup",
            "matchkeys",
            "merge",
            "one",
            "range",
            "reverse",
            "setintersection",
            "setsubtract",
            "setunion",
            "setproduct",
            "slice",
            "sort",
            "transpose",
            "zipmap",
            "tostring",
            "tonumber",
            "tobool",
            "tolist",
            "toset",
            "tomap",
            "jsonencode",
            "jsondecode",
            "yamlencode",
            "base64encode",
            "base64decode",
            "urlencode",
            "md5",
            "uuidv5",
            "csvdecode",
            "basename",
            "dirname",
            "cidrhost",
            "cidrnetmask",
            "cidrsubnet",
            "cidrsubnets",
        ];
        let pool = [
            "null",
            "-1",
            "0",
            "1.5",
            "1e300",
            r#""""#,
            r#""%""#,
            r#""/(/""#,
            r#""::/0""#,
            r#""10.0.0.0/8""#,
            "[]",
            r#"["a", 1]"#,
            "{}",
            "{ a = [1] }",
            "true",
        ];
        for name in names {
            let mut calls = vec![format!("{name}()")];
            for a in pool {
                calls.push(format!("{name}({a})"));
                for b in pool {
                    calls.push(format!("{name}({a}, {b})"));
                }
            }
            for a in &pool[..6] {
                for b in &pool[..9] {
                    for c in &pool[..6] {
                        calls.push(format!("{name}({a}, {b}, {c})"));
                    }
                }
            }
            for call in calls {
                let _ = eval(&call);
            }
        }
    }

    #[test]
    fn functions_fail_as_terraform_s_do() {
        for text in [
            r#"lookup({a = 1}, "b")"#,
            r#"element([], 0)"#,
            r#"one(["a", "b"])"#,
            r#"regex("[0-9]+", "abc")"#,
            r#"index(["a"], "b")"#,
            r#"tonumber("x")"#,
            // Go's StdEncoding, which Terraform uses, requires the padding
            r#"base64decode("SGVsbG8")"#,
            r#"base64decode("SGVsbG8=!")"#,
        ] {
            let result = eval(text);
            assert!(
                result
                    .as_ref()
                    .is_err_and(|r| r.starts_with("the expression cannot be evaluated")),
                "{text}: {result:?}"
            );
        }
        for text in [
            r#"formatdate("YYYY", "2018-02-30T00:00:00Z")"#,
            r#"formatdate("YYYY", "2024-12-31T23:59:60Z")"#,
            r#"formatdate("YYYY", "2018-01-02T23:12:0é")"#,
            r#"timeadd("2017-11-22T00:00:00Z", "10")"#,
            r#"formatdate("YYYY Q", "2018-01-02T23:12:01Z")"#,
        ] {
            let result = eval(text);
            assert!(
                result
                    .as_ref()
                    .is_err_and(|r| r.starts_with("the expression cannot be evaluated")),
                "{text}: {result:?}"
            );
        }
        for text in [
            "timestamp()",
            "uuid()",
            r#"file("x")"#,
            r#"templatefile("x", {})"#,
        ] {
            let result = eval(text);
            assert!(
                result
                    .as_ref()
                    .is_err_and(|r| r.contains("does not evaluate")),
                "{text}: {result:?}"
            );
        }
    }
}
