//! Seed 001, the call center: records with the documented filters (call type, time range, duration, number, extension) and their dialogue and recording; call tasks; creating tasks from pasted rows or a CSV; stopping tasks after a confirmation.
//!
//! **Owned by the `console-ops` branch**: the shell never edits this module after its first
//! commit. The shell renders [`CallCenterPage`] for every `#/callcenter…` route (see [`crate::app::Route`]),
//! with [`PageProps`]: `props.session` (the client with the operator token, `lang`, `app_id`,
//! and `problem()`, which tells a failure and signs out on a refused token) and `props.rest`
//! (the path after `#/callcenter/`, empty on the page's start, for sub-pages of its own). Keep this
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
    title: "呼叫中心", intro: "这里将可以查询通话记录、呼叫任务，创建和停止任务。"
};
const EN: Words = Words {
    title: "Call center",
    intro: "Call records, call tasks, and creating and stopping tasks will be here.",
};

/// The page (signature fixed: the shell calls it as `<CallCenterPage session={…} rest={…} />`).
#[component]
pub fn CallCenterPage(props: &PageProps) -> Html {
    let words = props.session.lang.pick(&ZH_CN, &EN);
    html! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{ words.title }</h1>
            <p>{ words.intro }</p>
        </section>
    }
}
