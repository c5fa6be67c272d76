//! The console (`crates/console`): its package and its place in the site.
//!
//! `target/npm/kefu-console` is `wasm-pack build --target web --release` of `crates/console`
//! (wasm-opt from the npm `binaryen`, as the widget) plus its hand-written `assets/`
//! (`index.html`, `boot.js`, `console.css`), the scripts and stylesheet minified by esbuild.
//! [`add_to_site`] copies it to `<site>/console`, which kefu-proxy serves under `/console/`
//! (`index.html` for the folder): the wasm, its glue, the boot script and the stylesheet get
//! content-hashed names that `index.html` refers to, and `.br` / `.gz` siblings ([`deliver`]).

use std::path::{Path, PathBuf};

use crate::cmd::{self, Result, io};
use crate::deliver::{self, Delivered};
use crate::package;
use crate::setup::Tools;
use crate::wasm_names;

/// The hand-written files, beside wasm-pack's output.
const ASSETS: [&str; 3] = ["index.html", "boot.js", "console.css"];

/// The files minified in the package.
const MINIFIED: [&str; 3] = ["kefu_console.js", "boot.js", "console.css"];

/// The files the site serves under hashed names, each after the files it references
/// (`boot.js` imports the glue, which loads the wasm); `index.html` keeps its name.
pub(crate) const HASHED: [&str; 4] = ["kefu_console_bg.wasm", "kefu_console.js", "boot.js", "console.css"];

/// What wasm-pack writes that the site does not need.
const NOT_SERVED: [&str; 5] =
    ["package.json", "README.md", "kefu_console.d.ts", "kefu_console_bg.wasm.d.ts", ".gitignore"];

/// Where the package is built.
pub(crate) fn package_dir() -> PathBuf {
    cmd::root().join("target").join("npm").join("kefu-console")
}

/// Builds the console's package; returns its folder.
pub(crate) fn build(tools: &Tools) -> Result<PathBuf> {
    let dir = package_dir();
    package::wasm_pack(tools, "crates/console", &dir, &["--no-pack"])?;
    // As the widget's: short names for the wasm's imports and closure callers, in the glue too.
    wasm_names::shorten(
        &dir.join("kefu_console_bg.wasm"),
        &dir.join("kefu_console.js"),
        "./kefu_console_bg.js",
    )?;
    let assets = cmd::root().join("crates").join("console").join("assets");
    package::copy_assets(&assets, &dir, &ASSETS)?;
    package::minify(&dir, &MINIFIED)?;
    Ok(dir)
}

/// Copies the package to `<site>/console` with hashed names and compressed siblings; returns
/// what each served file costs on the wire.
pub(crate) fn add_to_site(package: &Path, site: &Path) -> Result<Vec<Delivered>> {
    let to = site.join("console");
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(&to).map_err(io(&to))?;
    for entry in std::fs::read_dir(package).map_err(io(package))? {
        let path = entry.map_err(io(package))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.is_file() && !NOT_SERVED.contains(&name.as_str()) {
            std::fs::copy(&path, to.join(&name)).map_err(io(&path))?;
        }
    }
    let (_, delivered) = deliver::prepare(&to, &HASHED)?;
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_refers_to_hashed_files_that_exist() {
        let dir = std::env::temp_dir().join(format!("kefu-xtask-console-{}", std::process::id()));
        let site = dir.join("site");
        let package = dir.join("package");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&package).expect("dir");
        let assets = cmd::root().join("crates/console/assets");
        for name in ASSETS {
            std::fs::copy(assets.join(name), package.join(name)).expect("asset");
        }
        std::fs::write(package.join("kefu_console.js"), "new URL('kefu_console_bg.wasm', import.meta.url)")
            .expect("glue");
        std::fs::write(package.join("kefu_console_bg.wasm"), b"\0asm").expect("wasm");
        std::fs::write(package.join("package.json"), "{}").expect("manifest");
        add_to_site(&package, &site).expect("added");
        let served = site.join("console");
        let index = std::fs::read_to_string(served.join("index.html")).expect("index");
        let names: Vec<String> = std::fs::read_dir(&served)
            .expect("listed")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        assert!(!names.iter().any(|n| n == "package.json"), "{names:?}");
        for stem in ["boot.", "console."] {
            let name = names
                .iter()
                .find(|n| n.starts_with(stem) && !n.ends_with(".gz") && !n.ends_with(".br"))
                .unwrap_or_else(|| panic!("no {stem}* in {names:?}"));
            assert!(index.contains(name.as_str()), "index.html names {name}: {index}");
        }
        let boot = names.iter().find(|n| n.starts_with("boot.") && n.ends_with(".js")).expect("boot");
        let boot = std::fs::read_to_string(served.join(boot)).expect("boot");
        let glue = names.iter().find(|n| n.starts_with("kefu_console.") && n.ends_with(".js")).expect("glue");
        assert!(boot.contains(glue.as_str()), "{boot}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
