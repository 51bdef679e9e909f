#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! The shell examples users read are runs of the real binary. A ```` ```console ```` block in
//! README.md or docs/ that follows `<!-- example: NAME -->` shows the trycmd case
//! `tests/cmd/NAME.toml` (run by tests/cli.rs; `<!-- example: A, B -->` for a block of two
//! commands): its command line is the case's arguments and its
//! output is the case's standard output and error, with an elided `[..]` (the timing) shown as a
//! real value. So the page is marker-free and still tested. Every page is also checked for the
//! test markers themselves.

mod support;

use std::path::Path;
use support::docs::*;

/// `(name, block)` for each console block that follows an example marker.
fn marked_examples(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- example: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        while lines.peek().is_some_and(|l| l.trim().is_empty()) {
            lines.next();
        }
        assert_eq!(
            lines.next().map(str::trim),
            Some("```console"),
            "example {name}: the marker must be followed by a ```console block"
        );
        let mut block = String::new();
        for line in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            block.push_str(line);
            block.push('\n');
        }
        out.push((name.to_owned(), block));
    }
    out
}

/// The case's arguments, as a user types them.
fn command_line(case: &str) -> String {
    let value: toml::Value = toml::from_str(case).unwrap();
    let args = value["args"].as_array().unwrap();
    let mut line = String::from("$ yunlint");
    for arg in args {
        let arg = arg.as_str().unwrap();
        line.push(' ');
        if arg.contains(' ') {
            line.push_str(&format!("'{arg}'"));
        } else {
            line.push_str(arg);
        }
    }
    line
}

/// The snapshot as a regex: literal text, `[..]` standing for anything on its line.
fn pattern(snapshot: &str) -> regex::Regex {
    let parts: Vec<String> = snapshot.split("[..]").map(regex::escape).collect();
    regex::Regex::new(&format!("^{}$", parts.join("[^\n]*"))).unwrap()
}

/// One command of a marked block against the case `name`.
fn check_example(page: &Path, name: &str, block: &str) {
    let cases = root().join("tests/cmd");
    let read = |ext: &str| {
        std::fs::read_to_string(cases.join(format!("{name}.{ext}"))).unwrap_or_default()
    };
    let case = read("toml");
    assert!(
        !case.is_empty(),
        "{}: no tests/cmd/{name}.toml",
        page.display()
    );
    let (first, output) = block.split_once('\n').unwrap();
    assert_eq!(
        first,
        command_line(&case),
        "{}: the example's command is not the case's",
        page.display()
    );
    let snapshot = format!("{}{}", read("stdout"), read("stderr"));
    assert!(
        pattern(&snapshot).is_match(output),
        "{}: example {name} differs from tests/cmd/{name}.stdout and .stderr \
         (copy the snapshot into the page, with a real value for each [..]):\n{output}",
        page.display()
    );
}

#[test]
fn marked_examples_are_the_trycmd_cases() {
    let mut seen = 0;
    for page in pages(&["docs", "docs/rules"], &[]) {
        let text = std::fs::read_to_string(&page).unwrap();
        for (names, block) in marked_examples(&text) {
            // one case per command of the block, in order: `<!-- example: a, b -->`
            let mut runs: Vec<String> = Vec::new();
            for line in block.lines() {
                if line.starts_with("$ ") || runs.is_empty() {
                    runs.push(String::new());
                }
                let run = runs.last_mut().unwrap();
                run.push_str(line);
                run.push('\n');
            }
            let names: Vec<&str> = names.split(',').map(str::trim).collect();
            assert_eq!(
                names.len(),
                runs.len(),
                "{}: example {names:?} shows {} commands",
                page.display(),
                runs.len()
            );
            for (name, run) in names.into_iter().zip(runs) {
                seen += 1;
                check_example(&page, name, &run);
            }
        }
    }
    assert!(seen >= 2, "only {seen} marked examples");
}

#[test]
fn pages_show_no_test_markers() {
    for page in pages(&["docs", "docs/rules"], &[]) {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut in_console = false;
        for (n, line) in text.lines().enumerate() {
            let at = format!("{}:{}", page.display(), n + 1);
            assert!(
                !line.contains("expect_finding"),
                "{at}: a test marker in a page"
            );
            match line.trim() {
                "```console" => in_console = true,
                "```" => in_console = false,
                l if in_console => {
                    assert!(
                        !(l.contains("[..]") || (l.starts_with("? ") && l.len() <= 5)),
                        "{at}: a trycmd marker in an example: {l}"
                    );
                }
                _ => {}
            }
        }
    }
}

/// json-output.md's two example documents are what yunlint writes for the page's three files.
#[test]
fn json_output_examples_are_what_yunlint_writes() {
    let page = std::fs::read_to_string(root().join("docs/json-output.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = code_blocks(&page, &["toml"]);
    assert_eq!(files.len(), 3, "the example's three files");
    for file in &files {
        // each block is `# <path>`, then the file
        let (first, content) = file.split_once('\n').unwrap();
        let path = dir.path().join(first.trim_start_matches("# "));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    std::fs::write(dir.path().join("yunlint.toml"), "# the project root\n").unwrap();
    let documents = code_blocks(&page, &["json"]);
    assert_eq!(
        documents.len(),
        2,
        "check's and inventory's example documents"
    );
    for (args, expected) in [
        (["check", "--format", "json"], &documents[0]),
        (["inventory", "--format", "json"], &documents[1]),
    ] {
        assert_writes("docs/json-output.md", dir.path(), &args, expected);
    }
}

/// output-formats.md's GitLab and JUnit documents are what yunlint writes for the page's
/// descriptor (the SARIF example is shortened, and the github one is a trycmd case).
#[test]
fn output_format_examples_are_what_yunlint_writes() {
    let page = std::fs::read_to_string(root().join("docs/output-formats.md")).unwrap();
    let case: toml::Value = toml::from_str(
        &std::fs::read_to_string(root().join("tests/cmd/docs-format-github.toml")).unwrap(),
    )
    .unwrap();
    let cwd = root()
        .join("tests/cmd")
        .join(case["fs"]["cwd"].as_str().unwrap());
    let json = code_blocks(&page, &["json"]);
    let examples = [
        (
            vec!["check", "--format", "gitlab"],
            json.last().unwrap().clone(),
        ),
        (
            vec!["check", "--format", "junit"],
            code_blocks(&page, &["xml"])[0].clone(),
        ),
    ];
    for (args, expected) in examples {
        assert_writes("docs/output-formats.md", &cwd, &args, &expected);
    }
}

/// `yunlint ARGS`, run in `cwd`, writes exactly the document `page` shows.
fn assert_writes(page: &str, cwd: &Path, args: &[&str], expected: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{page}: `yunlint {}` writes another document",
        args.join(" ")
    );
}
