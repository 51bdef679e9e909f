//! `yunlint init`: a starter configuration.

use super::output::note;
use super::{Fatal, cwd};
use crate::cli::InitArgs;
use crate::config::{CONFIG_FILE_NAME, STARTER_CONFIG};
use crate::report::ExitStatus;

pub fn run(args: InitArgs) -> Result<ExitStatus, Fatal> {
    let path = cwd()?.join(CONFIG_FILE_NAME);
    let exists = || {
        Fatal::message(format!(
            "{CONFIG_FILE_NAME} already exists; pass --force to overwrite it"
        ))
    };
    // A link counts as existing even when it points nowhere: never written through.
    if path.symlink_metadata().is_ok() && !args.force {
        return Err(exists());
    }
    let failed =
        |e: std::io::Error| Fatal::message(format!("cannot write {CONFIG_FILE_NAME}: {e}"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // Created only if nothing is there at the moment of writing, a dangling link included.
        options.create_new(true);
    }
    let mut file = options.open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            exists()
        } else {
            failed(e)
        }
    })?;
    std::io::Write::write_all(&mut file, STARTER_CONFIG.as_bytes()).map_err(failed)?;
    note(&format!("wrote {CONFIG_FILE_NAME}\n"));
    Ok(ExitStatus::Success)
}
