//! One module per subcommand. Each returns the run's [`ExitStatus`] or a [`Fatal`] error.

mod check;
mod init;
mod inventory;
mod output;
mod providers;
mod report;
mod rules;
mod suppressions;

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{Cli, ColorChoice, Command, WalkArgs};
use crate::report::ExitStatus;
use crate::report::human::Human;
use crate::{Failure, LintOptions, STDIN_PATH};

/// Why a command stopped before doing its job.
#[derive(Debug)]
pub enum Fatal {
    /// Standard output was closed by the reader (`yunlint check | head`): not an error.
    BrokenPipe,
    /// Exit 2: `diagnostics` (rendered, possibly empty) go first, then `yunlint failed: <message>`.
    Error {
        diagnostics: String,
        message: String,
    },
}

impl Fatal {
    pub fn message(message: impl Into<String>) -> Self {
        Fatal::Error {
            diagnostics: String::new(),
            message: message.into(),
        }
    }
}

pub fn run(cli: Cli) -> Result<ExitStatus, Fatal> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Inventory(args) => inventory::run(args),
        Command::Suppressions(args) => suppressions::run(args),
        Command::Report(args) => report::run(args),
        Command::Rules => rules::list(),
        Command::Explain(args) => rules::explain(&args.rule),
        Command::Providers(args) => providers::run(args),
        Command::Init(args) => init::run(args),
        Command::Help(args) => help(args.command.as_deref()),
    }
}

/// `yunlint help [COMMAND]`: the long help of yunlint or of that command, on standard output.
fn help(command: Option<&str>) -> Result<ExitStatus, Fatal> {
    use clap::CommandFactory;
    let mut yunlint = Cli::command();
    let mut target = match command {
        None => yunlint,
        Some(name) => {
            yunlint.build();
            let Some(sub) = yunlint.find_subcommand(name).cloned() else {
                let names: Vec<String> = yunlint
                    .get_subcommands()
                    .map(|c| c.get_name().to_owned())
                    .collect();
                let hint = crate::suggest::did_you_mean(name, names.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("the commands are {}", names.join(", ")));
                return Err(Fatal::message(format!("unknown command `{name}`: {hint}")));
            };
            sub
        }
    };
    let text = target.render_long_help().to_string();
    output::emit(&text, None)?;
    Ok(ExitStatus::Success)
}

fn cwd() -> Result<PathBuf, Fatal> {
    std::env::current_dir()
        .map_err(|e| Fatal::message(format!("cannot read the current directory: {e}")))
}

/// Colour for standard output: never into a file, and under `auto` only on a terminal without `NO_COLOR`.
fn color_enabled(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => !to_file,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// The lint options shared by `check` and `inventory`, reading standard input when `-` is a path.
fn lint_options(walk: &WalkArgs, config: &crate::cli::ConfigArgs) -> Result<LintOptions, Fatal> {
    let stdin = if walk.paths.iter().any(|p| p.as_os_str() == STDIN_PATH) {
        let Some(name) = walk.stdin_filename.clone() else {
            return Err(Fatal::message(
                "reading standard input (`-`) needs --stdin-filename to name it, like `--stdin-filename chart.deploy.toml`",
            ));
        };
        if crate::discover::classify(std::path::Path::new(&name)).is_none() {
            return Err(Fatal::message(format!(
                "--stdin-filename `{name}` does not name a format yunlint reads (*.deploy.toml, *.tf, *.tfvars)"
            )));
        }
        // Bounded before the configuration is known; a smaller `max_file_size` applies later.
        let bytes = crate::guarded_read::read_stdin(crate::config::DEFAULT_MAX_FILE_SIZE)
            .map_err(|e| Fatal::message(format!("cannot read standard input: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Fatal::message("cannot read standard input: stream did not contain valid UTF-8")
        })?;
        Some((name, text))
    } else {
        None
    };
    Ok(LintOptions {
        paths: walk.paths.clone(),
        config: config.config.clone(),
        isolated: config.isolated,
        force_exclude: walk.force_exclude,
        as_of: config.as_of,
        select: Vec::new(),
        ignore: Vec::new(),
        stdin,
        var_files: walk.var_files.clone(),
        vars: walk.vars.clone(),
        baseline: None,
        findings_only: false,
        placements_only: false,
    })
}

/// What every linting command reports after its output: skipped files under `--verbose`, and
/// files whose reading crashed, which make the run fail with exit 2.
fn report_run_health(run: &crate::LintRun, verbose: bool) -> Option<ExitStatus> {
    if verbose {
        for (path, reason) in &run.skipped {
            output::note(&format!(
                "skipped {}: {reason}\n",
                crate::report::visible::visible(path)
            ));
        }
        for (address, reason) in &run.notes {
            output::note(&format!(
                "note: {}: {}\n",
                crate::report::visible::visible(address),
                crate::report::visible::visible(reason)
            ));
        }
    }
    if run.internal_errors.is_empty() {
        return None;
    }
    output::note(&format!(
        "yunlint failed: internal error while reading {}; the other files were linted\n",
        crate::report::visible::visible(&run.internal_errors.join(", "))
    ));
    Some(ExitStatus::Error)
}

/// The most threads `--jobs` may ask for: far more than any runner has cores, and few enough that
/// starting them is quick (`--jobs 100000` ran past a minute creating threads).
pub const MAX_JOBS: usize = 256;

/// The whole pass over `options`, on `jobs` threads, with a progress line on a terminal unless
/// `quiet`; the line is cleared before this returns.
fn lint_run(
    jobs: Option<usize>,
    options: &LintOptions,
    cwd: &std::path::Path,
    quiet: bool,
) -> Result<crate::LintRun, Fatal> {
    let progress = crate::progress::Progress::start(!quiet);
    let run = with_jobs(jobs, || crate::lint(options, cwd));
    progress.finish();
    Ok(run??)
}

/// Runs `f` on a pool of `jobs` threads, or on rayon's default pool.
fn with_jobs<T: Send>(jobs: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T, Fatal> {
    match jobs {
        None => Ok(f()),
        Some(0) => Err(Fatal::message("--jobs must be at least 1")),
        Some(n) if n > MAX_JOBS => Err(Fatal::message(format!(
            "--jobs {n} is more than the maximum of {MAX_JOBS}"
        ))),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map(|pool| pool.install(f))
            .map_err(|e| Fatal::message(format!("cannot start {n} threads: {e}"))),
    }
}

impl From<Failure> for Fatal {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Config { errors, sources } => {
                let human = Human::new(false);
                let mut diagnostics = String::new();
                for e in &errors {
                    human.config_error(&sources, e, &mut diagnostics);
                }
                Fatal::Error {
                    diagnostics,
                    message: format!(
                        "invalid configuration ({})",
                        crate::report::plural(errors.len(), "error")
                    ),
                }
            }
            Failure::Unreadable { path, error } => {
                Fatal::message(format!("cannot read `{}`: {error}", path.display()))
            }
            Failure::Discover(e) => Fatal::message(e.to_string()),
            Failure::Context(e) => Fatal::message(e.to_string()),
            Failure::Baseline { path, message } => Fatal::message(format!(
                "cannot use baseline `{}`: {message}",
                path.display()
            )),
            Failure::Selector(e) => Fatal::message(format!(
                "unknown rule selector `{}`{}",
                e.selector,
                e.suggestion
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_else(|| " (`yunlint rules` lists every rule)".into())
            )),
        }
    }
}
