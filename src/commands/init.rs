//! `yunlint init`: a starter configuration.

use super::output::note;
use super::{Fatal, cwd};
use crate::cli::InitArgs;
use crate::config::{CONFIG_FILE_NAME, STARTER_CONFIG};
use crate::report::ExitStatus;

pub fn run(args: InitArgs) -> Result<ExitStatus, Fatal> {
    let path = cwd()?.join(CONFIG_FILE_NAME);
    if path.exists() && !args.force {
        return Err(Fatal::message(format!(
            "{CONFIG_FILE_NAME} already exists; pass --force to overwrite it"
        )));
    }
    std::fs::write(&path, STARTER_CONFIG)
        .map_err(|e| Fatal::message(format!("cannot write {CONFIG_FILE_NAME}: {e}")))?;
    note(&format!("wrote {CONFIG_FILE_NAME}\n"));
    Ok(ExitStatus::Success)
}
