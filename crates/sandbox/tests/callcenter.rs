//! Seed 001: call records, AI call tasks, stopping them, and recordings.

mod common;

use axum::http::StatusCode;
use common::{code, sandbox};
use kefu_protocol::callcenter::{CallRecord, CallTask, CreatedTask};
use kefu_protocol::{CallCenterAnswer, CallCenterPage, decode};
use serde_json::json;

#[tokio::test]
async fn records_list_serves_the_documents_examples_with_filters() {
    let sb = sandbox();
    let list = |body| sb.post("/api/aicall/records/list", body);
    let a = list(json!({"callType": "02", "pageSize": 5, "pageNum": 1, "calloutTimeStart": "2025-08-16 00:00:00", "calloutTimeEnd": "2025-08-16 23:59:59", "timeLenStart": 5})).await;
    assert_eq!(a.body["code"], 0);
    assert_eq!(a.body["msg"], serde_json::Value::Null, "as in the document");
    let page = decode::<CallCenterPage<CallRecord>>(200, &a.bytes).expect("decodes");
    assert_eq!(page.total, 2, "the two answered AI calls of 2025-08-16 last 5 s or more");
    assert_eq!(page.rows[0].uuid, "2508162111590110001");
    assert_eq!(page.rows[1].dialogue.len(), 3);
    assert!(page.rows[0].wav_file_url.ends_with("filename=ai_call/2025/08/16/21/2508162111590110001.wav"));

    let all_ai = decode::<CallCenterPage<CallRecord>>(200, &list(json!({"callType": "02"})).await.bytes)
        .expect("decodes");
    assert_eq!(all_ai.total, 4);
    assert!(
        all_ai
            .rows
            .iter()
            .filter(|r| !r.answered())
            .all(|r| r.wav_file_url.is_empty() && r.sip_status() == Some(503))
    );
    let inbound = decode::<CallCenterPage<CallRecord>>(200, &list(json!({"callType": "01"})).await.bytes)
        .expect("decodes");
    assert_eq!(inbound.total, 2);
    let by_phone = list(json!({"callType": "02", "telephone": "18188888889"})).await;
    assert_eq!(by_phone.body["total"], 2);
    let by_uuid = list(json!({"callType": "02", "uuid": "2508162057010110001"})).await;
    assert_eq!(by_uuid.body["rows"][0]["hangupCause"], "NORMAL_TEMPORARY_FAILURE:sip:503");
    let short = list(json!({"callType": "02", "timeLenEnd": 0})).await;
    assert_eq!(short.body["total"], 2);
    let paged = list(json!({"callType": "02", "pageSize": 3, "pageNum": 2})).await;
    assert_eq!(
        (paged.body["total"].as_u64(), paged.body["rows"].as_array().map(Vec::len)),
        (Some(4), Some(1))
    );
    // Errors use the document's 405.
    assert_eq!(code(&list(json!({"pageNum": 1})).await), 405, "callType is required");
    assert_eq!(code(&list(json!({"callType": "2"})).await), 405, "the leading zero matters");
    assert_eq!(code(&list(json!({"callType": "02", "calloutTimeStart": "2025/08/16"})).await), 405);
}

#[tokio::test]
async fn tasks_run_leave_records_and_can_be_stopped() {
    let sb = sandbox();
    let tickets = json!([
        {"ticketNo": "T20231001001", "phone": "13912345678", "username": "张三", "ticketType": "活动通知1", "ticketContent": "提醒您参加本周末的线下优惠活动。"},
        {"ticketNo": "T20231001002", "phone": "13912345694", "username": "李四", "ticketType": "活动通知2", "ticketContent": "提醒您参加本周末的线下优惠活动。"},
        {"ticketNo": "T20231001003", "phone": "13912345600", "username": "王五", "ticketType": "活动通知3", "ticketContent": "提醒您参加本周末的线下优惠活动。"}
    ]);
    let a = sb.post("/api/aicall/createTasks", tickets).await;
    assert_eq!(a.body["code"], 200);
    let created = decode::<CallCenterAnswer<Vec<CreatedTask>>>(200, &a.bytes).expect("decodes");
    assert_eq!(
        created.iter().map(|c| c.ticket_no.as_str()).collect::<Vec<_>>(),
        ["T20231001001", "T20231001002", "T20231001003"]
    );
    let ids: Vec<i64> = created.iter().map(|c| c.batch_id).collect();

    let tasks = |body| sb.post("/api/aicall/calltask/list", body);
    let page =
        decode::<CallCenterPage<CallTask>>(200, &tasks(json!({"pageNum": 1, "pageSize": 10})).await.bytes)
            .expect("decodes");
    assert_eq!(page.total, 3);
    assert!(page.rows.iter().all(|t| t.status == "待执行"));
    // Stop the third before it runs.
    let stop = sb.post("/aicall/stopTasks", json!({"batchIds": [ids[2]]})).await;
    assert_eq!(stop.body, json!({"code": 0, "msg": "操作成功"}));
    sb.clock.advance(6_000);
    let page =
        decode::<CallCenterPage<CallTask>>(200, &tasks(json!({"pageNum": 1, "pageSize": 10})).await.bytes)
            .expect("decodes");
    let by_id = |id: i64| page.rows.iter().find(|t| t.batch_id == id).expect("task");
    assert_eq!(by_id(ids[0]).status, "已完成");
    assert_eq!(by_id(ids[0]).connected, Some(true));
    assert_eq!(by_id(ids[1]).connected, Some(false), "numbers ending in 4 do not answer");
    assert_eq!(by_id(ids[2]).status, "已停止");
    assert!(by_id(ids[0]).stop_time.is_some_and(|t| t > by_id(ids[0]).create_time));
    let one = tasks(json!({"pageNum": 1, "pageSize": 10, "batchId": ids[1]})).await;
    assert_eq!(one.body["total"], 1);
    // Each finished task left an AI outbound record.
    let records = decode::<CallCenterPage<CallRecord>>(
        200,
        &sb.post("/api/aicall/records/list", json!({"callType": "02", "telephone": "13912345678"}))
            .await
            .bytes,
    )
    .expect("decodes");
    assert_eq!(records.total, 1);
    let record = &records.rows[0];
    assert_eq!(record.uuid.len(), 19);
    assert!(record.dialogue.iter().any(|d| d.content.contains("张三")));
    let wav = sb.get(record.wav_file_url.strip_prefix("http://sandbox.test").expect("own URL")).await;
    assert_eq!(wav.content_type, "audio/wav");
    // Stopping unknown ids changes nothing and says which.
    let bad = sb.post("/aicall/stopTasks", json!({"batchIds": [ids[0], 999_999]})).await;
    assert_eq!(code(&bad), 405);
    assert!(bad.body["msg"].as_str().unwrap_or_default().contains("999999"));
    assert_eq!(code(&sb.post("/aicall/stopTasks", json!({"batchIds": []})).await), 405);
    // Required paging.
    assert_eq!(code(&tasks(json!({"pageNum": 1})).await), 405);
}

#[tokio::test]
async fn create_tasks_validates() {
    let sb = sandbox();
    assert_eq!(code(&sb.post("/api/aicall/createTasks", json!([])).await), 405);
    assert_eq!(
        code(&sb.post("/api/aicall/createTasks", json!({"ticketNo": "x"})).await),
        405,
        "the body is an array"
    );
    let bad_phone = json!([{"ticketNo": "T1", "phone": "call me", "username": "u", "ticketType": "t", "ticketContent": "c"}]);
    let a = sb.post("/api/aicall/createTasks", bad_phone).await;
    assert_eq!(code(&a), 405);
    assert!(a.body["msg"].as_str().unwrap_or_default().contains("T1"));
}

#[tokio::test]
async fn recordings_refuse_to_leave_their_folder() {
    let sb = sandbox();
    let ok = sb.get("/recordings/files?filename=ai_call/2025/08/16/21/2508162111590110001.wav").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.content_type, "audio/wav");
    assert_eq!(&ok.bytes[..4], b"RIFF");
    assert_eq!(&ok.bytes[8..12], b"WAVE");
    for bad in [
        "../../etc/passwd",
        "ai_call/../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "ai_call%2F..%2F..%2Fsecret.wav",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "ai_call//2025/x.wav",
        "ai_call\\..\\x.wav",
        "C:/windows/win.ini",
    ] {
        let a = sb.get(&format!("/recordings/files?filename={bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_ne!(a.content_type, "audio/wav");
    }
    assert_eq!(sb.get("/recordings/files").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(sb.get("/recordings/files?filename=a&filename=b").await.status, StatusCode::BAD_REQUEST);
    let unknown = sb.get("/recordings/files?filename=ai_call/2025/08/16/21/0000000000000000000.wav").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // An unanswered call has no recording.
    let none = sb.get("/recordings/files?filename=ai_call/2025/08/16/20/2508162057160110001.wav").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn stop_tasks_is_served_with_and_without_api() {
    let sb = sandbox();
    let tickets = json!([
        {"ticketNo": "T1", "phone": "13912345678", "username": "张三", "ticketType": "回访", "ticketContent": "a"},
        {"ticketNo": "T2", "phone": "13912345679", "username": "李四", "ticketType": "回访", "ticketContent": "b"}
    ]);
    let created = sb.post("/api/aicall/createTasks", tickets).await;
    let created = decode::<CallCenterAnswer<Vec<CreatedTask>>>(200, &created.bytes).expect("decodes");
    for (path, task) in [("/aicall/stopTasks", &created[0]), ("/api/aicall/stopTasks", &created[1])] {
        let stop = sb.post(path, json!({"batchIds": [task.batch_id]})).await;
        assert_eq!(stop.body, json!({"code": 0, "msg": "操作成功"}), "{path}");
        let one = sb
            .post(
                "/api/aicall/calltask/list",
                json!({"pageNum": 1, "pageSize": 10, "batchId": task.batch_id}),
            )
            .await;
        assert_eq!(one.body["rows"][0]["status"], "已停止", "{path}: {}", one.body);
        // The same checks on both.
        assert_eq!(code(&sb.post(path, json!({"batchIds": []})).await), 405, "{path}");
    }
    // Only these two spellings.
    assert_eq!(sb.post("/api/api/aicall/stopTasks", json!({"batchIds": [1]})).await.status, 404);
}
