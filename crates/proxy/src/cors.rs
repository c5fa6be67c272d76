//! CORS, answered from header values made once at start: any `OPTIONS` request is a preflight,
//! answered at once; every other answer gets `Vary`, `Access-Control-Expose-Headers` and, for an
//! allowed origin, `Access-Control-Allow-Origin`.
//!
//! The same answers as tower-http's `CorsLayer` with these settings (a test compares them), which
//! the proxy used before: that layer builds a header map for every request and joins the `Vary`
//! value anew each time, ~8% of the proxy's instructions a request (callgrind).

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use crate::error::ConfigError;
use crate::request_id;

/// What CORS answers, made once.
pub(crate) struct Cors {
    /// `*` allows every origin.
    any: bool,
    /// Otherwise, the allowed origins.
    origins: Vec<HeaderValue>,
}

const VARY: HeaderValue =
    HeaderValue::from_static("origin, access-control-request-method, access-control-request-headers");
const ALLOW_METHODS: HeaderValue = HeaderValue::from_static("GET,POST,PUT");
const ALLOW_HEADERS: HeaderValue = HeaderValue::from_static("content-type,authorization");
const MAX_AGE: HeaderValue = HeaderValue::from_static("600");
const ANY_ORIGIN: HeaderValue = HeaderValue::from_static("*");
const EXPOSE_HEADERS: HeaderValue = HeaderValue::from_static(request_id::HEADER_NAME);

impl Cors {
    /// CORS for `origins` (`*` among them: any origin).
    pub(crate) fn new(origins: &[String]) -> Result<Cors, ConfigError> {
        let any = origins.iter().any(|o| o == "*");
        let origins = if any {
            Vec::new()
        } else {
            origins
                .iter()
                .map(|o| {
                    HeaderValue::from_str(o)
                        .map_err(|_| ConfigError(format!("allowed origin {o:?} is not a valid header value")))
                })
                .collect::<Result<_, _>>()?
        };
        Ok(Cors { any, origins })
    }

    /// The `Access-Control-Allow-Origin` for a request with these headers, if it gets one.
    pub(crate) fn allow_origin(&self, request: &HeaderMap) -> Option<HeaderValue> {
        if self.any {
            return Some(ANY_ORIGIN);
        }
        request.get(header::ORIGIN).filter(|o| self.origins.contains(o)).cloned()
    }

    /// The answer to a preflight (any `OPTIONS` request).
    pub(crate) fn preflight(&self, request: &HeaderMap) -> Response<Body> {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(header::VARY, VARY);
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        if let Some(origin) = self.allow_origin(request) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        response
    }

    /// Adds the CORS headers to an answer (`allow_origin` from [`Cors::allow_origin`]).
    pub(crate) fn decorate(&self, allow_origin: Option<HeaderValue>, response: &mut Response<Body>) {
        let headers = response.headers_mut();
        headers.append(header::VARY, VARY);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
        if let Some(origin) = allow_origin {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
    }

    /// Whether a request is a preflight.
    pub(crate) fn is_preflight(method: &Method) -> bool {
        *method == Method::OPTIONS
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::http::Request;
    use tower::{Layer, ServiceExt};
    use tower_http::cors::{AllowOrigin, CorsLayer};

    use super::*;

    /// tower-http's layer, as the proxy configured it before.
    fn reference(origins: &[String]) -> CorsLayer {
        let allow = if origins.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(origins.iter().map(|o| HeaderValue::from_str(o).expect("origin")))
        };
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([request_id::HEADER])
            .max_age(Duration::from_secs(600))
    }

    /// An answer that has a `Vary` and an `Access-Control-Allow-Origin` of its own.
    fn inner_answer() -> Response<Body> {
        let mut response = Response::new(Body::from("{}"));
        response.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("x"));
        response
    }

    fn sorted(headers: &HeaderMap) -> Vec<(String, Vec<u8>)> {
        let mut all: Vec<_> =
            headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
        all.sort();
        all
    }

    #[tokio::test]
    async fn answers_as_tower_http_did() {
        for origins in
            [vec!["*".to_owned()], vec!["http://shop.example".to_owned(), "https://a.example".into()]]
        {
            let cors = Cors::new(&origins).expect("valid");
            for method in [Method::GET, Method::POST, Method::PUT, Method::OPTIONS] {
                for origin in [
                    None,
                    Some("http://shop.example"),
                    Some("https://a.example"),
                    Some("http://evil.example"),
                ] {
                    let request = || {
                        let mut request = Request::builder().method(method.clone()).uri("/x");
                        if let Some(origin) = origin {
                            request = request
                                .header(header::ORIGIN, origin)
                                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST");
                        }
                        request.body(Body::empty()).expect("request")
                    };
                    let expected = reference(&origins)
                        .layer(tower::service_fn(|_: Request<Body>| async {
                            Ok::<_, Infallible>(inner_answer())
                        }))
                        .oneshot(request())
                        .await
                        .expect("answer");
                    let request = request();
                    let ours = if Cors::is_preflight(request.method()) {
                        cors.preflight(request.headers())
                    } else {
                        let mut response = inner_answer();
                        cors.decorate(cors.allow_origin(request.headers()), &mut response);
                        response
                    };
                    assert_eq!(ours.status(), expected.status(), "{origins:?} {method} {origin:?}");
                    assert_eq!(
                        sorted(ours.headers()),
                        sorted(expected.headers()),
                        "{origins:?} {method} {origin:?}"
                    );
                }
            }
        }
        assert!(Cors::new(&["bad\nvalue".to_owned()]).is_err());
    }
}
