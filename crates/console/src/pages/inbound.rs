//! Seed 002 §9, inbound: the contacts directory (import, search, edit one), a preview of the
//! prompt a caller would hear, and a simulated inbound call against the sandbox.
//!
//! The directory is kefu-proxy's (`/kefu/v1/contacts`): the platform asks it who is calling
//! and plays the prompt it answers. The preview fills a template as that lookup does; the
//! simulated call asks kefu-sandbox to make the real lookup (only in a sandbox deployment).

mod vars;

use kefu_client::results::ContactsFormat;
use kefu_protocol::results::{ContactEdit, ContactEntry, ContactImport, ContactPage, SimulatedInbound};
use yew::prelude::*;

use crate::hooks::{use_effect_on, use_init};

use self::vars::{DEFAULT_TEMPLATE, VarProblem};
use super::kit::{self, setter};
use super::{PageProps, Session, loading, problem_view};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::text::readable;

/// Contacts per page.
const PAGE: u32 = 20;

/// This page's words.
struct Words {
    title: &'static str,
    intro: &'static str,
    directory: &'static str,
    search: &'static str,
    search_hint: &'static str,
    find: &'static str,
    contacts: &'static str,
    none: &'static str,
    phone: &'static str,
    name: &'static str,
    transfer: &'static str,
    variables: &'static str,
    actions: &'static str,
    edit: &'static str,
    prev: &'static str,
    next: &'static str,
    import_title: &'static str,
    import_file: &'static str,
    import_hint: &'static str,
    importing: &'static str,
    imported: &'static str,
    rejected: &'static str,
    bad_kind: &'static str,
    bad_kind_next: &'static str,
    edit_title: &'static str,
    new_contact: &'static str,
    vars_hint: &'static str,
    save: &'static str,
    saving: &'static str,
    saved: &'static str,
    need_phone: &'static str,
    no_equals: &'static str,
    bad_name: &'static str,
    reserved: &'static str,
    repeated: &'static str,
    preview_title: &'static str,
    template: &'static str,
    template_hint: &'static str,
    heard: &'static str,
    simulate_title: &'static str,
    simulate_intro: &'static str,
    caller: &'static str,
    call: &'static str,
    calling: &'static str,
    not_sandbox: &'static str,
    says: &'static str,
    transfers: &'static str,
    need_caller: &'static str,
}

const ZH_CN: Words = Words {
    title: "呼入",
    intro: "来电时，平台向本部署查询来电号码（§9），并播放这里的联系人对应的提示语，或转接到指定号码。",
    directory: "联系人",
    search: "搜索联系人",
    search_hint: "号码前缀或姓名中的字。",
    find: "搜索",
    contacts: "个联系人",
    none: "没有找到联系人。",
    phone: "号码",
    name: "姓名",
    transfer: "转接号码",
    variables: "提示语变量",
    actions: "操作",
    edit: "编辑",
    prev: "上一页",
    next: "下一页",
    import_title: "导入联系人",
    import_file: "联系人文件（CSV 或 XLSX）",
    import_hint: "表头行：phone/电话/手机/号码，name/姓名，transfer/转接；其他列作为提示语变量。同一号码再次导入会被更新。",
    importing: "正在导入…",
    imported: "已导入的联系人：",
    rejected: "以下行未导入：",
    bad_kind: "只能导入 .csv 或 .xlsx 文件。",
    bad_kind_next: "请在表格软件中另存为 CSV UTF-8 或 XLSX 后重新选择。",
    edit_title: "编辑联系人",
    new_contact: "新建联系人",
    vars_hint: "每行一个“名称=值”，例如 level=金卡。名称只能包含字母、数字和下划线；name 和 phone 由上面的字段提供。",
    save: "保存联系人",
    saving: "正在保存…",
    saved: "已保存联系人",
    need_phone: "号码必须是 3–20 位数字，可带 +。",
    no_equals: "缺少“=”",
    bad_name: "名称只能包含字母、数字和下划线：",
    reserved: "由上面的字段提供，不能作为变量：",
    repeated: "变量重复：",
    preview_title: "提示语预览",
    template: "提示语模板",
    template_hint: "与部署的 KEFU_INBOUND_PROMPT 相同的模板：{name}、{phone} 与变量会被替换，{名称|默认值} 在没有值时使用默认值。默认模板如下。",
    heard: "来电者将听到：",
    simulate_title: "模拟呼入",
    simulate_intro: "让沙箱像平台一样为这个号码发起一次呼入查询，并显示机器人会做什么。",
    caller: "来电号码",
    call: "模拟来电",
    calling: "正在模拟来电…",
    not_sandbox: "本部署没有连接沙箱（KEFU_SANDBOX_URL），不能模拟呼入。",
    says: "机器人播放：",
    transfers: "转接到：",
    need_caller: "请填写来电号码。",
};

const EN: Words = Words {
    title: "Inbound",
    intro: "When someone calls, the platform asks this deployment who is calling (§9) and plays the prompt for that contact, or transfers the call.",
    directory: "Contacts",
    search: "Search contacts",
    search_hint: "The start of a number, or part of a name.",
    find: "Search",
    contacts: "contacts",
    none: "No contact found.",
    phone: "Number",
    name: "Name",
    transfer: "Transfer to",
    variables: "Prompt variables",
    actions: "Actions",
    edit: "Edit",
    prev: "Previous",
    next: "Next",
    import_title: "Import contacts",
    import_file: "Contacts file (CSV or XLSX)",
    import_hint: "Header row: phone/电话/手机/号码, name/姓名, transfer/转接; other columns become prompt variables. A number imported again is updated.",
    importing: "Importing…",
    imported: "Contacts imported: ",
    rejected: "These rows were not imported:",
    bad_kind: "Only .csv or .xlsx files can be imported.",
    bad_kind_next: "Save the file as CSV UTF-8 or XLSX in your spreadsheet, then choose it again.",
    edit_title: "Edit a contact",
    new_contact: "New contact",
    vars_hint: "One name=value a line, e.g. level=gold. Names hold letters, digits and _ only; name and phone come from the fields above.",
    save: "Save the contact",
    saving: "Saving…",
    saved: "Contact saved",
    need_phone: "The number must be 3–20 digits, optionally after +.",
    no_equals: "no “=”",
    bad_name: "a name holds letters, digits and _ only: ",
    reserved: "comes from the fields above, not a variable: ",
    repeated: "given twice: ",
    preview_title: "Prompt preview",
    template: "Prompt template",
    template_hint: "The same template as the deployment's KEFU_INBOUND_PROMPT: {name}, {phone} and the variables are filled in; {name|default} uses the default when there is no value. The default template is shown.",
    heard: "The caller will hear:",
    simulate_title: "Simulated inbound call",
    simulate_intro: "Have the sandbox make the lookup for this number as the platform would, and see what the bot then does.",
    caller: "Calling number",
    call: "Simulate the call",
    calling: "Simulating the call…",
    not_sandbox: "This deployment has no sandbox (KEFU_SANDBOX_URL), so inbound calls cannot be simulated.",
    says: "The bot says: ",
    transfers: "Transferred to: ",
    need_caller: "Enter the calling number.",
};

fn words(lang: Lang) -> &'static Words {
    lang.pick(&ZH_CN, &EN)
}

/// The edit form as typed.
#[derive(Clone, PartialEq, Default)]
struct Edit {
    phone: String,
    name: String,
    transfer: String,
    variables: String,
}

impl Edit {
    fn of(c: &ContactEntry) -> Edit {
        Edit {
            phone: c.phone.clone(),
            name: c.name.clone(),
            transfer: c.transfer.clone().unwrap_or_default(),
            variables: vars::format(&c.variables),
        }
    }

    /// The contact this form describes, or what is wrong with it (`(field id, why)`).
    fn contact(&self, w: &Words, lang: Lang) -> Result<ContactEntry, (&'static str, String)> {
        let phone = self.phone.trim();
        let digits = phone.strip_prefix('+').unwrap_or(phone);
        if !(3..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(("in-phone", w.need_phone.to_owned()));
        }
        let variables = vars::parse(&self.variables).map_err(|(line, p)| {
            let why = match p {
                VarProblem::NoEquals => w.no_equals.to_owned(),
                VarProblem::BadName(n) => format!("{}\"{n}\"", w.bad_name),
                VarProblem::Reserved(n) => format!("{}{n}", w.reserved),
                VarProblem::Repeated(n) => format!("{}{n}", w.repeated),
            };
            ("in-vars", lang.pick(format!("第{line}行：{why}"), format!("Line {line}: {why}")))
        })?;
        let transfer = self.transfer.trim();
        Ok(ContactEntry {
            phone: phone.to_owned(),
            name: self.name.trim().to_owned(),
            transfer: (!transfer.is_empty()).then(|| transfer.to_owned()),
            variables,
        })
    }
}

#[derive(Clone, PartialEq)]
enum Load<T> {
    Idle,
    Loading,
    Failed(Problem),
    Done(T),
}

/// The page.
#[component]
pub fn InboundPage(props: &PageProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    // The search as typed, and as applied with its offset.
    let typed = use_init(String::new());
    let applied = use_init((String::new(), 0u32));
    let attempt = use_init(0u32);
    let list = use_init(Load::<ContactPage>::Loading);
    let edit = use_init(Edit::default());
    let edit_invalid = use_init(None::<(&'static str, String)>);
    let saving = use_init(Load::<ContactEntry>::Idle);
    let import = use_init(Load::<ContactImport>::Idle);
    let template = use_init(DEFAULT_TEMPLATE.to_owned());
    {
        let (list, session) = (list.clone(), session.clone());
        use_effect_on(((*applied).clone(), *attempt), move |((q, offset), _)| {
            list.set(Load::Loading);
            let (q, offset) = (q.clone(), *offset);
            crate::task::spawn(async move {
                match session.client.results().contacts(&q, offset, PAGE).await {
                    Ok(page) => list.set(Load::Done(page)),
                    Err(e) => list.set(Load::Failed(session.problem(e))),
                }
            });
        });
    }
    let on_search = {
        let (typed, applied) = (typed.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            applied.set((typed.trim().to_owned(), 0));
        })
    };
    let on_type = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            use wasm_bindgen::JsCast;
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                typed.set(input.value());
            }
        })
    };
    let retry = kit::retry(&attempt);
    let page_to = |offset: u32| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| applied.set((applied.0.clone(), offset)))
    };
    let directory = match &*list {
        Load::Idle | Load::Loading => loading(lang, ""),
        Load::Failed(p) => problem_view(p, lang, Some(retry)),
        Load::Done(page) => {
            let offset = applied.1;
            let (from, to) = (offset + 1, offset + page.rows.len() as u32);
            html! {
                <>
                    <p role="status" class="contacts-count">{ format!("{} {}", page.total, w.contacts) }</p>
                    if page.rows.is_empty() {
                        <p>{ w.none }</p>
                    } else {
                        { kit::table("responsive contacts", w.directory, &[w.phone, w.name, w.transfer, w.variables, w.actions], html! { <>
                                { for page.rows.iter().map(|c| {
                                    let pick = {
                                        let (edit, edit_invalid, saving, c) = (edit.clone(), edit_invalid.clone(), saving.clone(), c.clone());
                                        Callback::from(move |_: MouseEvent| {
                                            edit.set(Edit::of(&c));
                                            edit_invalid.set(None);
                                            saving.set(Load::Idle);
                                            kit::focus_later("in-name");
                                        })
                                    };
                                    html! {
                                        <tr data-phone={c.phone.clone()}>
                                            <td data-label={w.phone} class="phone">{ &c.phone }</td>
                                            <td data-label={w.name} class="name">{ &c.name }</td>
                                            { kit::cell(w.transfer, c.transfer.as_deref().unwrap_or_default()) }
                                            <td data-label={w.variables}>
                                                { c.variables.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ") }
                                            </td>
                                            <td data-label={w.actions}>
                                                <button type="button" class="edit" onclick={pick} aria-label={format!("{} {} {}", w.edit, c.name, c.phone)}>{ w.edit }</button>
                                            </td>
                                        </tr>
                                    }
                                }) }
                        </> }) }
                        { kit::pager(w.directory, (w.prev, offset == 0, page_to(offset.saturating_sub(PAGE))),
                            html! { format!("{from}–{to} / {}", page.total) },
                            (w.next, u64::from(to) >= page.total, page_to(offset + PAGE))) }
                    }
                </>
            }
        }
    };

    // Import.
    let on_import = {
        let (import, attempt, session) = (import.clone(), attempt.clone(), session.clone());
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
            let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
            let name = file.name().to_ascii_lowercase();
            let format = if name.ends_with(".csv") || name.ends_with(".txt") {
                ContactsFormat::Csv
            } else if name.ends_with(".xlsx") {
                ContactsFormat::Xlsx
            } else {
                import.set(Load::Failed(Problem {
                    what: format!("{} ({})", w.bad_kind, file.name()),
                    next: w.bad_kind_next.to_owned(),
                }));
                return;
            };
            import.set(Load::Loading);
            let (import, attempt, session) = (import.clone(), attempt.clone(), session.clone());
            crate::task::spawn(async move {
                let bytes = match crate::browser::read_file(&file).await {
                    Ok(b) => b,
                    Err(e) => return import.set(Load::Failed(session.problem(e))),
                };
                match session.client.results().import_contacts(bytes, format).await {
                    Ok(done) => {
                        import.set(Load::Done(done));
                        attempt.set(*attempt + 1);
                    }
                    Err(e) => import.set(Load::Failed(session.problem(e))),
                }
                kit::focus_later("in-import-outcome");
            });
            if let Some(input) = input {
                input.set_value("");
            }
        })
    };
    let import_view = match &*import {
        Load::Idle => html! {},
        Load::Loading => loading(lang, w.importing),
        Load::Failed(p) => {
            html! { <div id="in-import-outcome" tabindex="-1">{ problem_view(p, lang, None) }</div> }
        }
        Load::Done(done) => html! {
            <div id="in-import-outcome" tabindex="-1">
                <p class="notice imported" role="status">{ w.imported }<strong>{ done.imported }</strong></p>
                if !done.rejected.is_empty() {
                    <p>{ w.rejected }</p>
                    <ul class="issues rejected">
                        { for done.rejected.iter().map(|r| html! {
                            <li>{ lang.pick(format!("第{}行：", r.line), format!("Line {}: ", r.line)) }{ &r.reason }</li>
                        }) }
                    </ul>
                }
            </div>
        },
    };

    // Edit one.
    let e = (*edit).clone();
    let on_save = {
        let (edit, edit_invalid, saving, attempt, session) =
            (edit.clone(), edit_invalid.clone(), saving.clone(), attempt.clone(), session.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let contact = match edit.contact(w, lang) {
                Ok(c) => c,
                Err(bad) => {
                    kit::focus_later(bad.0);
                    edit_invalid.set(Some(bad));
                    return;
                }
            };
            edit_invalid.set(None);
            saving.set(Load::Loading);
            let (edit, saving, attempt, session) =
                (edit.clone(), saving.clone(), attempt.clone(), session.clone());
            crate::task::spawn(async move {
                let change = ContactEdit {
                    name: contact.name.clone(),
                    transfer: contact.transfer.clone(),
                    variables: contact.variables.clone(),
                };
                match session.client.results().edit_contact(&contact.phone, &change).await {
                    Ok(saved) => {
                        edit.set(Edit::of(&saved));
                        saving.set(Load::Done(saved));
                        attempt.set(*attempt + 1);
                    }
                    Err(e) => saving.set(Load::Failed(session.problem(e))),
                }
            });
        })
    };
    let new_contact = {
        let (edit, edit_invalid, saving) = (edit.clone(), edit_invalid.clone(), saving.clone());
        Callback::from(move |_: MouseEvent| {
            edit.set(Edit::default());
            edit_invalid.set(None);
            saving.set(Load::Idle);
            kit::focus_later("in-phone");
        })
    };
    let bad = |id: &str| (*edit_invalid).as_ref().is_some_and(|(f, _)| *f == id);
    let save_view = match &*saving {
        Load::Idle => html! {},
        Load::Loading => loading(lang, w.saving),
        Load::Failed(p) => problem_view(p, lang, None),
        Load::Done(c) => html! { <p class="notice saved" role="status">{ w.saved }{ " " }{ &c.phone }</p> },
    };
    // The preview follows the form as typed (when it is valid).
    let preview = match e.contact(w, lang) {
        Ok(contact) => vars::preview(&template, &contact),
        Err(_) => vars::preview(
            &template,
            &ContactEntry {
                name: e.name.trim().to_owned(),
                phone: e.phone.trim().to_owned(),
                ..ContactEntry::default()
            },
        ),
    };
    let on_template = {
        let template = template.clone();
        Callback::from(move |ev: InputEvent| {
            use wasm_bindgen::JsCast;
            if let Some(area) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                template.set(area.value());
            }
        })
    };
    // A hook of the page rather than a component of its own: no component machinery for it.
    let simulate = use_simulate(&SimulateProps { session: session.clone(), phone: e.phone.clone() });

    html! {
        <section class="page inbound" aria-labelledby="page-title">
            { kit::title(w.title) }
            <p>{ w.intro }</p>

            <h2 id="in-dir-title">{ w.directory }</h2>
            <form class="row" role="search" aria-labelledby="in-dir-title" onsubmit={on_search}>
                <div class="field">
                    <label for="in-search">{ w.search }</label>
                    <input id="in-search" type="search" value={(*typed).clone()} oninput={on_type} aria-describedby="in-search-hint" />
                    { kit::hint("in-search-hint", w.search_hint) }
                </div>
                <button type="submit">{ w.find }</button>
            </form>
            { directory }

            <h2 id="in-import-title">{ w.import_title }</h2>
            <div class="field">
                <label for="in-import">{ w.import_file }</label>
                <input id="in-import" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    aria-describedby="in-import-hint" onchange={on_import} />
                { kit::hint("in-import-hint", w.import_hint) }
            </div>
            { import_view }

            <h2 id="in-edit-title">{ w.edit_title }</h2>
            <form class="edit-contact" onsubmit={on_save} novalidate=true aria-labelledby="in-edit-title">
                <div class="fields">
                    { kit::text_field(kit::TextField { id: "in-phone", label: w.phone, kind: None, inputmode: Some("tel"),
                        required: true, value: e.phone.clone(), invalid: bad("in-phone"), described: bad("in-phone").then_some("in-edit-error"),
                        onchange: setter(&edit, |f, v| f.phone = v) }) }
                    { kit::text_field(kit::TextField { id: "in-name", label: w.name, kind: None, inputmode: None,
                        required: false, value: e.name.clone(), invalid: false, described: None,
                        onchange: setter(&edit, |f, v| f.name = v) }) }
                    { kit::text_field(kit::TextField { id: "in-transfer", label: w.transfer, kind: None, inputmode: Some("tel"),
                        required: false, value: e.transfer.clone(), invalid: false, described: None,
                        onchange: setter(&edit, |f, v| f.transfer = v) }) }
                    <div class="field">
                        <label for="in-vars">{ w.variables }</label>
                        <textarea id="in-vars" rows="3" value={e.variables.clone()} aria-invalid={bad("in-vars").then_some("true")}
                            aria-describedby={if bad("in-vars") { "in-vars-hint in-edit-error" } else { "in-vars-hint" }}
                            onchange={setter(&edit, |f, v| f.variables = v)} />
                        { kit::hint("in-vars-hint", w.vars_hint) }
                    </div>
                </div>
                if let Some((_, why)) = (*edit_invalid).as_ref() {
                    <p class="alert" role="alert" id="in-edit-error">{ why.clone() }</p>
                }
                <div class="row">
                    <button type="submit" class="primary" disabled={*saving == Load::Loading}>{ w.save }</button>
                    <button type="button" onclick={new_contact}>{ w.new_contact }</button>
                </div>
            </form>
            { save_view }

            <h2 id="in-preview-title">{ w.preview_title }</h2>
            <div class="field">
                <label for="in-template">{ w.template }</label>
                <textarea id="in-template" rows="2" value={(*template).clone()} oninput={on_template} aria-describedby="in-template-hint" />
                { kit::hint("in-template-hint", w.template_hint) }
            </div>
            <p>{ w.heard }</p>
            <p class="prompt-preview notice" aria-live="polite">{ readable(&preview) }</p>

            { simulate }
        </section>
    }
}

/// What the simulated call needs.
struct SimulateProps {
    session: Session,
    /// The number in the edit form (the default caller).
    phone: String,
}

/// The simulated inbound call (sandbox deployments only).
#[hook]
fn use_simulate(props: &SimulateProps) -> Html {
    let session = props.session.clone();
    let lang = session.lang;
    let w = words(lang);
    let sandbox = use_init(None::<bool>);
    let caller = use_init(String::new());
    let missing = use_init(false);
    let outcome = use_init(Load::<SimulatedInbound>::Idle);
    {
        let (sandbox, session) = (sandbox.clone(), session.clone());
        use_effect_on((), move |()| {
            crate::task::spawn(async move {
                // Unknown (a failed check) counts as available: the call itself then says why not.
                let on = session.client.results().deployment().await.map_or(true, |d| d.sandbox);
                sandbox.set(Some(on));
            });
        });
    }
    {
        let caller = caller.clone();
        use_effect_on(props.phone.clone(), move |phone| caller.set(phone.trim().to_owned()));
    }
    let onsubmit = {
        let (caller, missing, outcome, session) =
            (caller.clone(), missing.clone(), outcome.clone(), session.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let number = caller.trim().to_owned();
            if number.is_empty() {
                missing.set(true);
                kit::focus_later("in-caller");
                return;
            }
            missing.set(false);
            outcome.set(Load::Loading);
            let (outcome, session) = (outcome.clone(), session.clone());
            crate::task::spawn(async move {
                match session.client.results().simulate_inbound(&number).await {
                    Ok(done) => outcome.set(Load::Done(done)),
                    Err(e) => outcome.set(Load::Failed(session.problem(e))),
                }
                kit::focus_later("in-sim-outcome");
            });
        })
    };
    let on_caller = kit::setter(&caller, |c, v| *c = v);
    let result = match &*outcome {
        Load::Idle => html! {},
        Load::Loading => loading(lang, w.calling),
        Load::Failed(p) => {
            html! { <div id="in-sim-outcome" tabindex="-1">{ problem_view(p, lang, None) }</div> }
        }
        Load::Done(done) => html! {
            <div id="in-sim-outcome" class="notice simulated" tabindex="-1" role="status" data-action={done.action.clone()}>
                <p>{ w.says }<span class="sim-prompt">{ readable(&done.prompt) }</span></p>
                if let Some(t) = done.transfer.as_ref() {
                    <p>{ w.transfers }<span class="sim-transfer">{ t }</span></p>
                }
            </div>
        },
    };
    html! {
        <>
            <h2 id="in-sim-title">{ w.simulate_title }</h2>
            <p>{ w.simulate_intro }</p>
            if *sandbox == Some(false) {
                <p class="notice">{ w.not_sandbox }</p>
            } else {
                <form class="row" onsubmit={onsubmit} novalidate=true aria-labelledby="in-sim-title">
                    { kit::text_field(kit::TextField { id: "in-caller", label: w.caller, kind: None, inputmode: Some("tel"),
                        required: false, value: (*caller).clone(), invalid: *missing, described: (*missing).then_some("in-caller-error"),
                        onchange: on_caller }) }
                    <button type="submit" disabled={*outcome == Load::Loading}>{ w.call }</button>
                </form>
                if *missing { <p class="alert" role="alert" id="in-caller-error">{ w.need_caller }</p> }
                { result }
            }
        </>
    }
}
