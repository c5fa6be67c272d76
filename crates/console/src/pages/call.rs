//! One call (a §7 call record from the callbacks store): its facts, the transcript as a
//! conversation (bot and callee turns with their times and the intent matched on each callee
//! line; SSML and Markdown shown as readable text, never as HTML), and the recording in an
//! `<audio controls>` player from a short-lived signed link of the proxy's.

use kefu_protocol::DialogType;
use kefu_protocol::results::CallDetail;
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use super::kit;
use super::{PageProps, loading, problem_view};
use crate::app::Route;
use crate::error::Problem;
use crate::text::readable;

/// This page's words.
struct Words {
    title: &'static str,
    back: &'static str,
    task: &'static str,
    num: &'static str,
    state: &'static str,
    grade: &'static str,
    duration: &'static str,
    start: &'static str,
    bot: &'static str,
    callee: &'static str,
    intent: &'static str,
    transcript: &'static str,
    no_turns: &'static str,
    recording: &'static str,
    no_recording: &'static str,
    recording_failed: &'static str,
}

const ZH_CN: Words = Words {
    title: "通话",
    back: "返回任务",
    task: "任务",
    num: "号码",
    state: "状态",
    grade: "意向等级",
    duration: "时长（秒）",
    start: "开始时间",
    bot: "机器人",
    callee: "客户",
    intent: "意图",
    transcript: "对话记录",
    no_turns: "这通电话没有对话（未接通）。",
    recording: "录音",
    no_recording: "这通电话没有录音。",
    recording_failed: "录音无法播放（已重新获取过播放链接）。请稍后刷新页面重试；若仍失败，请联系管理员。",
};

const EN: Words = Words {
    title: "Call",
    back: "Back to the task",
    task: "Task",
    num: "Number",
    state: "State",
    grade: "Intent grade",
    duration: "Duration (s)",
    start: "Started",
    bot: "Bot",
    callee: "Callee",
    intent: "Intent",
    transcript: "Transcript",
    no_turns: "This call has no dialogue (not answered).",
    recording: "Recording",
    no_recording: "This call has no recording.",
    recording_failed: "The recording cannot be played, even with a fresh link. Reload the page later; if it keeps failing, tell your administrator.",
};

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Failed(Problem),
    Done(Box<CallDetail>),
}

/// The call page (`rest` is its `call_id`).
#[component]
pub fn CallPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = lang.pick(&ZH_CN, &EN);
    let call_id = props.rest.to_string();
    let load = use_init(Load::Loading);
    let attempt = use_init(0u32);
    {
        let (load, session) = (load.clone(), session.clone());
        use_effect_on((call_id.clone(), *attempt), move |(id, _)| {
            load.set(Load::Loading);
            let id = id.clone();
            crate::task::spawn(async move {
                match session.client.results().call(&id).await {
                    Ok(detail) => load.set(Load::Done(Box::new(detail))),
                    Err(e) => load.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let retry = kit::retry(&attempt);
    let body = match &*load {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done(detail) => {
            let c = &detail.call;
            html! {
                <>
                    <p><a href={Route::Campaign(c.task_id.clone()).href()}>{ w.back }</a></p>
                    <h1 id="page-title">{ w.title }{ " " }{ &c.num }</h1>
                    <dl class="facts">
                        { kit::fact(w.task, &detail.task_name) }
                        { kit::fact(w.num, &c.num) }
                        { kit::fact(w.state, &format!("{} {}", c.state, c.state_label)) }
                        { kit::fact(w.grade, c.grade.as_deref().unwrap_or("—")) }
                        { kit::fact(w.duration, &c.duration.map_or_else(|| "—".into(), |d| d.to_string())) }
                        { kit::fact(w.start, c.start_time.as_ref().map_or("—", |t| t.as_str())) }
                    </dl>
                    <h2>{ w.recording }</h2>
                    <Recording session={session.clone()} call_id={c.call_id.clone()} has={c.recording.is_some()} />
                    <h2 id="transcript-title">{ w.transcript }</h2>
                    if detail.turns.is_empty() {
                        <p>{ w.no_turns }</p>
                    } else {
                        <ol class="conversation" aria-labelledby="transcript-title">
                            { for detail.turns.iter().map(|t| {
                                let bot = !matches!(t.dialog_type, Some(DialogType::User));
                                let who = if bot { w.bot } else { w.callee };
                                html! {
                                    <li class={classes!("turn", if bot { "bot" } else { "user" })}>
                                        <p class="meta">
                                            <span class="who">{ who }</span>{ " · " }
                                            <time>{ t.msg_time.as_str() }</time>
                                            if !t.intention_name.is_empty() {
                                                { " · " }{ w.intent }{ ": " }<span class="intent">{ &t.intention_name }</span>
                                            }
                                        </p>
                                        <p class="said">{ readable(&t.text) }</p>
                                    </li>
                                }
                            }) }
                        </ol>
                    }
                </>
            }
        }
    };
    html! {
        <section class="page call" aria-labelledby="page-title">
            if !matches!(*load, Load::Done(_)) { { kit::title(w.title) } }
            { body }
        </section>
    }
}

/// The recording's properties.
#[derive(Properties, PartialEq)]
struct RecordingProps {
    session: super::Session,
    call_id: String,
    /// Whether the call has a recording at all.
    has: bool,
}

/// The recording player: a short-lived signed link from the proxy in `<audio controls>`.
#[component]
fn Recording(props: &RecordingProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = lang.pick(&ZH_CN, &EN);
    let link = use_init(None::<Result<String, Problem>>);
    // Links are short-lived: a player that fails asks once for a fresh link, then says so.
    let attempt = use_init(0u32);
    {
        let (link, session) = (link.clone(), session.clone());
        use_effect_on((props.call_id.clone(), props.has, *attempt), move |(id, has, _)| {
            if *has {
                let id = id.clone();
                crate::task::spawn(async move {
                    link.set(Some(super::recording_link(&session, &id).await));
                });
            }
        });
    }
    let failed = use_init(false);
    if !props.has {
        return html! { <p>{ w.no_recording }</p> };
    }
    let on_error = {
        let (failed, attempt) = (failed.clone(), attempt.clone());
        Callback::from(move |_: Event| {
            if *attempt == 0 {
                attempt.set(1);
            } else {
                failed.set(true);
            }
        })
    };
    let retry = {
        let (failed, attempt) = (failed.clone(), attempt.clone());
        Callback::from(move |()| {
            failed.set(false);
            attempt.set(*attempt + 1);
        })
    };
    match &*link {
        None => loading(lang, ""),
        Some(Err(p)) => problem_view(p, lang, Some(retry)),
        Some(Ok(url)) => html! {
            <>
                // Keyed by the attempt: a fresh link may read the same as the failed one (links
                // are signed to the second), and the player must load it again all the same.
                <audio key={*attempt} controls=true preload="metadata" src={url.clone()} aria-label={w.recording} onerror={on_error}></audio>
                if *failed { <p class="alert" role="alert">{ w.recording_failed }</p> }
            </>
        },
    }
}
