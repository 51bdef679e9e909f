//! Writes a command's output to standard output, or atomically to a file.

use std::io::Write;
use std::path::Path;

use super::Fatal;

pub fn emit(text: &str, file: Option<&Path>) -> Result<(), Fatal> {
    match file {
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Fatal::BrokenPipe),
                Err(e) => Err(Fatal::message(format!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
        Some(path) => write_file(path, text)
            .map_err(|e| Fatal::message(format!("cannot write `{}`: {e}", path.display()))),
    }
}

/// Writes a report to `--output`. A device, FIFO or socket (`-o /dev/null`, `-o /dev/stderr`) is
/// written to: renaming a file over it would replace it, and for root, `/dev/null` itself. A
/// symbolic link is followed, so that the file it points at is replaced rather than the link.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        return file.write_all(text.as_bytes());
    }
    match std::fs::canonicalize(path) {
        Ok(target) => write_atomically(&target, text),
        Err(_) => write_atomically(path, text),
    }
}

/// A temporary file beside the target, renamed into place: an interrupted run leaves no truncated report.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes a note to standard error (summary lines of machine formats, hints).
pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
