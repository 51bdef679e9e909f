//! Terraform's built-in functions, as `terraform plan` evaluates them. Impure functions and those
//! that read files are unknown, with the reason. An unknown argument makes the result unknown,
//! except where Terraform knows more (the length of a list with an unknown element, `coalesce`
//! with a known value before the unknown one, the keys of an object with unknown values).

use std::collections::BTreeMap;

use super::eval::{MAX_VALUE_WEIGHT, to_bool, to_number, too_large};
use super::value::{Value, equal, number_string};

type Out = Result<Value, String>;

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
                if length < 0 || offset + length > len {
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
                    let len = net.len as i64 + newbits;
                    if newbits < 0 || len > net.bits as i64 {
                        return Err("`cidrsubnets`: not enough bits".into());
                    }
                    let size: u128 = 1u128 << (net.bits as i64 - len);
                    let start = next.div_ceil(size) * size;
                    let sub = Cidr {
                        addr: start,
                        len: len as u32,
                        bits: net.bits,
                    };
                    if !net.contains(&sub) {
                        return Err("`cidrsubnets`: not enough room in the prefix".into());
                    }
                    next = start + size;
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

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let bad = || "`base64decode`: the string is not valid base64".to_owned();
    let text = text.trim_end_matches('=');
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = BASE64.iter().position(|&b| b == c).ok_or_else(bad)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
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
        let size: u128 = 1u128 << (self.bits - self.len).min(127);
        let offset = if host < 0 {
            size.checked_sub(host.unsigned_abs() as u128)
        } else {
            Some(host as u128).filter(|h| *h < size)
        }
        .ok_or_else(|| format!("prefix has no host number {host}"))?;
        Ok(self.ip(self.addr + offset))
    }

    fn subnet(&self, newbits: i64, num: i64) -> Result<Cidr, String> {
        let len = self.len as i64 + newbits;
        if newbits < 0 || len > self.bits as i64 {
            return Err(format!("not enough bits to extend the prefix by {newbits}"));
        }
        if num < 0 || (newbits < 64 && num as u128 >= 1u128 << newbits) {
            return Err(format!(
                "prefix extension of {newbits} bits has no subnet {num}"
            ));
        }
        Ok(Cidr {
            addr: self.addr | ((num as u128) << (self.bits as i64 - len)),
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

    #[test]
    fn functions_fail_as_terraform_s_do() {
        for text in [
            r#"lookup({a = 1}, "b")"#,
            r#"element([], 0)"#,
            r#"one(["a", "b"])"#,
            r#"regex("[0-9]+", "abc")"#,
            r#"index(["a"], "b")"#,
            r#"tonumber("x")"#,
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
