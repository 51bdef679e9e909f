//! The commit a report is about, read from the repository's Git files without running `git`:
//! `git` would read the user's and the repository's configuration (hooks, `core.fsmonitor`,
//! `safe.directory`), which a report of an untrusted repository must not depend on, let alone run.
//!
//! Only `HEAD`, loose refs and `packed-refs` are read, whose text format is a line each; anything
//! else (a corrupt file, an unknown layout) gives no commit rather than a guess.

use std::path::{Path, PathBuf};

/// The checked-out commit and the branch `HEAD` points at (none when detached).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub commit: String,
    pub branch: Option<String>,
}

/// The largest ref file read: `packed-refs` of a large monorepo is a few megabytes.
const MAX_REF_FILE: u64 = 64 << 20;

fn read_small(path: &Path) -> Option<String> {
    let bytes = crate::guarded_read::read(path, MAX_REF_FILE, None).ok()?;
    String::from_utf8(bytes).ok()
}

/// A full object name: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
fn is_object_name(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The Git directory of the work tree holding `root`, and the common directory its refs live in
/// (they differ in a work tree of `git worktree add`).
fn git_dirs(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let top = root.ancestors().find(|d| d.join(".git").exists())?;
    let dot_git = top.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        let text = read_small(&dot_git)?;
        let target = text.strip_prefix("gitdir:")?.trim();
        top.join(target)
    };
    let common = match read_small(&git_dir.join("commondir")) {
        Some(text) => git_dir.join(text.trim()),
        None => git_dir.clone(),
    };
    Some((git_dir, common))
}

/// The commit `name` (`refs/heads/main`) points at, from its loose file or `packed-refs`.
fn resolve_ref(common: &Path, name: &str) -> Option<String> {
    let safe = name.starts_with("refs/")
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if !safe {
        return None;
    }
    if let Some(text) = read_small(&common.join(name)) {
        let commit = text.trim();
        return is_object_name(commit).then(|| commit.to_owned());
    }
    let packed = read_small(&common.join("packed-refs"))?;
    packed.lines().find_map(|line| {
        let (commit, refname) = line.split_once(' ')?;
        (refname == name && is_object_name(commit)).then(|| commit.to_owned())
    })
}

/// The commit checked out in the Git work tree that holds `root`, or `None` when there is none or
/// it cannot be read for certain. Uncommitted changes are not detected.
pub fn head(root: &Path) -> Option<Revision> {
    let (git_dir, common) = git_dirs(root)?;
    let text = read_small(&git_dir.join("HEAD"))?;
    let head = text.trim();
    if is_object_name(head) {
        return Some(Revision {
            commit: head.to_owned(),
            branch: None,
        });
    }
    let name = head.strip_prefix("ref:")?.trim();
    // A work tree's own refs (`HEAD` aside) are per work tree only under refs/bisect and the like.
    let commit = resolve_ref(&common, name)?;
    Some(Revision {
        commit,
        branch: name.strip_prefix("refs/heads/").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn a_branch_is_read_from_its_loose_ref_or_packed_refs() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        assert_eq!(head(dir.path()), None, "an unborn branch has no commit");
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled\n{A} refs/heads/main\n"),
        )
        .unwrap();
        let sub = dir.path().join("infra");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(
            head(&sub),
            Some(Revision {
                commit: A.into(),
                branch: Some("main".into())
            })
        );
        let b = A.replace('0', "b");
        std::fs::write(git.join("refs/heads/main"), format!("{b}\n")).unwrap();
        assert_eq!(head(dir.path()).unwrap().commit, b);
    }

    #[test]
    fn a_detached_head_a_worktree_and_nonsense() {
        let dir = tempfile::tempdir().unwrap();
        let common = dir.path().join("main.git");
        let wt_git = common.join("worktrees/wt");
        std::fs::create_dir_all(&wt_git).unwrap();
        std::fs::write(wt_git.join("commondir"), "../..\n").unwrap();
        std::fs::write(wt_git.join("HEAD"), "ref: refs/heads/topic\n").unwrap();
        std::fs::create_dir_all(common.join("refs/heads")).unwrap();
        std::fs::write(common.join("refs/heads/topic"), format!("{A}\n")).unwrap();
        let wt = dir.path().join("wt");
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", wt_git.display())).unwrap();
        assert_eq!(head(&wt).unwrap().branch.as_deref(), Some("topic"));

        std::fs::write(wt_git.join("HEAD"), format!("{A}\n")).unwrap();
        assert_eq!(head(&wt).unwrap().branch, None);
        std::fs::write(wt_git.join("HEAD"), "ref: refs/../../etc/passwd\n").unwrap();
        assert_eq!(head(&wt), None);
        std::fs::write(wt_git.join("HEAD"), "<script>\n").unwrap();
        assert_eq!(head(&wt), None);
    }
}
