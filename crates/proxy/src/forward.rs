//! Forwarding: look the request up in the route policy, check who may call it and what it
//! carries, sign it for seed 002, send it upstream, and relay the answer.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use kefu_protocol::chat::{StartRequest, StopRequest, TriggerRequest};
use subtle::ConstantTimeEq;

use crate::Proxy;
use crate::client::Failure;
use crate::error::ProxyError;
use crate::exchange::Outgoing;
use crate::mount::{ClientIp, Mount};
use crate::request_id;
use crate::routes::{self, Access, Body, ChatCall, Route, Upstream};

/// Largest upstream answer relayed (recordings are the big ones).
const UPSTREAM_ANSWER_LIMIT: usize = 64 * 1024 * 1024;

/// Header values made at compile time (`from_static` checks every byte when called).
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const MULTIPART: HeaderValue = HeaderValue::from_static("multipart/form-data");
const OCTET_STREAM: HeaderValue = HeaderValue::from_static("application/octet-stream");

/// Every request that is not `/healthz` or `/metrics` comes here, from `peer` (when `None`, the
/// request's `ConnectInfo<SocketAddr>`, if any).
pub(crate) async fn dispatch(proxy: Arc<Proxy>, mut request: Request, peer: Option<SocketAddr>) -> Response {
    let started = Instant::now();
    let request_id = proxy.request_ids.for_request(request.headers());
    let path = request.uri().path();
    let mount = crate::mount::find(&proxy.mounts, path);
    let route = routes::find(request.method(), path);
    let peer = peer
        .or_else(|| request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0))
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    let client = crate::client_ip::resolve(peer, request.headers(), &proxy.config.trusted_proxies);
    let rate = match mount {
        Some(m) if !m.rate_limited => Ok(()),
        _ => proxy.rate_limit.check(client),
    };
    // A permit is held until the answer is ready; with none free the request is shed at once.
    let (name, mut response) = match (rate, proxy.in_flight.try_acquire()) {
        (Err(seconds), _) => ("rate_limited", ProxyError::RateLimited(seconds).into_response()),
        (Ok(()), Err(_)) => ("overloaded", ProxyError::Overloaded.into_response()),
        (Ok(()), Ok(_permit)) => match (mount, route) {
            (Some(mount), _) => {
                // A mounted service sees the id, as the upstreams of the routes do.
                request.headers_mut().insert(request_id::HEADER, request_id.clone());
                (mount.name, mounted(&proxy, mount, client, request).await)
            }
            (None, Some(route)) => {
                let response = match forward(&proxy, route, request, &request_id).await {
                    Ok(response) => response,
                    Err(e) => {
                        if let ProxyError::BodyTimeout = e {
                            proxy.metrics.cut(crate::metrics::Cut::BodyTimeout, peer);
                        }
                        e.to_response(Some(route.upstream))
                    }
                };
                (route.name, response)
            }
            (None, None) => ("unmatched", not_an_api_route(&proxy, request).await),
        },
    };
    response.headers_mut().insert(request_id::HEADER, request_id.clone());
    let status = response.status().as_u16();
    proxy.metrics.request(name, status);
    tracing::info!(
        request_id = request_id.to_str().unwrap_or_default(),
        route = name,
        status,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// A request for a mounted service: the operator check for operator mounts, then the service,
/// told the client's address.
async fn mounted(proxy: &Proxy, mount: &Mount, client: IpAddr, mut request: Request) -> Response {
    if mount.access == Access::Operator && !operator_allowed(proxy, request.headers()) {
        return ProxyError::Unauthorized.into_response();
    }
    request.extensions_mut().insert(ClientIp(client));
    // The body read timeout bounds the whole answer (a mounted service reads its own body): a
    // trickled body cannot hold a connection. A push cut off this way is answered a failure and
    // retried by the platform; the receiver stores a repeat once.
    match tokio::time::timeout(
        proxy.config.body_read_timeout,
        tower::ServiceExt::oneshot(mount.service.clone(), request),
    )
    .await
    {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => {
            proxy.metrics.cut(crate::metrics::Cut::BodyTimeout, client);
            ProxyError::BodyTimeout.into_response()
        }
    }
}

/// Static files for GET outside the API when a folder is configured; otherwise 404.
async fn not_an_api_route(proxy: &Proxy, request: Request) -> Response {
    let wants_file =
        matches!(*request.method(), Method::GET | Method::HEAD) && !Route::is_api_path(request.uri().path());
    match (&proxy.static_files, wants_file) {
        (Some(files), true) => files.serve(request).await,
        _ => ProxyError::NotFound.into_response(),
    }
}

async fn forward(
    proxy: &Proxy,
    route: &Route,
    request: Request,
    request_id: &HeaderValue,
) -> Result<Response, ProxyError> {
    let (parts, body) = request.into_parts();
    if route.access == Access::Operator && !operator_allowed(proxy, &parts.headers) {
        return Err(ProxyError::Unauthorized);
    }
    let (base, path) = upstream_base(proxy, route);
    let base = base.ok_or(ProxyError::UpstreamNotConfigured(route.upstream.setting()))?;
    if route.name == "recording" {
        check_recording_query(parts.uri.query())?;
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let body = match route.body {
        Body::Query => Bytes::new(),
        _ => read_body(proxy, route, body).await?,
    };
    let body = check_body(proxy, route, body, content_type.as_ref())?;

    let query = parts.uri.query().filter(|_| route.body == Body::Query);
    let uri = match (query, proxy.upstream_uri(route)) {
        // Built once for the routes without a query (a clone shares its bytes).
        (None, Some(uri)) => uri.clone(),
        _ => {
            let mut url = format!("{}{}", base.trim_end_matches('/'), path);
            if let Some(query) = query {
                url.push('?');
                url.push_str(query);
            }
            url.parse().map_err(|e| {
                tracing::error!(route = route.name, "cannot build the upstream URL: {e}");
                ProxyError::Internal
            })?
        }
    };
    let content_type = match route.body {
        Body::Query => None,
        Body::Multipart => Some(content_type.unwrap_or(MULTIPART)),
        _ => Some(JSON),
    };
    let authorization = match route.upstream {
        Upstream::Platform => Some((header::AUTHORIZATION, signature(proxy, route)?)),
        _ => None,
    };
    let headers = [
        Some((header::ACCEPT, JSON)),
        Some((request_id::HEADER, request_id.clone())),
        content_type.map(|v| (header::CONTENT_TYPE, v)),
        authorization,
    ];
    let upstream = Outgoing { method: &route.method, uri: &uri, headers: &headers, body: &body };

    let sent = Instant::now();
    let answer =
        proxy.upstreams.send(upstream, UPSTREAM_ANSWER_LIMIT).await.map_err(|e| upstream_error(route, e))?;
    let (status, answer_type, bytes) = (answer.status, answer.content_type, answer.body);
    proxy.metrics.upstream(route.name, sent.elapsed().as_secs_f64());

    let is_recording = route.name == "recording" && status.is_success();
    if !is_recording && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() {
        tracing::warn!(
            route = route.name,
            status = status.as_u16(),
            bytes = bytes.len(),
            "upstream answer is not JSON"
        );
        return Err(ProxyError::UpstreamGarbage);
    }
    let content_type = if is_recording { answer_type.unwrap_or(OCTET_STREAM) } else { JSON };
    let mut response = Response::new(axum::body::Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, content_type);
    Ok(response)
}

/// The request's body, whole, within the body read timeout. The timer is made only if the body
/// is not all there at the first look (it usually came with the head).
async fn read_body(proxy: &Proxy, route: &Route, body: axum::body::Body) -> Result<Bytes, ProxyError> {
    let limit = route.body_limit();
    let mut read = std::pin::pin!(collect(body, limit));
    match std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await {
        Poll::Ready(read) => read,
        Poll::Pending => tokio::time::timeout(proxy.config.body_read_timeout, read)
            .await
            .map_err(|_| ProxyError::BodyTimeout)?,
    }
}

/// A body's bytes, at most `limit` of them (a body in one piece, the usual case, is not copied).
/// A body that fails to arrive whole is refused as too large, as `axum::body::to_bytes` did.
async fn collect(mut body: axum::body::Body, limit: usize) -> Result<Bytes, ProxyError> {
    use http_body_util::BodyExt;
    let too_large = || ProxyError::TooLarge(limit);
    if axum::body::HttpBody::size_hint(&body).lower() > limit as u64 {
        return Err(too_large());
    }
    let mut first = Bytes::new();
    let mut more: Option<bytes::BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| too_large())?.into_data() else { continue };
        let len = first.len() + more.as_ref().map_or(0, |m| m.len()) + data.len();
        if len > limit {
            return Err(too_large());
        }
        match &mut more {
            Some(more) => more.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let mut joined = bytes::BytesMut::with_capacity(len);
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&data);
                more = Some(joined);
            }
        }
    }
    Ok(more.map_or(first, bytes::BytesMut::freeze))
}

/// The upstream's base URL (if configured) and path for `route`.
pub(crate) fn upstream_base<'a>(proxy: &'a Proxy, route: &'a Route) -> (Option<&'a String>, &'a str) {
    match route.upstream {
        Upstream::Platform => (Some(&proxy.config.platform_url), route.path),
        Upstream::Outbound => (proxy.config.outbound_url.as_ref(), route.path),
        Upstream::CallCenter => (
            proxy.config.callcenter_url.as_ref(),
            crate::config::callcenter_path_for_route(&proxy.config.callcenter_paths, route.name)
                .unwrap_or(route.path),
        ),
    }
}

thread_local! {
    /// The last signature made on this thread: by which proxy ([`Proxy::id`]) and for which
    /// second. It changes once a second, so most requests reuse it instead of hashing again.
    static SIGNATURE: std::cell::RefCell<Option<(u64, i64, HeaderValue)>> =
        const { std::cell::RefCell::new(None) };
}

/// The platform's `Authorization` for now, made at send time (the platform accepts ±300 s).
fn signature(proxy: &Proxy, route: &Route) -> Result<HeaderValue, ProxyError> {
    let now = proxy.config.clock.now_secs();
    SIGNATURE.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((id, secs, value)) = &*last {
            if *id == proxy.id && *secs == now {
                return Ok(value.clone());
            }
        }
        let signature =
            kefu_signature::header_value(&proxy.config.apikey, proxy.config.apisecret.expose(), now);
        let value = HeaderValue::try_from(signature).map_err(|_| {
            tracing::error!(route = route.name, "the apikey cannot go in a header");
            ProxyError::Internal
        })?;
        *last = Some((proxy.id, now, value.clone()));
        Ok(value)
    })
}

fn upstream_error(route: &Route, failure: Failure) -> ProxyError {
    // The log keeps what happened; the browser learns only what it can act on.
    match failure {
        Failure::Timeout => {
            tracing::warn!(route = route.name, "upstream did not answer in time");
            ProxyError::UpstreamTimeout
        }
        Failure::TooLarge => {
            tracing::warn!(route = route.name, limit = UPSTREAM_ANSWER_LIMIT, "upstream answer too large");
            ProxyError::UpstreamGarbage
        }
        Failure::Unreachable(why) => {
            tracing::warn!(route = route.name, error = %why, "upstream failed");
            ProxyError::UpstreamUnavailable
        }
    }
}

/// Seed 001's recordings route: exactly one `filename`, a relative path that stays in its
/// folder (no `..`, also percent-encoded; the document asks servers to refuse it, and so does the
/// proxy before anything leaves).
fn check_recording_query(query: Option<&str>) -> Result<(), ProxyError> {
    let names: Vec<_> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "filename")
        .map(|(_, v)| v)
        .collect();
    match names.as_slice() {
        [name] if kefu_protocol::callcenter::recording_segments(name).is_ok() => Ok(()),
        [_] => Err(ProxyError::BadRequest(
            "filename must be a relative path inside the recordings folder (no \"..\", no leading /)".into(),
        )),
        _ => Err(ProxyError::BadRequest("give exactly one filename".into())),
    }
}

/// Compares the bearer token with every configured token, without an early exit.
fn operator_allowed(proxy: &Proxy, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return false;
    };
    proxy
        .config
        .operator_tokens
        .iter()
        .filter(|t| !t.is_empty())
        .fold(subtle::Choice::from(0), |acc, t| acc | token.as_bytes().ct_eq(t.expose().as_bytes()))
        .into()
}

/// Checks a body against its route, and for chat routes re-encodes it from its protocol type so
/// only documented fields travel (with the pinned `app_id` / `bot_id` on start), unless it
/// already is what that would send ([`crate::chat_body`]).
fn check_body(
    proxy: &Proxy,
    route: &Route,
    body: Bytes,
    content_type: Option<&HeaderValue>,
) -> Result<Bytes, ProxyError> {
    let bad = |e: serde_json::Error| ProxyError::BadRequest(e.to_string());
    match route.body {
        Body::Query => Ok(body),
        Body::Multipart => {
            let is_multipart = content_type
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
            if is_multipart {
                Ok(body)
            } else {
                Err(ProxyError::BadRequest("outnum takes multipart/form-data".into()))
            }
        }
        Body::Json => {
            serde_json::from_slice::<serde::de::IgnoredAny>(&body).map_err(bad)?;
            Ok(body)
        }
        // Most trigger and stop bodies already are what re-encoding would send.
        Body::Chat(call) if crate::chat_body::sendable_as_is(call, &body) => Ok(body),
        Body::Chat(ChatCall::Start) => {
            let mut start: StartRequest = serde_json::from_slice(&body).map_err(bad)?;
            pin(&mut start.app_id, proxy.config.app_id.as_deref(), "app_id")?;
            pin(&mut start.bot_id, proxy.config.bot_id.as_deref(), "bot_id")?;
            encode(&start)
        }
        Body::Chat(ChatCall::Trigger) => {
            encode(&serde_json::from_slice::<TriggerRequest>(&body).map_err(bad)?)
        }
        Body::Chat(ChatCall::Stop) => encode(&serde_json::from_slice::<StopRequest>(&body).map_err(bad)?),
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Bytes, ProxyError> {
    serde_json::to_vec(value).map(Bytes::from).map_err(|e| ProxyError::BadRequest(e.to_string()))
}

/// Applies a pinned value: fills it in when absent, refuses a different one.
fn pin(field: &mut String, pinned: Option<&str>, name: &str) -> Result<(), ProxyError> {
    match pinned {
        None if field.is_empty() => Err(ProxyError::BadRequest(format!("{name} is required"))),
        None => Ok(()),
        Some(p) if field.is_empty() || field == p => {
            *field = p.to_owned();
            Ok(())
        }
        Some(_) => Err(ProxyError::BadRequest(format!("{name} is fixed by this proxy; leave it out"))),
    }
}
