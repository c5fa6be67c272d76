//! Seed 002 §9, inbound: the contacts directory (import, search, edit one), a preview of the prompt a caller would hear, and a simulated inbound call against the sandbox.
//!
//! **Owned by the `console-ops` branch**: the shell never edits this module after its first
//! commit. The shell renders [`InboundPage`] for every `#/inbound…` route (see [`crate::app::Route`]),
//! with [`PageProps`]: `props.session` (the client with the operator token, `lang`, `app_id`,
//! and `problem()`, which tells a failure and signs out on a refused token) and `props.rest`
//! (the path after `#/inbound/`, empty on the page's start, for sub-pages of its own). Keep this
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
    title: "呼入", intro: "这里将可以管理来电联系人、预览提示语并模拟呼入。"
};
const EN: Words = Words {
    title: "Inbound",
    intro: "The contacts directory, prompt preview and a simulated inbound call will be here.",
};

/// The page (signature fixed: the shell calls it as `<InboundPage session={…} rest={…} />`).
#[component]
pub fn InboundPage(props: &PageProps) -> Html {
    let words = props.session.lang.pick(&ZH_CN, &EN);
    html! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{ words.title }</h1>
            <p>{ words.intro }</p>
        </section>
    }
}
