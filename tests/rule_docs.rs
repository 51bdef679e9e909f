#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Each rule's doc comment is its documentation: the pages in docs/rules/ are generated from it
//! (`YUNLINT_BLESS=1 cargo test --test rule_docs` rewrites them), every page has the six sections,
//! and every `expect_finding` example gives exactly one finding of its own rule.

use std::path::{Path, PathBuf};

use yunlint::rules::{self, RuleMeta};
use yunlint::{LintOptions, lint};

const SECTIONS: [&str; 6] = [
    "## What it does",
    "## Why is this bad?",
    "## Regulation",
    "## Example",
    "## How to fix",
    "## How to suppress",
];

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules")
}

fn index() -> String {
    let mut text = String::from(
        "# Rules\n\nGenerated from the rules' doc comments (`yunlint rules`, `yunlint explain CODE`).\n\n\
         | code | name | default severity | what it flags |\n|---|---|---|---|\n",
    );
    for rule in rules::all() {
        text.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} | {} |\n",
            rule.name,
            rule.severity,
            rule.summary(),
            code = rule.code
        ));
    }
    text
}

#[test]
fn rule_pages_are_up_to_date() {
    let bless = std::env::var_os("YUNLINT_BLESS").is_some();
    let mut expected: Vec<(PathBuf, String)> = rules::all()
        .map(|r| (docs_dir().join(format!("{}.md", r.code)), r.page()))
        .collect();
    expected.push((docs_dir().join("README.md"), index()));
    let mut stale = Vec::new();
    for (path, text) in expected {
        if bless {
            std::fs::create_dir_all(docs_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule pages (run `YUNLINT_BLESS=1 cargo test --test rule_docs`): {stale:?}"
    );
}

#[test]
fn pages_show_no_test_markers() {
    let marked = rules::all()
        .filter(|r| r.doc().contains("```toml,expect_finding"))
        .count();
    assert!(marked >= 9, "only {marked} rules mark an example");
    for rule in rules::all() {
        let page = rule.page();
        assert!(
            !page.contains("expect_finding") && !page.contains("```toml,"),
            "{} page shows a test marker",
            rule.code
        );
    }
}

#[test]
fn every_rule_documents_the_six_sections_in_order() {
    for rule in rules::all() {
        let doc = rule.doc();
        let positions: Vec<Option<usize>> = SECTIONS.iter().map(|s| doc.find(s)).collect();
        assert!(
            positions.iter().all(Option::is_some),
            "{} lacks a section: {positions:?}",
            rule.code
        );
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{} sections out of order",
            rule.code
        );
    }
}

/// The fenced `toml` blocks of a rule's doc, with whether they expect a finding.
fn examples(rule: &RuleMeta) -> Vec<(bool, String)> {
    let doc = rule.doc();
    let mut out = Vec::new();
    let mut current: Option<(bool, String)> = None;
    for line in doc.lines() {
        match (&mut current, line.trim()) {
            (None, fence) if fence.starts_with("```toml") => {
                current = Some((fence.contains("expect_finding"), String::new()));
            }
            (Some(_), "```") => out.extend(current.take()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn findings_of(rule: &RuleMeta, descriptor: &str) -> usize {
    let options = LintOptions {
        paths: vec![PathBuf::from("-")],
        isolated: true,
        as_of: Some("2026-11-23".parse().unwrap()),
        stdin: Some(("example.deploy.toml".into(), descriptor.into())),
        ..LintOptions::default()
    };
    let run = lint(&options, Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    run.findings
        .iter()
        .filter(|f| f.rule.code == rule.code)
        .count()
}

#[test]
fn doc_examples_give_exactly_the_documented_findings() {
    let mut expecting = 0;
    for rule in rules::all() {
        for (expect, text) in examples(rule) {
            if expect {
                expecting += 1;
                assert_eq!(
                    findings_of(rule, &text),
                    1,
                    "{} example:\n{text}",
                    rule.code
                );
            } else if text.contains("[[workload]]") {
                assert_eq!(
                    findings_of(rule, &text),
                    0,
                    "{} plain example:\n{text}",
                    rule.code
                );
            }
        }
    }
    assert!(expecting >= 9, "only {expecting} examples expect a finding");
}

#[test]
fn messages_follow_rustc_wording() {
    // lowercase first letter, no final period: checked on the example bank's real findings
    let options = LintOptions {
        paths: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-bank")],
        as_of: Some("2026-11-23".parse().unwrap()),
        ..LintOptions::default()
    };
    let run = lint(&options, Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    assert!(!run.findings.is_empty());
    for f in &run.findings {
        let first = f.message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "capitalised: {}", f.message);
        assert!(!f.message.ends_with('.'), "final period: {}", f.message);
    }
}
