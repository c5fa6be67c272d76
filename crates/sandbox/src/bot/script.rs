//! The bot script: a file a person edits (TOML, or JSON with a `.json` name).

use std::path::Path;

use serde::Deserialize;

/// A bot script, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotScript {
    /// The bot's id (`bot_id` in start and syncprompt).
    pub id: String,
    /// The bot's name (syncprompt's `bot_name`).
    pub name: String,
    /// The state a session starts in.
    pub start: String,
    /// What the bot says when nothing matches.
    pub fallback: Vec<String>,
    /// Lowest similarity at which a knowledge-base entry answers (0–1).
    #[serde(default = "default_kb_threshold")]
    pub kb_threshold: f64,
    /// Lowest similarity at which an entry is suggested in `relation_list`.
    #[serde(default = "default_suggest_threshold")]
    pub suggest_threshold: f64,
    /// Most suggestions in one answer.
    #[serde(default = "default_max_suggestions")]
    pub max_suggestions: usize,
    /// Flow states.
    #[serde(default, rename = "state")]
    pub states: Vec<StateScript>,
    /// Rule intents, tried in order before the knowledge base.
    #[serde(default, rename = "intent")]
    pub intents: Vec<IntentScript>,
    /// Knowledge base: question → answer.
    #[serde(default, rename = "faq")]
    pub faqs: Vec<FaqScript>,
}

/// A flow state: what the bot says on entering it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateScript {
    /// The state's id (`debug_info.current_state_id`).
    pub id: String,
    /// Prompts said in order, each its own `evt.say`.
    pub prompts: Vec<String>,
}

/// What happens after an intent's prompts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Then {
    /// Wait for the user (`evt.wait`).
    #[default]
    Wait,
    /// Hand over to a human (`evt.transfer`).
    Transfer,
    /// End the session (`evt.finish`).
    Finish,
}

/// A rule intent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentScript {
    /// The intent's name (`debug_info.intent` is `evt.intent.<name>`).
    pub name: String,
    /// Matches when the input contains one of these (case, spaces and punctuation ignored).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Matches when one of these regular expressions matches the input.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Prompts said when the intent matches.
    #[serde(default)]
    pub prompts: Vec<String>,
    /// A state to enter after the prompts (its prompts follow).
    #[serde(default)]
    pub goto: Option<String>,
    /// What follows.
    #[serde(default)]
    pub then: Then,
}

/// A knowledge-base entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqScript {
    /// The question (also the suggestion's text).
    pub question: String,
    /// Other ways to ask it.
    #[serde(default)]
    pub similar: Vec<String>,
    /// The answer; Markdown allowed.
    pub answer: String,
}

fn default_kb_threshold() -> f64 {
    0.45
}

fn default_suggest_threshold() -> f64 {
    0.2
}

fn default_max_suggestions() -> usize {
    3
}

/// Why a bot script cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    /// The file cannot be read.
    #[error("cannot read bot script {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML / JSON of the script's shape.
    #[error("bot script {path}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The script parses but does not hold together.
    #[error("bot script {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl BotScript {
    /// Reads a script file: JSON when the name ends in `.json`, TOML otherwise.
    pub fn load(path: &Path) -> Result<BotScript, ScriptError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| ScriptError::Read { path: shown.clone(), source })?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        BotScript::parse(&text, is_json, &shown)
    }

    /// Parses script text (`name` is used in error messages).
    pub fn parse(text: &str, is_json: bool, name: &str) -> Result<BotScript, ScriptError> {
        let parsed = if is_json {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            toml::from_str(text).map_err(|e| e.to_string())
        };
        parsed.map_err(|message| ScriptError::Syntax { path: name.to_owned(), message })
    }
}
