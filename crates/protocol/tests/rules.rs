//! The lenient-decoding rules and every error path the foundation promises.

use kefu_protocol::callcenter::{CallRecord, recording_segments};
use kefu_protocol::chat::{BotTurn, StartRequest, TriggerRequest};
use kefu_protocol::coeus::{OutnumForm, Task};
use kefu_protocol::outbound::{ConversationLog, PlacedCall};
use kefu_protocol::{
    Action, CallCenterAnswer, CallCenterPage, CallStatus, CallType, Channel, Cmd, Code, DateTime, Error,
    FileSuffix, JsonList, NumberState, OutboundAnswer, PlatformAnswer, PlatformPage, RecallGroup, Sid,
    Timestamp, VarMap, ssml_to_text,
};

/// [`kefu_protocol::decode`], checked against [`kefu_protocol::decode_value`]: every rule below
/// holds for both (the same output, or the same error without the JSON reader's position).
fn decode<A: kefu_protocol::Answer>(status: u16, body: &[u8]) -> Result<A::Output, Error>
where
    A::Output: PartialEq + std::fmt::Debug,
{
    let read = kefu_protocol::decode::<A>(status, body);
    let through_value = kefu_protocol::decode_value::<A>(status, body);
    match (&read, &through_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "decode_value differs from decode"),
        (Err(a), Err(b)) => {
            let (a, b) = (a.to_string(), b.to_string());
            assert!(a.starts_with(&b), "decode_value says {b:?}, decode {a:?}");
        }
        _ => panic!("decode gives {read:?}, decode_value {through_value:?}"),
    }
    read
}

#[test]
fn string_and_integer_codes() {
    for (body, ok) in [
        (r#"{"code":0,"msg":"ok"}"#, true),
        (r#"{"code":200,"msg":"ok"}"#, true),
        (r#"{"code":201,"message":"ok"}"#, true),
        (r#"{"code":"000000","msg":"成功"}"#, true),
        (r#"{"code":"0","msg":"ok"}"#, true),
        (r#"{"code":"999999","msg":"未知错误"}"#, false),
        (r#"{"code":405,"msg":"参数不合法"}"#, false),
        (r#"{"code":-1,"msg":"x"}"#, false),
        (r#"{"code":500,"msg":"系统异常"}"#, false),
    ] {
        let result = decode::<PlatformAnswer<()>>(200, body.as_bytes());
        assert_eq!(result.is_ok(), ok, "{body}: {result:?}");
    }
}

#[test]
fn null_or_missing_message() {
    let page = decode::<CallCenterPage<CallRecord>>(200, br#"{"total":0,"rows":[],"code":0,"msg":null}"#);
    assert!(page.is_ok());
    match decode::<CallCenterAnswer<()>>(200, br#"{"code":500,"msg":null}"#) {
        Err(Error::Platform(e)) => {
            assert_eq!(e.code, Code::Int(500));
            assert_eq!(e.message, "");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn message_key_either_way() {
    // seed 000 says `message`; a `msg` body still yields its text, and vice versa.
    match decode::<OutboundAnswer<()>>(200, br#"{"code":1,"msg":"bad"}"#) {
        Err(Error::Platform(e)) => assert_eq!(e.message, "bad"),
        other => panic!("{other:?}"),
    }
    match decode::<PlatformAnswer<()>>(200, br#"{"code":1,"message":"worse"}"#) {
        Err(Error::Platform(e)) => assert_eq!(e.message, "worse"),
        other => panic!("{other:?}"),
    }
    // Payload under `data` where `result` is documented, and the reverse.
    assert_eq!(decode::<PlatformAnswer<i64>>(200, br#"{"code":0,"data":5}"#).ok(), Some(5));
    assert_eq!(decode::<OutboundAnswer<i64>>(200, br#"{"code":200,"result":6}"#).ok(), Some(6));
}

#[test]
fn http_500_is_a_failure_whatever_the_body() {
    match decode::<PlatformAnswer<()>>(500, r#"{"code":-174791,"msg":"错误消息"}"#.as_bytes()) {
        Err(Error::Platform(e)) => {
            assert_eq!(e.code, Code::Int(-174791));
            assert_eq!(e.http_status, 500);
        }
        other => panic!("{other:?}"),
    }
    // Even a body that claims success.
    assert!(matches!(
        decode::<PlatformAnswer<()>>(500, br#"{"code":0,"msg":"ok"}"#),
        Err(Error::Platform(_))
    ));
    // A body without code takes the HTTP status as its code.
    match decode::<PlatformAnswer<()>>(502, br#"{"msg":"bad gateway"}"#) {
        Err(Error::Platform(e)) => assert_eq!(e.code, Code::Int(502)),
        other => panic!("{other:?}"),
    }
    // Not JSON at all.
    match decode::<PlatformAnswer<()>>(500, b"<html>Internal Server Error</html>") {
        Err(Error::Http { status, snippet }) => {
            assert_eq!(status, 500);
            assert!(snippet.contains("Internal"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_and_missing_payload() {
    assert!(matches!(
        decode::<PlatformAnswer<BotTurn>>(200, b"not json"),
        Err(Error::Decode { status: 200, .. })
    ));
    assert!(matches!(
        decode::<PlatformAnswer<BotTurn>>(200, br#"{"code":0,"msg":"success"}"#),
        Err(Error::MissingPayload("result"))
    ));
    // A failure with a body shaped unlike the success type is still reported as a failure.
    assert!(matches!(
        decode::<PlatformAnswer<BotTurn>>(200, br#"{"code":7,"msg":"expired","result":"nope"}"#),
        Err(Error::Platform(_))
    ));
}

#[test]
fn unknown_enum_values_decode_and_encode_back() {
    let turn: BotTurn =
        serde_json::from_str(r#"{"cmd":"evt.dance","channel":"tiktok","prompt":"","prompt_id":"x"}"#)
            .expect("decodes");
    assert_eq!(turn.cmd, Cmd::Other("evt.dance".into()));
    assert_eq!(turn.channel, Some(Channel::Other("tiktok".into())));
    assert_eq!(serde_json::to_value(&turn.cmd).expect("encodes"), "evt.dance");
    let log: ConversationLog = serde_json::from_str(
        r#"{"callType":"x","jobId":"j","callStatus":"Teleported","recordUrl":"",
            "conversations":"[{\"timestamp\":1,\"speaker\":\"Alien\",\"script\":\"hi\",\"action\":\"Sing\"}]"}"#,
    )
    .expect("decodes");
    assert_eq!(log.call_status, CallStatus::Other("Teleported".into()));
    assert_eq!(log.conversations[0].action, Action::Other("Sing".into()));
    assert_eq!(CallType::from("04"), CallType::Other("04".into()));
    assert_eq!(NumberState::from(999), NumberState::Other(999));
    assert_eq!(NumberState::from(774).label(), Some("空号"));
    assert_eq!(Channel::ALL.len(), 7);
    for c in Channel::ALL {
        assert_eq!(&Channel::from(c.as_str()), c);
    }
}

#[test]
fn int_enums_accept_strings_of_digits() {
    let call: PlacedCall =
        serde_json::from_str(r#"{"errorCode":"1002","message":"呼叫已达上限","mediationId":"20"}"#)
            .expect("decodes");
    assert_eq!(call.error_code, kefu_protocol::CallErrorCode::LimitReached);
    assert_eq!(call.mediation_id, Some(20));
}

#[test]
fn long_ids_never_pass_through_floats() {
    // 19 digits, above 2^53: sent as a JSON number, kept digit for digit.
    let r: CallRecord =
        serde_json::from_str(r#"{"uuid":2508162111590110001,"telephone":18188888888}"#).expect("decodes");
    assert_eq!(r.uuid, "2508162111590110001");
    let t: Task = serde_json::from_str(r#"{"task_id":174212519459778560,"bot_id":"102094990155681792"}"#)
        .expect("decodes");
    assert_eq!(t.task_id.as_deref(), Some("174212519459778560"));
    // A float id has already lost digits: refused, not rounded.
    assert!(serde_json::from_str::<CallRecord>(r#"{"uuid":2.5081621115901e18}"#).is_err());
}

#[test]
fn lists_in_any_form() {
    let forms = [
        r#"[{"role":"user","content":"a"}]"#,
        r#"{"role":"user","content":"a"}"#,
        r#""[{\"role\":\"user\",\"content\":\"a\"}]""#,
    ];
    for form in forms {
        let list: JsonList<kefu_protocol::callcenter::DialogueLine> = serde_json::from_str(form).expect(form);
        assert_eq!(list.len(), 1, "{form}");
    }
    for empty in [r#""""#, "null", "[]"] {
        let list: JsonList<kefu_protocol::callcenter::DialogueLine> =
            serde_json::from_str(empty).expect(empty);
        assert!(list.is_empty());
    }
    // tasklist's `result` as one bare object.
    let page = decode::<PlatformPage<Task>>(
        200,
        br#"{"code":0,"msg":"ok","total_rows":1,"result":{"task_name":"t"}}"#,
    )
    .expect("decodes");
    assert_eq!(page.rows.len(), 1);
}

#[test]
fn var_json_must_be_flat() {
    let nested = r#"{"app_id":"a","bot_id":"b","sid":"ad84177a55e14ce02a46331bd500243c","channel":"h5",
        "var_json":{"name":"张三","address":{"city":"北京"}}}"#;
    let err = serde_json::from_str::<StartRequest>(nested).expect_err("nested var_json is refused");
    assert!(err.to_string().contains("var_json is flat"), "{err}");
    let with_array = serde_json::json!({"tags": [1, 2]});
    match VarMap::from_json(&with_array) {
        Err(e @ Error::NestedVar { .. }) => assert!(e.to_string().contains("\"tags\" holds an array"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(VarMap::from_json(&serde_json::json!([1])), Err(Error::VarNotAMap("an array"))));
    let flat = VarMap::from_json(
        &serde_json::json!({"name":"张三","age":24,"vip":true,"big":12345678901234567890u64}),
    )
    .expect("flat map");
    assert_eq!(flat.text("big").as_deref(), Some("12345678901234567890"));
    assert_eq!(flat.text("vip").as_deref(), Some("true"));
}

#[test]
fn sid_rules() {
    let a = Sid::random().expect("random source");
    let b = Sid::random().expect("random source");
    assert_ne!(a, b);
    assert_eq!(a.as_str().len(), 32);
    assert!(a.as_str().bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    assert_eq!(Sid::parse(a.as_str()).expect("own ids parse"), a);
    for bad in [
        "",
        "ad84177a55e14ce02a46331bd500243",
        "AD84177A55E14CE02A46331BD500243C",
        "zz84177a55e14ce02a46331bd500243c",
        "ad84177a55e14ce02a46331bd500243c0",
    ] {
        assert!(matches!(Sid::parse(bad), Err(Error::InvalidSid(_))), "{bad:?}");
    }
    let bad_trigger = r#"{"sid":"../../etc/passwd","cmd":"evt.input","text":"x"}"#;
    assert!(serde_json::from_str::<TriggerRequest>(bad_trigger).is_err());
}

#[test]
fn trigger_always_sends_text() {
    let sid = Sid::parse("ad84177a55e14ce02a46331bd500243c").expect("valid");
    let v = serde_json::to_value(TriggerRequest::complete(sid, "iQwtR")).expect("encodes");
    assert_eq!(
        v,
        serde_json::json!({"sid":"ad84177a55e14ce02a46331bd500243c","cmd":"evt.complete","text":"","prompt_id":"iQwtR"})
    );
}

#[test]
fn ssml_becomes_readable_text() {
    assert_eq!(
        ssml_to_text(
            r#"<speak><phoneme alphabet="py" ph="wei2">喂</phoneme>, 您好<break time="500ms"/>马先生</speak>"#
        ),
        "喂, 您好马先生"
    );
    assert_eq!(
        ssml_to_text("a &lt; b &amp;&amp; c &#x4E2D;&#25991; &quot;q&quot; &bogus;"),
        "a < b && c 中文 \"q\" &bogus;"
    );
    assert_eq!(ssml_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
    assert_eq!(ssml_to_text("plain 文本"), "plain 文本");
    assert_eq!(ssml_to_text("<speak>unterminated <tag"), "unterminated <tag");
    assert_eq!(ssml_to_text("&lt;script&gt;"), "<script>");
}

#[test]
fn timestamps_keep_text_and_parse_on_demand() {
    let rfc = Timestamp::new("2024-04-03T09:53:10+08:00");
    let plain = Timestamp::new("2024-04-03 09:53:10");
    assert_eq!(rfc.unix_millis(), plain.unix_millis());
    assert_eq!(rfc.unix_millis(), Some(1_712_109_190_000));
    assert_eq!(Timestamp::new("2026-02-07").parse().map(|t| t.day), Some(7));
    assert_eq!(Timestamp::new("2024-04-03T01:53:10Z").unix_millis(), Some(1_712_109_190_000));
    assert_eq!(Timestamp::new("2024-04-03T01:53:10.250Z").unix_millis(), Some(1_712_109_190_000));
    assert!(Timestamp::new("").is_empty());
    assert_eq!(Timestamp::new("").parse(), None);
    for bad in ["2024-13-01", "2023-02-29", "yesterday", "2024-04-03 25:00:00", "2024-04-03T09:53:10+0800"] {
        assert_eq!(Timestamp::new(bad).parse(), None, "{bad}");
    }
    let t = DateTime::from_unix_seconds(1_712_109_190, 480);
    assert_eq!(t.to_plain(), "2024-04-03 09:53:10");
    assert_eq!(t.to_rfc3339(), "2024-04-03T09:53:10+08:00");
    // Round trip across a leap day and the epoch.
    for secs in [0i64, 951_782_400, 1_709_164_800, -86_400] {
        assert_eq!(DateTime::from_unix_seconds(secs, 0).unix_seconds(), secs);
    }
}

#[test]
fn recall_groups_cover_the_documented_codes() {
    assert_eq!(RecallGroup::of("777"), Some(RecallGroup::Rejected));
    assert_eq!(RecallGroup::of("-1"), Some(RecallGroup::Misc));
    assert_eq!(RecallGroup::of("503").map(RecallGroup::label), Some("网关异常"));
    assert_eq!(RecallGroup::of("999"), None);
    let groups: Vec<_> = RecallGroup::all().collect();
    assert_eq!(groups.len(), 17);
    let mut seen = std::collections::BTreeSet::new();
    for g in groups {
        for code in g.codes() {
            assert!(seen.insert(*code), "code {code} is in two groups");
            assert_eq!(RecallGroup::of(code.to_string()), Some(g));
        }
    }
    // Every §18 number state sits in a recall group.
    for state in NumberState::ALL {
        assert!(RecallGroup::of(state.code().to_string()).is_some(), "{state}");
    }
}

#[test]
fn outnum_form_fields() {
    let form = OutnumForm {
        app_id: "200000000".into(),
        task_id: "5682792453123984".into(),
        call_count: 3,
        file_suffix: FileSuffix::Csv,
        disnum_group_id: "g1".into(),
        call_sn_name: None,
    };
    let fields = form.fields();
    let back = OutnumForm::from_fields(fields.iter().map(|(k, v)| (*k, v.as_str()))).expect("reads back");
    assert_eq!(back, form);
    let missing = OutnumForm::from_fields([("app_id", "1")]);
    assert!(matches!(missing, Err(Error::Form { .. })));
    let bad_suffix = OutnumForm::from_fields([
        ("app_id", "1"),
        ("task_id", "2"),
        ("call_count", "3"),
        ("file_suffix", "pdf"),
        ("disnum_group_id", "g"),
    ]);
    assert!(bad_suffix.expect_err("pdf is refused").to_string().contains("pdf"));
    let bad_count = OutnumForm::from_fields([
        ("app_id", "1"),
        ("task_id", "2"),
        ("call_count", "many"),
        ("file_suffix", "csv"),
        ("disnum_group_id", "g"),
    ]);
    assert!(matches!(bad_count, Err(Error::Form { field: "call_count", .. })));
    // As a page gives it (the JavaScript API): trimmed, a blank name left out, blanks refused.
    let typed = OutnumForm { app_id: " 200000000 ".into(), call_sn_name: Some("  ".into()), ..form.clone() };
    assert_eq!(typed.checked().expect("fits"), form);
    let blank = OutnumForm { disnum_group_id: " ".into(), ..form.clone() };
    assert!(matches!(blank.checked(), Err(Error::Form { field: "disnum_group_id", .. })));
    let unknown = OutnumForm { file_suffix: FileSuffix::Other("pdf".into()), ..form };
    assert!(unknown.checked().expect_err("pdf is refused").to_string().contains("pdf"));
}

#[test]
fn recording_filenames_stay_inside() {
    assert_eq!(
        recording_segments("ai_call/2025/08/16/21/2508162111590110001.wav").map(|s| s.len()).ok(),
        Some(6)
    );
    for bad in ["../etc/passwd", "ai_call/../../x", "/etc/passwd", "a//b", "a\\b", "C:/x", "./a", "", "a/./b"]
    {
        assert!(matches!(recording_segments(bad), Err(Error::UnsafeFilename(_))), "{bad:?}");
    }
}

#[test]
fn page_answers_carry_rows_and_totals() {
    let page = decode::<CallCenterPage<kefu_protocol::callcenter::CallTask>>(
        200,
        br#"{"code":200,"msg":"ok","total":3,"rows":[{"batchId":1,"createtime":5}]}"#,
    )
    .expect("decodes");
    assert_eq!((page.total, page.rows.len(), page.rows[0].create_time), (3, 1, 5));
    let err = decode::<CallCenterAnswer<Vec<i64>>>(
        200,
        r#"{"code":405,"msg":"参数不合法","data":null}"#.as_bytes(),
    );
    assert!(matches!(err, Err(Error::Platform(e)) if e.code == Code::Int(405)));
}

/// `judge` is the rule `decode` applies: for every status and status part, a decoded answer fails
/// exactly when `judge` does not say success, with the same platform error.
#[test]
fn judge_is_the_rule_decode_applies() {
    use kefu_protocol::{PlatformError, Verdict, judge};
    let codes = [
        None,
        Some(Code::Int(0)),
        Some(Code::Int(201)),
        Some(Code::Str("000000".into())),
        Some(Code::Int(-3)),
    ];
    let messages = [None, Some("说明".to_owned())];
    for status in [200, 204, 400, 429, 500, 502, 503] {
        for code in &codes {
            for message in &messages {
                let mut body = serde_json::Map::new();
                if let Some(code) = code {
                    body.insert("code".into(), serde_json::to_value(code).expect("code"));
                }
                if let Some(message) = message {
                    body.insert("msg".into(), message.clone().into());
                }
                let bytes = serde_json::to_vec(&body).expect("body");
                let decoded = decode::<PlatformAnswer<()>>(status, &bytes);
                match judge(status, code.clone(), message.clone()) {
                    Verdict::Success => assert!(decoded.is_ok(), "{status} {body:?}: {decoded:?}"),
                    Verdict::Refused(expected) => match decoded {
                        Err(Error::Platform(e)) => assert_eq!(e, expected),
                        other => panic!("{status} {body:?}: {other:?}"),
                    },
                    Verdict::NotAnAnswer => {
                        assert!(matches!(decoded, Err(Error::Http { .. })), "{status} {body:?}: {decoded:?}")
                    }
                }
            }
        }
    }
    let refused = judge(500, None, Some("系统异常".into()));
    let expected = PlatformError { code: Code::Int(500), message: "系统异常".into(), http_status: 500 };
    assert_eq!(refused, Verdict::Refused(expected));
}

/// Every envelope reads its message and payload under each key `MESSAGE_KEYS` and `PAYLOAD_KEYS`
/// name (the browser's decoder reads exactly those).
#[test]
fn envelopes_read_every_message_and_payload_key() {
    use kefu_protocol::{MESSAGE_KEYS, PAYLOAD_KEYS};
    for message in MESSAGE_KEYS {
        for payload in PAYLOAD_KEYS {
            let body = format!(r#"{{"code":7,"{message}":"不行","{payload}":1}}"#);
            for result in [
                decode::<PlatformAnswer<u8>>(200, body.as_bytes()),
                decode::<OutboundAnswer<u8>>(200, body.as_bytes()),
                decode::<CallCenterAnswer<u8>>(200, body.as_bytes()),
            ] {
                assert!(
                    matches!(result, Err(Error::Platform(ref e)) if e.message == "不行"),
                    "{body}: {result:?}"
                );
            }
            let body = format!(r#"{{"code":0,"{message}":"ok","{payload}":1}}"#);
            assert_eq!(decode::<PlatformAnswer<u8>>(200, body.as_bytes()).expect(&body), 1);
            assert_eq!(decode::<OutboundAnswer<u8>>(200, body.as_bytes()).expect(&body), 1);
            assert_eq!(decode::<CallCenterAnswer<u8>>(200, body.as_bytes()).expect(&body), 1);
        }
    }
}

/// The session failure codes the sandbox answers and the client reads: each code once, inside
/// the refused range.
#[test]
fn session_failure_codes_are_distinct_and_refusals() {
    use kefu_protocol::chat::SessionFailure;
    for failure in SessionFailure::ALL {
        assert_eq!(SessionFailure::from_code(failure.code()), Some(failure));
        assert!(SessionFailure::REFUSED_CODES.contains(&failure.code()));
    }
    assert_eq!(SessionFailure::from_code(40001), None);
}

/// A sid from chosen bytes is their hexadecimal form, and a valid sid.
#[test]
fn sid_from_bytes() {
    let sid = Sid::from_bytes([0xab; 16]);
    assert_eq!(sid.as_str(), "ab".repeat(16));
    assert_eq!(Sid::parse(sid.as_str()).expect("valid"), sid);
}

/// A suggestion needs a question; a blank title shows the question.
#[test]
fn relation_suggestions() {
    use kefu_protocol::chat::Relation;
    let r = |title: &str, question: &str| Relation {
        relation_title: title.into(),
        question_name: question.into(),
    };
    assert_eq!(r("运费", "运费怎么算").suggestion(), Some(("运费", "运费怎么算")));
    assert_eq!(r(" ", "运费怎么算").suggestion(), Some(("运费怎么算", "运费怎么算")));
    assert_eq!(r("运费", "  ").suggestion(), None);
}

/// Messages list the documented channels from `Channel::ALL`.
#[test]
fn channels_are_listed_from_all() {
    assert_eq!(Channel::listed(Channel::ALL), "h5, wx_oa, wx_mp, wx_work, weibo, email, app");
    assert_eq!(Channel::listed(&[Channel::H5, Channel::App]), "h5, app");
}
