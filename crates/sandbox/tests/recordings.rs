//! The sandbox's recordings are real enough for a browser's `<audio>`: a decodable PCM WAV of a
//! few seconds, answered with `Accept-Ranges`, byte ranges (206, 416) and `HEAD`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::sandbox;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A seed 001 record with a recording (seeded).
const RECORDING: &str = "/recordings/files?filename=ai_call/2025/08/16/21/2508162111590110001.wav";

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The duration in seconds of a canonical PCM WAV, after checking every header field a decoder
/// reads against the file's length.
fn pcm_wav_seconds(wav: &[u8]) -> f64 {
    assert!(wav.len() > 44, "{} bytes", wav.len());
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(u32_at(wav, 4) as usize, wav.len() - 8, "RIFF size");
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(&wav[12..16], b"fmt ");
    assert_eq!(u32_at(wav, 16), 16, "PCM fmt chunk");
    assert_eq!(u16_at(wav, 20), 1, "PCM");
    let (channels, rate, byte_rate, align, bits) =
        (u16_at(wav, 22), u32_at(wav, 24), u32_at(wav, 28), u16_at(wav, 32), u16_at(wav, 34));
    assert!((1..=2).contains(&channels) && (8_000..=48_000).contains(&rate), "{channels} ch, {rate} Hz");
    assert_eq!(align, channels * bits / 8);
    assert_eq!(byte_rate, rate * u32::from(align));
    assert_eq!(&wav[36..40], b"data");
    let data = u32_at(wav, 40) as usize;
    assert_eq!(data, wav.len() - 44, "the data chunk is the rest of the file");
    assert_eq!(data % usize::from(align), 0);
    // Not silence everywhere: a tone a person hears.
    assert!(wav[44..].chunks(2).any(|s| i16::from_le_bytes([s[0], s[1]]).abs() > 1000));
    data as f64 / f64::from(byte_rate)
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    bytes: Vec<u8>,
}

async fn ask(router: &axum::Router, method: &str, path: &str, range: Option<&str>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(r) = range {
        request = request.header(header::RANGE, r);
    }
    let res = router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("answer");
    let (parts, body) = res.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        bytes: body.collect().await.expect("body").to_bytes().to_vec(),
    }
}

fn text(reply: &Reply, name: header::HeaderName) -> &str {
    reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn the_recording_is_a_playable_wav_served_with_ranges() {
    let sb = sandbox();
    let full = ask(&sb.router, "GET", RECORDING, None).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(text(&full, header::CONTENT_TYPE), "audio/wav");
    assert_eq!(text(&full, header::ACCEPT_RANGES), "bytes");
    let seconds = pcm_wav_seconds(&full.bytes);
    assert!((3.0..=30.0).contains(&seconds), "{seconds} s");
    let len = full.bytes.len();

    let first = ask(&sb.router, "GET", RECORDING, Some("bytes=0-99")).await;
    assert_eq!(first.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(text(&first, header::CONTENT_RANGE), format!("bytes 0-99/{len}"));
    assert_eq!(text(&first, header::CONTENT_LENGTH), "100");
    assert_eq!(first.bytes, full.bytes[..100]);

    let open = ask(&sb.router, "GET", RECORDING, Some("bytes=1000-")).await;
    assert_eq!(open.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(text(&open, header::CONTENT_RANGE), format!("bytes 1000-{}/{len}", len - 1));
    assert_eq!(open.bytes, full.bytes[1000..]);

    let suffix = ask(&sb.router, "GET", RECORDING, Some("bytes=-10")).await;
    assert_eq!(suffix.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(text(&suffix, header::CONTENT_RANGE), format!("bytes {}-{}/{len}", len - 10, len - 1));
    assert_eq!(suffix.bytes, full.bytes[len - 10..]);

    let past = ask(&sb.router, "GET", RECORDING, Some(&format!("bytes={len}-"))).await;
    assert_eq!(past.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(text(&past, header::CONTENT_RANGE), format!("bytes */{len}"));

    // Several ranges are not taken: the whole file, as RFC 9110 allows.
    let multi = ask(&sb.router, "GET", RECORDING, Some("bytes=0-1,5-6")).await;
    assert_eq!((multi.status, multi.bytes.len()), (StatusCode::OK, len));

    let head = ask(&sb.router, "HEAD", RECORDING, None).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(text(&head, header::CONTENT_LENGTH), len.to_string());
    assert_eq!(text(&head, header::ACCEPT_RANGES), "bytes");
    assert!(head.bytes.is_empty());
    let head_range = ask(&sb.router, "HEAD", RECORDING, Some("bytes=0-99")).await;
    assert_eq!(head_range.status, StatusCode::PARTIAL_CONTENT);
    assert!(head_range.bytes.is_empty());
}
