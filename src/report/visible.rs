//! Repository text made safe for a terminal or a CI log.
//!
//! A file name, a region value or a parser's message can hold newlines, ESC and OSC sequences or
//! bidirectional overrides: printed raw, they would start a line of the log with `::error` (which
//! GitHub's runner executes as a workflow command), recolour or retitle the terminal, or make
//! text read backwards. Every human-facing sink (human, table, Markdown, CSV, GitHub,
//! `--verbose`) passes repository text through [`visible`]; JSON, SARIF, GitLab and JUnit escape
//! by their own rules.

use std::borrow::Cow;

/// Longest repository-derived text one field of a human-facing report shows, in characters: a
/// parser's message may quote a whole line of the file.
pub const MAX_FIELD_CHARS: usize = 1000;

/// Whether `c` must not reach a terminal or a log raw: control characters (newlines and tabs
/// included), bidirectional controls, and the Unicode line and paragraph separators.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// Writes `c` as it is, or as a visible escape: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
pub fn push_char(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if u32::from(c) < 0x80 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `text` cut in the middle when longer than [`MAX_FIELD_CHARS`], not otherwise changed: for a
/// parser's message, which may quote the file (`unknown field` followed by a megabyte-long key),
/// in every format.
pub fn excerpt(text: String) -> String {
    if text.len() <= MAX_FIELD_CHARS {
        return text;
    }
    let total = text.chars().count();
    if total <= MAX_FIELD_CHARS {
        return text;
    }
    let half = MAX_FIELD_CHARS / 2;
    let head: String = text.chars().take(half).collect();
    let tail: String = text.chars().skip(total - half).collect();
    format!("{head}…({} characters)…{tail}", total - 2 * half)
}

/// `text` on one line with every character of [`needs_escape`] written visibly, and cut in the
/// middle when longer than [`MAX_FIELD_CHARS`].
pub fn visible(text: &str) -> Cow<'_, str> {
    let long = text.len() > MAX_FIELD_CHARS && text.chars().count() > MAX_FIELD_CHARS;
    if !long && !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_FIELD_CHARS) + 8);
    if long {
        let half = MAX_FIELD_CHARS / 2;
        let total = text.chars().count();
        for c in text.chars().take(half) {
            push_char(&mut out, c);
        }
        out.push_str(&format!("…({} characters)…", total - 2 * half));
        for c in text.chars().skip(total - half) {
            push_char(&mut out, c);
        }
    } else {
        for c in text.chars() {
            push_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// [`visible`] for text that starts an output line: a leading `:` or `#` (after spaces, which the
/// runner trims) is escaped too, so that no line can read as a workflow command (`::error::`,
/// `##[error]`).
pub fn visible_line_start(text: &str) -> Cow<'_, str> {
    let shown = visible(text);
    let trimmed = shown.trim_start_matches(' ');
    if !trimmed.starts_with([':', '#']) {
        return shown;
    }
    let spaces = shown.len() - trimmed.len();
    let mut out = shown[..spaces].to_owned();
    let mut chars = trimmed.chars();
    if let Some(c) = chars.next() {
        out.push_str(&format!("\\x{:02x}", u32::from(c)));
    }
    out.push_str(chars.as_str());
    Cow::Owned(out)
}

/// [`visible`] for each line of a text whose own line breaks are meant (a help text that shows a
/// snippet of configuration).
pub fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

/// A rendered report with no line that GitHub's runner would read as a workflow command: where a
/// line (after the spaces the runner trims) starts with `::` or `##`, for instance because a
/// long message was wrapped inside a quoted value, the first character is escaped.
pub fn without_commands(text: String) -> String {
    let is_command = |line: &str| {
        let t = line.trim_start();
        // GitHub's `::error::` and `##[error]`, Azure Pipelines' `##vso[…]`
        t.starts_with("::") || t.starts_with("##")
    };
    if !text.split('\n').any(is_command) {
        return text;
    }
    text.split('\n')
        .map(|line| {
            if is_command(line) {
                visible_line_start(line).into_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`visible`], and a cell of a spreadsheet never starts a formula: a text starting with `=`,
/// `+`, `-`, `@` (or a tab or carriage return, which some spreadsheets skip) gets a `'` in front.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let shown = visible(text);
    if shown.starts_with(['=', '+', '-', '@', '\t', '\r']) || text.starts_with(['\t', '\r']) {
        Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

/// A CSV document (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
/// break) of `records`, the first being the header, every cell through [`csv_cell`].
pub fn csv_document<R, C>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer
            .write_record(
                record
                    .into_iter()
                    .map(|cell| csv_cell(cell.as_ref()).into_owned()),
            )
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    without_commands(String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped_visibly() {
        assert_eq!(visible("cn-beijing"), "cn-beijing");
        assert_eq!(visible("账本 ok"), "账本 ok");
        assert_eq!(
            visible("x\n::error title=pwned::injected"),
            "x\\n::error title=pwned::injected"
        );
        assert_eq!(
            visible("\u{1b}]0;title\u{7}\u{1b}[31mred"),
            "\\x1b]0;title\\x07\\x1b[31mred"
        );
        assert_eq!(visible("a\u{202e}b\u{9b}c\r"), "a\\u{202e}b\\u{9b}c\\r");
    }

    #[test]
    fn a_long_text_is_cut_in_the_middle() {
        let text = format!("{}{}", "a".repeat(5000), "b".repeat(5000));
        let shown = visible(&text);
        assert_eq!(
            shown.chars().count(),
            1000 + "…(9000 characters)…".chars().count()
        );
        assert!(shown.starts_with("aaa") && shown.ends_with("bbb"));
    }

    #[test]
    fn an_excerpt_keeps_short_texts_and_cuts_long_ones() {
        assert_eq!(excerpt("a\nb".into()), "a\nb");
        let cut = excerpt("x".repeat(1_000_000));
        assert_eq!(
            cut.chars().count(),
            1000 + "…(999000 characters)…".chars().count()
        );
    }

    #[test]
    fn formulas_are_neutralised_in_csv_cells() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for lead in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(csv_cell(lead).starts_with('\''), "{lead}");
        }
        assert_eq!(csv_cell("cn-beijing"), "cn-beijing");
    }

    #[test]
    fn a_line_never_starts_with_a_workflow_command() {
        assert_eq!(
            visible_line_start("::error::pwned.deploy.toml#a"),
            "\\x3a:error::pwned.deploy.toml#a"
        );
        assert_eq!(visible_line_start("  ##[error]x"), "  \\x23#[error]x");
        assert_eq!(visible_line_start("a.tf#x"), "a.tf#x");
        assert_eq!(
            without_commands("  × a\n        ::error::x\nok\n".into()),
            "  × a\n        \\x3a:error::x\nok\n"
        );
        assert_eq!(
            without_commands("##vso[task.setvariable variable=x]1\n".into()),
            "\\x23#vso[task.setvariable variable=x]1\n"
        );
    }
}
