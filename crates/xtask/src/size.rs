//! `cargo xtask size`: what the widget costs a page, raw, gzip and brotli, against its budget,
//! and what the operators' console costs all-in against its own; and where the widget's wasm
//! bytes go (twiggy), in `target/size/`.
//!
//! The sizes are those of the files the proxy sends: the package as the demo site delivers it
//! ([`deliver`]: content-hashed names, `.gz` and `.br` siblings), in `target/size/kefu`.

use std::path::Path;

use crate::cmd::{self, Result, XtaskError, io};
use crate::console;
use crate::deliver::{self, Delivered};
use crate::package;
use crate::setup::{self, Tools};

/// Most the launcher may cost before the wasm is fetched (gzip bytes).
const LOADER_BUDGET_GZIP: usize = 8 * 1024;
/// Most the whole widget may cost (gzip bytes): issue 17's goal, 100 KB. It measured 93,295 B
/// once Yew's hash tables, render-queue B-tree, event-name `match` and panic hook gave way to
/// the small patches of `vendor/yew` (`KEFU-PATCH.md`): 12,133 B off 105,428 B. Then the rating,
/// the banner and a resend shared by every tab of a conversation 1,033 B, and events that share
/// their bot turn instead of copying it 908 B off: 93,420 B measured.
///
/// Until then the budget was what the widget measured last plus about 100 B. The loader's early start (its code in
/// the loader, the client and the widget) added 1,750 B gzip for about 150 ms less to the first
/// message on the slow link of `cargo xtask bench first-message`; the launcher's rules in the
/// loader 583 B for the launcher about 180 ms sooner there; the state/reduce/components
/// structure (issue 18) 448 B. Issue 19: themes (the dark palette, forced colours, the `theme`
/// option) 578 B, the loader's lines that fetch the proactive greeting (`kefu-teaser.js`, not
/// counted: only pages with a greeting fetch it) 30 B, the mini-program bridge 85 B, no focus
/// theft after a touch 293 B, the transcript's download and copy 2,541 B. The `.gz` siblings
/// written by zopfli instead of zlib's level 9 took about 6.6 KB off, and the budget with them
/// (112,395 B measured with all of the above); then each new bot message announced once
/// through a polite live region 1,038 B, several tabs of one conversation (a leader by Web
/// Lock, the others mirroring it over a `BroadcastChannel`) 4,121 B, the satisfaction rating
/// (its form, styles, `rating` event and POST to `rating-url`) 2,676 B, voice input (speech
/// recognition through `js_sys::Reflect`) 1,629 B, "back to the mini-program" on `wx_mp` 796 B,
/// the voice button's drawn microphone 225 B, the loader's preview of the first prompt (shown
/// before the wasm is in) 418 B, its check that no other tab leads before an early start about
/// 110 B (123,338 B measured with all of the above). The release wasm built by the pinned
/// nightly with the standard library rebuilt for size and panics that trap at once
/// ([`package::wasm_pack`]) took 11,395 B off: 111,995 B measured. The loader's list of the tabs
/// that show a conversation, which spares a lone tab's early start the Web Locks' first answer
/// (25 to 180 ms, timed in the visits of `cargo xtask bench first-message`), 209 B (112,204 B measured). Then voice
/// input, keeping the transcript and POSTing a rating moved to `kefu-extras.js`, imported on
/// first use (542 B gzip, not counted): 1,175 B off; wasm-opt `-Os --ignore-implicit-traps`
/// instead of `-Oz` 331 B; no source locations in the wasm (`-Zlocation-detail=none`) 731 B;
/// short names for the wasm's imports, in the glue too ([`crate::wasm_names`]), 4,046 B, and for
/// its closure callers' exports 565 B (each measured on its own, before the tabs' list): 105,358 B
/// measured with all of the above.
/// The loader's preview of the first prompt shown and painted before the widget's first render
/// (on loopback the answer's body waited for it) 67 B: 105,420 B measured.
const FULL_BUDGET_GZIP: usize = 100_000;
/// Most the whole widget may cost (brotli bytes): issue 17's goal, 85 KB. It measured 84,146 B
/// with the patched Yew of `vendor/yew`: 9,145 B off 93,291 B; then the rating, banner and
/// resend shared by every tab 983 B, events sharing their bot turn 742 B off: 84,387 B measured.
///
/// Until then the budget was what the widget measured last plus about 100 B; the early start added 1,600 B, the launcher's rules in the loader 504 B, the
/// state/reduce/components structure 327 B; issue 19's themes 615 B, the greeting's loader
/// lines 36 B, the mini-program bridge 76 B, no focus theft after a touch 362 B, the
/// transcript's download and copy 1,993 B, the screen readers' live region 799 B, several tabs
/// of one conversation 3,649 B, the satisfaction rating 2,377 B, voice input 1,238 B, "back to
/// the mini-program" 651 B, the voice button's drawn microphone 129 B, the loader's preview of
/// the first prompt 388 B and its check for a leading tab about 100 B (108,800 B measured); the
/// release wasm built by the pinned nightly with `-Zbuild-std` 9,743 B off (99,020 B measured);
/// the loader's list of the tabs that show a conversation 192 B (99,212 B measured); then voice
/// input, keeping the transcript and POSTing a rating loaded on first use (`kefu-extras.js`,
/// 448 B brotli, not counted) 950 B off, wasm-opt `-Os --ignore-implicit-traps` 210 B, no source
/// locations in the wasm 767 B, short names for the wasm's imports 3,584 B and for its closure
/// callers' exports 496 B: 93,213 B measured with all of the above; the preview shown and painted
/// before the widget's first render 58 B (93,284 B measured).
const FULL_BUDGET_BROTLI: usize = 85_000;

/// Most the operators' console may cost all-in (gzip bytes: its page, boot script, stylesheet,
/// glue and wasm), as issue 15 sets it: 250 KB (244,479 B measured with kefu-protocol's
/// hand-written decoders and encoders, feature `value-decode`; 238,335 B with short names for
/// its imports, [`crate::wasm_names`]; 227,179 B on the patched Yew of `vendor/yew`).
const CONSOLE_BUDGET_GZIP: usize = 250_000;

/// What a page downloads to show the launcher: the loader script and the stylesheet.
const LOADER_FILES: [&str; 2] = ["kefu-loader.js", "kefu-widget.css"];
/// What a page downloads for the whole widget (by their names in the package).
const FULL_FILES: [&str; 4] = ["kefu-loader.js", "kefu-widget.css", "kefu_widget.js", "kefu_widget_bg.wasm"];
/// What the widget loads only when a page or the visitor asks for it, reported but not counted:
/// the proactive greeting, and voice input, keeping the transcript and POSTing a rating.
const LAZY_FILES: [&str; 2] = ["kefu-teaser.js", "kefu-extras.js"];

/// Sizes of some bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub(crate) raw: usize,
    pub(crate) gzip: usize,
    pub(crate) brotli: usize,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes { raw: self.raw + o.raw, gzip: self.gzip + o.gzip, brotli: self.brotli + o.brotli }
    }
}

/// Copies the package to `target/size/kefu`, delivers it as the demo site does, and gives each
/// of [`FULL_FILES`], then of [`LAZY_FILES`], with its delivered name and the sizes the wire
/// carries.
fn delivered_sizes(package: &Path) -> Result<Vec<(&'static str, String, Sizes)>> {
    let wire = cmd::root().join("target").join("size").join("kefu");
    let _ = std::fs::remove_dir_all(&wire);
    std::fs::create_dir_all(&wire).map_err(io(&wire))?;
    for entry in std::fs::read_dir(package).map_err(io(package))? {
        let path = entry.map_err(|e| XtaskError::new(e.to_string()))?.path();
        if path.is_file() {
            let to = wire.join(path.file_name().unwrap_or_default());
            std::fs::copy(&path, &to).map_err(io(&path))?;
        }
    }
    let (hashed, delivered) = deliver::prepare(&wire, &deliver::WIDGET_HASHED)?;
    FULL_FILES
        .iter()
        .chain(&LAZY_FILES)
        .map(|name| {
            let sent = deliver::WIDGET_HASHED
                .iter()
                .position(|h| h == name)
                .map_or_else(|| (*name).to_owned(), |i| hashed[i].clone());
            let Delivered { raw, gzip, brotli, .. } = delivered
                .iter()
                .find(|d| d.name == sent)
                .ok_or_else(|| XtaskError::new(format!("{sent} was not delivered")))?;
            Ok((*name, sent, Sizes { raw: *raw, gzip: *gzip, brotli: *brotli }))
        })
        .collect()
}

/// Builds the package, prints and saves the report, and fails when a budget is exceeded.
pub(crate) fn run(tools: &Tools) -> Result<()> {
    let dir = package::build(tools)?;
    let mut report = String::from("file (as sent)                              raw      gzip    brotli\n");
    let line = |name: &str, s: Sizes| format!("{name:<38} {:>8} {:>9} {:>9}\n", s.raw, s.gzip, s.brotli);
    let full = delivered_sizes(&dir)?;
    for (name, sent, sizes) in &full {
        let lazy = if LAZY_FILES.contains(name) { " (lazy)" } else { "" };
        report.push_str(&line(&format!("{sent}{lazy}"), *sizes));
    }
    let sum = |names: &[&str]| {
        full.iter().filter(|(n, _, _)| names.contains(n)).fold(Sizes::default(), |acc, (_, _, s)| acc + *s)
    };
    let loader = sum(&LOADER_FILES);
    let total = sum(&FULL_FILES);
    report.push_str(&line("loader (js+css)", loader));
    report.push_str(&line("full widget", total));
    report.push_str(&format!(
        "budgets: loader {} / {} B gzip, full widget {} / {} B gzip, {} / {} B brotli\n",
        loader.gzip, LOADER_BUDGET_GZIP, total.gzip, FULL_BUDGET_GZIP, total.brotli, FULL_BUDGET_BROTLI
    ));
    let console = console_sizes(tools)?;
    for d in &console {
        let name = format!("console/{}", d.name);
        report.push_str(&line(&name, Sizes { raw: d.raw, gzip: d.gzip, brotli: d.brotli }));
    }
    let console_total = console
        .iter()
        .fold(Sizes::default(), |acc, d| acc + Sizes { raw: d.raw, gzip: d.gzip, brotli: d.brotli });
    report.push_str(&line("console (all-in)", console_total));
    report.push_str(&format!("budget: console {} / {CONSOLE_BUDGET_GZIP} B gzip\n", console_total.gzip));
    print!("{report}");
    let out = cmd::root().join("target").join("size");
    std::fs::create_dir_all(&out).map_err(io(&out))?;
    let save = |name: &str, text: &str| {
        std::fs::write(out.join(name), text).map_err(|e| XtaskError::new(format!("{name}: {e}")))
    };
    save("report.txt", &report)?;
    // Where the bytes go, from the wasm before wasm-opt (it still has function names).
    setup::twiggy()?;
    let wasm = cmd::root().join("target/wasm32-unknown-unknown/release/kefu_widget.wasm");
    let wasm = wasm.to_string_lossy().into_owned();
    if let Ok(top) = cmd::command("twiggy", &["top", "-n", "60", &wasm], &[]).output() {
        save("twiggy-top.txt", &String::from_utf8_lossy(&top.stdout))?;
        println!("twiggy: target/size/twiggy-top.txt (function names from the wasm before wasm-opt)");
    }
    println!("report: target/size/report.txt");
    let mut over = over_budget(loader, total);
    if console_total.gzip > CONSOLE_BUDGET_GZIP {
        over.push(format!(
            "the console is {} B gzip, over its {CONSOLE_BUDGET_GZIP} B budget",
            console_total.gzip
        ));
    }
    if over.is_empty() { Ok(()) } else { Err(XtaskError::new(over.join("; "))) }
}

/// Builds the console and delivers it as the demo site does (in `target/size/console`); gives
/// each file the console's page loads with the sizes the wire carries.
fn console_sizes(tools: &Tools) -> Result<Vec<Delivered>> {
    let package = console::build(tools)?;
    let site = cmd::root().join("target").join("size");
    let delivered = console::add_to_site(&package, &site)?;
    Ok(delivered)
}

/// Each budget that `loader` (the launcher's files) or `total` (the whole widget) exceeds, said.
fn over_budget(loader: Sizes, total: Sizes) -> Vec<String> {
    [
        ("loader", "gzip", loader.gzip, LOADER_BUDGET_GZIP),
        ("full widget", "gzip", total.gzip, FULL_BUDGET_GZIP),
        ("full widget", "brotli", total.brotli, FULL_BUDGET_BROTLI),
    ]
    .iter()
    .filter(|(_, _, size, budget)| size > budget)
    .map(|(what, how, size, budget)| format!("{what} is {size} B {how}, over its {budget} B budget"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_add_up() {
        let s = Sizes { raw: 5000, gzip: 120, brotli: 100 };
        assert_eq!(s + s, Sizes { raw: 10_000, gzip: 240, brotli: 200 });
        assert_eq!(Sizes::default() + s, s);
    }

    #[test]
    fn each_budget_is_checked_on_its_own() {
        let small = Sizes { raw: 1, gzip: 1, brotli: 1 };
        let at_budget = Sizes { raw: 0, gzip: FULL_BUDGET_GZIP, brotli: FULL_BUDGET_BROTLI };
        assert!(over_budget(small, at_budget).is_empty());
        let brotli_over = Sizes { brotli: FULL_BUDGET_BROTLI + 1, ..at_budget };
        let said = over_budget(small, brotli_over);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("brotli"), "{said:?}");
        let gzip_over = Sizes { gzip: FULL_BUDGET_GZIP + 1, ..at_budget };
        assert!(over_budget(small, gzip_over)[0].contains("gzip"));
        let loader_over = Sizes { gzip: LOADER_BUDGET_GZIP + 1, ..small };
        assert!(over_budget(loader_over, at_budget)[0].starts_with("loader"));
    }
}
