//! The one way yunlint reads a file: discovered inputs, `yunlint.toml`, the baseline, var files,
//! `modules.json` and standard input all come through here.
//!
//! The repository is untrusted (docs/security.md): a file may be a FIFO that never ends, a
//! device that never stops (`/dev/zero`), a kernel file full of secrets (`/proc/self/environ`),
//! a sparse file of gigabytes, or a link out of the checkout. Only regular files are read, never
//! more than the size limit, and, unless the file was named on the command line, only inside the
//! directory it was found in.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Kernel pseudo-file systems: their files claim to be regular and empty, and hold the process's
/// environment, memory maps and the like.
const PSEUDO_FILE_SYSTEMS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Reads `path` whole, as bytes.
///
/// - Only a regular file (or a link to one) is opened; a FIFO, device, socket or directory is an
///   error, and so is a file under `/proc`, `/sys` or `/dev`.
/// - With `within`, the file (after following links) must lie under that directory.
/// - More than `limit` bytes is an error; the file is never read past the limit, whatever its
///   size claims to be.
///
/// The error says what is wrong with the file, never what is in it.
pub fn read(path: &Path, limit: u64, within: Option<&Path>) -> io::Result<Vec<u8>> {
    read_checked(path, limit, within, true)
}

/// [`read`] for a file the walk found: its directories were walked, not followed through links,
/// so only a link as the last component needs resolving (a system call per component, for
/// every file of a large repository, otherwise).
pub fn read_discovered(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_checked(path, limit, None, false)
}

fn read_checked(
    path: &Path,
    limit: u64,
    within: Option<&Path>,
    resolve: bool,
) -> io::Result<Vec<u8>> {
    let own = std::fs::symlink_metadata(path)?;
    let meta = if own.is_symlink() {
        std::fs::metadata(path)?
    } else {
        own.clone()
    };
    if !meta.is_file() {
        return Err(refused(format!("not a regular file ({})", kind(&meta))));
    }
    let lexical = std::path::absolute(path)?;
    let pseudo = |p: &Path| {
        PSEUDO_FILE_SYSTEMS
            .iter()
            .find(|fs| p.starts_with(fs))
            .copied()
    };
    let real = if resolve || own.is_symlink() || pseudo(&lexical).is_some() {
        std::fs::canonicalize(path)?
    } else {
        lexical
    };
    if let Some(fs) = pseudo(&real) {
        return Err(refused(format!(
            "not a regular file (a system file under {fs})"
        )));
    }
    if let Some(dir) = within {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !real.starts_with(&dir) {
            return Err(refused(
                "a symbolic link to a file outside the project root".into(),
            ));
        }
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    let file = open_regular(&real)?;
    // The size may have changed since, or have been a lie: never read past the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// Reads standard input, never more than `limit` bytes.
pub fn read_stdin(limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// Opens without blocking (a FIFO swapped in since the check would block `open` itself), then
/// checks again that what was opened is a regular file.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refused(format!("not a regular file ({})", kind(&meta))));
    }
    Ok(file)
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than the {limit}-byte limit (`[discovery] max_file_size`)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_up_to_the_limit_and_no_further() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tf");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read(&path, 10, Some(dir.path())).unwrap(), b"0123456789");
        let err = read(&path, 9, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "larger than the 9-byte limit (`[discovery] max_file_size`)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_kernel_files_and_links_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("inner");
        std::fs::create_dir(&inner).unwrap();
        std::fs::write(dir.path().join("outside.tf"), "x").unwrap();
        std::os::unix::fs::symlink("../outside.tf", inner.join("link.tf")).unwrap();
        let err = |p: &Path, within: Option<&Path>| read(p, 100, within).unwrap_err().to_string();
        assert_eq!(
            err(&inner.join("link.tf"), Some(&inner)),
            "a symbolic link to a file outside the project root"
        );
        assert_eq!(read(&inner.join("link.tf"), 100, None).unwrap(), b"x");
        assert_eq!(
            err(Path::new("/dev/zero"), None),
            "not a regular file (a device)"
        );
        assert_eq!(
            err(Path::new("/proc/self/environ"), None),
            "not a regular file (a system file under /proc)"
        );
        assert_eq!(err(dir.path(), None), "not a regular file (a directory)");
        std::os::unix::fs::symlink("/proc/self/environ", inner.join("env.tf")).unwrap();
        assert_eq!(
            read_discovered(&inner.join("env.tf"), 100)
                .unwrap_err()
                .to_string(),
            "not a regular file (a system file under /proc)"
        );
    }
}
