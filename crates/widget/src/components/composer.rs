//! The message box and its send button: Enter sends, Shift+Enter is a new line, and Enter that
//! ends an IME composition does not send.

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::{Callback, Html, InputEvent, NodeRef, SubmitEvent, TargetCast, html};

use crate::i18n::Words;

/// The message box, showing `draft` (its node in `input`), and its send button: typing emits the
/// text to `on_draft`, sending emits to `on_send`.
pub fn composer(
    draft: &str,
    words: &Words,
    input: &NodeRef,
    on_draft: &Callback<String>,
    on_send: &Callback<()>,
) -> Html {
    let oninput = on_draft.reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let send = on_send.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        let composing = e.is_composing() || e.key_code() == 229;
        if e.key() == "Enter" && !e.shift_key() && !composing {
            e.prevent_default();
            send.emit(());
        }
    });
    let onsubmit = on_send.reform(|e: SubmitEvent| e.prevent_default());
    html! {
        <form class="kefu-composer" {onsubmit}>
            <textarea class="kefu-input" rows="1" aria-label={words.input_label}
                placeholder={words.placeholder} value={draft.to_owned()} ref={input.clone()}
                {oninput} {onkeydown} />
            <button type="submit" class="kefu-send">{ words.send }</button>
        </form>
    }
}
