#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! docs/README.md's path from zero to a CI gate, followed literally on a copy of
//! `fixtures/first-run/repo`: every `$ yunlint …` command of its console blocks is run in order
//! and must print what the page shows, the file edit the page shows is made, and the SARIF log it
//! writes must match the SARIF 2.1.0 schema. The steps and exit codes the page describes are
//! listed here too, so that neither the page nor this test can drop or add a step alone.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One step of the page's walkthrough.
#[derive(Debug, PartialEq)]
enum Step {
    /// A `$ command` of a console block, with the output shown under it.
    Run { command: String, output: String },
    /// A code block whose first line is `# <path>`: that file's new content.
    Edit { path: String, content: String },
}

/// The steps of the "From zero to a CI gate" section, in the page's order.
fn steps(page: &str) -> Vec<Step> {
    let section = &page[page
        .find("## From zero to a CI gate")
        .expect("the walkthrough section")..];
    let mut steps = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        match lang {
            "console" => {
                for line in &block {
                    if let Some(command) = line.strip_prefix("$ ") {
                        steps.push(Step::Run {
                            command: command.to_owned(),
                            output: String::new(),
                        });
                    } else if let Some(Step::Run { output, .. }) = steps.last_mut() {
                        output.push_str(line);
                        output.push('\n');
                    }
                }
            }
            "hcl" => {
                if let Some(path) = block.first().and_then(|l| l.strip_prefix("# ")) {
                    steps.push(Step::Edit {
                        path: path.to_owned(),
                        content: block.join("\n") + "\n",
                    });
                }
            }
            _ => {}
        }
    }
    steps
}

/// Output as the page shows it: times elided, no trailing spaces.
fn normalized(text: &str) -> String {
    let time = regex::Regex::new(r"\(\d+\.\d+s\)").unwrap();
    time.replace_all(text, "(…s)")
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_readme_walkthrough_runs_as_written_from_init_to_a_sarif_ci_gate() {
    let page = std::fs::read_to_string(root().join("docs/README.md")).unwrap();
    let steps = steps(&page);

    // What the page walks through, with the exit code each command must give.
    let expected: [(&str, Option<i32>); 7] = [
        ("yunlint init", Some(0)),
        ("yunlint check", Some(1)),
        (
            "yunlint check --write-baseline .yunlint-baseline.json",
            Some(0),
        ),
        ("yunlint check --baseline .yunlint-baseline.json", Some(0)),
        ("edit envs/prod/prod.tfvars", None),
        ("yunlint check --baseline .yunlint-baseline.json", Some(1)),
        (
            "yunlint check --baseline .yunlint-baseline.json --format sarif --output yunlint.sarif",
            Some(1),
        ),
    ];
    let described: Vec<String> = steps
        .iter()
        .map(|s| match s {
            Step::Run { command, .. } => command.clone(),
            Step::Edit { path, .. } => format!("edit {path}"),
        })
        .collect();
    assert_eq!(
        described,
        expected
            .iter()
            .map(|(s, _)| s.to_string())
            .collect::<Vec<_>>()
    );

    let repo = tempfile::tempdir().unwrap();
    let dir: PathBuf = repo.path().to_path_buf();
    copy(&root().join("fixtures/first-run/repo"), &dir);
    assert!(
        !dir.join("yunlint.toml").exists(),
        "the walkthrough starts without a configuration"
    );

    for (step, (_, code)) in steps.iter().zip(expected) {
        match step {
            Step::Edit { path, content } => std::fs::write(dir.join(path), content).unwrap(),
            Step::Run { command, output } => {
                let mut words = command.split_whitespace();
                assert_eq!(words.next(), Some("yunlint"));
                let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
                    .args(words)
                    .current_dir(&dir)
                    .env("NO_COLOR", "1")
                    .env("COLUMNS", "100")
                    .output()
                    .unwrap();
                let shown = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(out.status.code(), code, "`{command}`:\n{shown}");
                assert_eq!(
                    normalized(&shown),
                    normalized(output),
                    "`{command}` does not print what docs/README.md shows"
                );
            }
        }
    }

    // The SARIF log of the last step: valid SARIF 2.1.0, with the new finding only.
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("yunlint.sarif")).unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0]["ruleId"], "YL201");

    // The page sends readers to the one workflow, which writes the same SARIF file.
    assert!(
        page.contains("(ci.md#github-actions)"),
        "the walkthrough links the GitHub Actions workflow"
    );
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(
        ci.contains("run: yunlint check --format sarif --output yunlint.sarif"),
        "the workflow in ci.md writes yunlint.sarif as the walkthrough does"
    );
}
