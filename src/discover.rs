//! The walk: which files of the given paths are linted, and as what.

use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::WalkBuilder;
use rayon::prelude::*;

/// The input formats yunlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileFormat {
    /// `*.deploy.toml`
    Descriptor,
    /// `*.tf`
    Terraform,
    /// `*.tfvars`
    TerraformVars,
    /// `*.tf.json`: Terraform's JSON syntax
    TerraformJson,
    /// `*.tfvars.json`
    TerraformVarsJson,
    /// `*.json`: read as a Terraform plan (`terraform show -json`) when its content is one
    Json,
    /// `*.yaml`, `*.yml`: read as Kubernetes manifests when they hold Kubernetes objects
    Yaml,
    /// `.terraform/modules/modules.json`: where `terraform init` put a root's remote modules
    TerraformModules,
    /// `terragrunt.hcl`: a Terragrunt unit, or a configuration units include
    Terragrunt,
}

/// The format of a file, from its name.
pub fn classify(path: &Path) -> Option<FileFormat> {
    // A name that is not UTF-8 is classified by its lossy form: linted, never skipped unseen.
    let name = path.file_name()?.to_string_lossy();
    if name.ends_with(".deploy.toml") {
        Some(FileFormat::Descriptor)
    } else if name == "terragrunt.hcl" {
        Some(FileFormat::Terragrunt)
    } else if name.ends_with(".tf") {
        Some(FileFormat::Terraform)
    } else if name.ends_with(".tfvars") {
        Some(FileFormat::TerraformVars)
    } else if name.ends_with(".tf.json") {
        Some(FileFormat::TerraformJson)
    } else if name.ends_with(".tfvars.json") {
        Some(FileFormat::TerraformVarsJson)
    } else if name.ends_with(".json") {
        Some(FileFormat::Json)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(FileFormat::Yaml)
    } else {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiscoveredFile {
    pub path: PathBuf,
    pub format: FileFormat,
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted by path, without duplicates.
    pub files: Vec<DiscoveredFile>,
    /// Files passed over, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// A symbolic link inside the tree was followed: a file may be listed twice.
    pub followed_links: bool,
    /// Directories or files the walk could not read (permissions, a path longer than the
    /// platform allows), with why: each is reported as YL901, never passed over.
    pub unreadable: Vec<(PathBuf, String)>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum DiscoverError {
    #[error("path `{0}` does not exist")]
    #[diagnostic(code(yunlint::missing_path))]
    Missing(String),
}

pub struct Walk<'a> {
    /// Project root: exclude globs are relative to it.
    pub root: &'a Path,
    /// Larger files are skipped with a note.
    pub max_file_size: u64,
    pub exclude: &'a GlobSet,
    /// Apply `exclude` to files named on the command line too.
    pub force_exclude: bool,
}

impl Walk<'_> {
    fn excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = absolute.strip_prefix(self.root).unwrap_or(path);
        self.exclude.is_match(rel)
    }

    /// Walks `paths`, which are resolved (absolute, without `..` or links, as `Context` gives
    /// them).
    pub fn run(&self, paths: &[PathBuf]) -> Result<Discovered, DiscoverError> {
        let mut out = Discovered::default();
        for path in paths {
            let meta = std::fs::symlink_metadata(path)
                .map_err(|_| DiscoverError::Missing(path.display().to_string()))?;
            if meta.is_dir() {
                self.walk_dir(path, &mut out);
            } else if let Some(format) = classify(path) {
                // A FIFO or device named like an input would block or never end: only regular
                // files (or links to them) are read.
                if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
                    out.skipped
                        .push((path.clone(), "not a regular file".into()));
                } else if self.force_exclude && self.excluded(path) {
                    out.skipped
                        .push((path.clone(), "excluded by `[discovery] exclude`".into()));
                } else {
                    out.files.push(DiscoveredFile {
                        path: path.clone(),
                        format,
                    });
                }
            }
        }
        self.add_downloaded_modules(&mut out);
        add_terragrunt_caches(&mut out);
        let limit = self.max_file_size;
        let (kept, too_big): (Vec<_>, Vec<_>) = std::mem::take(&mut out.files)
            .into_par_iter()
            .partition(|f| std::fs::metadata(&f.path).map_or(true, |m| m.len() <= limit));
        out.files = kept;
        out.skipped.extend(too_big.into_iter().map(|f| {
            (
                f.path,
                format!("larger than the {limit}-byte limit (`[discovery] max_file_size`)"),
            )
        }));
        out.files.sort();
        out.files.dedup_by(|a, b| a.path == b.path);
        // A link to a file of the tree names it twice: keep the first spelling of each real file
        // (resolving paths only when that can happen: it costs a system call per file). Named
        // paths are resolved already (`Context`), so `check . ops` reaches a file of `ops` with
        // one spelling, which `dedup_by` above removed.
        if out.followed_links {
            let mut seen = std::collections::BTreeSet::new();
            out.files.retain(|f| {
                let key = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
                seen.insert(key)
            });
        }
        out.skipped.sort();
        out.unreadable.sort();
        out.unreadable.dedup();
        Ok(out)
    }

    /// After `terraform init`, a root's remote modules are in `.terraform/modules` (usually
    /// git-ignored): its `modules.json` and the `.tf` files it points at are read too.
    fn add_downloaded_modules(&self, out: &mut Discovered) {
        let dirs: std::collections::BTreeSet<PathBuf> = out
            .files
            .iter()
            .filter(|f| matches!(f.format, FileFormat::Terraform | FileFormat::TerraformJson))
            .filter_map(|f| f.path.parent().map(Path::to_path_buf))
            .collect();
        for dir in dirs {
            let modules = dir.join(".terraform").join("modules");
            let manifest = modules.join("modules.json");
            if manifest.symlink_metadata().is_err() {
                continue;
            }
            // `.terraform`, `modules` or `modules.json` may be links: all must stay in the root's
            // directory, or the Terraform of some other checkout would be read.
            let boundary = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            let inside =
                |p: &Path| std::fs::canonicalize(p).is_ok_and(|r| r.starts_with(&boundary));
            if !inside(&modules) || !inside(&manifest) {
                out.skipped.push((
                    manifest,
                    "symbolic link leaving the walked directory".into(),
                ));
                continue;
            }
            out.files.push(DiscoveredFile {
                path: manifest,
                format: FileFormat::TerraformModules,
            });
            let walker = WalkBuilder::new(&modules)
                .standard_filters(false)
                .follow_links(false)
                .build();
            for entry in walker.flatten() {
                let path = entry.path();
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                if let Some(format @ (FileFormat::Terraform | FileFormat::TerraformJson)) =
                    classify(path)
                {
                    out.files.push(DiscoveredFile {
                        path: path.to_path_buf(),
                        format,
                    });
                }
            }
        }
    }

    fn walk_dir(&self, dir: &Path, out: &mut Discovered) {
        let boundary = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut walker = WalkBuilder::new(dir);
        walker
            // Terraform reads every `.tf` file of a directory whatever Git ignores (a repository
            // may force-add files its `.gitignore` matches), and a pull request controls
            // `.gitignore`: no ignore file hides an input, only `[discovery] exclude` does.
            // Terraform does skip dotfiles, and so does the walk.
            .hidden(true)
            .git_ignore(false)
            .git_exclude(false)
            .ignore(false)
            .parents(false)
            .git_global(false)
            .follow_links(false)
            .filter_entry({
                let root = self.root.to_path_buf();
                let exclude = self.exclude.clone();
                move |entry| {
                    if exclude.is_empty() {
                        return true;
                    }
                    let absolute = std::path::absolute(entry.path())
                        .unwrap_or_else(|_| entry.path().to_path_buf());
                    let rel = absolute.strip_prefix(&root).unwrap_or(entry.path());
                    !exclude.is_match(rel)
                }
            })
            .threads(rayon::current_num_threads());
        let found = std::sync::Mutex::new(Discovered::default());
        if rayon::current_num_threads() == 1 {
            // The parallel walker's threads and idle waits cost a few milliseconds and gain
            // nothing on one thread.
            for entry in walker.build() {
                visit(entry, &boundary, &found);
            }
        } else {
            walker.build_parallel().run(|| {
                let (found, boundary) = (&found, &boundary);
                Box::new(move |entry| {
                    visit(entry, boundary, found);
                    ignore::WalkState::Continue
                })
            });
        }
        let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
        out.files.extend(found.files);
        out.skipped.extend(found.skipped);
        out.followed_links |= found.followed_links;
        out.unreadable.extend(found.unreadable);
    }
}

/// One result of the walk: an entry, or a directory or file it could not read.
fn visit(
    entry: Result<ignore::DirEntry, ignore::Error>,
    boundary: &Path,
    found: &std::sync::Mutex<Discovered>,
) {
    match entry {
        Ok(entry) => visit_entry(&entry, boundary, found),
        Err(error) => {
            // Errors in an ignore file's patterns are git's to judge; failing to read is ours.
            let Some(io) = error.io_error() else { return };
            let Some(path) = error_path(&error) else {
                return;
            };
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            found
                .unreadable
                .push((path.to_path_buf(), format!("cannot read: {io}")));
        }
    }
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

/// After `terragrunt init`, a unit's remote source is in its `.terragrunt-cache` (usually
/// git-ignored): the `.tf` files there are read too, and the unit finds its module among them.
fn add_terragrunt_caches(out: &mut Discovered) {
    let caches: std::collections::BTreeSet<PathBuf> = out
        .files
        .iter()
        .filter(|f| f.format == FileFormat::Terragrunt)
        .filter_map(|f| f.path.parent().map(|d| d.join(".terragrunt-cache")))
        .filter(|c| std::fs::symlink_metadata(c).is_ok_and(|m| m.is_dir()))
        .collect();
    for cache in caches {
        let walker = WalkBuilder::new(&cache)
            .standard_filters(false)
            .follow_links(false)
            .build();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            if let Some(format @ (FileFormat::Terraform | FileFormat::TerraformJson)) =
                classify(entry.path())
            {
                out.files.push(DiscoveredFile {
                    path: entry.path().to_path_buf(),
                    format,
                });
            }
        }
    }
}

/// One entry of the walk: an input file, a link followed or refused, or nothing.
fn visit_entry(entry: &ignore::DirEntry, boundary: &Path, found: &std::sync::Mutex<Discovered>) {
    let path = entry.path();
    let Some(format) = classify(path) else {
        // A link to a directory out of the tree is not walked: said, never silent.
        if entry.path_is_symlink()
            && std::fs::canonicalize(path).is_ok_and(|t| t.is_dir() && !t.starts_with(boundary))
        {
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            found.skipped.push((
                path.to_path_buf(),
                "symbolic link leaving the walked directory".into(),
            ));
        }
        return;
    };
    let mut followed = false;
    if entry.path_is_symlink() {
        // A link is followed only when it stays inside the walked directory.
        match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(boundary) && target.is_file() => followed = true,
            _ => {
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                found.skipped.push((
                    path.to_path_buf(),
                    "symbolic link leaving the walked directory".into(),
                ));
                return;
            }
        }
    } else if !entry.file_type().is_some_and(|t| t.is_file()) {
        return;
    }
    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
    found.followed_links |= followed;
    found.files.push(DiscoveredFile {
        path: path.to_path_buf(),
        format,
    });
}
