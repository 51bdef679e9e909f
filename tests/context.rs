#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Issue 13: however yunlint is called, it gives the full run's findings. A run given paths
//! reports exactly the findings of the full run whose primary span or any chain step lies in a
//! named file or under a named directory; its inventory, the full run's placements picked the same
//! way.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yunlint::{LintOptions, LintRun, lint};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A run as `yunlint check` asks for it: findings only.
fn run(cwd: &Path, paths: &[PathBuf]) -> LintRun {
    lint_with(cwd, paths, true)
}

/// A run as `yunlint inventory` asks for it: placements too.
fn inventory_run(cwd: &Path, paths: &[PathBuf]) -> LintRun {
    lint_with(cwd, paths, false)
}

fn lint_with(cwd: &Path, paths: &[PathBuf], findings_only: bool) -> LintRun {
    let options = LintOptions {
        paths: paths.to_vec(),
        as_of: Some("2026-11-23".parse().unwrap()),
        findings_only,
        ..LintOptions::default()
    };
    lint(&options, cwd).unwrap_or_else(|_| panic!("the run on {paths:?} failed"))
}

/// A finding as a user sees it: code, file and position, message, subject.
type Seen = (String, String, usize, usize, String, Option<String>);

/// `keep` sees the files of a finding's labels, and the directory of the Terraform root or
/// Terragrunt unit of its placement.
fn seen(run: &LintRun, keep: impl Fn(&[&Path]) -> bool) -> BTreeSet<Seen> {
    run.findings
        .iter()
        .filter(|f| {
            let root_dir = f
                .subject
                .as_ref()
                .and_then(|s| s.address.split_once(':'))
                .filter(|(dir, _)| !dir.contains('#'))
                .map(|(dir, _)| run.context.root.join(dir));
            let files: Vec<&Path> = std::iter::once(&f.primary)
                .chain(&f.secondary)
                .map(|l| &*run.sources.get(l.span.source).path)
                .chain(root_dir.as_deref())
                .collect();
            keep(&files)
        })
        .map(|f| {
            let file = run.sources.get(f.primary.span.source);
            (
                f.rule.code.to_owned(),
                file.display.to_string(),
                f.primary.span.start(),
                f.primary.span.end(),
                f.message.clone(),
                f.subject.as_ref().map(|s| s.address.clone()),
            )
        })
        .collect()
}

fn addresses(run: &LintRun) -> BTreeSet<String> {
    run.placements.iter().map(|p| p.address.clone()).collect()
}

/// Every file yunlint reads and every directory of the fixture, relative to it.
fn every_path(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path.clone());
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            } else if yunlint::discover::classify(&path).is_some() || name.ends_with(".hcl") {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// `skip`: paths the full run does not read (excluded ones, which a named file overrides) or that
/// are a project of their own (with their own yunlint.toml).
fn assert_restriction_of_full_run(name: &str, skip: &[&str]) {
    let root = fixture(name);
    let full = run(&root, &[]);
    let in_full: BTreeSet<String> = addresses(&inventory_run(&root, &[]));
    assert!(
        !in_full.is_empty(),
        "{name}: the full inventory lists placements"
    );
    assert!(
        !full.findings.is_empty(),
        "{name}: the full run finds something"
    );
    let paths = every_path(&root);
    assert!(paths.len() > 5, "{name}: {paths:?}");
    for path in paths
        .into_iter()
        .filter(|p| !skip.iter().any(|s| p.starts_with(s)))
    {
        let named = std::fs::canonicalize(root.join(&path)).unwrap();
        let partial = run(&root, std::slice::from_ref(&path));
        let expected = seen(&full, |files| files.iter().any(|f| f.starts_with(&named)));
        assert_eq!(
            seen(&partial, |_| true),
            expected,
            "{name}: `check {}` differs from the full run restricted to it",
            path.display()
        );
        assert!(
            addresses(&inventory_run(&root, std::slice::from_ref(&path))).is_subset(&in_full),
            "{name}: `inventory {}` lists placements the full run does not",
            path.display()
        );
    }
}

#[test]
fn every_file_and_directory_of_the_context_bank_gives_the_full_runs_findings_for_it() {
    assert_restriction_of_full_run("context-bank", &[]);
}

#[test]
fn every_file_and_directory_of_the_example_bank_gives_the_full_runs_findings_for_it() {
    assert_restriction_of_full_run("example-bank", &["archive"]);
}

#[test]
fn every_file_and_directory_of_the_terraform_scenarios_gives_the_full_runs_findings_for_it() {
    assert_restriction_of_full_run("terraform-paths", &["11-cli-vars"]);
}

#[test]
fn every_file_and_directory_of_the_terragrunt_repository_gives_the_full_runs_findings_for_it() {
    assert_restriction_of_full_run("terragrunt-live", &[]);
}

#[test]
fn every_file_and_directory_of_the_roots_configuration_gives_the_full_runs_findings_for_it() {
    assert_restriction_of_full_run("terraform-roots", &[]);
}

#[test]
fn every_spelling_of_the_root_gives_the_full_run() {
    let root = fixture("context-bank");
    let full = run(&root, &[]);
    let everything = |_: &[&Path]| true;
    for (cwd, path) in [
        ("envs/prod", "../.."),
        ("envs/prod", "../../envs/.."),
        ("modules/x", "../../."),
        (".", "."),
    ] {
        let partial = run(&root.join(cwd), &[PathBuf::from(path)]);
        let strip = |set: BTreeSet<Seen>| -> BTreeSet<_> {
            set.into_iter()
                .map(|(code, _, start, end, message, subject)| (code, start, end, message, subject))
                .collect()
        };
        assert_eq!(
            strip(seen(&partial, everything)),
            strip(seen(&full, everything)),
            "`cd {cwd} && yunlint check {path}`"
        );
        assert_eq!(
            partial.files, full.files,
            "`cd {cwd} && yunlint check {path}`"
        );
    }
}

#[test]
fn a_module_file_is_judged_through_every_caller_and_never_as_a_root() {
    let root = fixture("context-bank");
    let partial = run(&root, &[PathBuf::from("modules/x/main.tf")]);
    let subjects: BTreeSet<String> = partial
        .findings
        .iter()
        .filter_map(|f| f.subject.as_ref().map(|s| s.address.clone()))
        .collect();
    assert!(subjects.contains("envs/dr:module.x.alicloud_db_instance.ledger"));
    assert!(
        partial.findings.iter().all(|f| f.rule.code != "YL204"),
        "no `region unresolved` from evaluating the module as a root"
    );
    let placements = addresses(&inventory_run(&root, &[PathBuf::from("modules/x/main.tf")]));
    assert!(placements.contains("envs/prod:module.x.alicloud_db_instance.ledger"));
    assert!(placements.contains("envs/dr:module.x.alicloud_db_instance.ledger"));
    assert!(!placements.iter().any(|a| a.starts_with("modules/x:")));
}

/// The JSON document a command writes in `dir`.
fn document(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .args(["--format", "json", "--as-of", "2026-11-23"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {args:?} wrote no JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every fixture repository whose configuration is valid.
fn fixture_repositories() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixture("")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            }
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if dir.join("yunlint.toml").is_file() && !name.starts_with("bad-config") {
            out.push(dir);
        }
    }
    out.sort();
    out
}

#[test]
fn every_findings_placement_is_in_the_inventory_of_the_same_run() {
    let repositories = fixture_repositories();
    assert!(repositories.len() > 20, "{repositories:?}");
    for dir in repositories {
        let check = document(&dir, &["check"]);
        let inventory = document(&dir, &["inventory"]);
        let listed = inventory["placements"].as_array().unwrap();
        for finding in check["findings"].as_array().unwrap() {
            let code = finding["code"].as_str().unwrap();
            let message = finding["message"].as_str().unwrap();
            let bare = |a: &str| a.rsplit(':').next().unwrap_or(a).to_owned();
            if let Some(address) = finding["placement"]["address"]
                .as_str()
                .filter(|a| bare(a).starts_with("provider."))
            {
                // about a provider configuration: each resource that uses it is listed
                let users: Vec<&serde_json::Value> = finding["related"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["message"].as_str().unwrap().ends_with(" uses it"))
                    .collect();
                assert!(!users.is_empty(), "{code} on `{address}` names no resource");
                for user in users {
                    assert!(
                        listed.iter().any(
                            |p| p["file"] == user["file"] && p["line"] == user["start"]["line"]
                        ),
                        "{}: {code} on `{address}`: {} is not in the inventory",
                        dir.display(),
                        user["message"]
                    );
                }
            } else if let Some(address) = finding["placement"]["address"].as_str() {
                assert!(
                    listed.iter().any(|p| p["address"] == address),
                    "{}: {code} on `{address}` is not in the inventory",
                    dir.display()
                );
            } else if code == "YL204" {
                // something that cannot be inspected: listed with its reason
                assert!(
                    listed.iter().any(|p| {
                        p["region"].is_null()
                            && message
                                == format!(
                                    "placement of `{}` cannot be determined: {}",
                                    p["address"].as_str().unwrap(),
                                    p["region_reason"].as_str().unwrap_or_default()
                                )
                    }),
                    "{}: `{message}` is not in the inventory",
                    dir.display()
                );
            }
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn a_generated_provider_region_from_get_env_is_unknown_with_the_variables_name() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("terragrunt-live"), dir.path());
    let parent = dir.path().join("terragrunt.hcl");
    let text = std::fs::read_to_string(&parent).unwrap().replace(
        "region      = local.region_vars.locals.region",
        "region      = get_env(\"ALICLOUD_REGION\", \"cn-shanghai\")",
    );
    std::fs::write(&parent, text).unwrap();
    let inventory = document(dir.path(), &["inventory", "live/prod/app"]);
    let ledger = inventory["placements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["address"] == "live/prod/app:alicloud_db_instance.ledger")
        .unwrap();
    assert!(ledger["region"].is_null());
    let reason = ledger["region_reason"].as_str().unwrap();
    assert!(reason.contains("`ALICLOUD_REGION`"), "{reason}");
}

/// A run naming only Terraform files reads no descriptor and no manifest of a cluster given by
/// its region, but it still reads the manifests of a cluster that Terraform creates: their
/// region comes through the named file.
#[test]
fn a_run_naming_a_tfvars_file_reports_the_manifest_on_the_cluster_it_places() {
    let root = fixture("context-bank");
    let partial = run(&root, &[PathBuf::from("envs/dr/terraform.tfvars")]);
    let seen: Vec<(String, String)> = partial
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.code.to_owned(),
                partial.sources.get(f.primary.span.source).rel.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("YL201".to_owned(), "k8s/dr/api.yaml".to_owned()),
            ("YL201".to_owned(), "modules/x/main.tf".to_owned()),
            ("YL201".to_owned(), "modules/x/main.tf".to_owned()),
        ]
    );
}
