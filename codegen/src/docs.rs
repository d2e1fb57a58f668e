//! Spec text → rustdoc lines that neither rustdoc nor clippy trip over.
//!
//! Descriptions are Markdown written for humans, not for rustdoc: an unlabelled code block would
//! become a doctest (and fail to compile), a list item continued on an unindented line trips
//! clippy's `doc_lazy_continuation`, tabs trip `tabs_in_doc_comments`. This module rewrites just
//! those constructs and leaves the rest of the text alone.

use std::borrow::Cow;

/// Doc lines for `paragraphs` (separated by an empty line), sanitized. Should rustdoc's own
/// parser still find a doctest or an unclosed block in them (an input this module's scan
/// misreads), the text is emitted as one plain `text` block instead.
pub fn doc_lines(paragraphs: &[String]) -> Vec<String> {
    let lines = sanitized(paragraphs);
    if rustdoc_safe(&lines) {
        lines
    } else {
        text_block(paragraphs)
    }
}

fn sanitized(paragraphs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A list item left open by one paragraph goes on in the next: Markdown reads the blank line
    // between them as inside the item, so an indented line there may open a fence.
    let mut item_col = None;
    for p in paragraphs {
        let (lines, open_item) = sanitize_after(p, item_col);
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        item_col = open_item;
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out
}

/// Follows a doc in [`rustdoc_safe`]: seen as text, it proves nothing was left open.
const SENTINEL: &str = "END-OF-DOC-SENTINEL";

/// Whether rustdoc's parser (pulldown-cmark, with the extensions rustdoc turns on) sees in
/// `lines` no indented code block, only fenced blocks labelled `text` or an allowed language,
/// and nothing left open. The lines are read as rustdoc reads an item's docs: with the
/// indentation they all share removed first.
pub fn rustdoc_safe(lines: &[String]) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    let shared = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start_matches(' ').len()).min();
    let unindented: Vec<&str> = lines.iter().map(|l| l.get(shared.unwrap_or(0)..).unwrap_or("")).collect();
    let text = format!("{}\n\n{SENTINEL}\n", unindented.join("\n"));
    let options =
        Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let (mut in_code, mut closed) = (false, false);
    for event in Parser::new_ext(&text, options) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => return false,
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                if info.trim() != "text" && !FENCE_LANGS.contains(&info.trim()) {
                    return false;
                }
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code && t.contains(SENTINEL) => closed = true,
            _ => {}
        }
    }
    closed
}

/// The paragraphs as one `text` block, its fence longer than any backtick run inside.
fn text_block(paragraphs: &[String]) -> Vec<String> {
    let text: Vec<String> = paragraphs.iter().map(|p| sanitizable(p)).filter(|p| !p.trim().is_empty()).collect();
    let longest = text.iter().flat_map(|p| p.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = vec![format!("{fence}text")];
    for (i, p) in text.iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        out.extend(p.trim_matches('\n').lines().map(|l| l.trim_end().to_owned()));
    }
    out.push(fence);
    out
}

/// One paragraph (possibly several Markdown blocks) → sanitized lines, without leading or
/// trailing blank lines. The paragraph follows, after a blank line, a list item whose content
/// column is `item_col`; also returns the content column of the list item still open at its end.
fn sanitize_after(text: &str, item_col: Option<usize>) -> (Vec<String>, Option<usize>) {
    let text = sanitizable(text);
    let mut s = Sanitizer::new(text.lines().map(str::trim_end).collect());
    s.item_col = item_col;
    while s.i < s.src.len() {
        s.line();
    }
    let open_item = s.item_col;
    (s.finish(), open_item)
}

/// `text` with line breaks normalized, tabs expanded and forbidden characters replaced.
fn sanitizable(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    text.chars().map(|c| if forbidden(c) { '\u{fffd}' } else { c }).collect()
}

/// An open fence: its marker (``` or ~~~), length, the column it is relative to (0, or the
/// content column of the list item it opened in), and its opening line's indentation.
#[derive(Clone, Copy)]
struct Fence {
    ch: char,
    len: usize,
    base: usize,
    indent: usize,
}

impl Fence {
    /// The line that closes this fence explicitly: indented like its opening line, so it sits
    /// in the same container, whatever list items this scan has lost track of.
    fn close(self) -> String {
        format!("{}{}", " ".repeat(self.indent), self.ch.to_string().repeat(self.len))
    }
}

/// The scan of one paragraph's lines: one method per kind of block, each consuming the lines
/// it handles from `src[i..]` and pushing their sanitized form to `out`.
struct Sanitizer<'a> {
    src: Vec<&'a str>,
    i: usize,
    out: Vec<String>,
    fence: Option<Fence>,
    /// Content column of the list item or `>` quote the previous line belongs to.
    container: Option<Container>,
    /// The output so far ends a block that is no paragraph, though its last line may not show
    /// it: a closed fence (a `~~~` or ``` line alone, which may also open one), or a quote
    /// ending in one. An indented line after it starts an indented code block.
    closed_fence: bool,
    /// Content column of the list item still open, across blank lines (fences may sit in it).
    item_col: Option<usize>,
    /// How many quotes this scan is inside (each is scanned by a nested `Sanitizer`).
    depth: usize,
}

/// Quotes nested deeper than this are left as text (and judged by [`rustdoc_safe`]): each level
/// is a nested scan, so thousands of `>` would otherwise exhaust the stack.
const MAX_QUOTE_DEPTH: usize = 16;

impl<'a> Sanitizer<'a> {
    fn new(src: Vec<&'a str>) -> Self {
        let (out, fence, container, closed_fence, item_col) = (Vec::new(), None, None, false, None);
        Sanitizer { src, i: 0, out, fence, container, closed_fence, item_col, depth: 0 }
    }

    /// Handles the block starting at line `i`, consuming at least that line.
    fn line(&mut self) {
        let line = self.src[self.i];
        // Indentation counts ASCII spaces only (slicing stays on char boundaries).
        let indent = line.len() - line.trim_start_matches(' ').len();
        self.end_item_fence(line, indent);
        if let Some(fence) = self.fence {
            self.fenced(fence, line, indent);
        } else if !self.fence_opens(line, indent) {
            self.block(line, indent);
        }
    }

    /// A line outside a fence that opens none: a blank line, an indented code block, or text.
    fn block(&mut self, line: &str, indent: usize) {
        if line.trim().is_empty() {
            self.out.push(String::new());
            self.container = None;
            self.i += 1;
        } else if self.indented_code_starts(indent) {
            self.indented_code();
        } else {
            let (before, closed) = (self.out.len(), self.closed_fence);
            let in_paragraph = !closed && self.out.last().is_some_and(|l| !ends_block(l));
            self.closed_fence = false;
            self.text(&escape_opener(line, indent), indent, in_paragraph);
            if self.out.len() == before {
                // Nothing showed (an empty quote): the block before it still counts.
                self.closed_fence = closed;
            }
        }
    }

    /// A fence in a list item ends with the item: at a line left of its content column. It is
    /// closed explicitly, so the output reads the same to any reader.
    fn end_item_fence(&mut self, line: &str, indent: usize) {
        if let Some(fence) = self.fence.filter(|f| f.base > 0 && indent < f.base && !line[indent..].is_empty()) {
            self.out.push(fence.close());
            self.fence = None;
            self.container = None;
        }
    }

    /// A line inside the open fence: kept as is; it may close the fence.
    fn fenced(&mut self, Fence { ch, len, base, .. }: Fence, line: &str, indent: usize) {
        let trimmed = &line[indent..];
        self.out.push(line.to_owned());
        let run = trimmed.chars().take_while(|&c| c == ch).count();
        // A closing fence is indented less than 4 columns (else it is content).
        if run >= len && trimmed[run..].trim().is_empty() && indent < base + 4 {
            self.fence = None;
            self.closed_fence = true;
        }
        self.i += 1;
    }

    /// The column a line indented `indent` is relative to: the content column of the list item
    /// it is in, or 0.
    fn base(&self, indent: usize) -> usize {
        match (self.container, self.item_col) {
            (Some(Container::Item(col)), _) | (_, Some(col)) if indent >= col => col,
            _ => 0,
        }
    }

    /// A fence opens at less than 4 columns of indentation, relative to the list item it
    /// continues (more is indented code, or a paragraph's continuation). Whether it did.
    fn fence_opens(&mut self, line: &str, indent: usize) -> bool {
        let trimmed = &line[indent..];
        // A line left of the item's content ends it, unless it starts another item (a bare
        // marker does not: `escape_opener` turns it into text) or is a lazy continuation of the
        // item's text, which `paragraph_line` moves under the item.
        let starts_item = list_item(trimmed).is_some_and(|col| col < trimmed.len());
        let left_of_item = self.item_col.is_some_and(|col| indent < col) && !trimmed.is_empty() && !starts_item;
        if left_of_item && !matches!(self.container, Some(Container::Item(_))) {
            self.item_col = None;
        }
        let base = self.base(indent);
        let Some((ch, len, info)) = fence_open(trimmed).filter(|_| indent < base + 4) else { return false };
        if left_of_item {
            // Not a lazy continuation after all: the fence ends the item.
            self.item_col = None;
        }
        let info = fence_info(info);
        self.out.push(format!("{}{}{info}", &line[..indent], ch.to_string().repeat(len)));
        self.fence = Some(Fence { ch, len, base, indent });
        self.container = None;
        self.i += 1;
        true
    }

    /// An indented code block starts at 4+ spaces after a blank line, a heading, a thematic
    /// break or a closed fence (anything but a paragraph), outside a list.
    fn indented_code_starts(&self, indent: usize) -> bool {
        let after_block = self.out.last().is_none_or(|l| ends_block(l)) || self.closed_fence;
        indent >= 4 && after_block && self.container.is_none()
    }

    /// An indented code block: a doctest unless fenced as text.
    fn indented_code(&mut self) {
        let mut block: Vec<String> = Vec::new();
        while let Some(&l) = self.src.get(self.i) {
            let ind = l.len() - l.trim_start_matches(' ').len();
            if !l.trim().is_empty() && ind < 4 {
                break;
            }
            block.push(if l.trim().is_empty() { String::new() } else { l[4..].to_owned() });
            self.i += 1;
        }
        let mut blank = false;
        while block.last().is_some_and(|l| l.is_empty()) {
            block.pop();
            blank = true;
        }
        // Longer than any backtick run starting a content line, so the content cannot close it.
        let longest = block.iter().map(|l| l.trim_start().chars().take_while(|&c| c == '`').count()).max();
        let marker = "`".repeat(longest.unwrap_or(0).max(2) + 1);
        // The fence goes at column 0, which ends any list item around it.
        self.item_col = None;
        self.out.push(format!("{marker}text"));
        self.out.extend(block);
        self.out.push(marker);
        // Like any closed fence, it may be followed by an indented code block.
        self.closed_fence = true;
        if blank {
            self.out.push(String::new());
        }
    }

    /// A line of text (its opener already escaped): a list item, a block quote, or a
    /// paragraph line. `in_paragraph`: the line before is paragraph text it could continue.
    fn text(&mut self, line: &str, indent: usize, in_paragraph: bool) {
        let trimmed = &line[indent..];
        // 4+ columns into its container, a marker starts nothing: the line continues a paragraph.
        let starts_block = indent < self.base(indent) + 4;
        // A new list interrupting a paragraph must start at 1 (a sibling item is no new list).
        let sibling = self.item_col.is_some_and(|col| indent < col);
        let number = trimmed.split(['.', ')']).next().and_then(|n| n.parse::<u32>().ok());
        let new_list_allowed = !in_paragraph || sibling || number.is_none_or(|n| n == 1);
        if let Some(col) = list_item(trimmed).filter(|_| starts_block && new_list_allowed) {
            self.list_item(line, indent, col);
        } else if trimmed.starts_with('>') && starts_block && self.depth < MAX_QUOTE_DEPTH {
            self.quote(indent);
        } else {
            self.paragraph_line(line, indent);
        }
    }

    /// A list item's first line; the item's first block could be a code block (`- ```rust`,
    /// `- > ```rust`, `-     code`): none is allowed there.
    fn list_item(&mut self, line: &str, indent: usize, col: usize) {
        let trimmed = &line[indent..];
        let (content, nested) = neutralize_item(&trimmed[col..]);
        self.out.push(format!("{}{}{content}", &line[..indent], &trimmed[..col]));
        // Continuation lines belong under the innermost item's content (`- 1. x`: column 5).
        self.container = Some(Container::Item(indent + col + nested));
        self.item_col = Some(indent + col + nested);
        self.i += 1;
    }

    /// A block quote holds blocks of its own (fences, indented code, nested quotes): its
    /// content, markers stripped, is sanitized like a description, then quoted again. Lazy
    /// continuation lines (no `>`) belong to the quote.
    fn quote(&mut self, indent: usize) {
        let mut inner: Vec<&str> = Vec::new();
        while let Some(&l) = self.src.get(self.i) {
            let t = l.trim_start_matches(' ');
            match t.strip_prefix('>') {
                Some(rest) => inner.push(rest.strip_prefix(' ').unwrap_or(rest)),
                None if !t.is_empty() && !inner.last().is_none_or(|x| x.trim().is_empty()) => inner.push(t),
                None => break,
            }
            self.i += 1;
        }
        let pad = " ".repeat(indent);
        let inner = sanitizable(&inner.join("\n"));
        let mut quoted = Sanitizer::new(inner.lines().map(str::trim_end).collect());
        quoted.depth = self.depth + 1;
        while quoted.i < quoted.src.len() {
            quoted.line();
        }
        // Only a paragraph at the quote's end takes lazy continuation lines.
        let ends_in_text = !quoted.closed_fence && quoted.fence.is_none();
        let lines = quoted.finish();
        if lines.is_empty() {
            // Nothing shows: the blocks around it go on as if it were not there.
            return;
        }
        if self.item_col.is_some_and(|col| indent < col) {
            // A quote is no lazy continuation: left of the item's content, it ends the item.
            self.item_col = None;
        }
        let ends_in_text = ends_in_text && lines.last().is_some_and(|l| !ends_block(l));
        self.container = ends_in_text.then_some(Container::Quote(indent));
        self.closed_fence = !ends_in_text;
        for l in lines {
            if l.is_empty() {
                self.out.push(format!("{pad}>"));
            } else {
                self.out.push(format!("{pad}> {l}"));
            }
        }
    }

    /// A paragraph line; a lazy continuation line is indented under the item / kept in the
    /// quote. (Exactly under the item: more is clippy's `doc_overindented_list_items`.) Moved
    /// there, text that looks like a block could start one: escaped.
    fn paragraph_line(&mut self, line: &str, indent: usize) {
        let trimmed = &line[indent..];
        match self.container {
            Some(Container::Item(col)) if indent != col => {
                self.out.push(format!("{}{}", " ".repeat(col), escape_moved(trimmed)));
            }
            Some(Container::Quote(ind)) => self.out.push(format!("{}> {}", " ".repeat(ind), escape_moved(trimmed))),
            _ => {
                self.out.push(line.to_owned());
                // A paragraph in the open item, after a blank line: lazy lines continue it.
                if let Some(col) = self.item_col.filter(|&col| indent >= col) {
                    self.container = Some(Container::Item(col));
                }
            }
        }
        self.i += 1;
    }

    /// The lines, a fence still open closed, without leading or trailing blank lines.
    fn finish(mut self) -> Vec<String> {
        if let Some(fence) = self.fence {
            self.out.push(fence.close());
        }
        let start = self.out.iter().position(|l| !l.trim().is_empty()).unwrap_or(self.out.len());
        let end = self.out.iter().rposition(|l| !l.trim().is_empty()).map_or(start, |e| e + 1);
        self.out.drain(start..end).collect()
    }
}

/// A line starting something this scan does not follow, escaped into text (the indentation
/// kept). A `<` may open an HTML block, which hides the fences and blocks after it from this
/// scan but not from rustdoc (`<div>` then ```` ``` ````). An empty item (`-`, `1.` alone) would
/// take the lines after it as its content, which clippy's list lints read differently.
fn escape_opener(line: &str, indent: usize) -> Cow<'_, str> {
    let trimmed = &line[indent..];
    if trimmed.starts_with('<') {
        Cow::Owned(format!("{}\\{trimmed}", &line[..indent]))
    } else if list_item(trimmed) == Some(trimmed.len()) {
        Cow::Owned(format!("{}{}", &line[..indent], escape_marker(trimmed)))
    } else {
        Cow::Borrowed(line)
    }
}

/// A paragraph line moved to another column, with what it could start there (a fence, a list
/// item, a quote, a heading) escaped into text.
fn escape_moved(trimmed: &str) -> Cow<'_, str> {
    if let Some(col) = list_item(trimmed) {
        let marker = trimmed[..col].trim_end();
        Cow::Owned(format!("{}{}", escape_marker(marker), &trimmed[marker.len()..]))
    } else if ["```", "~~~", ">", "#"].iter().any(|p| trimmed.starts_with(p)) {
        Cow::Owned(format!("\\{trimmed}"))
    } else {
        Cow::Borrowed(trimmed)
    }
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
    } else if rest.is_empty() && prefix.ends_with("> ") {
        // An empty quote (`- >`): the lines after it would not be its text but, indented, code.
        format!("{}\\>", &prefix[..prefix.len() - 2])
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
        sanitize_after(t, None).0
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

    #[test]
    fn a_list_item_open_at_a_paragraph_end_goes_on_in_the_next() {
        // Found by the doc_sanitizer property test: the second paragraph's `  a` continues the
        // item `- x` of the first, so `    ```` opens a fence inside it, which must not be a
        // doctest.
        let p = vec!["- x".to_owned(), "  a\n    ```\n    code".to_owned()];
        assert_eq!(doc_lines(&p), ["- x", "", "  a", "    ```text", "    code", "    ```"]);
        // A bare marker is escaped into text, which ends the item: `  ```` after it opens a
        // fence at the top level.
        let p = vec!["- x".to_owned(), "-\n    ```\n  ```".to_owned()];
        assert_eq!(doc_lines(&p), ["- x", "", "\\-", "    ```", "  ```text", "  ```"]);
        // A lazy continuation line keeps the item open.
        let p = vec!["- x\ny".to_owned(), "  a\n    ```".to_owned()];
        assert_eq!(doc_lines(&p), ["- x", "  y", "", "  a", "    ```text", "    ```"]);
        // A quote left of the item's content ends it.
        let p = vec!["- x\n> q".to_owned(), "    ```\n  ```".to_owned()];
        assert_eq!(doc_lines(&p), ["- x", "> q", "", "````text", "```", "````", "  ```text", "  ```"]);
    }

    #[test]
    fn what_the_scan_misreads_falls_back_to_a_text_block() {
        // Two levels of list items on one line: the scan follows only the inner one, and its
        // output would leave `    ```` opening a doctest in the outer item.
        let input = "1. - ```rust\n        ```\n    ```".to_owned();
        assert!(!rustdoc_safe(&sanitized(std::slice::from_ref(&input))));
        let lines = doc_lines(&[input, "Default: `x`.".to_owned()]);
        assert_eq!(lines, ["````text", "1. - ```rust", "        ```", "    ```", "", "Default: `x`.", "````"]);
        assert!(rustdoc_safe(&lines));
        assert!(doc_lines(&["  ".to_owned()]).is_empty());
    }

    #[test]
    fn read_as_rustdoc_reads_it() {
        // rustdoc parses footnotes: a code block in a footnote definition is a doctest.
        let footnote = "[^a]: ```rust\n    fn main() { panic!(\"ran\") }\n    ```".to_owned();
        assert!(!rustdoc_safe(&sanitized(std::slice::from_ref(&footnote))));
        assert_eq!(doc_lines(std::slice::from_ref(&footnote))[0], "````text");
        // rustdoc removes the indentation all lines share: ` Example:` then `    ```` is a fence.
        let shared = " Example:\n    ```\n    assert!(false);\n    ```".to_owned();
        assert!(!rustdoc_safe(&sanitized(std::slice::from_ref(&shared))));
        assert!(rustdoc_safe(&doc_lines(&[shared])));
    }

    #[test]
    fn deeply_nested_quotes_do_not_exhaust_the_stack() {
        let deep = format!("{}```rust\nx", ">".repeat(20_000));
        assert!(rustdoc_safe(&doc_lines(&[deep])));
    }

    #[test]
    fn cases_pulldown_cmark_found() {
        // Each input once gave a doctest or an unclosed block in the eyes of pulldown-cmark,
        // rustdoc's parser (codegen/tests/doc_sanitizer.rs).
        let cases: [(&str, &[&str]); 9] = [
            // An empty quote shows nothing: the indented line after it starts indented code.
            ("> \n    - ```rust", &["```text", "- ```rust", "```"]),
            ("    - \n> \n    - ```rust", &["```text", "-", "```", "```text", "- ```rust", "```"]),
            // ... and does not end the list item around it.
            ("- ```rust\n> \n    ```\u{202e}", &["- \\```rust", "    ```text", "    ```"]),
            // A quote ending in a fence takes no lazy continuation.
            (
                "```rust,no_run```\n> ```\n> \n    - ```",
                &["```rust,no_run```", "> ```text", "> ```", "```text", "- ```", "```"],
            ),
            // A fence is closed where it opened, in the outer item.
            ("- - ```rust\n  ```", &["- - \\```rust", "  ```text", "  ```"]),
            // An empty quote in an item is escaped.
            ("- > \n        - - ", &["- \\>", "  \\- -"]),
            // A marker 4+ columns into its container continues the paragraph; it starts no
            // item whose column the next paragraph would inherit.
            ("        ```\n\u{202e}\n    - ```rust", &["````text", "    ```", "````", "\u{fffd}", "    - ```rust"]),
            // A paragraph in an item after a blank line takes lazy continuation lines too.
            (
                "- x\n\n  a\n```rust,no_run```x\n    -     ```",
                &["- x", "", "  a", "  \\```rust,no_run```x", "    - \\```"],
            ),
            // An ordered list interrupting a paragraph must start at 1: `11.` is text.
            ("x\n11. ```\n\n    ``````", &["x", "11. ```", "", "```````text", "``````", "```````"]),
        ];
        for (input, want) in cases {
            assert_eq!(s(input), want, "{input:?}");
        }
    }
}
