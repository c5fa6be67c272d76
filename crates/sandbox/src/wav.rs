//! Generated recordings: a short 8 kHz mono 16-bit PCM WAV whose tone depends on its name.
//! The header is 44 bytes of RIFF boilerplate, so no audio crate is needed. They are answered
//! as a browser's `<audio>` needs: `Accept-Ranges: bytes`, a `Range` answered 206 with its
//! `Content-Range` (416 when it is past the end), and `HEAD`.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kefu_serve::range::{ByteRange, content_range, unsatisfied_range};

use crate::ids::stable_hash;

/// The shortest recording served, in seconds: long enough for a player to seek in.
pub(crate) const MIN_SECONDS: u32 = 3;

const RATE: u32 = 8_000;

/// A WAV of `millis` milliseconds: two alternating tones chosen from `name`.
pub(crate) fn recording(name: &str, millis: u32) -> Vec<u8> {
    let samples = RATE * millis / 1000;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    let h = stable_hash(name);
    let tones = [300.0 + (h % 200) as f64, 500.0 + ((h >> 8) % 300) as f64];
    for i in 0..samples {
        let t = f64::from(i) / f64::from(RATE);
        let tone = tones[((i / (RATE / 4)) % 2) as usize];
        let sample = (t * tone * std::f64::consts::TAU).sin() * 6000.0;
        out.extend_from_slice(&(sample as i16).to_le_bytes());
    }
    out
}

/// The answer to a `GET` (or `HEAD`: axum drops the body) of the recording `wav`: the whole
/// file, or the one byte range the request's `Range` asks for.
pub(crate) fn answer(request: &HeaderMap, wav: Vec<u8>) -> Response {
    let length = wav.len() as u64;
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let range = request.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(ByteRange::parse);
    let Some(range) = range else {
        return (StatusCode::OK, headers, wav).into_response();
    };
    match range.resolve(length) {
        Ok(span) => {
            if let Ok(v) = HeaderValue::from_str(&content_range(&span, Some(length))) {
                headers.insert(header::CONTENT_RANGE, v);
            }
            // Both ends are within the file: `resolve` keeps them below its length.
            let part = wav[*span.start() as usize..=*span.end() as usize].to_vec();
            (StatusCode::PARTIAL_CONTENT, headers, part).into_response()
        }
        Err(_) => {
            if let Ok(v) = HeaderValue::from_str(&unsatisfied_range(length)) {
                headers.insert(header::CONTENT_RANGE, v);
            }
            (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_valid_riff_header() {
        let wav = super::recording("a.wav", 500);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(wav.len(), 44 + 8_000);
        assert_ne!(wav, super::recording("b.wav", 500));
    }
}
