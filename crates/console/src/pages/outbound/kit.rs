//! Small browser helpers the operations pages share: reading a form control's value and moving
//! the focus to an element (a result, a problem, the field to correct).

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The value of the input, select or textarea that fired `e`.
pub(crate) fn value_of(e: &Event) -> String {
    let target = e.target();
    if let Some(input) = target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlInputElement>()) {
        return input.value();
    }
    if let Some(select) = target.as_ref().and_then(|t| t.dyn_ref::<web_sys::HtmlSelectElement>()) {
        return select.value();
    }
    target
        .as_ref()
        .and_then(|t| t.dyn_ref::<web_sys::HtmlTextAreaElement>())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// Whether the checkbox that fired `e` is checked.
pub(crate) fn checked_of(e: &Event) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// Moves the focus to the element with `id`, once the page has drawn it.
pub(crate) fn focus_later(id: &'static str) {
    crate::task::spawn(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(0)).await;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

/// A callback setting one field of a form held in `state` from the control's value.
pub(crate) fn setter<F: Clone + 'static>(
    state: &crate::hooks::State<F>,
    apply: fn(&mut F, String),
) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        let mut next = (*state).clone();
        apply(&mut next, value_of(&e));
        state.set(next);
    })
}
