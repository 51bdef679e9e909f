//! `yunlint check`: lint, report, and the exit status.

use super::output::{Target, emit, emit_with, note};
use super::{Fatal, color_enabled, cwd, lint_options, lint_run};
use crate::cli::{CheckArgs, CheckFormat};
use crate::report::human::Human;
use crate::report::{ExitStatus, Summary, github, gitlab, json, junit, sarif};
use crate::suppress::baseline::Baseline;

pub fn run(args: CheckArgs) -> Result<ExitStatus, Fatal> {
    let cwd = cwd()?;
    let mut options = lint_options(&args.walk, &args.config)?;
    options.select = args.select.clone();
    options.ignore = args.ignore.clone();
    options.baseline = args.baseline.clone();
    options.findings_only = true;
    // Every report below is made of findings: the run keeps no placement.
    let run = lint_run(args.walk.jobs, &options, &cwd, args.quiet)?;
    let summary = Summary::of_run(&run);
    let target = |path| Target::of_run(path, &run, args.force);
    if let Some(path) = &args.write_baseline {
        // Accepting today's state: the run's findings become the baseline, and the run passes.
        let baseline = Baseline::from_findings(&run.findings, &run.sources);
        emit(&baseline.to_json(), Some(target(path)))?;
        note(&format!(
            "wrote a baseline of {} to {}\n",
            crate::report::plural(baseline.findings.len(), "finding"),
            path.display()
        ));
        return Ok(ExitStatus::Success);
    }

    let color = color_enabled(args.color, args.output.is_some());
    let human = Human::new(color);
    // The report streams to its destination: on a repository with many findings, a document
    // built whole first was the run's largest allocation.
    let write = |out: &mut dyn std::io::Write| -> std::io::Result<()> {
        match args.format {
            CheckFormat::Human => {
                let mut text = String::new();
                for finding in &run.findings {
                    text.clear();
                    human.finding(&run.sources, finding, &mut text);
                    out.write_all(text.as_bytes())?;
                }
                text.clear();
                if !args.quiet {
                    human.summary(&summary, &mut text);
                }
                out.write_all(text.as_bytes())?;
            }
            CheckFormat::Json => json::write(out, &run.sources, &run.findings, &summary)?,
            CheckFormat::Sarif => sarif::write(out, &run.sources, &run.findings)?,
            CheckFormat::Github => out.write_all(
                github::render(
                    &run.sources,
                    &run.findings,
                    (!args.quiet).then_some(&summary),
                )
                .as_bytes(),
            )?,
            CheckFormat::Gitlab => {
                out.write_all(gitlab::render(&run.sources, &run.findings).as_bytes())?
            }
            CheckFormat::Junit => {
                out.write_all(junit::render(&run.sources, &run.findings).as_bytes())?
            }
        }
        Ok(())
    };
    // A reader that stops early (`yunlint check | head`) does not change the verdict: with
    // findings, the run still fails (CI with `pipefail` must not pass on a closed pipe).
    match emit_with(&write, args.output.as_deref().map(target)) {
        Err(Fatal::BrokenPipe) => {}
        result => result?,
    }
    // On standard error whatever the format, so that standard output stays the report alone.
    if args.statistics {
        note(&statistics(&run.findings));
    }
    // human and github end with the summary line themselves
    let summary_in_text = matches!(args.format, CheckFormat::Human | CheckFormat::Github);
    if !args.quiet && (!summary_in_text || args.output.is_some()) {
        let mut line = String::new();
        Human::new(false).summary(&summary, &mut line);
        note(&line);
    }
    if let Some(status) = super::report_run_health(&run, args.walk.verbose) {
        return Ok(status);
    }
    Ok(if args.exit_zero {
        ExitStatus::Success
    } else {
        summary.status(args.deny.is_some())
    })
}

/// `findings per rule:`, then `  3  YL201  region-outside-jurisdiction` by count then code.
fn statistics(findings: &[crate::finding::Finding]) -> String {
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> =
        std::collections::BTreeMap::new();
    for f in findings {
        *counts.entry((f.rule.code, f.rule.name)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    if rows.is_empty() {
        return "findings per rule: none\n".to_owned();
    }
    let mut text = String::from("findings per rule:\n");
    for ((code, name), n) in &rows {
        text.push_str(&format!("  {n:>width$}  {code}  {name}\n"));
    }
    text
}
