//! The operators' result routes (typed in `kefu_protocol::results`). They check no token
//! themselves: the proxy mounts [`Receiver::results_router`] behind its operator-token check.
//!
//! - `GET /kefu/v1/tasks`
//! - `GET /kefu/v1/tasks/{task_id}/calls?state=&grade=&answered=&min_duration=&max_duration=&num=&offset=&limit=`
//! - `GET /kefu/v1/tasks/{task_id}/calls.csv` (same filters, no paging; streamed)
//! - `GET /kefu/v1/calls/{call_id}`
//! - the contacts directory: `GET`/`POST /kefu/v1/contacts`, `PUT /kefu/v1/contacts/{phone}`

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::StreamExt;
use kefu_protocol::results::{CallPage, CallRow, TaskList};

use crate::error::{Error, Result};
use crate::receiver::Receiver;
use crate::store::CallFilter;

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 15] = [
    "call_id",
    "task_id",
    "call_sn",
    "num",
    "state",
    "state_label",
    "answered",
    "start_time",
    "answered_time",
    "end_time",
    "duration",
    "hangup_by",
    "round",
    "grade",
    "recording",
];

/// Rows encoded per streamed chunk.
const CSV_ROWS_PER_CHUNK: usize = 256;

impl Receiver {
    /// The result routes and the contacts routes (`/kefu/v1/contacts`, see the `directory`
    /// module); no fallback, so it merges into another router.
    pub fn results_router(&self) -> Router {
        Router::new()
            .route("/kefu/v1/tasks", get(tasks))
            .route("/kefu/v1/tasks/{task_id}/calls", get(calls))
            .route("/kefu/v1/tasks/{task_id}/calls.csv", get(calls_csv))
            .route("/kefu/v1/calls/{call_id}", get(call))
            .with_state(self.clone())
            .merge(crate::directory::routes(self))
    }

    fn link(&self, row: &mut CallRow) {
        if let Some(url) = &row.recording {
            row.recording = Some(self.inner.settings.recording_link(url));
        }
    }
}

fn filter_of(query: std::result::Result<Query<CallFilter>, QueryRejection>) -> Result<CallFilter> {
    query.map(|Query(f)| f).map_err(|e| Error::BadRequest(e.body_text()))
}

async fn tasks(State(receiver): State<Receiver>) -> Result<Json<TaskList>> {
    Ok(Json(TaskList { tasks: receiver.inner.store.tasks().await? }))
}

async fn calls(
    State(receiver): State<Receiver>,
    Path(task_id): Path<String>,
    query: std::result::Result<Query<CallFilter>, QueryRejection>,
) -> Result<Json<CallPage>> {
    let filter = filter_of(query)?;
    let (total, mut rows) = receiver.inner.store.calls(&task_id, &filter).await?;
    rows.iter_mut().for_each(|r| receiver.link(r));
    Ok(Json(CallPage { total, rows }))
}

async fn call(State(receiver): State<Receiver>, Path(call_id): Path<String>) -> Result<Response> {
    let mut detail = receiver
        .inner
        .store
        .call(&call_id)
        .await?
        .ok_or_else(|| Error::Missing(format!("no call {call_id}")))?;
    receiver.link(&mut detail.call);
    Ok(Json(detail).into_response())
}

fn csv_record(row: &CallRow) -> [String; 15] {
    let opt =
        |v: &Option<kefu_protocol::Timestamp>| v.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default();
    [
        row.call_id.clone(),
        row.task_id.clone(),
        row.call_sn.clone(),
        row.num.clone(),
        row.state.to_string(),
        row.state_label.clone(),
        if row.answered { "1".into() } else { "0".into() },
        opt(&row.start_time),
        opt(&row.answered_time),
        opt(&row.end_time),
        row.duration.map(|d| d.to_string()).unwrap_or_default(),
        row.hangup_by.map(|h| h.code().to_string()).unwrap_or_default(),
        row.round.map(|d| d.to_string()).unwrap_or_default(),
        row.grade.clone().unwrap_or_default(),
        row.recording.clone().unwrap_or_default(),
    ]
}

/// A cell a spreadsheet would not run as a formula: platform text starting with `=`, `+`, `-`,
/// `@`, tab or carriage return gets a leading `'`; numbers (`+8613800000000`, `-1`) stay as they are.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let numeric = {
        let rest = cell.trim_start_matches(['+', '-']);
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '.')
    };
    if risky && !numeric {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Encodes records as CSV (RFC 4180 quoting).
fn encode<I: IntoIterator<Item = [String; 15]>>(records: I) -> Result<bytes::Bytes> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in records {
        writer
            .write_record(
                record.iter().map(|cell| defused(cell)).collect::<Vec<_>>().iter().map(|c| c.as_bytes()),
            )
            .map_err(|e| Error::Export(e.to_string()))?;
    }
    writer.into_inner().map(bytes::Bytes::from).map_err(|e| Error::Export(e.to_string()))
}

/// `GET /kefu/v1/tasks/{task_id}/calls.csv`: a UTF-8 BOM (so spreadsheets read the Chinese
/// labels), a header line, one line per call, streamed from the database.
async fn calls_csv(
    State(receiver): State<Receiver>,
    Path(task_id): Path<String>,
    query: std::result::Result<Query<CallFilter>, QueryRejection>,
) -> Result<Response> {
    let filter = filter_of(query)?;
    let mut head = "\u{feff}".as_bytes().to_vec();
    head.extend_from_slice(&encode([CSV_HEADER.map(str::to_owned)])?);
    let linker = receiver.clone();
    let rows = receiver.inner.store.stream_calls(&task_id, &filter).ready_chunks(CSV_ROWS_PER_CHUNK).map(
        move |batch| {
            let mut records = Vec::with_capacity(batch.len());
            for row in batch {
                let mut row =
                    row.inspect_err(|e| tracing::error!(error = %e, "callbacks: CSV export failed midway"))?;
                linker.link(&mut row);
                records.push(csv_record(&row));
            }
            encode(records)
        },
    );
    let body =
        futures_util::stream::once(async move { Ok::<_, Error>(bytes::Bytes::from(head)) }).chain(rows);
    let safe_name: String =
        task_id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').take(64).collect();
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"calls-{safe_name}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(defused("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defused("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defused("+8613800000000"), "+8613800000000");
        assert_eq!(defused("-1"), "-1");
        assert_eq!(defused("A类"), "A类");
        let csv =
            encode([std::array::from_fn(|i| if i == 0 { "a,\"b\"".to_owned() } else { String::new() })])
                .expect("encodes");
        assert!(csv.starts_with(b"\"a,\"\"b\"\"\",,"), "{csv:?}");
    }
}
