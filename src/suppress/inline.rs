//! `yunlint: allow` comments: `# yunlint: allow YL201,YL301 reason="..." until=2027-06-30`, in the
//! comment syntax of each format (`#` in TOML, YAML and HCL; `//` in HCL). A comment alone on its
//! line applies to the next line; at the end of a line, to that line.

use jiff::civil::Date;

use super::{Scope, Suppression};
use crate::finding::{Finding, Label};
use crate::rules::{self, InvalidSuppression};
use crate::source::{SourceFile, SourceId, Span};

const MARKER: &str = "yunlint:";

/// Formats whose comments can carry suppressions.
pub fn has_comments(file: &SourceFile) -> bool {
    [".deploy.toml", ".tf", ".tfvars", ".yaml", ".yml"]
        .iter()
        .any(|ext| file.display.ends_with(ext))
}

/// Where a comment starts before `idx`: a `#` or `//` followed only by spaces up to the marker.
fn comment_start(line: &str, idx: usize) -> Option<usize> {
    let before = line[..idx].trim_end();
    if before.ends_with('#') {
        Some(before.len() - 1)
    } else if before.ends_with("//") {
        Some(before.len() - 2)
    } else {
        None
    }
}

fn is_comment_or_blank(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || t.starts_with("//")
}

/// Every suppression comment of a file, or a finding for each that cannot be read.
pub fn scan(file: &SourceFile, id: SourceId) -> (Vec<Suppression>, Vec<Finding>) {
    let mut found = Vec::new();
    let mut invalid = Vec::new();
    // Most files have no suppression: one search of the whole text instead of one per line.
    if !file.text().contains(MARKER) {
        return (found, invalid);
    }
    let lines: Vec<(usize, &str)> = file
        .text()
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    for (index, &(offset, line)) in lines.iter().enumerate() {
        let Some(idx) = line.find(MARKER) else {
            continue;
        };
        let Some(start) = comment_start(line, idx) else {
            continue;
        };
        let span = Span::new(id, offset + start..offset + line.len());
        let standalone = line[..start].trim().is_empty();
        // 1-based line numbers, as `SourceFile::position` gives them
        let target_line = if standalone {
            lines
                .iter()
                .enumerate()
                .skip(index + 1)
                .find(|(_, (_, l))| !is_comment_or_blank(l))
                .map_or(index + 1, |(i, _)| i + 1)
        } else {
            index + 1
        };
        match parse_directive(&line[idx + MARKER.len()..]) {
            Ok(d) => found.push(Suppression {
                scope: Scope::Lines {
                    source: id,
                    line: target_line,
                },
                span,
                codes: d.codes,
                reason: d.reason,
                until: d.until.map(|date| (date, span)),
                approved_by: None,
            }),
            Err((message, help)) => invalid.push(
                Finding::new(
                    &InvalidSuppression::META,
                    Label::new(span, "this suppression"),
                    message,
                )
                .with_help(help),
            ),
        }
    }
    (found, invalid)
}

struct Directive {
    codes: Vec<&'static str>,
    reason: Option<String>,
    until: Option<Date>,
}

const SYNTAX: &str = "write `yunlint: allow CODES reason=\"...\" until=YYYY-MM-DD`";

/// `allow YL201,region-not-finance-grade reason="..." until=2027-06-30`
fn parse_directive(text: &str) -> Result<Directive, (String, String)> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix("allow") else {
        return Err((
            "a `yunlint:` comment must start with `allow`".into(),
            SYNTAX.into(),
        ));
    };
    let mut codes = Vec::new();
    let mut reason = None;
    let mut until = None;
    let mut chars = rest.trim().char_indices().peekable();
    let rest = rest.trim();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() || c == ',' {
            chars.next();
            continue;
        }
        // a word: up to whitespace, a comma, or `=`
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c == ',' || c == '=' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let word = &rest[start..end];
        if chars.peek().is_some_and(|&(_, c)| c == '=') {
            chars.next();
            let value = if chars.peek().is_some_and(|&(_, c)| c == '"') {
                chars.next();
                let mut value = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some((_, next)) = chars.next() {
                                value.push(next);
                            }
                        }
                        other => value.push(other),
                    }
                }
                if !closed {
                    return Err((
                        format!("the value of `{word}` has no closing quote"),
                        SYNTAX.into(),
                    ));
                }
                value
            } else {
                let mut value = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                value
            };
            match word {
                "reason" if !value.trim().is_empty() => reason = Some(value),
                "reason" => {}
                "until" => match value.parse::<Date>() {
                    Ok(date) => until = Some(date),
                    Err(_) => {
                        return Err((
                            format!("`until={value}` is not a date"),
                            "write the date as YYYY-MM-DD".into(),
                        ));
                    }
                },
                other => {
                    return Err((
                        format!("unknown key `{other}` in a suppression"),
                        "the keys are `reason` and `until`".into(),
                    ));
                }
            }
        } else {
            let matched = rules::matching(word);
            if matched.is_empty() {
                let candidates = rules::all().flat_map(|r| [r.code, r.name]);
                let hint = crate::suggest::did_you_mean(word, candidates)
                    .unwrap_or_else(|| "`yunlint rules` lists every rule".into());
                return Err((format!("unknown rule `{word}` in a suppression"), hint));
            }
            codes.extend(matched);
        }
    }
    if codes.is_empty() {
        return Err(("the suppression names no rule".into(), SYNTAX.into()));
    }
    codes.sort_unstable();
    codes.dedup();
    Ok(Directive {
        codes,
        reason,
        until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_names_prefixes_reason_and_date() {
        let d = parse_directive(
            r#" allow YL201, region-not-finance-grade YL3 reason="DR test \"A\"" until=2027-06-30"#,
        )
        .ok()
        .unwrap();
        assert_eq!(d.codes, ["YL201", "YL202", "YL301"]);
        assert_eq!(d.reason.as_deref(), Some("DR test \"A\""));
        assert_eq!(d.until, Some(Date::new(2027, 6, 30).unwrap()));
    }

    #[test]
    fn malformed_directives_say_what_is_wrong() {
        let err = |t: &str| parse_directive(t).err().unwrap().0;
        assert_eq!(err(" allow"), "the suppression names no rule");
        assert_eq!(err(" allow YL2O1"), "unknown rule `YL2O1` in a suppression");
        assert_eq!(
            err(r#" allow YL201 reason="open"#),
            "the value of `reason` has no closing quote"
        );
        assert_eq!(err(" allow YL201 until=soon"), "`until=soon` is not a date");
        assert_eq!(
            err(" allow YL201 owner=me"),
            "unknown key `owner` in a suppression"
        );
        assert_eq!(
            err(" ignore YL201"),
            "a `yunlint:` comment must start with `allow`"
        );
    }

    #[test]
    fn a_comment_alone_applies_to_the_next_code_line() {
        let file = SourceFile::new(
            "a.tf".into(),
            "a.tf".into(),
            "a.tf".into(),
            "# yunlint: allow YL201 reason=\"x\"\n\n# note\nresource \"a\" \"b\" {}\nregion = \"x\" // yunlint: allow YL202 reason=\"y\"\n"
                .into(),
        );
        let (found, invalid) = scan(&file, SourceId(0));
        assert!(invalid.is_empty());
        let lines: Vec<_> = found
            .iter()
            .map(|s| match s.scope {
                Scope::Lines { line, .. } => line,
                Scope::Config { .. } => 0,
            })
            .collect();
        assert_eq!(lines, [4, 5]);
    }
}
