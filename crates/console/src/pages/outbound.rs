//! Seed 000, the outbound-call service: place call-v2 calls (a form, with each item's result),
//! watch their status (polling with backoff that stops at a final state), and each call's
//! conversation log and recording.
//!
//! Routes: `#/outbound` (the form, each placed call's result and, for each call placed, its
//! status and then its log), `#/outbound/job/{jobId}` (one call by its job id: status, log and
//! recording; also reached from the "open a call" form).

mod log;
pub(crate) mod player;
mod poll;

use std::cell::Cell;
use std::rc::Rc;

use kefu_protocol::outbound::{
    CallRequest, ConversationLog, ConversationLogQuery, JobStatus, PlacedCall, StatusQuery,
};
use kefu_protocol::{Action, CallErrorCode, CallMode, CallStatus};
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use self::log::Who;
use self::player::Player;
use self::poll::{Outcome, Poller, Step};
use super::kit::{self, setter};
use super::{PageProps, Session, loading, problem_view};
use crate::app::{Route, decode_segment, encode_segment};
use crate::error::Problem;
use crate::i18n::Lang;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
    place_title: &'static str,
    case_id: &'static str,
    mediation_id: &'static str,
    mediation_hint: &'static str,
    call_auto: &'static str,
    auto: &'static str,
    manual: &'static str,
    persons: &'static str,
    persons_hint: &'static str,
    place: &'static str,
    placing: &'static str,
    need_case: &'static str,
    need_mediation: &'static str,
    need_persons: &'static str,
    fix_field: &'static str,
    results_title: &'static str,
    person: &'static str,
    result: &'static str,
    message: &'static str,
    job: &'static str,
    placed: &'static str,
    must_wait: &'static str,
    limit: &'static str,
    skipped: &'static str,
    none_placed: &'static str,
    open_title: &'static str,
    job_id: &'static str,
    open: &'static str,
    need_job: &'static str,
    back: &'static str,
    call_title: &'static str,
    status: &'static str,
    fetched: &'static str,
    next_check: &'static str,
    checking: &'static str,
    final_state: &'static str,
    gave_up_failing: &'static str,
    gave_up_long: &'static str,
    check_again: &'static str,
    log_title: &'static str,
    loading_log: &'static str,
    no_log: &'static str,
    no_turns: &'static str,
    turns_skipped: &'static str,
    robot: &'static str,
    contact: &'static str,
    began: &'static str,
    ended: &'static str,
    recording: &'static str,
    no_recording: &'static str,
    stage: &'static str,
}

const ZH_CN: Words = Words {
    title: "外呼机器人",
    intro: "通过外呼服务（call-v2）为案件的当事人发起 AI 外呼，跟踪每通电话的状态，并查看对话记录和录音。",
    place_title: "发起外呼",
    case_id: "案件 ID（caseId）",
    mediation_id: "调解反馈 ID（mediationId）",
    mediation_hint: "数字。",
    call_auto: "拨打方式（callAuto）",
    auto: "自动拨打",
    manual: "手动拨打",
    persons: "被呼叫人 ID（callPersonId）",
    persons_hint: "多个当事人用英文逗号分隔，每人一通电话。",
    place: "发起外呼",
    placing: "正在发起外呼…",
    need_case: "请填写案件 ID。",
    need_mediation: "调解反馈 ID 必须是数字。",
    need_persons: "请至少填写一个被呼叫人 ID。",
    fix_field: "请修改标出的字段后再提交。",
    results_title: "外呼结果",
    person: "当事人",
    result: "结果",
    message: "说明",
    job: "工作 ID（jobId）",
    placed: "已发起",
    must_wait: "须等待（该当事人仍在通话中）",
    limit: "已达呼叫上限",
    skipped: "项结果无法读取，已跳过。",
    none_placed: "没有发起任何外呼。请按每项说明处理后重试。",
    open_title: "查看一通电话",
    job_id: "工作 ID（jobId）",
    open: "查看",
    need_job: "请填写工作 ID。",
    back: "返回外呼机器人",
    call_title: "电话",
    status: "状态",
    fetched: "更新于",
    next_check: "秒后再次查询",
    checking: "正在查询状态…",
    final_state: "已结束",
    gave_up_failing: "连续多次查询状态失败，已停止查询。",
    gave_up_long: "这通电话长时间未结束，已停止自动查询。",
    check_again: "重新查询",
    log_title: "对话记录",
    loading_log: "正在加载对话记录…",
    no_log: "外呼服务没有这通电话的对话记录。",
    no_turns: "这通电话没有对话（未接通）。",
    turns_skipped: "条对话无法读取，已跳过。",
    robot: "机器人",
    contact: "当事人",
    began: "通话开始",
    ended: "通话结束",
    recording: "录音",
    no_recording: "这通电话没有录音。",
    stage: "阶段",
};

const EN: Words = Words {
    title: "Outbound calls",
    intro: "Place AI calls to a case's parties through the outbound-call service (call-v2), follow each call's status, and read its conversation log and play its recording.",
    place_title: "Place calls",
    case_id: "Case ID (caseId)",
    mediation_id: "Mediation feedback ID (mediationId)",
    mediation_hint: "A number.",
    call_auto: "Dialling (callAuto)",
    auto: "Automatic",
    manual: "Manual",
    persons: "Party IDs (callPersonId)",
    persons_hint: "Separate several parties with commas; each gets one call.",
    place: "Place calls",
    placing: "Placing the calls…",
    need_case: "Enter the case ID.",
    need_mediation: "The mediation feedback ID must be a number.",
    need_persons: "Enter at least one party ID.",
    fix_field: "Correct the marked field, then submit again.",
    results_title: "Results",
    person: "Party",
    result: "Result",
    message: "Message",
    job: "Job ID (jobId)",
    placed: "Placed",
    must_wait: "Must wait (this party is still in a call)",
    limit: "Call limit reached",
    skipped: "result items could not be read and were skipped.",
    none_placed: "No call was placed. Act on each item's message, then try again.",
    open_title: "Open a call",
    job_id: "Job ID (jobId)",
    open: "Open",
    need_job: "Enter the job ID.",
    back: "Back to outbound calls",
    call_title: "Call",
    status: "Status",
    fetched: "Updated",
    next_check: "s until the next check",
    checking: "Checking the status…",
    final_state: "Finished",
    gave_up_failing: "Checking the status failed several times in a row, so it stopped.",
    gave_up_long: "This call has not finished for a long time, so automatic checks stopped.",
    check_again: "Check again",
    log_title: "Conversation log",
    loading_log: "Loading the conversation log…",
    no_log: "The outbound-call service has no conversation log for this call.",
    no_turns: "This call has no dialogue (not answered).",
    turns_skipped: "turns could not be read and were skipped.",
    robot: "Bot",
    contact: "Party",
    began: "Call began",
    ended: "Call ended",
    recording: "Recording",
    no_recording: "This call has no recording.",
    stage: "Stage",
};

fn words(lang: Lang) -> &'static Words {
    lang.pick(&ZH_CN, &EN)
}

/// A call status in the operator's words.
fn status_label(lang: Lang, status: &CallStatus) -> String {
    let (zh, en) = match status {
        CallStatus::Scheduling => ("排队中", "Scheduling"),
        CallStatus::Executing => ("通话中", "In progress"),
        CallStatus::Succeeded => ("已完成", "Succeeded"),
        CallStatus::Paused => ("已暂停", "Paused"),
        CallStatus::Failed => ("失败", "Failed"),
        CallStatus::Cancelled => ("已取消", "Cancelled"),
        CallStatus::Drafted => ("草稿", "Drafted"),
        CallStatus::Other(s) => return s.clone(),
    };
    match lang {
        Lang::En if en == status.as_str() => en.to_owned(),
        _ => format!("{} ({})", lang.pick(zh, en), status.as_str()),
    }
}

/// The page: the form and its results, or one call (`rest` = `job/{jobId}`). A plain function
/// (it has no state of its own), so it costs no component machinery.
pub fn page(props: &PageProps) -> Html {
    let session = props.session.clone();
    let w = words(session.lang);
    if let Some(job) = props.rest.strip_prefix("job/").and_then(decode_segment).filter(|j| !j.is_empty()) {
        return html! {
            <section class="page outbound" aria-labelledby="page-title">
                <p><a href={Route::Outbound(String::new()).href()}>{ w.back }</a></p>
                <h1 id="page-title">{ w.call_title }{ " " }<code>{ job.clone() }</code></h1>
                <Job session={session} job_id={job} />
            </section>
        };
    }
    html! {
        <section class="page outbound" aria-labelledby="page-title">
            { kit::title(w.title) }
            <p>{ w.intro }</p>
            <PlaceCalls session={session.clone()} />
            <OpenJob lang={session.lang} />
        </section>
    }
}

/// The call-v2 form as typed.
#[derive(Clone, PartialEq)]
struct Form {
    case_id: String,
    mediation_id: String,
    call_auto: String,
    persons: String,
}

impl Default for Form {
    fn default() -> Form {
        Form {
            case_id: String::new(),
            mediation_id: String::new(),
            call_auto: "0".into(),
            persons: String::new(),
        }
    }
}

impl Form {
    /// The request, or the field to correct and why.
    fn request(&self, w: &Words) -> Result<CallRequest, (&'static str, &'static str)> {
        let case_id = self.case_id.trim();
        if case_id.is_empty() {
            return Err(("ob-case", w.need_case));
        }
        let mediation_id = self.mediation_id.trim();
        if mediation_id.is_empty() || !mediation_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(("ob-mediation", w.need_mediation));
        }
        // Owned, as the other joined lists: one `join` compiled, not one per item type.
        let persons: Vec<String> = self
            .persons
            .split([',', '，'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if persons.is_empty() {
            return Err(("ob-persons", w.need_persons));
        }
        Ok(CallRequest {
            case_id: case_id.to_owned(),
            mediation_id: mediation_id.to_owned(),
            call_auto: if self.call_auto == "1" { CallMode::Manual } else { CallMode::Auto },
            call_person_id: persons.join(","),
        })
    }
}

#[derive(Clone, PartialEq)]
enum Placing {
    Idle,
    Busy,
    Failed(Problem),
    Done { items: Vec<PlacedCall>, skipped: usize },
}

#[derive(Properties, PartialEq)]
struct SessionProps {
    session: Session,
}

/// The call-v2 form, each item's result, and a [`Job`] for each call placed.
#[component]
fn PlaceCalls(props: &SessionProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let form = use_init(Form::default());
    let invalid = use_init(None::<(&'static str, &'static str)>);
    let placing = use_init(Placing::Idle);
    let onsubmit = {
        let (form, invalid, placing, session) =
            (form.clone(), invalid.clone(), placing.clone(), session.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *placing == Placing::Busy {
                return;
            }
            let request = match form.request(w) {
                Ok(r) => r,
                Err(bad) => {
                    invalid.set(Some(bad));
                    kit::focus_later(bad.0);
                    return;
                }
            };
            invalid.set(None);
            placing.set(Placing::Busy);
            let (placing, session) = (placing.clone(), session.clone());
            crate::task::spawn(async move {
                match session.client.outbound().call(&request).await {
                    Ok(rows) => placing.set(Placing::Done { skipped: rows.skipped.len(), items: rows.items }),
                    Err(e) => placing.set(Placing::Failed(session.problem(e))),
                }
                kit::focus_later("ob-results-title");
            });
        })
    };
    let f = (*form).clone();
    let bad = |id: &str| (*invalid).as_ref().is_some_and(|(field, _)| *field == id);
    let error_for = |id: &'static str| {
        (*invalid).as_ref().filter(|(field, _)| *field == id).map(|(_, why)| {
            html! { <p class="alert" id={format!("{id}-error")}>{ *why }</p> }
        })
    };
    let described = |id: &str, hint: Option<&str>| {
        let mut ids: Vec<String> = hint.map(str::to_owned).into_iter().collect();
        if bad(id) {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let results = match &*placing {
        Placing::Idle => html! {},
        Placing::Busy => loading(lang, w.placing),
        Placing::Failed(p) => html! {
            <section aria-labelledby="ob-results-title">
                <h2 id="ob-results-title" tabindex="-1">{ w.results_title }</h2>
                { problem_view(p, lang, None) }
            </section>
        },
        Placing::Done { items, skipped } => {
            let placed: Vec<&PlacedCall> =
                items.iter().filter(|i| i.job_id.as_deref().is_some_and(|j| !j.is_empty())).collect();
            html! {
                <section aria-labelledby="ob-results-title">
                    <h2 id="ob-results-title" tabindex="-1">{ w.results_title }</h2>
                    if *skipped > 0 { { kit::skipped(*skipped, w.skipped, true) } }
                    { kit::table("responsive placed", w.results_title, &[w.person, w.result, w.message, w.job], html! { <>
                            { for items.iter().map(|item| {
                                let result = match item.error_code {
                                    CallErrorCode::Ok => w.placed.to_owned(),
                                    CallErrorCode::MustWait => w.must_wait.to_owned(),
                                    CallErrorCode::LimitReached => w.limit.to_owned(),
                                    CallErrorCode::Other(n) => format!("errorCode {n}"),
                                };
                                let ok = item.error_code == CallErrorCode::Ok;
                                html! {
                                    <tr class={classes!(if ok { "ok" } else { "refused" })}>
                                        { kit::cell(w.person, item.person_id.as_deref().unwrap_or_default()) }
                                        <td data-label={w.result}>{ result }</td>
                                        { kit::cell(w.message, &item.message) }
                                        <td data-label={w.job}>
                                            if let Some(job) = item.job_id.as_ref().filter(|j| !j.is_empty()) {
                                                <a href={Route::Outbound(format!("job/{}", encode_segment(job))).href()}><code>{ job }</code></a>
                                            }
                                        </td>
                                    </tr>
                                }
                            }) }
                    </> }) }
                    if placed.is_empty() {
                        <p class="alert" role="alert">{ w.none_placed }</p>
                    }
                    { for placed.iter().map(|item| {
                        let job = item.job_id.clone().unwrap_or_default();
                        let heading = format!("{} {}", w.call_title, item.person_id.clone().unwrap_or_else(|| job.clone()));
                        html! {
                            <section class="job-card" key={job.clone()} aria-label={heading.clone()}>
                                <h3>{ heading }</h3>
                                <Job session={session.clone()} job_id={job} />
                            </section>
                        }
                    }) }
                </section>
            }
        }
    };
    html! {
        <>
            <h2 id="ob-place-title">{ w.place_title }</h2>
            <form class="place" onsubmit={onsubmit} novalidate=true aria-labelledby="ob-place-title">
                <div class="fields">
                    <div class="field">
                        <label for="ob-case">{ w.case_id }</label>
                        <input id="ob-case" required=true value={f.case_id.clone()} aria-invalid={bad("ob-case").then_some("true")}
                            aria-describedby={described("ob-case", None)} onchange={setter(&form, |f, v| f.case_id = v)} />
                        { for error_for("ob-case") }
                    </div>
                    <div class="field">
                        <label for="ob-mediation">{ w.mediation_id }</label>
                        <input id="ob-mediation" required=true inputmode="numeric" value={f.mediation_id.clone()}
                            aria-invalid={bad("ob-mediation").then_some("true")}
                            aria-describedby={described("ob-mediation", Some("ob-mediation-hint"))}
                            onchange={setter(&form, |f, v| f.mediation_id = v)} />
                        { kit::hint("ob-mediation-hint", w.mediation_hint) }
                        { for error_for("ob-mediation") }
                    </div>
                    <div class="field">
                        <label for="ob-auto">{ w.call_auto }</label>
                        <select id="ob-auto" onchange={setter(&form, |f, v| f.call_auto = v)}>
                            <option value="0" selected={f.call_auto != "1"}>{ w.auto }</option>
                            <option value="1" selected={f.call_auto == "1"}>{ w.manual }</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="ob-persons">{ w.persons }</label>
                        <input id="ob-persons" required=true value={f.persons.clone()} aria-invalid={bad("ob-persons").then_some("true")}
                            aria-describedby={described("ob-persons", Some("ob-persons-hint"))}
                            onchange={setter(&form, |f, v| f.persons = v)} />
                        { kit::hint("ob-persons-hint", w.persons_hint) }
                        { for error_for("ob-persons") }
                    </div>
                </div>
                if invalid.is_some() { <p class="alert" role="alert">{ w.fix_field }</p> }
                <div class="row">
                    <button type="submit" class="primary" disabled={*placing == Placing::Busy}>{ w.place }</button>
                </div>
            </form>
            { results }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct LangProps {
    lang: Lang,
}

/// Opens one call by its job id (`#/outbound/job/{jobId}`).
#[component]
fn OpenJob(props: &LangProps) -> Html {
    let w = words(props.lang);
    let job = use_init(String::new());
    let missing = use_init(false);
    let onsubmit = {
        let (job, missing) = (job.clone(), missing.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let id = job.trim().to_owned();
            if id.is_empty() {
                missing.set(true);
                kit::focus_later("ob-job");
                return;
            }
            missing.set(false);
            if let Some(window) = web_sys::window() {
                let _ = window
                    .location()
                    .set_hash(&Route::Outbound(format!("job/{}", encode_segment(&id))).href());
            }
        })
    };
    let on_job = kit::setter(&job, |j, v| *j = v);
    html! {
        <>
            <h2 id="ob-open-title">{ w.open_title }</h2>
            <form class="row" onsubmit={onsubmit} novalidate=true aria-labelledby="ob-open-title">
                { kit::text_field(kit::TextField { id: "ob-job", label: w.job_id, kind: None, inputmode: None,
                    required: false, value: (*job).clone(), invalid: *missing, described: (*missing).then_some("ob-job-error"),
                    onchange: on_job }) }
                <button type="submit">{ w.open }</button>
            </form>
            if *missing { <p class="alert" role="alert" id="ob-job-error">{ w.need_job }</p> }
        </>
    }
}

/// The polling's state.
#[derive(Clone, PartialEq)]
enum Watch {
    /// A check is running.
    Checking,
    /// The next check is due in this many ms.
    Waiting(u32),
    /// The call is finished.
    Final,
    /// The checks stopped without a final state (failing, or too long).
    Stopped(&'static str, Option<Problem>),
}

#[derive(Clone, PartialEq)]
enum LogLoad {
    Waiting,
    Loading,
    Failed(Problem),
    Missing,
    Done(Box<ConversationLog>),
}

#[derive(Properties, PartialEq)]
struct JobProps {
    session: Session,
    job_id: String,
}

/// One call: its status, checked at once and then with backoff until it is final; then its
/// conversation log and recording.
#[component]
fn Job(props: &JobProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let status = use_init(None::<JobStatus>);
    let watch = use_init(Watch::Checking);
    let log = use_init(LogLoad::Waiting);
    // A new round of checks (the "check again" button).
    let round = use_init(0u32);
    {
        let (status, watch, log, session) = (status.clone(), watch.clone(), log.clone(), session.clone());
        use_effect_on((props.job_id.clone(), *round), move |(job_id, _)| {
            let stop = Rc::new(Cell::new(false));
            let stopped = stop.clone();
            let job_id = job_id.clone();
            crate::task::spawn(async move {
                let query = StatusQuery { job_id: Some(job_id.clone()), ..StatusQuery::default() };
                let mut poller = Poller::new();
                loop {
                    if stop.get() {
                        return;
                    }
                    watch.set(Watch::Checking);
                    let (outcome, problem) = match session.client.outbound().status(&query).await {
                        Ok(s) => {
                            let outcome =
                                if s.call_status.is_final() { Outcome::Final } else { Outcome::Pending };
                            if !stop.get() {
                                status.set(Some(s));
                            }
                            (outcome, None)
                        }
                        Err(e) => (Outcome::Failed, Some(session.problem(e))),
                    };
                    if stop.get() {
                        return;
                    }
                    match poller.after(outcome) {
                        Step::Wait(ms) => {
                            watch.set(Watch::Waiting(ms));
                            yew::platform::time::sleep(std::time::Duration::from_millis(u64::from(ms))).await;
                        }
                        Step::Done => {
                            watch.set(Watch::Final);
                            log.set(LogLoad::Loading);
                            let query = ConversationLogQuery {
                                job_id: Some(job_id.clone()),
                                ..ConversationLogQuery::default()
                            };
                            let got = session.client.outbound().conversation_log(&query).await;
                            if stop.get() {
                                return;
                            }
                            log.set(match got {
                                Ok(rows) => rows
                                    .items
                                    .into_iter()
                                    .find(|l| l.job_id == job_id || l.job_id.is_empty())
                                    .map_or(LogLoad::Missing, |l| LogLoad::Done(Box::new(l))),
                                Err(e) => LogLoad::Failed(session.problem(e)),
                            });
                            return;
                        }
                        Step::GaveUpFailing => {
                            watch.set(Watch::Stopped(w.gave_up_failing, problem));
                            return;
                        }
                        Step::GaveUpTooLong => {
                            watch.set(Watch::Stopped(w.gave_up_long, None));
                            return;
                        }
                    }
                }
            });
            move || stopped.set(true)
        });
    }
    let again = {
        let round = round.clone();
        Callback::from(move |_: MouseEvent| round.set(*round + 1))
    };
    let is_final = *watch == Watch::Final;
    let status_line = html! {
        <div class="job-status" role="status" data-final={is_final.to_string()}>
            <dl class="facts">
                <dt>{ w.status }</dt>
                <dd class="call-status">{ (*status).as_ref().map_or_else(|| "—".to_owned(), |s| status_label(lang, &s.call_status)) }</dd>
                if let Some(s) = (*status).as_ref() {
                    { kit::fact(w.fetched, s.fetch_time.as_str()) }
                }
            </dl>
            { match &*watch {
                Watch::Checking => loading(lang, w.checking),
                Watch::Waiting(ms) => html! { <p class="hint">{ format!("{}{}", ms.div_ceil(1000), w.next_check) }</p> },
                Watch::Final => html! { <p class="hint">{ w.final_state }</p> },
                Watch::Stopped(why, problem) => html! {
                    <>
                        if let Some(p) = problem { { problem_view(p, lang, None) } }
                        <p>{ *why }</p>
                        <button type="button" onclick={again.clone()}>{ w.check_again }</button>
                    </>
                },
            } }
        </div>
    };
    let log_view = match &*log {
        LogLoad::Waiting => html! {},
        LogLoad::Loading => loading(lang, w.loading_log),
        LogLoad::Failed(p) => problem_view(p, lang, None),
        LogLoad::Missing => html! { <p>{ w.no_log }</p> },
        LogLoad::Done(l) => conversation(&session, w, l),
    };
    html! {
        <div class="job" data-job={props.job_id.clone()}>
            { status_line }
            { log_view }
        </div>
    }
}

/// A finished call's conversation log and recording.
fn conversation(session: &Session, w: &Words, l: &ConversationLog) -> Html {
    let lines = log::lines(&l.conversations);
    let skipped = l.conversations.skipped.len();
    html! {
        <div class="call-log">
            <h4>{ w.log_title }</h4>
            if !l.call_type.is_empty() {
                <p class="hint">{ w.stage }{ ": " }<code>{ &l.call_type }</code></p>
            }
            if skipped > 0 { { kit::skipped(skipped, w.turns_skipped, true) } }
            if lines.iter().all(|line| line.text.is_none()) {
                <p>{ w.no_turns }</p>
            } else {
                <ol class="conversation">
                    { for lines.iter().map(|line| {
                        let (class, who) = match &line.who {
                            Who::Robot => ("bot", w.robot.to_owned()),
                            Who::Contact => ("user", w.contact.to_owned()),
                            Who::Other(s) => ("bot", s.clone()),
                        };
                        let event = match line.action {
                            Action::BeginDialogue => Some(w.began.to_owned()),
                            Action::EndDialogue => Some(w.ended.to_owned()),
                            Action::Dialogue | Action::Broadcast => None,
                            ref other => Some(other.as_str().to_owned()),
                        };
                        match &line.text {
                            Some(text) => html! {
                                <li class={classes!("turn", class)}>
                                    <p class="meta">
                                        <span class="who">{ who }</span>{ " · " }
                                        <time>{ &line.at }</time>{ " (+" }{ &line.since }{ ")" }
                                        if let Some(ev) = event { { " · " }{ ev } }
                                    </p>
                                    <p class="said">{ text }</p>
                                </li>
                            },
                            None => html! {
                                <li class="event">
                                    <p class="meta">
                                        { event.unwrap_or_default() }{ " · " }<time>{ &line.at }</time>
                                    </p>
                                </li>
                            },
                        }
                    }) }
                </ol>
            }
            <h4>{ w.recording }</h4>
            if l.record_url.is_empty() {
                <p>{ w.no_recording }</p>
            } else {
                <Player session={session.clone()} url={AttrValue::from(l.record_url.clone())} label={w.recording} />
            }
        </div>
    }
}
