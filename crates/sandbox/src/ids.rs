//! Identifiers in the shapes the documents show: 18-digit snowflake ids, 5-character prompt ids,
//! uuid-like job ids. Unique within a sandbox run; not secret.

use std::sync::atomic::{AtomicU64, Ordering};

/// Milliseconds from the Unix epoch to 2020-01-01, the snowflake epoch.
const SNOWFLAKE_EPOCH_MS: i64 = 1_577_836_800_000;

/// A generator of ids.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    seq: AtomicU64,
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Ids {
    fn next(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    /// A well-mixed 64-bit value (splitmix64 of a counter).
    pub(crate) fn random(&self) -> u64 {
        mix(self.next().wrapping_add(0x9E37_79B9_7F4A_7C15))
    }

    /// An 18-digit id like `174212519459778560` (time in the high bits, a sequence below).
    pub(crate) fn snowflake(&self, now_ms: i64) -> String {
        let time = u64::try_from((now_ms - SNOWFLAKE_EPOCH_MS).max(0)).unwrap_or(0);
        let id = (time << 22) | (self.next() & 0x3F_FFFF);
        // Keep the documents' 18-digit shape even right after the epoch.
        format!("{:018}", id % 1_000_000_000_000_000_000)
    }

    /// A 5-character prompt id like `iQwtR`.
    pub(crate) fn prompt_id(&self) -> String {
        let mut n = self.random();
        (0..5)
            .map(|_| {
                let c = BASE62[(n % 62) as usize] as char;
                n /= 62;
                c
            })
            .collect()
    }

    /// A uuid-shaped id like `4087bb39-7688-4c5b-a4c5-01f7bb98e466`.
    pub(crate) fn uuid(&self) -> String {
        let (a, b) = (self.random(), self.random());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            ((b >> 48) & 0x3fff) | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

/// splitmix64's finaliser.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable hash of text (FNV-1a, mixed), for choices that must repeat across runs.
pub(crate) fn stable_hash(text: &str) -> u64 {
    mix(text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let ids = Ids::default();
        let sf = ids.snowflake(1_712_109_190_000);
        assert_eq!(sf.len(), 18, "{sf}");
        assert_ne!(sf, ids.snowflake(1_712_109_190_000));
        let p = ids.prompt_id();
        assert_eq!(p.len(), 5);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric()));
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
    }
}
