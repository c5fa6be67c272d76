//! Small browser helpers every page shares: reading a form control's value, moving the focus to
//! an element (a result, a problem, the field to correct), and the markup the pages repeat (a
//! form's text field and hint, a table with its headers and cells, a pager, a details list's
//! facts, a page's title, the skipped-rows notice), each drawn by one `#[inline(never)]`
//! function so that the wasm holds one copy of it instead of one per use.

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

/// One labelled text box of a form, as [`text_field`] draws it.
pub(crate) struct TextField {
    /// The input's `id`, which its label names.
    pub id: &'static str,
    /// The label's text.
    pub label: &'static str,
    /// The input's `type` (`url`, `search`, `datetime-local` with one-second steps), none for text.
    pub kind: Option<&'static str>,
    /// The input's `inputmode` (`tel`, `numeric`), if any.
    pub inputmode: Option<&'static str>,
    /// Whether the field must be filled in.
    pub required: bool,
    /// What the box holds.
    pub value: String,
    /// Whether the box is marked `aria-invalid`.
    pub invalid: bool,
    /// The ids that describe it (`aria-describedby`), if any.
    pub described: Option<&'static str>,
    /// Sets the form's field from the box when it changes.
    pub onchange: Callback<Event>,
}

/// A form's `<div class="field">` with a label and a text box: one copy of the markup for every
/// such field (the pages' forms had some twenty-five, each compiled on its own).
#[inline(never)]
pub(crate) fn text_field(f: TextField) -> Html {
    let step = (f.kind == Some("datetime-local")).then_some("1");
    html! {
        <div class="field">
            <label for={f.id}>{ f.label }</label>
            <input id={f.id} type={f.kind} step={step} inputmode={f.inputmode} required={f.required} value={f.value}
                aria-invalid={f.invalid.then_some("true")} aria-describedby={f.described} onchange={f.onchange} />
        </div>
    }
}

/// A table's `<thead>`: one row of column headers (`<th scope="col">`), drawn by one copy of the
/// markup for every table of the pages.
#[inline(never)]
pub(crate) fn head(columns: &[&'static str]) -> Html {
    html! {
        <thead><tr>
            { for columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
        </tr></thead>
    }
}

/// One end of a [`pager`]: its text, whether it is disabled, and where it goes.
pub(crate) type PagerButton = (&'static str, bool, Callback<MouseEvent>);

/// A list's pager (`<nav class="pager">`, named by `label`): the previous-page button, where the
/// list is (`position`), and the next-page button; one copy of the markup for every list.
#[inline(never)]
pub(crate) fn pager(label: &'static str, prev: PagerButton, position: Html, next: PagerButton) -> Html {
    html! {
        <nav class="pager" aria-label={label}>
            <button type="button" disabled={prev.1} onclick={prev.2}>{ prev.0 }</button>
            <span>{ position }</span>
            <button type="button" disabled={next.1} onclick={next.2}>{ next.0 }</button>
        </nav>
    }
}

/// A table's text cell, labelled for the narrow layout (`data-label`, shown beside the value
/// when the table stacks); one copy of the markup for every such cell.
#[inline(never)]
pub(crate) fn cell(label: &'static str, text: &str) -> Html {
    html! { <td data-label={label}>{ text.to_owned() }</td> }
}

/// A callback that counts one more attempt in `attempt`, which a page's loading effect depends
/// on, so that it loads again (a problem's "retry"): one compiled callback for every page.
pub(crate) fn retry(attempt: &crate::hooks::State<u32>) -> Callback<()> {
    let attempt = attempt.clone();
    Callback::from(move |()| attempt.set(*attempt + 1))
}

/// One fact of a details list (`<dl>`): its term and its text; one copy of the markup for every
/// such pair.
#[inline(never)]
pub(crate) fn fact(term: &'static str, text: &str) -> Html {
    html! { <><dt>{ term }</dt><dd>{ text.to_owned() }</dd></> }
}

/// A list's table: its class, a caption for screen readers only, its column headers
/// ([`head`]) and its rows; one copy of the markup for every such table.
#[inline(never)]
pub(crate) fn table(
    class: &'static str,
    caption: &'static str,
    columns: &[&'static str],
    rows: Html,
) -> Html {
    html! {
        <table class={class}>
            <caption class="visually-hidden">{ caption }</caption>
            { head(columns) }
            <tbody>{ rows }</tbody>
        </table>
    }
}

/// A form field's hint (`<p class="hint">`), with the id its control's `aria-describedby`
/// names; one copy of the markup for every hint.
#[inline(never)]
pub(crate) fn hint(id: &'static str, text: &'static str) -> Html {
    html! { <p class="hint" id={id}>{ text }</p> }
}

/// A page's title (`<h1 id="page-title">`, which the page's section is labelled by); one copy
/// of the markup for every page.
#[inline(never)]
pub(crate) fn title(text: &'static str) -> Html {
    html! { <h1 id="page-title">{ text }</h1> }
}

/// The notice that `count` rows or turns could not be read (`words` says which), a polite
/// status when `status`; one copy of the markup for every list.
#[inline(never)]
pub(crate) fn skipped(count: usize, words: &'static str, status: bool) -> Html {
    html! { <p class="notice" role={status.then_some("status")}>{ count }{ " " }{ words }</p> }
}
