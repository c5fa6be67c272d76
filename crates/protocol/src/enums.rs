//! Every enumeration the documents define. Unknown values decode into an `Other` variant and
//! encode back unchanged, so a platform that adds a value never breaks a client.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the documents do not list, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every documented value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire form.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(s) => s,
                }
            }

            /// `values` by their wire forms, for messages: `h5, wx_mp, app` (pass
            /// [`Self::ALL`] for every documented value).
            pub fn listed(values: &[$name]) -> String {
                let mut out = String::new();
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(value.as_str());
                }
                out
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::from_json::FromJson for $name {
            fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                <String as crate::from_json::FromJson>::from_json(value).map(|s| $name::from(s.as_str()))
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::to_json::ToJson for $name {
            fn write_json(&self, out: &mut String) {
                crate::to_json::write_str(self.as_str(), out);
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::from_json::Placeholder for $name {
            fn placeholder() -> Self {
                $name::Other(String::new())
            }
        }
    };
}

macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the documents do not list, kept as sent.
            Other(i64),
        }

        impl $name {
            /// Every documented value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire form.
            pub fn code(self) -> i64 {
                match self {
                    $($name::$variant => $code,)+
                    $name::Other(n) => n,
                }
            }

            /// The document's own (Chinese) description; `None` for values it does not list.
            pub fn label(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($label),)+
                    $name::Other(_) => None,
                }
            }
        }

        impl From<i64> for $name {
            fn from(n: i64) -> Self {
                match n {
                    $($code => $name::$variant,)+
                    other => $name::Other(other),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.label() {
                    Some(label) => write!(f, "{} ({label})", self.code()),
                    None => write!(f, "{}", self.code()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IntVisitor).map($name::from)
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::from_json::FromJson for $name {
            fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                crate::from_json::int_code(value).map($name::from)
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::to_json::ToJson for $name {
            fn write_json(&self, out: &mut String) {
                crate::to_json::ToJson::write_json(&self.code(), out);
            }
        }

        #[cfg(feature = "value-decode")]
        impl crate::from_json::Placeholder for $name {
            fn placeholder() -> Self {
                $name::Other(0)
            }
        }
    };
}

/// Accepts an integer, an integral float (`1.0`) or a string of digits (`"770"`).
struct IntVisitor;

impl de::Visitor<'_> for IntVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer code")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() < 9e15 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim().parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

string_enum!(
    /// The conversation commands of seed 002 §14–15.
    Cmd {
        /// Server: show `prompt`, then acknowledge with [`Cmd::Complete`].
        Say = "evt.say",
        /// Server: wait for the user's input.
        Wait = "evt.wait",
        /// Server: the session is over.
        Finish = "evt.finish",
        /// Server: hand the visitor to a human agent.
        Transfer = "evt.transfer",
        /// Client: the user typed `text`.
        Input = "evt.input",
        /// Client: the prompt `prompt_id` has been shown.
        Complete = "evt.complete",
    }
);

string_enum!(
    /// The channel a chat runs in (seed 002 §14).
    Channel {
        /// 网页: a web page.
        H5 = "h5",
        /// 微信公众号: a WeChat official account.
        WxOa = "wx_oa",
        /// 微信小程序: a WeChat mini-program.
        WxMp = "wx_mp",
        /// 企业微信: WeChat Work.
        WxWork = "wx_work",
        /// 微博: Weibo.
        Weibo = "weibo",
        /// 邮件: e-mail.
        Email = "email",
        /// app 端: an in-app WebView.
        App = "app",
    }
);

string_enum!(
    /// An outbound job's status (seed 000; Alibaba Cloud OutboundBot's job states).
    CallStatus {
        /// Waiting to be dialled.
        Scheduling = "Scheduling",
        /// Dialling or in the call.
        Executing = "Executing",
        /// The call completed.
        Succeeded = "Succeeded",
        /// Paused by an operator.
        Paused = "Paused",
        /// The call failed.
        Failed = "Failed",
        /// Cancelled before it completed.
        Cancelled = "Cancelled",
        /// Not yet submitted.
        Drafted = "Drafted",
    }
);

impl CallStatus {
    /// Whether the job has reached a final state.
    pub fn is_final(&self) -> bool {
        matches!(self, CallStatus::Succeeded | CallStatus::Failed | CallStatus::Cancelled)
    }
}

string_enum!(
    /// What one turn of an outbound call transcript was (seed 000 `conversations[].action`).
    Action {
        /// The call was answered; `script` is `""`.
        BeginDialogue = "BeginDialogue",
        /// The contact spoke.
        Dialogue = "Dialogue",
        /// The robot spoke.
        Broadcast = "Broadcast",
        /// The call ended; `script` is `null`.
        EndDialogue = "EndDialogue",
        /// The dialogue was aborted.
        AbortDialogue = "AbortDialogue",
        /// The contact stayed silent too long.
        SilenceTimeout = "SilenceTimeout",
        /// Someone hung up.
        HangUp = "HangUp",
        /// Handed to a human agent.
        TransferToAgent = "TransferToAgent",
        /// Handed to an IVR.
        TransferToIvr = "TransferToIVR",
        /// Asked for digits.
        CollectNumber = "CollectNumber",
        /// Received digits.
        CollectedNumber = "CollectedNumber",
        /// Sent the contact to a page.
        RedirectToPage = "RedirectToPage",
        /// Asked for authorisation.
        Authorize = "Authorize",
        /// Waited on an asynchronous task.
        WaitOnAsyncTask = "WaitOnAsyncTask",
        /// Something failed.
        Error = "Error",
    }
);

string_enum!(
    /// Who spoke a transcript turn (seed 000).
    Speaker {
        /// The bot.
        Robot = "Robot",
        /// The person called.
        Contact = "Contact",
    }
);

string_enum!(
    /// Call-center call type (seed 001): the leading zero matters.
    CallType {
        /// 01: inbound.
        Inbound = "01",
        /// 02: AI outbound.
        AiOutbound = "02",
        /// 03: manual outbound.
        ManualOutbound = "03",
    }
);

string_enum!(
    /// The number-file format of an outnum upload (seed 002 §6).
    FileSuffix {
        /// An `.xlsx` workbook (Excel 2007 or later).
        Excel = "excel",
        /// Comma-separated values.
        Csv = "csv",
        /// Plain text, one row a line.
        Txt = "txt",
    }
);

int_enum!(
    /// Who hung up (seed 002 §7; only meaningful for answered calls).
    HangupBy {
        /// The user hung up.
        User = 1 => "用户挂机",
        /// The AI hung up.
        Ai = 2 => "AI挂机",
    }
);

int_enum!(
    /// Who a dialog line belongs to (seed 002 §7, §13).
    DialogType {
        /// 机器人话术: the bot.
        Bot = 1 => "机器人话术",
        /// 用户话术: the user.
        User = 2 => "用户话术",
    }
);

int_enum!(
    /// Where a prompt came from (`debug_info.prompt_source`).
    PromptSource {
        /// 多轮对话: the multi-turn flow.
        Flow = 1 => "多轮对话",
        /// 知识库: the knowledge base.
        KnowledgeBase = 2 => "知识库",
    }
);

int_enum!(
    /// How the intent was recognised (`debug_info.intent_source`).
    IntentSource {
        /// 规则: a rule.
        Rule = 1 => "规则",
        /// 模型: a model.
        Model = 2 => "模型",
        /// 相似度计算: text similarity.
        Similarity = 3 => "相似度计算",
        /// 知识库: the knowledge base.
        KnowledgeBase = 4 => "知识库",
        /// 系统: the system (e.g. `evt.init`).
        System = 5 => "系统",
    }
);

int_enum!(
    /// Per-call result of a call-v2 request (seed 000).
    CallErrorCode {
        /// 成功: the call was placed.
        Ok = 0 => "成功",
        /// 须等待: a call for this person is still running.
        MustWait = 1001 => "须等待",
        /// 呼叫已达上限: the case's call limit is reached.
        LimitReached = 1002 => "呼叫已达上限",
    }
);

int_enum!(
    /// Whether a call-v2 request dials by itself (seed 000 `callAuto`).
    CallMode {
        /// 自动: dial automatically.
        Auto = 0 => "自动",
        /// 手动: manual.
        Manual = 1 => "手动",
    }
);

int_enum!(
    /// Whether an SMS was sent after the call (seed 002 §7 `sms_state`).
    SmsState {
        /// 是: sent.
        Sent = 1 => "是",
        /// 否: not sent.
        NotSent = 2 => "否",
    }
);

int_enum!(
    /// First call or recall (seed 002 §8 `recall_flag`).
    RecallFlag {
        /// 首呼: first call.
        First = 0 => "首呼",
        /// 重呼: a recall.
        Recall = 1 => "重呼",
    }
);

int_enum!(
    /// Number states (号码状态码, seed 002 §18).
    NumberState {
        /// 770
        PoweredOff = 770 => "关机",
        /// 771
        OutOfService = 771 => "停机",
        /// 772
        TemporarilyUnreachable = 772 => "暂时无法接通",
        /// 773
        InCall = 773 => "正在通话",
        /// 774
        EmptyNumber = 774 => "空号",
        /// 775
        NoAnswer = 775 => "无人接听",
        /// 776
        CallReminder = 776 => "来电提醒",
        /// 777
        IncomingRestricted = 777 => "呼入限制",
        /// 778
        NetworkBusy = 778 => "网络忙",
        /// 779
        OutgoingRestricted = 779 => "呼出限制",
        /// 780
        LineBusyTone = 780 => "路忙嘟嘟",
        /// 781
        Rejected = 781 => "用户拒接",
        /// 782
        Forwarded = 782 => "呼叫转移",
        /// 783
        FaxDetected = 783 => "传真机摘机识别",
        /// 784
        AnsweringMachine = 784 => "自动应答机摘机识别",
        /// 785
        PersonAnswered = 785 => "自然人摘机识别",
        /// 786
        SilentAfterAnswer = 786 => "接通无人回话",
        /// 787
        RingbackTone = 787 => "回铃音标准嘟嘟声",
        /// 788
        ColourRingback = 788 => "彩铃",
        /// 789
        RingTimeout = 789 => "振铃 40 秒超时未摘机",
        /// 790
        UnrecognisedAfterAnswer = 790 => "摘机后未识别状态",
    }
);

/// The recall groups of seed 002 §10 (`recall_policy`): which result codes (SIP 1xx/4xx/5xx/6xx
/// and vendor 7xx) a task may redial, grouped with the document's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecallGroup {
    /// 其他
    Misc,
    /// 接通无人回话
    SilentAfterAnswer,
    /// 无法接通
    Unreachable,
    /// 拒接
    Rejected,
    /// 用户通话中
    InCall,
    /// 用户正忙
    Busy,
    /// 关机
    PoweredOff,
    /// 停机
    OutOfService,
    /// 空号
    EmptyNumber,
    /// 网络忙
    NetworkBusy,
    /// 无人接听
    NoAnswer,
    /// 呼叫转移
    Forwarded,
    /// 呼叫限制
    Restricted,
    /// 错误请求
    BadRequest,
    /// 用户欠费
    Arrears,
    /// 线路服务异常
    LineFault,
    /// 网关异常
    GatewayFault,
}

/// The table behind [`RecallGroup`], in the document's order.
const RECALL_GROUPS: &[(RecallGroup, &str, &[i64])] = &[
    (RecallGroup::Misc, "其他", &[-1, 783, 784]),
    (RecallGroup::SilentAfterAnswer, "接通无人回话", &[786]),
    (RecallGroup::Unreachable, "无法接通", &[600, 603, 604, 606, 772]),
    (RecallGroup::Rejected, "拒接", &[777, 781]),
    (RecallGroup::InCall, "用户通话中", &[773]),
    (RecallGroup::Busy, "用户正忙", &[182, 183, 486, 789]),
    (RecallGroup::PoweredOff, "关机", &[770]),
    (RecallGroup::OutOfService, "停机", &[701, 771]),
    (RecallGroup::EmptyNumber, "空号", &[774, 792, 795]),
    (RecallGroup::NetworkBusy, "网络忙", &[778, 780, 791, 793, 794, 796]),
    (RecallGroup::NoAnswer, "无人接听", &[775, 776, 787, 788, 790]),
    (RecallGroup::Forwarded, "呼叫转移", &[181, 782]),
    (RecallGroup::Restricted, "呼叫限制", &[779, 785]),
    (RecallGroup::BadRequest, "错误请求", &[400, 401]),
    (RecallGroup::Arrears, "用户欠费", &[402]),
    (
        RecallGroup::LineFault,
        "线路服务异常",
        &[403, 404, 405, 406, 407, 408, 409, 471, 474, 479, 480, 484, 485, 487, 488],
    ),
    (RecallGroup::GatewayFault, "网关异常", &[500, 501, 502, 503, 504, 505]),
];

impl RecallGroup {
    /// Every group, in the document's order.
    pub fn all() -> impl Iterator<Item = RecallGroup> {
        RECALL_GROUPS.iter().map(|(group, _, _)| *group)
    }

    /// The group a result code belongs to (`"777"` and `777` alike), if any.
    pub fn of(code: impl AsRef<str>) -> Option<RecallGroup> {
        let code: i64 = code.as_ref().trim().parse().ok()?;
        RECALL_GROUPS.iter().find(|(_, _, codes)| codes.contains(&code)).map(|(group, _, _)| *group)
    }

    /// The document's label.
    pub fn label(self) -> &'static str {
        self.entry().1
    }

    /// The result codes in this group.
    pub fn codes(self) -> &'static [i64] {
        self.entry().2
    }

    fn entry(self) -> &'static (RecallGroup, &'static str, &'static [i64]) {
        // Every variant has exactly one row; the table test checks it.
        RECALL_GROUPS.iter().find(|(group, _, _)| *group == self).unwrap_or(&RECALL_GROUPS[0])
    }
}
