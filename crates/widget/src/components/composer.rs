//! The message box, its voice button (where the browser recognizes speech) and its send button:
//! Enter sends, Shift+Enter is a new line, and Enter that ends an IME composition does not send.

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::html::{BaseComponent, Scope};
use yew::{Html, InputEvent, NodeRef, SubmitEvent, TargetCast, html};

use crate::i18n::Words;
use crate::state::Action;

/// The message box, showing `draft` (its node in `input`), and its send button; typing sends
/// [`Action::Draft`] to `panel` (the panel's scope), sending [`Action::Send`]. `voice` is `None`
/// where there is no speech recognition (no voice button), else whether it is listening.
pub fn composer<P: BaseComponent<Message = Action>>(
    draft: &str,
    voice: Option<bool>,
    words: &Words,
    input: &NodeRef,
    panel: &Scope<P>,
) -> Html {
    let oninput = panel
        .callback(|e: InputEvent| Action::Draft(e.target_unchecked_into::<HtmlTextAreaElement>().value()));
    let onkeydown = panel.batch_callback(|e: KeyboardEvent| {
        let composing = e.is_composing() || e.key_code() == 229;
        (e.key() == "Enter" && !e.shift_key() && !composing).then(|| {
            e.prevent_default();
            Action::Send
        })
    });
    let onsubmit = panel.callback(|e: SubmitEvent| {
        e.prevent_default();
        Action::Send
    });
    html! {
        <form class="kefu-composer" {onsubmit}>
            <textarea class="kefu-input" rows="1" aria-label={words.input_label}
                placeholder={words.placeholder} value={draft.to_owned()} ref={input.clone()}
                {oninput} {onkeydown} />
            if let Some(listening) = voice {
                <button type="button" class="kefu-voice" aria-label={words.voice}
                    aria-pressed={if listening { "true" } else { "false" }}
                    onclick={panel.callback(|_| Action::Listen)}>
                    // A microphone, drawn (an emoji needs a font that some systems lack).
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                        <path fill="currentColor" d="M12 15a3 3 0 0 0 3-3V6a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-2.1a7 7 0 0 0 6-6.9z" />
                    </svg>
                </button>
            }
            <button type="submit" class="kefu-send">{ words.send }</button>
        </form>
    }
}
