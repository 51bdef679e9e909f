#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The command reference in docs/cli.md is generated from clap's definitions (src/cli.rs): the
//! part between the `GENERATED` markers is rewritten by `YUNLINT_BLESS=1 cargo test --test
//! cli_docs`, and this test fails when it is stale. The rest of the page is written by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command, CommandFactory};
use yunlint::cli::Cli;

const BEGIN: &str =
    "<!-- BEGIN GENERATED from src/cli.rs: YUNLINT_BLESS=1 cargo test --test cli_docs -->";
const END: &str = "<!-- END GENERATED -->";

fn page_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md")
}

/// A help text on one Markdown line: paragraphs joined, table pipes escaped.
fn inline(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// A help text as a table phrase: on one line, without the final period.
fn phrase(text: &str) -> String {
    let text = inline(text);
    text.strip_suffix('.').unwrap_or(&text).to_owned()
}

/// `An aligned table` → `an aligned table`, but `SARIF 2.1.0` and `GitHub ...` stay.
fn lower_first(text: &str) -> String {
    let word = text.split_whitespace().next().unwrap_or_default();
    if word.chars().skip(1).any(char::is_uppercase) {
        return text.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn help_of(arg: &Arg) -> String {
    arg.get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default()
}

/// `-o, --output <FILE>`, `[PATHS]...`, `--isolated`.
fn arg_name(arg: &Arg) -> String {
    let values: Vec<String> = arg
        .get_value_names()
        .map(|names| names.iter().map(|n| n.to_string()).collect())
        .unwrap_or_else(|| vec![arg.get_id().as_str().to_uppercase()]);
    let repeated = matches!(arg.get_action(), ArgAction::Append);
    if arg.is_positional() {
        let name = if arg.is_required_set() {
            format!("<{}>", values.join(" "))
        } else {
            format!("[{}]", values.join(" "))
        };
        return if repeated { format!("{name}...") } else { name };
    }
    let mut name = String::new();
    if let Some(short) = arg.get_short() {
        write!(name, "-{short}, ").unwrap();
    }
    write!(name, "--{}", arg.get_long().unwrap()).unwrap();
    if arg.get_action().takes_values() {
        write!(name, " <{}>", values.join(" ")).unwrap();
    }
    name
}

/// What an argument means, then its values, default, repetition and environment variable.
fn arg_meaning(arg: &Arg) -> String {
    let mut text = phrase(&help_of(arg));
    let values: Vec<String> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!(
                "`{}`: {}",
                v.get_name(),
                lower_first(&phrase(&help.to_string()))
            ),
            None => format!("`{}`", v.get_name()),
        })
        .collect();
    if !values.is_empty() && arg.get_action().takes_values() {
        let sep = if values.iter().any(|v| v.contains(':')) {
            "; "
        } else {
            ", "
        };
        write!(text, ". Values: {}", values.join(sep)).unwrap();
    }
    let is_switch = matches!(
        arg.get_action(),
        ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
    );
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    if !defaults.is_empty() && !is_switch {
        write!(text, ". Default: {}", defaults.join(", ")).unwrap();
    }
    // said once: the help of most repeatable options already says so
    if matches!(arg.get_action(), ArgAction::Append)
        && !arg.is_positional()
        && !text.to_lowercase().contains("repeat")
    {
        text.push_str(if arg.get_value_delimiter().is_some() {
            ". Repeatable, or comma-separated"
        } else {
            ". Repeatable"
        });
    }
    if let Some(env) = arg.get_env() {
        write!(text, ". Environment: `{}`", env.to_string_lossy()).unwrap();
    }
    text
}

fn is_builtin(arg: &Arg) -> bool {
    matches!(arg.get_id().as_str(), "help" | "version")
}

fn command_section(command: &mut Command, out: &mut String) {
    let name = command.get_name().to_owned();
    writeln!(out, "## `yunlint {name}`\n").unwrap();
    let about = command
        .get_long_about()
        .or_else(|| command.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    // One Markdown paragraph per help paragraph, each a sentence that ends with a period.
    for paragraph in about.split("\n\n").map(inline).filter(|p| !p.is_empty()) {
        writeln!(
            out,
            "{}.\n",
            paragraph.strip_suffix('.').unwrap_or(&paragraph)
        )
        .unwrap();
    }
    let usage = command.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    writeln!(out, "```text\n{}\n```\n", usage.trim()).unwrap();
    let args: Vec<&Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !is_builtin(a))
        .collect();
    if args.is_empty() {
        return;
    }
    writeln!(out, "| argument or option | meaning |\n|---|---|").unwrap();
    for arg in args {
        writeln!(out, "| `{}` | {} |", arg_name(arg), arg_meaning(arg)).unwrap();
    }
    out.push('\n');
}

/// The generated part of docs/cli.md.
fn reference() -> String {
    let mut yunlint = Cli::command();
    yunlint.build();
    let mut out = String::new();
    writeln!(out, "{BEGIN}\n").unwrap();
    writeln!(out, "## Commands\n").unwrap();
    writeln!(out, "| command | what it does |\n|---|---|").unwrap();
    for sub in yunlint.get_subcommands().filter(|c| !c.is_hide_set()) {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            "| [`{name}`](#yunlint-{name}) | {} |",
            phrase(&about),
            name = sub.get_name()
        )
        .unwrap();
    }
    writeln!(
        out,
        "\nEvery command takes `-h` (a short help) and `--help` (the full help), as does `yunlint` \
         itself, which also takes `-V, --version`.\n"
    )
    .unwrap();
    let mut subs: Vec<Command> = yunlint
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .cloned()
        .collect();
    for sub in &mut subs {
        command_section(sub, &mut out);
    }
    out.push_str(END);
    out
}

#[test]
fn the_command_reference_is_generated_from_clap() {
    let path = page_path();
    let page = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (page.find(BEGIN), page.find(END)) else {
        panic!("docs/cli.md lacks the `{BEGIN}` and `{END}` markers");
    };
    let current = &page[start..end + END.len()];
    let expected = reference();
    if std::env::var_os("YUNLINT_BLESS").is_some() {
        let updated = format!("{}{expected}{}", &page[..start], &page[end + END.len()..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        current == expected,
        "docs/cli.md's command reference is stale: run `YUNLINT_BLESS=1 cargo test --test cli_docs`"
    );
}
