//! Campaigns (seed 002 §10, §11, §6 and the callback results): the task list with search and
//! paging, creating a task, and one task's page: numbers upload (checked in the browser first,
//! with a progress bar) and results (counts by state and by grade as SVG charts, the calls table
//! with filters and paging, CSV export).

use std::cell::Cell;
use std::rc::Rc;

use kefu_protocol::coeus::{
    AddTaskRequest, BotSummary, OutnumForm, TASKLIST_MAX_PAGE_SIZE, Task, TaskListRequest,
};
use kefu_protocol::results::{CallPage, CallQuery, TaskSummary};
use kefu_protocol::{JsonList, Page, RecallGroup};
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use super::kit::{self, setter, value_of};
use super::{PageProps, loading, problem_view};
use crate::app::Route;
use crate::chart;
use crate::error::{ConsoleError, Problem};
use crate::i18n::{self, Lang};
use crate::numbers::{self, NumberCheck};

/// Tasks a list page shows.
const PAGE_SIZE: u32 = 10;
/// Calls a results page shows.
const CALLS_PAGE: i64 = 20;
/// How often a task's results are fetched again while its page is open (calls keep arriving).
const REFRESH_MS: u64 = 3000;

/// This page's words.
struct Words {
    title: &'static str,
    new_task: &'static str,
    search_label: &'static str,
    search: &'static str,
    name: &'static str,
    task_id: &'static str,
    bot: &'static str,
    disnumber: &'static str,
    record: &'static str,
    none: &'static str,
    prev: &'static str,
    next: &'static str,
    yes: &'static str,
    no: &'static str,
    // New task.
    new_title: &'static str,
    new_intro: &'static str,
    task_name: &'static str,
    bot_pick: &'static str,
    bots_loading: &'static str,
    voice: &'static str,
    voice_hint: &'static str,
    disnumber_hint: &'static str,
    record_on: &'static str,
    team_url: &'static str,
    team_url_hint: &'static str,
    forbid: &'static str,
    forbid_hint: &'static str,
    recall: &'static str,
    recall_interval: &'static str,
    ring_asr: &'static str,
    ring_asr_code: &'static str,
    ring_asr_code_hint: &'static str,
    makecall_timeout: &'static str,
    create: &'static str,
    creating: &'static str,
    required: &'static str,
    bad_number: &'static str,
    // One task.
    task_title: &'static str,
    upload_title: &'static str,
    file_label: &'static str,
    file_hint: &'static str,
    batch_name: &'static str,
    disnum_group: &'static str,
    checking: &'static str,
    check_rows: &'static str,
    check_numbers: &'static str,
    malformed: &'static str,
    duplicates: &'static str,
    line: &'static str,
    first_line: &'static str,
    upload: &'static str,
    uploading: &'static str,
    uploaded: &'static str,
    results_title: &'static str,
    no_results: &'static str,
    by_state: &'static str,
    by_grade: &'static str,
    calls_title: &'static str,
    filter_state: &'static str,
    filter_grade: &'static str,
    filter_answered: &'static str,
    filter_num: &'static str,
    min_duration: &'static str,
    max_duration: &'static str,
    any: &'static str,
    apply: &'static str,
    num: &'static str,
    state: &'static str,
    grade: &'static str,
    answered: &'static str,
    duration: &'static str,
    start: &'static str,
    open_call: &'static str,
    export: &'static str,
    exporting: &'static str,
    exported: &'static str,
    total_calls: &'static str,
    back: &'static str,
}

const ZH_CN: Words = Words {
    title: "外呼任务",
    new_task: "新建任务",
    search_label: "按任务名称搜索",
    search: "搜索",
    name: "任务名称",
    task_id: "任务 id",
    bot: "机器人",
    disnumber: "外显号码",
    record: "录音",
    none: "没有找到任务。",
    prev: "上一页",
    next: "下一页",
    yes: "是",
    no: "否",
    new_title: "新建外呼任务",
    new_intro: "带 * 的为必填项。回调地址已按本部署填好，外呼结果会推送到这里。",
    task_name: "任务名称 *",
    bot_pick: "机器人 *",
    bots_loading: "正在加载机器人…",
    voice: "发音人 *",
    voice_hint: "发音人别名，需提前在平台配置，例如 aixia",
    disnumber_hint: "线路方提供的外显号码",
    record_on: "通话录音",
    team_url: "回调地址（team_url）",
    team_url_hint: "通话记录与意向等级推送到这里",
    forbid: "禁呼时间段",
    forbid_hint: "每行一个，如 12:00-13:00；留空则用平台缺省",
    recall: "重呼策略（按结果重呼）",
    recall_interval: "重呼间隔（分钟）",
    ring_asr: "启用振铃识别（ring ASR）",
    ring_asr_code: "振铃识别错误码",
    ring_asr_code_hint: "每行一组，如 777,781；留空则用平台缺省",
    makecall_timeout: "呼叫超时（秒）",
    create: "创建任务",
    creating: "正在创建任务…",
    required: "请填写：",
    bad_number: "须为正整数：",
    task_title: "任务",
    upload_title: "上传号码",
    file_label: "号码文件（csv、txt 或 xlsx）",
    file_hint: "第一行为英文表头，第一列为电话号码，最多 150,000 行。上传前会先在浏览器中检查。",
    batch_name: "业务名称（可选）",
    disnum_group: "外显号码组 id",
    checking: "正在检查文件…",
    check_rows: "数据行",
    check_numbers: "可呼叫号码（去重后）",
    malformed: "格式错误的号码",
    duplicates: "重复的号码",
    line: "行",
    first_line: "首次出现于第",
    upload: "上传",
    uploading: "正在上传…",
    uploaded: "已上传。批次号：",
    results_title: "外呼结果",
    no_results: "还没有收到这个任务的通话结果。上传号码后，结果会在平台推送时出现（本页每 3 秒刷新）。",
    by_state: "按通话状态",
    by_grade: "按意向等级",
    calls_title: "通话",
    filter_state: "状态",
    filter_grade: "意向等级",
    filter_answered: "是否接通",
    filter_num: "号码前缀",
    min_duration: "最短时长（秒）",
    max_duration: "最长时长（秒）",
    any: "全部",
    apply: "筛选",
    num: "号码",
    state: "状态",
    grade: "意向",
    answered: "接通",
    duration: "时长（秒）",
    start: "开始时间",
    open_call: "查看",
    export: "导出 CSV",
    exporting: "正在导出…",
    exported: "已导出通话条数：",
    total_calls: "条通话",
    back: "返回任务列表",
};

const EN: Words = Words {
    title: "Campaigns",
    new_task: "New task",
    search_label: "Search by task name",
    search: "Search",
    name: "Task name",
    task_id: "Task id",
    bot: "Bot",
    disnumber: "Caller number",
    record: "Recording",
    none: "No tasks found.",
    prev: "Previous page",
    next: "Next page",
    yes: "Yes",
    no: "No",
    new_title: "New outbound task",
    new_intro: "Fields marked * are required. The callback URL is this deployment's: results are pushed here.",
    task_name: "Task name *",
    bot_pick: "Bot *",
    bots_loading: "Loading the bots…",
    voice: "Voice *",
    voice_hint: "The voice alias configured on the platform, e.g. aixia",
    disnumber_hint: "The number the line provider gave",
    record_on: "Record calls",
    team_url: "Callback URL (team_url)",
    team_url_hint: "Call records and intent grades are pushed here",
    forbid: "No-call periods",
    forbid_hint: "One a line, e.g. 12:00-13:00; empty for the platform's default",
    recall: "Recall policy (redial on these results)",
    recall_interval: "Recall interval (minutes)",
    ring_asr: "Ring ASR on",
    ring_asr_code: "Ring ASR codes",
    ring_asr_code_hint: "One group a line, e.g. 777,781; empty for the platform's default",
    makecall_timeout: "Call timeout (seconds)",
    create: "Create task",
    creating: "Creating the task…",
    required: "Please fill in: ",
    bad_number: "Must be a positive whole number: ",
    task_title: "Task",
    upload_title: "Upload numbers",
    file_label: "Number file (csv, txt or xlsx)",
    file_hint: "Line 1 is an ASCII header, column 1 the phone number, at most 150,000 rows. The file is checked here before upload.",
    batch_name: "Batch name (optional)",
    disnum_group: "Caller-id group id",
    checking: "Checking the file…",
    check_rows: "Data rows",
    check_numbers: "Numbers to call (distinct)",
    malformed: "Malformed numbers",
    duplicates: "Duplicate numbers",
    line: "Line",
    first_line: "first on line",
    upload: "Upload",
    uploading: "Uploading…",
    uploaded: "Uploaded. Batch: ",
    results_title: "Results",
    no_results: "No call results for this task yet. Once numbers are uploaded, results appear as the platform pushes them (this page refreshes every 3 s).",
    by_state: "By call state",
    by_grade: "By intent grade",
    calls_title: "Calls",
    filter_state: "State",
    filter_grade: "Intent grade",
    filter_answered: "Answered",
    filter_num: "Number prefix",
    min_duration: "Shortest (s)",
    max_duration: "Longest (s)",
    any: "Any",
    apply: "Filter",
    num: "Number",
    state: "State",
    grade: "Grade",
    answered: "Answered",
    duration: "Duration (s)",
    start: "Started",
    open_call: "Open",
    export: "Export CSV",
    exporting: "Exporting…",
    exported: "Calls exported: ",
    total_calls: "calls",
    back: "Back to campaigns",
};

fn words(lang: Lang) -> &'static Words {
    lang.pick(&ZH_CN, &EN)
}

/// A load in progress, failed, or done.
#[derive(Clone, PartialEq)]
enum Load<T> {
    Loading,
    Failed(Problem),
    Done(T),
}

/// Whether the checkbox that fired `e` is checked.
fn checked_of(e: &Event) -> bool {
    use wasm_bindgen::JsCast;
    e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}

/// The task list: search by name, paging (seed 002 §11 tasklist).
#[component]
pub fn CampaignsPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let query = use_init((String::new(), 1u32));
    let typed = use_init(String::new());
    let load = use_init(Load::<Page<Task>>::Loading);
    let attempt = use_init(0u32);
    {
        let load = load.clone();
        let session = session.clone();
        use_effect_on(((*query).clone(), *attempt), move |((name, page), _)| {
            load.set(Load::Loading);
            let request = TaskListRequest {
                app_id: session.app_id.to_string(),
                task_name: (!name.is_empty()).then(|| name.clone()),
                task_id: None,
                page_no: Some(*page),
                page_size: Some(PAGE_SIZE.min(TASKLIST_MAX_PAGE_SIZE)),
            };
            crate::task::spawn(async move {
                match session.client.coeus().task_list(&request).await {
                    Ok(page) => load.set(Load::Done(page)),
                    Err(e) => load.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let on_search = {
        let query = query.clone();
        let typed = typed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            query.set((typed.trim().to_owned(), 1));
        })
    };
    let on_type = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(value_of(&e)))
    };
    let retry = kit::retry(&attempt);
    let goto = |page: u32| {
        let query = query.clone();
        Callback::from(move |_: MouseEvent| query.set((query.0.clone(), page)))
    };
    let body = match &*load {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done(page) if page.rows.is_empty() => html! { <p role="status">{ w.none }</p> },
        Load::Done(page) => {
            let current = query.1;
            let pages =
                page.total_pages.unwrap_or_else(|| page.total.div_ceil(u64::from(PAGE_SIZE)) as u32).max(1);
            html! {
                <>
                    { kit::table("responsive", w.title, &[w.name, w.task_id, w.bot, w.disnumber, w.record], html! { <>
                            { for page.rows.iter().map(|task| {
                                let id = task.task_id.clone().unwrap_or_default();
                                html! {
                                    <tr>
                                        <td data-label={w.name}>
                                            if id.is_empty() { { &task.task_name } } else {
                                                <a href={Route::Campaign(id.clone()).href()}>{ &task.task_name }</a>
                                            }
                                        </td>
                                        <td data-label={w.task_id}><code>{ &id }</code></td>
                                        { kit::cell(w.bot, &task.bot_id) }
                                        { kit::cell(w.disnumber, &task.disnumber) }
                                        { kit::cell(w.record, if task.is_record == Some(2) { w.yes } else { w.no }) }
                                    </tr>
                                }
                            }) }
                    </> }) }
                    { kit::pager(w.title, (w.prev, current <= 1, goto(current.saturating_sub(1).max(1))),
                        html! { <>{ format!("{current} / {pages}") }{ " · " }{ page.total }{ " " }{ lang.pick("个任务", "tasks") }</> },
                        (w.next, current >= pages, goto(current + 1))) }
                </>
            }
        }
    };
    html! {
        <section class="page" aria-labelledby="page-title">
            { kit::title(w.title) }
            <div class="toolbar">
                <form class="row" role="search" onsubmit={on_search}>
                    <div class="field">
                        <label for="task-search">{ w.search_label }</label>
                        <input id="task-search" type="search" value={(*typed).clone()} oninput={on_type} />
                    </div>
                    <button type="submit">{ w.search }</button>
                </form>
                <a class="button primary" href={Route::NewCampaign.href()}>{ w.new_task }</a>
            </div>
            { body }
        </section>
    }
}

/// The new-task form's values, as typed.
#[derive(Clone, PartialEq)]
struct TaskForm {
    task_name: String,
    bot_id: String,
    voice: String,
    disnumber: String,
    record: bool,
    team_url: String,
    forbid: String,
    recall: Vec<RecallGroup>,
    recall_interval: String,
    ring_asr: bool,
    ring_asr_code: String,
    makecall_timeout: String,
}

impl Default for TaskForm {
    fn default() -> TaskForm {
        TaskForm {
            task_name: String::new(),
            bot_id: String::new(),
            voice: "aixia".into(),
            disnumber: String::new(),
            record: true,
            team_url: String::new(),
            forbid: String::new(),
            recall: Vec::new(),
            recall_interval: "30".into(),
            ring_asr: true,
            ring_asr_code: String::new(),
            makecall_timeout: "45".into(),
        }
    }
}

impl TaskForm {
    /// The request, or the labels of the fields that are missing or wrong.
    fn request(&self, app_id: &str, w: &Words) -> Result<AddTaskRequest, String> {
        let mut missing = Vec::new();
        for (value, label) in [
            (&self.task_name, w.task_name),
            (&self.bot_id, w.bot_pick),
            (&self.voice, w.voice),
            (&self.disnumber, w.disnumber),
        ] {
            if value.trim().is_empty() {
                // Owned, as the other joined lists: one `join` compiled, not one per item type.
                missing.push(label.trim_end_matches(" *").to_owned());
            }
        }
        if !missing.is_empty() {
            return Err(format!("{}{}", w.required, missing.join(", ")));
        }
        let number = |text: &str, label: &str| -> Result<Option<u32>, String> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .map(Some)
                .ok_or_else(|| format!("{}{label}", w.bad_number))
        };
        let lines = |text: &str| -> Vec<String> {
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
        };
        let forbid = lines(&self.forbid);
        let codes = lines(&self.ring_asr_code);
        let recall: Vec<String> =
            self.recall.iter().flat_map(|g| g.codes().iter().map(|c| c.to_string())).collect();
        Ok(AddTaskRequest {
            app_id: app_id.to_owned(),
            task_name: self.task_name.trim().to_owned(),
            is_record: Some(if self.record { 2 } else { 1 }),
            bot_id: self.bot_id.clone(),
            voice: self.voice.trim().to_owned(),
            disnumber: self.disnumber.trim().to_owned(),
            team_url: Some(self.team_url.trim().to_owned()).filter(|u| !u.is_empty()),
            forbid_policy: (!forbid.is_empty()).then_some(forbid),
            recall_policy: (!recall.is_empty()).then_some(recall),
            recall_interval: number(&self.recall_interval, w.recall_interval)?,
            is_ring_asr: Some(if self.ring_asr { 1 } else { 2 }),
            ring_asr_code: (!codes.is_empty()).then_some(JsonList(codes)),
            makecall_timeout: number(&self.makecall_timeout, w.makecall_timeout)?,
        })
    }
}

/// Creating a task (seed 002 §10 addtask): every field, the bot picked from syncprompt, the
/// recall policy by its labelled groups, `team_url` pre-filled with this deployment's.
#[component]
pub fn NewCampaignPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let form = use_init(TaskForm::default());
    let bots = use_init(Load::<Vec<BotSummary>>::Loading);
    let sending = use_init(false);
    let problem = use_init(None::<Problem>);
    {
        let bots = bots.clone();
        let form = form.clone();
        let session = session.clone();
        use_effect_on((), move |()| {
            crate::task::spawn(async move {
                match session.client.coeus().sync_prompt(&session.app_id).await {
                    Ok(rows) => {
                        let list = rows.to_vec();
                        if let Some(first) = list.first() {
                            let mut f = (*form).clone();
                            if f.bot_id.is_empty() {
                                f.bot_id = first.bot_id.clone();
                                form.set(f);
                            }
                        }
                        bots.set(Load::Done(list));
                    }
                    Err(e) => bots.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    {
        let form = form.clone();
        let session = session.clone();
        use_effect_on((), move |()| {
            crate::task::spawn(async move {
                if let Some(url) = super::team_url(&session).await {
                    let mut f = (*form).clone();
                    if f.team_url.is_empty() {
                        f.team_url = url;
                        form.set(f);
                    }
                }
            });
        });
    }
    let set = |apply: fn(&mut TaskForm, String)| setter(&form, apply);
    let toggle = |apply: fn(&mut TaskForm, bool)| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            apply(&mut f, checked_of(&e));
            form.set(f);
        })
    };
    let recall_toggle = |group: RecallGroup| {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut f = (*form).clone();
            f.recall.retain(|g| *g != group);
            if checked_of(&e) {
                f.recall.push(group);
            }
            form.set(f);
        })
    };
    let onsubmit = {
        let form = form.clone();
        let sending = sending.clone();
        let problem = problem.clone();
        let session = session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *sending {
                return;
            }
            let request = match form.request(&session.app_id, w) {
                Ok(r) => r,
                Err(why) => {
                    problem.set(Some(Problem {
                        what: why,
                        next: i18n::Words::of(lang).next_platform.to_owned(),
                    }));
                    return;
                }
            };
            problem.set(None);
            sending.set(true);
            let (sending, problem, session) = (sending.clone(), problem.clone(), session.clone());
            crate::task::spawn(async move {
                match session.client.coeus().add_task(&request).await {
                    Ok(created) => {
                        if let Some(window) = web_sys::window() {
                            let _ = window.location().set_hash(&Route::Campaign(created.task_id).href());
                        }
                    }
                    Err(e) => problem.set(Some(session.problem(e))),
                }
                sending.set(false);
            });
        })
    };
    let f = (*form).clone();
    let bot_field = match &*bots {
        Load::Loading => loading(lang, w.bots_loading),
        Load::Failed(p) => problem_view(p, lang, None),
        Load::Done(list) => html! {
            <select id="bot" required=true onchange={set(|f, v| f.bot_id = v)}>
                { for list.iter().map(|b| html! {
                    <option value={b.bot_id.clone()} selected={b.bot_id == f.bot_id}>{ format!("{} ({})", b.bot_name, b.bot_id) }</option>
                }) }
            </select>
        },
    };
    html! {
        <section class="page" aria-labelledby="page-title">
            <p><a href={Route::Campaigns.href()}>{ w.back }</a></p>
            { kit::title(w.new_title) }
            <p>{ w.new_intro }</p>
            <form {onsubmit} novalidate=true>
                <div class="fields">
                    { kit::text_field(kit::TextField { id: "task-name", label: w.task_name, kind: None, inputmode: None,
                        required: true, value: f.task_name.clone(), invalid: false, described: None,
                        onchange: set(|f, v| f.task_name = v) }) }
                    <div class="field">
                        <label for="bot">{ w.bot_pick }</label>
                        { bot_field }
                    </div>
                    <div class="field">
                        <label for="voice">{ w.voice }</label>
                        <input id="voice" required=true value={f.voice.clone()} aria-describedby="voice-hint" onchange={set(|f, v| f.voice = v)} />
                        { kit::hint("voice-hint", w.voice_hint) }
                    </div>
                    <div class="field">
                        <label for="disnumber">{ format!("{} *", w.disnumber) }</label>
                        <input id="disnumber" required=true inputmode="tel" value={f.disnumber.clone()} aria-describedby="disnumber-hint" onchange={set(|f, v| f.disnumber = v)} />
                        { kit::hint("disnumber-hint", w.disnumber_hint) }
                    </div>
                    <div class="field">
                        <label for="team-url">{ w.team_url }</label>
                        <input id="team-url" type="url" value={f.team_url.clone()} aria-describedby="team-url-hint" onchange={set(|f, v| f.team_url = v)} />
                        { kit::hint("team-url-hint", w.team_url_hint) }
                    </div>
                    { kit::text_field(kit::TextField { id: "recall-interval", label: w.recall_interval, kind: None, inputmode: Some("numeric"),
                        required: false, value: f.recall_interval.clone(), invalid: false, described: None,
                        onchange: set(|f, v| f.recall_interval = v) }) }
                    { kit::text_field(kit::TextField { id: "makecall-timeout", label: w.makecall_timeout, kind: None, inputmode: Some("numeric"),
                        required: false, value: f.makecall_timeout.clone(), invalid: false, described: None,
                        onchange: set(|f, v| f.makecall_timeout = v) }) }
                    <div class="field">
                        <label for="forbid">{ w.forbid }</label>
                        <textarea id="forbid" rows="3" aria-describedby="forbid-hint" value={f.forbid.clone()} onchange={set(|f, v| f.forbid = v)} />
                        { kit::hint("forbid-hint", w.forbid_hint) }
                    </div>
                    <div class="field">
                        <label for="ring-asr-code">{ w.ring_asr_code }</label>
                        <textarea id="ring-asr-code" rows="3" aria-describedby="ring-asr-code-hint" value={f.ring_asr_code.clone()} onchange={set(|f, v| f.ring_asr_code = v)} />
                        { kit::hint("ring-asr-code-hint", w.ring_asr_code_hint) }
                    </div>
                </div>
                <div class="row">
                    <label><input id="record" type="checkbox" checked={f.record} onchange={toggle(|f, v| f.record = v)} />{ " " }{ w.record_on }</label>
                    <label><input id="ring-asr" type="checkbox" checked={f.ring_asr} onchange={toggle(|f, v| f.ring_asr = v)} />{ " " }{ w.ring_asr }</label>
                </div>
                <fieldset>
                    <legend>{ w.recall }</legend>
                    <div class="checks">
                        { for RecallGroup::all().map(|g| {
                            let codes: Vec<String> = g.codes().iter().map(|c| c.to_string()).collect();
                            html! {
                                <label>
                                    <input type="checkbox" checked={f.recall.contains(&g)} onchange={recall_toggle(g)} />
                                    { " " }{ g.label() }<span class="hint">{ format!(" ({})", codes.join(", ")) }</span>
                                </label>
                            }
                        }) }
                    </div>
                </fieldset>
                <div class="row">
                    <button type="submit" class="primary" disabled={*sending}>{ w.create }</button>
                </div>
                if *sending { { loading(lang, w.creating) } }
                if let Some(p) = &*problem { { problem_view(p, lang, None) } }
            </form>
        </section>
    }
}

/// The upload's state.
#[derive(Clone, PartialEq)]
enum Upload {
    Idle,
    Checking,
    Refused(String),
    Checked { name: String, check: NumberCheck },
    Sending { sent: f64, total: f64 },
    Done { call_sn: String, count: u64 },
    Failed(Problem),
}

/// One task (`rest` is its `task_id`): uploading numbers, and the results.
#[component]
pub fn CampaignPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let task_id = props.rest.to_string();
    let task = use_init(None::<Task>);
    {
        let task = task.clone();
        let session = session.clone();
        use_effect_on(task_id.clone(), move |id| {
            let request = TaskListRequest {
                app_id: session.app_id.to_string(),
                task_id: Some(id.clone()),
                task_name: None,
                page_no: Some(1),
                page_size: Some(1),
            };
            crate::task::spawn(async move {
                if let Ok(page) = session.client.coeus().task_list(&request).await {
                    task.set(page.rows.into_iter().next());
                }
            });
        });
    }
    // Hooks of the page (rather than components of their own: no component machinery for them).
    let upload = use_upload_numbers(&TaskProps { session: session.clone(), task_id: task_id.clone() });
    let results = use_results(&TaskProps { session: session.clone(), task_id: task_id.clone() });
    let name = task.as_ref().map(|t| t.task_name.clone()).filter(|n| !n.is_empty());
    html! {
        <section class="page" aria-labelledby="page-title">
            <p><a href={Route::Campaigns.href()}>{ w.back }</a></p>
            <h1 id="page-title">{ w.task_title }{ " " }{ name.unwrap_or_else(|| task_id.clone()) }</h1>
            <dl class="facts">
                <dt>{ w.task_id }</dt><dd><code>{ &task_id }</code></dd>
                if let Some(t) = &*task {
                    { kit::fact(w.bot, &t.bot_id) }
                    { kit::fact(w.disnumber, &t.disnumber) }
                }
            </dl>
            { upload }
            { results }
        </section>
    }
}

/// What a section of the task page needs: the session and the task.
struct TaskProps {
    session: super::Session,
    task_id: String,
}

/// Choosing a number file, checking it here, and uploading it with a progress bar.
#[hook]
fn use_upload_numbers(props: &TaskProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let state = use_init(Upload::Idle);
    // A cell in a `use_init` slot, not `use_mut_ref` (another instantiation of Yew's hooks).
    let file = use_init(std::cell::RefCell::new(None::<web_sys::File>));
    let batch = use_init(String::new());
    let group = use_init("1".to_owned());
    let on_file = {
        let state = state.clone();
        let file = file.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let chosen = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|list| list.get(0));
            *file.borrow_mut() = chosen.clone();
            let Some(chosen) = chosen else {
                state.set(Upload::Idle);
                return;
            };
            state.set(Upload::Checking);
            let state = state.clone();
            crate::task::spawn(async move {
                let name = chosen.name();
                let checked = check_chosen(&chosen, &name).await;
                match checked {
                    Ok((_, check)) => state.set(Upload::Checked { name, check }),
                    Err(why) => state.set(Upload::Refused(why)),
                }
            });
        })
    };
    let on_upload = {
        let state = state.clone();
        let file = file.clone();
        let batch = batch.clone();
        let group = group.clone();
        let session = session.clone();
        let task_id = props.task_id.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Upload::Checked { name, check } = (*state).clone() else { return };
            let Some(chosen) = file.borrow().clone() else { return };
            let Ok(suffix) = numbers::suffix_of(&name) else { return };
            let form = OutnumForm {
                app_id: session.app_id.to_string(),
                task_id: task_id.clone(),
                call_count: check.numbers as u64,
                file_suffix: suffix,
                disnum_group_id: group.trim().to_owned(),
                call_sn_name: Some(batch.trim().to_owned()).filter(|b| !b.is_empty()),
            };
            state.set(Upload::Sending { sent: 0.0, total: f64::from(chosen.size() as u32) });
            let progress = {
                let state = state.clone();
                Callback::from(move |(sent, total): (f64, f64)| state.set(Upload::Sending { sent, total }))
            };
            let (state, session) = (state.clone(), session.clone());
            crate::task::spawn(async move {
                match crate::browser::upload_numbers(&session, &form, &chosen, progress).await {
                    Ok(r) => state.set(Upload::Done { call_sn: r.call_sn, count: r.call_count }),
                    Err(e) => state.set(Upload::Failed(session.problem(e))),
                }
            });
        })
    };
    let status = match &*state {
        Upload::Idle => html! {},
        Upload::Checking => loading(lang, w.checking),
        Upload::Refused(why) => html! {
            <div class="alert" role="alert"><p class="alert-title">{ i18n::Words::of(lang).failed }</p><p>{ why }</p>
            <p>{ lang.pick("请修改文件后重新选择。", "Correct the file and choose it again.") }</p></div>
        },
        Upload::Checked { check, .. } => check_view(w, check),
        Upload::Sending { sent, total } => {
            let percent =
                if *total > 0.0 { (sent / total * 100.0).round().clamp(0.0, 100.0) as u32 } else { 0 };
            html! {
                <div class="loading" role="status">
                    <label for="upload-progress">{ w.uploading }</label>
                    <progress id="upload-progress" max="100" value={percent.to_string()}></progress>
                    <span>{ format!("{percent}%") }</span>
                </div>
            }
        }
        Upload::Done { call_sn, count } => html! {
            <p class="notice" role="status">{ w.uploaded }<code>{ call_sn }</code>{ format!(" · {count} {}", lang.pick("个号码", "numbers")) }</p>
        },
        Upload::Failed(p) => problem_view(p, lang, None),
    };
    let ready = matches!(*state, Upload::Checked { .. });
    html! {
        <section aria-labelledby="upload-title">
            <h2 id="upload-title">{ w.upload_title }</h2>
            <form onsubmit={on_upload}>
                <div class="fields">
                    <div class="field">
                        <label for="numbers-file">{ w.file_label }</label>
                        <input id="numbers-file" type="file" accept=".csv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            aria-describedby="numbers-hint" onchange={on_file} />
                        { kit::hint("numbers-hint", w.file_hint) }
                    </div>
                    { kit::text_field(kit::TextField { id: "batch-name", label: w.batch_name, kind: None, inputmode: None,
                        required: false, value: (*batch).clone(), invalid: false, described: None,
                        onchange: setter(&batch, |b, v| *b = v) }) }
                    { kit::text_field(kit::TextField { id: "disnum-group", label: w.disnum_group, kind: None, inputmode: None,
                        required: false, value: (*group).clone(), invalid: false, described: None,
                        onchange: setter(&group, |g, v| *g = v) }) }
                </div>
                <div class="row"><button type="submit" class="primary" disabled={!ready}>{ w.upload }</button></div>
            </form>
            { status }
        </section>
    }
}

/// Reads and checks the chosen number file (an .xlsx one read as a workbook first).
async fn check_chosen(
    file: &web_sys::File,
    name: &str,
) -> Result<(kefu_protocol::FileSuffix, NumberCheck), String> {
    let suffix = numbers::suffix_of(name).map_err(|e| e.to_string())?;
    let bytes = crate::browser::read_file(file).await.map_err(|e| e.to_string())?;
    if suffix == kefu_protocol::FileSuffix::Excel {
        let rows = crate::browser::xlsx_rows(&bytes)
            .await
            .map_err(|e| numbers::FileProblem::Workbook(e).to_string())?;
        let check = numbers::check_rows(&rows).map_err(|e| e.to_string())?;
        Ok((suffix, check))
    } else {
        numbers::check_text_file(name, &bytes).map_err(|e| e.to_string())
    }
}

/// What the check found: counts, and the malformed and duplicate numbers by line.
fn check_view(w: &Words, check: &NumberCheck) -> Html {
    html! {
        <div class="check" role="status">
            <dl class="facts">
                { kit::fact(w.check_rows, &check.rows.to_string()) }
                <dt>{ w.check_numbers }</dt><dd class="check-numbers">{ check.numbers }</dd>
                { kit::fact(w.malformed, &check.malformed_count.to_string()) }
                { kit::fact(w.duplicates, &check.duplicate_count.to_string()) }
            </dl>
            if !check.malformed.is_empty() {
                <h3>{ w.malformed }</h3>
                <ul class="issues malformed" tabindex="0" aria-label={w.malformed}>
                    { for check.malformed.iter().map(|(line, text)| html! { <li>{ format!("{} {line}: \"{text}\"", w.line) }</li> }) }
                </ul>
            }
            if !check.duplicates.is_empty() {
                <h3>{ w.duplicates }</h3>
                <ul class="issues duplicates" tabindex="0" aria-label={w.duplicates}>
                    { for check.duplicates.iter().map(|(line, num, first)| html! { <li>{ format!("{} {line}: {num} ({} {first})", w.line, w.first_line) }</li> }) }
                </ul>
            }
        </div>
    }
}

/// The filters of the calls table, as typed.
#[derive(Clone, PartialEq, Default)]
struct Filters {
    state: String,
    grade: String,
    answered: String,
    num: String,
    min: String,
    max: String,
}

impl Filters {
    fn query(&self, offset: i64) -> CallQuery {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        CallQuery {
            state: self.state.trim().parse().ok(),
            grade: text(&self.grade),
            answered: match self.answered.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            min_duration: self.min.trim().parse().ok(),
            max_duration: self.max.trim().parse().ok(),
            num: text(&self.num),
            offset: Some(offset),
            limit: Some(CALLS_PAGE),
        }
    }
}

/// A task's results: charts, the calls table with filters and paging, CSV export. Fetched
/// again every few seconds while shown, since calls keep arriving.
#[hook]
fn use_results(props: &TaskProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let summary = use_init(Load::<Option<TaskSummary>>::Loading);
    let calls = use_init(Load::<CallPage>::Loading);
    let typed = use_init(Filters::default());
    let applied = use_init((Filters::default(), 0i64));
    let tick = use_init(0u32);
    let export = use_init(None::<Result<usize, Problem>>);
    let exporting = use_init(false);
    // The refresh clock: stops when the page goes.
    {
        let tick = tick.clone();
        use_effect_on((), move |()| {
            let alive = Rc::new(Cell::new(true));
            let running = alive.clone();
            crate::task::spawn(async move {
                let mut n = 0u32;
                while running.get() {
                    yew::platform::time::sleep(std::time::Duration::from_millis(REFRESH_MS)).await;
                    n += 1;
                    if running.get() {
                        tick.set(n);
                    }
                }
            });
            move || alive.set(false)
        });
    }
    {
        let (summary, calls, session) = (summary.clone(), calls.clone(), session.clone());
        let task_id = props.task_id.clone();
        use_effect_on(((*applied).clone(), *tick, task_id), move |((filters, offset), _, task_id)| {
            let query = filters.query(*offset);
            let task_id = task_id.clone();
            crate::task::spawn(async move {
                let results = session.client.results();
                match results.tasks().await {
                    Ok(list) => {
                        summary.set(Load::Done(list.tasks.into_iter().find(|t| t.task_id == task_id)))
                    }
                    Err(e) => {
                        summary.set(Load::Failed(session.problem(e)));
                        return;
                    }
                }
                match results.calls(&task_id, &query).await {
                    Ok(page) => calls.set(Load::Done(page)),
                    Err(e) => calls.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let set = |apply: fn(&mut Filters, String)| setter(&typed, apply);
    let on_filter = {
        let (typed, applied) = (typed.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set(((*typed).clone(), 0));
        })
    };
    let page_to = |offset: i64| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| applied.set((applied.0.clone(), offset.max(0))))
    };
    let on_export = {
        let (export, exporting, session) = (export.clone(), exporting.clone(), session.clone());
        let (task_id, applied) = (props.task_id.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            if *exporting {
                return;
            }
            exporting.set(true);
            export.set(None);
            let url = session.client.results().calls_csv_url(&task_id, &applied.0.query(0));
            let name = format!("task-{task_id}-calls.csv");
            let (export, exporting, session) = (export.clone(), exporting.clone(), session.clone());
            crate::task::spawn(async move {
                let done = crate::browser::download_csv(&session, &url, &name).await;
                export.set(Some(done.map_err(|e: ConsoleError| session.problem(e))));
                exporting.set(false);
            });
        })
    };
    let charts = match &*summary {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, None),
        Load::Done(None) => html! { <p role="status" class="no-results">{ w.no_results }</p> },
        Load::Done(Some(t)) => {
            let states: Vec<(String, u64)> = t
                .states
                .iter()
                .map(|s| {
                    (
                        if s.label.is_empty() {
                            s.state.to_string()
                        } else {
                            format!("{} {}", s.state, s.label)
                        },
                        s.count,
                    )
                })
                .collect();
            let grades: Vec<(String, u64)> = t.grades.iter().map(|g| (g.grade.clone(), g.count)).collect();
            html! {
                <>
                    <p class="total-calls">{ t.calls }{ " " }{ w.total_calls }</p>
                    <div class="charts">
                        { bar_chart("chart-states", w.by_state, &states) }
                        { bar_chart("chart-grades", w.by_grade, &grades) }
                    </div>
                </>
            }
        }
    };
    let options = match &*summary {
        Load::Done(Some(t)) => (t.states.clone(), t.grades.clone()),
        _ => (Vec::new(), Vec::new()),
    };
    let f = (*typed).clone();
    let table = match &*calls {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, None),
        Load::Done(page) => {
            let offset = applied.1;
            let (from, to) = (offset + 1, offset + page.rows.len() as i64);
            html! {
                <>
                    <p role="status" class="calls-count">{ format!("{} {}", page.total, w.total_calls) }</p>
                    if !page.rows.is_empty() {
                        { kit::table("responsive calls", w.calls_title, &[w.num, w.state, w.grade, w.answered, w.duration, w.start, w.open_call], html! { <>
                                { for page.rows.iter().map(|c| html! {
                                    <tr>
                                        { kit::cell(w.num, &c.num) }
                                        { kit::cell(w.state, &format!("{} {}", c.state, c.state_label)) }
                                        { kit::cell(w.grade, c.grade.as_deref().unwrap_or_default()) }
                                        { kit::cell(w.answered, if c.answered { w.yes } else { w.no }) }
                                        { kit::cell(w.duration, &c.duration.map(|d| d.to_string()).unwrap_or_default()) }
                                        { kit::cell(w.start, c.start_time.as_ref().map_or("", |t| t.as_str())) }
                                        <td data-label={w.open_call}>
                                            <a href={Route::Call(c.call_id.clone()).href()} aria-label={format!("{} {}", w.open_call, c.num)}>{ w.open_call }</a>
                                        </td>
                                    </tr>
                                }) }
                        </> }) }
                        { kit::pager(w.calls_title, (w.prev, offset == 0, page_to(offset - CALLS_PAGE)),
                            html! { format!("{from}–{to} / {}", page.total) },
                            (w.next, to >= page.total as i64, page_to(offset + CALLS_PAGE))) }
                    }
                </>
            }
        }
    };
    let export_status = match &*export {
        None if *exporting => loading(lang, w.exporting),
        None => html! {},
        Some(Ok(n)) => html! { <p class="notice exported" role="status">{ w.exported }{ n }</p> },
        Some(Err(p)) => problem_view(p, lang, None),
    };
    html! {
        <section aria-labelledby="results-title">
            <h2 id="results-title">{ w.results_title }</h2>
            { charts }
            <h2 id="calls-title">{ w.calls_title }</h2>
            <form class="toolbar" onsubmit={on_filter} aria-labelledby="calls-title">
                <div class="field">
                    <label for="f-state">{ w.filter_state }</label>
                    <select id="f-state" onchange={set(|f, v| f.state = v)}>
                        <option value="" selected={f.state.is_empty()}>{ w.any }</option>
                        { for options.0.iter().map(|s| html! {
                            <option value={s.state.to_string()} selected={f.state == s.state.to_string()}>{ format!("{} {}", s.state, s.label) }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="f-grade">{ w.filter_grade }</label>
                    <select id="f-grade" onchange={set(|f, v| f.grade = v)}>
                        <option value="" selected={f.grade.is_empty()}>{ w.any }</option>
                        { for options.1.iter().map(|g| html! {
                            <option value={g.grade.clone()} selected={f.grade == g.grade}>{ &g.grade }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for="f-answered">{ w.filter_answered }</label>
                    <select id="f-answered" onchange={set(|f, v| f.answered = v)}>
                        <option value="" selected={f.answered.is_empty()}>{ w.any }</option>
                        <option value="yes" selected={f.answered == "yes"}>{ w.yes }</option>
                        <option value="no" selected={f.answered == "no"}>{ w.no }</option>
                    </select>
                </div>
                { kit::text_field(kit::TextField { id: "f-num", label: w.filter_num, kind: None, inputmode: Some("tel"),
                    required: false, value: f.num.clone(), invalid: false, described: None,
                    onchange: set(|f, v| f.num = v) }) }
                { kit::text_field(kit::TextField { id: "f-min", label: w.min_duration, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.min.clone(), invalid: false, described: None,
                    onchange: set(|f, v| f.min = v) }) }
                { kit::text_field(kit::TextField { id: "f-max", label: w.max_duration, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.max.clone(), invalid: false, described: None,
                    onchange: set(|f, v| f.max = v) }) }
                <button type="submit">{ w.apply }</button>
                <button type="button" class="export" onclick={on_export} disabled={*exporting}>{ w.export }</button>
            </form>
            { export_status }
            { table }
        </section>
    }
}

/// A horizontal bar chart (SVG) of `items`, named for assistive technology by its values (a
/// plain function: it has no state).
fn bar_chart(id: &'static str, title: &'static str, items: &[(String, u64)]) -> Html {
    let (bars, height) = chart::bars(items);
    let label = chart::summary(title, items);
    let heading = format!("{id}-title");
    html! {
        <figure class="chart" id={id} aria-labelledby={heading.clone()}>
            <figcaption id={heading}>{ title }</figcaption>
            <svg viewBox={format!("0 0 {} {height}", chart::WIDTH)} role="img" aria-label={label}>
                { for bars.iter().map(|b| html! {
                    <g class="bar-row">
                        <text x="0" y={(b.y + 18).to_string()}>{ &b.label }</text>
                        <rect class="bar" x={chart::BAR_X.to_string()} y={(b.y + 5).to_string()} width={b.width.to_string()} height="18" rx="2" />
                        <text x={(chart::BAR_X + b.width + 6).to_string()} y={(b.y + 18).to_string()}>{ b.count }</text>
                    </g>
                }) }
            </svg>
        </figure>
    }
}
