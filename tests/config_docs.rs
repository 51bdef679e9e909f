#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The key reference in docs/configuration.md is generated from `yunlint::policy::keys::KEYS`
//! (`YUNLINT_BLESS=1 cargo test --test config_docs` rewrites it), and that table is checked
//! against the configuration types: each table documents exactly the keys serde accepts there.
//! Every `yunlint.toml` snippet of the hand-written pages is read with those types too.

mod support;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use support::docs::*;

use yunlint::policy::keys::{KEYS, KeyDoc};
use yunlint::policy::raw::RawPolicy;

const BEGIN: &str = "<!-- BEGIN GENERATED from src/policy/keys.rs: YUNLINT_BLESS=1 cargo test --test config_docs -->";
const END: &str = "<!-- END GENERATED -->";

/// The tables in the order of their first key.
fn tables() -> Vec<&'static str> {
    let mut out: Vec<&str> = Vec::new();
    for k in KEYS {
        if !out.contains(&k.table) {
            out.push(k.table);
        }
    }
    out
}

/// The TOML that opens a table, as a user writes it.
fn header(table: &str) -> String {
    match table {
        "" => String::new(),
        t if t.starts_with("[[") => format!("{t}\n"),
        t => format!("[{}]\n", t.replace("<id>", "x")),
    }
}

/// The keys serde accepts in a table, read from its "unknown field" error.
fn accepted(table: &str) -> BTreeSet<String> {
    let text = format!("{}__probe__ = 1\n", header(table));
    let err = toml::from_str::<RawPolicy>(&text).unwrap_err();
    let message = err.message();
    let expected = message
        .split_once("unknown field `__probe__`, expected ")
        .unwrap_or_else(|| panic!("{table}: not an unknown-field error: {message}"))
        .1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_table_documents_exactly_the_keys_the_types_accept() {
    for table in tables() {
        let documented: BTreeSet<String> = KEYS
            .iter()
            .filter(|k| k.table == table)
            .map(|k| k.key.to_owned())
            .collect();
        if documented.iter().all(|k| k.starts_with('<')) {
            // a table of the user's names: any name is read as one
            let value = if table == "regions" {
                "[\"x\"]"
            } else {
                "\"x\""
            };
            let text = format!("{}any-name = {value}\n", header(table));
            assert!(
                toml::from_str::<RawPolicy>(&text).is_ok(),
                "{table} does not take a name of the user's"
            );
            continue;
        }
        assert_eq!(
            documented,
            accepted(table),
            "the keys of `{table}` in src/policy/keys.rs differ from the types in src/policy/raw.rs"
        );
    }
}

/// The heading of a table's own section further down the page, and its anchor.
fn section(table: &str) -> Option<(String, String)> {
    let heading = match table {
        "" | "terraform" | "kubernetes" => return None,
        t if t.starts_with("[[") => format!("`{t}`"),
        t => format!("`[{t}]`"),
    };
    let anchor = heading
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect::<String>()
        .to_lowercase();
    Some((heading, anchor))
}

fn row(k: &KeyDoc) -> String {
    format!(
        "| `{}` | {} | {} | {} |\n",
        k.key, k.kind, k.default, k.meaning
    )
}

fn reference(page: &str) -> String {
    let mut out = format!("{BEGIN}\n\n");
    for table in tables() {
        let title = match table {
            "" => "Top level".to_owned(),
            t if t.starts_with("[[") => format!("`{t}`"),
            t => format!("`[{t}]`"),
        };
        match section(table) {
            Some((heading, anchor)) => {
                assert!(
                    page.contains(&format!("\n## {heading}\n")),
                    "docs/configuration.md has no `## {heading}` section"
                );
                writeln!(out, "**{title}** ([more](#{anchor}))\n").unwrap();
            }
            None => writeln!(out, "**{title}**\n").unwrap(),
        }
        out.push_str("| key | type | default | meaning |\n|---|---|---|---|\n");
        for k in KEYS.iter().filter(|k| k.table == table) {
            out.push_str(&row(k));
        }
        out.push('\n');
    }
    out.push_str(END);
    out
}

#[test]
fn the_key_reference_is_generated_from_the_key_table() {
    let path = root().join("docs/configuration.md");
    let page = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (page.find(BEGIN), page.find(END)) else {
        panic!("docs/configuration.md lacks the `{BEGIN}` and `{END}` markers");
    };
    let expected = reference(&page);
    if std::env::var_os("YUNLINT_BLESS").is_some() {
        let updated = format!("{}{expected}{}", &page[..start], &page[end + END.len()..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        page[start..end + END.len()] == expected,
        "docs/configuration.md's key reference is stale: run `YUNLINT_BLESS=1 cargo test --test config_docs`"
    );
}

/// A descriptor (`*.deploy.toml`), not a configuration.
fn is_descriptor(block: &str) -> bool {
    block.lines().any(|l| {
        let l = l.trim();
        l.starts_with("[[workload") || l == "[service]" || l == "[defaults]"
    }) || block.trim_start().starts_with("# ")
        && block.lines().next().unwrap().contains(".deploy.toml")
}

#[test]
fn every_configuration_snippet_in_the_docs_is_read_by_the_types() {
    let mut read = 0;
    for page in pages(&["docs"], &[]) {
        let text = std::fs::read_to_string(&page).unwrap();
        for block in code_blocks(&text, &["toml"]) {
            if is_descriptor(&block) {
                continue;
            }
            read += 1;
            if let Err(e) = toml::from_str::<RawPolicy>(&block) {
                panic!(
                    "{}: a yunlint.toml snippet the configuration does not read: {}\n{block}",
                    page.display(),
                    e.message()
                );
            }
        }
    }
    assert!(read >= 15, "only {read} configuration snippets");
}

/// Tables of a descriptor (`*.deploy.toml`, docs/descriptor.md), which the pages name too.
const DESCRIPTOR_TABLES: &[&str] = &[
    "[service]",
    "[defaults]",
    "[[workload]]",
    "[[workload.replica]]",
];

/// Spans that look like a table and are not one: a glob's character class, and the mistake
/// descriptor.md warns about (`[workload]` instead of `[[workload]]`).
const NOT_TABLES: &[&str] = &["[abc]", "[workload]"];

/// `[discovery] exclude` → (`discovery`, `Some("exclude")`); `[[classify]]` → (`[[classify]]`, None).
fn table_mention(span: &str) -> Option<(String, Option<String>)> {
    let (table, key) = match span.split_once(' ') {
        Some((table, key)) => (table, Some(key)),
        None => (span, None),
    };
    let name_chars = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '.' | '<' | '>'))
    };
    let table = if let Some(inner) = table.strip_prefix("[[").and_then(|t| t.strip_suffix("]]")) {
        name_chars(inner).then(|| table.to_owned())?
    } else {
        let inner = table.strip_prefix('[')?.strip_suffix(']')?;
        name_chars(inner).then(|| inner.to_owned())?
    };
    if key.is_some_and(|k| !k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
        return None;
    }
    Some((table, key.map(str::to_owned)))
}

#[test]
fn every_table_and_key_the_pages_name_in_code_exists() {
    let mut checked = 0;
    let mut unknown = Vec::new();
    for page in pages(&["docs"], &[]) {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for (n, line) in text.lines().enumerate() {
            for span in line.split('`').skip(1).step_by(2) {
                if NOT_TABLES.contains(&span) {
                    continue;
                }
                let Some((table, key)) = table_mention(span) else {
                    continue;
                };
                checked += 1;
                let written = if table.starts_with("[[") {
                    table.clone()
                } else {
                    format!("[{table}]")
                };
                if DESCRIPTOR_TABLES.contains(&written.as_str()) && key.is_none() {
                    continue;
                }
                let known = KEYS
                    .iter()
                    .any(|k| k.table == table && key.as_ref().is_none_or(|key| k.key == key))
                    || (key.is_none() && KEYS.iter().any(|k| k.table.is_empty() && k.key == table));
                if !known {
                    unknown.push(format!("{name}:{}: `{span}`", n + 1));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "tables or keys of yunlint.toml the docs name that do not exist:\n{}",
        unknown.join("\n")
    );
    assert!(checked >= 50, "only {checked} table mentions read");
}
