#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

//! Hostile input never crashes yunlint, never escapes the tree, and is never skipped silently.
//! The inputs are generated here (a 100 MB file and 100,000-level nesting are not committed).

use std::path::Path;
use std::process::Command;

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// (exit code, JSON document, stderr)
fn check(dir: &Path) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yunlint"))
        .args(["check", "--isolated", "--format", "json", "--verbose"])
        .current_dir(dir)
        .output()
        .unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn messages_for(doc: &serde_json::Value, file: &str) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn deep_nesting_is_a_finding_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 100_000;
    write(
        dir.path(),
        "deep.tf",
        format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
    );
    write(
        dir.path(),
        "deep.deploy.toml",
        format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
    );
    write(
        dir.path(),
        "deep.plan.json",
        format!(
            "{{\"format_version\":\"1.2\",\"planned_values\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    write(
        dir.path(),
        "deep.yaml",
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    write(
        dir.path(),
        "deep-block.yaml",
        (0..depth)
            .map(|i| format!("{}- \n", "  ".repeat(i % 60)))
            .collect::<String>(),
    );
    let (code, doc, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    for file in ["deep.tf", "deep.deploy.toml", "deep.plan.json", "deep.yaml"] {
        let found = messages_for(&doc, file);
        assert!(
            found.iter().any(|m| m.starts_with("YL901")),
            "{file}: {found:?}"
        );
    }
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("  a{i}: &a{i} [{}]\n", vec![prev; 9].join(",")));
    }
    write(dir.path(), "bomb.yaml", bomb);
    let (code, doc, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    let found = messages_for(&doc, "bomb.yaml");
    assert!(found.iter().any(|m| m.starts_with("YL901")), "{found:?}");
}

#[test]
fn odd_files_and_links_are_skipped_or_reported_never_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "nul.deploy.toml",
        "[[workload]]\nname = \"a\u{0}b\"\nprovider = \"alicloud\"\n",
    );
    write(
        d,
        "latin1.tf",
        b"provider \"alicloud\" {\n  region = \"caf\xe9\"\n}\n",
    );
    std::fs::create_dir_all(d.join("named-like.tf")).unwrap();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b.tf", d.join("loop-a.tf")).unwrap();
        std::os::unix::fs::symlink("loop-a.tf", d.join("loop-b.tf")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", d.join("outside.tf")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("device.tf")).unwrap();
        std::os::unix::fs::symlink("..", d.join("sub/up")).unwrap();
    }
    // 100 MB, sparse: over the default 10 MiB limit
    let big = std::fs::File::create(d.join("huge.deploy.toml")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    let (code, doc, stderr) = check(d);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        messages_for(&doc, "nul.deploy.toml")
            .iter()
            .any(|m| m.starts_with("YL901"))
    );
    assert!(
        messages_for(&doc, "latin1.tf")
            .iter()
            .any(|m| m == "YL901 file is not valid UTF-8")
    );
    assert!(
        stderr.contains("skipped huge.deploy.toml: larger than the 10485760-byte limit"),
        "{stderr}"
    );
    #[cfg(unix)]
    for link in ["loop-a.tf", "loop-b.tf", "outside.tf", "device.tf"] {
        assert!(
            stderr.contains(&format!(
                "skipped {link}: symbolic link leaving the walked directory"
            )),
            "{link}: {stderr}"
        );
    }
    assert_eq!(doc["summary"]["files"], 2);
}

/// Issue 18: evaluation is bounded by intermediate values, steps and depth, each of which ends as
/// YL204 with its reason, in several roots evaluated at once.
#[test]
fn runaway_evaluation_is_an_unresolved_region_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A few hundred bytes of nested replace(): each level doubles the string.
    let mut bomb = r#""cn-shanghai""#.to_owned();
    for _ in 0..30 {
        bomb = format!(r#"replace({bomb},"n","nn")"#);
    }
    // A chain of 255 locals, each nesting 20 calls: deeper than any stack holds unbounded.
    let mut chain = String::from("locals {\n  l0 = \"cn-shanghai\"\n");
    for i in 1..255 {
        chain.push_str(&format!(
            "  l{i} = lower(\"${{{}local.l{}{}}}\")\n",
            "upper(".repeat(20),
            i - 1,
            ")".repeat(20)
        ));
    }
    chain.push_str("}\n");
    let roots = [
        ("bomb", format!("provider \"alicloud\" {{\n  region = {bomb}\n}}\n")),
        (
            "templates",
            "provider \"alicloud\" {\n  region = \"%{ for a in range(3000) }%{ for b in range(3000) }%{ endfor }%{ endfor }\"\n}\n"
                .to_owned(),
        ),
        (
            "deep",
            format!("{chain}provider \"alicloud\" {{\n  region = local.l254\n}}\n"),
        ),
        (
            "cycle",
            "provider \"alicloud\" {\n  region = alicloud_vpc.b.region\n}\nresource \"alicloud_vpc\" \"a\" {\n  region = alicloud_vpc.b.region\n}\nresource \"alicloud_vpc\" \"b\" {\n  region = alicloud_vpc.a.region\n}\n"
                .to_owned(),
        ),
    ];
    for (root, text) in &roots {
        write(
            dir.path(),
            &format!("{root}/main.tf"),
            format!("{text}resource \"alicloud_instance\" \"app\" {{}}\n"),
        );
    }
    let (code, doc, stderr) = check(dir.path());
    assert_eq!(code, 1, "{stderr}");
    for (root, reason) in [
        ("bomb", "too large to evaluate statically"),
        ("templates", "steps"),
        ("deep", "nest deeper than"),
        ("cycle", "refers to itself"),
    ] {
        let found = messages_for(&doc, &format!("{root}/main.tf"));
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("YL204") && m.contains(reason)),
            "{root}: {found:?}"
        );
    }
}
