//! Seed 002 §13, follow-up: the transcript of a call handed to an agent. When the platform
//! transfers a call, the call-center receives its session id (in SIP UserToUser); the agent
//! types it here (or opens `#/followup/{session_id}`) and reads what the caller and the bot said
//! before the hand-off (`followed/data`), as a conversation with times, as readable text.

use kefu_protocol::DialogType;
use kefu_protocol::coeus::FollowedDialog;
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use super::kit;
use super::{PageProps, loading, problem_view};
use crate::app::{Route, decode_segment, encode_segment};
use crate::error::Problem;
use crate::text::readable;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
    session_id: &'static str,
    session_hint: &'static str,
    open: &'static str,
    need_id: &'static str,
    transcript: &'static str,
    loading: &'static str,
    empty: &'static str,
    bot: &'static str,
    caller: &'static str,
    lines: &'static str,
    skipped: &'static str,
}

const ZH_CN: Words = Words {
    title: "人工跟进",
    intro: "机器人把电话转给人工坐席时，呼叫中心会收到这通电话的会话 ID（SIP UserToUser）。输入会话 ID，查看转人工前客户与机器人的对话。",
    session_id: "会话 ID（session_id）",
    session_hint: "例如 9082792453545984。",
    open: "查看对话",
    need_id: "请填写会话 ID。",
    transcript: "对话记录",
    loading: "正在加载对话记录…",
    empty: "平台没有这次会话的对话内容。",
    bot: "机器人",
    caller: "客户",
    lines: "条对话",
    skipped: "条对话无法读取，已跳过。",
};
const EN: Words = Words {
    title: "Follow-up",
    intro: "When the bot hands a call to an agent, the call center receives the call's session id (in SIP UserToUser). Enter it to read what the caller and the bot said before the hand-off.",
    session_id: "Session id (session_id)",
    session_hint: "For example 9082792453545984.",
    open: "Show the transcript",
    need_id: "Enter the session id.",
    transcript: "Transcript",
    loading: "Loading the transcript…",
    empty: "The platform has no dialogue for this session.",
    bot: "Bot",
    caller: "Caller",
    lines: "lines",
    skipped: "lines could not be read and were skipped.",
};

#[derive(Clone, PartialEq)]
enum Load {
    Idle,
    Loading,
    Failed(Problem),
    Done { lines: Vec<FollowedDialog>, skipped: usize },
}

/// The page (`rest`: the session id, when one is open).
#[component]
pub fn FollowUpPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = lang.pick(&ZH_CN, &EN);
    let current = decode_segment(&props.rest).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let typed = use_init(current.clone().unwrap_or_default());
    let missing = use_init(false);
    let load = use_init(Load::Idle);
    let attempt = use_init(0u32);
    {
        let (load, typed, session) = (load.clone(), typed.clone(), session.clone());
        use_effect_on((current.clone(), *attempt), move |(id, _)| {
            let Some(id) = id.clone() else {
                load.set(Load::Idle);
                return;
            };
            typed.set(id.clone());
            load.set(Load::Loading);
            crate::task::spawn(async move {
                match session.client.coeus().followed_data(&id).await {
                    Ok(rows) => load.set(Load::Done { skipped: rows.skipped.len(), lines: rows.items }),
                    Err(e) => load.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let onsubmit = {
        let (typed, missing, attempt) = (typed.clone(), missing.clone(), attempt.clone());
        let current = current.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let id = typed.trim().to_owned();
            if id.is_empty() {
                missing.set(true);
                kit::focus_later("fu-session");
                return;
            }
            missing.set(false);
            if current.as_deref() == Some(id.as_str()) {
                attempt.set(*attempt + 1);
            } else if let Some(window) = web_sys::window() {
                let _ = window.location().set_hash(&Route::FollowUp(encode_segment(&id)).href());
            }
        })
    };
    let on_type = kit::setter(&typed, |t, v| *t = v);
    let retry = kit::retry(&attempt);
    let body = match &*load {
        Load::Idle => html! {},
        Load::Loading => loading(lang, w.loading),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done { lines, skipped } => html! {
            <section aria-labelledby="fu-transcript-title">
                <h2 id="fu-transcript-title">{ w.transcript }{ " " }<code>{ current.clone().unwrap_or_default() }</code></h2>
                <p role="status" class="followup-count">{ format!("{} {}", lines.len(), w.lines) }</p>
                if *skipped > 0 { { kit::skipped(*skipped, w.skipped, false) } }
                if lines.is_empty() {
                    <p>{ w.empty }</p>
                } else {
                    <ol class="conversation" aria-labelledby="fu-transcript-title">
                        { for lines.iter().map(|l| {
                            let user = l.dialog_type == DialogType::User;
                            html! {
                                <li class={classes!("turn", if user { "user" } else { "bot" })}>
                                    <p class="meta">
                                        <span class="who">{ if user { w.caller } else { w.bot } }</span>{ " · " }
                                        <time>{ l.create_time.as_str() }</time>
                                    </p>
                                    <p class="said">{ readable(&l.content) }</p>
                                </li>
                            }
                        }) }
                    </ol>
                }
            </section>
        },
    };
    html! {
        <section class="page followup" aria-labelledby="page-title">
            { kit::title(w.title) }
            <p>{ w.intro }</p>
            <form class="row" role="search" onsubmit={onsubmit} novalidate=true aria-label={w.session_id}>
                <div class="field">
                    <label for="fu-session">{ w.session_id }</label>
                    <input id="fu-session" value={(*typed).clone()} onchange={on_type}
                        aria-invalid={(*missing).then_some("true")}
                        aria-describedby={if *missing { "fu-session-hint fu-session-error" } else { "fu-session-hint" }} />
                    { kit::hint("fu-session-hint", w.session_hint) }
                </div>
                <button type="submit" class="primary">{ w.open }</button>
            </form>
            if *missing { <p class="alert" role="alert" id="fu-session-error">{ w.need_id }</p> }
            { body }
        </section>
    }
}
