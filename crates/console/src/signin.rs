//! The sign-in form: a labelled token field; the token is checked against the proxy before it is
//! kept. A refused token is said in an alert and the form stays.

use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use crate::error::{ConsoleError, Problem};
use crate::i18n::{self, Lang};
use crate::pages::kit;
use crate::session::{self, SignOut};

/// The sign-in form's properties.
#[derive(Properties, PartialEq)]
pub(crate) struct SignInProps {
    pub(crate) lang: Lang,
    /// Why the operator was signed out last, said on the form.
    pub(crate) notice: Option<SignOut>,
    /// Called with a token the proxy accepted.
    pub(crate) on_signed_in: Callback<String>,
}

/// What the form shows below the button.
#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Checking,
    Failed(Problem),
}

/// The sign-in form.
#[component]
pub(crate) fn SignIn(props: &SignInProps) -> Html {
    let words = i18n::Words::of(props.lang);
    let status = use_init(Status::Idle);
    // Through `use_init`, not `use_node_ref` (another instantiation of Yew's state machinery).
    let input = use_init(NodeRef::default());
    let onsubmit = {
        let status = status.clone();
        let input = input.clone();
        let lang = props.lang;
        let on_signed_in = props.on_signed_in.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *status == Status::Checking {
                return;
            }
            let token = input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value().trim().to_owned())
                .unwrap_or_default();
            if token.is_empty() {
                let words = i18n::Words::of(lang);
                status.set(Status::Failed(Problem { what: words.token_empty.into(), next: String::new() }));
                return;
            }
            status.set(Status::Checking);
            let status = status.clone();
            let on_signed_in = on_signed_in.clone();
            crate::task::spawn(async move {
                match session::check_token(&token).await {
                    Ok(()) => {
                        session::save(&token);
                        on_signed_in.emit(token);
                    }
                    Err(ConsoleError::Unauthorized) => {
                        let words = i18n::Words::of(lang);
                        status.set(Status::Failed(Problem {
                            what: words.token_refused.into(),
                            next: String::new(),
                        }));
                    }
                    Err(e) => status.set(Status::Failed(Problem::new(lang, &e))),
                }
            });
        })
    };
    // After a refusal the field is focused again, so the operator can type at once.
    {
        let input = input.clone();
        use_effect_on((*status).clone(), move |status| {
            if matches!(status, Status::Failed(_)) {
                if let Some(i) = input.cast::<web_sys::HtmlElement>() {
                    let _ = i.focus();
                }
            }
        });
    }
    let notice = match props.notice {
        Some(SignOut::Refused) => Some(html! { <p class="alert" role="alert">{ words.token_revoked }</p> }),
        Some(SignOut::Asked) => Some(html! { <p class="notice" role="status">{ words.signed_out }</p> }),
        None => None,
    };
    let checking = *status == Status::Checking;
    let feedback = match &*status {
        Status::Idle => html! {},
        Status::Checking => html! { <p class="progress" role="status">{ words.checking }</p> },
        Status::Failed(p) => html! {
            <div class="alert" role="alert" id="signin-error">
                <p>{ &p.what }</p>
                if !p.next.is_empty() { <p>{ &p.next }</p> }
            </div>
        },
    };
    let described =
        if matches!(*status, Status::Failed(_)) { "token-hint signin-error" } else { "token-hint" };
    html! {
        <section class="page sign-in">
            <h1>{ words.sign_in_title }</h1>
            { for notice }
            <p>{ words.sign_in_intro }</p>
            <form {onsubmit} novalidate=true>
                <label for="token">{ words.token_label }</label>
                <input id="token" name="token" type="password" autocomplete="off" spellcheck="false"
                    ref={(*input).clone()} aria-describedby={described}
                    aria-invalid={matches!(*status, Status::Failed(_)).then_some("true")} />
                { kit::hint("token-hint", words.token_hint) }
                <button type="submit" class="primary" disabled={checking}>{ words.sign_in }</button>
            </form>
            { feedback }
        </section>
    }
}
