//! The client's error rules: how a failed answer is classified, the one retry rule, what kind
//! each error is (the JavaScript `KefuError.kind`), and that a protocol error stays the source.
#![cfg(not(target_arch = "wasm32"))]

use std::error::Error as _;

use kefu_client::{ClientError, ErrorKind, Failure, ProtocolError, is_transient};
use kefu_protocol::{Code, PlatformError};

fn refusal(status: u16) -> PlatformError {
    PlatformError { code: Code::Int(7), message: "不行".into(), http_status: status }
}

#[test]
fn failed_answers_are_classified_by_status() {
    assert!(matches!(Failure::from_status(200, Some(refusal(200)), String::new()), Failure::Platform(_)));
    assert!(matches!(Failure::from_status(500, Some(refusal(500)), String::new()), Failure::Platform(_)));
    assert!(
        matches!(Failure::from_status(502, Some(refusal(502)), String::new()), Failure::Uncertain(m) if m.contains("不行"))
    );
    assert!(matches!(Failure::from_status(401, Some(refusal(401)), String::new()), Failure::NotDelivered(_)));
    assert!(
        matches!(Failure::from_status(503, None, "busy".into()), Failure::NotDelivered(m) if m == "busy")
    );
    assert!(matches!(Failure::from_status(200, None, "garbage".into()), Failure::Uncertain(_)));
}

#[test]
fn only_no_answer_and_later_statuses_are_retried() {
    for status in [429, 502, 503, 504] {
        assert!(is_transient(Ok(status)), "{status}");
    }
    for status in [200, 400, 401, 404, 500] {
        assert!(!is_transient(Ok(status)), "{status}");
    }
    assert!(is_transient(Err(&Failure::Uncertain("no answer within 15000 ms".into()))));
    assert!(is_transient(Err(&Failure::NotDelivered("the request could not be built".into()))));
    assert!(!is_transient(Err(&Failure::Platform(refusal(200)))));
}

#[test]
fn every_error_has_a_kind() {
    let delivery = |f: Failure| ClientError::Delivery(f);
    assert_eq!(delivery(Failure::Platform(refusal(200))).kind(), ErrorKind::Platform);
    assert_eq!(delivery(Failure::Platform(refusal(200))).platform_code(), Some(&Code::Int(7)));
    assert_eq!(delivery(Failure::NotDelivered("HTTP 401".into())).kind(), ErrorKind::Refused);
    assert_eq!(delivery(Failure::Uncertain("no answer within 15000 ms".into())).kind(), ErrorKind::Timeout);
    assert_eq!(delivery(Failure::Uncertain("network error: reset".into())).kind(), ErrorKind::Network);
    assert_eq!(ClientError::InvalidMessage("the message is empty".into()).kind(), ErrorKind::InvalidInput);
    let over = ClientError::WrongPhase { action: "send a message", phase: "transferred" };
    assert_eq!(over.kind(), ErrorKind::Expired);
    let early = ClientError::WrongPhase { action: "retry", phase: "waiting for the user" };
    assert_eq!(early.kind(), ErrorKind::InvalidInput);
    assert_eq!(ClientError::OutOfStep("stale".into()).kind(), ErrorKind::Expired);
    assert_eq!(ClientError::NotStarted.kind(), ErrorKind::Expired);
    assert_eq!(ClientError::NoSessionId.kind(), ErrorKind::Network);
    let names: Vec<&str> = [
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Refused,
        ErrorKind::Platform,
        ErrorKind::InvalidInput,
        ErrorKind::Expired,
    ]
    .iter()
    .map(|k| k.name())
    .collect();
    assert_eq!(names, ["network", "timeout", "refused", "platform", "invalidInput", "expired"]);
}

#[test]
fn a_protocol_error_is_kept_as_the_source() {
    let protocol = kefu_protocol::Sid::parse("nope").expect_err("not a sid");
    let text = protocol.to_string();
    let error = ClientError::from(protocol);
    assert_eq!(error.to_string(), text);
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let ClientError::Protocol(wrapped) = &error else { panic!("a protocol error: {error:?}") };
    assert!(matches!(wrapped.get(), Some(kefu_protocol::Error::InvalidSid(_))));
    assert_eq!(error.source().map(ToString::to_string), Some(text));
    assert_eq!(error.clone(), error);
    let json = serde_json::from_str::<u8>("x").expect_err("not JSON");
    assert!(ProtocolError::new(json).get().is_none(), "not a protocol error, still the source");
}
