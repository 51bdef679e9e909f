//! `parse-floor [-j N] DIR`: the least work any linter of DIR must do with yunlint's parsers: walk
//! it as yunlint does (`ignore`, git-ignore rules, hidden files skipped), read every input file and
//! parse it with the same crate yunlint uses for its format, in parallel with rayon, and nothing
//! else: no spans turned into positions, no resolution, no rules, no report.
//!
//! - `*.deploy.toml`: `toml` into a `toml::Table`
//! - `*.tf`, `*.tfvars`: `hcl_edit::parser::parse_body`
//! - `*.yaml`, `*.yml`: `saphyr::MarkedYaml` (spans kept), skipping Helm templates (`{{`)
//! - `*.json`: `jsonc_parser::parse_to_ast`, strict, no comments or tokens collected
//!
//! `[discovery] exclude` is not applied (the generated corpus's excluded files are few).
//! Prints one line: `files=N bytes=B errors=E walk_ms=W parse_ms=P total_ms=T`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;
use saphyr::LoadableYamlNode;

#[derive(Clone, Copy)]
enum Format {
    Toml,
    Hcl,
    Yaml,
    Json,
}

fn classify(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".deploy.toml") {
        Some(Format::Toml)
    } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
        Some(Format::Hcl)
    } else if name.ends_with(".json")
        && !name.ends_with(".tf.json")
        && !name.ends_with(".tfvars.json")
    {
        Some(Format::Json)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(Format::Yaml)
    } else {
        None
    }
}

/// Parses one file; true when the parser accepted it.
fn parse(format: Format, text: &str) -> bool {
    match format {
        Format::Toml => text.parse::<toml::Table>().is_ok(),
        Format::Hcl => hcl_edit::parser::parse_body(text).is_ok(),
        Format::Yaml if text.contains("{{") => true,
        Format::Yaml => saphyr::MarkedYaml::load_from_str(text).is_ok(),
        Format::Json => {
            let collect = jsonc_parser::CollectOptions {
                comments: jsonc_parser::CommentCollectionStrategy::Off,
                tokens: false,
            };
            let strict = jsonc_parser::ParseOptions {
                allow_comments: false,
                allow_loose_object_property_names: false,
                allow_trailing_commas: false,
                allow_missing_commas: false,
                allow_single_quoted_strings: false,
                allow_hexadecimal_numbers: false,
                allow_unary_plus_numbers: false,
                allow_bare_decimal_point_numbers: false,
                allow_non_finite_numbers: false,
                allow_extended_string_escapes: false,
            };
            jsonc_parser::parse_to_ast(text, &collect, &strict).is_ok()
        }
    }
}

fn main() -> ExitCode {
    let mut jobs: Option<usize> = None;
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" | "--jobs" => jobs = args.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: parse-floor [-j N] DIR");
        return ExitCode::from(2);
    };
    if let Some(n) = jobs
        && rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .is_err()
    {
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let mut files: Vec<(PathBuf, Format)> = ignore::WalkBuilder::new(&dir)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| classify(e.path()).map(|f| (e.into_path(), f)))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let walked = Instant::now();
    let (bytes, errors) = files
        .par_iter()
        .map(|(path, format)| match std::fs::read_to_string(path) {
            Ok(text) => (text.len(), usize::from(!parse(*format, &text))),
            Err(_) => (0, 1),
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let done = Instant::now();
    println!(
        "files={} bytes={bytes} errors={errors} walk_ms={:.1} parse_ms={:.1} total_ms={:.1}",
        files.len(),
        (walked - started).as_secs_f64() * 1e3,
        (done - walked).as_secs_f64() * 1e3,
        (done - started).as_secs_f64() * 1e3,
    );
    ExitCode::SUCCESS
}
