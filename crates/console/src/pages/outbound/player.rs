//! A recording the platform names by URL (seed 000's `recordUrl`, seed 001's `wavFileUrl`),
//! played in `<audio controls>` from a short-lived signed link of kefu-proxy's
//! (`POST /kefu/v1/recording-links`), so the player can seek without the operator token in a
//! URL. A link that stops working (it expired, or the file went) is said, with a button for a
//! new one.

use kefu_protocol::results::RecordingLinkRequest;
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use crate::error::Problem;
use crate::pages::kit;
use crate::pages::{Session, loading, problem_view};

struct Words {
    getting: &'static str,
    failed: &'static str,
    again: &'static str,
}

const ZH_CN: Words = Words {
    getting: "正在获取录音播放链接…",
    failed: "录音无法播放：链接可能已过期，或录音已不存在。请获取新的播放链接。",
    again: "获取新的播放链接",
};
const EN: Words = Words {
    getting: "Getting a link to the recording…",
    failed: "The recording cannot be played: its link may have expired, or the file is gone. Get a new link.",
    again: "Get a new link",
};

/// The player's properties.
#[derive(Properties, PartialEq)]
pub(crate) struct PlayerProps {
    /// The signed-in session.
    pub(crate) session: Session,
    /// The recording's URL as the platform gave it (kept byte for byte).
    pub(crate) url: AttrValue,
    /// The player's accessible name.
    pub(crate) label: AttrValue,
}

/// The recording player.
#[component]
pub(crate) fn Player(props: &PlayerProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = lang.pick(&ZH_CN, &EN);
    let link = use_init(None::<Result<String, Problem>>);
    let attempt = use_init(0u32);
    let failed = use_init(false);
    {
        let (link, failed, session) = (link.clone(), failed.clone(), session.clone());
        use_effect_on((props.url.clone(), *attempt), move |(url, _)| {
            link.set(None);
            failed.set(false);
            let request = RecordingLinkRequest::url(url.to_string());
            crate::task::spawn(async move {
                let got = session.client.results().recording_link(&request).await;
                link.set(Some(got.map(|l| l.url).map_err(|e| session.problem(e))));
            });
        });
    }
    let again = kit::retry(&attempt);
    match &*link {
        None => loading(lang, w.getting),
        Some(Err(p)) => problem_view(p, lang, Some(again)),
        Some(Ok(src)) => {
            let on_error = {
                let failed = failed.clone();
                Callback::from(move |_: Event| failed.set(true))
            };
            let on_again = Callback::from(move |_: MouseEvent| again.emit(()));
            html! {
                <div class="player">
                    <audio controls=true preload="metadata" src={src.clone()} aria-label={props.label.clone()} onerror={on_error}></audio>
                    if *failed {
                        <div class="alert" role="alert">
                            <p>{ w.failed }</p>
                            <button type="button" onclick={on_again}>{ w.again }</button>
                        </div>
                    }
                </div>
            }
        }
    }
}
