//! The pages, one module each. The shell ([`crate::app`]) renders each page as a component
//! taking [`PageProps`]: the [`Session`] (client, language, `app_id`, failure reporting) and the
//! rest of the route's path after the page's prefix (`#/outbound/status/7` gives the outbound
//! page `rest = "status/7"`), so a page can have sub-pages without touching the shell.
//!
//! Pages share a few pieces: the markup and browser helpers of [`kit`], and here [`problem_view`] (a failure, said as what happened and what to
//! do next, with a retry) and [`loading`] (progress).

pub mod bots;
pub mod call;
pub mod callcenter;
pub mod campaigns;
pub mod followup;
pub mod inbound;
pub(crate) mod kit;
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

/// A failure as an alert: what happened, what to do next, and a retry button when given. A plain
/// function rather than a component (as [`loading`]): rendered in some fifty places, it costs
/// no component machinery, and a page's alert or progress has no state of its own.
pub fn problem_view(problem: &Problem, lang: crate::i18n::Lang, retry: Option<Callback<()>>) -> Html {
    let words = crate::i18n::Words::of(lang);
    let retry = retry.map(|retry| {
        html! {
            <button type="button" onclick={Callback::from(move |_: MouseEvent| retry.emit(()))}>
                { words.retry }
            </button>
        }
    });
    html! {
        <div class="alert" role="alert">
            <p class="alert-title">{ words.failed }</p>
            <p>{ problem.what.clone() }</p>
            <p>{ problem.next.clone() }</p>
            { for retry }
        </div>
    }
}

/// An indeterminate progress indicator with its label (`lang`'s "loading" when `label` is
/// empty), announced politely.
pub fn loading(lang: crate::i18n::Lang, label: &'static str) -> Html {
    let label = if label.is_empty() { crate::i18n::Words::of(lang).loading } else { label };
    html! {
        <div class="loading" role="status">
            <progress aria-label={label}></progress>
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
