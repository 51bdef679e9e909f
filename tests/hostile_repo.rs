#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Issue 14, "Hostile repository": a pull request controls every file of the repository while CI
//! has secrets in its environment, parses the log for workflow commands and runs on a budget.
//! Each case is built here at test time (links, FIFOs, sparse files) and asserts what a user sees:
//! exit code, bounded output, escaped text. Work is bounded by counting, never by timing; the
//! watchdog below only turns a hang into a failure instead of a stuck test run.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "hunter2-do-not-print";

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs yunlint in `dir` with an environment holding only a secret, and `stdin` as its input.
fn run_with(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("CI_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .env("HOME", dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        let bytes = bytes.to_vec();
        // the reader may stop early: a broken pipe here is expected
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let (out, err) = (read(Box::new(stdout)), read(Box::new(stderr)));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("yunlint {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Out {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Out {
    run_with(dir, args, None)
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

const OUTSIDE_DESCRIPTOR: &str = "[[workload]]\nname = \"far\"\nprovider = \"alicloud\"\nregion = \"ap-southeast-1\"\ndata_class = 2\n";

// --- secrets and reads outside the root ---------------------------------------------------

#[cfg(unix)]
#[test]
fn a_config_linked_to_the_environment_is_refused_without_printing_it() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("yunlint.toml")).unwrap();
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let out = run(dir.path(), &["check", "--format", format]);
        assert_eq!(out.code, 2, "{format}: {}", out.all());
        assert!(!out.all().contains(SECRET), "{format}: {}", out.all());
        assert_eq!(
            out.stderr,
            "yunlint failed: cannot read `yunlint.toml`: not a regular file (a system file under /proc)\n",
            "{format}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_modules_manifest_linked_to_the_environment_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "main.tf",
        "provider \"alicloud\" {\n  region = \"cn-shanghai\"\n}\n",
    );
    std::fs::create_dir_all(d.join(".terraform/modules")).unwrap();
    std::os::unix::fs::symlink(
        "/proc/self/environ",
        d.join(".terraform/modules/modules.json"),
    )
    .unwrap();
    let out = run(d, &["check", "--verbose", "--color", "never"]);
    assert!(!out.all().contains(SECRET), "{}", out.all());
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stderr.contains(
            "skipped .terraform/modules/modules.json: symbolic link leaving the walked directory\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.contains("in 1 file (1 skipped)"),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[test]
fn downloaded_modules_outside_the_root_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, elsewhere) = (dir.path().join("repo"), dir.path().join("elsewhere"));
    let outside_tf = "provider \"alicloud\" {\n  region = \"ap-southeast-1\"\n}\nresource \"alicloud_instance\" \"far\" {}\n";
    write(&elsewhere, "modules/m/main.tf", outside_tf);
    write(
        &elsewhere,
        "modules/modules.json",
        "{\"Modules\":[{\"Key\":\"m\",\"Source\":\"git::x\",\"Dir\":\".terraform/modules/m\"}]}",
    );
    write(
        &repo,
        "main.tf",
        "module \"m\" {\n  source = \"git::x\"\n}\n",
    );
    write(
        &repo,
        "b/main.tf",
        "module \"m\" {\n  source = \"git::x\"\n}\n",
    );
    std::os::unix::fs::symlink(&elsewhere, repo.join(".terraform")).unwrap();
    std::fs::create_dir_all(repo.join("b/.terraform")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("modules"), repo.join("b/.terraform/modules"))
        .unwrap();
    for command in ["check", "inventory"] {
        let out = run(&repo, &[command, "--verbose", "--format", "json"]);
        assert!(!out.stdout.contains("ap-southeast-1"), "{}", out.all());
        assert!(
            !out.stdout.contains("alicloud_instance.far"),
            "{}",
            out.all()
        );
        for manifest in [
            ".terraform/modules/modules.json",
            "b/.terraform/modules/modules.json",
        ] {
            assert!(
                out.stderr.contains(&format!(
                    "skipped {manifest}: symbolic link leaving the walked directory"
                )),
                "{command}: {}",
                out.stderr
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_named_as_inputs_are_errors_not_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fifo(&d.join("pipe.toml"));
    fifo(&d.join("baseline.json"));
    for (args, expected) in [
        (
            vec!["check", "--config", "pipe.toml"],
            "yunlint failed: cannot read `pipe.toml`: not a regular file (a FIFO)\n",
        ),
        (
            vec!["check", "--config", "/dev/zero"],
            "yunlint failed: cannot read `/dev/zero`: not a regular file (a device)\n",
        ),
        (
            vec!["check", "--isolated", "--baseline", "baseline.json"],
            "yunlint failed: cannot use baseline `baseline.json`: not a regular file (a FIFO)\n",
        ),
        (
            vec!["check", "--isolated", "--baseline", "/dev/zero"],
            "yunlint failed: cannot use baseline `/dev/zero`: not a regular file (a device)\n",
        ),
    ] {
        let out = run(d, &args);
        assert_eq!((out.code, out.stderr.as_str()), (2, expected), "{args:?}");
    }
    // a FIFO named yunlint.toml is the configuration: refused, never passed over
    fifo(&d.join("yunlint.toml"));
    let out = run(d, &["check"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: cannot read `yunlint.toml`: not a regular file (a FIFO)\n"
        )
    );
}

#[test]
fn sparse_configuration_and_var_files_are_refused_by_size_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "main.tf", "variable \"r\" {}\n");
    sparse(&d.join("big.tfvars"), 2 << 30);
    let out = run(
        d,
        &[
            "check",
            "--isolated",
            "--var-file",
            "big.tfvars",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.contains(
            "cannot read file: larger than the 10485760-byte limit (`[discovery] max_file_size`)"
        ),
        "{}",
        out.stdout
    );
    sparse(&d.join("yunlint.toml"), 2 << 30);
    let out = run(d, &["check"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: cannot read `yunlint.toml`: larger than the 10485760-byte limit (`[discovery] max_file_size`)\n"
        )
    );
}

#[test]
fn standard_input_is_bounded_by_max_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "yunlint.toml", "[discovery]\nmax_file_size = 100\n");
    let text = format!("# {}\n{OUTSIDE_DESCRIPTOR}", "x".repeat(200));
    let args = ["check", "-", "--stdin-filename", "a.deploy.toml"];
    let out = run_with(d, &args, Some(text.as_bytes()));
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: cannot read `standard input`: larger than the 100-byte limit (`[discovery] max_file_size`)\n"
        )
    );
    std::fs::remove_file(d.join("yunlint.toml")).unwrap();
    let huge = vec![b'#'; 11 << 20];
    let out = run_with(d, &args, Some(&huge));
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: cannot read standard input: larger than the 10485760-byte limit (`[discovery] max_file_size`)\n"
        )
    );
}

// --- escaping ----------------------------------------------------------------------------------

/// Every line a CI log would show: none may be a workflow command, none may carry ESC or a
/// bidirectional override. `own_commands` allows the GitHub format's own annotations.
fn assert_log_safe(what: &str, text: &str, own_commands: bool) {
    // CSV ends its records with CRLF
    let text = &text.replace("\r\n", "\n");
    for line in text.lines() {
        let t = line.trim_start();
        let own =
            own_commands && (t.starts_with("::error file=") || t.starts_with("::warning file="));
        assert!(
            own || !(t.starts_with("::") || t.starts_with("##[")),
            "{what}: a line reads as a workflow command: {line:?}\n{text}"
        );
    }
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\r'] {
        assert!(!text.contains(bad), "{what}: raw {bad:?} in\n{text}");
    }
}

fn hostile_tree(d: &Path) {
    write(
        d,
        "x\n::error::pwned.deploy.toml",
        "[[workload]]\nname = \"a\u{202e}b\"\nprovider = \"alicloud\"\nregion = \"x\\n::error title=pwned::injected\"\ndata_class = 2\n\n\
         [[workload]]\nname = \"b\"\nprovider = \"alicloud\"\nregion = \"\\u001b]0;pwned\\u0007\\u001b[31mred\"\ndata_class = 2\n\n\
         [[workload]]\nname = \"c\"\nprovider = \"alicloud\"\nregion = \"=HYPERLINK(\\\"http://x\\\")\"\ndata_class = 2\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", d.join("y\n::error::v\u{1b}[2J.tf")).unwrap();
}

#[test]
fn repository_text_is_escaped_in_every_human_facing_sink() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    hostile_tree(d);
    for args in [
        vec!["check", "--color", "never", "--verbose"],
        vec!["check", "--color", "always", "--verbose"],
        vec!["check", "--format", "json", "--verbose"],
        vec!["inventory", "--verbose"],
        vec!["inventory", "--format", "markdown"],
        vec!["inventory", "--format", "csv"],
    ] {
        let out = run(d, &args);
        assert_log_safe(&format!("{args:?} stderr"), &out.stderr, false);
        if args.contains(&"json") {
            // JSON escapes by its own rules: the value is intact once parsed
            let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            assert!(
                doc["findings"]
                    .to_string()
                    .contains("x\\n::error title=pwned::injected")
            );
        } else if args.contains(&"always") {
            // colour codes are yunlint's own: only the repository's ESC must not appear
            assert!(!out.stdout.contains("\u{1b}]0;pwned"), "{}", out.stdout);
            assert!(!out.stdout.lines().any(|l| l.trim_start().starts_with("::")));
        } else {
            assert_log_safe(&format!("{args:?}"), &out.stdout, false);
        }
    }
    let out = run(d, &["check", "--format", "github"]);
    assert_log_safe("github", &out.stdout, true);
    assert!(
        out.stdout.contains(
            "::error file=x\\n%3A%3Aerror%3A%3Apwned.deploy.toml,line=4,col=10,endLine=4,endColumn=44,title=YL203 unknown-region::region `x\\n::error title=pwned::injected` of `a\\u{202e}b` is not a known region of `alicloud`"
        ),
        "{}",
        out.stdout
    );
    let human = run(d, &["check", "--color", "never", "--verbose"]);
    assert!(
        human
            .stdout
            .contains("  × region `\\x1b]0;pwned\\x07\\x1b[31mred` of `b` is not a known region of `alicloud`\n"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("╭─[x\\n::error::pwned.deploy.toml:4:10]"),
        "{}",
        human.stdout
    );
    #[cfg(unix)]
    assert!(
        human.stderr.contains(
            "skipped y\\n::error::v\\x1b[2J.tf: symbolic link leaving the walked directory"
        ),
        "{}",
        human.stderr
    );
    let table = run(d, &["inventory"]);
    assert!(
        table
            .stdout
            .contains("\\x3a:error::pwned.deploy.toml#a\\u{202e}b")
            || table
                .stdout
                .contains("x\\n::error::pwned.deploy.toml#a\\u{202e}b"),
        "{}",
        table.stdout
    );
    let csv = run(d, &["inventory", "--format", "csv"]);
    assert!(
        csv.stdout.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{}",
        csv.stdout
    );
}

#[test]
fn a_finding_past_column_65535_is_rendered_and_long_lines_are_cut() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "long.deploy.toml",
        format!(
            "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\ndata_class = 2\n{}region = \"ap-southeast-1\"\n",
            " ".repeat(70_000)
        ),
    );
    let out = run(d, &["check", "--color", "never"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout.contains("╭─[long.deploy.toml:5:70010]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!(
            " 5 │ …{}region = \"ap-southeast-1\"\n",
            " ".repeat(31)
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() < 2_000, "{} bytes", out.stdout.len());
}

#[test]
fn a_long_comment_is_not_repeated_in_every_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut tf = format!(
        "provider \"alicloud\" {{\n  region = \"ap-southeast-1\" # {}\n}}\n",
        "x".repeat(1 << 20)
    );
    for i in 0..50 {
        tf.push_str(&format!("resource \"alicloud_instance\" \"i{i}\" {{}}\n"));
    }
    write(d, "main.tf", tf);
    let out = run(d, &["check", "--color", "never"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("error: 50 errors, 0 warnings in 1 file"),
        "{}",
        &out.stdout[out.stdout.len().saturating_sub(300)..]
    );
    // 1 MiB of input: before, 50 MiB of output; now under a kilobyte per finding
    assert!(out.stdout.len() < 50 * 1500, "{} bytes", out.stdout.len());
}

// --- writes and exit codes ---------------------------------------------------------------------

const DESCRIPTOR: &str = "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\nregion = \"ap-southeast-1\"\ndata_class = 2\n";

#[test]
fn the_report_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.deploy.toml", DESCRIPTOR);
    let out = run(d, &["check", "a.deploy.toml", "-o", "a.deploy.toml"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: cannot write `a.deploy.toml`: `a.deploy.toml` is an input of this run (a.deploy.toml); write the report elsewhere\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(d.join("a.deploy.toml")).unwrap(),
        DESCRIPTOR
    );
}

#[cfg(unix)]
#[test]
fn a_report_link_out_of_the_root_is_followed_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, outside) = (dir.path().join("repo"), dir.path().join("victim.txt"));
    write(&repo, "a.deploy.toml", DESCRIPTOR);
    write(&repo, "yunlint.toml", "");
    std::fs::write(&outside, "precious").unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("report.txt")).unwrap();
    for command in ["check", "inventory"] {
        let out = run(&repo, &[command, "-o", "report.txt"]);
        assert_eq!(out.code, 2, "{}", out.all());
        assert!(
            out.stderr.starts_with(
                "yunlint failed: cannot write `report.txt`: `report.txt` is a symbolic link to `"
            ) && out
                .stderr
                .ends_with("victim.txt`, outside the project root; pass --force to write there\n"),
            "{}",
            out.stderr
        );
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    }
    let out = run(&repo, &["check", "--write-baseline", "report.txt"]);
    assert_eq!(out.code, 2, "{}", out.all());
    let out = run(&repo, &["check", "-o", "report.txt", "--force"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(std::fs::read_to_string(&outside).unwrap().contains("YL201"));
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("elsewhere.toml"), d.join("yunlint.toml")).unwrap();
    let out = run(d, &["init"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: yunlint.toml already exists; pass --force to overwrite it\n"
        )
    );
    assert!(!d.join("elsewhere.toml").exists());
}

#[cfg(unix)]
#[test]
fn written_files_keep_their_mode_and_new_ones_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.deploy.toml", DESCRIPTOR);
    write(d, "kept.txt", "old");
    std::fs::set_permissions(d.join("kept.txt"), std::fs::Permissions::from_mode(0o664)).unwrap();
    for args in [
        "check -o kept.txt",
        "check -o new.txt",
        "check --write-baseline baseline.json",
        "inventory -o inventory.txt",
    ] {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("umask 027; exec \"$0\" {args}"))
            .arg(env!("CARGO_BIN_EXE_yunlint"))
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.code().is_some(), "{args}");
    }
    let mode = |name: &str| {
        std::fs::metadata(d.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("kept.txt"), 0o664);
    assert_eq!(mode("new.txt"), 0o640);
    assert_eq!(mode("baseline.json"), 0o640);
    assert_eq!(mode("inventory.txt"), 0o640);
    assert!(
        std::fs::read_to_string(d.join("kept.txt"))
            .unwrap()
            .contains("YL201")
    );
}

/// Runs yunlint with standard error a pipe nobody reads (closed at the other end).
fn run_with_closed_stderr(dir: &Path, args: &[&str]) -> i32 {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert!(
        status.code().is_some(),
        "{args:?} died of a signal: {status:?}"
    );
    status.code().unwrap()
}

/// Runs yunlint with standard output a pipe closed at the other end (`yunlint check | head`).
fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> i32 {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(
        status.code().is_some(),
        "{args:?} died of a signal: {status:?}"
    );
    status.code().unwrap()
}

#[test]
fn a_closed_standard_output_does_not_turn_findings_into_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.deploy.toml", DESCRIPTOR);
    assert_eq!(run_with_closed_stdout(d, &["check", "--isolated"]), 1);
    assert_eq!(
        run_with_closed_stdout(d, &["check", "--isolated", "--exit-zero"]),
        0
    );
    assert_eq!(run_with_closed_stdout(d, &["inventory", "--isolated"]), 0);
}

#[test]
fn exit_codes_hold_when_standard_error_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.deploy.toml", DESCRIPTOR);
    assert_eq!(
        run_with_closed_stderr(d, &["check", "--config", "missing.toml"]),
        2
    );
    assert_eq!(run_with_closed_stderr(d, &["check", "--bogus"]), 2);
    assert_eq!(run_with_closed_stderr(d, &["check", "--format", "json"]), 1);
    assert_eq!(
        run_with_closed_stderr(d, &["check", "--format", "json", "--exit-zero"]),
        0
    );
}

// --- fail closed -------------------------------------------------------------------------------

fn findings(out: &Out) -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.all()));
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["code"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_a_finding_not_a_pass() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(d, "locked/a.deploy.toml", DESCRIPTOR);
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    // root reads any directory: run as nobody then
    let mut command = if root.trim() == "0" {
        let mut c = Command::new("setpriv");
        c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_yunlint"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_yunlint"))
    };
    let out = command
        .args(["check", "--isolated", "--format", "json"])
        .current_dir(d)
        .output()
        .unwrap();
    std::fs::set_permissions(d.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(out.code, 1, "{}", out.all());
    assert_eq!(
        findings(&out),
        ["YL901 locked cannot read: Permission denied (os error 13)"]
    );
}

#[test]
fn a_path_longer_than_the_platform_allows_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // built by renames of short paths: no call here ever sees the long one
    write(d, "deep/a.deploy.toml", DESCRIPTOR);
    for _ in 0..25 {
        std::fs::create_dir(d.join("next")).unwrap();
        std::fs::rename(d.join("deep"), d.join("next").join("d".repeat(200))).unwrap();
        std::fs::rename(d.join("next"), d.join("deep")).unwrap();
    }
    let out = run(d, &["check", "--isolated", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let found = findings(&out);
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|f| f.starts_with("YL901 deep/")
            && f.ends_with(" cannot read: File name too long (os error 36)")),
        "{found:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_linted() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.deploy.toml");
    std::fs::write(d.join(name), DESCRIPTOR).unwrap();
    let out = run(d, &["check", "--isolated", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert_eq!(
        findings(&out),
        ["YL201 caf\u{fffd}.deploy.toml region `ap-southeast-1` of `a` is outside mainland China"]
    );
}

#[test]
fn the_users_global_git_ignores_hide_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.deploy.toml", DESCRIPTOR);
    // HOME is the test directory (see run_with): its dot files are not walked
    write(d, ".gitconfig", "[core]\n\texcludesFile = ~/.hide-all\n");
    write(d, ".hide-all", "*.deploy.toml\n");
    write(d, ".config/git/ignore", "*.deploy.toml\n");
    let out = run(d, &["check", "--isolated", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert_eq!(findings(&out).len(), 1, "{}", out.all());
    let mut command = Command::new(env!("CARGO_BIN_EXE_yunlint"));
    let out = command
        .args(["check", "--isolated", "--format", "json"])
        .current_dir(d)
        .env_clear()
        .env("HOME", "/nonexistent")
        .env("XDG_CONFIG_HOME", d.join(".config"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// A pull request controls `.gitignore`, and Terraform reads every `.tf` file whatever Git
/// ignores (real repositories force-add files their `.gitignore` matches): no ignore file hides
/// an input.
#[test]
fn the_repositorys_ignore_files_hide_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join(".git")).unwrap();
    write(d, ".gitignore", "*.tf\n*.deploy.toml\n");
    write(d, ".ignore", "*.tf\n");
    write(d, ".git/info/exclude", "*.tf\n");
    write(d, "a.deploy.toml", DESCRIPTOR);
    write(
        d,
        "main.tf",
        "provider \"alicloud\" {\n  region = \"cn-hongkong\"\n}\n\nresource \"alicloud_oss_bucket\" \"ledger\" {\n  bucket = \"ledger\"\n}\n",
    );
    let out = run(d, &["check", "--isolated", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let found = findings(&out);
    assert_eq!(found.len(), 2, "{}", out.all());
    assert!(found[0].starts_with("YL201 a.deploy.toml "), "{found:?}");
    assert!(found[1].starts_with("YL201 main.tf "), "{found:?}");
}

#[test]
fn expiry_is_judged_in_utc_whatever_tz_says() {
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let yesterday = today.yesterday().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, until) in [("today", today), ("yesterday", yesterday)] {
        write(
            d,
            &format!("{name}.deploy.toml"),
            format!("# yunlint: allow YL201 reason=\"test\" until={until}\n{DESCRIPTOR}"),
        );
    }
    let mut seen = Vec::new();
    for tz in ["UTC", "Pacific/Kiritimati", "Etc/GMT+12"] {
        let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
            .args(["check", "--isolated", "--format", "json"])
            .current_dir(d)
            .env_clear()
            .env("TZ", tz)
            .output()
            .unwrap();
        let out = Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        seen.push((tz, out.code, findings(&out)));
    }
    // until = today still holds, until = yesterday has expired: in UTC, for every TZ
    for (tz, code, found) in &seen {
        assert_eq!(*code, 1, "{tz}");
        let codes: Vec<&str> = found.iter().map(|f| &f[..f.find(' ').unwrap()]).collect();
        assert_eq!(
            codes.iter().filter(|c| **c == "YL902").count(),
            1,
            "{tz}: {found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("YL902 yesterday.deploy.toml")),
            "{tz}: {found:?}"
        );
    }
}

// --- bounded work ------------------------------------------------------------------------------

#[test]
fn a_module_diamond_stops_at_the_instance_cap_with_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "main.tf",
        "provider \"alicloud\" {\n  region = \"cn-shanghai\"\n}\nmodule \"m\" {\n  source = \"./m0\"\n}\n",
    );
    // each module calls the next twice: 2^30 instances unbounded
    for i in 0..30 {
        let body = if i < 29 {
            format!(
                "module \"a\" {{\n  source = \"../m{n}\"\n}}\nmodule \"b\" {{\n  source = \"../m{n}\"\n}}\n",
                n = i + 1
            )
        } else {
            "resource \"alicloud_instance\" \"x\" {}\n".to_owned()
        };
        write(d, &format!("m{i}/main.tf"), body);
    }
    let out = run(
        d,
        &[
            "check",
            "--isolated",
            "--format",
            "json",
            "--select",
            "YL901",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let found = findings(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].ends_with(
            "this call creates more than 10000 module instances in one root module; the rest are not inspected"
        ),
        "{found:?}"
    );
}

#[test]
fn region_groups_that_fail_deep_down_are_expanded_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut config = String::from("[regions]\n");
    for i in 0..40 {
        config.push_str(&format!("g{i} = [\"@g{n}\", \"@g{n}\"]\n", n = i + 1));
    }
    config.push_str("g40 = [\"@nope\"]\n\n[[residency]]\nallow = [\"@g0\"]\n");
    write(d, "yunlint.toml", config);
    let out = run(d, &["check", "--color", "never"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr
            .ends_with("yunlint failed: invalid configuration (1 error)\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("unknown region group `@nope`"),
        "{}",
        out.stderr
    );
}

#[test]
fn thousands_of_classify_and_exception_entries_match_through_one_glob_set() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 5000;
    let mut config = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[[classify]]\nmatch = \"w{i}.deploy.toml#**\"\ndata_class = 2\n\n\
             [[exceptions]]\ncodes = [\"YL201\"]\naddress = \"w{i}.deploy.toml#other\"\nreason = \"x\"\n\n"
        ));
        write(
            d,
            &format!("w{i}.deploy.toml"),
            "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\nregion = \"ap-southeast-1\"\n",
        );
    }
    config.push_str(
        "[[exceptions]]\ncodes = [\"YL201\"]\npath = \"w7.deploy.toml\"\nreason = \"x\"\n",
    );
    write(d, "yunlint.toml", config);
    let out = run(d, &["check", "--format", "json", "--statistics"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["suppressed"], 1);
    // every workload classified (no YL401), every exception but the path one unused (YL904)
    let expected = format!(
        "findings per rule:\n  {n}  YL904  unused-suppression\n  {m}  YL201  region-outside-jurisdiction\nerror: {m} errors, {n} warnings in {n} files, 1 suppressed (",
        m = n - 1
    );
    assert!(out.stderr.starts_with(&expected), "{}", out.stderr);
}

#[test]
fn jobs_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check", "--jobs", "100000"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "yunlint failed: --jobs 100000 is more than the maximum of 256\n"
        )
    );
}

#[test]
fn a_huge_yaml_sequence_is_refused_by_node_count() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let items = vec!["1"; 4_000_000].join(",");
    write(
        d,
        "big.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [{items}]\n"),
    );
    let mut docs = String::new();
    for i in 0..10_001 {
        docs.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"
        ));
    }
    write(d, "many.yaml", docs);
    let out = run(d, &["check", "--isolated", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        findings(&out),
        [
            "YL901 big.yaml YAML file holds more than 250000 nodes",
            "YL901 many.yaml YAML file holds more than 10000 documents"
        ]
    );
}

#[test]
fn error_messages_quote_a_bounded_excerpt_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = "k".repeat(1 << 20);
    write(d, "a.deploy.toml", format!("[[workload]]\n{key} = 1\n"));
    for format in ["human", "json", "sarif", "github"] {
        let out = run(d, &["check", "--isolated", "--format", format]);
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert!(out.stdout.contains("unknown field"), "{format}");
        // the key is a megabyte long: at most an excerpt of it is shown
        assert!(!out.all().contains(&"k".repeat(1001)), "{format}");
    }
    write(d, "yunlint.toml", format!("{key} = 1\n"));
    let out = run(d, &["check"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("characters)…"), "{}", out.stderr);
    assert!(out.stderr.len() < 8_000, "{} bytes", out.stderr.len());
}

#[test]
fn the_provider_registry_from_the_repository_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "yunlint.toml",
        "[providers.\"::error::x\"]\nname = \"a\\n::error title=p::q\"\ncertified = true\nsource = \"\\u001b]0;t\\u0007\"\nas_of = 2026-01-01\n",
    );
    let out = run(d, &["providers"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_log_safe("providers", &out.stdout, false);
    assert!(
        out.stdout
            .contains("\\x3a:error::x  a\\n::error title=p::q\n  certified: true"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  source: \\x1b]0;t\\x07\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_huge_value_is_quoted_as_an_excerpt_in_every_finding_and_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let region = "x".repeat(1 << 20);
    let mut tf = format!("provider \"alicloud\" {{\n  region = \"{region}\"\n}}\n");
    for i in 0..5 {
        tf.push_str(&format!("resource \"alicloud_instance\" \"i{i}\" {{}}\n"));
    }
    write(d, "main.tf", tf);
    for format in ["human", "json", "sarif", "github"] {
        let out = run(
            d,
            &[
                "check",
                "--isolated",
                "--format",
                format,
                "--select",
                "YL203",
            ],
        );
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        // 5 findings quote the value: never more than an excerpt each in the messages
        if format == "json" {
            // the document keeps each finding's placement exact; the message is an excerpt
            let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            for f in doc["findings"].as_array().unwrap() {
                assert!(f["message"].as_str().unwrap().len() < 2_000);
                assert_eq!(f["placement"]["region"].as_str().unwrap().len(), 1 << 20);
            }
        } else {
            assert!(!out.stdout.contains(&"x".repeat(1001)), "{format}");
        }
    }
}

#[cfg(unix)]
#[test]
fn a_directory_link_out_of_the_tree_is_skipped_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, elsewhere) = (dir.path().join("repo"), dir.path().join("elsewhere"));
    write(&elsewhere, "far.deploy.toml", OUTSIDE_DESCRIPTOR);
    write(
        &repo,
        "near.deploy.toml",
        DESCRIPTOR.replace("ap-southeast-1", "cn-shanghai"),
    );
    std::os::unix::fs::symlink(&elsewhere, repo.join("shared")).unwrap();
    let out = run(
        &repo,
        &["check", "--isolated", "--verbose", "--color", "never"],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(!out.stdout.contains("far.deploy.toml"), "{}", out.stdout);
    assert!(
        out.stdout.contains("in 1 file (1 skipped) ("),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "skipped shared: symbolic link leaving the walked directory\n"
    );
}
