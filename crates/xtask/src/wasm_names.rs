//! Short names for what a wasm-bindgen module imports from its glue.
//!
//! wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` and puts them all in a module
//! `./<crate>_bg.js`; each name is written twice, in the wasm's import section and as a key of
//! the glue's imports object, and the hex digits do not compress. [`shorten`] renames both, in
//! the wasm and in the glue together (`a`, `b`, … `Z`, `ba`, …), and fails, changing nothing,
//! when the glue does not have each import exactly once as a key. It also renames the exports
//! that call Rust closures (`wasm_bindgen_<hash>___convert__closures…`, names of 70 to 330
//! characters) to `$a`, `$b`, …, where the glue calls them (`wasm.NAME(`, once each). Measured on the widget (cargo
//! xtask size): 4,046 B gzip and 3,584 B brotli less for the wasm and its glue together, and
//! 565 B gzip and 496 B brotli more for the closure callers' exports.

use std::path::Path;

use crate::cmd::{Result, XtaskError, io};

/// Renames the imports of `wasm` from the glue module `module` (e.g. `./kefu_widget_bg.js`)
/// and their keys in the un-minified glue `glue`, both files rewritten in place.
pub(crate) fn shorten(wasm: &Path, glue: &Path, module: &str) -> Result<()> {
    let bytes = std::fs::read(wasm).map_err(io(wasm))?;
    let text = std::fs::read_to_string(glue).map_err(io(glue))?;
    let (bytes, renamed) = rename_imports(&bytes, module)?;
    let text = rename_keys(&text, module, &renamed)?;
    let (bytes, renamed) = rename_closure_exports(&bytes)?;
    let text = rename_calls(&text, &renamed)?;
    std::fs::write(wasm, bytes).map_err(io(wasm))?;
    std::fs::write(glue, text).map_err(io(glue))?;
    Ok(())
}

/// The `n`th short name: `a` … `z`, `A` … `Z`, then two letters.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % 52]);
        n /= 52;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// The short name of the glue module in the wasm and the glue.
const SHORT_MODULE: &str = "a";

/// Each import renamed: its old name and its new one.
type Renamed = Vec<(String, String)>;

/// `wasm` with the imports from `module` renamed to short names (and the module to
/// [`SHORT_MODULE`]); gives each `(old, new)` name.
fn rename_imports(wasm: &[u8], module: &str) -> Result<(Vec<u8>, Renamed)> {
    let bad = |why: &str| XtaskError::new(format!("the wasm's import section: {why}"));
    let mut renamed = Vec::new();
    let out = rewrite_section(wasm, 2, "import", |body, section| {
        let (count, mut p) = leb(body, 0).ok_or_else(|| bad("no count"))?;
        put_leb(section, count);
        for _ in 0..count {
            let (from, next) = name(body, p).ok_or_else(|| bad("a module name is cut short"))?;
            let (field, next) = name(body, next).ok_or_else(|| bad("a field name is cut short"))?;
            let description = next;
            let end = skip_description(body, description).ok_or_else(|| bad("an import is cut short"))?;
            if from == module {
                let new = short_name(renamed.len());
                put_name(section, SHORT_MODULE);
                put_name(section, &new);
                renamed.push((field.to_owned(), new));
            } else {
                put_name(section, from);
                put_name(section, field);
            }
            section.extend_from_slice(&body[description..end]);
            p = end;
        }
        Ok(p)
    })?;
    Ok((out, renamed))
}

/// `wasm` with the body of each section `id` (the `what` section) rewritten by `rewrite`, which
/// writes the new body and gives how much of the old it read: all of it, or the module is
/// refused. The other sections are copied as they are.
fn rewrite_section(
    wasm: &[u8],
    id: u8,
    what: &str,
    mut rewrite: impl FnMut(&[u8], &mut Vec<u8>) -> Result<usize>,
) -> Result<Vec<u8>> {
    let bad = |why: &str| XtaskError::new(format!("the wasm's {what} section: {why}"));
    if wasm.get(..4) != Some(b"\0asm") || wasm.len() < 8 {
        return Err(bad("not a wasm module"));
    }
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let section_id = wasm[at];
        let (size, body_at) = leb(wasm, at + 1).ok_or_else(|| bad("a section's size is cut short"))?;
        let body = wasm.get(body_at..body_at + size).ok_or_else(|| bad("a section is cut short"))?;
        at = body_at + size;
        if section_id != id {
            out.push(section_id);
            put_leb(&mut out, size);
            out.extend_from_slice(body);
            continue;
        }
        let mut section = Vec::new();
        if rewrite(body, &mut section)? != body.len() {
            return Err(bad("bytes after its last entry"));
        }
        out.push(id);
        put_leb(&mut out, section.len());
        out.extend_from_slice(&section);
    }
    Ok(out)
}

/// The glue with each old name's key (`OLD:` at the start of a line of its imports object)
/// renamed, and the module's key (`"MODULE":`) made [`SHORT_MODULE`]. Each must be there once.
fn rename_keys(glue: &str, module: &str, renamed: &[(String, String)]) -> Result<String> {
    let mut lines: Vec<String> = glue.lines().map(str::to_owned).collect();
    let mut rename = |old: &str, new: &str| -> Result<()> {
        let mut found = 0;
        for line in &mut lines {
            let indent = line.len() - line.trim_start().len();
            if let Some(rest) = line[indent..].strip_prefix(old).filter(|r| r.starts_with(':')) {
                *line = format!("{}{new}{rest}", &line[..indent]);
                found += 1;
            }
        }
        if found == 1 {
            Ok(())
        } else {
            Err(XtaskError::new(format!("the glue has {old} as a key {found} times, not once")))
        }
    };
    rename(&format!("\"{module}\""), SHORT_MODULE)?;
    for (old, new) in renamed {
        rename(old, new)?;
    }
    let mut text = lines.join("\n");
    if glue.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Whether an export is one of wasm-bindgen's closure callers.
fn closure_export(name: &str) -> bool {
    name.starts_with("wasm_bindgen_") && name.contains("___convert__closures")
}

/// `wasm` with its closure callers' exports ([`closure_export`]) renamed `$a`, `$b`, …; gives
/// each `(old, new)` name.
fn rename_closure_exports(wasm: &[u8]) -> Result<(Vec<u8>, Renamed)> {
    let bad = |why: &str| XtaskError::new(format!("the wasm's export section: {why}"));
    let mut renamed = Vec::new();
    let out = rewrite_section(wasm, 7, "export", |body, section| {
        let (count, mut p) = leb(body, 0).ok_or_else(|| bad("no count"))?;
        put_leb(section, count);
        for _ in 0..count {
            let (field, next) = name(body, p).ok_or_else(|| bad("a name is cut short"))?;
            // What is exported: a kind and an index.
            let end = body.get(next).and_then(|_| leb(body, next + 1)).ok_or_else(|| bad("cut short"))?.1;
            if closure_export(field) {
                let new = format!("${}", short_name(renamed.len()));
                put_name(section, &new);
                renamed.push((field.to_owned(), new));
            } else {
                put_name(section, field);
            }
            section.extend_from_slice(&body[next..end]);
            p = end;
        }
        Ok(p)
    })?;
    Ok((out, renamed))
}

/// The glue with each call of an old export (`wasm.OLD(`) made one of the new; each must be
/// there once.
fn rename_calls(glue: &str, renamed: &[(String, String)]) -> Result<String> {
    let mut text = glue.to_owned();
    for (old, new) in renamed {
        let call = format!("wasm.{old}(");
        let found = text.matches(&call).count();
        if found != 1 {
            return Err(XtaskError::new(format!("the glue calls {old} {found} times, not once")));
        }
        text = text.replacen(&call, &format!("wasm.{new}("), 1);
    }
    Ok(text)
}

/// An unsigned LEB128 number at `at`, and where what follows it starts.
fn leb(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
        shift += 7;
    }
}

fn put_leb(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A name (length and UTF-8 bytes) at `at`, and where what follows it starts.
fn name(bytes: &[u8], at: usize) -> Option<(&str, usize)> {
    let (length, at) = leb(bytes, at)?;
    let text = std::str::from_utf8(bytes.get(at..at + length)?).ok()?;
    Some((text, at + length))
}

fn put_name(out: &mut Vec<u8>, name: &str) {
    put_leb(out, name.len());
    out.extend_from_slice(name.as_bytes());
}

/// Where an import's description (what it imports) at `at` ends.
fn skip_description(bytes: &[u8], at: usize) -> Option<usize> {
    let limits = |at: usize| -> Option<usize> {
        let flags = *bytes.get(at)?;
        let (_, mut at) = leb(bytes, at + 1)?;
        if flags & 1 == 1 {
            at = leb(bytes, at)?.1;
        }
        Some(at)
    };
    match *bytes.get(at)? {
        // A function: its type's index.
        0 => Some(leb(bytes, at + 1)?.1),
        // A table: its element type, then its limits.
        1 => limits(at + 2),
        // A memory: its limits.
        2 => limits(at + 1),
        // A global: its value type and mutability.
        3 => Some(at + 3),
        // A tag: an attribute and a type's index.
        4 => Some(leb(bytes, at + 2)?.1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing a function and a table (at most 300 elements) from `m` and a global
    /// from `env`.
    fn module() -> Vec<u8> {
        let mut section = Vec::new();
        put_leb(&mut section, 3);
        for (from, field, description) in [
            ("m", "__wbg_one_0123456789abcdef", &[0u8, 5][..]),
            ("env", "g", &[3, 0x7f, 1][..]),
            ("m", "__wbindgen_table", &[1, 0x6f, 1, 2, 0xac, 2][..]),
        ] {
            put_name(&mut section, from);
            put_name(&mut section, field);
            section.extend_from_slice(description);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        // A custom section before, to be kept as it is.
        wasm.extend_from_slice(&[0, 3, 1, b'x', 9]);
        wasm.push(2);
        put_leb(&mut wasm, section.len());
        wasm.extend_from_slice(&section);
        wasm
    }

    const GLUE: &str = "function get() {\n    const import0 = {\n        __proto__: null,\n        __wbg_one_0123456789abcdef: function(a) {\n            return wasm.__wbg_one_0123456789abcdef_export(a);\n        },\n        __wbindgen_table: new WebAssembly.Table(),\n    };\n    return {\n        __proto__: null,\n        \"m\": import0,\n    };\n}\n";

    #[test]
    fn the_imports_of_the_glue_module_and_their_keys_get_the_same_short_names() {
        let (wasm, renamed) = rename_imports(&module(), "m").expect("renamed");
        assert_eq!(
            renamed,
            [
                ("__wbg_one_0123456789abcdef".to_owned(), "a".to_owned()),
                ("__wbindgen_table".into(), "b".into())
            ]
        );
        // The renamed module reads back: the same descriptions, the new names, `env` untouched.
        let (again, renamed_again) = rename_imports(&wasm, SHORT_MODULE).expect("read again");
        assert_eq!(renamed_again, [("a".to_owned(), "a".to_owned()), ("b".into(), "b".into())]);
        assert_eq!(again, wasm);
        assert!(wasm.windows(3).any(|w| w == b"env") && !wasm.windows(5).any(|w| w == b"__wbg"));
        assert_eq!(&wasm[8..13], &[0, 3, 1, b'x', 9], "other sections are kept");

        let glue = rename_keys(GLUE, "m", &renamed).expect("keys renamed");
        assert!(glue.contains("\n        a: function(a) {\n"), "{glue}");
        assert!(glue.contains("\n        b: new WebAssembly.Table(),\n"), "{glue}");
        assert!(glue.contains("\n        a: import0,\n"), "{glue}");
        assert!(glue.contains("wasm.__wbg_one_0123456789abcdef_export(a)"), "other uses stay: {glue}");
    }

    #[test]
    fn a_glue_without_a_key_once_or_a_broken_wasm_is_refused() {
        let renamed = [("__wbg_missing".to_owned(), "a".to_owned())];
        let e = rename_keys(GLUE, "m", &renamed).expect_err("refused");
        assert!(e.to_string().contains("__wbg_missing as a key 0 times"), "{e}");
        assert!(rename_keys(GLUE, "other", &[]).is_err(), "the module's key is missing");
        assert!(rename_imports(b"not wasm", "m").is_err());
        let mut cut = module();
        cut.truncate(cut.len() - 2);
        assert!(rename_imports(&cut, "m").is_err());
    }

    #[test]
    fn closure_callers_are_renamed_where_the_glue_calls_them() {
        let long = "wasm_bindgen_ee16e44adbc3e285___convert__closures_____invoke_______true_";
        let longer = "wasm_bindgen_ee16e44adbc3e285___convert__closures_____invoke_______true__1_";
        let mut section = Vec::new();
        put_leb(&mut section, 4);
        for (field, index) in [("memory", 0u8), (long, 7), ("mount", 8), (longer, 9)] {
            put_name(&mut section, field);
            section.extend_from_slice(&[if field == "memory" { 2 } else { 0 }, index]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(7);
        put_leb(&mut wasm, section.len());
        wasm.extend_from_slice(&section);
        let (wasm, renamed) = rename_closure_exports(&wasm).expect("renamed");
        assert_eq!(renamed, [(long.to_owned(), "$a".to_owned()), (longer.into(), "$b".into())]);
        let (_, none) = rename_closure_exports(&wasm).expect("read again");
        assert!(none.is_empty());
        assert!(wasm.windows(6).any(|w| w == b"memory") && wasm.windows(5).any(|w| w == b"mount"));

        let glue = format!(
            "function {long}(a, b) {{\n    wasm.{long}(a, b);\n}}\nfunction f(a) {{\n    wasm.{longer}(a, 1);\n}}\n"
        );
        let renamed_glue = rename_calls(&glue, &renamed).expect("calls renamed");
        assert!(renamed_glue.contains("    wasm.$a(a, b);") && renamed_glue.contains("    wasm.$b(a, 1);"));
        assert!(renamed_glue.contains(&format!("function {long}(a, b)")), "local names stay");
        assert!(rename_calls("wasm.other();", &renamed).is_err(), "a call not found is refused");
    }

    #[test]
    fn short_names_are_distinct_letters() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!((names[0].as_str(), names[51].as_str(), names[52].as_str()), ("a", "Z", "aa"));
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(names.iter().all(|n| n.bytes().all(|b| b.is_ascii_alphabetic())));
    }
}
