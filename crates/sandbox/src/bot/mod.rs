//! The scripted bot: flow states, rule intents (keywords / regular expressions), a knowledge base
//! matched by text similarity, and `{name}` substitution from the session's variables.

mod script;
mod similarity;

use std::collections::BTreeMap;

use kefu_protocol::chat::Relation;
use kefu_protocol::template::substitute;
use kefu_protocol::{IntentSource, PromptSource};
use regex::Regex;

pub use script::{BotScript, FaqScript, IntentScript, ScriptError, StateScript, Then};
use similarity::{Grams, normalize};

/// The default bot, shipped with the sandbox: follow-up of a mediation agreement.
pub const DEFAULT_SCRIPT: &str = include_str!("../../bots/mediation.toml");

/// A bot ready to answer.
#[derive(Debug)]
pub struct Bot {
    script: BotScript,
    intents: Vec<CompiledIntent>,
    faqs: Vec<CompiledFaq>,
}

#[derive(Debug)]
struct CompiledIntent {
    keywords: Vec<String>,
    patterns: Vec<Regex>,
}

#[derive(Debug)]
struct CompiledFaq {
    phrasings: Vec<Grams>,
}

/// What the bot does in answer to one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Prompts to say, in order (variables already substituted).
    pub prompts: Vec<String>,
    /// What follows the prompts.
    pub then: Then,
    /// Where the prompts came from.
    pub prompt_source: PromptSource,
    /// How the intent was recognised.
    pub intent_source: IntentSource,
    /// The recognised intent (`evt.init`, `evt.intent.<name>`, `evt.faq`, `evt.fallback`).
    pub intent: String,
    /// Confidence, 0–1.
    pub score: f64,
    /// The state the session is in afterwards, if it changed.
    pub state: Option<String>,
    /// Suggested follow-up questions.
    pub relations: Vec<Relation>,
}

impl Bot {
    /// Checks and compiles a script.
    pub fn new(script: BotScript, name: &str) -> Result<Bot, ScriptError> {
        let invalid = |message: String| ScriptError::Invalid { path: name.to_owned(), message };
        if script.id.trim().is_empty() {
            return Err(invalid("`id` is empty".into()));
        }
        let state_ids: Vec<&str> = script.states.iter().map(|s| s.id.as_str()).collect();
        match script.states.iter().find(|s| s.id == script.start) {
            None => return Err(invalid(format!("start state {:?} is not defined", script.start))),
            Some(s) if s.prompts.is_empty() => {
                return Err(invalid(format!("start state {:?} has no prompts", script.start)));
            }
            Some(_) => {}
        }
        if script.fallback.is_empty() {
            return Err(invalid("`fallback` needs at least one prompt".into()));
        }
        let mut intents = Vec::new();
        for intent in &script.intents {
            if let Some(goto) = &intent.goto {
                if !state_ids.contains(&goto.as_str()) {
                    return Err(invalid(format!(
                        "intent {:?} goes to undefined state {goto:?}",
                        intent.name
                    )));
                }
            }
            if intent.keywords.is_empty() && intent.patterns.is_empty() {
                return Err(invalid(format!("intent {:?} has neither keywords nor patterns", intent.name)));
            }
            if intent.prompts.is_empty() && intent.goto.is_none() {
                return Err(invalid(format!("intent {:?} says nothing (no prompts, no goto)", intent.name)));
            }
            let patterns = intent
                .patterns
                .iter()
                .map(|p| {
                    Regex::new(p)
                        .map_err(|e| invalid(format!("intent {:?}: pattern {p:?}: {e}", intent.name)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let keywords = intent.keywords.iter().map(|k| normalize(k)).filter(|k| !k.is_empty()).collect();
            intents.push(CompiledIntent { keywords, patterns });
        }
        let faqs = script
            .faqs
            .iter()
            .map(|f| CompiledFaq {
                phrasings: std::iter::once(&f.question).chain(&f.similar).map(|q| Grams::of(q)).collect(),
            })
            .collect();
        Ok(Bot { script, intents, faqs })
    }

    /// The default bot.
    pub fn default_bot() -> Result<Bot, ScriptError> {
        Bot::new(BotScript::parse(DEFAULT_SCRIPT, false, "bots/mediation.toml")?, "bots/mediation.toml")
    }

    /// The bot's id.
    pub fn id(&self) -> &str {
        &self.script.id
    }

    /// The bot's name.
    pub fn name(&self) -> &str {
        &self.script.name
    }

    /// The opening of a session.
    pub fn greet(&self, vars: &BTreeMap<String, String>) -> Reply {
        let start = &self.script.start;
        Reply {
            prompts: self.state_prompts(start, vars),
            then: Then::Wait,
            prompt_source: PromptSource::Flow,
            intent_source: IntentSource::System,
            intent: "evt.init".into(),
            score: 1.0,
            state: Some(start.clone()),
            relations: Vec::new(),
        }
    }

    /// The answer to what the user typed.
    pub fn answer(&self, text: &str, vars: &BTreeMap<String, String>) -> Reply {
        let normalized = normalize(text);
        for (intent, compiled) in self.script.intents.iter().zip(&self.intents) {
            let hit = compiled.keywords.iter().any(|k| normalized.contains(k.as_str()))
                || compiled.patterns.iter().any(|p| p.is_match(text));
            if !hit {
                continue;
            }
            let mut prompts: Vec<String> = intent.prompts.iter().map(|p| substitute(p, vars)).collect();
            if let Some(goto) = &intent.goto {
                prompts.extend(self.state_prompts(goto, vars));
            }
            return Reply {
                prompts,
                then: intent.then,
                prompt_source: PromptSource::Flow,
                intent_source: IntentSource::Rule,
                intent: format!("evt.intent.{}", intent.name),
                score: 1.0,
                state: intent.goto.clone(),
                relations: Vec::new(),
            };
        }
        let query = Grams::of(text);
        let mut ranked: Vec<(usize, f64)> = self
            .faqs
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.phrasings.iter().map(|p| p.similarity(&query)).fold(0.0, f64::max)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let suggest = |skip: Option<usize>| -> Vec<Relation> {
            ranked
                .iter()
                .filter(|(i, score)| Some(*i) != skip && *score >= self.script.suggest_threshold)
                .take(self.script.max_suggestions)
                .map(|(i, _)| relation(&self.script.faqs[*i]))
                .collect()
        };
        match ranked.first() {
            Some(&(best, score)) if score >= self.script.kb_threshold => {
                let faq = &self.script.faqs[best];
                Reply {
                    prompts: vec![substitute(&faq.answer, vars)],
                    then: Then::Wait,
                    prompt_source: PromptSource::KnowledgeBase,
                    intent_source: IntentSource::Similarity,
                    intent: format!("evt.faq.{}", faq.question),
                    score: round3(score),
                    state: None,
                    relations: suggest(Some(best)),
                }
            }
            _ => {
                let mut relations = suggest(None);
                if relations.is_empty() {
                    // Nothing close: offer the first questions so the visitor has somewhere to go.
                    relations =
                        self.script.faqs.iter().take(self.script.max_suggestions).map(relation).collect();
                }
                Reply {
                    prompts: self.script.fallback.iter().map(|p| substitute(p, vars)).collect(),
                    then: Then::Wait,
                    prompt_source: PromptSource::Flow,
                    intent_source: IntentSource::System,
                    intent: "evt.fallback".into(),
                    score: round3(ranked.first().map_or(0.0, |r| r.1)),
                    state: None,
                    relations,
                }
            }
        }
    }

    fn state_prompts(&self, id: &str, vars: &BTreeMap<String, String>) -> Vec<String> {
        self.script
            .states
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.prompts.iter().map(|p| substitute(p, vars)).collect())
            .unwrap_or_default()
    }
}

fn relation(faq: &FaqScript) -> Relation {
    Relation { relation_title: faq.question.clone(), question_name: faq.question.clone() }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn default_bot_loads_and_has_what_the_issue_asks() {
        let bot = Bot::default_bot().expect("default bot is valid");
        assert!(bot.script.faqs.len() >= 12);
        assert!(bot.script.intents.iter().any(|i| i.then == Then::Transfer));
        assert!(bot.script.intents.iter().any(|i| i.then == Then::Finish));
        let greeting = bot.greet(&vars(&[("name", "刘先生")]));
        assert!(greeting.prompts.len() >= 2, "the greeting is a multi-prompt turn");
        assert!(greeting.prompts[0].contains("刘先生"));
    }

    #[test]
    fn default_bot_routes_intents_faq_and_fallback() {
        let bot = Bot::default_bot().expect("default bot is valid");
        let none = BTreeMap::new();
        let t = bot.answer("我要转人工", &none);
        assert_eq!((t.then, t.intent_source), (Then::Transfer, IntentSource::Rule));
        assert_eq!(bot.answer("好的，再见", &none).then, Then::Finish);
        let faq = bot.answer("付款方式有哪些？", &none);
        assert_eq!(faq.prompt_source, PromptSource::KnowledgeBase);
        assert_eq!(faq.intent_source, IntentSource::Similarity);
        assert!(!faq.relations.is_empty(), "a knowledge answer suggests related questions");
        let paraphrases = [
            ("怎么付钱", "付款方式有哪些？"),
            ("协议里有什么", "调解协议有哪些内容？"),
            ("司法确认有啥用", "什么是司法确认？"),
            ("能分期吗", "可以分期付款吗？"),
            ("晚几天付款有什么后果", "逾期付款有什么后果？"),
            ("强制执行要什么材料", "申请强制执行需要什么材料？"),
            ("几点有人工", "人工服务时间是什么时候？"),
            ("查一下进度", "如何查询履行进度？"),
            ("要转账记录吗", "付款后需要提供凭证吗？"),
            ("调解员电话多少", "怎么联系调解员？"),
            ("how do I pay", "付款方式有哪些？"),
        ];
        for (asked, expected) in paraphrases {
            assert_eq!(bot.answer(asked, &none).intent, format!("evt.faq.{expected}"), "{asked}");
        }
        let lost = bot.answer("今天天气怎么样", &none);
        assert_eq!(lost.intent, "evt.fallback");
        assert!(!lost.relations.is_empty());
    }

    #[test]
    fn invalid_scripts_are_refused_with_a_reason() {
        let base = r#"id = "1"
name = "n"
start = "s"
fallback = ["?"]
[[state]]
id = "s"
prompts = ["hi"]
"#;
        assert!(Bot::new(BotScript::parse(base, false, "t").expect("parses"), "t").is_ok());
        let cases = [
            (base.replace("start = \"s\"", "start = \"nowhere\""), "start state"),
            (
                format!("{base}[[intent]]\nname = \"x\"\nkeywords = [\"a\"]\ngoto = \"nowhere\"\n"),
                "undefined state",
            ),
            (format!("{base}[[intent]]\nname = \"x\"\npatterns = [\"(\"]\nprompts = [\"p\"]\n"), "pattern"),
            (format!("{base}[[intent]]\nname = \"x\"\nprompts = [\"p\"]\n"), "neither keywords"),
            (base.replace("fallback = [\"?\"]", "fallback = []"), "fallback"),
        ];
        for (text, expect) in cases {
            let err = BotScript::parse(&text, false, "t").and_then(|s| Bot::new(s, "t")).expect_err(expect);
            assert!(err.to_string().contains(expect), "{err}");
        }
        let typo = base.replace("prompts", "prompt");
        assert!(matches!(BotScript::parse(&typo, false, "t"), Err(ScriptError::Syntax { .. })));
    }
}
