//! Generated recordings: a short 8 kHz mono 16-bit PCM WAV whose tone depends on its name.
//! The header is 44 bytes of RIFF boilerplate, so no audio crate is needed.

use crate::ids::stable_hash;

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
