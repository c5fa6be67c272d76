//! The Markdown that bot prompts carry, parsed into a small tree that the view turns into DOM
//! nodes. Never into HTML text: there is no path from a prompt to `innerHTML`.
//!
//! Hand-written rather than pulldown-cmark (about 70 KB gzip in the browser) because chat prompts
//! use a small subset: paragraphs, line breaks, `**bold**`, `*italics*`, `` `code` ``, numbered and
//! bulleted lists, `[links](url)` and bare `http(s)://` links. Raw HTML is text. Links keep only
//! `http`, `https`, `mailto` and `tel` targets; any other link shows its label as plain text.

/// A block of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; single newlines inside it are [`Inline::LineBreak`]s.
    Paragraph(Vec<Inline>),
    /// A list.
    List {
        /// Numbered (`1.`) rather than bulleted (`-`, `*`, `+`).
        ordered: bool,
        /// The first number of a numbered list.
        start: u32,
        /// The items.
        items: Vec<Vec<Inline>>,
    },
}

/// A run of text inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text, shown exactly as written.
    Text(String),
    /// `**bold**`.
    Strong(Vec<Inline>),
    /// `*italics*`.
    Emphasis(Vec<Inline>),
    /// `` `code` ``.
    Code(String),
    /// A link with a vetted target.
    Link {
        /// The target: `http:`, `https:`, `mailto:` or `tel:` only.
        href: String,
        /// The label.
        children: Vec<Inline>,
    },
    /// A line break.
    LineBreak,
}

/// Nesting deeper than this shows the markers as text (bounds recursion on hostile input).
const MAX_DEPTH: usize = 6;

/// Parses a prompt.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Option<(bool, u32, Vec<Vec<&str>>)> = None;

    fn flush_paragraph(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
        if !lines.is_empty() {
            blocks.push(Block::Paragraph(lines_to_inlines(lines)));
            lines.clear();
        }
    }
    fn flush_list(list: &mut Option<(bool, u32, Vec<Vec<&str>>)>, blocks: &mut Vec<Block>) {
        if let Some((ordered, start, items)) = list.take() {
            let items = items.iter().map(|lines| lines_to_inlines(lines)).collect();
            blocks.push(Block::List { ordered, start, items });
        }
    }

    for line in text.lines() {
        if line.trim().is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut list, &mut blocks);
            continue;
        }
        if let Some((ordered, number, rest)) = list_item(line) {
            flush_paragraph(&mut paragraph, &mut blocks);
            match &mut list {
                Some((kind, _, items)) if *kind == ordered => items.push(vec![rest]),
                _ => {
                    flush_list(&mut list, &mut blocks);
                    list = Some((ordered, number, vec![vec![rest]]));
                }
            }
            continue;
        }
        match &mut list {
            // A line right after an item continues it.
            Some((_, _, items)) => {
                if let Some(last) = items.last_mut() {
                    last.push(line.trim());
                }
            }
            None => paragraph.push(line.trim_end()),
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

/// `- item`, `* item`, `+ item` or `12. item` / `12) item`: (ordered, number, the item's text).
fn list_item(line: &str) -> Option<(bool, u32, &str)> {
    let trimmed = line.trim_start();
    let mut chars = trimmed.char_indices();
    match chars.next()? {
        (_, '-' | '*' | '+') => {
            let rest = &trimmed[1..];
            let body = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('\t'))?;
            Some((false, 1, body.trim()))
        }
        (_, c) if c.is_ascii_digit() => {
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 9 {
                return None;
            }
            let rest = &trimmed[digits..];
            let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
            let body = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('\t'))?;
            let number = trimmed[..digits].parse().ok()?;
            Some((true, number, body.trim()))
        }
        _ => None,
    }
}

fn lines_to_inlines(lines: &[&str]) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push(Inline::LineBreak);
        }
        out.extend(inlines(line, 0));
    }
    out
}

/// Parses the inline markup of one line.
fn inlines(text: &str, depth: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &text[i..];
        let c = bytes[i];
        if c == b'\\' && rest.len() > 1 {
            let next = rest[1..].chars().next().unwrap_or('\\');
            if next.is_ascii_punctuation() {
                plain.push(next);
                i += 1 + next.len_utf8();
                continue;
            }
        }
        if let Some((node, used)) = markup(text, i, depth) {
            if !plain.is_empty() {
                out.push(Inline::Text(std::mem::take(&mut plain)));
            }
            out.push(node);
            i += used;
            continue;
        }
        let ch = rest.chars().next().unwrap_or(' ');
        plain.push(ch);
        i += ch.len_utf8();
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// The markup starting at byte `at` of `text`, and how many bytes it spans.
fn markup(text: &str, at: usize, depth: usize) -> Option<(Inline, usize)> {
    let rest = &text[at..];
    let before = text[..at].chars().next_back();
    match rest.as_bytes()[0] {
        b'`' => {
            let end = rest[1..].find('`')?;
            (end > 0).then(|| (Inline::Code(rest[1..1 + end].to_owned()), end + 2))
        }
        b'*' | b'_' if depth < MAX_DEPTH => {
            let marker = &rest[..1];
            // `_` inside a word (snake_case) is not markup.
            if marker == "_" && before.is_some_and(char::is_alphanumeric) {
                return None;
            }
            let (delimiter, wrap): (String, fn(Vec<Inline>) -> Inline) = if rest[1..].starts_with(marker) {
                (marker.repeat(2), Inline::Strong)
            } else {
                (marker.to_owned(), Inline::Emphasis)
            };
            let inner_start = delimiter.len();
            let inner = &rest[inner_start..];
            if inner.starts_with(char::is_whitespace) {
                return None;
            }
            let end = closing(inner, &delimiter)?;
            let children = inlines(&inner[..end], depth + 1);
            Some((wrap(children), inner_start + end + delimiter.len()))
        }
        b'[' if depth < MAX_DEPTH => {
            let close = label_end(rest)?;
            let after = &rest[close + 1..];
            let target = after.strip_prefix('(')?;
            let end = target.find(')')?;
            let url = target[..end].trim();
            let label = inlines(&rest[1..close], depth + 1);
            let used = close + 1 + 1 + end + 1;
            Some(match safe_href(url) {
                Some(href) => (Inline::Link { href, children: label }, used),
                // An unsafe target: keep the label as plain text, drop the link.
                None => (Inline::Text(label.iter().map(Inline::plain_text).collect()), used),
            })
        }
        b'h' | b'H' if !before.is_some_and(char::is_alphanumeric) => {
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                return None;
            }
            let end = rest
                .char_indices()
                .find(|&(_, c)| c.is_whitespace() || is_url_terminator(c))
                .map_or(rest.len(), |(i, _)| i);
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', ')']);
            let href = safe_href(url)?;
            (url.len() > "https://".len())
                .then(|| (Inline::Link { href, children: vec![Inline::Text(url.to_owned())] }, url.len()))
        }
        _ => None,
    }
}

impl Inline {
    /// The text of this node without markup.
    pub fn plain_text(&self) -> String {
        match self {
            Inline::Text(t) | Inline::Code(t) => t.clone(),
            Inline::Strong(c) | Inline::Emphasis(c) | Inline::Link { children: c, .. } => {
                c.iter().map(Inline::plain_text).collect()
            }
            Inline::LineBreak => "\n".into(),
        }
    }
}

/// A prompt as screen readers should hear it: its text without the Markdown markers, a line per
/// paragraph or list item.
pub fn spoken(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for block in parse(text) {
        match block {
            Block::Paragraph(inlines) => lines.push(inlines.iter().map(Inline::plain_text).collect()),
            Block::List { items, .. } => {
                lines.extend(items.iter().map(|item| item.iter().map(Inline::plain_text).collect()));
            }
        }
    }
    lines.join("\n")
}

/// Characters that end a bare link: CJK punctuation and brackets.
fn is_url_terminator(c: char) -> bool {
    matches!(
        c,
        '<' | '>'
            | '"'
            | '，'
            | '。'
            | '；'
            | '：'
            | '！'
            | '？'
            | '、'
            | '）'
            | '（'
            | '】'
            | '【'
            | '」'
            | '「'
    )
}

/// The byte index of the `]` closing the label that starts at `rest[0] == '['`.
fn label_end(rest: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where `delimiter` closes inside `inner` (not right after whitespace, not empty).
fn closing(inner: &str, delimiter: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = find_ascii(&inner[from..], delimiter) {
        let mut at = from + found;
        // In a run like `***` closing `**b *c***`, the inner emphasis closes first.
        let marker = &delimiter[..1];
        while delimiter.len() == 2 && inner[at + 2..].starts_with(marker) {
            at += 1;
        }
        let after_marker = inner[at + delimiter.len()..].chars().next();
        let doubled = delimiter.len() == 1 && after_marker == Some(delimiter.chars().next().unwrap_or('*'));
        let prev = inner[..at].chars().next_back();
        if at > 0 && !prev.is_some_and(char::is_whitespace) && !doubled {
            return Some(at);
        }
        from = at + delimiter.len() + usize::from(doubled);
    }
    None
}

/// Where `needle` (ASCII, like the emphasis delimiters) first occurs in `haystack`. A byte loop
/// rather than `str::find(&str)`, whose two-way searcher costs the wasm 2.5 KB (1 KB brotli);
/// an ASCII match always starts on a char boundary.
fn find_ascii(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.as_bytes().windows(needle.len()).position(|window| window == needle.as_bytes())
}

/// The link target if it is one a chat may open: `http`, `https`, `mailto` or `tel`.
/// Control characters and whitespace inside the scheme, which browsers strip, are refused.
pub fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let colon = url.find(':')?;
    let scheme = url[..colon].to_ascii_lowercase();
    let allowed = match scheme.as_str() {
        "http" | "https" => url[colon + 1..].starts_with("//") && url.len() > colon + 3,
        "mailto" | "tel" => url.len() > colon + 1,
        _ => false,
    };
    allowed.then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spoken_text_has_no_markers() {
        assert_eq!(
            spoken("**调解协议** 见 [这里](https://kefu.example)\n\n1. 一\n2. `二`"),
            "调解协议 见 这里\n一\n二"
        );
        assert_eq!(spoken("<b>原样</b>"), "<b>原样</b>");
    }

    #[test]
    fn find_ascii_finds_what_str_find_finds() {
        for (haystack, needle) in [
            ("a **b** c", "**"),
            ("无 *强调* 字", "*"),
            ("__", "__"),
            ("", "*"),
            ("x", ""),
            ("ab", "abc"),
            ("_x_ __y__", "__"),
        ] {
            assert_eq!(find_ascii(haystack, needle), haystack.find(needle), "{haystack:?} {needle:?}");
        }
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_and_line_breaks() {
        assert_eq!(
            parse("one\ntwo\n\nthree"),
            vec![
                Block::Paragraph(vec![text("one"), Inline::LineBreak, text("two")]),
                Block::Paragraph(vec![text("three")]),
            ]
        );
    }

    #[test]
    fn emphasis_and_strong_nest() {
        assert_eq!(
            parse("a **b *c*** d"),
            vec![Block::Paragraph(vec![
                text("a "),
                Inline::Strong(vec![text("b "), Inline::Emphasis(vec![text("c")])]),
                text(" d"),
            ])]
        );
        assert_eq!(
            parse("**调解协议**的内容"),
            vec![Block::Paragraph(vec![Inline::Strong(vec![text("调解协议")]), text("的内容"),])]
        );
    }

    #[test]
    fn unmatched_markers_stay_text() {
        assert_eq!(parse("2 * 3 = 6, a*b"), vec![Block::Paragraph(vec![text("2 * 3 = 6, a*b")])]);
        assert_eq!(parse("snake_case_name"), vec![Block::Paragraph(vec![text("snake_case_name")])]);
        assert_eq!(parse("**open"), vec![Block::Paragraph(vec![text("**open")])]);
        assert_eq!(parse(r"\*not\*"), vec![Block::Paragraph(vec![text("*not*")])]);
    }

    #[test]
    fn lists() {
        assert_eq!(
            parse("intro\n\n1. **a**\n2. b\ncontinued\n\n- x\n- y"),
            vec![
                Block::Paragraph(vec![text("intro")]),
                Block::List {
                    ordered: true,
                    start: 1,
                    items: vec![
                        vec![Inline::Strong(vec![text("a")])],
                        vec![text("b"), Inline::LineBreak, text("continued")],
                    ],
                },
                Block::List { ordered: false, start: 1, items: vec![vec![text("x")], vec![text("y")]] },
            ]
        );
        assert_eq!(
            parse("3) three"),
            vec![Block::List { ordered: true, start: 3, items: vec![vec![text("three")]] }]
        );
    }

    #[test]
    fn links_keep_only_safe_targets() {
        assert_eq!(
            parse("see [the terms](https://example.com/t?a=1) now"),
            vec![Block::Paragraph(vec![
                text("see "),
                Inline::Link { href: "https://example.com/t?a=1".into(), children: vec![text("the terms")] },
                text(" now"),
            ])]
        );
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "[x](//evil.example)",
            "[x](/relative)",
        ] {
            let blocks = parse(hostile);
            let has_link = format!("{blocks:?}").contains("Link");
            assert!(!has_link, "{hostile} became a link: {blocks:?}");
        }
        assert_eq!(safe_href("mailto:help@example.com").as_deref(), Some("mailto:help@example.com"));
        assert_eq!(safe_href("tel:+86-10-1234").as_deref(), Some("tel:+86-10-1234"));
        assert_eq!(safe_href("http:"), None);
        assert_eq!(safe_href(" https://ok.example "), Some("https://ok.example".into()));
    }

    #[test]
    fn bare_links_stop_at_cjk_punctuation() {
        assert_eq!(
            parse("访问 https://kefu.example/help。谢谢"),
            vec![Block::Paragraph(vec![
                text("访问 "),
                Inline::Link {
                    href: "https://kefu.example/help".into(),
                    children: vec![text("https://kefu.example/help")]
                },
                text("。谢谢"),
            ])]
        );
    }

    #[test]
    fn html_is_text() {
        let input = "<script>alert(1)</script><img src=x onerror=alert(1)>";
        assert_eq!(parse(input), vec![Block::Paragraph(vec![text(input)])]);
    }

    #[test]
    fn hostile_nesting_and_length_do_not_blow_up() {
        let deep = "*".repeat(10_000) + "x" + &"*".repeat(10_000);
        let blocks = parse(&deep);
        let shown: String = match &blocks[0] {
            Block::Paragraph(nodes) => nodes.iter().map(Inline::plain_text).collect(),
            other => panic!("{other:?}"),
        };
        assert!(shown.contains('x'));
        let brackets = "[".repeat(5_000) + &"]".repeat(5_000);
        assert_eq!(parse(&brackets).len(), 1);
    }
}
