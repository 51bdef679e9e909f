#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The progress line: drawn on a terminal and cleared before the report, never written into a
//! pipe or a file (CI logs).

use std::path::{Path, PathBuf};
use std::process::Command;

const CLEAR: &str = "\r\x1b[2K";
const PROGRESS: &str = "Terraform roots evaluated";

fn example_bank() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example-bank")
}

#[test]
fn no_progress_line_goes_into_a_pipe() {
    for args in [
        &["check", "--color", "never"][..],
        &["inventory"],
        &["init", "--print"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
            .args(args)
            .current_dir(example_bank())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        for text in [&stderr, &stdout] {
            assert!(
                !text.contains(PROGRESS) && !text.contains('\x1b') && !text.contains('\r'),
                "{args:?}: {text}"
            );
        }
    }
}

/// Runs `yunlint check` with its standard error (and output) on a pseudo-terminal, through
/// util-linux's `script`, and returns what the terminal received.
fn on_a_terminal(args: &str) -> String {
    let command = format!("'{}' {args}", env!("CARGO_BIN_EXE_yunlint"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(example_bank())
        .env("NO_COLOR", "1")
        .output()
        .expect("`script` (util-linux, in Debian's essential bsdutils) runs the pty test");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn on_a_terminal_the_progress_line_is_drawn_and_cleared_before_the_report() {
    let text = on_a_terminal("check --color never");
    let first = text
        .find(PROGRESS)
        .unwrap_or_else(|| panic!("no progress line: {text:?}"));
    assert!(
        text[..first].ends_with("yunlint: 0 files read, 0 "),
        "{text:?}"
    );
    // The last drawing is erased, on its own line, before anything else is written.
    let last = text.rfind(PROGRESS).unwrap();
    let rest = &text[last + PROGRESS.len()..];
    assert!(rest.starts_with(CLEAR), "{text:?}");
    let report = &rest[CLEAR.len()..];
    assert!(report.starts_with("YL"), "{report:?}");
    assert!(
        report.contains("\nerror: 18 errors, 2 warnings in 29 files ("),
        "{report:?}"
    );
}

#[test]
fn quiet_draws_no_progress_line() {
    let text = on_a_terminal("check --quiet --color never");
    assert!(
        !text.contains(PROGRESS) && !text.contains(CLEAR),
        "{text:?}"
    );
    assert!(text.starts_with("YL"), "{text:?}");
}
