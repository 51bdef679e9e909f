//! `yunlint providers`: the effective registry, so a compliance team sees what is assumed.

use serde::Serialize;

use super::output::emit;
use super::{Fatal, cwd};
use crate::cli::{ProvidersArgs, ProvidersFormat};
use crate::config;
use crate::policy::{Policy, ProviderEntry, Unlisted};
use crate::report::ExitStatus;
use crate::report::visible::{visible, without_commands};
use crate::source::SourceMap;

pub fn run(args: ProvidersArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let today = args.config.as_of.unwrap_or_else(crate::today);
    let file = match &args.config.config {
        _ if args.config.isolated => None,
        Some(file) => Some(file.clone()),
        None => config::find(&cwd),
    };
    let mut sources = SourceMap::default();
    let config = config::load(
        file.as_deref(),
        args.config.config.is_some() && !args.config.isolated,
        &cwd,
        today,
        &mut sources,
    )
    .map_err(|failure| crate::Failure::from_config(failure, sources))?;
    let text = match args.format {
        ProvidersFormat::Table => table(&config.policy),
        ProvidersFormat::Json => json(&config.policy),
    };
    emit(&text, None)?;
    Ok(ExitStatus::Success)
}

fn unlisted(entry: &ProviderEntry) -> &'static str {
    match entry.unlisted {
        Unlisted::Unknown => "unknown",
        Unlisted::NonMainland => "non_mainland",
    }
}

fn table(policy: &Policy) -> String {
    let mut out = format!(
        "policy {}: finance-grade regions required from data class {}; default data class {}; require_certified = {}\n",
        visible(&policy.name),
        policy.finance_grade_from,
        policy.default_data_class,
        policy.require_certified
    );
    for entry in policy.providers.values() {
        out.push('\n');
        out.push_str(&visible(&entry.id));
        if let Some(name) = &entry.name {
            out.push_str(&format!("  {}", visible(name)));
        }
        out.push('\n');
        let mut status = format!("  certified: {}", entry.certified.as_str());
        if let Some(by) = &entry.certified_by {
            status.push_str(&format!(" (by {})", visible(by)));
        }
        if let Some(as_of) = entry.as_of {
            status.push_str(&format!(", as of {as_of}"));
        }
        if let Some((until, _)) = entry.until {
            let expired = if until < policy.today {
                ", expired"
            } else {
                ""
            };
            status.push_str(&format!(", until {until}{expired}"));
        }
        out.push_str(&status);
        out.push('\n');
        if let Some(source) = &entry.source {
            out.push_str(&format!("  source: {}\n", visible(source)));
        }
        for (label, list) in [
            ("finance", &entry.finance),
            ("mainland", &entry.mainland),
            ("non_mainland", &entry.non_mainland),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("  {label}: {}\n", visible(&list.join(", "))));
            }
        }
        if !entry.aliases.is_empty() {
            let aliases: Vec<String> = entry
                .aliases
                .iter()
                .map(|(a, r)| format!("{a} = {r}"))
                .collect();
            out.push_str(&format!("  aliases: {}\n", visible(&aliases.join(", "))));
        }
        out.push_str(&format!("  unlisted regions: {}\n", unlisted(entry)));
    }
    if !policy.groups.is_empty() {
        out.push_str("\nregion groups\n");
        for (name, set) in &policy.groups {
            out.push_str(&format!(
                "  @{}: {}\n",
                visible(name),
                visible(&set.describe().join(", "))
            ));
        }
    }
    without_commands(out)
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    policy: &'a str,
    finance_grade_from: u8,
    default_data_class: u8,
    require_certified: bool,
    providers: Vec<ProviderDoc<'a>>,
    groups: std::collections::BTreeMap<&'a str, Vec<String>>,
}

#[derive(Serialize)]
struct ProviderDoc<'a> {
    id: &'a str,
    name: Option<&'a str>,
    certified: &'static str,
    certified_by: Option<&'a str>,
    source: Option<&'a str>,
    as_of: Option<String>,
    until: Option<String>,
    finance: &'a [String],
    mainland: &'a [String],
    non_mainland: &'a [String],
    aliases: &'a std::collections::BTreeMap<String, String>,
    unlisted: &'static str,
}

fn json(policy: &Policy) -> String {
    let doc = Document {
        version: crate::report::json::DOCUMENT_VERSION,
        policy: &policy.name,
        finance_grade_from: policy.finance_grade_from,
        default_data_class: policy.default_data_class,
        require_certified: policy.require_certified,
        providers: policy
            .providers
            .values()
            .map(|e| ProviderDoc {
                id: &e.id,
                name: e.name.as_deref(),
                certified: e.certified.as_str(),
                certified_by: e.certified_by.as_deref(),
                source: e.source.as_deref(),
                as_of: e.as_of.map(|d| d.to_string()),
                until: e.until.map(|(d, _)| d.to_string()),
                finance: &e.finance,
                mainland: &e.mainland,
                non_mainland: &e.non_mainland,
                aliases: &e.aliases,
                unlisted: unlisted(e),
            })
            .collect(),
        groups: policy
            .groups
            .iter()
            .map(|(k, v)| (k.as_str(), v.describe()))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the document serializes");
    text.push('\n');
    text
}
