//! yunlint: where every workload of a bank's infrastructure runs, checked against China's financial
//! cloud and data-residency rules.
//!
//! One pass, one direction: discover → parse → resolve → check → report. [`lint`] runs the pass;
//! the binary only parses arguments, calls it through [`commands`] and maps the result to an exit
//! code.

pub mod cli;
pub mod commands;
pub mod config;
pub mod discover;
pub mod finding;
pub mod frontends;
pub mod model;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::{Config, ConfigError, ConfigFailure};
use crate::discover::{DiscoverError, FileFormat, Walk};
use crate::finding::{Finding, Label};
use crate::frontends::{FileOutput, ParseIssue, Parsed, clusters, terraform};
use crate::model::{Origin, Placement};
use crate::rules::{ParseError, Selection, UnknownSelector, UnresolvedRegion};
use crate::source::{SourceFile, SourceId, SourceMap, Span, relative_display};
use crate::suppress::Suppression;
use crate::suppress::baseline::Baseline;

/// What a run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    pub paths: Vec<PathBuf>,
    pub config: Option<PathBuf>,
    /// Ignore every `yunlint.toml`.
    pub isolated: bool,
    pub force_exclude: bool,
    pub as_of: Option<Date>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Standard input's text and the file name it stands for (`check -`).
    pub stdin: Option<(String, String)>,
    /// Terraform `--var-file` files, in the order given.
    pub var_files: Vec<PathBuf>,
    /// Terraform `--var NAME=VALUE`, in the order given.
    pub vars: Vec<(String, String)>,
    /// Hide the findings this baseline file records.
    pub baseline: Option<PathBuf>,
}

/// Everything a run found, ready for a reporter.
#[derive(Debug)]
pub struct LintRun {
    pub sources: SourceMap,
    pub config: Config,
    pub placements: Vec<Placement>,
    pub findings: Vec<Finding>,
    /// Files read (parsed or not).
    pub files: usize,
    /// Findings hidden by inline suppressions and `[[exceptions]]`.
    pub suppressed: usize,
    /// Findings hidden by the baseline.
    pub baselined: usize,
    /// Baseline entries no finding matched any more: fixed since.
    pub fixed: usize,
    /// Files passed over, with the reason (too large, not a regular file, a link out of the tree).
    pub skipped: Vec<(String, String)>,
    /// Files whose reading crashed (a bug in yunlint): the run must end with exit 2.
    pub internal_errors: Vec<String>,
    pub elapsed: Duration,
}

/// Why a run could not do its job (exit 2).
#[derive(Debug)]
pub enum Failure {
    Config {
        errors: Vec<ConfigError>,
        sources: SourceMap,
    },
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    Discover(DiscoverError),
    Selector(UnknownSelector),
    Baseline {
        path: PathBuf,
        message: String,
    },
}

impl Failure {
    pub fn from_config(failure: ConfigFailure, sources: SourceMap) -> Self {
        match failure {
            ConfigFailure::Invalid(errors) => Failure::Config { errors, sources },
            ConfigFailure::Unreadable { path, error } => Failure::Unreadable { path, error },
        }
    }
}

/// Today's date in the local time zone: the only place yunlint reads the clock.
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

/// Standard input as a path argument.
pub const STDIN_PATH: &str = "-";

pub fn lint(options: &LintOptions, cwd: &Path) -> Result<LintRun, Failure> {
    let started = Instant::now();
    let today = options.as_of.unwrap_or_else(today);
    let mut sources = SourceMap::default();

    let paths: Vec<PathBuf> = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let config_file = match &options.config {
        _ if options.isolated => None,
        Some(file) => Some(file.clone()),
        None => {
            let first = paths
                .iter()
                .find(|p| p.as_os_str() != STDIN_PATH)
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            config::find(&first)
        }
    };
    let config = match config::load(config_file.as_deref(), cwd, today, &mut sources) {
        Ok(config) => config,
        Err(failure) => return Err(Failure::from_config(failure, sources)),
    };
    let selection = Selection::new(&options.select, &options.ignore, &config.rule_levels)
        .map_err(Failure::Selector)?;
    let baseline = match &options.baseline {
        None => None,
        Some(path) => {
            let failed = |message: String| Failure::Baseline {
                path: path.clone(),
                message,
            };
            let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
            Some(Baseline::parse(&text).map_err(failed)?)
        }
    };

    let walk_paths: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != STDIN_PATH)
        .cloned()
        .collect();
    let discovered = Walk {
        root: &config.root,
        max_file_size: config.max_file_size,
        exclude: &config.exclude,
        force_exclude: options.force_exclude,
    }
    .run(&walk_paths)
    .map_err(Failure::Discover)?;

    let base = sources.next_id().0;
    let mut inputs: Vec<Input> = discovered
        .files
        .iter()
        .map(|f| Input::File(f.path.clone(), f.format))
        .collect();
    if let Some((name, text)) = &options.stdin
        && let Some(format) = discover::classify(Path::new(name))
    {
        inputs.push(Input::Stdin(PathBuf::from(name), format, text.clone()));
    }
    for path in &options.var_files {
        if !path.is_file() {
            return Err(Failure::Unreadable {
                path: path.clone(),
                error: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        inputs.push(Input::VarFile(path.clone()));
    }
    let known_providers: BTreeSet<String> = config.policy.providers.keys().cloned().collect();
    let parsed: Vec<(SourceFile, Parsed, bool)> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| {
            let id = SourceId(base + u32::try_from(i).expect("fewer than 2^32 files"));
            let path = input.path().to_path_buf();
            // A bug in one front end must not take the other files down: the file is reported
            // and the run ends with exit 2 (the panic hook has printed what happened).
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                load_and_parse(input, id, cwd, &config.root, &known_providers)
            }))
            .unwrap_or_else(|_| {
                let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
                let file = SourceFile::new(
                    relative_display(&absolute, cwd),
                    relative_display(&absolute, &config.root),
                    absolute,
                    String::new(),
                );
                (file, Parsed::Crashed, false)
            })
        })
        .collect();
    let internal_errors: Vec<String> = parsed
        .iter()
        .filter(|(_, p, _)| matches!(p, Parsed::Crashed))
        .map(|(f, _, _)| f.display.clone())
        .collect();

    let files = parsed
        .iter()
        .filter(|(_, p, _)| !matches!(p, Parsed::Skipped))
        .count();
    let mut outputs: Vec<FileOutput> = Vec::new();
    let mut tf_files = Vec::new();
    let mut var_files = Vec::new();
    let mut manifest_files = Vec::new();
    let mut downloaded = Vec::new();
    for (file, parsed, is_var_file) in parsed {
        let id = sources.add(file);
        match parsed {
            Parsed::Kubernetes(k8s) => {
                outputs.push(FileOutput {
                    issues: k8s.issues,
                    ..FileOutput::default()
                });
                manifest_files.push(clusters::ManifestFile {
                    id,
                    rel: sources.get(id).rel.clone(),
                    manifests: k8s.manifests,
                });
            }
            Parsed::Done(output) => outputs.push(output),
            Parsed::Terraform(tf) if is_var_file => var_files.push(tf),
            Parsed::Terraform(tf) => tf_files.push(tf),
            Parsed::TerraformModules(manifest) => downloaded.push(manifest),
            Parsed::Crashed => {}
            Parsed::Skipped => {}
        }
    }
    if !tf_files.is_empty() {
        let vars = command_line_vars(&options.vars, &mut sources);
        let rel_paths = tf_files
            .iter()
            .map(|f| (f.id, sources.get(f.id).rel.clone()))
            .collect();
        outputs.push(terraform::resolve(terraform::Inputs {
            files: &tf_files,
            var_files: &var_files,
            vars,
            rel_paths,
            project_root: config.root.clone(),
            known_providers: known_providers.clone(),
            downloaded,
        }));
    }
    if !manifest_files.is_empty() {
        let terraform: Vec<Placement> = outputs
            .iter()
            .flat_map(|o| &o.placements)
            .filter(|p| p.origin == Origin::Terraform)
            .cloned()
            .collect();
        outputs.push(clusters::place(
            &manifest_files,
            &config.clusters,
            &terraform,
        ));
    }
    let mut placements = Vec::new();
    let mut issues: Vec<ParseIssue> = Vec::new();
    let mut unverifiable = Vec::new();
    for output in outputs {
        placements.extend(output.placements);
        issues.extend(output.issues);
        unverifiable.extend(output.unverifiable);
    }

    let mut findings = rules::check(&placements, &config.policy, &selection);
    findings.extend(
        issues
            .into_iter()
            .map(parse_finding)
            .chain(
                unverifiable
                    .into_iter()
                    .map(|u| UnresolvedRegion::unverifiable(&u)),
            )
            .filter_map(|f| selection.apply(f)),
    );
    // suppress: inline comments and [[exceptions]], then the baseline
    let scanned: Vec<(Vec<Suppression>, Vec<Finding>)> = sources
        .iter()
        .filter(|(_, file)| suppress::inline::has_comments(file))
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(id, file)| suppress::inline::scan(file, id))
        .collect();
    let mut suppressions = config.exceptions.clone();
    for (found, invalid) in scanned {
        suppressions.extend(found);
        findings.extend(invalid.into_iter().filter_map(|f| selection.apply(f)));
    }
    let outcome = suppress::apply(
        findings,
        &suppressions,
        &placements,
        &sources,
        today,
        &selection,
    );
    let (findings, baselined, fixed) = match &baseline {
        Some(b) => b.filter(outcome.findings, &sources),
        None => (outcome.findings, 0, 0),
    };

    Ok(LintRun {
        sources,
        config,
        placements,
        findings,
        files,
        suppressed: outcome.suppressed,
        baselined,
        fixed,
        skipped: discovered
            .skipped
            .iter()
            .map(|(path, reason)| {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                (relative_display(&absolute, cwd), reason.clone())
            })
            .collect(),
        internal_errors,
        elapsed: started.elapsed(),
    })
}

enum Input {
    File(PathBuf, FileFormat),
    Stdin(PathBuf, FileFormat, String),
    VarFile(PathBuf),
}

impl Input {
    fn path(&self) -> &Path {
        match self {
            Input::File(p, _) | Input::Stdin(p, _, _) | Input::VarFile(p) => p,
        }
    }
}

/// `--var` values as one synthetic source, so that a chain can point at them.
fn command_line_vars(
    vars: &[(String, String)],
    sources: &mut SourceMap,
) -> Vec<(String, String, Span)> {
    if vars.is_empty() {
        return Vec::new();
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for (name, value) in vars {
        text.push_str(&format!("--var {name}="));
        let start = text.len();
        text.push_str(value);
        spans.push(start..text.len());
        text.push('\n');
    }
    let id = sources.add(SourceFile::new(
        "<command line>".into(),
        "<command line>".into(),
        PathBuf::from("<command line>"),
        text,
    ));
    vars.iter()
        .zip(spans)
        .map(|((name, value), range)| (name.clone(), value.clone(), Span::new(id, range)))
        .collect()
}

fn parse_finding(issue: ParseIssue) -> Finding {
    let mut finding = Finding::new(
        &ParseError::META,
        Label::new(issue.span, "here"),
        issue.message,
    );
    finding.help = issue.help;
    finding
}

/// Reads one file (never failing: an unreadable or non-UTF-8 file is a parse issue) and parses it.
/// The flag says whether it is a `--var-file`.
fn load_and_parse(
    input: Input,
    id: SourceId,
    cwd: &Path,
    root: &Path,
    known_providers: &BTreeSet<String>,
) -> (SourceFile, Parsed, bool) {
    let is_var_file = matches!(input, Input::VarFile(_));
    let (path, format, bytes) = match input {
        Input::File(path, format) => {
            let bytes = std::fs::read(&path);
            (path, format, bytes)
        }
        Input::VarFile(path) => {
            let bytes = std::fs::read(&path);
            (path, FileFormat::TerraformVars, bytes)
        }
        Input::Stdin(path, format, text) => (path, format, Ok(text.into_bytes())),
    };
    let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let display = relative_display(&absolute, cwd);
    let rel = relative_display(&absolute, root);
    let (text, issue) = match bytes {
        Err(e) => (String::new(), Some((0, format!("cannot read file: {e}")))),
        Ok(bytes) => decode(bytes),
    };
    let file = SourceFile::new(display, rel, absolute, text);
    let parsed = match issue {
        Some((offset, message)) => Parsed::Done(FileOutput {
            issues: vec![ParseIssue::new(Span::new(id, offset..offset), message)],
            ..FileOutput::default()
        }),
        None => frontends::parse(format, &file, id, known_providers),
    };
    (file, parsed, is_var_file)
}

/// UTF-8 text without a byte-order mark, or the lossy text and where the first invalid byte is.
fn decode(bytes: Vec<u8>) -> (String, Option<(usize, String)>) {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // Keep offsets aligned with the file on disk by blanking the mark rather than removing it.
                text.replace_range(0..3, "   ");
            }
            (text, None)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (text, Some((offset, "file is not valid UTF-8".to_owned())))
        }
    }
}
