//! Spec text → rustdoc lines that neither rustdoc nor clippy trip over.
//!
//! Descriptions are Markdown written for humans, not for rustdoc: an unlabelled code block would
//! become a doctest (and fail to compile), a list item continued on an unindented line trips
//! clippy's `doc_lazy_continuation`, tabs trip `tabs_in_doc_comments`. This module rewrites just
//! those constructs and leaves the rest of the text alone.

/// Doc lines for `paragraphs` (separated by an empty line), sanitized.
pub fn doc_lines(paragraphs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paragraphs {
        let lines = sanitize(p);
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out
}

/// One paragraph (possibly several Markdown blocks) → sanitized lines, without leading or
/// trailing blank lines.
fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    let text: String = text.chars().map(|c| if forbidden(c) { '\u{fffd}' } else { c }).collect();
    let src: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut out: Vec<String> = Vec::new();
    // Open fence: its marker (``` or ~~~), length, and the column it is relative to (0, or
    // the content column of the list item it opened in).
    let mut fence: Option<(char, usize, usize)> = None;
    // Content column of the list item or `>` quote the previous line belongs to.
    let mut container: Option<Container> = None;
    // The previous line closed a fence (a `~~~` or ``` line alone, which may also open one).
    let mut closed_fence = false;
    // Content column of the list item still open, across blank lines (fences may sit in it).
    let mut item_col: Option<usize> = None;
    let mut i = 0;
    while i < src.len() {
        let line = src[i];
        // Indentation counts ASCII spaces only (slicing stays on char boundaries).
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        // A fence in a list item ends with the item: at a line left of its content column.
        // It is closed explicitly, so the output reads the same to any reader.
        if let Some((ch, len, base)) = fence.filter(|&(_, _, base)| base > 0 && indent < base && !trimmed.is_empty()) {
            out.push(format!("{}{}", " ".repeat(base), ch.to_string().repeat(len)));
            fence = None;
            container = None;
        }
        if let Some((ch, len, base)) = fence {
            out.push(line.to_owned());
            let run = trimmed.chars().take_while(|&c| c == ch).count();
            // A closing fence is indented less than 4 columns (else it is content).
            if run >= len && trimmed[run..].trim().is_empty() && indent < base + 4 {
                fence = None;
                closed_fence = true;
            }
            i += 1;
            continue;
        }
        // A fence opens at less than 4 columns of indentation, relative to the list item it
        // continues (more is indented code, or a paragraph's continuation).
        if item_col.is_some_and(|col| indent < col) && !trimmed.is_empty() && list_item(trimmed).is_none() {
            item_col = None;
        }
        let base = match (container, item_col) {
            (Some(Container::Item(col)), _) | (_, Some(col)) if indent >= col => col,
            _ => 0,
        };
        if let Some((ch, len, info)) = fence_open(trimmed).filter(|_| indent < base + 4) {
            let info = fence_info(info);
            out.push(format!("{}{}{info}", &line[..indent], ch.to_string().repeat(len)));
            fence = Some((ch, len, base));
            container = None;
            i += 1;
            continue;
        }
        if trimmed.trim().is_empty() {
            out.push(String::new());
            container = None;
            i += 1;
            continue;
        }
        // An indented code block (4+ spaces after a blank line, a heading, a thematic break or
        // a closed fence: anything but a paragraph, outside a list): a doctest unless fenced
        // as text.
        let after_block = out.last().is_none_or(|l| ends_block(l)) || closed_fence;
        closed_fence = false;
        if indent >= 4 && after_block && container.is_none() {
            let mut block: Vec<String> = Vec::new();
            while i < src.len() {
                let l = src[i];
                let ind = l.len() - l.trim_start_matches(' ').len();
                if !l.trim().is_empty() && ind < 4 {
                    break;
                }
                block.push(if l.trim().is_empty() { String::new() } else { l[4..].to_owned() });
                i += 1;
            }
            let mut blank = false;
            while block.last().is_some_and(|l| l.is_empty()) {
                block.pop();
                blank = true;
            }
            // Longer than any backtick run starting a content line, so the content cannot close it.
            let longest = block.iter().map(|l| l.trim_start().chars().take_while(|&c| c == '`').count()).max();
            let marker = "`".repeat(longest.unwrap_or(0).max(2) + 1);
            out.push(format!("{marker}text"));
            out.extend(block);
            out.push(marker);
            if blank {
                out.push(String::new());
            }
            continue;
        }
        // A line starting with `<` may open an HTML block, which hides the fences and blocks
        // after it from this scan but not from rustdoc (`<div>` then ```` ``` ````): escaped,
        // it is text.
        let escaped;
        let (line, trimmed) = if trimmed.starts_with('<') {
            escaped = format!("{}\\{trimmed}", &line[..indent]);
            (escaped.as_str(), &escaped[indent..])
        } else {
            (line, trimmed)
        };
        // An empty item (`-`, `1.` alone) would take the lines after it as its content, which
        // clippy's list lints read differently: the marker is escaped into text.
        let bare;
        let (line, trimmed) = if list_item(trimmed) == Some(trimmed.len()) {
            bare = format!("{}{}", &line[..indent], escape_marker(trimmed));
            (bare.as_str(), &bare[indent..])
        } else {
            (line, trimmed)
        };
        if let Some(col) = list_item(trimmed) {
            // The item's first block could be a code block (`- ```rust`, `- > ```rust`,
            // `-     code`); none is allowed there.
            let (content, nested) = neutralize_item(&trimmed[col..]);
            out.push(format!("{}{}{content}", &line[..indent], &trimmed[..col]));
            // Continuation lines belong under the innermost item's content (`- 1. x`: column 5).
            container = Some(Container::Item(indent + col + nested));
            item_col = Some(indent + col + nested);
        } else if trimmed.starts_with('>') {
            // A block quote holds blocks of its own (fences, indented code, nested quotes):
            // its content, markers stripped, is sanitized like a description, then quoted again.
            // Lazy continuation lines (no `>`) belong to the quote.
            let mut inner: Vec<&str> = Vec::new();
            while i < src.len() {
                let l = src[i];
                let t = l.trim_start_matches(' ');
                match t.strip_prefix('>') {
                    Some(rest) => inner.push(rest.strip_prefix(' ').unwrap_or(rest)),
                    None if !t.is_empty() && !inner.last().is_none_or(|x| x.trim().is_empty()) => inner.push(t),
                    None => break,
                }
                i += 1;
            }
            for l in sanitize(&inner.join("\n")) {
                if l.is_empty() {
                    out.push(format!("{}>", &line[..indent]));
                } else {
                    out.push(format!("{}> {l}", &line[..indent]));
                }
            }
            container = Some(Container::Quote(indent));
            continue;
        } else {
            match container {
                // A lazy continuation line: indent it under the item / keep it in the quote.
                // (Exactly under it: more is clippy's `doc_overindented_list_items`.)
                // (Moved there, a fence-like text could open a fence: escaped.)
                Some(Container::Item(col)) if indent != col => {
                    let fence_like = trimmed.starts_with("```") || trimmed.starts_with("~~~");
                    out.push(format!("{}{}{trimmed}", " ".repeat(col), if fence_like { "\\" } else { "" }));
                }
                // (A fence-like text would open a fence once quoted: escaped.)
                Some(Container::Quote(ind)) => {
                    let fence_like = trimmed.starts_with("```") || trimmed.starts_with("~~~");
                    out.push(format!("{}> {}{trimmed}", " ".repeat(ind), if fence_like { "\\" } else { "" }));
                }
                _ => out.push(line.to_owned()),
            }
        }
        i += 1;
    }
    if let Some((ch, len, base)) = fence {
        out.push(format!("{}{}", " ".repeat(base), ch.to_string().repeat(len)));
    }
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

/// The content of a list item's line with no code block in it: markers of nested containers
/// (`> `, `- `, `1. `) kept, the spaces after them collapsed (no indented code), and a fence
/// they would open (`- ```rust`, `- > ```rust`) escaped into text. Also returns the width of
/// the nested markers.
fn neutralize_item(content: &str) -> (String, usize) {
    let mut prefix = String::new();
    let mut rest = content.trim_start_matches(' ');
    loop {
        if let Some(r) = rest.strip_prefix('>') {
            prefix.push_str("> ");
            rest = r.trim_start_matches(' ');
        } else if let Some(col) = list_item(rest) {
            prefix.push_str(&rest[..col]);
            rest = rest[col..].trim_start_matches(' ');
        } else {
            break;
        }
    }
    let text = if rest.starts_with("```") || rest.starts_with("~~~") || rest.starts_with('<') {
        format!("{prefix}\\{rest}")
    } else if rest.is_empty() && !prefix.is_empty() && !prefix.ends_with(' ') {
        // A bare nested marker (`- 1.`): an empty item, escaped like a top-level one.
        let marker_start = prefix.trim_end_matches(|c: char| !c.is_ascii_whitespace()).len();
        format!("{}{}", &prefix[..marker_start], escape_marker(&prefix[marker_start..]))
    } else {
        format!("{prefix}{rest}")
    };
    // A bare nested marker (`- 1.`): its content column is one past it. With a quote nested
    // (`1. > x`), the lines after belong to the item around the quote (a quote has no column
    // of its own: an indented line after it is text, never a fence).
    let width = match prefix.find('>') {
        Some(quote) => quote,
        None if rest.is_empty() && !prefix.ends_with(' ') => prefix.trim_end_matches(|c: char| c != ' ').len(),
        None => prefix.len(),
    };
    (text, width)
}

/// A list marker alone (`-`, `12.`, `3)`) as text: `\-`, `12\.`, `3\)`.
fn escape_marker(marker: &str) -> String {
    let (head, last) = marker.split_at(marker.len() - 1);
    format!("{head}\\{last}")
}

/// Whether an output line ends the block before it, so that an indented line after it starts
/// an indented code block: a blank line, an ATX heading (`# x`), a thematic break or setext
/// underline (`---`, `***`, `___`, `===`).
fn ends_block(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return true;
    }
    let hashes = t.chars().take_while(|&c| c == '#').count();
    if (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(|c| c == ' ') {
        return true;
    }
    // A setext underline (`=` or `-`, even one) makes the paragraph above a heading.
    if t.chars().all(|c| c == '=') || t.chars().all(|c| c == '-') {
        return true;
    }
    let squeezed: String = t.chars().filter(|&c| c != ' ').collect();
    squeezed.len() >= 3 && ['-', '*', '_', '='].iter().any(|&m| squeezed.chars().all(|c| c == m))
}

#[derive(Clone, Copy)]
enum Container {
    Item(usize),
    Quote(usize),
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x` → the column of `x` relative to the marker.
fn list_item(t: &str) -> Option<usize> {
    let b = t.as_bytes();
    // A marker alone on its line (`-`, `1.`) is an empty item, continued by the indented lines
    // after it: the marker's width is returned (the content column is one more).
    if b.len() == 1 && matches!(b[0], b'-' | b'*' | b'+') {
        return Some(1);
    }
    if b.len() >= 2 && matches!(b[0], b'-' | b'*' | b'+') && b[1] == b' ' {
        return Some(2);
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) && b.len() > digits && matches!(b[digits], b'.' | b')') {
        if b.len() == digits + 1 {
            return Some(digits + 1);
        }
        if b[digits + 1] == b' ' {
            return Some(digits + 2);
        }
    }
    None
}

/// Spec text (a title, a version) placed inside a sentence of a doc line: one line (line breaks
/// and runs of whitespace become one space), no forbidden character, Markdown punctuation
/// escaped so it starts no code span, fence, link, HTML tag or emphasis.
pub fn inline_text(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| c.is_whitespace() || (forbidden(c) && c.is_control())).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if forbidden(c) {
                out.push('\u{fffd}');
                continue;
            }
            if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Characters that do not belong in a doc comment: control characters (rustc refuses a bare CR,
/// the others are invisible) and bidirectional overrides (rustc's deny-by-default
/// `text_direction_codepoint_in_comment`). They become U+FFFD.
pub fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Languages a fenced block may keep (rustdoc does not run them); anything else, including
/// `rust` and rustdoc's attributes (`no_run`, `should_panic`, `ignore`, `compile_fail`,
/// `edition2021`...), which make a doctest, becomes `text`.
const FENCE_LANGS: &[&str] =
    &["json", "yaml", "toml", "xml", "html", "http", "sh", "bash", "shell", "console", "python", "go", "java", "sql"];

/// The info string a fence keeps: one allowed language, else `text`.
pub fn fence_info(info: &str) -> String {
    let lang = info.trim();
    if FENCE_LANGS.contains(&lang) {
        lang.to_owned()
    } else {
        "text".to_owned()
    }
}

/// ```` ```lang ```` or `~~~lang` → (marker, length, info string).
fn fence_open(t: &str) -> Option<(char, usize, &str)> {
    let ch = t.chars().next().filter(|&c| c == '`' || c == '~')?;
    let len = t.chars().take_while(|&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let info = t[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((ch, len, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Vec<String> {
        sanitize(t)
    }

    #[test]
    fn fences_with_attributes_and_odd_characters_are_made_safe() {
        for info in ["rust,no_run", "should_panic", "ignore", "compile_fail", "edition2021", "no_run", "json,x", "{.c}"]
        {
            assert_eq!(s(&format!("```{info}\nx\n```")), ["```text", "x", "```"], "{info}");
        }
        assert_eq!(s("a\u{7}b\u{202e}c\u{0}"), ["a\u{fffd}b\u{fffd}c\u{fffd}"]);
        // A fence inside an indented code block cannot close the block's own fence.
        assert_eq!(s("    x\n    ```"), ["````text", "x", "```", "````"]);
    }

    #[test]
    fn code_blocks_are_not_doctests() {
        assert_eq!(s("a\n```\nlet x = 1;\n```"), ["a", "```text", "let x = 1;", "```"]);
        assert_eq!(s("```rust\nx\n```"), ["```text", "x", "```"]);
        assert_eq!(s("```json\n{}\n```"), ["```json", "{}", "```"]);
        assert_eq!(s("```\nunclosed"), ["```text", "unclosed", "```"]);
        assert_eq!(
            s("para\n\n    code\n    more\n\nafter"),
            ["para", "", "```text", "code", "more", "```", "", "after"]
        );
    }

    #[test]
    fn lazy_continuations_are_indented() {
        assert_eq!(s("- item\ncontinued\n- next"), ["- item", "  continued", "- next"]);
        assert_eq!(s("10. item\nmore"), ["10. item", "    more"]);
        assert_eq!(s("> quote\nmore"), ["> quote", "> more"]);
        assert_eq!(s("- item\n\nnew paragraph"), ["- item", "", "new paragraph"]);
        assert_eq!(s("\tindented"), ["```text", "indented", "```"]);
        assert_eq!(s("\u{3000}\u{3000}x\n    \u{3000}y"), ["\u{3000}\u{3000}x", "    \u{3000}y"]);
    }

    #[test]
    fn paragraphs() {
        let p = vec!["one".to_owned(), "  ".to_owned(), "two\r\nlines".to_owned()];
        assert_eq!(doc_lines(&p), ["one", "", "two", "lines"]);
    }
}
