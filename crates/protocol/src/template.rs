//! Prompt templates: `{name}` and `{name|default}` placeholders filled from a flat map of
//! variables (a chat's `var_json`, a contact's columns). kefu-sandbox's bot scripts and
//! kefu-callbacks' §9 inbound prompts both use it.
use std::collections::BTreeMap;

/// Replaces `{name}` with the variable's value and `{name|default}` with the value or the
/// default; an unknown or empty `{name}` becomes empty. Braces that do not hold a simple name
/// stay as written, so Markdown or JSON in a prompt is left alone.
pub fn substitute(template: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let placeholder = after.find('}').map(|close| (close, &after[..close])).filter(|(_, inner)| {
            let name = inner.split('|').next().unwrap_or_default();
            !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
        match placeholder {
            Some((close, inner)) => {
                let (name, default) = inner.split_once('|').unwrap_or((inner, ""));
                match vars.get(name).filter(|v| !v.is_empty()) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(default),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_take_values_or_defaults() {
        let v: BTreeMap<String, String> =
            [("name", "张三"), ("empty", "")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(substitute("您好{name}，{sex|先生}", &v), "您好张三，先生");
        assert_eq!(substitute("{missing}x{empty|默认}", &v), "x默认");
        assert_eq!(substitute("json {\"a\": 1} and {not a name}", &v), "json {\"a\": 1} and {not a name}");
        assert_eq!(substitute("unclosed {name", &v), "unclosed {name");
    }
}
