// Type-checked, never run: `cargo xtask test` compiles this file with `tsc --strict --noEmit`
// against the built package's `kefu_client.d.ts` (see `crates/xtask/src/suites.rs`), and first
// checks that every name the declarations export, and every member of their classes, is used
// here. It is written as a user of the package would: inputs as full object literals (a removed
// or renamed field is an excess or missing property), results read field by field into
// annotated variables (a removed, renamed or retyped field fails), and each call's result
// assigned to the type its documentation promises.

import init, {
  initSync,
  CallCenter,
  ChatSession,
  Coeus,
  KefuClient,
  Outbound,
  Results,
  type Action,
  type AddTaskRequest,
  type AddTaskResult,
  type BotSummary,
  type CallErrorCode,
  type CallMode,
  type CallCenterPathOptions,
  type CallDetail,
  type CallPage,
  type CallQuery,
  type CallRow,
  type CallTurn,
  type CallRecord,
  type CallRequest,
  type CallStatus,
  type CallTask,
  type CallTaskQuery,
  type CallType,
  type Channel,
  type ChatEvent,
  type ChatEventName,
  type ChatPhase,
  type ClientOptions,
  type Cmd,
  type ContactEdit,
  type ContactEntry,
  type ContactImport,
  type ContactPage,
  type ConversationLogQuery,
  type ConversationLogView,
  type CreatedTask,
  type DebugInfo,
  type DialogType,
  type DialogueLine,
  type FileSuffix,
  type FollowedDialog,
  type GradeCount,
  type HangupBy,
  type InitInput,
  type InitOutput,
  type IntentSource,
  type JobStatus,
  type JsonList,
  type KefuError,
  type KefuErrorKind,
  type OutnumFields,
  type OutnumResult,
  type Page,
  type PlacedCall,
  type PromptSource,
  type RecordsQuery,
  type RejectedLine,
  type Rows,
  type SkippedRow,
  type Speaker,
  type StateCount,
  type StartChatOptions,
  type StatusQuery,
  type Suggestion,
  type SyncInitInput,
  type Task,
  type TaskList,
  type TaskSummary,
  type TaskListRequest,
  type Ticket,
  type Timestamp,
  type Turn,
} from "kefu-client";

// The enumerations: every documented value is accepted, and so is an unknown one.
const channels: Channel[] = ["h5", "wx_oa", "wx_mp", "wx_work", "weibo", "email", "app", "later"];
const cmds: Cmd[] = ["evt.say", "evt.wait", "evt.finish", "evt.transfer", "evt.input", "evt.complete"];
const statuses: CallStatus[] = ["Scheduling", "Executing", "Succeeded", "Paused", "Failed", "Cancelled", "Drafted"];
const actions: Action[] = ["BeginDialogue", "EndDialogue", "TransferToAgent", "Error", "Other"];
const speakers: Speaker[] = ["Robot", "Contact"];
const callTypes: CallType[] = ["01", "02", "03"];
const suffixes: FileSuffix[] = ["excel", "csv", "txt"];
const hangups: HangupBy[] = [1, 2];
const dialogTypes: DialogType[] = [1, 2];
const errorCodes: CallErrorCode[] = [0, 1001, 1002];
const modes: CallMode[] = [0, 1];
const promptSources: PromptSource[] = [1, 2];
const intentSources: IntentSource[] = [1, 2, 3, 4, 5];
const when: Timestamp = "2024-05-01 10:00:00";
const list: JsonList<string> = ["a"];

/** Every field of a chat event, by its type. */
function onEvent(e: ChatEvent): string {
  switch (e.type) {
    case "started": {
      const sid: string = e.sid;
      const restarted: boolean = e.restarted;
      return sid + String(restarted);
    }
    case "say": {
      const prompt: string = e.prompt;
      const promptId: string = e.promptId;
      const suggestions: Suggestion[] = e.suggestions;
      const title: string = suggestions[0].title;
      const question: string = suggestions[0].question;
      const vars: Record<string, unknown> = e.vars;
      const userData: string | undefined = e.userData;
      const debug: DebugInfo | undefined = e.debugInfo;
      const source: PromptSource | undefined = debug?.prompt_source;
      const intentSource: IntentSource | undefined = debug?.intent_source;
      const intent: string | undefined = debug?.intent;
      const score: number | undefined = debug?.score;
      const state: string | undefined = debug?.current_state_id;
      const last: string | undefined = debug?.last_state_id;
      return [prompt, promptId, title, question, vars, userData, source, intentSource, intent, score, state, last].join();
    }
    case "wait":
    case "expired":
    case "stopped":
      return e.type;
    case "finish":
    case "transfer": {
      const prompt: string = e.prompt;
      return prompt;
    }
    case "messageQueued": {
      const id: number = e.id;
      const text: string = e.text;
      return id + text;
    }
    case "messageSent": {
      const id: number = e.id;
      return String(id);
    }
    case "messageFailed": {
      const id: number = e.id;
      const text: string = e.text;
      const error: string = e.error;
      return id + text + error;
    }
    case "error": {
      const message: string = e.message;
      return message;
    }
  }
}

/** The chat: every method of `ChatSession`, with the types its documentation gives. */
async function chat(client: KefuClient): Promise<void> {
  const options: StartChatOptions = {
    appId: "200000000",
    botId: "134614200106471424",
    channel: "h5",
    vars: { name: "张三", age: 30, vip: true, note: null },
    userData: "order-7",
    autoAcknowledge: false,
  };
  const session: ChatSession = await client.startChat(options);
  const names: ChatEventName[] = ["say", "wait", "finish", "transfer", "error", "message", "started", "expired", "stopped"];
  for (const name of names) {
    session.on(name, (e: ChatEvent) => void onEvent(e));
  }
  const sent: Promise<number> = session.send("你好");
  const id: number = await sent;
  const again: Promise<number> = session.resend(id);
  await again;
  const acknowledged: void = session.acknowledge("prompt-1");
  const retried: void = session.retry();
  const restarted: void = session.restart();
  const phase: ChatPhase = session.phase;
  const phases: ChatPhase[] = ["idle", "starting", "botSpeaking", "waitingForUser", "finished", "transferred", "stopped", "expired", "failed"];
  const sid: string | undefined = session.sid;
  const resumable: string | undefined = session.resumableSid;
  const stopped: void = session.stop();
  void [acknowledged, retried, restarted, phase, phases, sid, stopped];
  if (resumable !== undefined) {
    const resumed: ChatSession = client.resumeChat(options, resumable);
    resumed.free();
  }
  session.free();
  session[Symbol.dispose]();
}

/** What every rejection and throw of the package is. */
export function failure(e: unknown): string {
  const error = e as KefuError;
  const name: "KefuError" = error.name;
  const kind: KefuErrorKind = error.kind;
  const kinds: KefuErrorKind[] = ["network", "timeout", "refused", "platform", "invalidInput", "expired"];
  const code: number | string | undefined = error.code;
  const message: string = error.message;
  return [name, kind, kinds, code, message].join();
}

/** Seed 002's operator queries. */
async function coeus(client: KefuClient): Promise<void> {
  const ops: Coeus = client.coeus();
  const bots: Promise<BotSummary[]> = ops.syncPrompt("200000000");
  for (const bot of await bots) {
    const botId: string = bot.bot_id;
    const botName: string | undefined = bot.bot_name;
    void [botId, botName];
  }
  const request: AddTaskRequest = {
    app_id: "200000000",
    task_name: "回访",
    is_record: 2,
    bot_id: "134614200106471424",
    voice: "female",
    disnumber: "01012345678",
    team_url: "https://example.com/team",
    forbid_policy: ["1"],
    recall_policy: ["486"],
    recall_interval: 30,
    is_ring_asr: 1,
    ring_asr_code: ["1"],
    makecall_timeout: 45,
  };
  const added: Promise<AddTaskResult> = ops.addTask(request);
  const taskId: string = (await added).task_id;
  const query: TaskListRequest = { app_id: "200000000", task_name: "回访", task_id: taskId, page_no: 1, page_size: 10 };
  const tasks: Promise<Page<Task>> = ops.taskList(query);
  const page: Page<Task> = await tasks;
  const total: number = page.total;
  const pageNo: number | undefined = page.page_no;
  const pageSize: number | undefined = page.page_size;
  const pages: number | undefined = page.total_pages;
  const skipped: SkippedRow[] | undefined = page.skipped;
  for (const s of skipped ?? []) {
    const at: number = s.index;
    const why: string = s.reason;
    void [at, why];
  }
  for (const t of page.rows) {
    const fields: [string?, string?, string?, number?, string?, string?, string?, string?, string[]?, string[]?, number?] = [
      t.task_id, t.app_id, t.task_name, t.is_record, t.bot_id, t.voice, t.disnumber, t.team_url,
      t.forbid_policy, t.recall_policy, t.recall_interval,
    ];
    void fields;
  }
  const followed: Promise<FollowedDialog[]> = ops.followedData("session-1");
  for (const d of await followed) {
    const type: DialogType = d.dialog_type;
    const content: string | undefined = d.content;
    const created: Timestamp | undefined = d.create_time;
    void [type, content, created];
  }
  const fields: OutnumFields = {
    appId: "200000000",
    taskId,
    callCount: 1,
    fileSuffix: "csv",
    disnumGroupId: "1",
    callSnName: "五月",
  };
  const uploaded: Promise<OutnumResult> = ops.outnum(fields, new Blob(["phone\n13912345678\n"]), "numbers.csv");
  const result: OutnumResult = await uploaded;
  const callSn: string = result.call_sn;
  const callCount: number = result.call_count;
  void [total, pageNo, pageSize, pages, callSn, callCount];
}

/** Seed 000's outbound calls. */
async function outbound(client: KefuClient): Promise<void> {
  const ops: Outbound = client.outbound();
  const request: CallRequest = { caseId: "C-1", mediationId: "20", callAuto: 0, callPersonId: "P-1" };
  const placed: Promise<PlacedCall[]> = ops.call(request);
  for (const c of await placed) {
    const code: CallErrorCode = c.errorCode;
    const message: string | undefined = c.message;
    const numbers: [number?, number?, number?, number?, number?, number?] = [
      c.id, c.mediationId, c.nodeId, c.personType, c.mediationType, c.deleteStatus,
    ];
    const texts: [string?, string?, string?, string?, string?, string?, string?] = [
      c.taskName, c.personId, c.jobId, c.instanceId, c.jobGroupId, c.scriptId, c.creator,
    ];
    const times: [Timestamp?, Timestamp?, Timestamp?] = [c.createTime, c.modifyTime, c.startTime];
    const status: CallStatus | undefined = c.callStatus;
    const opaque: unknown[] = [c.result, c.remark, c.modifier, c.callInterval];
    void [code, message, numbers, texts, times, status, opaque];
  }
  const logQuery: ConversationLogQuery = { caseId: "C-1", personId: "P-1", jobId: "J-1" };
  const logs: Promise<ConversationLogView[]> = ops.conversationLog(logQuery);
  for (const log of await logs) {
    const callType: string = log.callType;
    const jobId: string = log.jobId;
    const status: CallStatus = log.callStatus;
    const recordUrl: string = log.recordUrl;
    const turns: Turn[] = log.conversations;
    for (const turn of turns) {
      const at: number = turn.timestamp;
      const speaker: Speaker = turn.speaker;
      const script: string | undefined = turn.script;
      const action: Action = turn.action;
      void [at, speaker, script, action];
    }
    void [callType, jobId, status, recordUrl];
  }
  const statusQuery: StatusQuery = { caseRef: "C-1", phoneNumber: "13912345678", jobId: "J-1" };
  const job: Promise<JobStatus> = ops.status(statusQuery);
  const s: JobStatus = await job;
  const callStatus: CallStatus = s.callStatus;
  const texts: [string?, string?, string?, Timestamp?, string?, string?] = [
    s.caseRef, s.phoneNumber, s.jobId, s.fetchTime, s.jobGroupId, s.instanceId,
  ];
  void [callStatus, texts];
}

/** Seed 001's call-center. */
async function callcenter(client: KefuClient): Promise<void> {
  const ops: CallCenter = client.callcenter();
  const recordsQuery: RecordsQuery = {
    callType: "02",
    uuid: "1",
    pageNum: 1,
    pageSize: 10,
    telephone: "13912345678",
    calloutTimeStart: "2024-05-01 00:00:00",
    calloutTimeEnd: "2024-05-02 00:00:00",
    timeLenStart: 0,
    timeLenEnd: 600,
    extnum: "8001",
  };
  const records: Promise<Page<CallRecord>> = ops.records(recordsQuery);
  for (const r of (await records).rows) {
    const uuid: string = r.uuid;
    const type: CallType | undefined = r.callType;
    const times: [Timestamp?, Timestamp?, Timestamp?] = [r.calloutTime, r.answeredTime, r.callEndTime];
    const texts: [string?, string?, string?, string?] = [r.telephone, r.hangupCause, r.wavFileUrl, r.extnum];
    const dialogue: DialogueLine[] | undefined = r.dialogue;
    const role: string | undefined = dialogue?.[0].role;
    const content: string | undefined = dialogue?.[0].content;
    const seconds: number | undefined = r.timeLen;
    void [uuid, type, times, texts, role, content, seconds];
  }
  const taskQuery: CallTaskQuery = {
    pageNum: 1,
    pageSize: 10,
    batchId: 7,
    batchName: "五月",
    createTimeStart: "2024-05-01 00:00:00",
    createTimeEnd: "2024-05-02 00:00:00",
  };
  const callTasks: Promise<Page<CallTask>> = ops.callTasks(taskQuery);
  for (const t of (await callTasks).rows) {
    const batchId: number = t.batchId;
    const numbers: [number?, number?, number?] = [t.taskType, t.createtime, t.stopTime];
    const connected: boolean | undefined = t.connected;
    const texts: [string?, string?, string?, string?, string?, string?] = [
      t.ticketNo, t.phone, t.username, t.ticketType, t.ticketContent, t.status,
    ];
    void [batchId, numbers, connected, texts];
  }
  const tickets: Ticket[] = [
    { ticketNo: "T-1", phone: "13912345678", username: "张三", ticketType: "回访", ticketContent: "满意度" },
  ];
  const created: Promise<CreatedTask[]> = ops.createTasks(tickets);
  const ids: number[] = (await created).map((c: CreatedTask) => c.batchId);
  const ticketNos: string[] = (await created).map((c: CreatedTask) => c.ticketNo);
  const stopped: Promise<void> = ops.stopTasks(ids);
  await stopped;
  const url: string = ops.recordingUrl("ai_call/2024/05/01/10/1.wav");
  void [ticketNos, url];
}

/** A list of records as the declarations name it. */
export function rowCount(lines: Rows<DialogueLine>): number {
  return lines.length;
}

/** The callback results' types (kefu-callbacks' `/kefu/v1/` routes), read field by field. */
export function results(list: TaskList, page: CallPage, detail: CallDetail): void {
  for (const t of list.tasks as TaskSummary[]) {
    const head: [string, string, string, number, number] = [t.task_id, t.task_name, t.label, t.first_seen_ms, t.calls];
    for (const s of t.states as StateCount[]) {
      const state: [number, string, number] = [s.state, s.label, s.count];
      void state;
    }
    for (const g of t.grades as GradeCount[]) {
      const grade: [string, number] = [g.grade, g.count];
      void grade;
    }
    void head;
  }
  const total: number = page.total;
  const rows: CallRow[] = page.rows;
  for (const r of rows) {
    const ids: [string, string, string, string, number, string, boolean] = [
      r.call_id, r.task_id, r.call_sn, r.num, r.state, r.state_label, r.answered,
    ];
    const times: [Timestamp?, Timestamp?, Timestamp?] = [r.start_time, r.answered_time, r.end_time];
    const rest: [number?, HangupBy?, number?, string?, string?] = [r.duration, r.hangup_by, r.round, r.grade, r.recording];
    void [ids, times, rest];
  }
  const about: [string, string, string, string, string?] = [
    detail.task_name, detail.bot_id, detail.bot_name, detail.label, detail.call_sn_name,
  ];
  for (const turn of detail.turns as CallTurn[]) {
    const line: [string, Timestamp, DialogType?, string?] = [turn.text, turn.msg_time, turn.dialog_type, turn.intention_name];
    void line;
  }
  void [total, about];
}

/** The callback results and the §9 contacts through the proxy's `/kefu/v1/` routes. */
async function callbackResults(client: KefuClient, file: Blob): Promise<void> {
  const ops: Results = client.results();
  const list: Promise<TaskList> = ops.tasks();
  const filter: CallQuery = {
    state: 785,
    grade: "A类",
    answered: true,
    min_duration: 1,
    max_duration: 600,
    num: "138",
    offset: 0,
    limit: 50,
  };
  const page: Promise<CallPage> = ops.calls("1", filter);
  const detail: Promise<CallDetail> = ops.call("c-1");
  results(await list, await page, await detail);
  const csv: string = ops.callsCsvUrl("1", {});
  const contacts: Promise<ContactPage> = ops.contacts("138", 0, 50);
  const found: ContactPage = await contacts;
  const total: number = found.total;
  for (const c of found.rows as ContactEntry[]) {
    const fields: [string, string?, string?, Record<string, string>?] = [c.phone, c.name, c.transfer, c.variables];
    void fields;
  }
  const imported: Promise<ContactImport> = ops.importContacts(file, "csv");
  const report: ContactImport = await imported;
  const count: number = report.imported;
  for (const r of report.rejected as RejectedLine[]) {
    const at: [number, string] = [r.line, r.reason];
    void at;
  }
  const edit: ContactEdit = { name: "王先生", transfer: "02188886666", variables: { level: "vip" } };
  const edited: Promise<ContactEntry> = ops.editContact("13800000000", edit);
  void [csv, total, count, await edited];
}

/** Loading the module, both ways, and the client's own lifecycle. */
export async function main(wasm: InitInput, bytes: SyncInitInput): Promise<void> {
  const loaded: InitOutput = await init({ module_or_path: wasm });
  const memory: WebAssembly.Memory = loaded.memory;
  const again: InitOutput = initSync({ module: bytes });
  const callcenterPaths: CallCenterPathOptions = {
    recordsList: "/api/aicall/records/list",
    callTaskList: "/api/aicall/calltask/list",
    createTasks: "/api/aicall/createTasks",
    stopTasks: "/aicall/stopTasks",
    recordings: "/recordings/files",
  };
  const clientOptions: ClientOptions = {
    endpoint: "https://kefu.example.com",
    operatorToken: "t",
    timeoutMs: 10_000,
    sessionTtlMs: 600_000,
    callcenterPaths,
  };
  const created: Promise<KefuClient> = KefuClient.create(clientOptions);
  const client: KefuClient = await created;
  await chat(client);
  await coeus(client);
  await outbound(client);
  await callcenter(client);
  await callbackResults(client, new Blob(["phone,name\n13800000000,王先生\n"]));
  client.free();
  client[Symbol.dispose]();
  void [memory, again, channels, cmds, statuses, actions, speakers, callTypes, suffixes, hangups, dialogTypes];
  void [errorCodes, modes, promptSources, intentSources, when, list];
}
