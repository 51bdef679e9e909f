//! `yunlint inventory`: where every workload runs.

use super::output::{Target, emit_with, note};
use super::{Fatal, cwd, lint_options, lint_run};
use crate::cli::{InventoryArgs, InventoryFormat};
use crate::report::{ExitStatus, inventory, plural};
use crate::rules::ParseError;

pub fn run(args: InventoryArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let mut options = lint_options(&args.walk, &args.config)?;
    options.placements_only = true;
    let mut run = lint_run(args.walk.jobs, &options, &cwd, false)?;
    let unparsed = run
        .findings
        .iter()
        .filter(|f| f.rule.code == ParseError::META.code)
        .count();
    // The inventory is made of placements: the findings are freed before it is written.
    drop(std::mem::take(&mut run.findings));
    let (sources, placements, unverifiable, policy) = (
        &run.sources,
        &run.placements,
        &run.unverifiable,
        &run.config.policy,
    );
    let write = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        let text = match args.format {
            InventoryFormat::Table => {
                inventory::render_table(sources, placements, unverifiable, policy)
            }
            // streamed: the largest document of a run
            InventoryFormat::Json => {
                return inventory::write_json(out, sources, placements, unverifiable, policy);
            }
            InventoryFormat::Csv => {
                inventory::render_csv(sources, placements, unverifiable, policy)
            }
            InventoryFormat::Markdown => {
                inventory::render_markdown(sources, placements, unverifiable, policy)
            }
        };
        out.write_all(text.as_bytes())
    };
    emit_with(
        &write,
        args.output
            .as_deref()
            .map(|path| Target::of_run(path, &run, args.force)),
    )?;
    if unparsed > 0 {
        note(&format!(
            "warning: {} reading the input (YL901); workloads in the files concerned may be missing from the inventory, `yunlint check` shows where\n",
            plural(unparsed, "problem"),
        ));
    }
    if let Some(status) = super::report_run_health(&run, args.walk.verbose) {
        return Ok(status);
    }
    Ok(ExitStatus::Success)
}
