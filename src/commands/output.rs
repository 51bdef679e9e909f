//! Writes a command's output to standard output, or atomically to a file.

use std::io::Write;
use std::path::Path;

use super::Fatal;
use crate::source::SourceMap;

/// A file a linting command writes (`--output`, `--write-baseline`), and what it must not touch.
pub struct Target<'a> {
    pub path: &'a Path,
    /// The project root: a symbolic link out of it is followed only with `force`.
    pub root: &'a Path,
    /// The files the run read: never replaced by its report.
    pub inputs: &'a SourceMap,
    pub force: bool,
}

impl<'a> Target<'a> {
    /// Where a command writes what `run` found: never over its inputs or out of its root.
    pub fn of_run(path: &'a Path, run: &'a crate::LintRun, force: bool) -> Self {
        Target {
            path,
            root: &run.config.root,
            inputs: &run.sources,
            force,
        }
    }
}

impl Target<'_> {
    /// Refuses to replace an input of the run, or to follow a link out of the project root.
    fn check(&self) -> Result<(), String> {
        let Ok(real) = std::fs::canonicalize(self.path) else {
            // Nothing there yet, or a dangling link: the parent decides where it goes.
            return self.check_dangling();
        };
        let name = real.file_name();
        for (_, file) in self.inputs.iter() {
            if file.path.file_name() == name
                && std::fs::canonicalize(&file.path).is_ok_and(|p| p == real)
            {
                return Err(format!(
                    "`{}` is an input of this run ({}); write the report elsewhere",
                    self.path.display(),
                    file.display
                ));
            }
        }
        let root = std::fs::canonicalize(self.root).unwrap_or_else(|_| self.root.to_path_buf());
        if self.is_repository_link(&root) && !self.force && !real.starts_with(&root) {
            return Err(format!(
                "`{}` is a symbolic link to `{}`, outside the project root; pass --force to write there",
                self.path.display(),
                real.display()
            ));
        }
        Ok(())
    }

    /// Whether the path is a symbolic link that lies in the project root: the repository's, not
    /// one the user made.
    fn is_repository_link(&self, root: &Path) -> bool {
        let is_link = std::fs::symlink_metadata(self.path).is_ok_and(|m| m.is_symlink());
        let dir = std::path::absolute(self.path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .and_then(|p| std::fs::canonicalize(p).ok());
        is_link && dir.is_some_and(|d| d.starts_with(root))
    }

    fn check_dangling(&self) -> Result<(), String> {
        let root = std::fs::canonicalize(self.root).unwrap_or_else(|_| self.root.to_path_buf());
        if self.is_repository_link(&root) && !self.force {
            return Err(format!(
                "`{}` is a symbolic link to a file that does not exist; pass --force to write there",
                self.path.display()
            ));
        }
        Ok(())
    }
}

pub fn emit(text: &str, file: Option<Target<'_>>) -> Result<(), Fatal> {
    emit_with(&|out: &mut dyn Write| out.write_all(text.as_bytes()), file)
}

/// Like [`emit`], for a document written piece by piece: a large report streams to its
/// destination instead of being built whole in memory first.
pub fn emit_with(
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
    file: Option<Target<'_>>,
) -> Result<(), Fatal> {
    let file = match file {
        Some(target) => {
            let path = target.path;
            let failed =
                |e: String| Fatal::message(format!("cannot write `{}`: {e}", path.display()));
            target.check().map_err(failed)?;
            Some(path)
        }
        None => None,
    };
    match file {
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            match write(&mut stdout).and_then(|()| stdout.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Fatal::BrokenPipe),
                Err(e) => Err(Fatal::message(format!(
                    "cannot write to standard output: {e}"
                ))),
            }
        }
        Some(path) => write_file(path, write)
            .map_err(|e| Fatal::message(format!("cannot write `{}`: {e}", path.display()))),
    }
}

type Writer<'a> = &'a dyn Fn(&mut dyn Write) -> std::io::Result<()>;

fn write_file(path: &Path, text: Writer<'_>) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
        text(&mut out)?;
        return out.flush();
    }
    match std::fs::canonicalize(path) {
        Ok(target) => write_atomically(&target, text),
        Err(_) => write_atomically(path, text),
    }
}

/// A temporary file beside the target, renamed into place: an interrupted run leaves no truncated
/// report. The file keeps the mode of the one it replaces; a new one gets the usual mode (0666
/// less the umask), not the temporary file's 0600.
fn write_atomically(path: &Path, text: Writer<'_>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    if let Some(permissions) = existing {
        tmp.as_file().set_permissions(permissions)?;
    }
    {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        text(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes a note to standard error (summary lines of machine formats, hints).
pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}
