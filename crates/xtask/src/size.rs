//! `cargo xtask size`: what the widget costs a page, raw, gzip and brotli, against its budget;
//! and where the wasm bytes go (twiggy), in `target/size/`.

use std::io::Write;
use std::path::Path;

use crate::cmd::{self, Result, XtaskError};
use crate::package;
use crate::setup::{self, Tools};

/// Most the launcher may cost before the wasm is fetched (gzip bytes).
const LOADER_BUDGET_GZIP: usize = 8 * 1024;
/// Most the whole widget may cost (gzip bytes).
const FULL_BUDGET_GZIP: usize = 120 * 1024;

/// What a page downloads to show the launcher: the loader script and the stylesheet.
const LOADER_FILES: [&str; 2] = ["kefu-loader.js", "kefu-widget.css"];
/// What a page downloads for the whole widget.
const FULL_FILES: [&str; 4] = ["kefu-loader.js", "kefu-widget.css", "kefu_widget.js", "kefu_widget_bg.wasm"];

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

/// Raw, gzip -9 and brotli -q 11 sizes of `bytes`.
pub(crate) fn measure(bytes: &[u8]) -> Sizes {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gz.write_all(bytes).and_then(|()| gz.finish()).map(|v| v.len()).unwrap_or(usize::MAX);
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let brotli =
        brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).map(|_| br.len()).unwrap_or(usize::MAX);
    Sizes { raw: bytes.len(), gzip, brotli }
}

fn measure_files(dir: &Path, names: &[&str]) -> Result<Vec<(String, Sizes)>> {
    names
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let bytes =
                std::fs::read(&path).map_err(|e| XtaskError::new(format!("{}: {e}", path.display())))?;
            Ok(((*name).to_owned(), measure(&bytes)))
        })
        .collect()
}

/// Builds the package, prints and saves the report, and fails when a budget is exceeded.
pub(crate) fn run(tools: &Tools) -> Result<()> {
    let dir = package::build(tools)?;
    let mut report = String::from("file                      raw      gzip    brotli\n");
    let line = |name: &str, s: Sizes| format!("{name:<20} {:>8} {:>9} {:>9}\n", s.raw, s.gzip, s.brotli);
    let full = measure_files(&dir, &FULL_FILES)?;
    for (name, sizes) in &full {
        report.push_str(&line(name, *sizes));
    }
    let sum = |names: &[&str]| {
        full.iter()
            .filter(|(n, _)| names.contains(&n.as_str()))
            .fold(Sizes::default(), |acc, (_, s)| acc + *s)
    };
    let loader = sum(&LOADER_FILES);
    let total = sum(&FULL_FILES);
    report.push_str(&line("loader (js+css)", loader));
    report.push_str(&line("full widget", total));
    report.push_str(&format!(
        "budgets (gzip): loader {} / {} B, full widget {} / {} B\n",
        loader.gzip, LOADER_BUDGET_GZIP, total.gzip, FULL_BUDGET_GZIP
    ));
    print!("{report}");
    let out = cmd::root().join("target").join("size");
    std::fs::create_dir_all(&out).map_err(|e| XtaskError::new(format!("{}: {e}", out.display())))?;
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
    let over: Vec<String> =
        [("loader", loader.gzip, LOADER_BUDGET_GZIP), ("full widget", total.gzip, FULL_BUDGET_GZIP)]
            .iter()
            .filter(|(_, size, budget)| size > budget)
            .map(|(what, size, budget)| format!("{what} is {size} B gzip, over its {budget} B budget"))
            .collect();
    if over.is_empty() { Ok(()) } else { Err(XtaskError::new(over.join("; "))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_bytes_and_sizes_add_up() {
        let bytes = "kefu ".repeat(1000).into_bytes();
        let s = measure(&bytes);
        assert_eq!(s.raw, 5000);
        assert!(s.gzip < 200 && s.brotli < 200, "{s:?}");
        assert_eq!((s + s).raw, 10_000);
    }
}
