//! The §9 contacts directory's operator routes (typed in `kefu_protocol::results`). Like the
//! result routes they check no token themselves: the proxy mounts them behind its operator check.
//!
//! - `GET /kefu/v1/contacts?q=&offset=&limit=`: list or search (phone prefix, part of the name);
//! - `POST /kefu/v1/contacts`: import a CSV or XLSX body (by `?format=csv|xlsx`, else by
//!   Content-Type), answered with the count and the rejected rows by line;
//! - `PUT /kefu/v1/contacts/{phone}`: set one contact's name, transfer and variables.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, header};
use axum::routing::{get, put};
use kefu_protocol::results::{ContactEdit, ContactEntry, ContactImport, ContactPage, RejectedLine};
use serde::Deserialize;

use crate::contacts::{Format, clean_phone, import_bytes};
use crate::error::{Error, Result};
use crate::receiver::{Receiver, read_body};
use crate::store::Contact;

/// The contacts routes, for [`Receiver::results_router`].
pub(crate) fn routes(receiver: &Receiver) -> Router {
    Router::new()
        .route("/kefu/v1/contacts", get(list).post(import))
        .route("/kefu/v1/contacts/{phone}", put(edit))
        .with_state(receiver.clone())
}

/// `?q=&offset=&limit=` of the list.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    offset: Option<i64>,
    limit: Option<i64>,
}

/// `?format=` of an import.
#[derive(Debug, Default, Deserialize)]
struct ImportQuery {
    format: Option<String>,
}

fn entry(c: Contact) -> ContactEntry {
    ContactEntry { phone: c.phone, name: c.name, transfer: c.transfer, variables: c.variables }
}

async fn list(
    State(receiver): State<Receiver>,
    query: std::result::Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<ContactPage>> {
    let Query(query) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
    let (total, rows) =
        receiver.inner.store.contacts(&query.q, query.offset.unwrap_or(0), query.limit.unwrap_or(50)).await?;
    Ok(Json(ContactPage { total, rows: rows.into_iter().map(entry).collect() }))
}

/// The import's format: `?format=` first, then the Content-Type.
fn format_of(query: &ImportQuery, headers: &HeaderMap) -> Result<Format> {
    if let Some(format) = &query.format {
        return match format.to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(Error::BadRequest(format!("format {other:?}: use csv or xlsx"))),
        };
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default();
    match content_type.as_str() {
        "text/csv" | "text/plain" | "application/csv" => Ok(Format::Csv),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Ok(Format::Xlsx),
        _ => Err(Error::BadRequest(
            "send the contacts as text/csv or an XLSX workbook (Content-Type or ?format=csv|xlsx)".into(),
        )),
    }
}

async fn import(
    State(receiver): State<Receiver>,
    query: std::result::Result<Query<ImportQuery>, QueryRejection>,
    request: Request,
) -> Result<Json<ContactImport>> {
    let Query(query) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
    let format = format_of(&query, request.headers())?;
    let body = read_body(request.into_body(), receiver.inner.settings.body_limit).await?;
    let report = import_bytes(&receiver.inner.store, &body, format).await?;
    Ok(Json(ContactImport {
        imported: report.imported as u64,
        rejected: report
            .rejected
            .into_iter()
            .map(|r| RejectedLine { line: r.line, reason: r.reason })
            .collect(),
    }))
}

async fn edit(
    State(receiver): State<Receiver>,
    Path(phone): Path<String>,
    body: Body,
) -> Result<Json<ContactEntry>> {
    let phone =
        clean_phone(&phone).ok_or_else(|| Error::BadRequest(format!("{phone:?} is not a phone number")))?;
    let bytes = read_body(body, 64 * 1024).await?;
    let edit: ContactEdit =
        serde_json::from_slice(&bytes).map_err(|e| Error::BadRequest(format!("not a contact: {e}")))?;
    let transfer = match edit.transfer.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(
            clean_phone(t)
                .ok_or_else(|| Error::BadRequest(format!("transfer {t:?} is not a phone number")))?,
        ),
        None => None,
    };
    let contact = Contact { phone, name: edit.name.trim().to_owned(), transfer, variables: edit.variables };
    receiver.inner.store.upsert_contacts(std::slice::from_ref(&contact)).await?;
    Ok(Json(entry(contact)))
}
