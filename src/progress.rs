//! The progress line: what a run has done so far (files read, Terraform roots evaluated), on
//! standard error when it is a terminal, never in CI logs or pipes.
//!
//! The pipeline only bumps two relaxed atomic counters, one increment per file and per root; a
//! thread of its own draws them at most ten times a second and clears its line before any other
//! output is written. The line is not part of the answer: nothing but where it is drawn depends
//! on it.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::report::plural;

static FILES_READ: AtomicUsize = AtomicUsize::new(0);
static ROOTS_EVALUATED: AtomicUsize = AtomicUsize::new(0);

/// How often the line is redrawn, at most.
const INTERVAL: Duration = Duration::from_millis(100);

/// Erases the line the cursor is on and returns to its start.
pub const CLEAR: &str = "\r\x1b[2K";

/// One file was read (parsed or not).
pub fn file_read() {
    FILES_READ.fetch_add(1, Ordering::Relaxed);
}

/// One Terraform root or Terragrunt unit was evaluated.
pub fn root_evaluated() {
    ROOTS_EVALUATED.fetch_add(1, Ordering::Relaxed);
}

/// The text of the line for these counts.
pub fn line(files: usize, roots: usize) -> String {
    format!(
        "yunlint: {} read, {} evaluated",
        plural(files, "file"),
        plural(roots, "Terraform root")
    )
}

/// A progress line being drawn, until [`Progress::finish`] (or drop) clears it.
pub struct Progress {
    running: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Progress {
    /// Starts drawing when `wanted` (the command is not `--quiet`) and standard error is a
    /// terminal; otherwise does nothing.
    pub fn start(wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { running: None };
        }
        FILES_READ.store(0, Ordering::Relaxed);
        ROOTS_EVALUATED.store(0, Ordering::Relaxed);
        let (stop, stopped) = mpsc::channel::<()>();
        let handle = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                let mut stderr = std::io::stderr();
                loop {
                    let text = line(
                        FILES_READ.load(Ordering::Relaxed),
                        ROOTS_EVALUATED.load(Ordering::Relaxed),
                    );
                    let _ = write!(stderr, "{CLEAR}{text}");
                    let _ = stderr.flush();
                    match stopped.recv_timeout(INTERVAL) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        _ => break,
                    }
                }
                let _ = write!(stderr, "{CLEAR}");
                let _ = stderr.flush();
            });
        Progress {
            // A thread that cannot start only means no progress line.
            running: handle.ok().map(|h| (stop, h)),
        }
    }

    /// Stops drawing and clears the line: call before writing anything else.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some((stop, handle)) = self.running.take() {
            let _ = stop.send(());
            let _ = handle.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_files_and_roots() {
        assert_eq!(
            line(1, 0),
            "yunlint: 1 file read, 0 Terraform roots evaluated"
        );
        assert_eq!(
            line(412, 3),
            "yunlint: 412 files read, 3 Terraform roots evaluated"
        );
    }

    #[test]
    fn nothing_is_drawn_when_not_wanted() {
        assert!(Progress::start(false).running.is_none());
    }
}
