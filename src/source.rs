//! Source files loaded once and shared, and the spans that point into them.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Index of a file in the [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourceId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(source: SourceId, range: Range<usize>) -> Self {
        Span {
            source,
            start: range.start,
            end: range.end,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
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
    pub display: String,
    /// Path relative to the project root, used in addresses and glob matching.
    pub rel: String,
    pub path: PathBuf,
    pub text: Arc<String>,
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(display: String, rel: String, path: PathBuf, text: String) -> Self {
        SourceFile {
            display,
            rel,
            path,
            text: Arc::new(text),
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
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
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let line_text = &self.text[starts[line]..offset];
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

/// The path of `path` relative to `base` with `/` separators, or `path` itself when it is not under `base`.
pub fn relative_display(path: &Path, base: &Path) -> String {
    let Ok(rel) = path.strip_prefix(base) else {
        return path.to_string_lossy().replace('\\', "/");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a".into(), "a".into(), "a".into(), text.into())
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
        let second = f.text.find("region").unwrap();
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
