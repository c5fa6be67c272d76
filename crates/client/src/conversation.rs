//! The chat conversation loop of seed 002 §14–16 as a sans-I/O state machine.
//!
//! The platform answers `evt.say` (show `prompt`), and waits for `evt.complete` with that
//! `prompt_id` before it says anything else; then `evt.wait` (the user's turn), another
//! `evt.say`, `evt.finish` or `evt.transfer`. User text goes as `evt.input`, only while the
//! platform waits for it.
//!
//! [`Conversation`] holds that protocol. A transport asks it what to send
//! ([`Conversation::poll_outgoing`]), sends it, and hands back the answer
//! ([`Conversation::on_delivery`]); the host reads [`Event`]s and calls [`Conversation::send`],
//! [`Conversation::acknowledge`], [`Conversation::stop`]. One request is in flight at a time.
//!
//! Messages are never lost and never sent twice: text typed while the bot speaks waits in order;
//! when a delivery is uncertain (timeout, network) the message is marked failed, not retried, and
//! the user may [`Conversation::resend`] it. A session that expired, ended on the platform's side
//! or fell out of step is restarted by itself with the same variables, keeping queued messages;
//! a lost acknowledgement is sent again. How failures are judged, and the bounds on these
//! automatic attempts, are in [`crate::recovery`]; the host tells the time with
//! [`Conversation::tick`] and wakes up at [`Conversation::wake_at`], and gives it its session ids
//! ([`SidSource`]): the machine itself does no I/O, so it is deterministic in tests.

use std::collections::VecDeque;
use std::rc::Rc;

use kefu_protocol::chat::{
    BotTurn, START_PATH, STOP_PATH, StartRequest, StopRequest, TRIGGER_PATH, TriggerRequest,
};
use kefu_protocol::{Channel, Cmd, PlatformError, Sid, VarMap};

use crate::error::{ClientError, Failure};
use crate::recovery::{self, Action, Attempts, Origin, RecoveryPolicy, Trouble};

/// Longest message accepted, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2_000;

/// A user message's id, unique within a conversation.
pub type MessageId = u64;

/// Matches an answer to the request it answers.
pub type Ticket = u64;

/// How a chat starts. (In JavaScript, the options of `startChat` and `resumeChat`: these fields
/// in camelCase, only `channel` required, `autoAcknowledge` true unless set.)
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    all(feature = "js", target_arch = "wasm32"),
    derive(tsify::Tsify, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct ChatOptions {
    /// The tenant (may be empty when the proxy pins it).
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), serde(default))]
    pub app_id: String,
    /// The bot (may be empty when the proxy pins it).
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), serde(default))]
    pub bot_id: String,
    /// Where the chat runs: one of the documented channels.
    pub channel: Channel,
    /// Page variables: a flat map of strings, numbers, booleans and nulls.
    #[cfg_attr(
        all(feature = "js", target_arch = "wasm32"),
        serde(default, deserialize_with = "VarMap::deserialize_optional"),
        tsify(type = "Record<string, string | number | boolean | null>")
    )]
    pub vars: Option<VarMap>,
    /// Data that travels with the session.
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), tsify(optional))]
    pub user_data: Option<String>,
    /// Acknowledge each prompt as soon as it arrives (otherwise the host calls
    /// [`Conversation::acknowledge`], in JavaScript `acknowledge(promptId)`, once it has shown
    /// the prompt).
    #[cfg_attr(all(feature = "js", target_arch = "wasm32"), serde(default = "acknowledge_by_default"))]
    pub auto_acknowledge: bool,
}

/// `autoAcknowledge`'s default in JavaScript: on, as in Rust's constructors.
#[cfg(all(feature = "js", target_arch = "wasm32"))]
fn acknowledge_by_default() -> bool {
    true
}

/// Where the conversation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not started.
    Idle,
    /// `start` sent, no answer yet.
    Starting,
    /// A prompt is being shown; it must be acknowledged before anything else.
    BotSpeaking,
    /// The platform waits for the user.
    WaitingForUser,
    /// The bot ended the session (`evt.finish`).
    Finished,
    /// The session was handed to a human agent (`evt.transfer`).
    Transferred,
    /// The host stopped the session.
    Stopped,
    /// The platform no longer serves the session (it expired, ended on its side, or was
    /// forgotten); a fresh start follows by itself, or [`Conversation::restart`] continues.
    Expired,
    /// Something went wrong: a resynchronising fresh start follows by itself, or (once that was
    /// tried) [`Conversation::retry`] or a restart is needed.
    Failed,
}

impl Phase {
    /// A short name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Idle => "not started",
            Phase::Starting => "starting",
            Phase::BotSpeaking => "showing a prompt",
            Phase::WaitingForUser => "waiting for the user",
            Phase::Finished => "finished",
            Phase::Transferred => "transferred",
            Phase::Stopped => "stopped",
            Phase::Expired => "expired",
            Phase::Failed => "failed",
        }
    }

    /// Whether the session is over (a new one needs [`Conversation::restart`]).
    pub fn is_over(self) -> bool {
        matches!(self, Phase::Finished | Phase::Transferred | Phase::Stopped)
    }
}

/// A request the transport must send.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// botdm/start.
    Start(StartRequest),
    /// botdm/trigger.
    Trigger(TriggerRequest),
    /// botdm/stop.
    Stop(StopRequest),
}

impl Call {
    /// The path to POST to.
    pub fn path(&self) -> &'static str {
        match self {
            Call::Start(_) => START_PATH,
            Call::Trigger(_) => TRIGGER_PATH,
            Call::Stop(_) => STOP_PATH,
        }
    }

    /// Whether sending it twice does no harm, so a transport may retry it after an uncertain
    /// failure: acknowledging a prompt (the second is refused, the first stands) and stopping.
    /// Never true for `start` or user input.
    pub fn retry_safe(&self) -> bool {
        match self {
            Call::Trigger(t) => t.cmd == Cmd::Complete,
            Call::Stop(_) => true,
            Call::Start(_) => false,
        }
    }
}

/// Where a conversation takes the id of each new session from: random ids in a client
/// ([`Sid::random`]), a fixed sequence in a test. `None` means no id could be made.
pub struct SidSource(Box<dyn FnMut() -> Option<Sid>>);

impl SidSource {
    /// Ids from `next`.
    pub fn new(next: impl FnMut() -> Option<Sid> + 'static) -> SidSource {
        SidSource(Box::new(next))
    }
}

impl std::fmt::Debug for SidSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SidSource")
    }
}

/// A request with its ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Hand it back with the answer.
    pub ticket: Ticket,
    /// What to send.
    pub call: Call,
}

/// What a transport hands back for an [`Outgoing`].
pub type Delivery = Result<BotTurn, Failure>;

/// What happened, for the host to show. A bot turn is shared (`Rc`), not copied, when the event
/// is: the session keeps each event for late listeners and hands each listener its own, and a
/// deep copy of a turn cost the widget 908 B gzip, 742 B brotli (`cargo xtask size`).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The session started (or restarted) with this id.
    Started {
        /// The session id.
        sid: Sid,
        /// Whether this continues an expired or ended conversation.
        restarted: bool,
    },
    /// Show a prompt (then acknowledge it, unless acknowledging automatically).
    Say(Rc<BotTurn>),
    /// The platform waits for the user.
    Wait,
    /// The session is over.
    Finish(Rc<BotTurn>),
    /// The session was handed to a human agent.
    Transfer(Rc<BotTurn>),
    /// A message was accepted for sending.
    MessageQueued {
        /// Its id.
        id: MessageId,
        /// Its text.
        text: String,
    },
    /// The platform received the message.
    MessageSent {
        /// Its id.
        id: MessageId,
    },
    /// The message was not delivered, or may not have been; it can be resent.
    MessageFailed {
        /// Its id.
        id: MessageId,
        /// Its text, so nothing typed is lost.
        text: String,
        /// Why.
        error: ClientError,
    },
    /// The platform no longer serves the session (expired, ended on its side, forgotten);
    /// queued messages wait for the fresh start that follows.
    Expired,
    /// The host stopped the session.
    Stopped,
    /// Something failed; [`Conversation::retry`] may help.
    Error(ClientError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InFlight {
    Start,
    Complete,
    Input(MessageId),
    Stop,
}

#[derive(Debug, Clone, PartialEq)]
struct Message {
    id: MessageId,
    text: String,
}

/// The conversation state machine. See the module documentation.
#[derive(Debug)]
pub struct Conversation {
    options: ChatOptions,
    phase: Phase,
    sid: Option<Sid>,
    /// The prompt being shown, until acknowledged.
    pending_prompt: Option<String>,
    /// The prompt to acknowledge next (set automatically or by the host).
    ack: Option<String>,
    queued: VecDeque<Message>,
    failed: Vec<Message>,
    in_flight: Option<(Ticket, InFlight)>,
    stop_requested: bool,
    restarted: bool,
    events: VecDeque<Event>,
    next_ticket: Ticket,
    next_message: MessageId,
    policy: RecoveryPolicy,
    /// The host's clock, once told.
    now_ms: Option<u64>,
    /// When the last answer arrived.
    last_answer_ms: Option<u64>,
    /// Whether a `start` succeeded in this conversation.
    started_ok: bool,
    attempts: Attempts,
    sids: SidSource,
}

impl Conversation {
    /// A conversation that has not started; each session it starts takes its id from `sids`.
    pub fn new(options: ChatOptions, sids: SidSource) -> Conversation {
        Conversation {
            options,
            sids,
            phase: Phase::Idle,
            sid: None,
            pending_prompt: None,
            ack: None,
            queued: VecDeque::new(),
            failed: Vec::new(),
            in_flight: None,
            stop_requested: false,
            restarted: false,
            events: VecDeque::new(),
            next_ticket: 1,
            next_message: 1,
            policy: RecoveryPolicy::default(),
            now_ms: None,
            last_answer_ms: None,
            started_ok: false,
            attempts: Attempts::default(),
        }
    }

    /// Recovers by `policy` instead of [`RecoveryPolicy::default`].
    pub fn with_recovery(mut self, policy: RecoveryPolicy) -> Conversation {
        self.policy = policy;
        self
    }

    /// Tells the conversation the time, in ms from any fixed origin that does not go back. The
    /// idle time and the backoff of automatic recovery are measured with it; without it, idle
    /// time is unknown and recovery does not wait.
    pub fn tick(&mut self, now_ms: u64) {
        self.now_ms = Some(self.now_ms.map_or(now_ms, |t| t.max(now_ms)));
    }

    /// When an automatic recovery is due: call [`Conversation::tick`] and
    /// [`Conversation::poll_outgoing`] then.
    pub fn wake_at(&self) -> Option<u64> {
        self.attempts.due_at()
    }

    /// Where the conversation is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The session id, once started.
    pub fn sid(&self) -> Option<&Sid> {
        self.sid.as_ref()
    }

    /// A conversation that continues session `sid`, which was last waiting for the user (say,
    /// before the page reloaded). Nothing is sent until the user writes; if the platform has
    /// forgotten the session by then, it expires and [`Conversation::restart`]s as usual.
    /// Reports [`Event::Started`] and [`Event::Wait`].
    pub fn resume(options: ChatOptions, sid: Sid, sids: SidSource) -> Conversation {
        let mut conversation = Conversation::new(options, sids);
        conversation.sid = Some(sid.clone());
        conversation.phase = Phase::WaitingForUser;
        conversation.events.push_back(Event::Started { sid, restarted: false });
        conversation.events.push_back(Event::Wait);
        conversation
    }

    /// The session id, if the conversation could be [`Conversation::resume`]d from here: the
    /// platform waits for the user and nothing is queued or on its way.
    pub fn resumable_sid(&self) -> Option<&Sid> {
        let settled = self.phase == Phase::WaitingForUser
            && self.in_flight.is_none()
            && self.queued.is_empty()
            && !self.stop_requested;
        self.sid.as_ref().filter(|_| settled)
    }

    /// The prompt awaiting acknowledgement.
    pub fn pending_prompt(&self) -> Option<&str> {
        self.pending_prompt.as_deref()
    }

    /// Messages waiting to be sent, in order.
    pub fn queued(&self) -> impl Iterator<Item = (MessageId, &str)> {
        self.queued.iter().map(|m| (m.id, m.text.as_str()))
    }

    /// Messages that failed and can be resent.
    pub fn failed(&self) -> impl Iterator<Item = (MessageId, &str)> {
        self.failed.iter().map(|m| (m.id, m.text.as_str()))
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Starts the session with a fresh session id.
    pub fn start(&mut self) -> Result<(), ClientError> {
        if self.phase != Phase::Idle {
            return Err(self.wrong_phase("start"));
        }
        let sid = self.fresh_sid()?;
        self.begin(sid);
        Ok(())
    }

    /// Starts the session with `sid`, chosen by the host (see `KefuClient::start_chat_prefetched`:
    /// a page may send `start` itself while the client loads).
    pub fn start_with_sid(&mut self, sid: Sid) -> Result<(), ClientError> {
        if self.phase != Phase::Idle {
            return Err(self.wrong_phase("start"));
        }
        self.begin(sid);
        Ok(())
    }

    /// Starts a new session with the same options after expiry, failure or the end of the last
    /// one. Queued messages are sent once the bot waits; failed ones stay failed.
    pub fn restart(&mut self) -> Result<(), ClientError> {
        if self.phase == Phase::Starting && self.restarted {
            // Already restarting (an automatic recovery got there first).
            return Ok(());
        }
        if matches!(self.phase, Phase::Idle | Phase::Starting | Phase::BotSpeaking | Phase::WaitingForUser) {
            return Err(self.wrong_phase("restart"));
        }
        if self.in_flight.is_some() {
            return Err(self.wrong_phase("restart"));
        }
        let sid = self.fresh_sid()?;
        self.restarted = true;
        self.attempts.reset();
        self.begin(sid);
        Ok(())
    }

    fn begin(&mut self, sid: Sid) {
        self.sid = Some(sid);
        self.phase = Phase::Starting;
        self.pending_prompt = None;
        self.ack = None;
        self.stop_requested = false;
    }

    /// Queues a user message; it is sent, in order, when the platform waits for the user.
    /// Refused (with the text untouched, in the caller's hands) when empty, too long, or when the
    /// session is over.
    pub fn send(&mut self, text: impl Into<String>) -> Result<MessageId, ClientError> {
        let text = text.into();
        if text.trim().is_empty() {
            return Err(ClientError::InvalidMessage("the message is empty".into()));
        }
        let chars = text.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ClientError::InvalidMessage(format!(
                "the message has {chars} characters; at most {MAX_MESSAGE_CHARS} are allowed"
            )));
        }
        if self.phase == Phase::Idle || self.phase.is_over() || self.stop_requested {
            return Err(self.wrong_phase("send a message"));
        }
        let id = self.next_message;
        self.next_message += 1;
        self.events.push_back(Event::MessageQueued { id, text: text.clone() });
        self.queued.push_back(Message { id, text });
        Ok(id)
    }

    /// Queues a failed message again, behind any waiting ones.
    pub fn resend(&mut self, id: MessageId) -> Result<(), ClientError> {
        if self.phase.is_over() || self.stop_requested {
            return Err(self.wrong_phase("resend a message"));
        }
        let at = self.failed.iter().position(|m| m.id == id).ok_or(ClientError::NotResendable(id))?;
        let message = self.failed.remove(at);
        self.attempts.new_row();
        self.events.push_back(Event::MessageQueued { id, text: message.text.clone() });
        self.queued.push_back(message);
        Ok(())
    }

    /// The host has shown the prompt `prompt_id` (only needed without automatic acknowledgement).
    pub fn acknowledge(&mut self, prompt_id: &str) -> Result<(), ClientError> {
        if self.pending_prompt.as_deref() != Some(prompt_id) {
            return Err(ClientError::UnknownPrompt(prompt_id.to_owned()));
        }
        self.ack = Some(prompt_id.to_owned());
        Ok(())
    }

    /// Tries again after an [`Event::Error`]: re-acknowledges a prompt whose acknowledgement
    /// failed, or restarts a session that failed.
    pub fn retry(&mut self) -> Result<(), ClientError> {
        match self.phase {
            Phase::BotSpeaking if self.ack.is_none() && self.options.auto_acknowledge => {
                self.attempts.reset();
                self.ack = self.pending_prompt.clone();
                Ok(())
            }
            Phase::Failed | Phase::Expired => self.restart(),
            _ => Err(self.wrong_phase("retry")),
        }
    }

    /// Ends the session. Queued messages are failed (so they are not lost) and no more are taken.
    pub fn stop(&mut self) {
        let live = matches!(self.phase, Phase::Starting | Phase::BotSpeaking | Phase::WaitingForUser);
        self.attempts.cancel();
        self.fail_queued(&ClientError::WrongPhase { action: "send a message", phase: "stopped" });
        if live && self.sid.is_some() {
            self.stop_requested = true;
        } else if !self.phase.is_over() {
            self.phase = Phase::Stopped;
            self.events.push_back(Event::Stopped);
        }
    }

    /// The next request to send, if one is due and none is in flight.
    pub fn poll_outgoing(&mut self) -> Option<Outgoing> {
        if self.in_flight.is_some() {
            return None;
        }
        if !self.stop_requested {
            match self.attempts.take_due(self.now_ms) {
                Some(Action::Restart) => {
                    self.restarted = true;
                    match self.fresh_sid() {
                        Ok(sid) => self.begin(sid),
                        Err(e) => {
                            self.phase = Phase::Failed;
                            self.events.push_back(Event::Error(e));
                            return None;
                        }
                    }
                }
                Some(Action::Reacknowledge) => self.ack = self.pending_prompt.clone(),
                None if self.attempts.pending().is_some() => return None,
                None => {}
            }
        }
        let sid = self.sid.clone()?;
        let (kind, call) = if self.stop_requested {
            (InFlight::Stop, Call::Stop(StopRequest { sid }))
        } else {
            match self.phase {
                Phase::Starting => (
                    InFlight::Start,
                    Call::Start(StartRequest {
                        app_id: self.options.app_id.clone(),
                        bot_id: self.options.bot_id.clone(),
                        sid,
                        channel: self.options.channel.clone(),
                        var_json: self.options.vars.clone(),
                        user_data: self.options.user_data.clone(),
                    }),
                ),
                Phase::BotSpeaking => {
                    let prompt_id = self.ack.clone()?;
                    (InFlight::Complete, Call::Trigger(TriggerRequest::complete(sid, prompt_id)))
                }
                Phase::WaitingForUser => {
                    let message = self.queued.front()?;
                    (
                        InFlight::Input(message.id),
                        Call::Trigger(TriggerRequest::input(sid, message.text.clone())),
                    )
                }
                _ => return None,
            }
        };
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.in_flight = Some((ticket, kind));
        Some(Outgoing { ticket, call })
    }

    /// Takes the answer (or failure) for the request with `ticket`: the one way a transport
    /// reports. Answers to anything but the request in flight are ignored.
    pub fn on_delivery(&mut self, ticket: Ticket, delivery: Delivery) {
        let kind = match self.in_flight {
            Some((t, kind)) if t == ticket => kind,
            _ => return,
        };
        self.in_flight = None;
        if delivery.is_ok() {
            self.last_answer_ms = self.now_ms;
        }
        match (kind, delivery) {
            // A stop ends the session whatever the answer (it has no result to read).
            (InFlight::Stop, _) => {
                self.stop_requested = false;
                self.phase = Phase::Stopped;
                self.pending_prompt = None;
                self.events.push_back(Event::Stopped);
            }
            (InFlight::Start, Ok(turn)) => {
                self.started_ok = true;
                if let Some(sid) = self.sid.clone() {
                    self.events.push_back(Event::Started { sid, restarted: self.restarted });
                }
                self.apply(turn);
            }
            (InFlight::Start, Err(failure)) => {
                self.phase = Phase::Failed;
                self.events.push_back(Event::Error(failure.into()));
            }
            (InFlight::Complete, Ok(turn)) => {
                self.attempts.succeeded(Origin::Complete);
                self.pending_prompt = None;
                self.ack = None;
                self.apply(turn);
            }
            (InFlight::Complete, Err(failure)) => self.acknowledgement_failed(failure),
            (InFlight::Input(id), Ok(turn)) => {
                self.attempts.succeeded(Origin::Input);
                if self.queued.front().is_some_and(|m| m.id == id) {
                    self.queued.pop_front();
                }
                self.events.push_back(Event::MessageSent { id });
                self.apply(turn);
            }
            (InFlight::Input(id), Err(failure)) => self.input_failed(id, failure),
        }
    }

    fn apply(&mut self, turn: BotTurn) {
        match turn.cmd.clone() {
            Cmd::Say => {
                self.phase = Phase::BotSpeaking;
                self.pending_prompt = Some(turn.prompt_id.clone());
                self.ack = self.options.auto_acknowledge.then(|| turn.prompt_id.clone());
                self.events.push_back(Event::Say(Rc::new(turn)));
            }
            Cmd::Wait => {
                self.phase = Phase::WaitingForUser;
                self.events.push_back(Event::Wait);
            }
            Cmd::Finish => {
                self.phase = Phase::Finished;
                self.events.push_back(Event::Finish(Rc::new(turn)));
                self.fail_queued(&ClientError::WrongPhase { action: "send a message", phase: "finished" });
            }
            Cmd::Transfer => {
                self.phase = Phase::Transferred;
                self.events.push_back(Event::Transfer(Rc::new(turn)));
                self.fail_queued(&ClientError::WrongPhase { action: "send a message", phase: "transferred" });
            }
            other => {
                // A command the documents do not define: say so, and let the user talk.
                self.phase = Phase::WaitingForUser;
                self.events.push_back(Event::Error(ClientError::UnexpectedCommand(other.to_string())));
            }
        }
    }

    /// Judges a refusal of a call that is not `start` (see [`crate::recovery`]).
    fn judge(&self, origin: Origin, error: &PlatformError) -> Trouble {
        if let Some(trouble) = recovery::precise(error.code.as_i64(), origin) {
            return trouble;
        }
        let idle = match (self.now_ms, self.last_answer_ms) {
            (Some(now), Some(last)) => now.saturating_sub(last) >= self.policy.session_ttl_ms,
            _ => false,
        };
        match origin {
            _ if idle => Trouble::Expired,
            Origin::Input if self.attempts.restarted_for_input() => Trouble::MessageRefused,
            // Resumed from an earlier page and never started here: it expired meanwhile.
            Origin::Input if !self.started_ok => Trouble::Expired,
            Origin::Input => Trouble::Gone,
            Origin::Complete => Trouble::OutOfStep,
        }
    }

    /// Restarts by itself after `trouble`, once in a row; otherwise reports `error`.
    fn recover_by_restart(&mut self, origin: Origin, trouble: Trouble, error: ClientError) {
        self.pending_prompt = None;
        self.ack = None;
        if !self.attempts.allowed(origin, trouble) {
            self.phase = Phase::Failed;
            self.events.push_back(Event::Error(error));
            return;
        }
        self.attempts.schedule(origin, trouble, Action::Restart, self.now_ms, &self.policy);
        if trouble == Trouble::OutOfStep {
            // Nothing to tell the visitor but the new session's divider.
            self.phase = Phase::Failed;
        } else {
            self.phase = Phase::Expired;
            self.events.push_back(Event::Expired);
        }
    }

    fn acknowledgement_failed(&mut self, failure: Failure) {
        self.ack = None;
        match failure {
            Failure::Platform(e) => {
                let mut trouble = self.judge(Origin::Complete, &e);
                if trouble == Trouble::MessageRefused {
                    trouble = Trouble::OutOfStep;
                }
                self.recover_by_restart(Origin::Complete, trouble, ClientError::OutOfStep(e.message));
            }
            other => {
                // No answer: the platform may have taken it or not; acknowledging again is safe
                // (a second one is refused, and that refusal says we are out of step).
                if self.attempts.allowed(Origin::Complete, Trouble::LostAck) && self.pending_prompt.is_some()
                {
                    self.attempts.schedule(
                        Origin::Complete,
                        Trouble::LostAck,
                        Action::Reacknowledge,
                        self.now_ms,
                        &self.policy,
                    );
                } else {
                    self.events.push_back(Event::Error(other.into()));
                }
            }
        }
    }

    fn input_failed(&mut self, id: MessageId, failure: Failure) {
        match failure {
            // Refused: the platform did not take it, so it may go again in a fresh session.
            Failure::Platform(e) => match self.judge(Origin::Input, &e) {
                Trouble::MessageRefused => self.fail_message(id, Failure::Platform(e).into()),
                trouble => {
                    let error = if trouble == Trouble::OutOfStep {
                        ClientError::OutOfStep(e.message.clone())
                    } else {
                        ClientError::Delivery(Failure::Platform(e))
                    };
                    self.recover_by_restart(Origin::Input, trouble, error);
                }
            },
            // The channel is broken or the delivery uncertain: fail this one and those behind it,
            // so none is sent out of order or twice; the user resends them.
            failure @ (Failure::NotDelivered(_) | Failure::Uncertain(_)) => {
                let error = ClientError::from(failure);
                self.fail_message(id, error.clone());
                self.fail_queued(&error);
            }
        }
    }

    fn fail_message(&mut self, id: MessageId, error: ClientError) {
        if let Some(at) = self.queued.iter().position(|m| m.id == id) {
            if let Some(m) = self.queued.remove(at) {
                self.events.push_back(Event::MessageFailed { id, text: m.text.clone(), error });
                self.failed.push(m);
            }
        }
    }

    fn fail_queued(&mut self, error: &ClientError) {
        while let Some(m) = self.queued.pop_front() {
            self.events.push_back(Event::MessageFailed {
                id: m.id,
                text: m.text.clone(),
                error: error.clone(),
            });
            self.failed.push(m);
        }
    }

    /// A new session id from the source.
    fn fresh_sid(&mut self) -> Result<Sid, ClientError> {
        (self.sids.0)().ok_or(ClientError::NoSessionId)
    }

    fn wrong_phase(&self, action: &'static str) -> ClientError {
        ClientError::WrongPhase { action, phase: self.phase.name() }
    }
}
