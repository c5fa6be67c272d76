//! One line of the transcript: a bot bubble (Markdown), a user bubble (text, its delivery and a
//! resend action when it failed), or a notice.

use yew::html::{BaseComponent, Scope};
use yew::{Html, html};

use crate::components::markdown::render_markdown;
use crate::i18n::Words;
use crate::state::Action;
use crate::transcript::{Entry, Notice, Status, notice_text};

/// The line at `index` of the transcript; its resend action sends [`Action::Resend`] to `panel`,
/// the panel's scope.
pub fn entry<P: BaseComponent<Message = Action>>(
    entry: &Entry,
    index: usize,
    words: &Words,
    panel: &Scope<P>,
) -> Html {
    match entry {
        Entry::Bot { text, truncated, time } => html! {
            <div key={index} class="kefu-row kefu-bot">
                <div class="kefu-bubble">
                    <span class="kefu-sr">{ words.bot }{ "：" }</span>
                    { render_markdown(text) }
                    if *truncated { <p class="kefu-truncated">{ words.truncated }</p> }
                </div>
                <time class="kefu-time">{ time }</time>
            </div>
        },
        Entry::User { text, time, status, .. } => {
            let failed = matches!(status, Status::Failed(_));
            html! {
                <div key={index} ~className={if failed { "kefu-row kefu-user kefu-failed" } else { "kefu-row kefu-user" }}>
                    <div class="kefu-bubble kefu-plain">
                        <span class="kefu-sr">{ words.you }{ "：" }</span>{ text }
                    </div>
                    <div class="kefu-meta">
                        <time class="kefu-time">{ time }</time>
                        { match status {
                            Status::Sending => html! { <span class="kefu-status">{ words.sending }</span> },
                            Status::Sent => html! {},
                            Status::Failed(reason) => {
                                html! {
                                    <>
                                        <span class="kefu-status" title={reason.clone()}>{ words.failed }</span>
                                        <button type="button" class="kefu-resend"
                                            onclick={panel.callback(move |_| Action::Resend(index))}>
                                            { words.resend }
                                        </button>
                                    </>
                                }
                            }
                        } }
                    </div>
                </div>
            }
        }
        Entry::Notice { kind, time } => {
            let text = notice_text(*kind, words);
            html! {
                <div key={index} ~className={if *kind == Notice::NewSession { "kefu-notice kefu-divider" } else { "kefu-notice" }}>
                    <span>{ text }</span><time class="kefu-time">{ time }</time>
                </div>
            }
        }
    }
}
