//! The documentation pages the doc tests read, and their fenced code blocks.

use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and the Markdown pages of `dirs` (relative to the repository), sorted, except the
/// pages named in `skip`.
pub fn pages(dirs: &[&str], skip: &[&str]) -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    for dir in dirs {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let skipped = skip
                .iter()
                .any(|s| path.file_name().is_some_and(|n| n == *s));
            if path.extension().is_some_and(|e| e == "md") && !skipped {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The text of each fenced code block whose info string is one of `languages`.
pub fn code_blocks(text: &str, languages: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if languages.contains(&info.as_ref()) =>
            {
                current = Some(String::new());
            }
            Event::Text(t) => {
                if let Some(block) = &mut current {
                    block.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}
