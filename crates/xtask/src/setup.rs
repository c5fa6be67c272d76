//! Installs what the test suites need, idempotently, saying what it does.
//!
//! Only the package registries are reachable, so nothing here downloads a prebuilt binary:
//! wasm-pack and wasm-bindgen-cli are built from crates.io, wasm-opt comes from the npm package
//! `binaryen` (Debian's binaryen and the crates.io `wasm-opt` reject today's wasm), and Chromium
//! with its driver from Debian.

use std::path::PathBuf;

use crate::cmd::{self, Result, XtaskError, io};

/// The nightly that builds the release wasm (`-Zbuild-std`, see [`crate::package::wasm_pack`]),
/// pinned so that a new nightly cannot change the packages unseen; with `rust-src` and the
/// wasm32 target.
pub(crate) const WASM_NIGHTLY: &str = "nightly-2026-10-30";

/// Lowest `binaryen` (npm) whose wasm-opt accepts reference types as rustc emits them.
const BINARYEN_MIN_MAJOR: u32 = 130;

/// Where tools live that the project installs itself.
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    /// Folders to put in front of `PATH` for the suites (the project-local wasm-opt).
    pub(crate) path_prefix: Vec<PathBuf>,
}

impl Tools {
    /// The tools of an already set-up machine.
    pub(crate) fn from_env() -> Result<Tools> {
        Ok(Tools { path_prefix: vec![binaryen_bin()] })
    }
}

fn binaryen_dir() -> PathBuf {
    cmd::root().join(".tools").join("binaryen")
}

fn binaryen_bin() -> PathBuf {
    binaryen_dir().join("node_modules").join(".bin")
}

/// Installs whatever is missing and returns where the tools are.
pub(crate) fn ensure() -> Result<Tools> {
    let tools = ensure_build_tools()?;
    chromium()?;
    axe_core()?;
    deep_chat()?;
    postgresql()?;
    typescript()?;
    Ok(tools)
}

/// What `cargo xtask bench first-message` needs besides the build tools: the browser and the
/// deep-chat page's bundle.
pub(crate) fn ensure_first_message() -> Result<Tools> {
    let tools = ensure_build_tools()?;
    chromium()?;
    deep_chat()?;
    Ok(tools)
}

/// The deep-chat release `cargo xtask bench first-message` compares the widget with.
const DEEP_CHAT: &str = "2.4";

/// deep-chat (npm) in `.tools/deep-chat`: the peer of `cargo xtask bench first-message`.
fn deep_chat() -> Result<()> {
    let manifest = cmd::root().join(".tools/deep-chat/node_modules/deep-chat/package.json");
    let version = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json.get("version").and_then(|v| v.as_str()).map(str::to_owned));
    if let Some(version) = version.filter(|v| v.starts_with(&format!("{DEEP_CHAT}."))) {
        if deep_chat_bundle().exists() {
            println!("ok: deep-chat {version} (npm, .tools/deep-chat)");
            return Ok(());
        }
    }
    println!("installing: npm deep-chat@{DEEP_CHAT} into .tools/deep-chat");
    let dir = cmd::root().join(".tools").join("deep-chat");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let prefix = dir.to_string_lossy().into_owned();
    let spec = format!("deep-chat@{DEEP_CHAT}");
    cmd::run(cmd::command("npm", &["install", "--prefix", &prefix, "--no-audit", "--no-fund", &spec], &[]))
}

/// deep-chat's one-file ES module bundle (it defines `<deep-chat>`).
pub(crate) fn deep_chat_bundle() -> PathBuf {
    cmd::root().join(".tools/deep-chat/node_modules/deep-chat/dist/deepChat.bundle.js")
}

/// The TypeScript compiler the declarations are checked with; pinned, so a new release cannot
/// change what `tsc --strict` accepts.
const TYPESCRIPT: &str = "5.9.3";

/// TypeScript (npm) in `.tools/typescript`, whose `tsc --strict` checks the client package's
/// declarations.
pub(crate) fn typescript() -> Result<()> {
    let found = cmd::output_line(&tsc_bin().to_string_lossy(), &["--version"], &[]);
    if found.as_deref() == Some(&format!("Version {TYPESCRIPT}")) {
        println!("ok: tsc {TYPESCRIPT} (npm typescript, .tools/typescript)");
        return Ok(());
    }
    println!("installing: npm typescript@{TYPESCRIPT} into .tools/typescript");
    let dir = cmd::root().join(".tools").join("typescript");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let prefix = dir.to_string_lossy().into_owned();
    let spec = format!("typescript@{TYPESCRIPT}");
    cmd::run(cmd::command("npm", &["install", "--prefix", &prefix, "--no-audit", "--no-fund", &spec], &[]))
}

/// The project-local tsc.
pub(crate) fn tsc_bin() -> PathBuf {
    cmd::root().join(".tools").join("typescript").join("node_modules").join(".bin").join("tsc")
}

/// axe-core (npm) in `.tools/axe`, injected into pages by the accessibility tests.
fn axe_core() -> Result<()> {
    let dir = cmd::root().join(".tools").join("axe");
    if dir.join("node_modules/axe-core/axe.min.js").exists() {
        println!("ok: axe-core (npm, .tools/axe)");
        return Ok(());
    }
    println!("installing: npm axe-core into .tools/axe");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let prefix = dir.to_string_lossy().into_owned();
    cmd::run(cmd::command(
        "npm",
        &["install", "--prefix", &prefix, "--no-audit", "--no-fund", "axe-core@4"],
        &[],
    ))
}

/// Installs what building the wasm packages needs (not the browser).
pub(crate) fn ensure_build_tools() -> Result<Tools> {
    println!("== setup: checking the tools the build needs");
    wasm_target()?;
    wasm_nightly()?;
    wasm_pack()?;
    wasm_bindgen_cli()?;
    binaryen()?;
    esbuild()?;
    Tools::from_env()
}

/// esbuild (npm) in `.tools/esbuild`, which minifies the widget package's JavaScript and CSS.
fn esbuild() -> Result<()> {
    if esbuild_bin().exists() {
        println!("ok: esbuild (npm, .tools/esbuild)");
        return Ok(());
    }
    println!("installing: npm esbuild into .tools/esbuild");
    let dir = cmd::root().join(".tools").join("esbuild");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let prefix = dir.to_string_lossy().into_owned();
    cmd::run(cmd::command(
        "npm",
        &["install", "--prefix", &prefix, "--no-audit", "--no-fund", "esbuild@0"],
        &[],
    ))
}

/// The project-local esbuild.
pub(crate) fn esbuild_bin() -> PathBuf {
    cmd::root().join(".tools").join("esbuild").join("node_modules").join(".bin").join("esbuild")
}

/// twiggy, for `cargo xtask size`.
pub(crate) fn twiggy() -> Result<()> {
    if have("twiggy", cmd::output_line("twiggy", &["--version"], &[])) {
        return Ok(());
    }
    println!("installing: twiggy from crates.io");
    cmd::run(cmd::command("cargo", &["install", "twiggy", "--locked"], &[]))
}

fn have(what: &str, line: Option<String>) -> bool {
    match line {
        Some(version) => {
            println!("ok: {what} ({version})");
            true
        }
        None => false,
    }
}

fn wasm_target() -> Result<()> {
    let installed = cmd::command("rustup", &["target", "list", "--installed"], &[])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        println!("ok: rust target wasm32-unknown-unknown");
        return Ok(());
    }
    println!("installing: rust target wasm32-unknown-unknown");
    cmd::run(cmd::command("rustup", &["target", "add", "wasm32-unknown-unknown"], &[]))
}

/// The pinned nightly with `rust-src` (for `-Zbuild-std`) and the wasm32 target (which
/// wasm-pack checks for).
fn wasm_nightly() -> Result<()> {
    let toolchain = ["--toolchain", WASM_NIGHTLY];
    let installed = |what: &str, name: &str| {
        cmd::command("rustup", &[what, "list", "--installed", toolchain[0], toolchain[1]], &[])
            .output()
            .map(|o| {
                o.status.success()
                    && String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim().starts_with(name))
            })
            .unwrap_or(false)
    };
    if installed("component", "rust-src") && installed("target", "wasm32-unknown-unknown") {
        println!("ok: rust {WASM_NIGHTLY} with rust-src and wasm32-unknown-unknown");
        return Ok(());
    }
    println!(
        "installing: rust {WASM_NIGHTLY} with rust-src and wasm32-unknown-unknown (for the release wasm)"
    );
    cmd::run(cmd::command(
        "rustup",
        &[
            "toolchain",
            "install",
            WASM_NIGHTLY,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
            "--target",
            "wasm32-unknown-unknown",
        ],
        &[],
    ))
}

fn wasm_pack() -> Result<()> {
    if have("wasm-pack", cmd::output_line("wasm-pack", &["--version"], &[])) {
        return Ok(());
    }
    println!("installing: wasm-pack from crates.io (a few minutes)");
    cmd::run(cmd::command("cargo", &["install", "wasm-pack", "--locked"], &[]))
}

/// The wasm-bindgen version `Cargo.lock` holds; the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(cmd::root().join("Cargo.lock"))
        .map_err(|e| XtaskError::new(format!("cannot read Cargo.lock: {e}")))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(XtaskError::new("Cargo.lock has no wasm-bindgen entry"))
}

fn wasm_bindgen_cli() -> Result<()> {
    let want = locked_wasm_bindgen()?;
    let found = cmd::output_line("wasm-bindgen", &["--version"], &[]);
    if let Some(found) = found.filter(|v| v.split_whitespace().nth(1) == Some(want.as_str())) {
        println!("ok: wasm-bindgen-cli ({found})");
        return Ok(());
    }
    println!("installing: wasm-bindgen-cli {want} (matches Cargo.lock; a few minutes)");
    // Without --locked: the crate's own lock file does not resolve against this registry.
    cmd::run(cmd::command("cargo", &["install", "wasm-bindgen-cli", "--version", &want, "--force"], &[]))
}

fn binaryen() -> Result<()> {
    let bin = binaryen_bin();
    let version = cmd::output_line("wasm-opt", &["--version"], std::slice::from_ref(&bin));
    let major = version
        .as_deref()
        .and_then(|v| v.split_whitespace().find_map(|w| w.parse::<u32>().ok()))
        .unwrap_or(0);
    if bin.join("wasm-opt").exists() && major >= BINARYEN_MIN_MAJOR {
        println!("ok: wasm-opt from npm binaryen ({})", version.unwrap_or_default());
        return Ok(());
    }
    println!(
        "installing: npm binaryen >= {BINARYEN_MIN_MAJOR} into .tools/binaryen (project-local wasm-opt)"
    );
    let dir = binaryen_dir();
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let dir_s = dir.to_string_lossy().into_owned();
    let spec = format!("binaryen@>={BINARYEN_MIN_MAJOR}");
    cmd::run(cmd::command("npm", &["install", "--prefix", &dir_s, "--no-audit", "--no-fund", &spec], &[]))
}

fn chromium() -> Result<()> {
    let browser = cmd::output_line("chromium", &["--version"], &[]);
    let driver = cmd::output_line("chromedriver", &["--version"], &[]);
    // Chinese text in the end-to-end screenshots needs a CJK font.
    let cjk_font = cmd::output_line("fc-list", &[":lang=zh", "family"], &[]);
    if browser.is_some() && driver.is_some() && cjk_font.is_some() {
        println!("ok: {} / {}", browser.unwrap_or_default(), driver.unwrap_or_default());
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver", "fonts-wqy-zenhei"], "chromium, chromedriver and a CJK font")
}

/// PostgreSQL's server binaries, from which kefu-callbacks' tests start a throwaway cluster
/// (unless `KEFU_TEST_POSTGRES_URL` names one).
fn postgresql() -> Result<()> {
    let initdb = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path().join("bin").join("initdb"))
        .find(|path| path.exists());
    if let Some(initdb) = initdb {
        println!("ok: postgresql ({})", initdb.display());
        return Ok(());
    }
    apt_install(&["postgresql"], "postgresql (for the callback store tests)")
}

/// Installs Debian packages when running as root; otherwise says what to install.
pub(crate) fn apt_install(packages: &[&str], what: &str) -> Result<()> {
    let is_root = cmd::output_line("id", &["-u"], &[]).as_deref() == Some("0");
    if !is_root {
        return Err(XtaskError::new(format!(
            "{what} missing; install them (Debian: `sudo apt-get install {}`) and run again",
            packages.join(" ")
        )));
    }
    println!("installing: {} from Debian", packages.join(", "));
    cmd::run(cmd::command("apt-get", &["update", "-q"], &[]))?;
    let mut args = vec!["install", "-y", "-q"];
    args.extend_from_slice(packages);
    let mut install = cmd::command("apt-get", &args, &[]);
    install.env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(install)
}
