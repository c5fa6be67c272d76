//! Seed 002's outbound tasks: addtask, tasklist, syncprompt, followed/data, outnum uploads.

mod common;

use common::{APP_ID, BOT_ID, Sandbox, code, sandbox};
use serde_json::{Value, json};

async fn addtask(sb: &Sandbox, name: &str) -> String {
    let a = sb
        .post(
            "/api/v1/coeus/apiserver/agent/addtask",
            json!({"app_id": APP_ID, "task_name": name, "bot_id": BOT_ID, "voice": "aixia", "disnumber": "02188886666",
                   "is_record": 2, "recall_policy": ["777", "781"], "forbid_policy": ["00:00-08:00"]}),
        )
        .await;
    assert_eq!(code(&a), 0, "{}", a.body);
    let id = a.body["result"]["task_id"].as_str().expect("task_id is a string").to_owned();
    assert_eq!(id.len(), 18);
    id
}

#[tokio::test]
async fn addtask_and_tasklist_paging() {
    let sb = sandbox();
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(addtask(&sb, &format!("外呼任务{i:02}")).await);
    }
    let list = |body: Value| sb.post("/api/v1/coeus/apiserver/agent/tasklist", body);
    let page = list(json!({"app_id": APP_ID, "page_no": 3, "page_size": 5})).await;
    assert_eq!(code(&page), 0);
    assert_eq!(page.body["total_rows"], 12);
    assert_eq!(page.body["total_pages"], 3);
    assert_eq!(page.body["current_page"], 3);
    assert_eq!(page.body["num_per_page"], 5);
    assert_eq!(page.body["result"].as_array().map(Vec::len), Some(2));
    // Defaults: page 1 of 10.
    let first = list(json!({"app_id": APP_ID})).await;
    assert_eq!(first.body["result"].as_array().map(Vec::len), Some(10));
    assert_eq!(first.body["result"][0]["recall_interval"], 30, "documented default");
    assert_eq!(first.body["result"][0]["is_record"], 2);
    // Filters.
    let by_id = list(json!({"app_id": APP_ID, "task_id": ids[7]})).await;
    assert_eq!(by_id.body["result"][0]["task_name"], "外呼任务07");
    let by_name = list(json!({"app_id": APP_ID, "task_name": "任务1"})).await;
    assert_eq!(by_name.body["total_rows"], 2);
    // The documented maximum.
    assert_eq!(code(&list(json!({"app_id": APP_ID, "page_size": 50})).await), 0);
    assert_eq!(code(&list(json!({"app_id": APP_ID, "page_size": 51})).await), 40001);
    assert_eq!(code(&list(json!({"app_id": APP_ID, "page_no": 0})).await), 40001);
    assert_eq!(code(&list(json!({"app_id": "1"})).await), 40301);
    // Decodes with the protocol crate.
    let decoded =
        kefu_protocol::decode::<kefu_protocol::PlatformPage<kefu_protocol::coeus::Task>>(200, &page.bytes)
            .expect("decodes");
    assert_eq!(decoded.rows.len(), 2);
}

#[tokio::test]
async fn addtask_validates() {
    let sb = sandbox();
    let base =
        json!({"app_id": APP_ID, "task_name": "t", "bot_id": BOT_ID, "voice": "aixia", "disnumber": "1"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let add = |b| sb.post("/api/v1/coeus/apiserver/agent/addtask", b);
    assert_eq!(code(&add(with("bot_id", json!("42"))).await), 40401);
    assert_eq!(code(&add(with("task_name", json!(" "))).await), 40001);
    assert_eq!(code(&add(with("is_record", json!(3))).await), 40001);
    assert_eq!(code(&add(with("forbid_policy", json!(["8am-9am"]))).await), 40001);
    assert_eq!(code(&add(with("recall_policy", json!(["busy"]))).await), 40001);
    assert_eq!(code(&add(json!({"app_id": APP_ID})).await), 40001);
    assert_eq!(code(&add(base).await), 0);
}

#[tokio::test]
async fn syncprompt_lists_the_loaded_bots() {
    let sb = sandbox();
    let a = sb.post("/api/v1/coeus/apiserver/agent/syncprompt", json!({"app_id": APP_ID})).await;
    assert_eq!(a.body["result"], json!([{"bot_id": BOT_ID, "bot_name": "调解协议履约回访"}]));
}

#[tokio::test]
async fn followed_data_for_unknown_session() {
    let sb = sandbox();
    let a = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": "9082792453545984"})).await;
    assert_eq!(code(&a), 40404);
}

/// A multipart body with the outnum text fields and a file part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "-----312175004158215345208775";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(sb: &Sandbox, task_id: &str, suffix: &str, file: Option<(&str, &[u8])>) -> common::Answer {
    let fields = [
        ("app_id", APP_ID),
        ("task_id", task_id),
        ("call_count", "5"),
        ("file_suffix", suffix),
        ("disnum_group_id", "g-1"),
        ("call_sn_name", "回访批次"),
    ];
    let (content_type, body) = multipart(&fields, file);
    sb.post_raw("/api/v1/coeus/apiserver/agent/outnum", &content_type, body).await
}

fn xlsx(rows: &[(&str, &str)], phones_as_numbers: bool) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "phone").expect("cell");
    sheet.write_string(0, 1, "name").expect("cell");
    for (i, (phone, name)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).expect("small");
        match phone.parse::<f64>() {
            Ok(n) if phones_as_numbers => sheet.write_number(r, 0, n).expect("cell"),
            _ => sheet.write_string(r, 0, *phone).expect("cell"),
        };
        sheet.write_string(r, 1, *name).expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn outnum_reads_csv_txt_and_xlsx() {
    let sb = sandbox();
    let task = addtask(&sb, "号码下发").await;
    let csv =
        "phone,name,sex,fees\n9998,压测号码,先生,2341.25\n13800138000,张三,女士,2353.8\nabc,坏号码,先生,1\n";
    let a = upload(&sb, &task, "csv", Some(("号码名单.csv", csv.as_bytes()))).await;
    assert_eq!(code(&a), 0, "{}", a.body);
    assert_eq!(a.body["result"]["call_count"], 2, "the invalid row is dropped");
    assert_eq!(a.body["result"]["call_sn"].as_str().map(str::len), Some(18));

    let txt = "phone\tname\n13800138000\t张三\n13800138001\t李四\n13800138002\t王五\n";
    let a = upload(&sb, &task, "txt", Some(("numbers.txt", txt.as_bytes()))).await;
    assert_eq!(a.body["result"]["call_count"], 3);

    let book = xlsx(&[("13800138000", "张三"), ("13800138001", "李四"), ("x", "坏"), ("9998", "压测")], true);
    let a = upload(&sb, &task, "excel", Some(("号码名单.xlsx", &book))).await;
    assert_eq!(code(&a), 0, "{}", a.body);
    assert_eq!(a.body["result"]["call_count"], 3);
    let decoded = kefu_protocol::decode::<kefu_protocol::PlatformAnswer<kefu_protocol::coeus::OutnumResult>>(
        200, &a.bytes,
    );
    assert_eq!(decoded.expect("decodes").call_count, 3);
}

#[tokio::test]
async fn outnum_refuses_bad_uploads() {
    let sb = sandbox();
    let task = addtask(&sb, "号码下发").await;
    let csv = b"phone\n13800138000\n".as_slice();
    // A file that claims to be Excel but is not.
    let a = upload(&sb, &task, "excel", Some(("x.xlsx", b"PK\x03\x04 broken zip"))).await;
    assert_eq!(code(&a), 42201, "{}", a.body);
    // Header missing, no valid number, no file, unknown task, bad suffix.
    assert_eq!(code(&upload(&sb, &task, "csv", Some(("x.csv", b"13800138000\n13800138001\n"))).await), 42201);
    assert_eq!(code(&upload(&sb, &task, "csv", Some(("x.csv", b"phone\nabc\n"))).await), 42201);
    assert_eq!(code(&upload(&sb, &task, "csv", None).await), 40001);
    assert_eq!(code(&upload(&sb, "123", "csv", Some(("x.csv", csv))).await), 40403);
    let bad_suffix = upload(&sb, &task, "pdf", Some(("x.pdf", csv))).await;
    assert_eq!(code(&bad_suffix), 40001);
    assert!(bad_suffix.body["msg"].as_str().unwrap_or_default().contains("file_suffix"));
    // Not multipart at all.
    let a = sb.post_raw("/api/v1/coeus/apiserver/agent/outnum", "application/json", b"{}".to_vec()).await;
    assert_eq!(code(&a), 40001);
}

#[tokio::test]
async fn outnum_caps_rows_at_150000() {
    let sb = sandbox();
    let task = addtask(&sb, "大批量").await;
    let mut csv = String::from("phone\n");
    for i in 0..150_001 {
        csv.push_str(&format!("138{i:08}\n"));
    }
    let a = upload(&sb, &task, "csv", Some(("big.csv", csv.as_bytes()))).await;
    assert_eq!(code(&a), 42202, "{}", a.body);
    let exactly: String = csv.lines().take(150_001).map(|l| format!("{l}\n")).collect();
    let a = upload(&sb, &task, "csv", Some(("max.csv", exactly.as_bytes()))).await;
    assert_eq!(a.body["result"]["call_count"], 150_000);
}

#[tokio::test]
async fn followed_data_is_keyed_by_the_session_ids_of_simulated_calls() {
    let sb = sandbox();
    let task = addtask(&sb, "转坐席").await;
    let numbers: Vec<String> = (0..30).map(|i| format!("138001380{i:02}")).collect();
    let mut csv = String::from("phone,name\n");
    for n in &numbers {
        csv.push_str(&format!("{n},张三\n"));
    }
    csv.push_str("abc,坏号码\n");
    let a = upload(&sb, &task, "csv", Some(("numbers.csv", csv.as_bytes()))).await;
    let call_sn = a.body["result"]["call_sn"].as_str().expect("call_sn").to_owned();
    // The sandbox lists each kept number's call with its session id (the platform tells the
    // call-center on transfer, in SIP UserToUser).
    let listed = sb.get(&format!("/sandbox/calls?call_sn={call_sn}")).await;
    assert_eq!(code(&listed), 0, "{}", listed.body);
    let calls = listed.body["result"]["calls"].as_array().cloned().expect("calls");
    assert_eq!(
        calls.iter().map(|c| c["num"].clone()).collect::<Vec<_>>(),
        numbers.iter().map(|n| json!(n)).collect::<Vec<_>>()
    );
    let mut ids = Vec::new();
    let (mut unanswered, mut transferred) = (0, 0);
    for call in &calls {
        let id = call["session_id"].as_str().expect("a string id").to_owned();
        assert_eq!(id.len(), 16, "the shape of §13's example: {id}");
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        let data = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": id})).await;
        assert_eq!(code(&data), 0, "{}", data.body);
        let lines = kefu_protocol::decode::<
            kefu_protocol::PlatformAnswer<kefu_protocol::JsonList<kefu_protocol::coeus::FollowedDialog>>,
        >(200, &data.bytes)
        .expect("decodes as the document's answer")
        .0;
        ids.push(id);
        if lines.is_empty() {
            // Nobody answered (the call's §18 state says why): nothing was said.
            unanswered += 1;
            continue;
        }
        assert_eq!(lines[0].dialog_type, kefu_protocol::DialogType::Bot, "the bot speaks first");
        let user: Vec<&str> = lines
            .iter()
            .filter(|l| l.dialog_type == kefu_protocol::DialogType::User)
            .map(|l| l.content.as_str())
            .collect();
        assert!(!user.is_empty(), "the callee answers the bot");
        // Handed to an agent, which is when the call-center asks followed/data.
        transferred += usize::from(user.last() == Some(&"转人工"));
        let times: Vec<String> = lines.iter().map(|l| l.create_time.0.clone()).collect();
        assert!(
            times.iter().all(|t| kefu_protocol::Timestamp::new(t.as_str()).parse().is_some()),
            "{times:?}"
        );
        assert!(times.windows(2).all(|w| w[0] < w[1]), "in order: {times:?}");
    }
    assert!(unanswered > 0 && unanswered < 30, "some calls are not answered: {unanswered}");
    assert!(transferred > 0, "some callees ask for an agent");
    assert_ne!(ids[0], ids[1]);
    // The same id answers the same dialogue; ids of no call do not answer.
    let again = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": ids[0]})).await;
    let first = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": ids[0]})).await;
    assert_eq!(again.body, first.body);
    let past_the_end = format!("{}{:06}", &ids[0][..10], 30);
    let none = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": past_the_end})).await;
    assert_eq!(code(&none), 40404);
    // A session id may come as a JSON number too (ids are decoded leniently).
    let numeric: u64 = ids[1].parse().expect("digits");
    let n = sb.post("/api/v1/coeus/apiserver/followed/data", json!({"session_id": numeric})).await;
    assert_eq!(code(&n), 0, "{}", n.body);
    // Unknown batches are refused.
    assert_eq!(code(&sb.get("/sandbox/calls?call_sn=123").await), 40404);
}
