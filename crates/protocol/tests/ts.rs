//! The hand-written TypeScript declarations list every value of the Rust enums they describe.

use kefu_protocol::{
    Action, CallErrorCode, CallMode, CallStatus, CallType, Channel, Cmd, DialogType, FileSuffix, HangupBy,
    IntentSource, PromptSource, Speaker,
};

const SOURCE: &str = include_str!("../src/ts.rs");

fn declaration(name: &str) -> &'static str {
    let start =
        SOURCE.find(&format!("export type {name} =")).unwrap_or_else(|| panic!("no declaration of {name}"));
    SOURCE[start..].lines().next().unwrap_or_default()
}

#[test]
fn string_enums_are_declared_with_every_value() {
    let check = |name: &str, values: Vec<String>| {
        let line = declaration(name);
        for v in values {
            assert!(line.contains(&format!("\"{v}\"")), "{name} lacks {v:?}: {line}");
        }
        assert!(line.contains("(string & {})"), "{name} must admit unknown values");
    };
    check("Channel", Channel::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("Cmd", Cmd::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("CallStatus", CallStatus::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("Action", Action::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("Speaker", Speaker::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("CallType", CallType::ALL.iter().map(|v| v.as_str().to_owned()).collect());
    check("FileSuffix", FileSuffix::ALL.iter().map(|v| v.as_str().to_owned()).collect());
}

#[test]
fn number_enums_are_declared_with_every_value() {
    let check = |name: &str, values: Vec<i64>| {
        let line = declaration(name);
        for v in values {
            assert!(line.contains(&format!(" {v} |")), "{name} lacks {v}: {line}");
        }
        assert!(line.ends_with("| number;"), "{name} must admit unknown values");
    };
    check("HangupBy", HangupBy::ALL.iter().map(|v| v.code()).collect());
    check("DialogType", DialogType::ALL.iter().map(|v| v.code()).collect());
    check("CallErrorCode", CallErrorCode::ALL.iter().map(|v| v.code()).collect());
    check("CallMode", CallMode::ALL.iter().map(|v| v.code()).collect());
    check("PromptSource", PromptSource::ALL.iter().map(|v| v.code()).collect());
    check("IntentSource", IntentSource::ALL.iter().map(|v| v.code()).collect());
}
