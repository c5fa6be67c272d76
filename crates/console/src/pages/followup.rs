//! Seed 002 §13, follow-up: the transcript of a call handed to an agent (followed/data by session id).
//!
//! **Owned by the `console-ops` branch**: the shell never edits this module after its first
//! commit. The shell renders [`FollowUpPage`] for every `#/followup…` route (see [`crate::app::Route`]),
//! with [`PageProps`]: `props.session` (the client with the operator token, `lang`, `app_id`,
//! and `problem()`, which tells a failure and signs out on a refused token) and `props.rest`
//! (the path after `#/followup/`, empty on the page's start, for sub-pages of its own). Keep this
//! page's words in its own table below ([`Lang::pick`](crate::i18n::Lang::pick) or a struct per
//! language); shared pieces are [`ProblemView`](super::ProblemView) and [`Loading`](super::Loading).

use yew::prelude::*;

use super::PageProps;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
}

const ZH_CN: Words =
    Words { title: "人工跟进", intro: "这里将可以按会话查看转人工的对话记录。" };
const EN: Words =
    Words { title: "Follow-up", intro: "The transcript of a call handed to an agent will be here." };

/// The page (signature fixed: the shell calls it as `<FollowUpPage session={…} rest={…} />`).
#[component]
pub fn FollowUpPage(props: &PageProps) -> Html {
    let words = props.session.lang.pick(&ZH_CN, &EN);
    html! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{ words.title }</h1>
            <p>{ words.intro }</p>
        </section>
    }
}
