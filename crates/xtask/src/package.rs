//! The widget's npm package and the demo site built around it.
//!
//! `target/npm/kefu-widget` is `wasm-pack build --target web --release` of `crates/widget` (wasm-opt
//! from the npm `binaryen`) plus the hand-written files in `crates/widget/assets`: the launcher
//! and custom element (`kefu-loader.js`), the stylesheet, and the `mount()` entry (`index.js`).
//! `target/www` is `www/` with that package under `/kefu/` (and the end-to-end tests' own pages
//! under `/tests/`), which kefu-proxy serves: there the wasm, its glue and the stylesheet have
//! content-hashed names that `kefu-loader.js` (and `index.js`) refer to, and every page, script,
//! stylesheet and wasm has `.br` and `.gz` siblings ([`deliver`]). The npm package itself keeps
//! plain names: bundlers hash what they emit.

use std::path::{Path, PathBuf};

use crate::cmd::{self, Result, XtaskError, io};
use crate::deliver;
use crate::setup::{self, Tools};
use crate::wasm_names;

/// The hand-written files of the package, beside wasm-pack's output.
/// (`kefu-teaser.js`, the proactive greeting, is loaded only by pages that ask for one;
/// `kefu-extras.js`, voice input, keeping the transcript and POSTing a rating, only when the
/// visitor first uses one of them.)
pub(crate) const ASSETS: [&str; 7] = [
    "index.js",
    "index.d.ts",
    "kefu-loader.js",
    "kefu-loader.d.ts",
    "kefu-teaser.js",
    "kefu-extras.js",
    "kefu-widget.css",
];

/// The files minified in the package: the ones a page downloads.
const MINIFIED: [&str; 5] =
    ["kefu_widget.js", "kefu-loader.js", "kefu-teaser.js", "kefu-extras.js", "kefu-widget.css"];

/// Where the package is built.
pub(crate) fn package_dir() -> PathBuf {
    cmd::root().join("target").join("npm").join("kefu-widget")
}

/// Where the demo site is assembled.
pub(crate) fn site_dir() -> PathBuf {
    cmd::root().join("target").join("www")
}

/// `wasm-pack build --target web --release` of `krate` (a folder under the workspace root) into
/// `out`, with `extra` arguments; wasm-opt is binaryen's, from `tools`.
///
/// The release wasm is built by the pinned nightly ([`setup::WASM_NIGHTLY`]) with the standard
/// library rebuilt for size ([`BUILD_STD`]) and panics that trap at once ([`RELEASE_RUSTFLAGS`]):
/// `cargo xtask size` measured 11,395 B gzip less for the whole widget and 21,341 B less for the
/// console all-in. Tests and clippy keep the stable toolchain.
pub(crate) fn wasm_pack(tools: &Tools, krate: &str, out: &Path, extra: &[&str]) -> Result<()> {
    let out_dir = out.to_string_lossy().into_owned();
    let mut args = vec!["build", "--target", "web", "--release"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[krate, "--out-dir", &out_dir, "--"]);
    args.extend_from_slice(&BUILD_STD);
    let mut command = cmd::command("wasm-pack", &args, &tools.path_prefix);
    command.env("RUSTUP_TOOLCHAIN", setup::WASM_NIGHTLY).env("RUSTFLAGS", RELEASE_RUSTFLAGS);
    cmd::run(command)
}

/// Cargo's flags that rebuild the standard library with the release profile (`opt-level = "z"`,
/// one codegen unit, LTO) and std's own size-over-speed choices, instead of linking the
/// prebuilt one, which is built for speed and keeps every panic's message and location.
const BUILD_STD: [&str; 2] = ["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"];

/// rustc's flags for the release wasm: a panic traps at once (`unreachable`), so no message is
/// formatted and none of the formatting machinery is kept for it. A panic is a bug either way:
/// with `panic = "abort"` it also ended the module, after logging its message. Nor do the
/// callers' source locations (`#[track_caller]`) stay in the wasm (`-Zlocation-detail=none`):
/// only a trap or wasm-bindgen's `unwrap_throw` message would name them, and the file paths
/// cost the widget about 780 B gzip.
const RELEASE_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none";

/// Copies each of `names` from `assets` into `dir`.
pub(crate) fn copy_assets(assets: &Path, dir: &Path, names: &[&str]) -> Result<()> {
    for name in names {
        std::fs::copy(assets.join(name), dir.join(name)).map_err(io(dir))?;
    }
    Ok(())
}

/// Minifies each of `names` in `dir` in place (esbuild).
pub(crate) fn minify(dir: &Path, names: &[&str]) -> Result<()> {
    let esbuild = setup::esbuild_bin().to_string_lossy().into_owned();
    for name in names {
        let file = dir.join(name).to_string_lossy().into_owned();
        let out = format!("--outfile={file}");
        cmd::run(cmd::command(
            &esbuild,
            &[&file, "--minify", "--allow-overwrite", "--log-level=warning", &out],
            &[],
        ))?;
    }
    Ok(())
}

/// Builds the npm package; returns its folder.
pub(crate) fn build(tools: &Tools) -> Result<PathBuf> {
    let dir = package_dir();
    wasm_pack(tools, "crates/widget", &dir, &[])?;
    // The wasm's imports and closure callers get short names, in the glue too (about 4.6 KB gzip).
    wasm_names::shorten(
        &dir.join("kefu_widget_bg.wasm"),
        &dir.join("kefu_widget.js"),
        "./kefu_widget_bg.js",
    )?;
    let assets = cmd::root().join("crates").join("widget").join("assets");
    copy_assets(&assets, &dir, &ASSETS)?;
    // The launcher's rules go into the loader too, which gives them to the launcher at once.
    let css_path = assets.join("kefu-widget.css");
    let css = std::fs::read_to_string(&css_path).map_err(io(&css_path))?;
    let loader_path = dir.join("kefu-loader.js");
    let loader = std::fs::read_to_string(&loader_path).map_err(io(&loader_path))?;
    std::fs::write(&loader_path, with_launcher_css(&loader, &launcher_css(&css)?)?)
        .map_err(io(&loader_path))?;
    // What pages download is minified (the readable sources stay in crates/widget/assets).
    minify(&dir, &MINIFIED)?;
    let manifest = dir.join("package.json");
    let text = std::fs::read_to_string(&manifest).map_err(io(&manifest))?;
    std::fs::write(&manifest, package_json(&text)?).map_err(io(&manifest))?;
    Ok(dir)
}

/// Where the loader takes the launcher's rules (a JavaScript string literal).
const LAUNCHER_PLACEHOLDER: &str = "'__KEFU_LAUNCHER_CSS__'";

/// The rules of `css` between its `/* launcher:` and `/* launcher end */` comments, without
/// comments and with runs of white space made one space.
fn launcher_css(css: &str) -> Result<String> {
    let missing = || XtaskError::new("kefu-widget.css has no /* launcher: … */ … /* launcher end */ block");
    let start = css.find("/* launcher:").ok_or_else(missing)?;
    let end = css[start..].find("/* launcher end */").ok_or_else(missing)? + start;
    let mut rules = String::new();
    let mut rest = &css[start..end];
    while let Some(open) = rest.find("/*") {
        rules.push_str(&rest[..open]);
        let close =
            rest[open..].find("*/").ok_or_else(|| XtaskError::new("kefu-widget.css: an unclosed comment"))?;
        rest = &rest[open + close + 2..];
    }
    rules.push_str(rest);
    Ok(rules.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `loader` with its launcher placeholder replaced by `rules` (fails if it has none, so the two
/// cannot drift apart unseen).
fn with_launcher_css(loader: &str, rules: &str) -> Result<String> {
    if !loader.contains(LAUNCHER_PLACEHOLDER) {
        return Err(XtaskError::new(format!("kefu-loader.js has no {LAUNCHER_PLACEHOLDER}")));
    }
    let literal = serde_json::to_string(rules).map_err(|e| XtaskError::new(e.to_string()))?;
    Ok(loader.replacen(LAUNCHER_PLACEHOLDER, &literal, 1))
}

/// wasm-pack's package.json with the hand-written files added and `index.js` as the entry.
fn package_json(generated: &str) -> Result<String> {
    let mut json: serde_json::Value = serde_json::from_str(generated)
        .map_err(|e| XtaskError::new(format!("wasm-pack wrote an unreadable package.json: {e}")))?;
    let object = json.as_object_mut().ok_or_else(|| XtaskError::new("package.json is not an object"))?;
    let mut files: Vec<serde_json::Value> =
        object.get("files").and_then(|f| f.as_array()).cloned().unwrap_or_default();
    for name in ASSETS {
        if !files.iter().any(|f| f == name) {
            files.push(name.into());
        }
    }
    object.insert("files".into(), files.into());
    object.insert("main".into(), "index.js".into());
    object.insert("module".into(), "index.js".into());
    object.insert("types".into(), "index.d.ts".into());
    object.insert(
        "exports".into(),
        serde_json::json!({
            ".": { "types": "./index.d.ts", "default": "./index.js" },
            "./loader": { "types": "./kefu-loader.d.ts", "default": "./kefu-loader.js" },
            "./kefu-loader.js": { "types": "./kefu-loader.d.ts", "default": "./kefu-loader.js" },
            "./kefu-widget.css": "./kefu-widget.css",
            "./package.json": "./package.json"
        }),
    );
    // Importing the loader defines <kefu-chat>: a side effect bundlers must keep.
    object.insert("sideEffects".into(), serde_json::json!(["./kefu-loader.js", "./index.js"]));
    serde_json::to_string_pretty(&json).map_err(|e| XtaskError::new(e.to_string()))
}

/// Copies `www/` to `target/www` and the package to `target/www/kefu`, with hashed names and
/// compressed siblings ([`deliver`]); returns the site folder.
pub(crate) fn assemble_site(package: &Path) -> Result<PathBuf> {
    let site = site_dir();
    let _ = std::fs::remove_dir_all(&site);
    copy_tree(&cmd::root().join("www"), &site, &|path| {
        // The Vite example has its own build; node_modules never belongs in the site.
        !path.components().any(|c| c.as_os_str() == "node_modules")
    })?;
    copy_tree(package, &site.join("kefu"), &|_| true)?;
    // Pages only the end-to-end tests open (a page with a weaker policy, as a control).
    copy_tree(&cmd::root().join("tests").join("pages"), &site.join("tests"), &|_| true)?;
    deliver::hash_names(&site.join("kefu"), &deliver::WIDGET_HASHED)?;
    deliver::compress_tree(&site)?;
    Ok(site)
}

/// Builds `www/vite-example` with Vite against the built package into `<site>/vite` (with
/// compressed siblings; Vite hashes its own names), talking to the proxy that serves it (same
/// origin).
pub(crate) fn build_vite_example(site: &Path) -> Result<()> {
    let example = cmd::root().join("www").join("vite-example");
    let mut install = cmd::command("npm", &["install", "--no-audit", "--no-fund", "--loglevel=error"], &[]);
    install.current_dir(&example);
    cmd::run(install)?;
    let out_dir = site.join("vite").to_string_lossy().into_owned();
    let mut build =
        cmd::command("npx", &["vite", "build", "--base", "./", "--outDir", &out_dir, "--emptyOutDir"], &[]);
    build.current_dir(&example).env("VITE_KEFU_ENDPOINT", "");
    cmd::run(build)?;
    deliver::compress_tree(&site.join("vite")).map(drop)
}

fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<()> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target, keep)?;
        } else {
            std::fs::copy(&path, &target).map_err(io(&path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_gets_the_launchers_rules_without_comments() {
        let css = "a { b: c; }\n/* launcher: the launcher's */\n.x {\n  color: red; /* why */\n}\n.y[hidden] { display: none; }\n/* launcher end */\n.z { }";
        let rules = launcher_css(css).expect("a launcher block");
        assert_eq!(rules, ".x { color: red; } .y[hidden] { display: none; }");
        let loader = "const LAUNCHER_CSS = '__KEFU_LAUNCHER_CSS__';";
        assert_eq!(
            with_launcher_css(loader, &rules).expect("a placeholder"),
            "const LAUNCHER_CSS = \".x { color: red; } .y[hidden] { display: none; }\";"
        );
        assert!(with_launcher_css("const LAUNCHER_CSS = '';", &rules).is_err());
        assert!(launcher_css(".x { }").is_err());
        // The real files fit together.
        let assets = cmd::root().join("crates/widget/assets");
        let real_css = std::fs::read_to_string(assets.join("kefu-widget.css")).expect("the stylesheet");
        let real_rules = launcher_css(&real_css).expect("the stylesheet's launcher block");
        assert!(
            real_rules.contains(".kefu-launcher {") && !real_rules.contains(".kefu-window"),
            "{real_rules}"
        );
        let real_loader = std::fs::read_to_string(assets.join("kefu-loader.js")).expect("the loader");
        assert!(with_launcher_css(&real_loader, &real_rules).is_ok());
    }

    #[test]
    fn the_manifest_ships_the_hand_written_files_and_enters_at_index() {
        let generated = r#"{"name":"kefu-widget","files":["kefu_widget_bg.wasm","kefu_widget.js"],
            "main":"kefu_widget.js","types":"kefu_widget.d.ts","sideEffects":["./snippets/*"]}"#;
        let out: serde_json::Value =
            serde_json::from_str(&package_json(generated).expect("patched")).expect("json");
        let files: Vec<&str> =
            out["files"].as_array().expect("files").iter().filter_map(|f| f.as_str()).collect();
        for name in ["kefu_widget_bg.wasm", "kefu_widget.js"].iter().chain(ASSETS.iter()) {
            assert!(files.contains(name), "{name} missing from {files:?}");
        }
        assert_eq!(out["main"], "index.js");
        assert_eq!(out["types"], "index.d.ts");
        assert_eq!(out["exports"]["."]["default"], "./index.js");
        assert_eq!(out["exports"]["."]["types"], "./index.d.ts");
        assert_eq!(out["exports"]["./loader"]["types"], "./kefu-loader.d.ts");
        assert_eq!(out["exports"]["./loader"]["default"], "./kefu-loader.js");
        assert!(package_json("not json").is_err());
    }
}
