//! Seed 001, the call center: records with the documented filters (call type, time range,
//! duration, number, extension) and their dialogue and recording; call tasks; creating tasks
//! from pasted rows or a CSV; stopping tasks after a confirmation.
//!
//! Routes: `#/callcenter` (records), `#/callcenter/tasks` (call tasks, stopping them),
//! `#/callcenter/new` (creating tasks).

mod query;
mod tickets;

use kefu_protocol::callcenter::{CallRecord, CallTask, CreatedTask};
use kefu_protocol::{CallType, Page};
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use self::query::{FormProblem, RECORDS_PAGE, RecordsForm, TASKS_PAGE, TasksForm, ms_clock};
use self::tickets::{MAX_TICKETS, RowProblem};
use super::kit::{self, checked_of, setter};
use super::outbound::player::Player;
use super::{PageProps, Session, loading, problem_view};
use crate::app::Route;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::text::readable;

/// This page's words.
struct Words {
    title: &'static str,
    tabs: &'static str,
    tab_records: &'static str,
    tab_tasks: &'static str,
    tab_new: &'static str,
    call_type: &'static str,
    inbound: &'static str,
    ai_outbound: &'static str,
    manual_outbound: &'static str,
    telephone: &'static str,
    extnum: &'static str,
    from: &'static str,
    to: &'static str,
    min: &'static str,
    max: &'static str,
    search: &'static str,
    records: &'static str,
    callout: &'static str,
    duration: &'static str,
    answered: &'static str,
    hangup: &'static str,
    actions: &'static str,
    details: &'static str,
    yes: &'static str,
    no: &'static str,
    none: &'static str,
    prev: &'static str,
    next: &'static str,
    page: &'static str,
    skipped: &'static str,
    detail_title: &'static str,
    answered_at: &'static str,
    ended_at: &'static str,
    dialogue: &'static str,
    no_dialogue: &'static str,
    assistant: &'static str,
    user: &'static str,
    recording: &'static str,
    no_recording: &'static str,
    close: &'static str,
    bad_type: &'static str,
    bad_time: &'static str,
    bad_seconds: &'static str,
    bad_batch: &'static str,
    bad_range: &'static str,
    fix_filter: &'static str,
    tasks: &'static str,
    batch_id: &'static str,
    ticket_no: &'static str,
    username: &'static str,
    ticket_type: &'static str,
    ticket_content: &'static str,
    status: &'static str,
    created: &'static str,
    stopped: &'static str,
    connected: &'static str,
    select: &'static str,
    stop_selected: &'static str,
    confirm_title: &'static str,
    confirm_text: &'static str,
    confirm_stop: &'static str,
    cancel: &'static str,
    stopping: &'static str,
    stopped_notice: &'static str,
    created_from: &'static str,
    created_to: &'static str,
    new_intro: &'static str,
    paste: &'static str,
    paste_hint: &'static str,
    csv: &'static str,
    reading: &'static str,
    found: &'static str,
    problems: &'static str,
    line: &'static str,
    too_few: &'static str,
    no_ticket: &'static str,
    bad_phone: &'static str,
    duplicate: &'static str,
    unclosed: &'static str,
    too_many: &'static str,
    preview: &'static str,
    preview_more: &'static str,
    create: &'static str,
    creating: &'static str,
    created_title: &'static str,
    see_tasks: &'static str,
    fix_rows: &'static str,
}

const ZH_CN: Words = Words {
    title: "呼叫中心",
    tabs: "呼叫中心页面",
    tab_records: "通话记录",
    tab_tasks: "呼叫任务",
    tab_new: "创建任务",
    call_type: "通话类型",
    inbound: "01 呼入",
    ai_outbound: "02 AI 外呼",
    manual_outbound: "03 人工外呼",
    telephone: "号码",
    extnum: "分机号",
    from: "开始时间（起）",
    to: "开始时间（止）",
    min: "最短时长（秒）",
    max: "最长时长（秒）",
    search: "查询",
    records: "条记录",
    callout: "呼叫时间",
    duration: "时长（秒）",
    answered: "接通",
    hangup: "挂机原因",
    actions: "操作",
    details: "详情",
    yes: "是",
    no: "否",
    none: "没有符合条件的记录。",
    prev: "上一页",
    next: "下一页",
    page: "页",
    skipped: "条数据无法读取，已跳过。",
    detail_title: "通话详情",
    answered_at: "接通时间",
    ended_at: "挂机时间",
    dialogue: "对话内容",
    no_dialogue: "这通电话没有对话内容。",
    assistant: "机器人",
    user: "客户",
    recording: "录音",
    no_recording: "这通电话没有录音。",
    close: "关闭详情",
    bad_type: "通话类型必须是 01、02 或 03。",
    bad_time: "时间格式不正确，请选择日期和时间（yyyy-MM-dd HH:mm:ss）。",
    bad_seconds: "时长必须是不小于 0 的整数秒。",
    bad_batch: "任务 ID 必须是数字。",
    bad_range: "范围的开始不能晚于结束。",
    fix_filter: "请修改筛选条件后重新查询。",
    tasks: "个任务",
    batch_id: "任务 ID",
    ticket_no: "工单编号",
    username: "姓名",
    ticket_type: "工单类型",
    ticket_content: "工单内容",
    status: "状态",
    created: "创建时间",
    stopped: "结束时间",
    connected: "接通",
    select: "选择任务",
    stop_selected: "停止所选任务",
    confirm_title: "确认停止任务",
    confirm_text: "停止后，这些任务中尚未拨打的电话将不再拨打，且无法恢复。要停止的任务：",
    confirm_stop: "停止任务",
    cancel: "取消",
    stopping: "正在停止任务…",
    stopped_notice: "已停止的任务：",
    created_from: "创建时间（起）",
    created_to: "创建时间（止）",
    new_intro: "粘贴表格中的行（制表符分隔）或选择 CSV 文件。列依次为：工单编号、号码、姓名、工单类型、工单内容；也可以用表头行指明各列。",
    paste: "工单行",
    paste_hint: "每行一个工单。号码为 3–20 位数字，可带 +。",
    csv: "或选择 CSV 文件",
    reading: "正在读取文件…",
    found: "个工单可以创建",
    problems: "以下行无法创建任务，请修改后再提交：",
    line: "第",
    too_few: "列数不足（至少需要工单编号和号码）",
    no_ticket: "缺少工单编号",
    bad_phone: "号码格式不正确：",
    duplicate: "工单编号重复，首次出现在第",
    unclosed: "引号未闭合",
    too_many: "一次最多创建 500 个任务，请分批提交。",
    preview: "预览",
    preview_more: "仅显示前 20 个。",
    create: "创建任务",
    creating: "正在创建任务…",
    created_title: "已创建的任务",
    see_tasks: "查看呼叫任务",
    fix_rows: "请先修改标出的行。",
};

const EN: Words = Words {
    title: "Call center",
    tabs: "Call center pages",
    tab_records: "Call records",
    tab_tasks: "Call tasks",
    tab_new: "Create tasks",
    call_type: "Call type",
    inbound: "01 Inbound",
    ai_outbound: "02 AI outbound",
    manual_outbound: "03 Manual outbound",
    telephone: "Number",
    extnum: "Extension",
    from: "Started from",
    to: "Started until",
    min: "Shortest (s)",
    max: "Longest (s)",
    search: "Search",
    records: "records",
    callout: "Called at",
    duration: "Duration (s)",
    answered: "Answered",
    hangup: "Hang-up cause",
    actions: "Actions",
    details: "Details",
    yes: "Yes",
    no: "No",
    none: "No record matches.",
    prev: "Previous",
    next: "Next",
    page: "Page",
    skipped: "rows could not be read and were skipped.",
    detail_title: "Call details",
    answered_at: "Answered at",
    ended_at: "Ended at",
    dialogue: "Dialogue",
    no_dialogue: "This call has no dialogue.",
    assistant: "Bot",
    user: "Caller",
    recording: "Recording",
    no_recording: "This call has no recording.",
    close: "Close the details",
    bad_type: "The call type must be 01, 02 or 03.",
    bad_time: "That is not a date and time: pick one (yyyy-MM-dd HH:mm:ss).",
    bad_seconds: "A duration is a whole number of seconds, 0 or more.",
    bad_batch: "A task ID is a number.",
    bad_range: "A range cannot start after it ends.",
    fix_filter: "Correct the filter, then search again.",
    tasks: "tasks",
    batch_id: "Task ID",
    ticket_no: "Ticket no.",
    username: "Name",
    ticket_type: "Ticket type",
    ticket_content: "Ticket content",
    status: "Status",
    created: "Created",
    stopped: "Ended",
    connected: "Connected",
    select: "Select task",
    stop_selected: "Stop the selected tasks",
    confirm_title: "Stop these tasks?",
    confirm_text: "Calls these tasks have not made yet will not be made, and this cannot be undone. Tasks to stop:",
    confirm_stop: "Stop the tasks",
    cancel: "Cancel",
    stopping: "Stopping the tasks…",
    stopped_notice: "Stopped: ",
    created_from: "Created from",
    created_to: "Created until",
    new_intro: "Paste rows from a spreadsheet (tab separated) or choose a CSV file. The columns are ticket number, number, name, ticket type, ticket content, in that order, or as a header row names them.",
    paste: "Ticket rows",
    paste_hint: "One ticket a row. A number is 3–20 digits, optionally after +.",
    csv: "Or choose a CSV file",
    reading: "Reading the file…",
    found: "tickets can be created",
    problems: "These rows cannot become tasks; correct them, then submit:",
    line: "Line",
    too_few: "too few columns (a ticket number and a number are needed)",
    no_ticket: "no ticket number",
    bad_phone: "not a phone number: ",
    duplicate: "repeated ticket number, first on line",
    unclosed: "a quote is never closed",
    too_many: "At most 500 tasks at once: submit them in parts.",
    preview: "Preview",
    preview_more: "Only the first 20 are shown.",
    create: "Create the tasks",
    creating: "Creating the tasks…",
    created_title: "Tasks created",
    see_tasks: "See the call tasks",
    fix_rows: "Correct the listed rows first.",
};

fn words(lang: Lang) -> &'static Words {
    lang.pick(&ZH_CN, &EN)
}

/// A form problem in the operator's words.
fn form_problem(w: &Words, p: &FormProblem) -> String {
    match p {
        FormProblem::CallType(v) => format!("{} ({v})", w.bad_type),
        FormProblem::Time(_, v) => format!("{} ({v})", w.bad_time),
        FormProblem::Seconds(_, v) => format!("{} ({v})", w.bad_seconds),
        FormProblem::BatchId(v) => format!("{} ({v})", w.bad_batch),
        FormProblem::Range(_) => w.bad_range.to_owned(),
    }
}

/// Which sub-page.
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Records,
    Tasks,
    New,
}

/// The page (`rest`: empty or `records`, `tasks`, `new`). A plain function (it has no state of
/// its own), so it costs no component machinery.
pub fn page(props: &PageProps) -> Html {
    let session = props.session.clone();
    let w = words(session.lang);
    let tab = match &*props.rest {
        "tasks" => Tab::Tasks,
        "new" => Tab::New,
        _ => Tab::Records,
    };
    let link = |t: Tab, rest: &str, label: &'static str| {
        let current = t == tab;
        html! {
            <a href={Route::CallCenter(rest.to_owned()).href()} class={classes!("button", current.then_some("primary"))}
                aria-current={current.then_some("page")}>{ label }</a>
        }
    };
    html! {
        <section class="page callcenter" aria-labelledby="page-title">
            { kit::title(w.title) }
            <nav aria-label={w.tabs}>
                <div class="toolbar tabs">
                    { link(Tab::Records, "", w.tab_records) }
                    { link(Tab::Tasks, "tasks", w.tab_tasks) }
                    { link(Tab::New, "new", w.tab_new) }
                </div>
            </nav>
            { match tab {
                Tab::Records => html! { <Records session={session.clone()} /> },
                Tab::Tasks => html! { <Tasks session={session.clone()} /> },
                Tab::New => html! { <NewTasks session={session.clone()} /> },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SessionProps {
    session: Session,
}

#[derive(Clone, PartialEq)]
enum Load<T> {
    Loading,
    Failed(Problem),
    Done(T),
}

/// The records: the filter form, one page of records, and the chosen record's details.
#[component]
fn Records(props: &SessionProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let draft = use_init(RecordsForm::default());
    let invalid = use_init(None::<FormProblem>);
    // The filter searched with, and the page.
    let applied = use_init((RecordsForm::default(), 1u32));
    let attempt = use_init(0u32);
    let load = use_init(Load::<Page<CallRecord>>::Loading);
    let selected = use_init(None::<CallRecord>);
    {
        let (load, session) = (load.clone(), session.clone());
        use_effect_on(((*applied).clone(), *attempt), move |((form, page), _)| {
            load.set(Load::Loading);
            match form.query(*page) {
                Ok(query) => crate::task::spawn(async move {
                    match session.client.callcenter().records(&query).await {
                        Ok(page) => load.set(Load::Done(page)),
                        Err(e) => load.set(Load::Failed(session.problem(e))),
                    }
                }),
                // A filter is checked before it is applied, so this is not expected.
                Err(p) => load
                    .set(Load::Failed(Problem { what: form_problem(w, &p), next: w.fix_filter.to_owned() })),
            }
        });
    }
    let onsubmit = {
        let (draft, invalid, applied, selected) =
            (draft.clone(), invalid.clone(), applied.clone(), selected.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.query(1) {
                Ok(_) => {
                    invalid.set(None);
                    selected.set(None);
                    applied.set(((*draft).clone(), 1));
                }
                Err(p) => {
                    kit::focus_later(p.field());
                    invalid.set(Some(p));
                }
            }
        })
    };
    let retry = kit::retry(&attempt);
    let go_page = |page: u32| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| applied.set((applied.0.clone(), page)))
    };
    let f = (*draft).clone();
    let bad = |id: &str| (*invalid).as_ref().is_some_and(|p| p.field() == id);
    let described = |id: &str| bad(id).then_some("cc-filter-error");
    let table = match &*load {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done(page) => {
            let current = applied.1;
            let pages = page.total.div_ceil(u64::from(RECORDS_PAGE)).max(1);
            html! {
                <>
                    <p role="status" class="records-count">{ format!("{} {}", page.total, w.records) }</p>
                    if !page.skipped.is_empty() {
                        { kit::skipped(page.skipped.len(), w.skipped, false) }
                    }
                    if page.rows.is_empty() {
                        <p>{ w.none }</p>
                    } else {
                        { kit::table("responsive records", w.tab_records, &[w.callout, w.telephone, w.extnum, w.duration, w.answered, w.hangup, w.actions], html! { <>
                                { for page.rows.iter().map(|r| {
                                    let open = {
                                        let (selected, r) = (selected.clone(), r.clone());
                                        Callback::from(move |_: MouseEvent| {
                                            selected.set(Some(r.clone()));
                                            kit::focus_later("cc-detail-title");
                                        })
                                    };
                                    html! {
                                        <tr data-uuid={r.uuid.clone()}>
                                            { kit::cell(w.callout, r.callout_time.as_str()) }
                                            <td data-label={w.telephone} class="telephone">{ &r.telephone }</td>
                                            { kit::cell(w.extnum, r.extnum.as_deref().unwrap_or_default()) }
                                            <td data-label={w.duration} class="duration">{ r.time_len }</td>
                                            { kit::cell(w.answered, if r.answered() { w.yes } else { w.no }) }
                                            { kit::cell(w.hangup, &r.hangup_cause) }
                                            <td data-label={w.actions}>
                                                <button type="button" class="details" onclick={open}
                                                    aria-label={format!("{} {} {}", w.details, r.telephone, r.callout_time.as_str())}>{ w.details }</button>
                                            </td>
                                        </tr>
                                    }
                                }) }
                        </> }) }
                        { kit::pager(w.tab_records, (w.prev, current <= 1, go_page(current.saturating_sub(1))),
                            html! { format!("{} {current} / {pages}", w.page) },
                            (w.next, u64::from(current) >= pages, go_page(current + 1))) }
                    }
                </>
            }
        }
    };
    let close = {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(None))
    };
    html! {
        <>
            <h2 id="cc-records-title">{ w.tab_records }</h2>
            <form class="toolbar filters" role="search" aria-labelledby="cc-records-title" onsubmit={onsubmit} novalidate=true>
                <div class="field">
                    <label for="cc-type">{ w.call_type }</label>
                    <select id="cc-type" onchange={setter(&draft, |f, v| f.call_type = v)}>
                        { for [(CallType::Inbound, w.inbound), (CallType::AiOutbound, w.ai_outbound), (CallType::ManualOutbound, w.manual_outbound)]
                            .into_iter().map(|(t, label)| html! {
                                <option value={t.as_str().to_owned()} selected={f.call_type == t.as_str()}>{ label }</option>
                            }) }
                    </select>
                </div>
                { kit::text_field(kit::TextField { id: "cc-phone", label: w.telephone, kind: None, inputmode: Some("tel"),
                    required: false, value: f.telephone.clone(), invalid: false, described: None,
                    onchange: setter(&draft, |f, v| f.telephone = v) }) }
                { kit::text_field(kit::TextField { id: "cc-ext", label: w.extnum, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.extnum.clone(), invalid: false, described: None,
                    onchange: setter(&draft, |f, v| f.extnum = v) }) }
                { kit::text_field(kit::TextField { id: "cc-from", label: w.from, kind: Some("datetime-local"), inputmode: None,
                    required: false, value: f.from.clone(), invalid: bad("cc-from"), described: described("cc-from"),
                    onchange: setter(&draft, |f, v| f.from = v) }) }
                { kit::text_field(kit::TextField { id: "cc-to", label: w.to, kind: Some("datetime-local"), inputmode: None,
                    required: false, value: f.to.clone(), invalid: bad("cc-to"), described: described("cc-to"),
                    onchange: setter(&draft, |f, v| f.to = v) }) }
                { kit::text_field(kit::TextField { id: "cc-min", label: w.min, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.min.clone(), invalid: bad("cc-min"), described: described("cc-min"),
                    onchange: setter(&draft, |f, v| f.min = v) }) }
                { kit::text_field(kit::TextField { id: "cc-max", label: w.max, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.max.clone(), invalid: bad("cc-max"), described: described("cc-max"),
                    onchange: setter(&draft, |f, v| f.max = v) }) }
                <button type="submit" class="primary">{ w.search }</button>
            </form>
            if let Some(p) = (*invalid).as_ref() {
                <p class="alert" role="alert" id="cc-filter-error">{ form_problem(w, p) }</p>
            }
            { table }
            if let Some(r) = (*selected).as_ref() {
                { record_detail(&session, w, r, close) }
            }
        </>
    }
}

/// One record: its facts, dialogue and recording.
fn record_detail(session: &Session, w: &Words, r: &CallRecord, close: Callback<MouseEvent>) -> Html {
    let sip = r.sip_status().map(|s| format!(" (SIP {s})")).unwrap_or_default();
    html! {
        <section class="record-detail" aria-labelledby="cc-detail-title">
            <h2 id="cc-detail-title" tabindex="-1">{ w.detail_title }{ " " }{ &r.telephone }</h2>
            <dl class="facts">
                <dt>{ "uuid" }</dt><dd><code>{ &r.uuid }</code></dd>
                { kit::fact(w.callout, r.callout_time.as_str()) }
                { kit::fact(w.answered_at, r.answered_time.as_ref().map_or(w.no, |t| t.as_str())) }
                { kit::fact(w.ended_at, r.call_end_time.as_str()) }
                { kit::fact(w.duration, &r.time_len.to_string()) }
                { kit::fact(w.extnum, r.extnum.as_deref().unwrap_or("—")) }
                { kit::fact(w.hangup, &format!("{}{sip}", r.hangup_cause)) }
            </dl>
            <h3 id="cc-dialogue-title">{ w.dialogue }</h3>
            if r.dialogue.is_empty() {
                <p>{ w.no_dialogue }</p>
            } else {
                <ol class="conversation" aria-labelledby="cc-dialogue-title">
                    { for r.dialogue.iter().map(|line| {
                        let (class, who) = match line.role.as_str() {
                            "assistant" | "robot" | "bot" => ("bot", w.assistant.to_owned()),
                            "user" | "customer" => ("user", w.user.to_owned()),
                            other => ("bot", other.to_owned()),
                        };
                        html! {
                            <li class={classes!("turn", class)}>
                                <p class="meta"><span class="who">{ who }</span></p>
                                <p class="said">{ readable(&line.content) }</p>
                            </li>
                        }
                    }) }
                </ol>
            }
            if !r.dialogue.skipped.is_empty() {
                { kit::skipped(r.dialogue.skipped.len(), w.skipped, false) }
            }
            <h3>{ w.recording }</h3>
            if r.wav_file_url.is_empty() {
                <p>{ w.no_recording }</p>
            } else {
                <Player session={session.clone()} url={AttrValue::from(r.wav_file_url.clone())} label={format!("{} {}", w.recording, r.telephone)} />
            }
            <p><button type="button" onclick={close}>{ w.close }</button></p>
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum Stop {
    Idle,
    Confirming(Vec<i64>),
    Busy(Vec<i64>),
    Done(Vec<i64>),
    Failed(Problem),
}

/// The call tasks: filter, one page, and stopping the selected ones after a confirmation.
#[component]
fn Tasks(props: &SessionProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let draft = use_init(TasksForm::default());
    let invalid = use_init(None::<FormProblem>);
    let applied = use_init((TasksForm::default(), 1u32));
    let attempt = use_init(0u32);
    let load = use_init(Load::<Page<CallTask>>::Loading);
    // The chosen tasks' ids, ascending (a page's few: a sorted Vec, no BTreeSet code).
    let chosen = use_init(Vec::<i64>::new());
    let stop = use_init(Stop::Idle);
    {
        let (load, session) = (load.clone(), session.clone());
        use_effect_on(((*applied).clone(), *attempt), move |((form, page), _)| {
            load.set(Load::Loading);
            if let Ok(query) = form.query(*page) {
                crate::task::spawn(async move {
                    match session.client.callcenter().call_tasks(&query).await {
                        Ok(page) => load.set(Load::Done(page)),
                        Err(e) => load.set(Load::Failed(session.problem(e))),
                    }
                });
            }
        });
    }
    let onsubmit = {
        let (draft, invalid, applied) = (draft.clone(), invalid.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.query(1) {
                Ok(_) => {
                    invalid.set(None);
                    applied.set(((*draft).clone(), 1));
                }
                Err(p) => {
                    kit::focus_later(p.field());
                    invalid.set(Some(p));
                }
            }
        })
    };
    let retry = kit::retry(&attempt);
    let go_page = |page: u32| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| applied.set((applied.0.clone(), page)))
    };
    let ask = {
        let (stop, chosen) = (stop.clone(), chosen.clone());
        Callback::from(move |_: MouseEvent| {
            stop.set(Stop::Confirming((*chosen).clone()));
            kit::focus_later("cc-confirm-cancel");
        })
    };
    let cancel = {
        let stop = stop.clone();
        Callback::from(move |()| {
            stop.set(Stop::Idle);
            kit::focus_later("cc-stop");
        })
    };
    let confirm = {
        let (stop, chosen, attempt, session) =
            (stop.clone(), chosen.clone(), attempt.clone(), session.clone());
        Callback::from(move |_: MouseEvent| {
            let Stop::Confirming(ids) = (*stop).clone() else { return };
            stop.set(Stop::Busy(ids.clone()));
            let (stop, chosen, attempt, session) =
                (stop.clone(), chosen.clone(), attempt.clone(), session.clone());
            crate::task::spawn(async move {
                match session.client.callcenter().stop_tasks(&ids).await {
                    Ok(()) => {
                        stop.set(Stop::Done(ids));
                        chosen.set(Vec::new());
                        attempt.set(*attempt + 1);
                    }
                    Err(e) => stop.set(Stop::Failed(session.problem(e))),
                }
                kit::focus_later("cc-stop-outcome");
            });
        })
    };
    let f = (*draft).clone();
    let bad = |id: &str| (*invalid).as_ref().is_some_and(|p| p.field() == id);
    let table = match &*load {
        Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done(page) => {
            let current = applied.1;
            let pages = page.total.div_ceil(u64::from(TASKS_PAGE)).max(1);
            html! {
                <>
                    <p role="status" class="tasks-count">{ format!("{} {}", page.total, w.tasks) }</p>
                    if page.rows.is_empty() {
                        <p>{ w.none }</p>
                    } else {
                        { kit::table("responsive tasks", w.tab_tasks, &[w.select, w.batch_id, w.ticket_no, w.telephone, w.username, w.ticket_type, w.status, w.created, w.stopped, w.connected], html! { <>
                                { for page.rows.iter().map(|t| {
                                    let id = t.batch_id;
                                    let toggle = {
                                        let chosen = chosen.clone();
                                        Callback::from(move |e: Event| {
                                            let mut next = (*chosen).clone();
                                            match (next.binary_search(&id), checked_of(&e)) {
                                                (Err(at), true) => next.insert(at, id),
                                                (Ok(at), false) => { next.remove(at); }
                                                _ => {}
                                            }
                                            chosen.set(next);
                                        })
                                    };
                                    html! {
                                        <tr data-batch={id.to_string()}>
                                            <td data-label={w.select}>
                                                <input type="checkbox" class="choose" checked={chosen.contains(&id)} onchange={toggle}
                                                    aria-label={format!("{} {id}", w.select)} />
                                            </td>
                                            <td data-label={w.batch_id}><code>{ id }</code></td>
                                            { kit::cell(w.ticket_no, &t.ticket_no) }
                                            { kit::cell(w.telephone, &t.phone) }
                                            { kit::cell(w.username, &t.username) }
                                            { kit::cell(w.ticket_type, &t.ticket_type) }
                                            <td data-label={w.status} class="task-status">{ &t.status }</td>
                                            { kit::cell(w.created, &ms_clock(t.create_time)) }
                                            { kit::cell(w.stopped, &t.stop_time.map(ms_clock).unwrap_or_default()) }
                                            { kit::cell(w.connected, match t.connected { Some(true) => w.yes, Some(false) => w.no, None => "—" }) }
                                        </tr>
                                    }
                                }) }
                        </> }) }
                        { kit::pager(w.tab_tasks, (w.prev, current <= 1, go_page(current.saturating_sub(1))),
                            html! { format!("{} {current} / {pages}", w.page) },
                            (w.next, u64::from(current) >= pages, go_page(current + 1))) }
                    }
                </>
            }
        }
    };
    let ids_text = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let on_key = {
        let cancel = cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cancel.emit(());
            }
        })
    };
    let stop_view = match &*stop {
        Stop::Idle => html! {},
        Stop::Confirming(ids) => html! {
            <div class="alert confirm" role="alertdialog" aria-labelledby="cc-confirm-title" aria-describedby="cc-confirm-text" onkeydown={on_key}>
                <p class="alert-title" id="cc-confirm-title">{ w.confirm_title }</p>
                <p id="cc-confirm-text">{ w.confirm_text }{ " " }{ ids_text(ids) }</p>
                <div class="row">
                    <button type="button" class="primary" id="cc-confirm-stop" onclick={confirm}>{ w.confirm_stop }</button>
                    <button type="button" id="cc-confirm-cancel" onclick={Callback::from(move |_: MouseEvent| cancel.emit(()))}>{ w.cancel }</button>
                </div>
            </div>
        },
        Stop::Busy(_) => loading(lang, w.stopping),
        Stop::Done(ids) => html! {
            <p class="notice stopped" role="status" id="cc-stop-outcome" tabindex="-1">{ w.stopped_notice }{ ids_text(ids) }</p>
        },
        Stop::Failed(p) => html! {
            <div id="cc-stop-outcome" tabindex="-1">{ problem_view(p, lang, None) }</div>
        },
    };
    html! {
        <>
            <h2 id="cc-tasks-title">{ w.tab_tasks }</h2>
            <form class="toolbar filters" role="search" aria-labelledby="cc-tasks-title" onsubmit={onsubmit} novalidate=true>
                { kit::text_field(kit::TextField { id: "ct-batch", label: w.batch_id, kind: None, inputmode: Some("numeric"),
                    required: false, value: f.batch_id.clone(), invalid: bad("ct-batch"), described: bad("ct-batch").then_some("ct-filter-error"),
                    onchange: setter(&draft, |f, v| f.batch_id = v) }) }
                { kit::text_field(kit::TextField { id: "ct-from", label: w.created_from, kind: Some("datetime-local"), inputmode: None,
                    required: false, value: f.from.clone(), invalid: bad("ct-from"), described: bad("ct-from").then_some("ct-filter-error"),
                    onchange: setter(&draft, |f, v| f.from = v) }) }
                { kit::text_field(kit::TextField { id: "ct-to", label: w.created_to, kind: Some("datetime-local"), inputmode: None,
                    required: false, value: f.to.clone(), invalid: bad("ct-to"), described: bad("ct-to").then_some("ct-filter-error"),
                    onchange: setter(&draft, |f, v| f.to = v) }) }
                <button type="submit" class="primary">{ w.search }</button>
            </form>
            if let Some(p) = (*invalid).as_ref() {
                <p class="alert" role="alert" id="ct-filter-error">{ form_problem(w, p) }</p>
            }
            <div class="row">
                <button type="button" id="cc-stop" class="stop" disabled={chosen.is_empty() || matches!(*stop, Stop::Busy(_))} onclick={ask}>
                    { w.stop_selected }{ format!(" ({})", chosen.len()) }
                </button>
            </div>
            { stop_view }
            { table }
        </>
    }
}

#[derive(Clone, PartialEq)]
enum Create {
    Idle,
    Busy,
    Failed(Problem),
    Done { created: Vec<CreatedTask>, skipped: usize },
}

/// Creating tasks from pasted rows or a CSV file, checked here before anything is sent.
#[component]
fn NewTasks(props: &SessionProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let text = use_init(String::new());
    let reading = use_init(false);
    let file_problem = use_init(None::<Problem>);
    let create = use_init(Create::Idle);
    let parsed = tickets::parse(&text);
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            use wasm_bindgen::JsCast;
            if let Some(area) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                text.set(area.value());
            }
        })
    };
    let on_file = {
        let (text, reading, file_problem, session) =
            (text.clone(), reading.clone(), file_problem.clone(), session.clone());
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let file = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|files| files.get(0));
            let Some(file) = file else { return };
            reading.set(true);
            file_problem.set(None);
            let (text, reading, file_problem, session) =
                (text.clone(), reading.clone(), file_problem.clone(), session.clone());
            crate::task::spawn(async move {
                match crate::browser::read_file(&file).await {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(s) => text.set(s),
                        Err(_) => file_problem.set(Some(Problem {
                            what: session
                                .lang
                                .pick("文件不是 UTF-8 文本。", "The file is not UTF-8 text.")
                                .to_owned(),
                            next: session
                                .lang
                                .pick(
                                    "请在表格软件中另存为“CSV UTF-8”后重新选择。",
                                    "Save it as “CSV UTF-8” in your spreadsheet, then choose it again.",
                                )
                                .to_owned(),
                        })),
                    },
                    Err(e) => file_problem.set(Some(session.problem(e))),
                }
                reading.set(false);
            });
        })
    };
    let ready = !parsed.tickets.is_empty() && parsed.problems.is_empty() && !parsed.too_many;
    let onsubmit = {
        let (create, session) = (create.clone(), session.clone());
        let tickets: Vec<_> = parsed.tickets.iter().map(|(_, t)| t.clone()).collect();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !ready || *create == Create::Busy {
                kit::focus_later("cc-paste");
                return;
            }
            create.set(Create::Busy);
            let (create, session, tickets) = (create.clone(), session.clone(), tickets.clone());
            crate::task::spawn(async move {
                match session.client.callcenter().create_tasks(&tickets).await {
                    Ok(rows) => create.set(Create::Done { skipped: rows.skipped.len(), created: rows.items }),
                    Err(e) => create.set(Create::Failed(session.problem(e))),
                }
                kit::focus_later("cc-created");
            });
        })
    };
    let problem_text = |p: &RowProblem| match p {
        RowProblem::TooFewCells(_) => w.too_few.to_owned(),
        RowProblem::NoTicketNo => w.no_ticket.to_owned(),
        RowProblem::BadPhone(v) => format!("{}\"{v}\"", w.bad_phone),
        RowProblem::Duplicate { ticket_no, first_line } => {
            format!("{ticket_no}: {} {first_line}", w.duplicate)
        }
        RowProblem::UnclosedQuote => w.unclosed.to_owned(),
    };
    let line_label = |n: usize| lang.pick(format!("{}{n}行", w.line), format!("{} {n}", w.line));
    let check = if text.trim().is_empty() {
        html! {}
    } else {
        html! {
            <div class="ticket-check" aria-live="polite">
                <p><strong class="tickets-found">{ parsed.tickets.len() }</strong>{ " " }{ w.found }</p>
                if parsed.too_many { <p class="alert">{ w.too_many }{ format!(" (max {MAX_TICKETS})") }</p> }
                if !parsed.problems.is_empty() {
                    <p class="alert" id="cc-rows-problems">{ w.problems }</p>
                    <ul class="issues ticket-problems">
                        { for parsed.problems.iter().map(|(line, p)| html! {
                            <li>{ line_label(*line) }{ ": " }{ problem_text(p) }</li>
                        }) }
                    </ul>
                }
                if !parsed.tickets.is_empty() {
                    <table class="responsive tickets">
                        <caption>{ w.preview }</caption>
                        { kit::head(&[w.line, w.ticket_no, w.telephone, w.username, w.ticket_type, w.ticket_content]) }
                        <tbody>
                            { for parsed.tickets.iter().take(20).map(|(line, t)| html! {
                                <tr>
                                    <td data-label={w.line}>{ line }</td>
                                    { kit::cell(w.ticket_no, &t.ticket_no) }
                                    { kit::cell(w.telephone, &t.phone) }
                                    { kit::cell(w.username, &t.username) }
                                    { kit::cell(w.ticket_type, &t.ticket_type) }
                                    { kit::cell(w.ticket_content, &t.ticket_content) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    if parsed.tickets.len() > 20 { <p class="hint">{ w.preview_more }</p> }
                }
            </div>
        }
    };
    let outcome = match &*create {
        Create::Idle => html! {},
        Create::Busy => loading(lang, w.creating),
        Create::Failed(p) => {
            html! { <div id="cc-created" tabindex="-1">{ problem_view(p, lang, None) }</div> }
        }
        Create::Done { created, skipped } => html! {
            <section aria-labelledby="cc-created">
                <h3 id="cc-created" tabindex="-1">{ w.created_title }{ format!(" ({})", created.len()) }</h3>
                if *skipped > 0 { { kit::skipped(*skipped, w.skipped, false) } }
                { kit::table("responsive created", w.created_title, &[w.ticket_no, w.batch_id], html! { <>
                        { for created.iter().map(|c| html! {
                            <tr>{ kit::cell(w.ticket_no, &c.ticket_no) }<td data-label={w.batch_id}><code>{ c.batch_id }</code></td></tr>
                        }) }
                </> }) }
                <p><a href={Route::CallCenter("tasks".into()).href()}>{ w.see_tasks }</a></p>
            </section>
        },
    };
    let described =
        if parsed.problems.is_empty() { "cc-paste-hint" } else { "cc-paste-hint cc-rows-problems" };
    html! {
        <>
            <h2 id="cc-new-title">{ w.tab_new }</h2>
            <p>{ w.new_intro }</p>
            <form onsubmit={onsubmit} novalidate=true aria-labelledby="cc-new-title">
                <div class="field">
                    <label for="cc-paste">{ w.paste }</label>
                    <textarea id="cc-paste" rows="8" value={(*text).clone()} oninput={on_text}
                        aria-describedby={described} aria-invalid={(!parsed.problems.is_empty()).then_some("true")} />
                    { kit::hint("cc-paste-hint", w.paste_hint) }
                </div>
                <div class="field">
                    <label for="cc-csv">{ w.csv }</label>
                    <input id="cc-csv" type="file" accept=".csv,.txt,text/csv,text/plain" onchange={on_file} />
                </div>
                if *reading { { loading(lang, w.reading) } }
                if let Some(p) = (*file_problem).as_ref() { { problem_view(p, lang, None) } }
                { check }
                if !ready && !parsed.problems.is_empty() { <p class="hint">{ w.fix_rows }</p> }
                <div class="row">
                    <button type="submit" class="primary" disabled={!ready || *create == Create::Busy}>
                        { w.create }{ format!(" ({})", parsed.tickets.len()) }
                    </button>
                </div>
            </form>
            { outcome }
        </>
    }
}
