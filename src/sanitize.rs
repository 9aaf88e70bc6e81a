//! The one sanitiser for text that reaches a person: server-supplied names (roles,
//! databases, tables, query text), file contents and error messages go through it on
//! every output path (TUI, text and Markdown reports, `config check`, `templates check`,
//! notices, log lines on a terminal). A role named `ESC ]0;… BEL` must not retitle the
//! terminal, `ESC [2J` must not clear it, and U+202E must not reverse what follows it
//! (a name that reads as another). JSON output is not passed through here: JSON
//! escaping is exact there and consumers need the original bytes.

use std::borrow::Cow;

/// Bidirectional embeddings, overrides, isolates and marks: invisible, and they reorder
/// the text around them.
const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// A character that must not reach a terminal or a report as itself: C0 and C1 controls
/// (ESC, CSI, BEL, DEL…) and bidirectional controls. Newline and tab are included; the
/// functions below decide where the layout keeps them.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || BIDI.contains(&c)
}

/// A visible stand-in: C0 controls and DEL as their Unicode control pictures (␛, ␇, ␡),
/// everything else as `<U+202E>`, so a hostile name is seen for what it is.
fn stand_in(c: char, out: &mut String) {
    match u32::from(c) {
        n @ 0..=0x1f => out.push(char::from_u32(0x2400 + n).unwrap_or('?')),
        0x7f => out.push('\u{2421}'),
        n => out.push_str(&format!("<U+{n:04X}>")),
    }
}

fn replace(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && !keep(c) {
            stand_in(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text that may span lines (a report body, a multi-line message): newline and tab stay.
pub fn text(text: &str) -> Cow<'_, str> {
    replace(text, |c| c == '\n' || c == '\t')
}

/// One line (a name, a table cell, a log field): newline and tab are shown as ␊ and ␉ too.
pub fn line(text: &str) -> Cow<'_, str> {
    replace(text, |_| false)
}

/// A Markdown table cell: `line`, then the pipe (ends the cell) and the backtick (opens
/// a code span that swallows the rest of the row) escaped.
pub fn markdown_cell(text: &str) -> String {
    line(text).replace('|', "\\|").replace('`', "\\`")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub const HOSTILE: &str = "evil\u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}gpj.exe";

    #[test]
    fn escapes_titles_clears_and_bidi_are_made_visible() {
        let out = line(HOSTILE);
        assert!(!out.chars().any(is_unsafe), "{out}");
        assert_eq!(out, "evil␛]0;owned␇␛[2J<U+202E>gpj.exe");
        assert_eq!(line("a\u{9b}b\u{7f}"), "a<U+009B>b␡");
        for c in BIDI {
            assert!(!line(&format!("x{c}y")).contains(*c));
        }
    }

    #[test]
    fn plain_text_is_borrowed_and_layout_characters_kept_where_asked() {
        assert!(matches!(line("orders_pkey"), Cow::Borrowed(_)));
        assert_eq!(text("a\n\tb\u{1b}"), "a\n\tb␛");
        assert_eq!(line("a\nb"), "a␊b");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown_cell("a|b `c`\nd"), "a\\|b \\`c\\`␊d");
    }
}
