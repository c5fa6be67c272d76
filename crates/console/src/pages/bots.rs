//! Bots (seed 002 §12 syncprompt): the tenant's bots, and "try this bot": the chat widget
//! (`/kefu/kefu-loader.js`, the `<kefu-chat>` element) with that `bot_id` beside the list.

use kefu_protocol::coeus::BotSummary;
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use super::kit;
use super::{PageProps, loading, problem_view};
use crate::app::Route;
use crate::error::Problem;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
    name: &'static str,
    id: &'static str,
    actions: &'static str,
    try_it: &'static str,
    trying: &'static str,
    none: &'static str,
    chat_title: &'static str,
    chat_hint: &'static str,
    skipped: &'static str,
    stop: &'static str,
}

const ZH_CN: Words = Words {
    title: "机器人",
    intro: "本租户的话术机器人（syncprompt）。选择“试用”在右侧与它对话。",
    name: "名称",
    id: "bot_id",
    actions: "操作",
    try_it: "试用",
    trying: "正在试用",
    none: "平台没有返回任何机器人。请确认 app_id 是否正确。",
    chat_title: "试用：",
    chat_hint: "这是真实的会话，经由代理发送到平台。",
    skipped: "条机器人数据无法读取，已跳过。",
    stop: "结束试用",
};
const EN: Words = Words {
    title: "Bots",
    intro: "The tenant's bots (syncprompt). Choose “Try” to chat with one beside the list.",
    name: "Name",
    id: "bot_id",
    actions: "Actions",
    try_it: "Try",
    trying: "Trying",
    none: "The platform listed no bots. Check that the app_id is right.",
    chat_title: "Trying: ",
    chat_hint: "A real session, through the proxy to the platform.",
    skipped: "bot entries could not be read and were skipped.",
    stop: "Stop trying",
};

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Failed(Problem),
    Done { bots: Vec<BotSummary>, skipped: usize },
}

/// The bots page; `rest` is the `bot_id` being tried, if any.
#[component]
pub fn BotsPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let words = lang.pick(&ZH_CN, &EN);
    let load = use_init(Load::Loading);
    let attempt = use_init(0u32);
    {
        let load = load.clone();
        let session = session.clone();
        use_effect_on(*attempt, move |_| {
            load.set(Load::Loading);
            crate::task::spawn(async move {
                match session.client.coeus().sync_prompt(&session.app_id).await {
                    Ok(rows) => load.set(Load::Done { skipped: rows.skipped.len(), bots: rows.to_vec() }),
                    Err(e) => load.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let trying = (!props.rest.is_empty()).then(|| props.rest.to_string());
    let retry = kit::retry(&attempt);
    let list = match &*load {
        Load::Loading => loading(lang, ""),
        Load::Failed(problem) => problem_view(problem, lang, Some(retry)),
        Load::Done { bots, .. } if bots.is_empty() => html! { <p>{ words.none }</p> },
        Load::Done { bots, skipped } => html! {
            <>
                if *skipped > 0 { { kit::skipped(*skipped, words.skipped, true) } }
                { kit::table("responsive", words.title, &[words.name, words.id, words.actions], html! { <>
                        { for bots.iter().map(|bot| {
                            let current = trying.as_deref() == Some(bot.bot_id.as_str());
                            html! {
                                <tr>
                                    { kit::cell(words.name, &bot.bot_name) }
                                    <td data-label={words.id}><code>{ &bot.bot_id }</code></td>
                                    <td data-label={words.actions}>
                                        if current {
                                            <span aria-current="true">{ words.trying }</span>
                                        } else {
                                            <a class="button try" href={Route::Bots(Some(bot.bot_id.clone())).href()}
                                                aria-label={format!("{} {}", words.try_it, bot.bot_name)}>{ words.try_it }</a>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                </> }) }
            </>
        },
    };
    let bot_name = match (&*load, &trying) {
        (Load::Done { bots, .. }, Some(id)) => {
            bots.iter().find(|b| &b.bot_id == id).map_or_else(|| id.clone(), |b| b.bot_name.clone())
        }
        (_, Some(id)) => id.clone(),
        _ => String::new(),
    };
    html! {
        <section class="page" aria-labelledby="page-title">
            { kit::title(words.title) }
            <p>{ words.intro }</p>
            <div class="bots">
                <div>{ list }</div>
                if let Some(id) = trying {
                    <section class="try" aria-labelledby="try-title">
                        <h2 id="try-title">{ words.chat_title }{ bot_name }</h2>
                        <p class="hint">{ words.chat_hint }</p>
                        <p><a href={Route::Bots(None).href()}>{ words.stop }</a></p>
                        <TryChat bot_id={id} app_id={session.app_id.to_string()} lang={lang.tag()} />
                    </section>
                }
            </div>
        </section>
    }
}

/// The chat's properties.
#[derive(Properties, PartialEq)]
struct TryChatProps {
    bot_id: String,
    app_id: String,
    lang: &'static str,
}

/// The widget for one bot: a `<kefu-chat>` element (made here, as the loader defines it) in a
/// container the console's stylesheet keeps in the page's flow; a new bot gets a new element
/// (a new session).
#[component]
fn TryChat(props: &TryChatProps) -> Html {
    // Through `use_init`, not `use_node_ref` (another instantiation of Yew's state machinery).
    let host = use_init(NodeRef::default());
    {
        let host = host.clone();
        let (bot_id, app_id, lang) = (props.bot_id.clone(), props.app_id.clone(), props.lang);
        use_effect_on((bot_id.clone(), lang), move |_| {
            let element = embed(&host, &bot_id, &app_id, lang);
            move || {
                if let Some(element) = element {
                    element.remove();
                }
            }
        });
    }
    html! { <div class="try-chat" ref={(*host).clone()}></div> }
}

/// Loads the widget's loader once and puts a `<kefu-chat>` for `bot_id` into `host`.
fn embed(host: &NodeRef, bot_id: &str, app_id: &str, lang: &str) -> Option<web_sys::Element> {
    let document = web_sys::window()?.document()?;
    if document.get_element_by_id("kefu-loader").is_none() {
        let script = document.create_element("script").ok()?;
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("id", "kefu-loader");
        let _ = script.set_attribute("src", "../kefu/kefu-loader.js");
        document.head()?.append_child(&script).ok()?;
    }
    let chat = document.create_element("kefu-chat").ok()?;
    for (name, value) in [("bot-id", bot_id), ("app-id", app_id), ("channel", "h5"), ("lang", lang)] {
        let _ = chat.set_attribute(name, value);
    }
    let _ = chat.set_attribute("open", "");
    host.get()?.append_child(&chat).ok()?;
    Some(chat)
}
