#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! `yunlint report` (issue 17): the HTML report of real fixtures, rendered in headless Chromium
//! (Debian's package, installed by `.ci/install-test-deps`), checked in the DOM the browser built
//! and in a screenshot. A hostile repository proves that its text cannot become markup.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longer than Chromium ever takes here (about a second); only turns a hang into a failure.
const CHROMIUM_WATCHDOG: Duration = Duration::from_secs(60);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn yunlint(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Writes the report of `dir` (run there with `args`) to `out`, asserting it succeeded.
fn report(dir: &Path, out: &Path, args: &[&str]) -> String {
    let output = out.to_str().unwrap();
    let mut all = vec!["report", "--output", output];
    all.extend_from_slice(args);
    let run = yunlint(dir, &all);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "");
    std::fs::read_to_string(out).unwrap()
}

fn json_count(text: &str, key: &str) -> usize {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    doc[key].as_array().unwrap().len()
}

fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "this test renders the HTML report in headless Chromium, which is not installed: \
             run `bash .ci/install-test-deps` (it installs Debian's chromium package)"
        )
    })
}

/// What Chromium printed for one headless run.
struct Rendered {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `args` and a fresh profile, killed after the watchdog.
fn run_chromium(page: &Path, args: &[String]) -> Rendered {
    let work = tempfile::tempdir().unwrap();
    let profile = work.path().join("profile");
    let stdout_path = work.path().join("stdout");
    let stderr_path = work.path().join("stderr");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .env("HOME", work.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {CHROMIUM_WATCHDOG:?}: {}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let rendered = Rendered {
        stdout: String::from_utf8_lossy(&std::fs::read(&stdout_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&stderr_path).unwrap()).into_owned(),
    };
    assert!(status.success(), "chromium failed: {}", rendered.stderr);
    rendered
}

/// The DOM Chromium built from the page, after its script ran.
fn dump_dom(page: &Path) -> String {
    let rendered = run_chromium(page, &["--dump-dom".to_owned()]);
    for refused in ["Content Security Policy", "Refused to"] {
        assert!(
            !rendered.stderr.contains(refused),
            "the page broke its own policy: {}",
            rendered.stderr
        );
    }
    rendered.stdout
}

/// Width and height from a PNG's IHDR chunk (which the format puts first).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_example_bank_report_renders_in_chromium() {
    let bank = fixture("example-bank");
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("report.html");
    let html = report(&bank, &page, &["--as-of", "2026-11-01"]);

    let inventory = yunlint(
        &bank,
        &["inventory", "--format", "json", "--as-of", "2026-11-01"],
    );
    let placements = json_count(&inventory.stdout, "placements");
    let check = yunlint(
        &bank,
        &["check", "--format", "json", "--as-of", "2026-11-01"],
    );
    let findings = json_count(&check.stdout, "findings");
    let providers = yunlint(&bank, &["providers", "--format", "json"]);
    let registry = json_count(&providers.stdout, "providers");
    assert!(placements > 30 && findings > 10 && registry > 10);

    let dom = dump_dom(&page);
    for id in [
        "run",
        "summary",
        "findings",
        "inventory",
        "register",
        "providers",
    ] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "section {id}"
        );
    }
    assert_eq!(count(&dom, "<tbody class=\"placement\">"), placements);
    assert_eq!(count(&dom, "<tbody class=\"finding\">"), findings);
    assert_eq!(count(&dom, "<tbody class=\"provider\">"), registry);
    for chart in ["chart-providers", "chart-regions", "chart-rules"] {
        assert!(
            dom.contains(&format!("<title id=\"{chart}-title\">")),
            "chart {chart}"
        );
    }
    assert_eq!(count(&dom, "<svg "), 3);
    assert!(dom.contains("<h1>Cloud placement audit report</h1>"));
    // the script ran (its hash is in the policy): every sortable column is a control
    assert!(dom.contains("aria-sort=\"none\""));
    // the chain of a region set through a variable
    assert!(dom.contains("<ol class=\"chain\">"));
    // what the page was given and what the browser kept agree on the data
    assert_eq!(
        count(&html, "<tbody class=\"placement\">"),
        count(&dom, "<tbody class=\"placement\">")
    );

    let png = work.path().join("report.png");
    run_chromium(
        &page,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_owned(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), (1280, 2000));
    // a blank or unstyled page compresses to a few kilobytes; the charts and tables do not
    assert!(bytes.len() > 60_000, "screenshot of {} bytes", bytes.len());
}

#[test]
fn the_register_lists_every_entry_expired_first() {
    let dir = fixture("suppressions");
    let work = tempfile::tempdir().unwrap();
    let html = report(
        &dir,
        &work.path().join("r.html"),
        &["--as-of", "2026-11-23"],
    );
    let register = yunlint(
        &dir,
        &["suppressions", "--format", "json", "--as-of", "2026-11-23"],
    );
    let entries: serde_json::Value = serde_json::from_str(&register.stdout).unwrap();
    let entries = entries["entries"].as_array().unwrap();
    let expired = entries.iter().filter(|e| e["status"] == "expired").count();
    assert!(expired > 0 && expired < entries.len());
    assert_eq!(count(&html, "<tbody class=\"entry\">"), entries.len());
    let statuses: Vec<&str> = html
        .split("<tbody class=\"entry\">")
        .skip(1)
        .map(|body| {
            let tag = body.split("<span class=\"tag ").nth(1).unwrap();
            tag.split('>').nth(1).unwrap().split('<').next().unwrap()
        })
        .collect();
    assert!(statuses[..expired].iter().all(|s| *s == "expired"));
    assert!(statuses[expired..].iter().all(|s| *s != "expired"));
    assert!(
        html.contains("<td>compliance (CR-2026-201)</td>"),
        "the approver"
    );
}

#[test]
fn the_report_is_the_same_whatever_the_path_spelling_and_directory() {
    let bank = fixture("example-bank");
    let work = tempfile::tempdir().unwrap();
    let a = report(
        &bank,
        &work.path().join("a.html"),
        &["--as-of", "2026-11-01"],
    );
    let b = report(
        &bank.join("payments"),
        &work.path().join("b.html"),
        &["--as-of", "2026-11-01", ".."],
    );
    let c = report(
        &fixture(""),
        &work.path().join("c.html"),
        &["--as-of", "2026-11-01", "example-bank/"],
    );
    assert!(a == b, "run from a subdirectory with `..`");
    assert!(a == c, "run from the parent with `example-bank/`");
    assert!(a.contains("<code>payments/"), "paths relative to the root");
}

#[test]
fn repository_text_cannot_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("yunlint.toml"), "# hostile\n").unwrap();
    let hostile = "<script>alert(1)</script>\"'&amp;\u{202e}evil\u{1b}[31m";
    std::fs::write(
        d.join("<img src=x onerror=alert(2)>.deploy.toml"),
        format!(
            "# yunlint: allow YL201 reason=\"</td><script>alert(3)</script>\" until=2030-01-01\n\
             [[workload]]\nname = {name}\nprovider = \"alicloud\"\nregion = {region}\ndata_class = 2\n\n\
             [[workload]]\nname = \"b\"\nprovider = {provider}\nregion = \"cn-beijing\"\n",
            name = toml_string(hostile),
            region = toml_string(&format!("ap-{hostile}")),
            provider = toml_string("<svg onload=alert(4)>"),
        ),
    )
    .unwrap();
    let page = d.join("report.html");
    let html = report(d, &page, &["--as-of", "2026-11-01"]);
    assert_eq!(count(&html, "<script"), 1, "only the report's own script");
    for injected in ["<img", "<svg onload", "</td><script", "\u{202e}", "\u{1b}"] {
        assert!(!html.contains(injected), "{injected:?} reached the page");
    }
    assert!(
        html.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;'&amp;amp;\\u{202e}evil\\x1b[31m"
        )
    );
    assert!(html.contains("&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));

    let dom = dump_dom(&page);
    assert_eq!(count(&dom, "<script"), 1);
    assert_eq!(count(&dom, "<img"), 0);
    assert_eq!(count(&dom, "<svg "), 3, "the report's charts only");
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

#[test]
fn html_is_not_written_to_a_terminal() {
    // util-linux's `script` (Debian's essential bsdutils) gives the command a terminal as
    // standard output.
    let bin = env!("CARGO_BIN_EXE_yunlint");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("'{bin}' report --as-of 2026-11-01"),
            "/dev/null",
        ])
        .current_dir(fixture("example-bank"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains(
            "yunlint failed: the report is an HTML file: name it with --output report.html, or redirect standard output"
        ),
        "{shown}"
    );
    assert!(!shown.contains("<html"));
}
