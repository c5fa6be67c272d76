//! The satisfaction rating offered when a conversation ends: a group of five radio buttons
//! (1 worst, 5 best) with its question as the legend, an optional comment, send and skip; then
//! a polite thanks.

use web_sys::HtmlTextAreaElement;
use yew::html::{BaseComponent, Scope};
use yew::{Html, InputEvent, SubmitEvent, TargetCast, html};

use crate::i18n::Words;
use crate::state::{Action, Rating};

/// The rating at its step `rating`; choosing, typing, sending and skipping send [`Action`]s to
/// `panel`, the panel's scope.
pub fn rating<P: BaseComponent<Message = Action>>(rating: &Rating, words: &Words, panel: &Scope<P>) -> Html {
    let (score, comment) = match rating {
        Rating::Asked { score, comment } => (*score, comment),
        Rating::Rated => {
            return html! { <p class="kefu-rating-thanks" role="status">{ words.rate_thanks }</p> };
        }
        Rating::None | Rating::Skipped => return html! {},
    };
    let onsubmit = panel.callback(|e: SubmitEvent| {
        e.prevent_default();
        Action::RateSend
    });
    let oninput = panel.callback(|e: InputEvent| {
        Action::RateComment(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    html! {
        <form class="kefu-rating" {onsubmit}>
            <fieldset class="kefu-rating-scale">
                <legend>{ words.rate }</legend>
                { for (1..=5u8).map(|n| html! {
                    <label class="kefu-rating-option">
                        <input type="radio" name="kefu-rating" value={n.to_string()} checked={score == Some(n)}
                            onchange={panel.callback(move |_| Action::RatePick(n))} />
                        <span>{ n }</span>
                    </label>
                }) }
            </fieldset>
            <textarea class="kefu-rating-comment" rows="2" aria-label={words.rate_comment}
                placeholder={words.rate_comment} value={comment.clone()} {oninput} />
            <div class="kefu-rating-actions">
                <button type="submit" class="kefu-rating-send" disabled={score.is_none()}>{ words.rate_send }</button>
                <button type="button" class="kefu-rating-skip" onclick={panel.callback(|_| Action::RateSkip)}>
                    { words.rate_skip }
                </button>
            </div>
        </form>
    }
}
