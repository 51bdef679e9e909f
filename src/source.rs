//! Source files loaded once and shared, and the spans that point into them.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A byte range in one source file.
///
/// Offsets are 32-bit: every placement carries a dozen spans, and discovery refuses files far
/// smaller than 4 GiB, so the narrow form halves their share of a large run's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub source: SourceId,
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(source: SourceId, range: Range<usize>) -> Self {
        Span {
            source,
            start: offset(range.start),
            end: offset(range.end),
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// An offset as a span stores it; one past 4 GiB (no file read is that large) saturates.
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// One loaded file: its path as shown to users, and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the current directory with `/` separators (or as given, when outside it).
    pub display: Arc<str>,
    /// Path relative to the project root, used in addresses and glob matching; shared with the
    /// placements read from the file.
    pub rel: Arc<str>,
    /// Absolute; shared with the Terraform pass, which groups files by directory.
    pub path: Arc<Path>,
    /// The text, unless released (see [`SourceFile::release_text`]).
    text: OnceLock<Arc<String>>,
    /// The text's length, to tell whether a file read again is still the same.
    len: usize,
    /// Where the text came from, and so how it is read again.
    origin: Origin,
    line_starts: OnceLock<Vec<usize>>,
}

/// Where a file's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Memory only (standard input, the command line): never released.
    Memory,
    /// A file read from its path, links resolved.
    Disk,
    /// A file the walk found, read as [`crate::guarded_read::read_discovered`] reads it.
    Walk,
}

impl SourceFile {
    /// A text that exists only in memory (standard input, the command line).
    pub fn new(display: String, rel: String, path: PathBuf, text: String) -> Self {
        let rel: Arc<str> = rel.into();
        // The same when the current directory is the project root, as it usually is.
        let display = if *display == *rel {
            Arc::clone(&rel)
        } else {
            display.into()
        };
        SourceFile {
            display,
            rel,
            path: path.into(),
            len: text.len(),
            text: OnceLock::from(Arc::new(text)),
            origin: Origin::Memory,
            line_starts: OnceLock::new(),
        }
    }

    /// A text read from `path` with [`decode`].
    pub fn from_disk(display: String, rel: String, path: PathBuf, text: String) -> Self {
        SourceFile {
            origin: Origin::Disk,
            ..SourceFile::new(display, rel, path, text)
        }
    }

    /// A text read with [`decode`] from `path`, a file the walk found; read again the same way
    /// (a system call per path component to resolve links was a tenth of writing a report
    /// whose findings are in thousands of files).
    pub fn from_walk(display: String, rel: String, path: PathBuf, text: String) -> Self {
        SourceFile {
            origin: Origin::Walk,
            ..SourceFile::new(display, rel, path, text)
        }
    }

    pub fn text(&self) -> &Arc<String> {
        self.text.get_or_init(|| {
            // Released, so read again: only files with findings come here. A file changed since
            // the run read it would put spans in the wrong place: it is shown without its text.
            let limit = self.len as u64;
            let bytes = match self.origin {
                Origin::Walk => crate::guarded_read::read_discovered(&self.path, limit),
                Origin::Disk | Origin::Memory => crate::guarded_read::read(&self.path, limit, None),
            };
            let text = bytes.map(|bytes| decode(bytes).0).unwrap_or_default();
            Arc::new(if text.len() == self.len {
                text
            } else {
                String::new()
            })
        })
    }

    /// Frees the text of a file read from disk once every front end is done with it: a large
    /// repository's texts are a fifth of a run's memory, and most files have no finding to show.
    pub fn release_text(&mut self) {
        if self.origin != Origin::Memory {
            self.text = OnceLock::new();
            self.line_starts = OnceLock::new();
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text().match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The byte offset where the line `lines_before` lines above the one holding `offset` starts,
    /// and that line's 0-based index.
    pub fn line_start_before(&self, offset: usize, lines_before: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let first = line.saturating_sub(lines_before);
        (starts[first], first)
    }

    /// Line and column of a byte offset, clamped to the text and to a character boundary.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text().len());
        while !self.text().is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let line_text = &self.text()[starts[line]..offset];
        Position {
            line: line + 1,
            column: line_text.chars().count() + 1,
            offset,
        }
    }
}

/// Every file of a run, in the order it was added; ids index into it.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> SourceId {
        let id = SourceId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(Arc::new(file));
        id
    }

    pub fn get(&self, id: SourceId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Arc<SourceFile>)> {
        self.files.iter().enumerate().map(|(i, f)| {
            (
                SourceId(u32::try_from(i).expect("fewer than 2^32 files")),
                f,
            )
        })
    }

    pub fn next_id(&self) -> SourceId {
        SourceId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"))
    }
}

/// UTF-8 text without a byte-order mark, or the lossy text and where the first invalid byte is.
pub fn decode(bytes: Vec<u8>) -> (String, Option<(usize, String)>) {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                // Keep offsets aligned with the file on disk by blanking the mark rather than removing it.
                text.replace_range(0..3, "   ");
            }
            (text, None)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (text, Some((offset, "file is not valid UTF-8".to_owned())))
        }
    }
}

/// The path of `path` relative to `base` with `/` separators, or `path` itself when it is not under `base`.
pub fn relative_display(path: &Path, base: &Path) -> String {
    let Ok(rel) = path.strip_prefix(base) else {
        return outside_display(path, base)
            .unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
    };
    let text = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let text = text.strip_prefix("./").map(str::to_owned).unwrap_or(text);
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}

/// A path outside `base` but on the same file system tree, as `../`-steps from `base`
/// (`../../modules/x/main.tf` from `envs/prod`); `None` when they share no ancestor.
fn outside_display(path: &Path, base: &Path) -> Option<String> {
    if !path.is_absolute() || !base.is_absolute() {
        return None;
    }
    let common = base.ancestors().find(|a| path.starts_with(a))?;
    // only `/` in common: the absolute path reads better
    common.parent()?;
    let ups = base.strip_prefix(common).ok()?.components().count();
    let rest = path.strip_prefix(common).ok()?;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        rest.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_outside_the_base_is_shown_with_parent_steps() {
        let show = |p: &str, b: &str| relative_display(Path::new(p), Path::new(b));
        assert_eq!(
            show("/r/modules/x/main.tf", "/r/envs/prod"),
            "../../modules/x/main.tf"
        );
        assert_eq!(show("/r/envs/prod/main.tf", "/r/envs/prod"), "main.tf");
        assert_eq!(show("/r", "/r/envs"), "..");
        assert_eq!(show("/elsewhere/a.tf", "/r/envs"), "/elsewhere/a.tf");
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a".into(), "a".into(), "a".into(), text.into())
    }

    #[test]
    fn a_released_text_is_read_again_only_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("main.tf");
        std::fs::write(&path, "\u{feff}region = \"cn-beijing\"\n").unwrap();
        let (text, _) = decode(std::fs::read(&path).unwrap());
        let mut f = SourceFile::from_disk("main.tf".into(), "main.tf".into(), path.clone(), text);
        let before = f.text().to_string();
        f.release_text();
        assert_eq!(f.text().as_str(), before, "same bytes, mark blanked again");
        f.release_text();
        std::fs::write(&path, "region = \"ap-southeast-1\"\n").unwrap();
        assert_eq!(f.text().as_str(), "", "a changed file is not shown");
        let mut stdin = SourceFile::new("-".into(), "-".into(), path, "x = 1".into());
        stdin.release_text();
        assert_eq!(stdin.text().as_str(), "x = 1", "standard input is kept");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = file("name = \"账本\"\nregion = \"x\"\n");
        assert_eq!(
            f.position(0),
            Position {
                line: 1,
                column: 1,
                offset: 0
            }
        );
        // byte 14 is the closing quote after two 3-byte characters
        assert_eq!(f.position(14).column, 11);
        let second = f.text().find("region").unwrap();
        assert_eq!(f.position(second).line, 2);
        assert_eq!(f.position(second).column, 1);
    }

    #[test]
    fn paths_outside_the_base_stay_absolute() {
        assert_eq!(
            relative_display(Path::new("/tmp/x/a.tf"), Path::new("/work")),
            "/tmp/x/a.tf"
        );
        assert_eq!(
            relative_display(Path::new("/work/a/b.tf"), Path::new("/work")),
            "a/b.tf"
        );
        assert_eq!(
            relative_display(Path::new("/work"), Path::new("/work")),
            "."
        );
    }

    #[test]
    fn offsets_inside_a_character_snap_back() {
        let f = file("账");
        assert_eq!(f.position(1).offset, 0);
        assert_eq!(f.position(99).offset, 3);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever the text (Chinese, CRLF, emoji) and offset, a position is on a character
        /// boundary, its line counts the newlines before it, and its column the characters since.
        #[test]
        fn positions_agree_with_a_naive_count(text in "[a-z账本\r\n😀 =\"]{0,200}", at in 0usize..400) {
            let file = SourceFile::new("f".into(), "f".into(), "f".into(), text.clone());
            let p = file.position(at);
            prop_assert!(p.offset <= text.len() && text.is_char_boundary(p.offset));
            let before = &text[..p.offset];
            prop_assert_eq!(p.line, before.matches('\n').count() + 1);
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            prop_assert_eq!(p.column, before[line_start..].chars().count() + 1);
        }
    }
}
