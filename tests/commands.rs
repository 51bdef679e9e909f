#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Commands whose effect is a file: `init` and `check --output`.

use std::path::Path;
use std::process::{Command, Output};

fn yunlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The codes of a JSON document's findings, in order.
fn codes(doc: &serde_json::Value) -> Vec<&str> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn init_writes_a_valid_starter_config_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let first = yunlint(dir.path(), &["init"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&first.stderr),
        "found 0 Terraform roots, 0 Terragrunt units, 0 manifest directories and 0 Kubernetes clusters in 0 files\nwrote yunlint.toml\n"
    );
    let written = std::fs::read_to_string(dir.path().join("yunlint.toml")).unwrap();
    assert!(written.contains("extends = \"cn-finance\""));

    std::fs::write(dir.path().join("yunlint.toml"), "# mine\n").unwrap();
    let second = yunlint(dir.path(), &["init"]);
    assert_eq!(second.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        "yunlint failed: yunlint.toml already exists; pass --force to overwrite it\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("yunlint.toml")).unwrap(),
        "# mine\n"
    );

    assert_eq!(
        yunlint(dir.path(), &["init", "--force"]).status.code(),
        Some(0)
    );
    // the starter configuration is itself valid: a check with it runs clean on an empty tree
    let check = yunlint(dir.path(), &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn output_file_holds_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = yunlint(
        dir.path(),
        &[
            "check",
            &fixture("example-bank"),
            "--format",
            "json",
            "--as-of",
            "2026-11-23",
            "--output",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(doc["version"], 1);
    let findings = doc["findings"].as_array().unwrap();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    assert!(errors > 0);
    assert_eq!(doc["summary"]["errors"], errors);
    assert_eq!(doc["summary"]["warnings"], findings.len() - errors);
    // no temporary file is left beside the report
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.json"]);
}

#[test]
fn unwritable_output_is_a_usage_failure() {
    let dir = tempfile::tempdir().unwrap();
    let out = yunlint(dir.path(), &["check", "--output", "no/such/dir/report.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("yunlint failed: cannot write `no/such/dir/report.txt`")
    );
}

#[test]
fn output_is_identical_for_every_thread_count() {
    let run = |jobs: &str| {
        let out = yunlint(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            &[
                "check",
                "fixtures/example-bank",
                "--format",
                "json",
                "--as-of",
                "2026-11-23",
                "--jobs",
                jobs,
            ],
        );
        out.stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
    assert_eq!(one, run("8"));
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_walked_directory_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("abroad.deploy.toml"),
        "[[workload]]\nname = \"x\"\nprovider = \"alicloud\"\nregion = \"cn-hongkong\"\n",
    )
    .unwrap();
    let repo = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("abroad.deploy.toml"),
        repo.path().join("link.deploy.toml"),
    )
    .unwrap();
    std::fs::write(
        repo.path().join("inside.deploy.toml"),
        "[[workload]]\nname = \"y\"\nprovider = \"alicloud\"\nregion = \"cn-shanghai-finance-1\"\ndata_class = 3\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        repo.path().join("inside.deploy.toml"),
        repo.path().join("alias.deploy.toml"),
    )
    .unwrap();
    let out = yunlint(repo.path(), &["check", "--color", "never"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // the inside file is read once (its link inside the tree is the same file); the outside one never
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 1 file"));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn baseline_hides_todays_findings_and_fails_only_on_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    copy_tree(Path::new(&fixture("example-bank")), &bank);
    let baseline = dir.path().join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let written = yunlint(
        &bank,
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--write-baseline",
            baseline_arg,
        ],
    );
    assert_eq!(written.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&written.stderr).starts_with("wrote a baseline of 20 findings")
    );
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.starts_with("{\n  \"version\": 2,"));

    // today's state passes, even after the files move lines around
    let ledger = bank.join("wealth/market-data.deploy.toml");
    let shifted = format!(
        "# reviewed 2026-11\n\n{}",
        std::fs::read_to_string(&ledger).unwrap()
    );
    std::fs::write(&ledger, shifted).unwrap();
    let clean = yunlint(
        &bank,
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--baseline",
            baseline_arg,
            "--color",
            "never",
        ],
    );
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(String::from_utf8_lossy(&clean.stdout).contains("20 baselined"));

    // a new violation fails, alone
    std::fs::write(
        bank.join("payments/new.deploy.toml"),
        "[[workload]]\nname = \"fx\"\nprovider = \"alicloud\"\nregion = \"ap-southeast-1\"\ndata_class = 2\n",
    )
    .unwrap();
    let out = yunlint(
        &bank,
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--baseline",
            baseline_arg,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = codes(&doc);
    assert_eq!(codes, ["YL201"]);
    assert_eq!(doc["findings"][0]["file"], "payments/new.deploy.toml");
    assert_eq!(doc["summary"]["baselined"], 20);
    assert_eq!(doc["summary"]["fixed"], 0);
}

#[test]
fn an_invalid_baseline_is_a_usage_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        "{\"version\": 7, \"findings\": []}",
    )
    .unwrap();
    let out = yunlint(dir.path(), &["check", "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "yunlint failed: cannot use baseline `b.json`: baseline version 7 is not supported (this yunlint reads version 2)\n"
    );
}

#[test]
fn an_expired_suppression_fails_the_build() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("edge.deploy.toml"),
        "[[workload]]\nname = \"edge\"\nprovider = \"tencentcloud\"\nregion = \"ap-singapore\"  # yunlint: allow YL201 reason=\"trial\" until=2026-01-31\ndata_class = 2\n",
    )
    .unwrap();
    let before = yunlint(
        dir.path(),
        &["check", "--as-of", "2026-01-31", "--format", "json"],
    );
    assert_eq!(before.status.code(), Some(0));
    let after = yunlint(
        dir.path(),
        &["check", "--as-of", "2026-02-01", "--format", "json"],
    );
    assert_eq!(after.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    let codes = codes(&doc);
    assert_eq!(codes, ["YL201", "YL902"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_an_input_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.deploy.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // reading the FIFO would block forever; the run must end, having read nothing
    let out = yunlint(
        dir.path(),
        &["check", "--color", "never", "pipe.deploy.toml"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 0 files"));
}

#[test]
fn files_over_the_size_limit_are_skipped_and_counted_never_silently() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("yunlint.toml"),
        "[discovery]\nmax_file_size = 100\n",
    )
    .unwrap();
    let big = format!(
        "# {}\n[[workload]]\nname = \"x\"\nprovider = \"alicloud\"\nregion = \"cn-hongkong\"\n",
        "padding ".repeat(20)
    );
    std::fs::write(dir.path().join("big.deploy.toml"), big).unwrap();
    let out = yunlint(dir.path(), &["check", "--color", "never", "--verbose"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("in 0 files (1 skipped)"));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "skipped big.deploy.toml: larger than the 100-byte limit (`[discovery] max_file_size`)\n"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn runs_without_home_network_or_environment() {
    // yunlint reads no environment variable and opens no socket: in a network namespace with no
    // interface and an empty environment, the run is the same
    let out = Command::new("unshare")
        .args(["--net", "--map-root-user", env!("CARGO_BIN_EXE_yunlint")])
        .args(["check", "--as-of", "2026-11-23", "--format", "json"])
        .current_dir(fixture("example-bank"))
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["errors"], 18);
}

/// `check --format json --output PATH` on a fixture with findings, which must not fail.
#[cfg(unix)]
fn json_report_to(path: &Path) {
    let out = yunlint(
        Path::new(&fixture("k8s-parse")),
        &[
            "check",
            "--format",
            "json",
            "--output",
            path.to_str().unwrap(),
        ],
    );
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_to_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // `-o /dev/null` is the same case: a rename over it would replace the device
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    json_report_to(&fifo);
    // checked before waiting for the reader, which never returns when the FIFO was replaced
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    let report = reader.join().unwrap();
    assert!(
        report.starts_with('{'),
        "the reader got the report: {report}"
    );
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_the_file_it_points_at() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    std::fs::write(reports.join("yunlint.json"), "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink(reports.join("yunlint.json"), &link).unwrap();
    json_report_to(&link);
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    let report = std::fs::read_to_string(reports.join("yunlint.json")).unwrap();
    assert!(report.starts_with('{'), "{report}");
}

/// Regression for the audit issue: a baselined YL101 hid its workload's move to Hong Kong and its
/// backup's to Singapore, because the fingerprint did not say where the workload runs.
#[test]
fn a_baselined_finding_does_not_hide_a_move_abroad() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("yunlint.toml"),
        "require_certified = true\n",
    )
    .unwrap();
    let workload = |region: &str, backup: &str| {
        format!(
            "[[workload]]\nname = \"ledger\"\nprovider = \"tencentcloud\"\nregion = \"{region}\"\ndata_class = 2\n\n\
             [[workload.replica]]\nrole = \"backup\"\nregion = \"{backup}\"\n"
        )
    };
    let file = dir.path().join("ledger.deploy.toml");
    std::fs::write(&file, workload("ap-shanghai", "ap-shanghai")).unwrap();
    let args = ["check", "--as-of", "2026-11-23", "--format", "json"];
    let today = yunlint(dir.path(), &args);
    let doc: serde_json::Value = serde_json::from_slice(&today.stdout).unwrap();
    // the backup on the same uncertified provider is the same finding, reported once
    assert_eq!(codes(&doc), ["YL101"]);
    let written = yunlint(
        dir.path(),
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(written.status.code(), Some(0));

    std::fs::write(&file, workload("ap-hongkong", "ap-singapore")).unwrap();
    let moved = yunlint(dir.path(), &[&args[..], &["--baseline", "b.json"]].concat());
    assert_eq!(moved.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&moved.stdout).unwrap();
    assert_eq!(codes(&doc), ["YL101"]);
    assert_eq!(doc["summary"]["baselined"], 0);
    assert_eq!(doc["summary"]["fixed"], 1);

    // the register shows the recorded finding as fixed, and --deny unused fails on it
    let register = yunlint(
        dir.path(),
        &[
            "suppressions",
            "--as-of",
            "2026-11-23",
            "--baseline",
            "b.json",
            "--format",
            "json",
            "--deny",
            "unused",
        ],
    );
    assert_eq!(register.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&register.stdout).unwrap();
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["kind"], "baseline");
    assert_eq!(entries[0]["codes"][0], "YL101");
    assert_eq!(entries[0]["status"], "fixed");
}

/// The baseline, SARIF's `partialFingerprints` and GitLab's `fingerprint` are one recipe.
#[test]
fn baseline_sarif_and_gitlab_agree_on_fingerprints() {
    let bank = fixture("example-bank");
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("b.json");
    let run = |format: &str| {
        let out = yunlint(
            Path::new(&bank),
            &["check", "--as-of", "2026-11-23", "--format", format],
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let written = yunlint(
        Path::new(&bank),
        &[
            "check",
            "--as-of",
            "2026-11-23",
            "--write-baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert_eq!(written.status.code(), Some(0));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let mut from_baseline: Vec<String> = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    let sarif = run("sarif");
    let mut from_sarif: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]
                .as_object()
                .unwrap()
                .values()
                .next()
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let gitlab = run("gitlab");
    let mut from_gitlab: Vec<String> = gitlab
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    from_baseline.sort();
    from_sarif.sort();
    from_gitlab.sort();
    assert_eq!(from_baseline.len(), 20);
    assert_eq!(from_sarif, from_baseline);
    assert_eq!(from_gitlab, from_baseline);
}

#[test]
fn a_var_file_listed_through_a_link_inside_the_tree_is_loaded() {
    let repo = tempfile::tempdir().unwrap();
    copy_tree(Path::new(&fixture("terraform-var-files")), repo.path());
    std::os::unix::fs::symlink("envs/prod", repo.path().join("prodlink")).unwrap();
    let config = repo.path().join("yunlint.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[[terraform.roots]]\npaths = [\"envs/prod\"]\nvar_files = [\"prodlink/prod.tfvars\"]\n",
    );
    std::fs::write(&config, text).unwrap();
    let out = yunlint(repo.path(), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |code: &str, path: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == code && f["file"] == path)
    };
    // the root loads it: no YL208 for it, and its Hong Kong region is checked
    assert!(!at("YL208", "envs/prod/prod.tfvars"), "{doc:#}");
    assert!(at("YL201", "envs/prod/main.tf"), "{doc:#}");
}
