//! Getting a folder of web assets ready to be served: the files a stable entry point loads get
//! content-hashed names (`kefu_widget_bg.<16 hex digits>.wasm`, which kefu-proxy caches for a year
//! as immutable), every reference to them in the folder's scripts, styles and pages is rewritten,
//! and every compressible file gets `.br` (brotli 11) and `.gz` (zopfli) siblings, which kefu-proxy
//! sends by `Accept-Encoding`.
//!
//! [`prepare`] does both for one folder: the widget package in the demo site now, the console's
//! later.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::cmd::{Result, XtaskError, io};

/// Hex digits of SHA-256 in a content-hashed name (kefu-proxy's `static_files` expects this many).
pub(crate) const HASH_DIGITS: usize = 16;

/// The widget's files that get content-hashed names, each after the files it references (the
/// glue references the wasm). `kefu-loader.js` and `index.js` keep their names and are rewritten.
pub(crate) const WIDGET_HASHED: [&str; 3] = ["kefu_widget_bg.wasm", "kefu_widget.js", "kefu-widget.css"];

/// Extensions of the files whose references are rewritten.
const REFERRING: [&str; 4] = ["js", "mjs", "css", "html"];
/// Extensions of the files that get compressed siblings.
const COMPRESSIBLE: [&str; 11] =
    ["html", "js", "mjs", "css", "wasm", "json", "svg", "txt", "xml", "map", "webmanifest"];

/// One file as the wire carries it: its name in the folder and its raw, `.gz` and `.br` bytes
/// (a sibling not smaller than the file is not written; then the file's own size is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Delivered {
    pub(crate) name: String,
    pub(crate) raw: usize,
    pub(crate) gzip: usize,
    pub(crate) brotli: usize,
}

/// Gives `hashed` (file names in `dir`) content-hashed names and rewrites the references to them,
/// then writes `.br` / `.gz` siblings for every compressible file under `dir`. Returns the new
/// name of each of `hashed`, in order, and what was compressed.
pub(crate) fn prepare(dir: &Path, hashed: &[&str]) -> Result<(Vec<String>, Vec<Delivered>)> {
    let names = hash_names(dir, hashed)?;
    let compressed = compress_tree(dir)?;
    Ok((names, compressed))
}

/// Renames each of `names` (in `dir`, in order) to `stem.<hash>.extension`, where the hash is of
/// its bytes after the references to the earlier ones were rewritten, then rewrites the references
/// in every other script, stylesheet and page directly in `dir`. Fails if a name is missing, or if
/// any file still refers to an old name afterwards (a name listed before a file it references).
pub(crate) fn hash_names(dir: &Path, names: &[&str]) -> Result<Vec<String>> {
    let mut renamed: Vec<(String, String)> = Vec::new();
    for name in names {
        let path = dir.join(name);
        let mut bytes = std::fs::read(&path).map_err(io(&path))?;
        if refers(name) {
            bytes = rewrite(&bytes, &renamed);
        }
        let new = hashed_name(name, &bytes)?;
        std::fs::write(dir.join(&new), &bytes).map_err(io(&path))?;
        std::fs::remove_file(&path).map_err(io(&path))?;
        renamed.push(((*name).to_owned(), new));
    }
    for path in files_in(dir)? {
        let name = file_name(&path);
        if !refers(&name) || renamed.iter().any(|(_, new)| *new == name) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let rewritten = rewrite(&bytes, &renamed);
        if rewritten != bytes {
            std::fs::write(&path, rewritten).map_err(io(&path))?;
        }
    }
    for path in files_in(dir)? {
        let name = file_name(&path);
        if !refers(&name) {
            continue;
        }
        let text = std::fs::read(&path).map_err(io(&path))?;
        if let Some((old, _)) = renamed.iter().find(|(old, _)| !references(&text, old).is_empty()) {
            return Err(XtaskError::new(format!(
                "{} still refers to {old} after hashing; list {old} after the files it references",
                path.display()
            )));
        }
    }
    Ok(renamed.into_iter().map(|(_, new)| new).collect())
}

/// `stem.<HASH_DIGITS hex digits of SHA-256>.extension` for a file `stem.extension`.
pub(crate) fn hashed_name(name: &str, bytes: &[u8]) -> Result<String> {
    let (stem, extension) =
        name.rsplit_once('.')
            .filter(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
            .ok_or_else(|| XtaskError::new(format!("{name}: a hashed name needs a stem and an extension")))?;
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{stem}.{}.{extension}", &hex[..HASH_DIGITS]))
}

/// Writes `NAME.br` (brotli, quality 11) and `NAME.gz` (gzip by zopfli) beside every compressible
/// file under `dir`, recursively, when smaller than the file; removes a stale sibling that is
/// not. Returns each compressible file's sizes, by path relative to `dir`.
pub(crate) fn compress_tree(dir: &Path) -> Result<Vec<Delivered>> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(io(&folder))? {
            let path = entry.map_err(io(&folder))?.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if !has_extension(&path, &COMPRESSIBLE) {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(io(&path))?;
            let sibling = |ext: &str| PathBuf::from(format!("{}.{ext}", path.display()));
            let gzip = write_if_smaller(&sibling("gz"), &gzip(&bytes)?, bytes.len())?;
            let brotli = write_if_smaller(&sibling("br"), &brotli(&bytes)?, bytes.len())?;
            let name = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().into_owned();
            out.push(Delivered { name, raw: bytes.len(), gzip, brotli });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Writes `compressed` to `path` if smaller than `raw` bytes (else removes any old `path`);
/// returns the bytes the wire carries.
fn write_if_smaller(path: &Path, compressed: &[u8], raw: usize) -> Result<usize> {
    if compressed.len() < raw {
        std::fs::write(path, compressed).map_err(io(path))?;
        Ok(compressed.len())
    } else {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
            _ => Ok(raw),
        }
    }
}

/// gzip as small as we can make it: zopfli (its default 15 iterations), standard gzip that
/// every client inflates, about 4 % smaller than zlib's level 9 on the wasm (measured on the
/// console: 342,905 B at `gzip -9`, 329,940 B with zopfli); more iterations gain a few bytes.
pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(zopfli::Options::default(), zopfli::Format::Gzip, bytes, &mut out)
        .map_err(|e| XtaskError::new(format!("gzip: {e}")))?;
    Ok(out)
}

/// brotli at quality 11 with a 4 MiB window.
pub(crate) fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map_err(|e| XtaskError::new(format!("brotli: {e}")))?;
    Ok(out)
}

fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e))
}

fn refers(name: &str) -> bool {
    has_extension(Path::new(name), &REFERRING)
}

/// Whether `b` may be part of a file name (so a match next to it is a longer, other name).
fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Where `name` occurs in `text` as a whole file name (not inside a longer one).
fn references(text: &[u8], name: &str) -> Vec<usize> {
    let name = name.as_bytes();
    if name.is_empty() || text.len() < name.len() {
        return Vec::new();
    }
    (0..=text.len() - name.len())
        .filter(|&i| {
            text[i..].starts_with(name)
                && (i == 0 || !name_byte(text[i - 1]))
                && text.get(i + name.len()).is_none_or(|&b| !name_byte(b))
        })
        .collect()
}

/// `text` with every whole-name occurrence of each old name replaced by its new name.
fn rewrite(text: &[u8], renamed: &[(String, String)]) -> Vec<u8> {
    let mut text = text.to_vec();
    for (old, new) in renamed {
        let at = references(&text, old);
        if at.is_empty() {
            continue;
        }
        let mut out = Vec::with_capacity(text.len() + at.len() * (new.len() + 1));
        let mut from = 0;
        for i in at {
            out.extend_from_slice(&text[from..i]);
            out.extend_from_slice(new.as_bytes());
            from = i + old.len();
        }
        out.extend_from_slice(&text[from..]);
        text = out;
    }
    text
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// A fresh folder laid out like the widget package (minified as esbuild writes it).
    fn package(test: &str, wasm: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kefu-xtask-deliver-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let files: [(&str, &[u8]); 7] = [
            ("kefu_widget_bg.wasm", wasm),
            (
                "kefu_widget.js",
                br#"let w;export default async function(_){_===void 0&&(_=new URL("kefu_widget_bg.wasm",import.meta.url));w=await fetch(_)}"#,
            ),
            ("kefu-widget.css", b".kefu-window{color:var(--kefu-text)}\n"),
            (
                "kefu-loader.js",
                br#"export function loadWidget(){return import("./kefu_widget.js")}const h=new URL("./kefu-widget.css",import.meta.url).href;const not_it="my_kefu_widget.js.map";"#,
            ),
            ("index.js", b"import init from './kefu_widget.js';\nexport { loadStyles } from './kefu-loader.js';\n"),
            ("kefu_widget.d.ts", b"export default function init(): Promise<void>; // kefu_widget.js\n"),
            ("package.json", br#"{"files":["kefu_widget_bg.wasm","kefu_widget.js"]}"#),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).expect("file");
        }
        dir
    }

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).expect("file")
    }

    #[test]
    fn the_loader_references_exactly_the_hashed_names_written() {
        let dir = package("names", b"\0asm\x01\0\0\0wasm one");
        let (names, _) = prepare(&dir, &WIDGET_HASHED).expect("prepared");
        assert_eq!(names.len(), 3);
        for (old, new) in WIDGET_HASHED.iter().zip(&names) {
            let (stem, ext) = old.rsplit_once('.').expect("an extension");
            let hash = new.strip_prefix(&format!("{stem}.")).and_then(|r| r.strip_suffix(&format!(".{ext}")));
            let hash = hash.unwrap_or_else(|| panic!("{new} is not {stem}.<hash>.{ext}"));
            assert!(hash.len() == HASH_DIGITS && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{new}");
            assert!(dir.join(new).is_file(), "{new} written");
            assert!(!dir.join(old).exists(), "{old} gone");
        }
        let loader = read(&dir, "kefu-loader.js");
        assert!(loader.contains(&format!(r#"import("./{}")"#, names[1])), "{loader}");
        assert!(loader.contains(&format!(r#"new URL("./{}""#, names[2])), "{loader}");
        assert!(loader.contains("my_kefu_widget.js.map"), "a longer name is left alone: {loader}");
        assert!(
            read(&dir, &names[1]).contains(&format!(r#"new URL("{}""#, names[0])),
            "the glue loads the wasm"
        );
        let index = read(&dir, "index.js");
        assert!(
            index.contains(&format!("'./{}'", names[1])) && index.contains("'./kefu-loader.js'"),
            "{index}"
        );
        // Every name a script or stylesheet of the folder references exists.
        for name in ["kefu-loader.js", "index.js", names[1].as_str()] {
            let text = read(&dir, name);
            for old in WIDGET_HASHED {
                assert!(references(text.as_bytes(), old).is_empty(), "{name} still names {old}");
            }
        }
        // Not rewritten: type declarations and the npm manifest name the package's own files.
        assert!(read(&dir, "kefu_widget.d.ts").contains("// kefu_widget.js"));
        assert!(read(&dir, "package.json").contains("\"kefu_widget.js\""));
    }

    #[test]
    fn a_hash_changes_with_the_content_and_through_the_references() {
        let one = prepare(&package("hash-one", b"\0asm one"), &WIDGET_HASHED).expect("one").0;
        let same = prepare(&package("hash-same", b"\0asm one"), &WIDGET_HASHED).expect("same").0;
        let two = prepare(&package("hash-two", b"\0asm two"), &WIDGET_HASHED).expect("two").0;
        assert_eq!(one, same, "the same bytes give the same names");
        assert_ne!(one[0], two[0], "another wasm, another name");
        assert_ne!(one[1], two[1], "the glue names the wasm, so its name changes too");
        assert_eq!(one[2], two[2], "the stylesheet did not change");
    }

    #[test]
    fn a_name_listed_before_what_it_references_is_refused() {
        let dir = package("order", b"\0asm");
        let e = hash_names(&dir, &["kefu_widget.js", "kefu_widget_bg.wasm"]).expect_err("refused");
        assert!(e.to_string().contains("still refers to kefu_widget_bg.wasm"), "{e}");
        let e = hash_names(&dir, &["missing.js"]).expect_err("refused");
        assert!(e.to_string().contains("missing.js"), "{e}");
        assert!(hashed_name("noextension", b"").is_err());
    }

    #[test]
    fn siblings_decode_to_the_file_and_are_written_only_when_smaller() {
        let big: Vec<u8> = (0..20_000u32).flat_map(|i| format!("chunk {};", i % 97).into_bytes()).collect();
        let dir = package("compress", &big);
        std::fs::create_dir_all(dir.join("pages")).expect("dir");
        std::fs::write(dir.join("pages/tiny.html"), "<p>").expect("file");
        std::fs::write(dir.join("pages/picture.png"), &big).expect("file");
        // A stale sibling of a file that no longer compresses is removed.
        std::fs::write(dir.join("pages/tiny.html.gz"), "stale").expect("file");
        let (names, delivered) = prepare(&dir, &WIDGET_HASHED).expect("prepared");
        let wasm = delivered.iter().find(|d| d.name == names[0]).expect("the wasm");
        assert_eq!(wasm.raw, big.len());
        assert!(wasm.brotli < wasm.gzip && wasm.gzip < wasm.raw / 10, "{wasm:?}");
        let br = std::fs::read(dir.join(format!("{}.br", names[0]))).expect(".br");
        let gz = std::fs::read(dir.join(format!("{}.gz", names[0]))).expect(".gz");
        assert_eq!((br.len(), gz.len()), (wasm.brotli, wasm.gzip));
        let mut out = Vec::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut out).expect("brotli");
        assert!(out == big, "the .br decodes to the file");
        out.clear();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).expect("gzip");
        assert!(out == big, "the .gz decodes to the file");
        let tiny = delivered.iter().find(|d| d.name == "pages/tiny.html").expect("tiny");
        assert_eq!((tiny.raw, tiny.gzip, tiny.brotli), (3, 3, 3));
        assert!(!dir.join("pages/tiny.html.gz").exists() && !dir.join("pages/tiny.html.br").exists());
        assert!(!dir.join("pages/picture.png.br").exists(), "images are not compressed again");
        assert!(delivered.iter().any(|d| d.name == "kefu-loader.js"));
        assert!(!delivered.iter().any(|d| d.name.ends_with(".br") || d.name.ends_with(".gz")));
        // Running again over the same folder compresses the same files, without siblings of siblings.
        assert_eq!(compress_tree(&dir).expect("again"), delivered);
    }
}
