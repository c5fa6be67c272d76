//! The widget's words, in Simplified Chinese (the default) and English.

pub use kefu_client::Lang;

impl Words {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

/// Every string the widget shows or announces.
#[derive(Debug)]
pub struct Words {
    /// The panel's default title.
    pub title: &'static str,
    /// The close button's label.
    pub close: &'static str,
    /// The transcript's label.
    pub transcript: &'static str,
    /// The message box's label.
    pub input_label: &'static str,
    /// The message box's placeholder.
    pub placeholder: &'static str,
    /// The send button.
    pub send: &'static str,
    /// Said by screen readers for the bot's messages.
    pub bot: &'static str,
    /// Said by screen readers for the user's messages.
    pub you: &'static str,
    /// The typing indicator's label.
    pub typing: &'static str,
    /// The suggestions' label.
    pub suggestions: &'static str,
    /// A message that is being sent.
    pub sending: &'static str,
    /// A message that failed.
    pub failed: &'static str,
    /// The resend action.
    pub resend: &'static str,
    /// The retry action of the error banner.
    pub retry: &'static str,
    /// The error banner's text.
    pub error: &'static str,
    /// The notice after `evt.transfer`.
    pub transferred: &'static str,
    /// The notice after `evt.finish`.
    pub finished: &'static str,
    /// The notice when the platform forgot an idle session.
    pub expired: &'static str,
    /// The divider before a new session.
    pub new_session: &'static str,
    /// The "new conversation" action.
    pub restart: &'static str,
    /// Shown when a prompt was cut short.
    pub truncated: &'static str,
    /// The connection is being made.
    pub connecting: &'static str,
    /// The button that downloads the transcript as a text file.
    pub download: &'static str,
    /// The downloaded file's name.
    pub file_name: &'static str,
    /// The button that copies the transcript.
    pub copy: &'static str,
    /// Announced when the transcript was copied.
    pub copied: &'static str,
    /// Announced when copying or downloading failed.
    pub keep_failed: &'static str,
    /// The satisfaction rating's question (the radio group's legend).
    pub rate: &'static str,
    /// The rating's optional comment box.
    pub rate_comment: &'static str,
    /// The rating's send button.
    pub rate_send: &'static str,
    /// The rating's skip button.
    pub rate_skip: &'static str,
    /// Announced once the rating was sent.
    pub rate_thanks: &'static str,
    /// The voice input button's label.
    pub voice: &'static str,
    /// The "back to the mini-program" button (`wx_mp`).
    pub mp_back: &'static str,
}

const ZH_CN: Words = Words {
    title: "在线客服",
    close: "关闭对话",
    transcript: "对话记录",
    input_label: "输入消息",
    placeholder: "请输入您的问题，按回车发送",
    send: "发送",
    bot: "客服",
    you: "我",
    typing: "对方正在输入…",
    suggestions: "您可能想问",
    sending: "发送中",
    failed: "发送失败",
    resend: "重新发送",
    retry: "重试",
    error: "网络连接出现问题。",
    transferred: "已为您转接人工客服，请稍候。",
    finished: "本次对话已结束。",
    expired: "对话已过期，已为您开始新的对话。",
    new_session: "新的对话",
    restart: "开始新的对话",
    truncated: "（内容过长，已截断）",
    connecting: "正在连接…",
    download: "下载对话记录",
    file_name: "对话记录.txt",
    copy: "复制对话记录",
    copied: "对话记录已复制。",
    keep_failed: "无法保存对话记录。",
    rate: "请为本次服务评分（1 分最低，5 分最高）",
    rate_comment: "意见或建议（选填）",
    rate_send: "提交评价",
    rate_skip: "跳过",
    rate_thanks: "感谢您的评价！",
    voice: "语音输入",
    mp_back: "返回小程序",
};

const EN: Words = Words {
    title: "Customer service",
    close: "Close chat",
    transcript: "Conversation",
    input_label: "Message",
    placeholder: "Type your question and press Enter",
    send: "Send",
    bot: "Assistant",
    you: "You",
    typing: "The assistant is typing…",
    suggestions: "You may want to ask",
    sending: "Sending",
    failed: "Not sent",
    resend: "Resend",
    retry: "Retry",
    error: "There is a problem with the connection.",
    transferred: "You are being transferred to a human agent.",
    finished: "This conversation has ended.",
    expired: "The conversation expired; a new one has started.",
    new_session: "New conversation",
    restart: "Start a new conversation",
    truncated: "(too long, cut short)",
    connecting: "Connecting…",
    download: "Download the conversation",
    file_name: "conversation.txt",
    copy: "Copy the conversation",
    copied: "The conversation was copied.",
    keep_failed: "The conversation could not be saved.",
    rate: "How was this conversation? (1 worst, 5 best)",
    rate_comment: "Comments (optional)",
    rate_send: "Send rating",
    rate_skip: "Skip",
    rate_thanks: "Thank you for your rating!",
    voice: "Voice input",
    mp_back: "Back to the mini-program",
};
