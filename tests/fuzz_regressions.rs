#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Every input the fuzzers found trouble with (fuzz/regressions/<target>/) is linted again on each
//! test run: it must end with a result (exit 0, 1 or 2), never a panic, a signal or a hang.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The file name that gives each target's inputs their format.
const TARGETS: [(&str, &str); 6] = [
    ("descriptor", "x.deploy.toml"),
    ("terraform", "main.tf"),
    ("tfvars", "terraform.tfvars"),
    ("plan_json", "plan.json"),
    ("kubernetes", "k.yaml"),
    ("config", "yunlint.toml"),
];

/// Far above the few milliseconds each input takes: only a hang or an explosion reaches it.
const LIMIT: Duration = Duration::from_secs(60);

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> (Option<i32>, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            return (None, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn every_fuzz_regression_input_ends_with_a_result() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, name) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let (code, took) = if target == "config" {
                std::fs::write(dir.path().join(name), &input).unwrap();
                std::fs::write(
                    dir.path().join("app.deploy.toml"),
                    "[[workload]]\nname = \"a\"\nprovider = \"alicloud\"\nregion = \"cn-shanghai-finance-1\"\ndata_class = 3\n",
                )
                .unwrap();
                run(dir.path(), &["check"], None)
            } else {
                run(
                    dir.path(),
                    &["check", "--isolated", "-", "--stdin-filename", name],
                    Some(&input),
                )
            };
            assert!(
                matches!(code, Some(0..=2)),
                "{}: ended with {code:?} after {took:?}",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression input found under {}",
        root.display()
    );
}
