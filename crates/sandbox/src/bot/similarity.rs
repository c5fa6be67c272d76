//! Text similarity without a model: cosine similarity of character unigram + bigram counts.
//! It works for Chinese (where every character carries meaning) and tolerably for English.

use std::collections::HashMap;

/// A text reduced to its character n-gram counts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grams {
    counts: HashMap<String, f64>,
    norm: f64,
}

/// Lower-cases and drops white space and punctuation, so `付款方式？` and `付款 方式` compare equal.
pub(crate) fn normalize(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

impl Grams {
    /// The n-grams of `text`.
    pub(crate) fn of(text: &str) -> Grams {
        let chars: Vec<char> = normalize(text).chars().collect();
        let mut counts: HashMap<String, f64> = HashMap::new();
        for c in &chars {
            *counts.entry(c.to_string()).or_default() += 1.0;
        }
        for pair in chars.windows(2) {
            // Bigrams weigh more: they carry word order.
            *counts.entry(pair.iter().collect()).or_default() += 2.0;
        }
        let norm = counts.values().map(|v| v * v).sum::<f64>().sqrt();
        Grams { counts, norm }
    }

    /// Cosine similarity in [0, 1]; 0 when either side is empty.
    pub(crate) fn similarity(&self, other: &Grams) -> f64 {
        if self.norm == 0.0 || other.norm == 0.0 {
            return 0.0;
        }
        let (small, large) =
            if self.counts.len() <= other.counts.len() { (self, other) } else { (other, self) };
        let dot: f64 = small.counts.iter().filter_map(|(g, v)| large.counts.get(g).map(|w| v * w)).sum();
        dot / (self.norm * other.norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_unrelated_zero() {
        let a = Grams::of("怎么付款？");
        assert!((a.similarity(&Grams::of("怎么 付款")) - 1.0).abs() < 1e-9);
        assert_eq!(a.similarity(&Grams::of("天气")), 0.0);
        assert_eq!(a.similarity(&Grams::of("")), 0.0);
    }

    #[test]
    fn paraphrases_score_higher_than_strangers() {
        let q = Grams::of("付款方式有哪些");
        let near = q.similarity(&Grams::of("可以用什么方式付款"));
        let far = q.similarity(&Grams::of("司法确认是什么"));
        assert!(near > far, "{near} <= {far}");
    }
}
