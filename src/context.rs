//! The project root and the paths a run is about.
//!
//! Whatever the paths on the command line, a run reads the whole project root, so that a file is
//! judged with the Terraform world it depends on (its module's other files, the roots that call
//! it, their tfvars, the cluster a manifest runs on). Named paths then only choose which findings
//! and inventory entries are reported: those whose primary span or any step of whose chain lies
//! in a named file or under a named directory.

use std::path::{Component, Path, PathBuf};

use crate::config::CONFIG_FILE_NAME;

/// Where a run stands: its project root and the paths it reports on.
#[derive(Debug, Clone)]
pub struct Context {
    /// The directory of `yunlint.toml` (or of `--config`), else the enclosing Git work tree, else
    /// the named path itself; with symbolic links and `..` resolved.
    pub root: PathBuf,
    /// The named paths, resolved like `root`; standard input's `--stdin-filename` among them.
    pub named: Vec<PathBuf>,
    /// Standard input's file name, resolved like `root` (it need not exist).
    pub stdin: Option<PathBuf>,
    /// The current directory, resolved like `root`: what displayed paths are relative to.
    pub cwd: PathBuf,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ContextError {
    #[error("path `{0}` does not exist")]
    #[diagnostic(code(yunlint::missing_path))]
    Missing(String),
    #[error(
        "path `{path}` is outside the project root `{root}` (the directory of yunlint.toml, else of the Git work tree)"
    )]
    #[diagnostic(code(yunlint::outside_root))]
    Outside { path: String, root: String },
}

/// `..` and `.` removed without touching the disk (for a name that need not exist).
pub fn lexical_normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// An existing path with links, `.` and `..` resolved; a missing one resolved as far as its
/// parent exists.
fn resolve(path: &Path, cwd: &Path) -> PathBuf {
    let joined = lexical_normalize(&cwd.join(path));
    if let Ok(real) = std::fs::canonicalize(&joined) {
        return real;
    }
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or(joined),
        _ => joined,
    }
}

impl Context {
    /// Resolves `paths` (`-` stands for standard input, named `stdin_name`) against `cwd` and
    /// finds the project root. `config` is `--config`, whose directory is then the root when
    /// every path lies inside it.
    pub fn new(
        paths: &[PathBuf],
        stdin_name: Option<&str>,
        config: Option<&Path>,
        cwd: &Path,
    ) -> Result<Context, ContextError> {
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        let mut named = Vec::new();
        for path in paths.iter().filter(|p| p.as_os_str() != crate::STDIN_PATH) {
            if std::fs::symlink_metadata(cwd.join(path)).is_err() {
                return Err(ContextError::Missing(path.display().to_string()));
            }
            named.push(resolve(path, &cwd));
        }
        let reads_stdin = paths.iter().any(|p| p.as_os_str() == crate::STDIN_PATH);
        let stdin = stdin_name
            .filter(|_| reads_stdin)
            .map(|name| resolve(Path::new(name), &cwd));
        if paths.is_empty() {
            named.push(cwd.clone());
        }
        // Where the search for the root starts: the first path, or the current directory.
        let start = named.first().cloned().unwrap_or_else(|| cwd.clone());
        let start_dir = if start.is_dir() {
            start.clone()
        } else {
            start
                .parent()
                .map_or_else(|| start.clone(), Path::to_path_buf)
        };
        // `--config` names the root by its directory when the paths lie there
        // (`--config ci/yunlint.toml .` does not make `ci/` the root).
        let root = config
            .and_then(|c| std::fs::canonicalize(cwd.join(c)).ok())
            .and_then(|c| c.parent().map(Path::to_path_buf))
            .filter(|dir| named.iter().all(|p| p.starts_with(dir)))
            .or_else(|| {
                // Anything named yunlint.toml counts, so that one that cannot be read is an
                // error rather than passed over for a file further up.
                start_dir
                    .ancestors()
                    .find(|d| std::fs::symlink_metadata(d.join(CONFIG_FILE_NAME)).is_ok())
                    .map(Path::to_path_buf)
            })
            .or_else(|| {
                start_dir
                    .ancestors()
                    .find(|d| d.join(".git").exists())
                    .map(Path::to_path_buf)
            })
            .unwrap_or_else(|| common_ancestor(&named, stdin.as_deref(), &start_dir));
        if let Some(outside) = named.iter().find(|p| !p.starts_with(&root)) {
            return Err(ContextError::Outside {
                path: crate::source::relative_display(outside, &cwd),
                root: crate::source::relative_display(&root, &cwd),
            });
        }
        named.extend(stdin.iter().cloned());
        Ok(Context {
            root,
            named,
            stdin,
            cwd,
        })
    }

    /// Whether the run reports on the whole project root.
    pub fn is_whole_root(&self) -> bool {
        self.named.contains(&self.root)
    }

    /// Whether a file lies in a named file or under a named directory.
    pub fn covers(&self, path: &Path) -> bool {
        self.named.iter().any(|n| path.starts_with(n))
    }
}

/// The deepest directory holding every named path (for a run with no root marker).
fn common_ancestor(named: &[PathBuf], stdin: Option<&Path>, start_dir: &Path) -> PathBuf {
    let dir_of = |p: &Path| {
        if p.is_dir() {
            p.to_path_buf()
        } else {
            p.parent()
                .map_or_else(|| p.to_path_buf(), Path::to_path_buf)
        }
    };
    let mut common = start_dir.to_path_buf();
    for p in named.iter().map(PathBuf::as_path).chain(stdin) {
        let dir = dir_of(p);
        while !dir.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_and_links_name_the_same_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(root.join(CONFIG_FILE_NAME), "").unwrap();
        std::fs::create_dir_all(root.join("envs/prod")).unwrap();
        std::fs::create_dir_all(root.join("modules/x")).unwrap();
        std::os::unix::fs::symlink(root.join("envs/prod"), root.join("prod")).unwrap();
        let cwd = root.join("envs/prod");
        for spelling in [".", "../prod", "../../envs/prod", "../../prod"] {
            let context = Context::new(&[PathBuf::from(spelling)], None, None, &cwd).unwrap();
            assert_eq!(context.root, root, "{spelling}");
            assert_eq!(context.named, vec![root.join("envs/prod")], "{spelling}");
        }
        let context = Context::new(&[PathBuf::from("../..")], None, None, &cwd).unwrap();
        assert!(context.is_whole_root());
        assert!(context.covers(&root.join("modules/x/main.tf")));
    }

    #[test]
    fn without_a_configuration_the_root_is_the_git_work_tree() {
        let dir = tempfile::tempdir().unwrap();
        let repo = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("envs/prod")).unwrap();
        let context = Context::new(&[PathBuf::from("envs/prod")], None, None, &repo).unwrap();
        assert_eq!(context.root, repo);
        // a work tree of `git worktree add` has a `.git` file
        std::fs::remove_dir(repo.join(".git")).unwrap();
        std::fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
        let context = Context::new(&[], None, None, &repo.join("envs")).unwrap();
        assert_eq!(context.root, repo);
    }

    #[test]
    fn without_a_marker_the_root_is_the_path_itself() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(cwd.join("a/b")).unwrap();
        std::fs::write(cwd.join("a/b/main.tf"), "").unwrap();
        let context = Context::new(&[PathBuf::from("a/b/main.tf")], None, None, &cwd).unwrap();
        assert_eq!(context.root, cwd.join("a/b"));
        assert!(!context.is_whole_root());
    }

    #[test]
    fn a_path_outside_the_root_is_refused_and_a_config_elsewhere_names_no_root() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir_all(cwd.join("project")).unwrap();
        std::fs::create_dir_all(cwd.join("elsewhere")).unwrap();
        std::fs::write(cwd.join("project").join(CONFIG_FILE_NAME), "").unwrap();
        let paths = [PathBuf::from("project"), PathBuf::from("elsewhere")];
        let error = Context::new(&paths, None, None, &cwd);
        assert!(matches!(error, Err(ContextError::Outside { .. })));
        // `--config ci/yunlint.toml elsewhere`: the root is found from the path, not the config
        let config = cwd.join("project").join(CONFIG_FILE_NAME);
        let context =
            Context::new(&[PathBuf::from("elsewhere")], None, Some(&config), &cwd).unwrap();
        assert_eq!(context.root, cwd.join("elsewhere"));
        let missing = Context::new(&[PathBuf::from("nowhere")], None, None, &cwd);
        assert!(matches!(missing, Err(ContextError::Missing(p)) if p == "nowhere"));
    }
}
