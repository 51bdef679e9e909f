//! `yunlint rules` and `yunlint explain`.

use super::Fatal;
use super::output::emit;
use crate::report::ExitStatus;
use crate::rules::{self, RuleMeta};
use crate::suggest;

pub fn list() -> Result<ExitStatus, Fatal> {
    let name_width = rules::all().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in rules::all() {
        text.push_str(&format!(
            "{}  {:<name_width$}  {:<7}  {}\n",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary()
        ));
    }
    emit(&text, None)?;
    Ok(ExitStatus::Success)
}

pub fn explain(key: &str) -> Result<ExitStatus, Fatal> {
    let Some(rule) = rules::find(key) else {
        let candidates = rules::all().flat_map(|r: &RuleMeta| [r.code, r.name]);
        let hint = suggest::did_you_mean(key, candidates)
            .unwrap_or_else(|| "`yunlint rules` lists every rule".into());
        return Err(Fatal::message(format!("unknown rule `{key}`: {hint}")));
    };
    emit(&rule.page(), None)?;
    Ok(ExitStatus::Success)
}
