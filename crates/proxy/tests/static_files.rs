//! The static folder: precompressed siblings by `Accept-Encoding`, validators, 304s and cache
//! lifetimes, for every file of a folder laid out as `cargo xtask` writes the widget package.

mod common;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use common::{Answer, Behaviour, config, proxy, send, stub};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Which siblings a file has.
#[derive(Clone, Copy)]
struct Siblings {
    br: bool,
    gz: bool,
}

const BOTH: Siblings = Siblings { br: true, gz: true };

/// A served file: URL path, content type, cache lifetime, siblings.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
    siblings: Siblings,
    bytes: Vec<u8>,
}

fn text(seed: &str, lines: usize) -> Vec<u8> {
    (0..lines).map(|i| format!("{seed} {i};\n")).collect::<String>().into_bytes()
}

fn assets() -> Vec<Asset> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend((0..40_000u32).map(|i| (i % 251) as u8 ^ (i / 1000) as u8));
    let asset = |path, content_type, cache_control, siblings, bytes| Asset {
        path,
        content_type,
        cache_control,
        siblings,
        bytes,
    };
    vec![
        asset("/kefu/kefu_widget_bg.0123456789abcdef.wasm", "application/wasm", IMMUTABLE, BOTH, wasm),
        asset(
            "/kefu/kefu_widget.89abcdef01234567.js",
            "text/javascript",
            IMMUTABLE,
            BOTH,
            text("export const x = new URL('kefu_widget_bg.0123456789abcdef.wasm')", 300),
        ),
        asset(
            "/kefu/kefu-widget.fedcba9876543210.css",
            "text/css",
            IMMUTABLE,
            BOTH,
            text(".kefu { color: red }", 200),
        ),
        asset(
            "/kefu/kefu-loader.js",
            "text/javascript",
            REVALIDATE,
            BOTH,
            text("import('./kefu_widget.89abcdef01234567.js')", 100),
        ),
        asset("/index.html", "text/html", REVALIDATE, BOTH, text("<p>demo page</p>", 50)),
        // Only a gzip sibling: a brotli request falls back to it.
        asset(
            "/kefu/only-gzip.js",
            "text/javascript",
            REVALIDATE,
            Siblings { br: false, gz: true },
            text("gz", 80),
        ),
        // No sibling at all: always the file itself.
        asset(
            "/kefu/plain.0000000011111111.js",
            "text/javascript",
            IMMUTABLE,
            Siblings { br: false, gz: false },
            text("plain", 80),
        ),
    ]
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 9, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// Writes the assets (and their siblings) into a fresh folder named after the test.
fn folder(test: &str, assets: &[Asset]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kefu-proxy-static-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for asset in assets {
        let file = dir.join(asset.path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("dir");
        std::fs::write(&file, &asset.bytes).expect("file");
        let sibling = |ext: &str| PathBuf::from(format!("{}.{ext}", file.display()));
        if asset.siblings.br {
            std::fs::write(sibling("br"), brotli(&asset.bytes)).expect("br");
        }
        if asset.siblings.gz {
            std::fs::write(sibling("gz"), gzip(&asset.bytes)).expect("gz");
        }
    }
    dir
}

async fn proxy_for(dir: PathBuf) -> Router {
    let (upstream, _) = stub(Behaviour::Ok).await;
    let mut c = config(&upstream);
    c.static_dir = Some(dir);
    proxy(c)
}

async fn fetch(p: &Router, method: Method, path: &str, headers: &[(header::HeaderName, &str)]) -> Answer {
    let mut request = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    send(p, request.body(Body::empty()).expect("request")).await
}

fn get_header(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The body as the browser reads it: decoded by its `Content-Encoding`.
fn decoded(answer: &Answer) -> Vec<u8> {
    let mut out = Vec::new();
    match get_header(&answer.headers, header::CONTENT_ENCODING) {
        None => out.extend_from_slice(&answer.bytes),
        Some("br") => {
            brotli::Decompressor::new(&answer.bytes[..], 4096).read_to_end(&mut out).expect("valid brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(&answer.bytes[..]).read_to_end(&mut out).expect("valid gzip");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

/// `Accept-Encoding` values and, in order, the codings each takes (the first with a sibling is
/// sent; with none, the file itself).
const NEGOTIATIONS: [(Option<&str>, &[&str]); 15] = [
    (None, &[]),
    (Some(""), &[]),
    (Some("identity"), &[]),
    (Some("br"), &["br"]),
    (Some("gzip"), &["gzip"]),
    (Some("gzip, deflate, br"), &["br", "gzip"]),
    (Some("gzip, deflate, br, zstd"), &["br", "gzip"]),
    (Some("gzip;q=1.0, br;q=0.5"), &["gzip", "br"]),
    (Some("br;q=0, gzip"), &["gzip"]),
    (Some("gzip;q=0, br;q=0"), &[]),
    (Some("BR"), &["br"]),
    (Some("x-gzip"), &["gzip"]),
    (Some("deflate"), &[]),
    // A wildcard is not taken as a coding: the file itself, always acceptable, is sent.
    (Some("*"), &[]),
    (Some("*;q=0"), &[]),
];

fn expected_coding(accepts: &[&str], siblings: Siblings) -> Option<&'static str> {
    accepts.iter().find_map(|coding| match *coding {
        "br" if siblings.br => Some("br"),
        "gzip" if siblings.gz => Some("gzip"),
        _ => None,
    })
}

#[tokio::test]
async fn every_asset_is_sent_in_the_coding_the_browser_takes_and_decodes_to_the_file() {
    let assets = assets();
    let p = proxy_for(folder("negotiation", &assets)).await;
    let mut etags = HashSet::new();
    for asset in &assets {
        let mut etags_of_asset = HashSet::new();
        for (accept, takes) in NEGOTIATIONS {
            let headers: Vec<_> = accept.map(|a| (header::ACCEPT_ENCODING, a)).into_iter().collect();
            let a = fetch(&p, Method::GET, asset.path, &headers).await;
            let what = format!("{} with Accept-Encoding {accept:?}", asset.path);
            assert_eq!(a.status, StatusCode::OK, "{what}");
            let coding = get_header(&a.headers, header::CONTENT_ENCODING);
            assert_eq!(coding, expected_coding(takes, asset.siblings), "{what}");
            assert!(decoded(&a) == asset.bytes, "{what}: the bytes do not decode to the file");
            if coding.is_some() {
                assert!(a.bytes.len() < asset.bytes.len(), "{what}: sent compressed but not smaller");
            }
            assert_eq!(
                get_header(&a.headers, header::CONTENT_LENGTH),
                Some(a.bytes.len().to_string().as_str()),
                "{what}"
            );
            assert_eq!(get_header(&a.headers, header::CONTENT_TYPE), Some(asset.content_type), "{what}");
            assert_eq!(get_header(&a.headers, header::VARY), Some("accept-encoding"), "{what}");
            assert_eq!(get_header(&a.headers, header::CACHE_CONTROL), Some(asset.cache_control), "{what}");
            assert!(a.headers.contains_key(header::LAST_MODIFIED), "{what}");
            let etag = get_header(&a.headers, header::ETAG).expect("an ETag").to_owned();
            assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2, "{what}: {etag}");
            etags_of_asset.insert((coding.map(str::to_owned), etag.clone()));
            etags.insert(etag);
        }
        let codings: HashSet<_> = etags_of_asset.iter().map(|(coding, _)| coding.clone()).collect();
        assert_eq!(
            etags_of_asset.len(),
            codings.len(),
            "{}: one ETag per coding: {etags_of_asset:?}",
            asset.path
        );
    }
    let variants: usize =
        assets.iter().map(|a| 1 + usize::from(a.siblings.br) + usize::from(a.siblings.gz)).sum();
    assert_eq!(etags.len(), variants, "every file and coding has its own ETag: {etags:?}");
}

#[tokio::test]
async fn a_cached_copy_is_revalidated_with_304() {
    let assets = assets();
    let p = proxy_for(folder("revalidation", &assets)).await;
    for asset in &assets {
        for accept in ["br", "gzip", "identity"] {
            let what = format!("{} ({accept})", asset.path);
            let ae = (header::ACCEPT_ENCODING, accept);
            let full = fetch(&p, Method::GET, asset.path, std::slice::from_ref(&ae)).await;
            let etag = get_header(&full.headers, header::ETAG).expect("an ETag").to_owned();
            let modified =
                get_header(&full.headers, header::LAST_MODIFIED).expect("Last-Modified").to_owned();

            for (name, value) in [
                (header::IF_NONE_MATCH, etag.clone()),
                (header::IF_NONE_MATCH, format!("W/{etag}")),
                (header::IF_NONE_MATCH, format!("\"stale\", {etag}")),
                (header::IF_NONE_MATCH, "*".to_owned()),
                (header::IF_MODIFIED_SINCE, modified.clone()),
            ] {
                for method in [Method::GET, Method::HEAD] {
                    let a =
                        fetch(&p, method.clone(), asset.path, &[ae.clone(), (name.clone(), &value)]).await;
                    let what = format!("{what} {method} {name}: {value}");
                    assert_eq!(a.status, StatusCode::NOT_MODIFIED, "{what}");
                    assert!(a.bytes.is_empty(), "{what}: a 304 has no body");
                    assert_eq!(get_header(&a.headers, header::ETAG), Some(etag.as_str()), "{what}");
                    assert_eq!(
                        get_header(&a.headers, header::LAST_MODIFIED),
                        Some(modified.as_str()),
                        "{what}"
                    );
                    assert_eq!(
                        get_header(&a.headers, header::CACHE_CONTROL),
                        Some(asset.cache_control),
                        "{what}"
                    );
                    assert_eq!(get_header(&a.headers, header::VARY), Some("accept-encoding"), "{what}");
                }
            }

            for (headers, why) in [
                (vec![(header::IF_NONE_MATCH, "\"stale\"")], "another ETag"),
                (vec![(header::IF_MODIFIED_SINCE, "Fri, 09 Aug 1996 14:21:40 GMT")], "an older date"),
                (
                    vec![
                        (header::IF_NONE_MATCH, "\"stale\""),
                        (header::IF_MODIFIED_SINCE, modified.as_str()),
                    ],
                    "If-None-Match wins over If-Modified-Since",
                ),
                (vec![(header::IF_MODIFIED_SINCE, "not a date")], "a bad date"),
            ] {
                let mut headers = headers;
                headers.push(ae.clone());
                let a = fetch(&p, Method::GET, asset.path, &headers).await;
                assert_eq!(a.status, StatusCode::OK, "{what}: {why}");
                assert!(decoded(&a) == asset.bytes, "{what}: {why}");
            }
        }
    }
}

#[tokio::test]
async fn an_etag_of_one_coding_does_not_validate_another() {
    let assets = assets();
    let p = proxy_for(folder("cross-coding", &assets)).await;
    let wasm = &assets[0];
    let br = fetch(&p, Method::GET, wasm.path, &[(header::ACCEPT_ENCODING, "br")]).await;
    assert_eq!(get_header(&br.headers, header::CONTENT_ENCODING), Some("br"));
    let etag = get_header(&br.headers, header::ETAG).expect("an ETag").to_owned();
    let plain = fetch(&p, Method::GET, wasm.path, &[(header::IF_NONE_MATCH, &etag)]).await;
    assert_eq!(plain.status, StatusCode::OK, "the brotli ETag must not stand for the file itself");
    assert_eq!(plain.bytes, wasm.bytes);
}

#[tokio::test]
async fn head_ranges_and_misses() {
    let assets = assets();
    let p = proxy_for(folder("head-range", &assets)).await;
    let wasm = &assets[0];
    let ae = (header::ACCEPT_ENCODING, "br, gzip");
    let full = fetch(&p, Method::GET, wasm.path, std::slice::from_ref(&ae)).await;
    let etag = get_header(&full.headers, header::ETAG).expect("an ETag");

    let head = fetch(&p, Method::HEAD, wasm.path, std::slice::from_ref(&ae)).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.bytes.is_empty());
    for name in
        [header::ETAG, header::CONTENT_ENCODING, header::CONTENT_LENGTH, header::CACHE_CONTROL, header::VARY]
    {
        assert_eq!(head.headers.get(&name), full.headers.get(&name), "{name}");
    }

    // A range of the sent (compressed) bytes keeps the whole file's ETag.
    let part = fetch(&p, Method::GET, wasm.path, &[ae.clone(), (header::RANGE, "bytes=0-99")]).await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, full.bytes[..100]);
    assert_eq!(get_header(&part.headers, header::ETAG), Some(etag));
    // If-Range: the whole file rather than a range that might not fit the client's copy.
    let whole = fetch(
        &p,
        Method::GET,
        wasm.path,
        &[ae.clone(), (header::RANGE, "bytes=0-99"), (header::IF_RANGE, etag)],
    )
    .await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.bytes, full.bytes);

    let missing =
        fetch(&p, Method::GET, "/kefu/kefu_widget_bg.aaaaaaaaaaaaaaaa.wasm", std::slice::from_ref(&ae)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(!missing.headers.contains_key(header::CACHE_CONTROL), "a miss is never cached as immutable");
    // A sibling asked for by name is a file like any other (the browser never does this).
    let sibling = fetch(&p, Method::GET, "/kefu/kefu-loader.js.br", &[]).await;
    assert_eq!(sibling.status, StatusCode::OK);
    assert!(!sibling.headers.contains_key(header::CONTENT_ENCODING));
    // The folder's index page is revalidated like its other pages.
    let index = fetch(&p, Method::GET, "/", &[ae]).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(get_header(&index.headers, header::CACHE_CONTROL), Some(REVALIDATE));
    assert_eq!(decoded(&index), assets[4].bytes);
}
