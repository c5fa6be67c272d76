//! The shell: routes, navigation, the sign-in gate and the language switch.
//!
//! Routing is by the URL's hash, under `/console/`: `#/campaigns`, `#/campaigns/new`,
//! `#/campaigns/{task_id}`, `#/calls/{call_id}`, `#/bots`, `#/bots/{bot_id}`, and one prefix per
//! page of another engineer (`#/outbound/…`, `#/callcenter/…`, `#/inbound/…`, `#/followup/…`),
//! whose rest (after the prefix's `/`) is the page's own to read. A hash needs nothing of the
//! server: kefu-proxy serves `index.html` for `/console/` and the hash never reaches it.

/// Where the console is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The campaign (seed 002 task) list: the start page.
    Campaigns,
    /// Creating a task.
    NewCampaign,
    /// One task: numbers upload and results.
    Campaign(String),
    /// One call: transcript and recording.
    Call(String),
    /// The bots (§12), with "try this bot" for the one given.
    Bots(Option<String>),
    /// Seed 000 outbound calls ([`crate::pages::outbound`]); the rest of the path.
    Outbound(String),
    /// Seed 001 call center ([`crate::pages::callcenter`]); the rest of the path.
    CallCenter(String),
    /// §9 inbound ([`crate::pages::inbound`]); the rest of the path.
    Inbound(String),
    /// §13 follow-up ([`crate::pages::followup`]); the rest of the path.
    FollowUp(String),
    /// A hash the console does not know.
    NotFound(String),
}

/// Characters kept as they are in a path segment of a hash.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')
}

/// `s` percent-encoded for one path segment (UTF-8 bytes).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if plain(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A percent-encoded segment decoded; `None` when it is not valid percent-encoded UTF-8.
pub fn decode_segment(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl Route {
    /// Reads a location hash (`#/calls/123`, with or without `#` and the leading `/`).
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let (head, rest) = path.split_once('/').unwrap_or((path, ""));
        let one = |rest: &str| -> Option<String> {
            (!rest.is_empty() && !rest.contains('/')).then(|| decode_segment(rest)).flatten()
        };
        match head {
            "" => Route::Campaigns,
            "campaigns" if rest.is_empty() => Route::Campaigns,
            "campaigns" if rest == "new" => Route::NewCampaign,
            "campaigns" => one(rest).map_or_else(|| Route::NotFound(path.to_owned()), Route::Campaign),
            "calls" => one(rest).map_or_else(|| Route::NotFound(path.to_owned()), Route::Call),
            "bots" if rest.is_empty() => Route::Bots(None),
            "bots" => one(rest).map_or_else(|| Route::NotFound(path.to_owned()), |id| Route::Bots(Some(id))),
            "outbound" => Route::Outbound(rest.to_owned()),
            "callcenter" => Route::CallCenter(rest.to_owned()),
            "inbound" => Route::Inbound(rest.to_owned()),
            "followup" => Route::FollowUp(rest.to_owned()),
            _ => Route::NotFound(path.to_owned()),
        }
    }

    /// The hash of this route, `#/…` (what a link's `href` holds).
    pub fn href(&self) -> String {
        let with_rest = |prefix: &str, rest: &str| {
            if rest.is_empty() { format!("#/{prefix}") } else { format!("#/{prefix}/{rest}") }
        };
        match self {
            Route::Campaigns => "#/campaigns".to_owned(),
            Route::NewCampaign => "#/campaigns/new".to_owned(),
            Route::Campaign(id) => format!("#/campaigns/{}", encode_segment(id)),
            Route::Call(id) => format!("#/calls/{}", encode_segment(id)),
            Route::Bots(None) => "#/bots".to_owned(),
            Route::Bots(Some(id)) => format!("#/bots/{}", encode_segment(id)),
            Route::Outbound(rest) => with_rest("outbound", rest),
            Route::CallCenter(rest) => with_rest("callcenter", rest),
            Route::Inbound(rest) => with_rest("inbound", rest),
            Route::FollowUp(rest) => with_rest("followup", rest),
            Route::NotFound(path) => format!("#/{path}"),
        }
    }

    /// The navigation entry this route belongs to (highlighted as the current one).
    pub fn section(&self) -> Section {
        match self {
            Route::Campaigns | Route::NewCampaign | Route::Campaign(_) | Route::Call(_) => Section::Campaigns,
            Route::Bots(_) => Section::Bots,
            Route::Outbound(_) => Section::Outbound,
            Route::CallCenter(_) => Section::CallCenter,
            Route::Inbound(_) => Section::Inbound,
            Route::FollowUp(_) => Section::FollowUp,
            Route::NotFound(_) => Section::None,
        }
    }
}

/// The navigation's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Campaigns (seed 002 tasks, results, calls).
    Campaigns,
    /// Bots (§12).
    Bots,
    /// Seed 000.
    Outbound,
    /// Seed 001.
    CallCenter,
    /// §9.
    Inbound,
    /// §13.
    FollowUp,
    /// None of them (an unknown route).
    None,
}

impl Section {
    /// The entries, in the navigation's order.
    pub const ALL: [Section; 6] = [
        Section::Campaigns,
        Section::Bots,
        Section::Outbound,
        Section::CallCenter,
        Section::Inbound,
        Section::FollowUp,
    ];

    /// Where the entry leads.
    pub fn route(self) -> Route {
        match self {
            Section::Campaigns | Section::None => Route::Campaigns,
            Section::Bots => Route::Bots(None),
            Section::Outbound => Route::Outbound(String::new()),
            Section::CallCenter => Route::CallCenter(String::new()),
            Section::Inbound => Route::Inbound(String::new()),
            Section::FollowUp => Route::FollowUp(String::new()),
        }
    }

    /// The entry's label.
    pub fn label(self, words: &crate::i18n::Words) -> &'static str {
        match self {
            Section::Campaigns | Section::None => words.nav_campaigns,
            Section::Bots => words.nav_bots,
            Section::Outbound => words.nav_outbound,
            Section::CallCenter => words.nav_callcenter,
            Section::Inbound => words.nav_inbound,
            Section::FollowUp => words.nav_followup,
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use view::App;

#[cfg(target_arch = "wasm32")]
mod view {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use yew::prelude::*;

    use crate::hooks::{use_effect_on, use_init, use_init_with};

    use super::{Route, Section};
    use crate::pages::{self, PageProps};
    use crate::session::{self, Session, SignOut};
    use crate::signin::SignIn;

    fn current_route() -> Route {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        Route::parse(&hash)
    }

    /// The route, kept in step with the location's hash.
    #[hook]
    fn use_route() -> Route {
        let route = use_init_with(current_route);
        {
            let route = route.clone();
            use_effect_on((), move |()| {
                let listener = Closure::<dyn Fn()>::new(move || route.set(current_route()));
                let window = web_sys::window();
                if let Some(w) = &window {
                    let _ =
                        w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
                }
                move || {
                    if let Some(w) = &window {
                        let _ = w.remove_event_listener_with_callback(
                            "hashchange",
                            listener.as_ref().unchecked_ref(),
                        );
                    }
                    drop(listener);
                }
            });
        }
        (*route).clone()
    }

    /// The whole console: the sign-in gate, then the header, navigation and the current page.
    #[component]
    pub fn App() -> Html {
        let lang = use_init_with(session::stored_lang);
        // The signed-in session; `None` shows the sign-in form.
        let session_state = use_init_with(session::restore);
        // Why the operator was last signed out (shown on the sign-in form, as an alert).
        let notice = use_init(None::<SignOut>);
        let route = use_route();

        {
            let lang = *lang;
            use_effect_on(lang, move |lang| session::show_lang(*lang));
        }

        let on_sign_out = {
            let session_state = session_state.clone();
            let notice = notice.clone();
            Callback::from(move |why: SignOut| {
                session::clear();
                session_state.set(None);
                notice.set(Some(why));
            })
        };
        let on_signed_in = {
            let session_state = session_state.clone();
            let notice = notice.clone();
            Callback::from(move |token: String| {
                notice.set(None);
                session_state.set(Some(token));
            })
        };
        let switch_lang = {
            let lang = lang.clone();
            Callback::from(move |_: MouseEvent| {
                let next = lang.other();
                session::store_lang(next);
                lang.set(next);
            })
        };
        let words = crate::i18n::Words::of(*lang);
        let lang_button = html! {
            <button type="button" class="lang-switch" lang={lang.other().tag()} onclick={switch_lang}>
                { words.switch_lang }
            </button>
        };

        // One client per sign-in and language, not one per render.
        let session = {
            let on_sign_out = on_sign_out.clone();
            use_memo(((*session_state).clone(), *lang), move |(token, lang)| {
                token.as_ref().map(|token| Session::new(token, *lang, on_sign_out))
            })
        };
        let Some(session) = (*session).clone() else {
            return html! {
                <>
                    <header class="top">
                        <span class="brand">{ words.app }</span>
                        { lang_button }
                    </header>
                    <main id="main" tabindex="-1">
                        <SignIn lang={*lang} notice={*notice} on_signed_in={on_signed_in} />
                    </main>
                </>
            };
        };
        let section = route.section();
        let sign_out = Callback::from(move |_: MouseEvent| on_sign_out.emit(SignOut::Asked));
        html! {
            <ContextProvider<Session> context={session.clone()}>
                <a class="skip" href="#main" onclick={Callback::from(|e: MouseEvent| {
                    e.prevent_default();
                    session::focus_main();
                })}>{ words.skip }</a>
                <header class="top">
                    <span class="brand">{ words.app }</span>
                    <nav aria-label={words.nav}>
                        <ul>
                            { for Section::ALL.iter().map(|s| {
                                let current = (*s == section).then_some("page");
                                html! { <li><a href={s.route().href()} aria-current={current}>{ s.label(words) }</a></li> }
                            }) }
                        </ul>
                    </nav>
                    { lang_button }
                    <button type="button" class="sign-out" onclick={sign_out}>{ words.sign_out }</button>
                </header>
                <main id="main" tabindex="-1">
                    { page(&route, session) }
                </main>
            </ContextProvider<Session>>
        }
    }

    /// The page for `route`.
    fn page(route: &Route, session: Session) -> Html {
        let props =
            |rest: &str| PageProps { session: session.clone(), rest: AttrValue::from(rest.to_owned()) };
        match route {
            Route::Campaigns => html! { <pages::campaigns::CampaignsPage ..props("") /> },
            Route::NewCampaign => html! { <pages::campaigns::NewCampaignPage ..props("") /> },
            Route::Campaign(id) => html! { <pages::campaigns::CampaignPage ..props(id) /> },
            Route::Call(id) => html! { <pages::call::CallPage ..props(id) /> },
            Route::Bots(id) => html! { <pages::bots::BotsPage ..props(id.as_deref().unwrap_or("")) /> },
            Route::Outbound(rest) => pages::outbound::page(&props(rest)),
            Route::CallCenter(rest) => pages::callcenter::page(&props(rest)),
            Route::Inbound(rest) => html! { <pages::inbound::InboundPage ..props(rest) /> },
            Route::FollowUp(rest) => html! { <pages::followup::FollowUpPage ..props(rest) /> },
            Route::NotFound(_) => {
                let words = crate::i18n::Words::of(session.lang);
                html! {
                    <section class="page">
                        <h1>{ words.not_found }</h1>
                        <p><a href={Route::Campaigns.href()}>{ words.go_home }</a></p>
                    </section>
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_reads_back_from_its_href() {
        let routes = [
            Route::Campaigns,
            Route::NewCampaign,
            Route::Campaign("1234567890123456789".into()),
            Route::Campaign("a b/c%".into()),
            Route::Call("8000000000000001".into()),
            Route::Bots(None),
            Route::Bots(Some("555".into())),
            Route::Outbound(String::new()),
            Route::Outbound("status/job-1".into()),
            Route::CallCenter("records".into()),
            Route::Inbound(String::new()),
            Route::FollowUp("x".into()),
        ];
        for route in routes {
            assert_eq!(Route::parse(&route.href()), route, "{}", route.href());
        }
    }

    #[test]
    fn unknown_and_malformed_hashes_are_not_found() {
        assert_eq!(Route::parse(""), Route::Campaigns);
        assert_eq!(Route::parse("#"), Route::Campaigns);
        assert_eq!(Route::parse("#/"), Route::Campaigns);
        assert_eq!(Route::parse("#/nope"), Route::NotFound("nope".into()));
        assert_eq!(Route::parse("#/calls/"), Route::NotFound("calls/".into()));
        assert_eq!(Route::parse("#/calls/a/b"), Route::NotFound("calls/a/b".into()));
        assert_eq!(Route::parse("#/calls/%ZZ"), Route::NotFound("calls/%ZZ".into()));
        assert_eq!(Route::parse("#/calls/%FF"), Route::NotFound("calls/%FF".into()));
        assert_eq!(Route::parse("#/calls/%4"), Route::NotFound("calls/%4".into()));
    }

    #[test]
    fn each_route_lights_its_section() {
        assert_eq!(Route::Call("1".into()).section(), Section::Campaigns);
        for s in Section::ALL {
            assert_eq!(s.route().section(), s);
        }
        assert_eq!(Route::NotFound(String::new()).section(), Section::None);
    }
}
