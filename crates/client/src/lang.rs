//! The language of kefu's screens (the chat widget and the operators' console): Simplified
//! Chinese by default, or English. Each screen keeps its own words for it.

/// A language kefu's screens speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Reads a BCP 47 tag: `en`, `en-US`… are English, anything else Chinese.
    #[inline]
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("en") { Lang::En } else { Lang::ZhCn }
    }

    /// The tag for the `lang` attribute.
    #[inline]
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language (what a language switch offers).
    #[inline]
    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    /// Picks `zh` or `en` by this language.
    #[inline]
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(" EN "), Lang::En);
        assert_eq!(Lang::from_tag("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_tag(""), Lang::ZhCn);
        assert_eq!(Lang::En.other(), Lang::ZhCn);
        assert_eq!(Lang::from_tag(Lang::En.tag()), Lang::En);
        assert_eq!(Lang::from_tag(Lang::ZhCn.tag()), Lang::ZhCn);
        assert_eq!(Lang::En.pick(1, 2), 2);
    }
}
