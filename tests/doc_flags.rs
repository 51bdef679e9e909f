#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Every `--flag` that README.md and the pages of docs/ mention exists in clap's definitions
//! (src/cli.rs), and where the text says which command it is given to (`yunlint inventory
//! --format csv`), that command takes it. Flags of other programs on the same line (`cargo install
//! --locked`) are theirs. The configuration keys the pages show are checked by tests/config_docs.rs.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use support::docs::*;

use clap::CommandFactory;
use yunlint::cli::Cli;

/// Commands other than yunlint whose flags the docs show.
const OTHER_PROGRAMS: &[&str] = &[
    "bash",
    "bench/run",
    "chromium",
    "cargo",
    "curl",
    "docker",
    "fuzz/run",
    "git",
    "grep",
    "helm",
    "hyperfine",
    "jq",
    "kubectl",
    "node",
    "npm",
    "perf",
    "pip",
    "pre-commit",
    "python3",
    "rustup",
    "sed",
    "strace",
    "terraform",
    "terragrunt",
    "valgrind",
    "yunlint-gen",
];

/// Pages about the development tools (fuzz/run, bench/run), whose flags are theirs.
const DEVELOPER_PAGES: &[&str] = &["fuzzing.md", "performance.md"];

/// Long flags by command name; `""` is yunlint itself.
fn long_flags() -> BTreeMap<String, BTreeSet<String>> {
    let mut yunlint = Cli::command();
    yunlint.build();
    let mut out = BTreeMap::new();
    let own = |c: &clap::Command| -> BTreeSet<String> {
        c.get_arguments()
            .filter_map(|a| a.get_long().map(str::to_owned))
            .chain(["help".to_owned()])
            .collect()
    };
    out.insert(String::new(), own(&yunlint));
    for sub in yunlint.get_subcommands() {
        out.insert(sub.get_name().to_owned(), own(sub));
    }
    out
}

/// The pieces of a page to read for flags: each line of a code block, each inline code span,
/// and the prose around them.
fn segments(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            out.push((n + 1, line.to_owned()));
            continue;
        }
        // code spans and the prose between them, each a segment of its own
        for piece in line.split('`') {
            if !piece.trim().is_empty() {
                out.push((n + 1, piece.to_owned()));
            }
        }
    }
    out
}

/// `(command, flag)` for each long flag in a segment: the command is `Some("check")` after
/// `yunlint check`, `Some("")` after a bare `yunlint`, `None` when the text does not say.
fn flags_in(segment: &str, commands: &BTreeSet<String>) -> Vec<(Option<String>, String)> {
    let mut out = Vec::new();
    // None: unknown program; Some(None): another program; Some(Some(c)): yunlint command c
    let mut program: Option<Option<String>> = None;
    let mut after_yunlint = false;
    for token in segment.split(|c: char| c.is_whitespace() || c == '(' || c == '[') {
        let token =
            token.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | ',' | ';' | ')' | ']'));
        if token.is_empty() {
            continue;
        }
        if matches!(token, "|" | "&&" | "||" | "$" | ">" | ">>") {
            program = None;
            after_yunlint = false;
            continue;
        }
        if token == "yunlint" || token.ends_with("/yunlint") {
            program = Some(Some(String::new()));
            after_yunlint = true;
            continue;
        }
        if after_yunlint && commands.contains(token) {
            program = Some(Some(token.to_owned()));
            after_yunlint = false;
            continue;
        }
        if OTHER_PROGRAMS.contains(&token) {
            program = Some(None);
            after_yunlint = false;
            continue;
        }
        let Some(flag) = token.strip_prefix("--") else {
            continue;
        };
        let flag: String = flag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let flag = flag.trim_end_matches('-');
        if flag.is_empty() || !flag.starts_with(|c: char| c.is_ascii_lowercase()) {
            continue;
        }
        match &program {
            Some(None) => {}
            Some(Some(command)) => out.push((Some(command.clone()), flag.to_owned())),
            None => out.push((None, flag.to_owned())),
        }
    }
    out
}

#[test]
fn every_flag_the_pages_mention_exists() {
    let flags = long_flags();
    let commands: BTreeSet<String> = flags.keys().filter(|k| !k.is_empty()).cloned().collect();
    let any: BTreeSet<&String> = flags.values().flatten().collect();
    let mut checked = 0;
    let mut unknown = Vec::new();
    for page in pages(&["docs"], DEVELOPER_PAGES) {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for (line, segment) in segments(&text) {
            for (command, flag) in flags_in(&segment, &commands) {
                checked += 1;
                let known = match &command {
                    // `yunlint --format json`: the flag of some command
                    Some(c) if c.is_empty() => any.contains(&flag),
                    Some(c) => flags[c].contains(&flag),
                    None => any.contains(&flag),
                };
                if !known {
                    let on = match command {
                        Some(c) if !c.is_empty() => format!(" for `yunlint {c}`"),
                        _ => String::new(),
                    };
                    unknown.push(format!("{name}:{line}: `--{flag}`{on}"));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "flags the docs mention that do not exist:\n{}",
        unknown.join("\n")
    );
    assert!(checked >= 100, "only {checked} flag mentions read");
}

/// The words that follow `yunlint` in code: `yunlint inventory`, `$ yunlint chek`.
fn commands_in(segment: &str) -> Vec<String> {
    // `yunlint` where a command starts: first in the segment, or after a prompt, a pipe or a
    // YAML key that runs a command
    let mut tokens = vec![""];
    tokens.extend(segment.split_whitespace());
    tokens
        .windows(3)
        .filter(|w| {
            w[1] == "yunlint" && matches!(w[0], "" | "$" | "|" | "&&" | "-" | "run:" | "entry:")
        })
        .map(|w| w[2])
        .filter(|w| {
            w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .map(str::to_owned)
        .collect()
}

/// Code: lines of code blocks and inline code spans.
fn code_segments(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if in_block {
            out.push((n + 1, line.to_owned()));
        } else {
            out.extend(
                line.split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|span| (n + 1, span.to_owned())),
            );
        }
    }
    out
}

#[test]
fn every_command_the_pages_show_exists() {
    let flags = long_flags();
    let mut checked = 0;
    let mut unknown = Vec::new();
    for page in pages(&["docs"], DEVELOPER_PAGES) {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for (line, segment) in code_segments(&text) {
            for command in commands_in(&segment) {
                checked += 1;
                if !flags.contains_key(&command) {
                    unknown.push(format!("{name}:{line}: `yunlint {command}`"));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "commands the docs show that do not exist:\n{}",
        unknown.join("\n")
    );
    assert!(checked >= 50, "only {checked} commands read");
}

#[test]
fn a_flag_of_the_wrong_command_is_caught() {
    let flags = long_flags();
    let commands: BTreeSet<String> = flags.keys().filter(|k| !k.is_empty()).cloned().collect();
    let found = flags_in(
        "yunlint inventory --statistics | cargo install --locked",
        &commands,
    );
    assert_eq!(
        found,
        [(Some("inventory".to_owned()), "statistics".to_owned())]
    );
    assert!(!flags["inventory"].contains("statistics"));
    assert_eq!(commands_in("$ yunlint chek --quiet"), ["chek"]);
    assert!(!flags.contains_key("chek"));
    assert!(commands_in("tell yunlint the same").is_empty());
    assert!(flags["check"].contains("statistics"));
}
