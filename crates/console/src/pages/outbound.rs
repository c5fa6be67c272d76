//! Seed 000, the outbound-call service: place call-v2 calls (a form, with each item's result), watch their status (polling with backoff that stops at a final state), and each call's conversation log and recording.
//!
//! **Owned by the `console-ops` branch**: the shell never edits this module after its first
//! commit. The shell renders [`OutboundPage`] for every `#/outbound…` route (see [`crate::app::Route`]),
//! with [`PageProps`]: `props.session` (the client with the operator token, `lang`, `app_id`,
//! and `problem()`, which tells a failure and signs out on a refused token) and `props.rest`
//! (the path after `#/outbound/`, empty on the page's start, for sub-pages of its own). Keep this
//! page's words in its own table below ([`Lang::pick`](crate::i18n::Lang::pick) or a struct per
//! language); shared pieces are [`ProblemView`](super::ProblemView) and [`Loading`](super::Loading).

use yew::prelude::*;

use super::PageProps;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
}

const ZH_CN: Words = Words {
    title: "外呼机器人",
    intro: "这里将可以发起外呼（call-v2）、查看状态、对话记录和录音。",
};
const EN: Words = Words {
    title: "Outbound calls",
    intro: "Place call-v2 calls and follow their status, conversation log and recording here.",
};

/// The page (signature fixed: the shell calls it as `<OutboundPage session={…} rest={…} />`).
#[component]
pub fn OutboundPage(props: &PageProps) -> Html {
    let words = props.session.lang.pick(&ZH_CN, &EN);
    html! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{ words.title }</h1>
            <p>{ words.intro }</p>
        </section>
    }
}
