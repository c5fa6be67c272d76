//! Platform text made readable, as plain text (the console never turns platform text into HTML;
//! Yew puts it into text nodes): SSML tags removed ([`kefu_protocol::ssml_to_text`]) and
//! Markdown's markers taken away (`**bold**` → `bold`, `[label](url)` → `label (url)`, heading
//! and quote marks, inline code ticks), keeping line breaks and list numbers.

/// `input` (SSML and/or Markdown) as the text a person reads.
pub fn readable(input: &str) -> String {
    let text = kefu_protocol::ssml_to_text(input);
    text.lines().map(line).collect::<Vec<_>>().join("\n")
}

fn line(l: &str) -> String {
    let trimmed = l.trim_start();
    let indent = &l[..l.len() - trimmed.len()];
    let mut rest = trimmed;
    // Headings and quotes lose their marks; bullets become "• ".
    let hashes = rest.chars().take_while(|c| *c == '#').count();
    if hashes > 0 && rest[hashes..].starts_with(' ') {
        rest = rest[hashes..].trim_start();
    }
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.trim_start();
    }
    let mut out = String::from(indent);
    for bullet in ["- ", "* ", "+ "] {
        if let Some(r) = rest.strip_prefix(bullet) {
            out.push_str("• ");
            rest = r;
            break;
        }
    }
    out.push_str(&inline(rest));
    out
}

/// Emphasis markers and code ticks removed, links as `label (url)`.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' | '_' | '~' if chars.get(i + 1) == Some(&c) => i += 2,
            '*' | '`' => i += 1,
            '_' if i == 0
                || !chars[i - 1].is_alphanumeric()
                || chars.get(i + 1).is_none_or(|n| !n.is_alphanumeric()) =>
            {
                i += 1
            }
            '[' => {
                // [label](url)
                let close = chars[i..].iter().position(|&x| x == ']').map(|p| p + i);
                match close {
                    Some(end) if chars.get(end + 1) == Some(&'(') => {
                        match chars[end..].iter().position(|&x| x == ')').map(|p| p + end) {
                            Some(paren) => {
                                let label: String = chars[i + 1..end].iter().collect();
                                let url: String = chars[end + 2..paren].iter().collect();
                                out.push_str(&inline(&label));
                                if !url.is_empty() && url != label {
                                    out.push_str(&format!(" ({url})"));
                                }
                                i = paren + 1;
                            }
                            None => {
                                out.push(c);
                                i += 1;
                            }
                        }
                    }
                    _ => {
                        out.push(c);
                        i += 1;
                    }
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn ssml_and_markdown_become_plain_text() {
        assert_eq!(
            readable(
                "<speak><phoneme alphabet=\"py\" ph=\"wei2\">喂</phoneme>，您好<break time=\"500ms\"/></speak>"
            ),
            "喂，您好"
        );
        assert_eq!(readable("请问**还款日期**是哪天？"), "请问还款日期是哪天？");
        assert_eq!(
            readable("## 说明\n1. 第一条\n- 要点 `code`\n> 引用"),
            "说明\n1. 第一条\n• 要点 code\n引用"
        );
        assert_eq!(
            readable("见 [官网](https://example.com) 与 snake_case_name"),
            "见 官网 (https://example.com) 与 snake_case_name"
        );
        assert_eq!(readable("<b>not html</b> & 1 < 2"), "not html & 1 < 2");
        assert_eq!(readable("[未闭合 (x"), "[未闭合 (x");
    }
}
