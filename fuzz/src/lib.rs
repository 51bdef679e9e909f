//! What the fuzz targets share: run `yunlint::lint` on one input the way `yunlint check` would,
//! then render the result the way the reporters would, so that a panic anywhere on that path
//! (parse, resolve, rules, suppressions, positions of spans in the reports) is a crash.
//!
//! Every target ends up in [`lint_named`], [`lint_tfvars`] or [`lint_config`]. Files go to one
//! temporary directory per process, under `$TMPDIR` (`fuzz/run` points it at a directory of its
//! own and removes it afterwards).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use yunlint::report::human::Human;
use yunlint::report::{self, Summary, github, json};
use yunlint::{Failure, LintOptions, LintRun};

/// Called once per process, before libFuzzer sets its signal handlers (`fuzz_target!(init: …)`).
///
/// Without a sanitizer, libFuzzer's `main` runs no Rust runtime set-up, so no thread has an
/// alternate signal stack: a stack overflow (on the main thread, where `lint` resolves Terraform
/// and builds the policy, or in a rayon worker, where it parses) would kill the process with
/// SIGSEGV before libFuzzer could save the input. So: a SIGSEGV/SIGBUS handler that
/// runs on an alternate stack, names the likely cause and raises SIGABRT, which libFuzzer turns
/// into a `crash-*` artifact; and such a stack for the main thread and every rayon worker (the
/// global pool is built here, with `RAYON_NUM_THREADS` threads when set).
pub fn init() {
    extern "C" fn on_segv(_: libc::c_int, _: *mut libc::siginfo_t, _: *mut libc::c_void) {
        const MESSAGE: &[u8] =
            b"\nyunlint-fuzz: SIGSEGV/SIGBUS: in safe Rust this is a stack overflow (deep recursion)\n";
        // SAFETY: write and raise are async-signal-safe; MESSAGE is a static buffer.
        unsafe {
            libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
            libc::raise(libc::SIGABRT);
        }
    }
    // SAFETY: a zeroed sigaction is a valid value; the handler only calls async-signal-safe code.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_segv as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
        libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
    }
    alternate_signal_stack();
    // Fails only when the pool already exists, which init (run first) rules out.
    let _ = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| alternate_signal_stack())
        .build_global();
}

/// Gives the calling thread an alternate signal stack (leaked: it lives as long as the thread).
fn alternate_signal_stack() {
    const SIZE: usize = 1 << 20;
    let stack = Box::leak(vec![0u8; SIZE].into_boxed_slice());
    let alt = libc::stack_t {
        ss_sp: stack.as_mut_ptr().cast(),
        ss_flags: 0,
        ss_size: SIZE,
    };
    // SAFETY: `alt` points at SIZE bytes that are never freed.
    unsafe {
        libc::sigaltstack(&alt, std::ptr::null_mut());
    }
}

/// The date every run is linted as of: the fuzzer's runs must not depend on the clock.
pub fn as_of() -> jiff::civil::Date {
    jiff::civil::date(2026, 6, 1)
}

/// This process's scratch directory (never removed by the process: see the module docs).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("yunlint-fuzz-")
            .tempdir()
            .expect("a temporary directory")
            .keep()
    })
}

/// One scratch subdirectory per use, made once, with fixed files written into it.
fn workdir(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch().join(name);
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        for (file, text) in files {
            let path = dir.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("a scratch directory");
            }
            std::fs::write(path, text).expect("a scratch file");
        }
    }
    dir
}

/// Renders a run's findings as the human, JSON and GitHub reporters do, takes every label's
/// positions as SARIF does (its whole document is not rendered: serialising every rule's text
/// would take half of each run), and renders a configuration failure as the human reporter does.
pub fn render(result: Result<LintRun, Failure>) {
    let human = Human::new(false);
    let mut out = String::new();
    match result {
        Ok(run) => {
            for finding in &run.findings {
                human.finding(&run.sources, finding, &mut out);
            }
            let summary = Summary::of_run(&run);
            human.summary(&summary, &mut out);
            std::hint::black_box(json::render(&run.sources, &run.findings, &summary));
            for finding in &run.findings {
                for label in std::iter::once(&finding.primary).chain(&finding.secondary) {
                    std::hint::black_box(report::utf16_positions(&run.sources, label.span));
                }
            }
            std::hint::black_box(github::render(&run.sources, &run.findings, Some(&summary)));
        }
        Err(Failure::Config { errors, sources }) => {
            for error in &errors {
                human.config_error(&sources, error, &mut out);
            }
        }
        Err(_) => {}
    }
    std::hint::black_box(out);
}

/// Lints `data` as one file named `name` (its name picks the front end).
///
/// Valid UTF-8 goes in as standard input (`yunlint check - --stdin-filename NAME`), which costs no
/// file system work. Anything else is linted twice: as standard input after a lossy conversion
/// (so the front end still sees the text), and as a real file holding the raw bytes, which is how
/// a non-UTF-8 file in a pull request reaches yunlint.
pub fn lint_named(name: &str, data: &[u8]) {
    let cwd = scratch();
    match std::str::from_utf8(data) {
        Ok(text) => lint_stdin(name, text.to_owned(), cwd),
        Err(_) => {
            lint_stdin(name, String::from_utf8_lossy(data).into_owned(), cwd);
            let dir = workdir("raw", &[]);
            let file = dir.join(name);
            std::fs::write(&file, data).expect("a scratch file");
            render(yunlint::lint(
                &LintOptions {
                    paths: vec![file],
                    isolated: true,
                    as_of: Some(as_of()),
                    ..Default::default()
                },
                &dir,
            ));
        }
    }
}

fn lint_stdin(name: &str, text: String, cwd: &Path) {
    render(yunlint::lint(
        &LintOptions {
            paths: vec![yunlint::STDIN_PATH.into()],
            isolated: true,
            stdin: Some((name.to_owned(), text)),
            as_of: Some(as_of()),
            ..Default::default()
        },
        cwd,
    ));
}

/// A Terraform root whose providers and resources take their regions from variables, for the
/// `tfvars` target's `terraform.tfvars` to set.
const TFVARS_ROOT: &str = r#"variable "region" {
  type    = string
  default = "cn-hangzhou"
}

variable "zones" {
  type    = list(string)
  default = ["cn-hangzhou-h"]
}

variable "settings" {
  type    = map(string)
  default = {}
}

locals {
  secondary = lookup(var.settings, "secondary", "cn-shanghai")
}

provider "alicloud" {
  region = var.region
}

provider "alicloud" {
  alias  = "dr"
  region = local.secondary
}

provider "tencentcloud" {
  region = var.settings["tencent"]
}

resource "alicloud_instance" "web" {
  availability_zone = var.zones[0]
  tags = {
    data-class = "3"
  }
}

resource "alicloud_oss_bucket" "backup" {
  provider = alicloud.dr
}

resource "tencentcloud_mysql_instance" "db" {
  instance_name = "orders"
}
"#;

/// Lints a directory holding a fixed `main.tf` and `data` as its `terraform.tfvars` (raw bytes),
/// as `yunlint check DIR` would: the variables file is loaded automatically and its values flow
/// into the providers' regions.
pub fn lint_tfvars(data: &[u8]) {
    let dir = workdir("tfvars", &[("main.tf", TFVARS_ROOT)]);
    std::fs::write(dir.join("terraform.tfvars"), data).expect("a scratch file");
    render(yunlint::lint(
        &LintOptions {
            paths: vec![dir.clone()],
            isolated: true,
            as_of: Some(as_of()),
            ..Default::default()
        },
        &dir,
    ));
}

/// One small valid descriptor, linted under the `config` target's `yunlint.toml`.
const CONFIG_DESCRIPTOR: &str = r#"[service]
name = "payments-gateway"
owner = "payments-platform"
data_class = 4

[[workload]]
name = "gateway"
kind = "compute"
provider = "alicloud"
region = "cn-shanghai"
zones = ["cn-shanghai-b"]

[[workload]]
name = "gateway-cache"
kind = "database"
provider = "alicloud"
region = "cn-shanghai-finance-1"
"#;

/// One small manifest, so that a configuration's `[[clusters]]` are used too.
const CONFIG_MANIFEST: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  namespace: payments
  labels:
    data-class: "4"
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/payments-api:1.0
"#;

/// Lints a directory holding `data` as its `yunlint.toml` (raw bytes), a small valid descriptor and
/// a small manifest, with `--config` naming that file, as `yunlint check --config DIR/yunlint.toml
/// DIR` would.
pub fn lint_config(data: &[u8]) {
    let dir = workdir(
        "config",
        &[
            // where the seeds' `[[classify]]` and `[[kubernetes.clusters]]` patterns point
            ("cards/app.deploy.toml", CONFIG_DESCRIPTOR),
            ("k8s/prod/api.yaml", CONFIG_MANIFEST),
        ],
    );
    let config = dir.join("yunlint.toml");
    std::fs::write(&config, data).expect("a scratch file");
    render(yunlint::lint(
        &LintOptions {
            paths: vec![dir.clone()],
            config: Some(config),
            as_of: Some(as_of()),
            ..Default::default()
        },
        &dir,
    ));
}

/// The files an input to the `repository` target stands for: the input is split at lines
/// `=== <path>` into files of one repository (several Terraform modules calling each other,
/// tfvars, manifests, descriptors, a `yunlint.toml`). Paths keep to a plain relative grammar
/// (letters, digits, `_`, `-`, `.`, `/`; no `..`, no leading `/`, at most four levels) and at
/// most 32 files are made, so the input decides the tree without leaving the scratch directory.
pub fn repository_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    const MAX_FILES: usize = 32;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"=== ") {
            if let Some(done) = current.take() {
                files.push(done);
            }
            if files.len() >= MAX_FILES {
                break;
            }
            let name = String::from_utf8_lossy(rest).trim().to_owned();
            current = safe_path(&name).map(|p| (p, Vec::new()));
            continue;
        }
        if let Some((_, text)) = current.as_mut() {
            text.extend_from_slice(line);
        }
    }
    files.extend(current);
    files
}

fn safe_path(name: &str) -> Option<String> {
    let plain = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    let parts: Vec<&str> = name.split('/').collect();
    (parts.len() <= 4 && parts.iter().all(|p| plain(p))).then(|| parts.join("/"))
}

/// Lints the repository an input stands for ([`repository_files`]), from its root, with its own
/// `yunlint.toml` when it has one, as `yunlint check` in a pull request's checkout would.
pub fn lint_repository(data: &[u8]) {
    let files = repository_files(data);
    if files.is_empty() {
        return;
    }
    let dir = scratch().join("repository");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    for (path, text) in &files {
        let file = dir.join(path);
        if let Some(parent) = file.parent()
            && std::fs::create_dir_all(parent).is_err()
        {
            continue; // a file where a directory should be: as a checkout would fail
        }
        let _ = std::fs::write(file, text);
    }
    render(yunlint::lint(
        &LintOptions {
            paths: Vec::new(),
            as_of: Some(as_of()),
            ..Default::default()
        },
        &dir,
    ));
}
