//! `yunlint report`: one self-contained HTML file for the compliance team.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::output::{Target, emit};
use super::{Fatal, cwd, lint_options, with_jobs};
use crate::cli::ReportArgs;
use crate::context::Context;
use crate::report::{ExitStatus, html, register, revision};

pub fn run(args: ReportArgs) -> Result<ExitStatus, Fatal> {
    if args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Fatal::message(
            "the report is an HTML file: name it with --output report.html, or redirect standard output",
        ));
    }
    let cwd = cwd()?;
    let mut options = lint_options(&args.walk, &args.config)?;
    options.baseline = args.baseline.clone();
    // Paths in the report are relative to the project root, whichever directory it is run from:
    // the run is made from the root, with every path named on the command line made absolute.
    let absolute = |p: &PathBuf| -> PathBuf {
        if p.as_os_str() == crate::STDIN_PATH {
            p.clone()
        } else {
            cwd.join(p)
        }
    };
    options.paths = if options.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        options.paths.iter().map(absolute).collect()
    };
    options.config = options.config.as_ref().map(absolute);
    options.var_files = options.var_files.iter().map(absolute).collect();
    options.baseline = options.baseline.as_ref().map(absolute);
    if let Some((name, _)) = &mut options.stdin {
        *name = cwd.join(&*name).to_string_lossy().into_owned();
    }
    let context = Context::new(
        &options.paths,
        options.stdin.as_ref().map(|(name, _)| name.as_str()),
        options.config.as_deref().filter(|_| !options.isolated),
        &cwd,
    )
    .map_err(|e| Fatal::from(crate::Failure::Context(e)))?;
    let run = with_jobs(args.walk.jobs, || crate::lint(&options, &context.root))??;
    let today = options.as_of.unwrap_or_else(crate::today);
    let meta = html::Meta {
        revision: revision::head(&run.config.root),
        as_of: today,
        as_of_given: options.as_of.is_some(),
        baseline: options
            .baseline
            .as_deref()
            .map(|path| baseline_digest(path, &run.config.root)),
    };
    let rows = register::rows(&run.register, &run.sources, today);
    let text = html::render(&run, &meta, rows);
    emit(
        &text,
        args.output
            .as_deref()
            .map(|path| Target::of_run(path, &run, args.force)),
    )?;
    if let Some(status) = super::report_run_health(&run, args.walk.verbose) {
        return Ok(status);
    }
    Ok(ExitStatus::Success)
}

/// The baseline's name (relative to the root when inside it) and the SHA-256 of its bytes.
fn baseline_digest(path: &Path, root: &Path) -> (String, Option<String>) {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let name = real
        .strip_prefix(std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| {
            real.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let digest = crate::guarded_read::read(&real, crate::config::DEFAULT_MAX_FILE_SIZE, None)
        .ok()
        .map(|bytes| html::sha256_hex(&bytes));
    (name, digest)
}
