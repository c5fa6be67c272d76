//! The shell's words, in Simplified Chinese (the default) and English. Each page keeps its own
//! table in its module (so two engineers never edit one table); this one holds the navigation,
//! sign-in and the messages every page shares.

pub use kefu_client::Lang;

impl Words {
    /// The shell's words in `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        lang.pick(&ZH_CN, &EN)
    }
}

/// Every string the shell shows or announces.
#[derive(Debug)]
pub struct Words {
    /// The app's name, in the header and the document title.
    pub app: &'static str,
    /// The skip link to the page's content.
    pub skip: &'static str,
    /// The navigation's label.
    pub nav: &'static str,
    /// Navigation: campaigns.
    pub nav_campaigns: &'static str,
    /// Navigation: bots.
    pub nav_bots: &'static str,
    /// Navigation: seed 000 outbound calls.
    pub nav_outbound: &'static str,
    /// Navigation: seed 001 call center.
    pub nav_callcenter: &'static str,
    /// Navigation: §9 inbound.
    pub nav_inbound: &'static str,
    /// Navigation: §13 follow-up.
    pub nav_followup: &'static str,
    /// The language switch, naming the language it switches to.
    pub switch_lang: &'static str,
    /// The sign-out button.
    pub sign_out: &'static str,
    /// The sign-in heading.
    pub sign_in_title: &'static str,
    /// What the sign-in page says.
    pub sign_in_intro: &'static str,
    /// The token field's label.
    pub token_label: &'static str,
    /// The token field's hint.
    pub token_hint: &'static str,
    /// The sign-in button.
    pub sign_in: &'static str,
    /// While the token is checked.
    pub checking: &'static str,
    /// No token typed.
    pub token_empty: &'static str,
    /// The proxy refused the token.
    pub token_refused: &'static str,
    /// The token stopped working while signed in.
    pub token_revoked: &'static str,
    /// Signed out.
    pub signed_out: &'static str,
    /// A route the console does not have.
    pub not_found: &'static str,
    /// The link back to the start page.
    pub go_home: &'static str,
    /// Loading something.
    pub loading: &'static str,
    /// The retry button.
    pub retry: &'static str,
    /// What to do after a failure that never reached the platform.
    pub next_not_delivered: &'static str,
    /// What to do after a failure whose outcome is unknown.
    pub next_uncertain: &'static str,
    /// What to do after the platform refused.
    pub next_platform: &'static str,
    /// What to do after another failure.
    pub next_other: &'static str,
    /// Heading of a failure.
    pub failed: &'static str,
}

/// 简体中文.
pub static ZH_CN: Words = Words {
    app: "客服运营台",
    skip: "跳到主要内容",
    nav: "主导航",
    nav_campaigns: "外呼任务",
    nav_bots: "机器人",
    nav_outbound: "外呼机器人",
    nav_callcenter: "呼叫中心",
    nav_inbound: "呼入",
    nav_followup: "人工跟进",
    switch_lang: "English",
    sign_out: "退出登录",
    sign_in_title: "登录",
    sign_in_intro: "请输入运营令牌（由部署管理员提供）。令牌只保存在本标签页中，关闭即清除。",
    token_label: "运营令牌",
    token_hint: "例如 cargo xtask demo 打印的 operator token",
    sign_in: "登录",
    checking: "正在验证令牌…",
    token_empty: "请输入运营令牌。",
    token_refused: "令牌无效或已被撤销。请检查后重新输入，或向管理员索取新令牌。",
    token_revoked: "令牌已失效，已为您退出登录。请重新输入有效的运营令牌。",
    signed_out: "已退出登录，本标签页中的数据已清除。",
    not_found: "没有这个页面。",
    go_home: "返回外呼任务",
    loading: "正在加载…",
    retry: "重试",
    next_not_delivered: "请求未送达平台。请检查网络或代理后重试。",
    next_uncertain: "不确定平台是否已处理。请刷新列表确认后再决定是否重试。",
    next_platform: "平台拒绝了请求。请按提示修改后重试。",
    next_other: "请重试；若仍失败，请联系管理员。",
    failed: "操作失败",
};

/// English.
pub static EN: Words = Words {
    app: "Operator console",
    skip: "Skip to main content",
    nav: "Main",
    nav_campaigns: "Campaigns",
    nav_bots: "Bots",
    nav_outbound: "Outbound calls",
    nav_callcenter: "Call center",
    nav_inbound: "Inbound",
    nav_followup: "Follow-up",
    switch_lang: "中文",
    sign_out: "Sign out",
    sign_in_title: "Sign in",
    sign_in_intro: "Enter the operator token your administrator gave you. It is kept in this tab only and cleared when the tab closes.",
    token_label: "Operator token",
    token_hint: "e.g. the operator token cargo xtask demo prints",
    sign_in: "Sign in",
    checking: "Checking the token…",
    token_empty: "Enter the operator token.",
    token_refused: "The token is wrong or was revoked. Check it and enter it again, or ask your administrator for a new one.",
    token_revoked: "Your token stopped working, so you were signed out. Enter a valid operator token.",
    signed_out: "Signed out; this tab's data was cleared.",
    not_found: "There is no such page.",
    go_home: "Back to campaigns",
    loading: "Loading…",
    retry: "Retry",
    next_not_delivered: "The request did not reach the platform. Check the network or the proxy, then retry.",
    next_uncertain: "The platform may or may not have done it. Refresh to check before trying again.",
    next_platform: "The platform refused the request. Correct what it says, then retry.",
    next_other: "Retry; if it keeps failing, tell your administrator.",
    failed: "Failed",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_say_something_everywhere() {
        for words in [&ZH_CN, &EN] {
            let all = format!("{words:?}");
            assert!(!all.contains(": \"\""), "an empty string in {all}");
        }
        assert_ne!(ZH_CN.sign_in, EN.sign_in);
    }
}
