//! The bot script shown in the README is a working script.

use kefu_sandbox::bot::{Bot, BotScript, Then};

#[test]
fn the_readme_bot_script_loads_and_answers() {
    let readme = include_str!("../../../README.md");
    let section = readme.split("### Writing a bot script").nth(1).expect("the README has the section");
    let script = section.split("```toml\n").nth(1).and_then(|s| s.split("```").next()).expect("a toml block");
    let bot = Bot::new(BotScript::parse(script, false, "README").expect("parses"), "README").expect("valid");
    assert_eq!(bot.id(), "555");
    let vars = [("name".to_owned(), "Ada".to_owned())].into_iter().collect();
    assert_eq!(bot.greet(&vars).prompts[0], "Hello Ada!");
    assert_eq!(bot.answer("I want a human", &vars).then, Then::Transfer);
    assert!(bot.answer("when are you open?", &vars).prompts[0].starts_with("9:00"));
}
