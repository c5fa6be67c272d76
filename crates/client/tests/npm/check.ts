// Type-checked, never run: `cargo xtask test` compiles this file with `tsc --strict --noEmit`
// against the built package's `kefu_client.d.ts` (see `crates/xtask/src/suites.rs`), and first
// checks that every name the declarations export, and every member of their classes, is used
// here. It is written as a user of the package would: inputs as full object literals (a removed
// or renamed field is an excess or missing property) and as the least each accepts (a field
// that turns required fails), results read field by field into annotated variables, without
// `?.` or `!` (a removed, renamed or retyped field fails, and so does one that turns optional or
// nullable), and each call's result assigned to the type its documentation promises. What an
// answer may lack or hold `null` in is pinned exactly (`exact`): a field is optional only where
// kefu leaves it out of the object (serde's `skip_serializing_if`), `| null` only where it
// writes `null` (an `Option` it keeps).

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
  type CallCenterPaths,
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
  type ChatOptions,
  type ChatPhase,
  type ClientOptions,
  type Cmd,
  type ContactEdit,
  type ContactEntry,
  type ContactImport,
  type ContactPage,
  type ConversationLogQuery,
  type ConversationLog,
  type CreatedTask,
  type DebugInfo,
  type DialogType,
  type DialogueLine,
  type EmbeddedJsonList,
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
  type OutnumForm,
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

/** `true` only when `A` and `B` are the same type (optional and `null` included). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
/** Compiles only when its type argument is `true`. */
function exact<T extends true>(): void {}

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
      const userData: string | null = e.userData;
      const debug: DebugInfo | null = e.debugInfo;
      exact<Same<typeof e.userData, string | null>>();
      exact<Same<typeof e.debugInfo, DebugInfo | null>>();
      // Each of these is left out when the platform did not send it.
      exact<Same<DebugInfo, {
        promptSource?: PromptSource; intentSource?: IntentSource; intent?: string; score?: number;
        currentStateId?: string; lastStateId?: string;
      }>>();
      const source: PromptSource | undefined = debug?.promptSource;
      const intentSource: IntentSource | undefined = debug?.intentSource;
      const intent: string | undefined = debug?.intent;
      const score: number | undefined = debug?.score;
      const state: string | undefined = debug?.currentStateId;
      const last: string | undefined = debug?.lastStateId;
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
  const options: ChatOptions = {
    appId: "200000000",
    botId: "134614200106471424",
    channel: "h5",
    vars: { name: "张三", age: 30, vip: true, note: null },
    userData: "order-7",
    autoAcknowledge: false,
  };
  const session: ChatSession = await client.startChat(options);
  const least: ChatOptions = { channel: "h5" };
  client.resumeChat(least, "sid").free();
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
    const botId: string = bot.botId;
    const botName: string = bot.botName;
    void [botId, botName];
  }
  const request: AddTaskRequest = {
    appId: "200000000",
    taskName: "回访",
    isRecord: 2,
    botId: "134614200106471424",
    voice: "female",
    disnumber: "01012345678",
    teamUrl: "https://example.com/team",
    forbidPolicy: ["1"],
    recallPolicy: ["486"],
    recallInterval: 30,
    isRingAsr: 1,
    ringAsrCode: ["1"],
    makecallTimeout: 45,
  };
  const least: AddTaskRequest = {
    appId: "200000000", taskName: "回访", botId: "134614200106471424", voice: "female", disnumber: "01012345678",
  };
  await ops.addTask(least);
  await ops.taskList({ appId: "200000000" });
  const added: Promise<AddTaskResult> = ops.addTask(request);
  const taskId: string = (await added).taskId;
  const query: TaskListRequest = { appId: "200000000", taskName: "回访", taskId, pageNo: 1, pageSize: 10 };
  const tasks: Promise<Page<Task>> = ops.taskList(query);
  const page: Page<Task> = await tasks;
  const total: number = page.total;
  const pageNo: number | null = page.pageNo;
  const pageSize: number | null = page.pageSize;
  const pages: number | null = page.totalPages;
  exact<Same<[Page<Task>["pageNo"], Page<Task>["pageSize"], Page<Task>["totalPages"]], [number | null, number | null, number | null]>>();
  const skipped: SkippedRow[] = page.skipped;
  for (const s of skipped) {
    const at: number = s.index;
    const why: string = s.reason;
    void [at, why];
  }
  for (const t of page.rows) {
    const fields: [string, string, string, string, string, string[], string[]] = [
      t.appId, t.taskName, t.botId, t.voice, t.disnumber, t.forbidPolicy, t.recallPolicy,
    ];
    const absent: [string?, number?, string?, number?] = [t.taskId, t.isRecord, t.teamUrl, t.recallInterval];
    exact<Same<Pick<Task, "taskId" | "isRecord" | "teamUrl" | "recallInterval">, {
      taskId?: string; isRecord?: number; teamUrl?: string; recallInterval?: number;
    }>>();
    void [fields, absent];
  }
  const followed: Promise<FollowedDialog[]> = ops.followedData("session-1");
  for (const d of await followed) {
    const type: DialogType = d.dialogType;
    const content: string = d.content;
    const created: Timestamp = d.createTime;
    void [type, content, created];
  }
  const form: OutnumForm = {
    appId: "200000000",
    taskId,
    callCount: 1,
    fileSuffix: "csv",
    disnumGroupId: "1",
    callSnName: "五月",
  };
  const leastForm: OutnumForm = { appId: "200000000", taskId, callCount: 1, fileSuffix: "txt", disnumGroupId: "1" };
  await ops.outnum(leastForm, new Blob(["13912345678\n"]), "numbers.txt");
  const uploaded: Promise<OutnumResult> = ops.outnum(form, new Blob(["phone\n13912345678\n"]), "numbers.csv");
  const result: OutnumResult = await uploaded;
  const callSn: string = result.callSn;
  const callCount: number = result.callCount;
  void [total, pageNo, pageSize, pages, callSn, callCount];
}

/** Seed 000's outbound calls. */
async function outbound(client: KefuClient): Promise<void> {
  const ops: Outbound = client.outbound();
  const request: CallRequest = { caseId: "C-1", mediationId: "20", callAuto: 0, callPersonId: "P-1" };
  const placed: Promise<PlacedCall[]> = ops.call(request);
  for (const c of await placed) {
    const code: CallErrorCode = c.errorCode;
    const message: string = c.message;
    type N = number | null;
    const numbers: [N, N, N, N, N, N] = [c.id, c.mediationId, c.nodeId, c.personType, c.mediationType, c.deleteStatus];
    type S = string | null;
    const texts: [S, S, S, S, S, S, S] = [c.taskName, c.personId, c.jobId, c.instanceId, c.jobGroupId, c.scriptId, c.creator];
    type T = Timestamp | null;
    const times: [T, T, T] = [c.createTime, c.modifyTime, c.startTime];
    const status: CallStatus | null = c.callStatus;
    exact<Same<[PlacedCall["id"], PlacedCall["jobId"], PlacedCall["createTime"], PlacedCall["callStatus"]], [N, S, T, CallStatus | null]>>();
    const opaque: unknown[] = [c.result, c.remark, c.modifier, c.callInterval];
    void [code, message, numbers, texts, times, status, opaque];
  }
  const logQuery: ConversationLogQuery = { caseId: "C-1", personId: "P-1", jobId: "J-1" };
  const logs: Promise<ConversationLog[]> = ops.conversationLog(logQuery);
  for (const log of await logs) {
    const callType: string = log.callType;
    const jobId: string = log.jobId;
    const status: CallStatus = log.callStatus;
    const recordUrl: string = log.recordUrl;
    const turns: EmbeddedJsonList<Turn> = log.conversations;
    for (const turn of turns) {
      const at: number = turn.timestamp;
      const speaker: Speaker = turn.speaker;
      const script: string | null = turn.script;
      exact<Same<Turn["script"], string | null>>();
      const action: Action = turn.action;
      void [at, speaker, script, action];
    }
    void [callType, jobId, status, recordUrl];
  }
  const statusQuery: StatusQuery = { caseRef: "C-1", phoneNumber: "13912345678", jobId: "J-1" };
  await ops.conversationLog({});
  await ops.status({});
  const job: Promise<JobStatus> = ops.status(statusQuery);
  const s: JobStatus = await job;
  const callStatus: CallStatus = s.callStatus;
  const texts: [string, string, string, Timestamp, string, string] = [
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
  await ops.records({ callType: "01" });
  await ops.callTasks({ pageNum: 1, pageSize: 10 });
  const records: Promise<Page<CallRecord>> = ops.records(recordsQuery);
  for (const r of (await records).rows) {
    const uuid: string = r.uuid;
    const type: CallType | undefined = r.callType;
    exact<Same<Pick<CallRecord, "callType">, { callType?: CallType }>>();
    const times: [Timestamp, Timestamp, Timestamp] = [r.calloutTime, r.answeredTime, r.callEndTime];
    const texts: [string, string, string] = [r.telephone, r.hangupCause, r.wavFileUrl];
    const extension: string | null = r.extnum;
    exact<Same<CallRecord["extnum"], string | null>>();
    const dialogue: DialogueLine[] = r.dialogue;
    const role: string = dialogue[0].role;
    const content: string = dialogue[0].content;
    const seconds: number = r.timeLen;
    void [uuid, type, times, texts, extension, role, content, seconds];
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
    const numbers: [number, number, number | null] = [t.taskType, t.createTime, t.stopTime];
    const connected: boolean | null = t.connected;
    exact<Same<[CallTask["stopTime"], CallTask["connected"]], [number | null, boolean | null]>>();
    const texts: [string, string, string, string, string, string] = [
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
    const head: [string, string, string, number, number] = [t.taskId, t.taskName, t.label, t.firstSeenMs, t.calls];
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
      r.callId, r.taskId, r.callSn, r.num, r.state, r.stateLabel, r.answered,
    ];
    const times: [Timestamp?, Timestamp?, Timestamp?] = [r.startTime, r.answeredTime, r.endTime];
    const rest: [number?, HangupBy?, number?, string?, string?] = [r.duration, r.hangupBy, r.round, r.grade, r.recording];
    // Each left out until the platform has pushed it.
    exact<Same<Omit<CallRow, "callId" | "taskId" | "callSn" | "num" | "state" | "stateLabel" | "answered">, {
      startTime?: Timestamp; answeredTime?: Timestamp; endTime?: Timestamp; duration?: number; hangupBy?: HangupBy;
      round?: number; grade?: string; recording?: string;
    }>>();
    void [ids, times, rest];
  }
  exact<Same<Pick<CallDetail, "callSnName">, { callSnName?: string }>>();
  const about: [string, string, string, string, string?] = [
    detail.taskName, detail.botId, detail.botName, detail.label, detail.callSnName,
  ];
  for (const turn of detail.turns as CallTurn[]) {
    const line: [string, Timestamp, DialogType?, string?] = [turn.text, turn.msgTime, turn.dialogType, turn.intentionName];
    exact<Same<Pick<CallTurn, "dialogType" | "intentionName">, { dialogType?: DialogType; intentionName?: string }>>();
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
    minDuration: 1,
    maxDuration: 600,
    num: "138",
    offset: 0,
    limit: 50,
  };
  const page: Promise<CallPage> = ops.calls("1", filter);
  const detail: Promise<CallDetail> = ops.call("c-1");
  results(await list, await page, await detail);
  const csv: string = ops.callsCsvUrl("1", {});
  await ops.editContact("13800000000", {});
  const contacts: Promise<ContactPage> = ops.contacts("138", 0, 50);
  const found: ContactPage = await contacts;
  const total: number = found.total;
  for (const c of found.rows as ContactEntry[]) {
    const fields: [string, string, Record<string, string>] = [c.phone, c.name, c.variables];
    const transfer: string | undefined = c.transfer;
    exact<Same<Pick<ContactEntry, "transfer">, { transfer?: string }>>();
    void [fields, transfer];
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
  const callcenterPaths: CallCenterPaths = {
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
  (await KefuClient.create({ endpoint: "https://kefu.example.com", callcenterPaths: {} })).free();
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
