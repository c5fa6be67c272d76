//! The pages, one module each. The shell ([`crate::app`]) renders each page as a component
//! taking [`PageProps`]: the [`Session`] (client, language, `app_id`, failure reporting) and the
//! rest of the route's path after the page's prefix (`#/outbound/status/7` gives the outbound
//! page `rest = "status/7"`), so a page can have sub-pages without touching the shell.
//!
//! Pages share a few pieces here: [`ProblemView`] (a failure, said as what happened and what to
//! do next, with a retry) and [`Loading`] (progress).

pub mod bots;
pub mod call;
pub mod callcenter;
pub mod campaigns;
pub mod followup;
pub mod inbound;
pub mod outbound;

use yew::prelude::*;

use crate::error::Problem;
pub use crate::session::Session;

/// What the shell gives every page.
#[derive(Properties, PartialEq, Clone)]
pub struct PageProps {
    /// The signed-in session.
    pub session: Session,
    /// The route's path after the page's own prefix (empty for the page's start).
    pub rest: AttrValue,
}

/// A failure's properties.
#[derive(Properties, PartialEq)]
pub struct ProblemProps {
    /// The failure.
    pub problem: Problem,
    /// The language of the retry button.
    pub lang: crate::i18n::Lang,
    /// When given, a retry button calls it.
    #[prop_or_default]
    pub retry: Option<Callback<()>>,
}

/// A failure as an alert: what happened, what to do next, and a retry button when given.
#[component]
pub fn ProblemView(props: &ProblemProps) -> Html {
    let words = props.lang.words();
    let retry = props.retry.clone().map(|retry| {
        html! {
            <button type="button" onclick={Callback::from(move |_: MouseEvent| retry.emit(()))}>
                { words.retry }
            </button>
        }
    });
    html! {
        <div class="alert" role="alert">
            <p class="alert-title">{ words.failed }</p>
            <p>{ &props.problem.what }</p>
            <p>{ &props.problem.next }</p>
            { for retry }
        </div>
    }
}

/// Progress properties.
#[derive(Properties, PartialEq)]
pub struct LoadingProps {
    /// What is being done; the shell's "loading" when empty.
    #[prop_or_default]
    pub label: AttrValue,
    /// The language of the default label.
    pub lang: crate::i18n::Lang,
}

/// An indeterminate progress indicator with its label, announced politely.
#[component]
pub fn Loading(props: &LoadingProps) -> Html {
    let label = if props.label.is_empty() {
        AttrValue::from(props.lang.words().loading)
    } else {
        props.label.clone()
    };
    html! {
        <div class="loading" role="status">
            <progress aria-label={label.clone()}></progress>
            <span>{ label }</span>
        </div>
    }
}

/// This deployment's `team_url`: the first callback address kefu-proxy reports
/// (`GET /kefu/v1/deployment`), if it receives callbacks.
pub(crate) async fn team_url(session: &Session) -> Option<String> {
    let deployment = session.client.results().deployment().await.ok()?;
    deployment.callbacks.into_iter().next().map(|c| c.team_url)
}

/// A short-lived link to a stored call's recording (`POST /kefu/v1/recording-links`), for
/// `<audio src>`: it plays and seeks without the operator token in a URL.
pub(crate) async fn recording_link(session: &Session, call_id: &str) -> Result<String, Problem> {
    let request = kefu_protocol::results::RecordingLinkRequest::call(call_id);
    match session.client.results().recording_link(&request).await {
        Ok(link) => Ok(link.url),
        Err(e) => Err(session.problem(e)),
    }
}
