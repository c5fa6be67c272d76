//! Bar charts as SVG, drawn by the app (no chart library): one horizontal bar per category,
//! scaled to the largest count, with the label and the count as text. The geometry is plain
//! Rust ([`bars`]); the page renders it.

/// Width of the drawing (SVG user units; it scales to its box).
pub const WIDTH: u32 = 480;
/// Height of one bar's row.
pub const ROW: u32 = 28;
/// Where the bars start (the labels sit left of it).
pub const BAR_X: u32 = 170;
/// Room kept right of the longest bar for its count.
pub const COUNT_ROOM: u32 = 60;

/// One bar, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// The category.
    pub label: String,
    /// Its count.
    pub count: u64,
    /// Top of the row.
    pub y: u32,
    /// The bar's length (at least 1 for a non-zero count, so it shows).
    pub width: u32,
}

/// The bars for `items`, in their order, and the drawing's height.
pub fn bars(items: &[(String, u64)]) -> (Vec<Bar>, u32) {
    let max = items.iter().map(|(_, c)| *c).max().unwrap_or(0);
    let room = u64::from(WIDTH - BAR_X - COUNT_ROOM);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, count))| {
            let width = (count * room).checked_div(max).map_or(0, |w| w.max(u64::from(*count > 0)));
            Bar { label: label.clone(), count: *count, y: i as u32 * ROW, width: width as u32 }
        })
        .collect();
    (bars, (items.len() as u32 * ROW).max(ROW))
}

/// What the chart says, for its accessible name: `label: count` joined.
pub fn summary(title: &str, items: &[(String, u64)]) -> String {
    let parts: Vec<String> = items.iter().map(|(l, c)| format!("{l}: {c}")).collect();
    format!("{title}. {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_small_counts_still_show() {
        let items = vec![("接通".to_owned(), 1000), ("空号".to_owned(), 1), ("关机".to_owned(), 0)];
        let (bars, height) = bars(&items);
        assert_eq!(height, 3 * ROW);
        assert_eq!(bars[0].width, WIDTH - BAR_X - COUNT_ROOM);
        assert_eq!(bars[1].width, 1, "a count of 1 is still visible");
        assert_eq!(bars[2].width, 0);
        assert_eq!(bars[2].y, 2 * ROW);
        assert_eq!(summary("States", &items[..1]), "States. 接通: 1000");
        assert_eq!(super::bars(&[]).1, ROW, "an empty chart keeps a row's height");
    }
}
