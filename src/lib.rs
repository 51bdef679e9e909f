//! yunlint: where every workload of a bank's infrastructure runs, checked against China's financial
//! cloud and data-residency rules.
//!
//! One pass, one direction: discover → parse → resolve → check → report. [`lint`] runs the pass;
//! the binary only parses arguments, calls it through [`commands`] and maps the result to an exit
//! code.

pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod discover;
pub mod finding;
pub mod frontends;
pub mod guarded_read;
pub mod model;
mod pipeline;
pub mod policy;
pub mod progress;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod suppress;

use jiff::civil::Date;

pub use pipeline::{Failure, LintOptions, LintRun, Register, STDIN_PATH, lint, lint_rooted};

/// Today's date in UTC: the only place yunlint reads the clock. Not the local time zone, so that
/// whether a suppression or a certification has expired is the same on every machine (`TZ` in a
/// CI runner or on a laptop changes nothing).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
