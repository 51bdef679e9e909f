#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! `yunlint init` on repositories: what it writes, and that a first `check` after it reports only
//! the findings the repository really has, never one that is there because the configuration is
//! missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn yunlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A copy of `from` in a new temporary directory, without its yunlint.toml.
fn copy_repository(from: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(from, dir.path());
    let _ = std::fs::remove_file(dir.path().join("yunlint.toml"));
    dir
}

/// (code, file, line, message) of every finding of `check --format json`, and the exit code.
fn findings(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, String, u64, String)>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    let out = yunlint(dir, &args);
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut list: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    list.sort();
    (code, list)
}

fn codes(list: &[(String, String, u64, String)]) -> Vec<(&str, &str)> {
    list.iter()
        .map(|(c, f, _, _)| (c.as_str(), f.as_str()))
        .collect()
}

#[test]
fn after_init_a_first_check_reports_only_the_real_findings() {
    let repo = copy_repository(&fixture("first-run/repo"));
    let d = repo.path();
    // Without a configuration, the var file is not applied (YL208 says so) and the manifests are
    // on no cluster.
    let (_, before) = findings(d, &[]);
    assert_eq!(
        codes(&before),
        [
            ("YL202", "envs/prod/main.tf"),
            ("YL204", "envs/prod/main.tf"),
            ("YL204", "envs/prod/main.tf"),
            ("YL204", "k8s/prod/payments.yaml"),
            ("YL204", "k8s/prod/reports.yaml"),
            ("YL208", "envs/prod/prod.tfvars"),
        ]
    );

    let out = yunlint(d, &["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "found 1 Terraform root, 0 Terragrunt units, 1 manifest directory and 1 Kubernetes cluster in 4 files\n  \
         manifests in k8s/prod: cluster envs/prod:alicloud_cs_managed_kubernetes.prod\n  \
         var file envs/prod/prod.tfvars: root envs/prod\n\
         wrote yunlint.toml\n"
    );
    let (code, after) = findings(d, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&after),
        [
            ("YL202", "envs/prod/main.tf"),
            ("YL206", "k8s/prod/reports.yaml")
        ],
        "{after:#?}"
    );
    assert!(
        after[1]
            .3
            .contains("its cluster runs in `cn-shanghai-finance-1`"),
        "{after:#?}"
    );
}

#[test]
fn after_init_the_context_bank_is_judged_as_with_its_own_configuration() {
    let repo = copy_repository(&fixture("context-bank"));
    assert_eq!(yunlint(repo.path(), &["init"]).status.code(), Some(0));
    let written = std::fs::read_to_string(repo.path().join("yunlint.toml")).unwrap();
    assert!(
        written.contains(
            "paths = [\"k8s/dr/**\"]\nterraform = \"envs/dr:module.x.alicloud_cs_managed_kubernetes.cluster\""
        ),
        "{written}"
    );
    assert_eq!(
        findings(repo.path(), &[]),
        findings(&fixture("context-bank"), &[])
    );
}

#[test]
fn after_init_terragrunt_repositories_are_judged_as_with_their_own_configuration() {
    for name in ["terragrunt-live", "terragrunt-local-unit"] {
        let repo = copy_repository(&fixture(name));
        let out = yunlint(repo.path(), &["init"]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert_eq!(
            findings(repo.path(), &[]),
            findings(&fixture(name), &[]),
            "{name}"
        );
    }
    let out = yunlint(&fixture("terragrunt-live"), &["init", "--print"]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("found 0 Terraform roots, 7 Terragrunt units, 0 manifest directories"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_cluster_init_cannot_tell_stops_check_until_it_is_filled_in() {
    let repo = copy_repository(&fixture("example-bank"));
    let d = repo.path();
    let out = yunlint(d, &["init"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("  manifests in k8s/dr: cluster unknown, fill in its provider and region\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "fill in 1 cluster in yunlint.toml before `yunlint check`: look for FILL IN\n"
        ),
        "{stderr}"
    );
    // k8s/dr shares its name with a root that creates no cluster: never guessed to be prod's.
    let check = yunlint(d, &["check"]);
    assert_eq!(check.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("cluster `k8s-dr` needs either `provider` and `region`, or `terraform`"),
        "{stderr}"
    );

    // Filled in as the bank's own configuration says, no manifest is left on no cluster.
    let config = d.join("yunlint.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "name = \"k8s-dr\"\npaths = [\"k8s/dr/**\"]\n",
        "name = \"k8s-dr\"\npaths = [\"k8s/dr/**\"]\nprovider = \"tencentcloud\"\nregion = \"ap-shenzhen-fsi\"\n",
    );
    std::fs::write(&config, text).unwrap();
    let (code, after) = findings(d, &[]);
    assert_eq!(code, 1);
    let unmapped: Vec<_> = after
        .iter()
        .filter(|f| f.3.contains("mapped to no cluster"))
        .collect();
    assert!(unmapped.is_empty(), "{unmapped:#?}");
    // The manifests' real findings are those the bank's own configuration gives.
    let (_, own) = findings(&fixture("example-bank"), &[]);
    let k8s = |list: &[(String, String, u64, String)]| -> Vec<(String, String, u64, String)> {
        list.iter()
            .filter(|f| f.1.starts_with("k8s/") && !f.3.contains("mapped to no cluster"))
            .cloned()
            .collect()
    };
    assert_eq!(k8s(&after), k8s(&own));
}

#[test]
fn print_writes_nothing_and_shows_what_init_writes() {
    let repo = copy_repository(&fixture("first-run/repo"));
    let d = repo.path();
    let printed = yunlint(d, &["init", "--print"]);
    assert_eq!(printed.status.code(), Some(0));
    assert!(!d.join("yunlint.toml").exists());
    assert!(
        !String::from_utf8_lossy(&printed.stderr).contains("wrote"),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    // A function of the repository alone: the same twice, and the same as the written file.
    assert_eq!(
        yunlint(d, &["init", "--print"]).stdout,
        printed.stdout,
        "init --print is deterministic"
    );
    assert_eq!(yunlint(d, &["init", "--quiet"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read(d.join("yunlint.toml")).unwrap(),
        printed.stdout
    );
    // --print also works where a yunlint.toml exists, and leaves it alone.
    std::fs::write(d.join("yunlint.toml"), "# mine\n").unwrap();
    assert_eq!(
        yunlint(d, &["init", "--print"]).stdout,
        printed.stdout,
        "an existing yunlint.toml changes nothing"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("yunlint.toml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn repository_names_are_escaped_in_the_written_toml() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = d.join("envs/pr\"od\\x*");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("main.tf"),
        "provider \"alicloud\" {\n  region = var.region\n}\nvariable \"region\" {}\n\
         resource \"alicloud_cs_managed_kubernetes\" \"c\" {\n  name = \"c\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("a\"b.tfvars"),
        "region = \"cn-shanghai-finance-1\"\n",
    )
    .unwrap();
    let manifests = d.join("k8s/pr\"od\\x*");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::write(
        manifests.join("api.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
    )
    .unwrap();
    let out = yunlint(d, &["init"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(d.join("yunlint.toml")).unwrap();
    let parsed: toml::Table = toml::from_str(&written).unwrap();
    assert_eq!(
        parsed["kubernetes"]["clusters"][0]["paths"][0].as_str(),
        Some("k8s/pr\"od\\\\x[*]/**")
    );
    assert_eq!(
        parsed["terraform"]["roots"][0]["var_files"][0].as_str(),
        Some("envs/pr\"od\\x*/a\"b.tfvars")
    );
    // The configuration is valid and resolves everything: no finding is left.
    let (code, after) = findings(d, &[]);
    assert_eq!((code, after), (0, Vec::new()));
}

#[test]
fn init_reads_the_current_directory_only_even_inside_a_larger_repository() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::write(d.join("yunlint.toml"), "# the monorepo's own\n").unwrap();
    // A sibling team's manifests and cluster, which the infra directory's init must not see.
    let sibling = copy_repository(&fixture("context-bank"));
    let copy = |from: &Path, to: &Path| {
        let out = Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .output()
            .unwrap();
        assert!(out.status.success());
    };
    copy(sibling.path(), &d.join("other"));
    let infra = copy_repository(&fixture("first-run/repo"));
    copy(infra.path(), &d.join("infra"));

    let out = yunlint(&d.join("infra"), &["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "found 1 Terraform root, 0 Terragrunt units, 1 manifest directory and 1 Kubernetes cluster in 4 files\n"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The new yunlint.toml makes infra/ the project root of its own checks.
    let (code, after) = findings(&d.join("infra"), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&after),
        [
            ("YL202", "envs/prod/main.tf"),
            ("YL206", "k8s/prod/reports.yaml")
        ]
    );
}

#[test]
fn a_cluster_without_manifests_is_reported_and_written_with_no_paths() {
    let repo = copy_repository(&fixture("k8s-terraform"));
    let out = yunlint(repo.path(), &["init", "--print"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "  cluster tencentcloud_kubernetes_cluster.edge: no manifest directory found for it\n"
        ),
        "{stderr}"
    );
    let config: toml::Table = toml::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let clusters = config["kubernetes"]["clusters"].as_array().unwrap();
    let terraform: Vec<&str> = clusters
        .iter()
        .map(|c| c["terraform"].as_str().unwrap())
        .collect();
    assert_eq!(
        terraform,
        [
            "alicloud_cs_managed_kubernetes.core",
            "module.cce.huaweicloud_cce_cluster.this",
            "tencentcloud_kubernetes_cluster.edge"
        ]
    );
    assert!(
        clusters
            .iter()
            .all(|c| c["paths"].as_array().unwrap().is_empty())
    );
}

#[cfg(unix)]
#[test]
fn init_reads_as_check_does_never_through_a_link_out_of_the_repository() {
    let outside = copy_repository(&fixture("context-bank"));
    let repo = copy_repository(&fixture("first-run/repo"));
    let d = repo.path();
    // Links to another tree's manifests and Terraform: not part of this repository.
    std::os::unix::fs::symlink(outside.path().join("k8s"), d.join("k8s/linked")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("envs"), d.join("envs/linked")).unwrap();
    let out = yunlint(d, &["init", "--print"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "found 1 Terraform root, 0 Terragrunt units, 1 manifest directory and 1 Kubernetes cluster in 4 files\n"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("module.x"));
}

#[test]
fn after_init_the_var_files_still_reported_are_those_it_left_commented() {
    let repo = copy_repository(&fixture("terraform-var-files"));
    let d = repo.path();
    let yl208 = |list: &[(String, String, u64, String)]| -> Vec<String> {
        list.iter()
            .filter(|(code, ..)| code == "YL208")
            .map(|(_, file, ..)| file.clone())
            .collect()
    };
    // Without a configuration no var file but the auto-loaded ones is applied (the inline
    // suppression in legacy.tfvars still hides its finding).
    let (_, before) = findings(d, &["--as-of", "2026-11-23"]);
    assert_eq!(
        yl208(&before),
        [
            "envs/dr/dr.tfvars",
            "envs/prod/prod.tfvars",
            "settings/old/hangzhou.tfvars",
            "settings/shared.tfvars.json",
            "settings/staging.tfvars",
        ]
    );

    assert_eq!(yunlint(d, &["init"]).status.code(), Some(0));
    let written = std::fs::read_to_string(d.join("yunlint.toml")).unwrap();
    assert!(
        written.contains(
            "[[terraform.roots]]\npaths = [\"envs/dr\"]\nvar_files = [\"envs/dr/dr.tfvars\"]"
        ),
        "{written}"
    );
    assert!(
        written.contains("`yunlint check` reports each other one (YL208)"),
        "{written}"
    );
    // dr.tfvars is applied now (its Hong Kong region is YL201); envs/prod's two var files and
    // the unmatched ones are left commented, and stay reported.
    let (_, after) = findings(d, &["--as-of", "2026-11-23"]);
    assert_eq!(
        yl208(&after),
        [
            "envs/prod/prod.tfvars",
            "settings/old/hangzhou.tfvars",
            "settings/shared.tfvars.json",
            "settings/staging.tfvars",
        ]
    );
    assert!(
        after.iter().any(|(code, _, _, message)| code == "YL201"
            && message.contains("`envs/dr:alicloud_db_instance.ledger`")),
        "{after:#?}"
    );
}
