//! `yunlint suppressions`: every inline suppression, exception and baseline entry, with reason,
//! approver, expiry and whether it is used.

use super::output::{Target, emit};
use super::{Fatal, cwd, lint_options, lint_run};
use crate::cli::{DenyRegister, RegisterFormat, SuppressionsArgs};
use crate::report::{ExitStatus, register};

pub fn run(args: SuppressionsArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let mut options = lint_options(&args.walk, &args.config)?;
    options.baseline = args.baseline.clone();
    let run = lint_run(args.walk.jobs, &options, &cwd, false)?;
    let today = options.as_of.unwrap_or_else(crate::today);
    let rows = register::rows(&run.register, &run.sources, today);
    let text = match args.format {
        RegisterFormat::Table => register::render_table(&rows),
        RegisterFormat::Json => register::render_json(&rows),
        RegisterFormat::Csv => register::render_csv(&rows),
    };
    emit(
        &text,
        args.output
            .as_deref()
            .map(|path| Target::of_run(path, &run, args.force)),
    )?;
    if let Some(status) = super::report_run_health(&run, args.walk.verbose) {
        return Ok(status);
    }
    let denied = |row: &register::Row| {
        args.deny.iter().any(|deny| match deny {
            DenyRegister::Expired => row.status == "expired",
            DenyRegister::Unused => matches!(row.status, "unused" | "fixed"),
            DenyRegister::Disallowed => row.status == "disallowed",
        })
    };
    Ok(if rows.iter().any(denied) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
