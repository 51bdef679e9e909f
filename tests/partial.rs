#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Issue 19: `check` with paths evaluates only the Terraform roots whose findings can concern
//! them, and reports exactly what the full run reports for them. Each run naming paths is
//! compared, byte for byte, with the same run evaluating every root (a baseline that hides
//! nothing keeps the whole Terraform world), and its findings with the full run's that concern
//! the paths.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// `yunlint ARGS` in `dir`: standard output and standard error.
fn yunlint(dir: &Path, args: &[&str], stdin: Option<&str>) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .args(["--as-of", "2026-11-23"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}: `yunlint {}` failed: {stderr}",
        dir.display(),
        args.join(" ")
    );
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// A baseline that hides nothing: with it, `check` evaluates every root.
fn empty_baseline() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"{\n  \"version\": 2,\n  \"findings\": []\n}\n")
        .unwrap();
    file
}

/// The full run's findings that concern `paths`: a label in a named file or under a named
/// directory, or a placement of a Terraform root or Terragrunt unit in one.
fn full_run_restricted(dir: &Path, paths: &[&str]) -> Vec<Value> {
    let (full, _) = yunlint(dir, &["check", "--format", "json"], None);
    let full: Value = serde_json::from_str(&full).unwrap();
    let named = |file: &str| paths.iter().any(|p| Path::new(file).starts_with(p));
    full["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let root_dir = f["placement"]["address"]
                .as_str()
                .and_then(|a| a.split_once(':'))
                .filter(|(dir, _)| !dir.contains('#'))
                .map(|(dir, _)| dir);
            named(f["file"].as_str().unwrap())
                || f["related"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|r| named(r["file"].as_str().unwrap()))
                || root_dir.is_some_and(named)
        })
        .cloned()
        .collect()
}

/// `check --format json PATHS` reports what it reports evaluating every root, and the full run's
/// findings for those paths; its report is returned.
fn assert_partial_run_is_exact(dir: &Path, paths: &[&str], stdin: Option<&str>) -> Value {
    let baseline = empty_baseline();
    let mut args = vec!["check", "--format", "json"];
    args.extend(paths);
    let (partial, _) = yunlint(dir, &args, stdin);
    let baseline_path = baseline.path().to_str().unwrap();
    args.extend(["--baseline", baseline_path]);
    let (every_root, _) = yunlint(dir, &args, stdin);
    assert_eq!(
        partial,
        every_root,
        "{}: `check {}` differs from the same run evaluating every root",
        dir.display(),
        paths.join(" ")
    );
    let partial: Value = serde_json::from_str(&partial).unwrap();
    // (the full run is the same command without paths: not with standard input or flags)
    if stdin.is_none() && !paths.iter().any(|p| p.starts_with('-')) {
        let named: Vec<&str> = paths.iter().map(|p| p.trim_end_matches('/')).collect();
        assert_eq!(
            partial["findings"].as_array().unwrap(),
            &full_run_restricted(dir, &named),
            "{}: `check {}` differs from the full run restricted to it",
            dir.display(),
            paths.join(" ")
        );
    }
    partial
}

fn addresses(report: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["placement"]["address"].as_str())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The roots a run evaluated: the fixture's roots each declare a resource with `count = 0`, of
/// which `--verbose` notes every evaluation.
fn evaluated(dir: &Path, paths: &[&str]) -> Vec<String> {
    let mut args = vec!["check", "--format", "json", "--verbose"];
    args.extend(paths);
    let (_, stderr) = yunlint(dir, &args, None);
    let mut roots: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("note: "))
        .filter_map(|l| l.split_once(":alicloud_oss_bucket.spare"))
        .map(|(root, _)| root.to_owned())
        .collect();
    roots.sort();
    roots
}

#[test]
fn a_named_module_file_is_judged_through_the_two_roots_that_call_it_and_no_other() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["modules/db/main.tf"], None);
    assert_eq!(
        addresses(&report),
        [
            "envs/dr:module.db.alicloud_db_instance.ledger",
            "envs/prod:module.db.alicloud_db_instance.ledger"
        ]
    );
    assert_eq!(
        evaluated(&dir, &["modules/db/main.tf"]),
        ["envs/dr", "envs/prod"]
    );
}

#[test]
fn a_named_root_file_is_judged_with_its_own_root_alone() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["envs/prod/main.tf"], None);
    assert_eq!(
        addresses(&report),
        [
            "envs/prod:module.ack.alicloud_cs_managed_kubernetes.cluster",
            "envs/prod:module.db.alicloud_db_instance.ledger",
            // the manifest's cluster and its region come through the file
            "k8s/prod/api.yaml#Deployment/payments/api",
        ]
    );
    assert_eq!(evaluated(&dir, &["envs/prod/main.tf"]), ["envs/prod"]);
}

#[test]
fn a_named_tfvars_file_reports_every_placement_its_value_reaches() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["envs/prod/terraform.tfvars"], None);
    assert_eq!(addresses(&report).len(), 3, "{report:#}");
    assert_eq!(
        evaluated(&dir, &["envs/prod/terraform.tfvars"]),
        ["envs/prod"]
    );
}

#[test]
fn a_named_manifest_is_judged_with_the_root_that_creates_its_cluster() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["k8s/prod/api.yaml"], None);
    assert_eq!(
        addresses(&report),
        ["k8s/prod/api.yaml#Deployment/payments/api"]
    );
    assert_eq!(evaluated(&dir, &["k8s/prod/api.yaml"]), ["envs/prod"]);
    // a cluster given by its region needs no Terraform
    assert_partial_run_is_exact(&dir, &["k8s/test/runner.yaml"], None);
    assert!(evaluated(&dir, &["k8s/test/runner.yaml"]).is_empty());
}

#[test]
fn a_named_descriptor_needs_no_terraform() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["services/reports.deploy.toml"], None);
    assert_eq!(addresses(&report), ["services/reports.deploy.toml#reports"]);
    assert!(evaluated(&dir, &["services/reports.deploy.toml"]).is_empty());
}

#[test]
fn a_named_directory_is_judged_with_every_root_its_files_reach() {
    let dir = fixture("partial-roots");
    for (paths, roots) in [
        (&["envs/test"][..], &["envs/test"][..]),
        (
            &["modules"],
            &["envs/dr", "envs/prod", "envs/test", "modules/loop-a"],
        ),
        (&["k8s"], &["envs/prod"]),
        (&["envs/dr", "k8s/test/"], &["envs/dr"]),
    ] {
        assert_partial_run_is_exact(&dir, paths, None);
        assert_eq!(evaluated(&dir, paths), roots, "{paths:?}");
    }
}

#[test]
fn naming_the_configuration_or_a_var_file_evaluates_every_root() {
    let dir = fixture("partial-roots");
    let every = ["envs/dr", "envs/prod", "envs/test", "modules/loop-a"];
    assert_partial_run_is_exact(&dir, &["yunlint.toml"], None);
    assert_eq!(evaluated(&dir, &["yunlint.toml"]), every);
    let var_file = [
        "--var-file",
        "envs/prod/terraform.tfvars",
        "envs/prod/terraform.tfvars",
    ];
    assert_partial_run_is_exact(&dir, &var_file, None);
    assert_eq!(evaluated(&dir, &var_file), every);
}

#[test]
fn modules_no_root_reaches_are_evaluated_on_their_own_when_named() {
    let dir = fixture("partial-roots");
    let report = assert_partial_run_is_exact(&dir, &["modules/loop-b/main.tf"], None);
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert_eq!(
        evaluated(&dir, &["modules/loop-b/main.tf"]),
        ["modules/loop-a"]
    );
}

#[test]
fn standard_input_standing_for_a_root_file_is_judged_with_that_root() {
    let dir = fixture("partial-roots");
    let text = std::fs::read_to_string(dir.join("envs/test/main.tf"))
        .unwrap()
        .replace("ap-southeast-1", "cn-hongkong");
    let report = assert_partial_run_is_exact(
        &dir,
        &["-", "--stdin-filename", "envs/test/main.tf"],
        Some(&text),
    );
    assert!(report.to_string().contains("cn-hongkong"), "{report:#}");
}

/// Every file and directory of `name`, relative to it (hidden ones and `skip` left out).
fn every_path(root: &Path, skip: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            if rel.starts_with('.') || rel.contains("/.") || skip.iter().any(|s| rel.starts_with(s))
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.push(rel);
        }
    }
    out.sort();
    out
}

fn assert_every_path_is_exact(name: &str, skip: &[&str]) {
    let dir = fixture(name);
    for path in every_path(&dir, skip) {
        assert_partial_run_is_exact(&dir, &[&path], None);
    }
}

#[test]
fn every_path_of_the_partial_roots_repository_is_judged_exactly() {
    assert_every_path_is_exact("partial-roots", &[]);
}

#[test]
fn every_path_of_the_context_bank_is_judged_exactly() {
    assert_every_path_is_exact("context-bank", &[]);
}

#[test]
fn every_path_of_the_kubernetes_on_terraform_repository_is_judged_exactly() {
    assert_every_path_is_exact("k8s-terraform", &[]);
}

#[test]
fn every_path_of_the_terragrunt_repository_is_judged_exactly() {
    assert_every_path_is_exact("terragrunt-live", &[]);
}

#[test]
fn every_path_of_the_roots_configuration_is_judged_exactly() {
    assert_every_path_is_exact("terraform-roots", &[]);
}

#[test]
fn every_path_of_the_example_bank_is_judged_exactly() {
    assert_every_path_is_exact("example-bank", &["archive"]);
}

#[test]
fn every_path_of_the_var_files_repository_is_judged_exactly() {
    assert_every_path_is_exact("terraform-var-files", &[]);
}
