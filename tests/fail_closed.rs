#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Fail closed: on every fixture repository, every placement and replica in the inventory either
//! has a known region or has a finding that says why not. A silent pass is the worst bug a
//! compliance linter can have.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn run(dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .args(["--isolated", "--as-of", "2026-11-23"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: `{}` wrote no JSON document ({e}); stderr: {}",
            dir.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The fixture repositories: each directory right under `fixtures/`, and each scenario under
/// the fixtures that hold one per directory.
fn repositories() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        out.push(dir);
    }
    out.sort();
    out
}

/// Whether an inline suppression in `file` may have hidden the finding.
fn has_suppressions(dir: &Path, file: &str) -> bool {
    std::fs::read_to_string(dir.join(file)).is_ok_and(|text| text.contains("yunlint: allow"))
}

fn explained(
    findings: &[Value],
    address: &str,
    replica: Option<&str>,
    file: &str,
    line: u64,
) -> bool {
    findings.iter().any(|f| {
        let about = &f["placement"];
        let direct = about["address"] == address
            && about["replica"].as_str() == replica
            && !f["code"].as_str().unwrap_or_default().is_empty();
        // A finding about a provider configuration lists every resource that uses it.
        let related = replica.is_none()
            && f["related"].as_array().is_some_and(|related| {
                related
                    .iter()
                    .any(|r| r["file"] == file && r["start"]["line"] == line)
            });
        // Something that cannot be inspected at all (a manifest mapped to no cluster, a remote
        // module) is named in its finding's message.
        let uninspected = replica.is_none()
            && about.is_null()
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("`{address}`")));
        direct || related || uninspected
    })
}

#[test]
fn every_placement_of_every_fixture_has_a_region_or_a_finding() {
    let mut checked = 0;
    let mut silent = Vec::new();
    for dir in repositories() {
        let inventory = run(&dir, &["inventory", "--format", "json"]);
        let check = run(&dir, &["check", "--format", "json", "--exit-zero"]);
        let findings = check["findings"].as_array().cloned().unwrap_or_default();
        for p in inventory["placements"].as_array().unwrap() {
            let address = p["address"].as_str().unwrap();
            let file = p["file"].as_str().unwrap();
            let line = p["line"].as_u64().unwrap();
            if has_suppressions(&dir, file) {
                continue;
            }
            checked += 1;
            if p["region"].is_null() && !explained(&findings, address, None, file, line) {
                silent.push(format!("{}: {address}", dir.display()));
            }
            for replica in p["replicas"].as_array().unwrap() {
                let role = replica["role"].as_str();
                if replica["region"].is_null() && !explained(&findings, address, role, file, line) {
                    silent.push(format!(
                        "{}: {address} ({} replica)",
                        dir.display(),
                        role.unwrap_or_default()
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} placements were checked");
    assert!(
        silent.is_empty(),
        "placements without a region and without a finding:\n{}",
        silent.join("\n")
    );
}
