//! The conversation core through every command sequence the documents allow, with scripted
//! platform answers: several prompts in a row, input typed while the bot speaks, transfer,
//! finish, platform errors, uncertain deliveries and expiry.
#![cfg(not(target_arch = "wasm32"))]

use kefu_client::conversation::MAX_MESSAGE_CHARS;
use kefu_client::{Call, ChatOptions, ClientError, Conversation, Event, Failure, Outgoing, Phase};
use kefu_protocol::chat::BotTurn;
use kefu_protocol::{Channel, Cmd, Code, PlatformError};

fn options(auto: bool) -> ChatOptions {
    ChatOptions {
        app_id: "200000000".into(),
        bot_id: "134614200106471424".into(),
        channel: Channel::H5,
        vars: None,
        user_data: None,
        auto_acknowledge: auto,
    }
}

fn turn(cmd: Cmd, prompt: &str, id: &str) -> BotTurn {
    BotTurn {
        sid: String::new(),
        cmd,
        prompt: prompt.into(),
        prompt_id: id.into(),
        channel: None,
        relation_list: Vec::new(),
        ext: None,
        debug_info: None,
    }
}

fn say(id: &str) -> BotTurn {
    turn(Cmd::Say, &format!("prompt {id}"), id)
}

fn platform(code: i64) -> Failure {
    Failure::Platform(PlatformError {
        code: Code::Int(code),
        message: format!("error {code}"),
        http_status: 200,
    })
}

fn out(c: &mut Conversation) -> Outgoing {
    c.poll_outgoing().expect("a request is due")
}

fn events(c: &mut Conversation) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

/// A conversation started and waiting for the user, events drained.
fn waiting(auto: bool) -> Conversation {
    let mut c = Conversation::new(options(auto));
    c.start().expect("starts");
    let o = out(&mut c);
    c.on_delivery(o.ticket, Ok(turn(Cmd::Wait, "", "")));
    events(&mut c);
    assert_eq!(c.phase(), Phase::WaitingForUser);
    c
}

fn input_text(o: &Outgoing) -> String {
    match &o.call {
        Call::Trigger(t) if t.cmd == Cmd::Input => t.text.clone(),
        other => panic!("expected an input, got {other:?}"),
    }
}

fn complete_id(o: &Outgoing) -> String {
    match &o.call {
        Call::Trigger(t) if t.cmd == Cmd::Complete => t.prompt_id.clone().unwrap_or_default(),
        other => panic!("expected a complete, got {other:?}"),
    }
}

#[test]
fn several_prompts_in_a_row_each_acknowledged() {
    let mut c = Conversation::new(options(true));
    assert_eq!(c.poll_outgoing(), None, "nothing before start");
    c.start().expect("starts");
    let start = out(&mut c);
    let Call::Start(req) = &start.call else { panic!("start first") };
    assert_eq!(req.sid.as_str().len(), 32);
    assert_eq!(c.poll_outgoing(), None, "one request in flight at a time");
    c.on_delivery(start.ticket, Ok(say("p1")));
    let ack1 = out(&mut c);
    assert_eq!(complete_id(&ack1), "p1");
    assert!(ack1.call.retry_safe());
    c.on_delivery(ack1.ticket, Ok(say("p2")));
    let ack2 = out(&mut c);
    assert_eq!(complete_id(&ack2), "p2");
    c.on_delivery(ack2.ticket, Ok(turn(Cmd::Wait, "", "")));
    assert_eq!(c.phase(), Phase::WaitingForUser);
    assert_eq!(c.poll_outgoing(), None, "nothing to say");
    let kinds: Vec<String> = events(&mut c)
        .into_iter()
        .map(|e| match e {
            Event::Started { restarted, .. } => format!("started {restarted}"),
            Event::Say(t) => format!("say {}", t.prompt_id),
            Event::Wait => "wait".into(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["started false", "say p1", "say p2", "wait"]);
}

#[test]
fn manual_acknowledgement_waits_for_the_host() {
    let mut c = Conversation::new(options(false));
    c.start().expect("starts");
    let s = out(&mut c);
    c.on_delivery(s.ticket, Ok(say("p1")));
    assert_eq!(c.poll_outgoing(), None, "not shown yet");
    assert_eq!(c.acknowledge("p0"), Err(ClientError::UnknownPrompt("p0".into())));
    c.acknowledge("p1").expect("the prompt shown");
    assert_eq!(complete_id(&out(&mut c)), "p1");
}

#[test]
fn input_typed_while_the_bot_speaks_waits_its_turn_in_order() {
    let mut c = Conversation::new(options(true));
    c.start().expect("starts");
    let s = out(&mut c);
    c.on_delivery(s.ticket, Ok(say("p1")));
    let a = c.send("first").expect("queued");
    let b = c.send("second").expect("queued");
    let ack = out(&mut c);
    assert_eq!(complete_id(&ack), "p1", "the acknowledgement goes before any input");
    c.on_delivery(ack.ticket, Ok(turn(Cmd::Wait, "", "")));
    let i1 = out(&mut c);
    assert_eq!(input_text(&i1), "first");
    assert!(!i1.call.retry_safe(), "user input is never retried blindly");
    c.on_delivery(i1.ticket, Ok(say("p2")));
    let ack = out(&mut c);
    assert_eq!(complete_id(&ack), "p2", "not the second message: the bot speaks");
    c.on_delivery(ack.ticket, Ok(turn(Cmd::Wait, "", "")));
    let i2 = out(&mut c);
    assert_eq!(input_text(&i2), "second");
    c.on_delivery(i2.ticket, Ok(turn(Cmd::Wait, "", "")));
    let sent: Vec<u64> = events(&mut c)
        .into_iter()
        .filter_map(|e| if let Event::MessageSent { id } = e { Some(id) } else { None })
        .collect();
    assert_eq!(sent, [a, b]);
    assert_eq!(c.queued().count(), 0);
}

#[test]
fn transfer_and_finish_end_the_session_without_losing_queued_text() {
    for (cmd, phase) in [(Cmd::Transfer, Phase::Transferred), (Cmd::Finish, Phase::Finished)] {
        let mut c = waiting(true);
        c.send("转人工").expect("queued");
        let i = out(&mut c);
        c.on_delivery(i.ticket, Ok(say("bye")));
        c.send("one more thing").expect("queued while the bot speaks");
        let ack = out(&mut c);
        c.on_delivery(ack.ticket, Ok(turn(cmd.clone(), "", "")));
        assert_eq!(c.phase(), phase);
        let evs = events(&mut c);
        assert!(evs.iter().any(|e| matches!(e, Event::Transfer(_) | Event::Finish(_))));
        assert!(
            evs.iter().any(|e| matches!(e, Event::MessageFailed { text, .. } if text == "one more thing")),
            "the queued message is handed back: {evs:?}"
        );
        assert!(matches!(c.send("hello?"), Err(ClientError::WrongPhase { .. })));
        assert_eq!(c.poll_outgoing(), None);
        // A new conversation may follow.
        c.restart().expect("restarts");
        assert!(matches!(out(&mut c).call, Call::Start(_)));
    }
}

#[test]
fn a_refused_message_fails_alone() {
    let mut c = waiting(true);
    let bad = c.send("x").expect("queued");
    let good = c.send("y").expect("queued");
    let i = out(&mut c);
    c.on_delivery(i.ticket, Err(platform(40001)));
    let evs = events(&mut c);
    assert!(evs.iter().any(|e| matches!(e, Event::MessageFailed { id, .. } if *id == bad)));
    assert_eq!(c.phase(), Phase::WaitingForUser);
    let next = out(&mut c);
    assert_eq!(input_text(&next), "y");
    c.on_delivery(next.ticket, Ok(turn(Cmd::Wait, "", "")));
    assert!(events(&mut c).contains(&Event::MessageSent { id: good }));
}

#[test]
fn uncertain_delivery_marks_failed_never_resends_by_itself() {
    let mut c = waiting(true);
    let a = c.send("a").expect("queued");
    let b = c.send("b").expect("queued");
    let c_id = c.send("c").expect("queued");
    let i = out(&mut c);
    c.on_delivery(i.ticket, Err(Failure::Uncertain("timeout".into())));
    let failed: Vec<(u64, String)> = events(&mut c)
        .into_iter()
        .filter_map(|e| if let Event::MessageFailed { id, text, .. } = e { Some((id, text)) } else { None })
        .collect();
    assert_eq!(failed, [(a, "a".into()), (b, "b".into()), (c_id, "c".into())], "all kept, in order");
    assert_eq!(c.poll_outgoing(), None, "nothing is sent again without the user");
    // The user resends, in order; each goes exactly once.
    for id in [a, b, c_id] {
        c.resend(id).expect("resendable");
    }
    assert_eq!(c.resend(a), Err(ClientError::NotResendable(a)), "not twice");
    let mut texts = Vec::new();
    while let Some(o) = c.poll_outgoing() {
        texts.push(input_text(&o));
        c.on_delivery(o.ticket, Ok(turn(Cmd::Wait, "", "")));
    }
    assert_eq!(texts, ["a", "b", "c"]);
    assert_eq!(c.failed().count(), 0);
}

#[test]
fn expiry_keeps_the_message_for_the_restarted_session() {
    let mut c = waiting(true);
    let first_sid = c.sid().cloned().expect("sid");
    let id = c.send("还在吗").expect("queued");
    let i = out(&mut c);
    c.on_delivery(i.ticket, Err(platform(41001)));
    assert_eq!(c.phase(), Phase::Expired);
    assert!(events(&mut c).contains(&Event::Expired));
    assert_eq!(c.queued().map(|(i, _)| i).collect::<Vec<_>>(), [id], "not lost, not failed");
    assert_eq!(c.poll_outgoing(), None, "waits for the restart");
    c.restart().expect("restarts");
    let s = out(&mut c);
    let Call::Start(req) = &s.call else { panic!("start") };
    assert_ne!(req.sid, first_sid, "a new session id");
    c.on_delivery(s.ticket, Ok(say("hello-again")));
    assert!(events(&mut c).iter().any(|e| matches!(e, Event::Started { restarted: true, .. })));
    let ack = out(&mut c);
    c.on_delivery(ack.ticket, Ok(turn(Cmd::Wait, "", "")));
    let resent = out(&mut c);
    assert_eq!(input_text(&resent), "还在吗");
    c.on_delivery(resent.ticket, Ok(turn(Cmd::Wait, "", "")));
    assert!(events(&mut c).contains(&Event::MessageSent { id }));
}

#[test]
fn a_failed_start_can_be_retried() {
    let mut c = Conversation::new(options(true));
    c.start().expect("starts");
    let s = out(&mut c);
    c.on_delivery(s.ticket, Err(Failure::NotDelivered("HTTP 503".into())));
    assert_eq!(c.phase(), Phase::Failed);
    assert!(matches!(
        events(&mut c).as_slice(),
        [Event::Error(ClientError::Delivery(Failure::NotDelivered(_)))]
    ));
    c.retry().expect("retries");
    assert!(matches!(out(&mut c).call, Call::Start(_)));
}

#[test]
fn a_failed_acknowledgement_is_retried_on_request() {
    let mut c = Conversation::new(options(true));
    c.start().expect("starts");
    let s = out(&mut c);
    c.on_delivery(s.ticket, Ok(say("p1")));
    let ack = out(&mut c);
    c.on_delivery(ack.ticket, Err(Failure::Uncertain("network".into())));
    assert_eq!(c.phase(), Phase::BotSpeaking);
    assert_eq!(c.poll_outgoing(), None);
    c.retry().expect("re-arms");
    assert_eq!(complete_id(&out(&mut c)), "p1");
}

#[test]
fn out_of_step_answers_fail_the_conversation() {
    // A prompt the platform never showed us: our input is refused as "not acknowledged".
    let mut c = waiting(true);
    let id = c.send("hi").expect("queued");
    let i = out(&mut c);
    c.on_delivery(i.ticket, Err(platform(40902)));
    assert_eq!(c.phase(), Phase::Failed);
    let evs = events(&mut c);
    assert!(evs.iter().any(|e| matches!(e, Event::MessageFailed { id: m, .. } if *m == id)));
    assert!(evs.iter().any(|e| matches!(e, Event::Error(ClientError::OutOfStep(_)))));
    // And an acknowledgement of the wrong prompt.
    let mut c = Conversation::new(options(true));
    c.start().expect("starts");
    let s = out(&mut c);
    c.on_delivery(s.ticket, Ok(say("p1")));
    let ack = out(&mut c);
    c.on_delivery(ack.ticket, Err(platform(40903)));
    assert_eq!(c.phase(), Phase::Failed);
}

#[test]
fn stopping() {
    let mut c = waiting(true);
    c.stop();
    let o = out(&mut c);
    assert!(matches!(o.call, Call::Stop(_)));
    assert!(o.call.retry_safe());
    assert!(matches!(c.send("late"), Err(ClientError::WrongPhase { .. })));
    c.on_delivery(o.ticket, Err(Failure::Uncertain("gone".into())));
    assert_eq!(c.phase(), Phase::Stopped, "stopped whatever the answer");
    assert!(events(&mut c).contains(&Event::Stopped));
    let mut idle = Conversation::new(options(true));
    idle.stop();
    assert_eq!(idle.phase(), Phase::Stopped);
    assert_eq!(idle.poll_outgoing(), None, "nothing to tell the platform");
}

#[test]
fn stale_answers_and_unknown_commands() {
    let mut c = waiting(true);
    c.send("a").expect("queued");
    let i = out(&mut c);
    c.on_delivery(i.ticket + 100, Ok(say("ghost")));
    assert_eq!(c.phase(), Phase::WaitingForUser, "an answer to nothing is ignored");
    c.on_delivery(i.ticket, Ok(turn(Cmd::Other("evt.dance".into()), "", "")));
    assert_eq!(c.phase(), Phase::WaitingForUser);
    assert!(
        events(&mut c)
            .iter()
            .any(|e| matches!(e, Event::Error(ClientError::UnexpectedCommand(c)) if c == "evt.dance"))
    );
}

#[test]
fn bad_input_is_refused_and_nothing_is_queued() {
    let mut c = waiting(true);
    assert!(matches!(c.send("   "), Err(ClientError::InvalidMessage(_))));
    let long = "字".repeat(MAX_MESSAGE_CHARS + 1);
    assert!(matches!(c.send(long), Err(ClientError::InvalidMessage(m)) if m.contains("2001")));
    assert!(c.send("字".repeat(MAX_MESSAGE_CHARS)).is_ok());
    assert_eq!(c.queued().count(), 1);
    let mut idle = Conversation::new(options(true));
    assert!(matches!(idle.send("too early"), Err(ClientError::WrongPhase { .. })));
    assert!(idle.restart().is_err(), "restart is for sessions that ended");
}

#[test]
fn a_resumed_conversation_continues_the_session_when_the_user_writes() {
    let sid = kefu_protocol::Sid::parse("0123456789abcdef0123456789abcdef").expect("valid");
    let mut c = Conversation::resume(options(true), sid.clone());
    assert_eq!(c.phase(), Phase::WaitingForUser);
    assert_eq!(c.poll_event(), Some(Event::Started { sid: sid.clone(), restarted: false }));
    assert_eq!(c.poll_event(), Some(Event::Wait));
    assert_eq!(c.poll_outgoing(), None, "nothing is sent until the user writes");
    assert_eq!(c.resumable_sid(), Some(&sid));
    c.send("你好").expect("taken");
    assert_eq!(c.resumable_sid(), None, "a queued message makes it not resumable");
    let out = c.poll_outgoing().expect("the input");
    match &out.call {
        Call::Trigger(t) => assert_eq!((t.sid.as_str(), t.text.as_str()), (sid.as_str(), "你好")),
        other => panic!("{other:?}"),
    }
    assert_eq!(c.resumable_sid(), None, "not while it is on its way");
}
