//! `yunlint check`: lint, report, and the exit status.

use super::output::{emit, note};
use super::{Fatal, color_enabled, cwd, lint_options, with_jobs};
use crate::cli::{CheckArgs, CheckFormat};
use crate::report::human::Human;
use crate::report::{ExitStatus, Summary, json};

pub fn run(args: CheckArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let mut options = lint_options(&args.walk, &args.config)?;
    options.select = args.select.clone();
    options.ignore = args.ignore.clone();
    let run = with_jobs(args.walk.jobs, || crate::lint(&options, &cwd))??;
    let summary = Summary::new(&run.findings, run.files, run.elapsed);

    let color = color_enabled(args.color, args.output.is_some());
    let human = Human::new(color);
    let text = match args.format {
        CheckFormat::Human => {
            let mut text = String::new();
            for finding in &run.findings {
                human.finding(&run.sources, finding, &mut text);
            }
            if !args.quiet {
                human.summary(&summary, &mut text);
            }
            text
        }
        CheckFormat::Json => json::render(&run.sources, &run.findings, &summary),
    };
    emit(&text, args.output.as_deref())?;
    if !args.quiet && (args.format != CheckFormat::Human || args.output.is_some()) {
        let mut line = String::new();
        Human::new(false).summary(&summary, &mut line);
        note(&line);
    }
    Ok(if args.exit_zero {
        ExitStatus::Success
    } else {
        summary.status(args.deny.is_some())
    })
}
