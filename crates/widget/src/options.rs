//! How a page configures the widget: the same names as `mount()` options (camelCase) and as
//! `<kefu-chat>` attributes (kebab-case).

use kefu_client::ChatOptions;
use kefu_protocol::{Channel, VarMap};

use crate::WidgetError;
use crate::i18n::{Lang, Words};

/// The widget's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetOptions {
    /// kefu-proxy's base URL; empty for the page's own origin.
    pub endpoint: String,
    /// The tenant (may be empty when the proxy pins it).
    pub app_id: String,
    /// The bot (may be empty when the proxy pins it).
    pub bot_id: String,
    /// `h5` (default), `wx_mp`, `wx_oa`, `wx_work` or `app`.
    pub channel: Channel,
    /// The language.
    pub lang: Lang,
    /// The panel's title (default: the language's 在线客服).
    pub title: Option<String>,
    /// Page variables for the bot.
    pub vars: Option<VarMap>,
    /// Data that travels with the session.
    pub user_data: Option<String>,
    /// Per-request timeout.
    pub timeout_ms: Option<u32>,
    /// Light, dark, or following the system (default).
    pub theme: Theme,
    /// Where a satisfaction rating is also POSTed as JSON, if anywhere.
    pub rating_url: Option<String>,
    /// On `wx_mp`, whether the header offers "back to the mini-program" (when the page has the
    /// JSSDK's `wx.miniProgram.navigateBack`).
    pub mp_back: bool,
}

/// The panel's colours: the `theme` option. The stylesheet applies it (`kefu-widget.css`, from
/// the mount element's `data-kefu-theme`, which `index.js` and the loader set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark when the system prefers it (`prefers-color-scheme`), else light.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The option's value for this theme.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The channels the widget runs in (a web page, a WeChat mini-program web-view, an in-app
/// WebView); the first is the default.
pub const CHANNELS: [Channel; 5] = [Channel::H5, Channel::WxMp, Channel::WxOa, Channel::WxWork, Channel::App];

/// [`CHANNELS`] for messages, written out (`Channel::listed(&CHANNELS)` would cost the widget
/// its code; a test checks the two agree, and that the reader accepts exactly [`CHANNELS`]).
const CHANNEL_LIST: &str = "h5, wx_mp, wx_oa, wx_work, app";

/// Every option: (`mount()` name, attribute name). The one table: `kefu-loader.js` lists the
/// same pairs and [`WidgetOptions::from_lookup`] reads exactly these (both checked by tests).
pub const OPTION_NAMES: &[(&str, &str)] = &[
    ("endpoint", "endpoint"),
    ("appId", "app-id"),
    ("botId", "bot-id"),
    ("channel", "channel"),
    ("lang", "lang"),
    ("title", "title"),
    ("vars", "vars"),
    ("userData", "user-data"),
    ("timeoutMs", "timeout-ms"),
    ("theme", "theme"),
    ("ratingUrl", "rating-url"),
    ("mpBack", "mp-back"),
];

impl WidgetOptions {
    /// Reads options by their `mount()` name from `get`; `vars` come already checked (the
    /// browser parses them: see [`kefu_client::browser_json::var_map`]).
    pub fn from_lookup(
        get: impl Fn(&str) -> Option<String>,
        vars: Option<VarMap>,
    ) -> Result<WidgetOptions, WidgetError> {
        let text = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        // Matched by name, not looked up in CHANNELS: the lookup costs the widget 120 bytes;
        // a test checks that exactly CHANNELS are accepted.
        let channel = match text("channel").as_deref() {
            None | Some("h5") => Channel::H5,
            Some("wx_mp") => Channel::WxMp,
            Some("wx_oa") => Channel::WxOa,
            Some("wx_work") => Channel::WxWork,
            Some("app") => Channel::App,
            Some(other) => return Err(not_one_of("channel", other, CHANNEL_LIST)),
        };
        let timeout_ms = match text("timeoutMs") {
            None => None,
            Some(ms) => {
                Some(ms.parse::<u32>().ok().filter(|ms| *ms > 0).ok_or_else(|| WidgetError::Option {
                    name: "timeoutMs",
                    reason: format!("\"{ms}\" is not a positive number"),
                })?)
            }
        };
        let theme = match text("theme").as_deref() {
            None | Some("auto") => Theme::Auto,
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            Some(other) => return Err(not_one_of("theme", other, "light, dark, auto")),
        };
        Ok(WidgetOptions {
            endpoint: text("endpoint").unwrap_or_default(),
            app_id: text("appId").unwrap_or_default(),
            bot_id: text("botId").unwrap_or_default(),
            channel,
            lang: text("lang").map(|t| Lang::from_tag(&t)).unwrap_or_default(),
            title: text("title"),
            vars,
            user_data: get("userData"),
            timeout_ms,
            theme,
            rating_url: text("ratingUrl"),
            // Present and not "false" (an attribute's mere presence, or `true`).
            mp_back: get("mpBack").is_some_and(|v| v.trim() != "false"),
        })
    }

    /// Whether the header offers "back to the mini-program" (the JSSDK permitting).
    pub fn offers_mp_back(&self) -> bool {
        self.mp_back && self.channel == Channel::WxMp
    }

    /// The chat's start options.
    pub fn chat(&self) -> ChatOptions {
        ChatOptions {
            app_id: self.app_id.clone(),
            bot_id: self.bot_id.clone(),
            channel: self.channel.clone(),
            vars: self.vars.clone(),
            user_data: self.user_data.clone(),
            // The widget shows each prompt as soon as it arrives.
            auto_acknowledge: true,
        }
    }

    /// The panel's title.
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(Words::of(self.lang).title)
    }

    /// Whether the panel fills the screen (mini-program and app web-views).
    pub fn full_screen(&self) -> bool {
        self.channel != Channel::H5
    }
}

/// The error for option `name`'s `value`, which is none of `list`.
fn not_one_of(name: &'static str, value: &str, list: &str) -> WidgetError {
    WidgetError::Option { name, reason: format!("\"{value}\" is not one of {list}") }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<WidgetOptions, WidgetError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        WidgetOptions::from_lookup(|k| map.get(k).cloned(), None)
    }

    #[test]
    fn defaults_are_h5_in_chinese_on_the_same_origin() {
        let o = parse(&[]).expect("no options are fine");
        assert_eq!(o.endpoint, "");
        assert_eq!(o.channel, Channel::H5);
        assert_eq!(o.lang, Lang::ZhCn);
        assert_eq!(o.title(), "在线客服");
        assert!(!o.full_screen());
        assert!(o.chat().auto_acknowledge);
        assert_eq!(o.theme, Theme::Auto);
    }

    #[test]
    fn every_option_is_read() {
        let o = parse(&[
            ("endpoint", "https://kefu.example "),
            ("appId", "200000000"),
            ("botId", "1"),
            ("channel", "wx_mp"),
            ("lang", "en-US"),
            ("title", "Help"),
            ("userData", "u-1"),
            ("timeoutMs", "5000"),
            ("theme", "dark"),
        ])
        .expect("valid");
        assert_eq!(o.endpoint, "https://kefu.example");
        assert_eq!((o.app_id.as_str(), o.bot_id.as_str()), ("200000000", "1"));
        assert!(o.full_screen());
        assert_eq!(o.lang, Lang::En);
        assert_eq!(o.title(), "Help");
        assert_eq!(o.user_data.as_deref(), Some("u-1"));
        assert_eq!(o.timeout_ms, Some(5000));
        assert_eq!(o.theme, Theme::Dark);
    }

    /// Each theme by its name; the stylesheet keys its rules on the same names.
    #[test]
    fn themes_are_read_by_name_and_styled_by_name() {
        let css = include_str!("../assets/kefu-widget.css");
        for theme in [Theme::Auto, Theme::Light, Theme::Dark] {
            assert_eq!(parse(&[("theme", theme.as_str())]).expect("valid").theme, theme);
        }
        for styled in
            ["kefu-chat[theme=dark]", "[data-kefu-theme=dark]", "[theme=light]", "[data-kefu-theme=light]"]
        {
            assert!(css.contains(styled), "the stylesheet styles {styled}");
        }
        let declared =
            [Theme::Auto, Theme::Light, Theme::Dark].map(|t| format!("\"{}\"", t.as_str())).join(" | ");
        assert!(include_str!("embed.rs").contains(&format!("theme?: {declared};")), "{declared}");
        let e = parse(&[("theme", "night")]).expect_err("not a theme");
        assert_eq!(e.to_string(), "kefu-widget: option theme: \"night\" is not one of light, dark, auto");
    }

    /// `kefu-loader.js` maps the same option names to the same attributes, and `from_lookup`
    /// reads each of them (`vars` comes parsed, beside the lookup).
    #[test]
    fn the_option_table_is_the_loaders_and_the_readers() {
        let loader = include_str!("../assets/kefu-loader.js");
        let table =
            loader.split("const OPTIONS = [").nth(1).and_then(|t| t.split("];").next()).expect("OPTIONS");
        let pairs: Vec<(String, String)> = table
            .split('[')
            .skip(1)
            .map(|pair| {
                let names: Vec<&str> = pair
                    .split('\'')
                    .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '-'))
                    .collect();
                (names[0].to_owned(), names[1].to_owned())
            })
            .collect();
        let expected: Vec<(String, String)> =
            OPTION_NAMES.iter().map(|(m, a)| ((*m).to_owned(), (*a).to_owned())).collect();
        assert_eq!(pairs, expected);

        let asked = std::cell::RefCell::new(Vec::new());
        WidgetOptions::from_lookup(
            |name| {
                asked.borrow_mut().push(name.to_owned());
                None
            },
            None,
        )
        .expect("no options are fine");
        let mut asked = asked.into_inner();
        asked.sort();
        asked.dedup();
        let mut read: Vec<&str> = OPTION_NAMES.iter().map(|(m, _)| *m).filter(|m| *m != "vars").collect();
        read.sort();
        assert_eq!(asked, read);
    }

    /// The declared `channel` option lists the widget's channels.
    #[test]
    fn the_declared_channels_are_the_widgets() {
        let declared = CHANNELS.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(" | ");
        assert!(include_str!("embed.rs").contains(&format!("channel?: {declared};")), "{declared}");
        assert_eq!(parse(&[("channel", "app")]).expect("valid").channel, Channel::App);
        let e = parse(&[("channel", "email")]).expect_err("not a widget channel");
        assert!(e.to_string().contains("not one of h5, wx_mp, wx_oa, wx_work, app"), "{e}");
        assert_eq!(CHANNEL_LIST, Channel::listed(&CHANNELS));
        for channel in Channel::ALL {
            let accepted = parse(&[("channel", channel.as_str())]).ok().map(|o| o.channel);
            let expected = CHANNELS.contains(channel).then(|| channel.clone());
            assert_eq!(accepted, expected, "{channel}");
        }
        assert_eq!(parse(&[]).expect("default").channel, CHANNELS[0]);
    }

    #[test]
    fn the_mini_program_back_action_is_for_wx_mp_when_asked() {
        assert!(parse(&[("channel", "wx_mp"), ("mpBack", "")]).expect("valid").offers_mp_back());
        assert!(parse(&[("channel", "wx_mp"), ("mpBack", "true")]).expect("valid").offers_mp_back());
        assert!(!parse(&[("channel", "wx_mp"), ("mpBack", "false")]).expect("valid").offers_mp_back());
        assert!(!parse(&[("channel", "wx_mp")]).expect("valid").offers_mp_back());
        assert!(!parse(&[("channel", "h5"), ("mpBack", "true")]).expect("valid").offers_mp_back());
    }

    #[test]
    fn bad_options_say_which_and_why() {
        let e = parse(&[("channel", "weibo")]).expect_err("not a widget channel");
        assert!(e.to_string().contains("channel") && e.to_string().contains("weibo"), "{e}");
        let e = parse(&[("timeoutMs", "-1")]).expect_err("negative");
        assert!(e.to_string().contains("timeoutMs"), "{e}");
    }
}
