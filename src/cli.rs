//! The command line, as clap definitions. Every flag's help text lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

#[derive(Debug, Parser)]
#[command(
    name = "yunlint",
    version,
    about = "Checks where every workload of a bank's infrastructure runs against China's financial-cloud and data-residency rules",
    long_about = "Checks where every workload of a bank's infrastructure runs against China's financial-cloud and \
                  data-residency rules: certified providers, mainland regions, finance-grade regions for sensitive \
                  data, and DR copies that stay in the country.\n\n\
                  Exit codes: 0 no error-level finding, 1 at least one, 2 yunlint could not do its job.",
    after_help = "Run `yunlint check` in a repository to lint it with the built-in cn-finance policy.",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory)
    Check(CheckArgs),
    /// List every placement found: provider, region, zones, data class, replicas
    Inventory(InventoryArgs),
    /// List every inline suppression, exception and baseline entry: reason, approver, expiry, status
    Suppressions(SuppressionsArgs),
    /// Write a self-contained HTML audit report: inventory, findings, register and provider registry
    #[command(
        long_about = "Write a self-contained HTML audit report for a compliance review: the run's \
                      metadata (commit, yunlint version, policy and configuration digests, the date \
                      judged as of), a summary by provider, region and jurisdiction with charts, the \
                      inventory with each placement's chain, the findings with source excerpts, the \
                      register of suppressions, exceptions and baseline entries, and the provider \
                      registry in force. One HTML file with no external assets; it prints to PDF from \
                      a browser.\n\n\
                      The report goes to --output, else to standard output when that is not a \
                      terminal.\n\n\
                      Exit codes: 0 the report was written (whatever it found; `yunlint check` gates), \
                      2 it could not be written or the run failed."
    )]
    Report(ReportArgs),
    /// List the rules with their codes, names and default severities
    Rules,
    /// Print one rule's documentation
    Explain(ExplainArgs),
    /// Show the effective provider registry and region groups
    Providers(ProvidersArgs),
    /// Write a starter yunlint.toml for the repository in the current directory
    ///
    /// Reads the current directory as the project root, as `check` would with the built-in pack
    /// only: its Terraform roots and Terragrunt units, their var files, its Kubernetes manifest
    /// directories and the clusters its Terraform creates. Writes a commented yunlint.toml with a
    /// [[kubernetes.clusters]] entry per cluster and manifest directory (linked to the Terraform
    /// resource when it can be told, else to fill in: `check` then stops with a configuration
    /// error naming the entry), [[terraform.roots]] for the var files that are not loaded
    /// automatically, and commented [[classify]] and [[exceptions]] examples. Prints what it
    /// found to standard error. Never overwrites an existing yunlint.toml without --force.
    Init(InitArgs),
    /// Print the help of yunlint or of one of its commands
    Help(HelpArgs),
}

#[derive(Debug, Args)]
pub struct HelpArgs {
    /// The command whose help to print (default: yunlint's own)
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Use this configuration file instead of the nearest yunlint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every yunlint.toml: the built-in policy only
    #[arg(long)]
    pub isolated: bool,

    /// Judge dates (certifications, the `until` of suppressions and exceptions) as of this day
    /// instead of today, in UTC
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
}

#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Files or directories to read (default: the current directory); `-` reads standard input
    /// (name it with --stdin-filename)
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Apply `[discovery] exclude` to files named on the command line too
    #[arg(long)]
    pub force_exclude: bool,

    /// The file name standard input stands for (its format comes from it)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,

    /// Terraform variables file for root modules (repeatable; later files win)
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// Terraform variable for root modules, as a string (repeatable; later wins)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,

    /// List the files that were skipped, with the reason, on standard error
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Number of threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write --output or --write-baseline through a symbolic link that leads out of the project root
    #[arg(long)]
    pub force: bool,

    /// Run only these rules: codes, code prefixes (YL2), names, or ALL (comma-separated or repeated)
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules: codes, code prefixes, or names
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Report only findings this baseline file does not record
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE (sorted JSON) and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit 1 on warnings too
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,

    /// Exit 0 even when there are error-level findings
    #[arg(long)]
    pub exit_zero: bool,

    /// When to colour the output (NO_COLOR is honoured under auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print the number of findings per rule on standard error, under a `findings per rule:` line
    #[arg(long)]
    pub statistics: bool,

    /// Print the findings only, without the summary line
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
// The inventory does not depend on the date: --as-of is accepted (scripts that pass it to every
// command keep working) but not offered.
#[command(mut_arg("as_of", |arg| arg.hide(true)))]
pub struct InventoryArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,

    /// Write the inventory to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write --output through a symbolic link that leads out of the project root
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SuppressionsArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = RegisterFormat::Table)]
    pub format: RegisterFormat,

    /// List this baseline file's entries too, each with whether a finding still matches it
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Exit 1 when a suppression has expired, suppresses nothing, or breaks `[suppressions]`
    #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
    pub deny: Vec<DenyRegister>,

    /// Write the list to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write --output through a symbolic link that leads out of the project root
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Write the report to this file (default: standard output, refused when it is a terminal)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Write --output through a symbolic link that leads out of the project root
    #[arg(long)]
    pub force: bool,

    /// Leave out findings this baseline file records, and list its entries in the register
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegisterFormat {
    /// An aligned text table
    Table,
    /// A versioned JSON document (see docs/json-output.md)
    Json,
    /// CSV (RFC 4180), one row per entry
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyRegister {
    /// A suppression or exception whose `until` date has passed
    Expired,
    /// A suppression that covers no finding, or a baseline entry no finding matches any more
    Unused,
    /// A suppression that `[suppressions]` in yunlint.toml does not allow
    Disallowed,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (YL201) or name (region-outside-jurisdiction)
    #[arg(value_name = "CODE")]
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct ProvidersArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = ProvidersFormat::Table)]
    pub format: ProvidersFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite an existing yunlint.toml (its settings are not carried over)
    #[arg(long, conflicts_with = "print")]
    pub force: bool,

    /// Print the configuration to standard output instead of writing yunlint.toml
    #[arg(long)]
    pub print: bool,

    /// Print only errors, without what was found or the progress line
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Diagnostics with source snippets, then a summary line
    Human,
    /// A versioned JSON document (see docs/json-output.md)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning (see docs/output-formats.md)
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding, then the summary line
    Github,
    /// A GitLab Code Quality report
    Gitlab,
    /// JUnit XML: a test case per file with findings, a failure per finding
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    /// An aligned text table
    Table,
    /// A versioned JSON document (see docs/json-output.md)
    Json,
    /// CSV (RFC 4180), one row per placement and per replica
    Csv,
    /// A GitHub-flavoured Markdown table
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProvidersFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail the run like errors
    Warnings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|_| format!("`{text}` is not a date: use YYYY-MM-DD"))
}
