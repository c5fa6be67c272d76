//! A contact's prompt variables as the operator edits them, one `name=value` a line, and the
//! prompt a caller would hear: the deployment's §9 template with `{name}` / `{name|default}`
//! filled from the contact's name, phone and variables, exactly as kefu-callbacks answers the
//! platform's lookup ([`kefu_protocol::template::substitute`]).

use std::collections::BTreeMap;

use kefu_protocol::results::ContactEntry;
use kefu_protocol::template::substitute;

/// The prompt a known caller hears unless the deployment sets `KEFU_INBOUND_PROMPT` (the same
/// text as kefu-callbacks' default).
pub(crate) const DEFAULT_TEMPLATE: &str = "您好{name|}，欢迎来电，请问有什么可以帮您？";

/// Why a variables line was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VarProblem {
    /// No `=` on the line.
    NoEquals,
    /// The name is empty or holds characters a template cannot name (only letters, digits, `_`).
    BadName(String),
    /// `name` and `phone` are the contact's own fields.
    Reserved(String),
    /// The name was given on an earlier line.
    Repeated(String),
}

/// A template variable's name: letters, digits and `_` (what `{…}` in a template can name).
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// The variables of `text` (`name=value` a line; blank lines ignored, spaces around the name
/// and value trimmed); the first bad line's number (1-based) and problem otherwise.
pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, String>, (usize, VarProblem)> {
    let mut vars = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line.split_once('=').ok_or((n, VarProblem::NoEquals))?;
        let name = name.trim();
        if !is_name(name) {
            return Err((n, VarProblem::BadName(name.to_owned())));
        }
        if name == "name" || name == "phone" {
            return Err((n, VarProblem::Reserved(name.to_owned())));
        }
        if vars.insert(name.to_owned(), value.trim().to_owned()).is_some() {
            return Err((n, VarProblem::Repeated(name.to_owned())));
        }
    }
    Ok(vars)
}

/// `vars` as the editor shows them.
pub(crate) fn format(vars: &BTreeMap<String, String>) -> String {
    vars.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
}

/// What a call from `contact` would hear with `template`.
pub(crate) fn preview(template: &str, contact: &ContactEntry) -> String {
    let mut vars = contact.variables.clone();
    vars.insert("name".into(), contact.name.clone());
    vars.insert("phone".into(), contact.phone.clone());
    substitute(template, &vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_name_value_round_trip() {
        let vars = parse("  level = 金卡 \n\nmanager=王经理=主管\n").expect("valid");
        assert_eq!(vars.get("level").map(String::as_str), Some("金卡"));
        assert_eq!(vars.get("manager").map(String::as_str), Some("王经理=主管"), "only the first = splits");
        assert_eq!(parse(&format(&vars)), Ok(vars));
        assert_eq!(parse(""), Ok(BTreeMap::new()));
    }

    #[test]
    fn bad_lines_are_named_with_their_number() {
        assert_eq!(parse("a=1\nno equals"), Err((2, VarProblem::NoEquals)));
        assert_eq!(parse("a b=1"), Err((1, VarProblem::BadName("a b".into()))));
        assert_eq!(parse("=1"), Err((1, VarProblem::BadName(String::new()))));
        assert_eq!(parse("name=张三"), Err((1, VarProblem::Reserved("name".into()))));
        assert_eq!(parse("x=1\n\nx=2"), Err((3, VarProblem::Repeated("x".into()))));
    }

    #[test]
    fn the_preview_fills_the_template_as_the_lookup_does() {
        let contact = ContactEntry {
            phone: "13912345678".into(),
            name: "张三".into(),
            transfer: None,
            variables: parse("level=金卡").expect("valid"),
        };
        assert_eq!(preview(DEFAULT_TEMPLATE, &contact), "您好张三，欢迎来电，请问有什么可以帮您？");
        assert_eq!(
            preview("{name|客户}（尾号{phone}）您好，您是{level}会员，{missing|欢迎}", &contact),
            "张三（尾号13912345678）您好，您是金卡会员，欢迎"
        );
        let nameless = ContactEntry { name: String::new(), ..contact };
        assert_eq!(preview("{name|先生/女士}您好", &nameless), "先生/女士您好");
    }
}
