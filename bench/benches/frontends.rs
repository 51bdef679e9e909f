//! Criterion micro-benchmarks, one per front end: `yunlint::lint` (walk, parse, resolve, check) on
//! a small temporary repository holding one typical input of that kind, taken from the generated
//! corpus, with the corpus's `yunlint.toml`; and one over a whole small corpus. Throughput is in
//! files (STYLE.md, "Benchmarks").
//!
//! `cargo bench --manifest-path bench/Cargo.toml` (or `bench/run --criterion`).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use yunlint::LintOptions;
use yunlint_bench::{MemSink, Options, generate};

/// A repository made of the corpus files that `keep` selects, plus `yunlint.toml`; and the number
/// of files yunlint reads in it.
fn repo(files: &[(String, String)], keep: impl Fn(&str) -> bool) -> (tempfile::TempDir, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        if rel == "yunlint.toml" || keep(rel) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
    }
    let read = lint_run(dir.path()).files as u64;
    (dir, read)
}

fn lint_run(root: &Path) -> yunlint::LintRun {
    let options = LintOptions {
        paths: vec![root.to_path_buf()],
        as_of: Some(jiff::civil::date(2026, 11, 23)),
        ..LintOptions::default()
    };
    match yunlint::lint(&options, root) {
        Ok(run) => run,
        Err(e) => panic!("lint failed: {e:?}"),
    }
}

fn lint(root: &Path) -> usize {
    let run = lint_run(root);
    assert!(run.files > 0, "nothing linted in {}", root.display());
    run.placements.len()
}

fn frontends(c: &mut Criterion) {
    let mut sink = MemSink::default();
    generate(
        &mut sink,
        &Options {
            files: 400,
            seed: 20_260_930,
            profile: Default::default(),
        },
    )
    .expect("generate");
    let files = sink.files;
    // The first system of the corpus (payments-…-000) has a local module in most seeds; its prod
    // root calls shared modules, a stack-local module, and a DR standby through `alicloud.dr`.
    let system = files
        .iter()
        .find_map(|(rel, _)| rel.strip_prefix("terraform/payments/")?.split('/').next())
        .expect("a payments stack")
        .to_owned();
    let descriptor = files
        .iter()
        .find(|(rel, _)| rel.ends_with(".deploy.toml") && rel.starts_with("services/payments/"))
        .map(|(rel, _)| rel.clone())
        .expect("a descriptor");
    let manifest = files
        .iter()
        .find(|(rel, _)| rel.starts_with("k8s/prod/payments/") && rel.ends_with("-db.yaml"))
        .or_else(|| {
            files
                .iter()
                .find(|(rel, _)| rel.starts_with("k8s/prod/payments/"))
        })
        .map(|(rel, _)| rel.clone())
        .expect("a manifest");
    let plan = files
        .iter()
        .find(|(rel, _)| rel.ends_with(".plan.json"))
        .map(|(rel, _)| rel.clone())
        .expect("a plan");

    let cases: Vec<(&str, tempfile::TempDir, u64)> = vec![
        {
            let (d, b) = repo(&files, |rel| rel == descriptor);
            ("descriptor", d, b)
        },
        {
            let prod = format!("terraform/payments/{system}/envs/prod/");
            let local = format!("terraform/payments/{system}/modules/");
            let (d, b) = repo(&files, |rel| {
                rel.ends_with(".tf") && rel.starts_with("terraform/modules/")
                    || rel.starts_with(&prod) && !rel.ends_with(".md")
                    || rel.starts_with(&local)
            });
            ("terraform-root-with-modules", d, b)
        },
        {
            let (d, b) = repo(&files, |rel| rel == plan);
            ("plan-json", d, b)
        },
        {
            let (d, b) = repo(&files, |rel| rel == manifest);
            ("kubernetes-manifest", d, b)
        },
        {
            let (d, b) = repo(&files, |_| true);
            ("corpus-400", d, b)
        },
    ];

    let mut group = c.benchmark_group("lint");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (name, dir, files) in &cases {
        assert!(lint(dir.path()) > 0, "{name}: no placement");
        group.throughput(Throughput::Elements(*files));
        group.bench_function(*name, |b| b.iter(|| lint(dir.path())));
    }
    group.finish();
}

criterion_group!(benches, frontends);
criterion_main!(benches);
