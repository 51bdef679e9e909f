//! `yunlint-gen --files N [--seed S] OUT_DIR`: writes a generated bank monorepo into OUT_DIR (which
//! must not exist or be empty) and prints what it wrote.

use std::path::PathBuf;
use std::process::ExitCode;

use yunlint_bench::{DirSink, Options, Profile, generate};

const USAGE: &str = "usage: yunlint-gen [--files N] [--seed S] [--profile light|heavy] OUT_DIR\n\
  --files N   approximate number of files (default 10000; suffix k for thousands: 1k, 10k, 50k)\n\
  --seed S    seed of the generator (default 20260930)\n\
  --profile P light (default): few module instances and findings per file; heavy: environments\n\
              of 5 to 14 local modules with a DR alias, about 5.5 placements and 3 findings per file";

fn parse_count(s: &str) -> Option<usize> {
    match s.strip_suffix(['k', 'K']) {
        Some(n) => n.parse::<usize>().ok().map(|n| n * 1000),
        None => s.parse().ok(),
    }
}

fn main() -> ExitCode {
    let mut files = 10_000;
    let mut seed = 20_260_930;
    let mut profile = Profile::Light;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--files" | "--seed" => args.next(),
            "--profile" => {
                match args.next().as_deref().and_then(Profile::parse) {
                    Some(p) => profile = p,
                    None => {
                        eprintln!("yunlint-gen: `--profile` is `light` or `heavy`\n{USAGE}");
                        return ExitCode::from(2);
                    }
                }
                continue;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if arg.starts_with('-') => {
                eprintln!("yunlint-gen: unknown flag `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => {
                out = Some(PathBuf::from(&arg));
                continue;
            }
        };
        let parsed = value.as_deref().and_then(parse_count);
        match (arg.as_str(), parsed) {
            ("--files", Some(n)) if n > 0 => files = n,
            ("--seed", Some(n)) => seed = n as u64,
            _ => {
                eprintln!("yunlint-gen: `{arg}` needs a positive number\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if out.exists()
        && std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!("yunlint-gen: `{}` exists and is not empty", out.display());
        return ExitCode::from(2);
    }
    let stats = match generate(
        &mut DirSink::new(&out),
        &Options {
            files,
            seed,
            profile,
        },
    ) {
        Ok(stats) => stats,
        Err(e) => {
            eprintln!("yunlint-gen: cannot write `{}`: {e}", out.display());
            return ExitCode::from(2);
        }
    };
    // Machine-readable first line (bench/run reads it), then a human summary.
    println!(
        "files={} bytes={} input_files={} input_bytes={} systems={} seed={seed} profile={}",
        stats.files,
        stats.bytes,
        stats.input_files(),
        stats.input_bytes(),
        stats.systems,
        profile.name()
    );
    for (kind, (n, bytes)) in &stats.by_kind {
        println!(
            "  {:<12} {n:>7} files {:>10.1} KiB",
            kind.name(),
            *bytes as f64 / 1024.0
        );
    }
    for (v, n) in &stats.violations {
        println!("  violation: {:<40} x{n}", v.name());
    }
    ExitCode::SUCCESS
}
