//! The parse step: every input read (never failing: an unreadable or non-UTF-8 file is a parse
//! issue) and parsed in parallel, each file isolated from a panic in another.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::FileFormat;
use crate::finding::Finding;
use crate::frontends::{self, FileOutput, ParseIssue, Parsed};
use crate::source::{SourceFile, SourceId, Span, decode, relative_display};
use crate::suppress::{self, Suppression};

pub enum Input {
    File(PathBuf, FileFormat),
    Stdin(PathBuf, FileFormat, String),
    VarFile(PathBuf),
    /// A directory or file the walk could not read, and why: a YL901 at its path.
    Unreadable(PathBuf, String),
}

impl Input {
    fn path(&self) -> &Path {
        match self {
            Input::File(p, _)
            | Input::Stdin(p, _, _)
            | Input::VarFile(p)
            | Input::Unreadable(p, _) => p,
        }
    }
}

/// One input, read and parsed.
pub struct ReadFile {
    pub file: SourceFile,
    pub parsed: Parsed,
    /// A `--var-file`.
    pub is_var_file: bool,
    /// Its `yunlint: allow` comments, read here: its text is released before the suppress step.
    pub suppressions: Vec<Suppression>,
    /// Its comments that cannot be read.
    pub invalid_suppressions: Vec<Finding>,
}

/// Every input read and parsed, in the order given, with ids from `base` on.
pub fn read_all(
    inputs: Vec<Input>,
    limit: u64,
    base: u32,
    cwd: &Path,
    root: &Path,
) -> Vec<ReadFile> {
    inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| {
            let id = SourceId(base + u32::try_from(i).expect("fewer than 2^32 files"));
            let path = input.path().to_path_buf();
            // A bug in one front end must not take the other files down: the file is reported
            // and the run ends with exit 2 (the panic hook has printed what happened).
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                load_and_parse(input, id, limit, cwd, root)
            }));
            crate::progress::file_read();
            read.unwrap_or_else(|_| {
                let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
                let file = SourceFile::new(
                    relative_display(&absolute, cwd),
                    relative_display(&absolute, root),
                    absolute,
                    String::new(),
                );
                ReadFile {
                    file,
                    parsed: Parsed::Crashed,
                    is_var_file: false,
                    suppressions: Vec::new(),
                    invalid_suppressions: Vec::new(),
                }
            })
        })
        .collect()
}

/// Reads one file (never failing: an unreadable or non-UTF-8 file is a parse issue), parses it and
/// reads its suppression comments.
fn load_and_parse(input: Input, id: SourceId, limit: u64, cwd: &Path, root: &Path) -> ReadFile {
    let is_var_file = matches!(input, Input::VarFile(_));
    let on_disk = !matches!(input, Input::Stdin(..));
    let walked = matches!(input, Input::File(..));
    let is_walk_error = matches!(input, Input::Unreadable(..));
    let (path, format, bytes) = match input {
        Input::File(path, format) => {
            // Discovery has kept links inside the walked directory.
            let bytes = crate::guarded_read::read_discovered(&path, limit);
            (path, format, bytes)
        }
        Input::VarFile(path) => {
            let bytes = crate::guarded_read::read(&path, limit, None);
            let format = if path.to_string_lossy().ends_with(".json") {
                FileFormat::TerraformVarsJson
            } else {
                FileFormat::TerraformVars
            };
            (path, format, bytes)
        }
        Input::Stdin(path, format, text) => (path, format, Ok(text.into_bytes())),
        Input::Unreadable(path, why) => (
            path,
            FileFormat::Descriptor,
            Err(std::io::Error::other(why)),
        ),
    };
    let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let display = relative_display(&absolute, cwd);
    let rel = relative_display(&absolute, root);
    let (text, issue) = match bytes {
        Err(e) if is_walk_error => (String::new(), Some((0, e.to_string()))),
        Err(e) => (String::new(), Some((0, format!("cannot read file: {e}")))),
        Ok(bytes) => decode(bytes),
    };
    let file = if walked {
        SourceFile::from_walk(display, rel, absolute, text)
    } else if on_disk {
        SourceFile::from_disk(display, rel, absolute, text)
    } else {
        SourceFile::new(display, rel, absolute, text)
    };
    let parsed = match issue {
        Some((offset, message)) => Parsed::Done(FileOutput {
            issues: vec![ParseIssue::new(Span::new(id, offset..offset), message)],
            ..FileOutput::default()
        }),
        None => frontends::parse(format, &file, id),
    };
    let (suppressions, invalid_suppressions) = if suppress::inline::has_comments(&file) {
        suppress::inline::scan(&file, id)
    } else {
        (Vec::new(), Vec::new())
    };
    // Every front end is done with the text (Terraform's declarations keep a copy of their
    // expressions' texts).
    let mut file = file;
    file.release_text();
    ReadFile {
        file,
        parsed,
        is_var_file,
        suppressions,
        invalid_suppressions,
    }
}
