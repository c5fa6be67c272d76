//! The rows of an Excel 2007+ workbook's first sheet, as text: just enough of the format
//! (a zip of XML parts) to check a number file in the browser without a spreadsheet library.
//! Reads the zip's central directory, takes `xl/sharedStrings.xml` and the first worksheet
//! (`xl/worksheets/sheet1.xml`, else the first one by name), which the caller inflates (the
//! browser's own `DecompressionStream` in the console, so no inflater is in the wasm), and reads
//! their cells: shared,
//! inline and plain strings, and numbers (a phone typed as a number, `1.38E+10`, becomes its
//! digits).

/// A part of the workbook as the zip stores it (deflated, or stored as is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its path in the zip.
    pub name: String,
    /// Whether it is deflated (else stored as is).
    pub deflated: bool,
    /// Its bytes as stored.
    pub data: Vec<u8>,
}

/// The parts a number file's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The first worksheet.
    pub sheet: Part,
    /// The shared strings, if the workbook has any.
    pub shared: Option<Part>,
}

/// Finds the first worksheet (`xl/worksheets/sheet1.xml`, else the first by name) and the
/// shared strings in the zip.
pub fn parts(bytes: &[u8]) -> Result<Parts, String> {
    let entries = directory(bytes)?;
    let sheet = entries
        .iter()
        .find(|e| e.name == "xl/worksheets/sheet1.xml")
        .or_else(|| {
            let mut sheets: Vec<&Entry> = entries
                .iter()
                .filter(|e| e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml"))
                .collect();
            sheets.sort_by(|a, b| a.name.cmp(&b.name));
            sheets.first().copied()
        })
        .ok_or("the workbook has no sheet")?;
    let shared = match entries.iter().find(|e| e.name == "xl/sharedStrings.xml") {
        Some(e) => Some(stored(bytes, e)?),
        None => None,
    };
    Ok(Parts { sheet: stored(bytes, sheet)?, shared })
}

/// The rows of the first sheet, each cell as text (missing cells empty), from the parts'
/// inflated bytes.
pub fn rows_from(sheet: &[u8], shared: Option<&[u8]>) -> Result<Vec<Vec<String>>, String> {
    let shared = match shared {
        Some(bytes) => shared_strings(&text(bytes)?),
        None => Vec::new(),
    };
    Ok(sheet_rows(&text(sheet)?, &shared))
}

/// The rows of the first sheet, inflating deflated parts with `inflate` (raw deflate).
pub fn rows(
    bytes: &[u8],
    inflate: impl Fn(&[u8]) -> Result<Vec<u8>, String>,
) -> Result<Vec<Vec<String>>, String> {
    let parts = parts(bytes)?;
    let open = |part: &Part| if part.deflated { inflate(&part.data) } else { Ok(part.data.clone()) };
    let sheet = open(&parts.sheet)?;
    let shared = parts.shared.as_ref().map(open).transpose()?;
    rows_from(&sheet, shared.as_deref())
}

/// One file of the zip, from the central directory.
struct Entry {
    name: String,
    method: u16,
    compressed: usize,
    local_offset: usize,
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, String> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]])).ok_or_else(|| "truncated zip".to_owned())
}

fn u32_at(b: &[u8], at: usize) -> Result<usize, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| "truncated zip".to_owned())
}

/// The central directory's entries (found from the end-of-directory record).
fn directory(b: &[u8]) -> Result<Vec<Entry>, String> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    if b.len() < 22 {
        return Err("not an .xlsx workbook (too short to be a zip)".into());
    }
    let lowest = b.len().saturating_sub(22 + 65_535);
    let end = (lowest..=b.len() - 22)
        .rev()
        .find(|&i| b[i..i + 4] == EOCD)
        .ok_or("not an .xlsx workbook (no zip directory)")?;
    let count = u16_at(b, end + 10)? as usize;
    let mut at = u32_at(b, end + 16)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if b.get(at..at + 4) != Some(&[0x50, 0x4b, 0x01, 0x02]) {
            return Err("a damaged zip directory".into());
        }
        let method = u16_at(b, at + 10)?;
        let compressed = u32_at(b, at + 20)?;
        let name_len = u16_at(b, at + 28)? as usize;
        let extra_len = u16_at(b, at + 30)? as usize;
        let comment_len = u16_at(b, at + 32)? as usize;
        let local_offset = u32_at(b, at + 42)?;
        let name = b.get(at + 46..at + 46 + name_len).ok_or("truncated zip")?;
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed,
            local_offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(entries)
}

/// One entry's bytes as stored (at most 64 MiB).
fn stored(b: &[u8], e: &Entry) -> Result<Part, String> {
    let at = e.local_offset;
    if b.get(at..at + 4) != Some(&[0x50, 0x4b, 0x03, 0x04]) {
        return Err(format!("{}: a damaged zip entry", e.name));
    }
    if e.compressed > 64 << 20 {
        return Err(format!("{}: too large", e.name));
    }
    let start = at + 30 + u16_at(b, at + 26)? as usize + u16_at(b, at + 28)? as usize;
    let data = b.get(start..start + e.compressed).ok_or_else(|| format!("{}: truncated", e.name))?;
    let deflated = match e.method {
        0 => false,
        8 => true,
        m => return Err(format!("{}: unsupported zip compression {m}", e.name)),
    };
    Ok(Part { name: e.name.clone(), deflated, data: data.to_vec() })
}

fn text(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| "a workbook part is not UTF-8".to_owned())
}

/// XML text with the five predefined entities and character references decoded.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The elements named `tag` (`<tag …>…</tag>` or `<tag …/>`) in `xml`, as (attributes, inner).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        // `<c` must not match `<cols`: the name ends at a space, `>` or `/`.
        if !after.starts_with([' ', '>', '/', '\t', '\n', '\r']) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        if attrs.ends_with('/') {
            out.push((attrs.trim_end_matches('/'), ""));
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        out.push((attrs, &body[..end]));
        rest = &body[end + close.len()..];
    }
    out
}

/// An attribute's value.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = format!(" {attrs}").find(&key)?;
    let value = &attrs[i + key.len() - 1..];
    value.find('"').map(|end| &value[..end])
}

/// The concatenated `<t>` texts of an element (rich text runs included).
fn texts(inner: &str) -> String {
    elements(inner, "t").iter().map(|(_, t)| unescape(t)).collect()
}

fn shared_strings(xml: &str) -> Vec<String> {
    elements(xml, "si").iter().map(|(_, inner)| texts(inner)).collect()
}

/// The column index of a cell reference (`C7` → 2).
fn column(reference: &str) -> Option<usize> {
    let letters: String = reference.chars().take_while(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return None;
    }
    Some(letters.bytes().fold(0usize, |n, b| n * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1)) - 1)
}

/// A number cell as text: integers (a phone typed as a number) without a fraction or exponent.
fn number_text(v: &str) -> String {
    // Read as serde_json reads a number (already in the wasm), not by `str::parse::<f64>`,
    // whose tables would add kilobytes; a cell holds a plain number (no `+`, no leading `.`).
    match v.parse::<serde_json::Number>().ok().and_then(|n| n.as_f64()) {
        // Whole numbers up to 19 digits convert exactly enough for a phone (no float formatting,
        // which would cost the wasm its float printer).
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => (f as i64).to_string(),
        _ => v.to_owned(),
    }
}

fn sheet_rows(xml: &str, shared: &[String]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (_, row) in elements(xml, "row") {
        let mut cells: Vec<String> = Vec::new();
        for (attrs, inner) in elements(row, "c") {
            let at = attr(attrs, "r").and_then(column).unwrap_or(cells.len());
            let value = elements(inner, "v").first().map(|(_, v)| unescape(v)).unwrap_or_default();
            let text = match attr(attrs, "t") {
                Some("s") => value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| shared.get(i))
                    .cloned()
                    .unwrap_or_default(),
                Some("inlineStr") => {
                    elements(inner, "is").first().map(|(_, is)| texts(is)).unwrap_or_default()
                }
                Some("str") | Some("b") | Some("e") => value,
                _ => number_text(&value),
            };
            if cells.len() <= at {
                cells.resize(at + 1, String::new());
            }
            cells[at] = text;
        }
        rows.push(cells);
    }
    rows
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
        miniz_oxide::inflate::decompress_to_vec_with_limit(data, 64 << 20)
            .map_err(|e| format!("{:?}", e.status))
    }

    fn workbook(rows: &[(&str, Option<f64>)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "phone").expect("cell");
        sheet.write_string(0, 1, "name & <note>").expect("cell");
        for (i, (text, number)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            match number {
                Some(n) => sheet.write_number(r, 0, *n).expect("cell"),
                None => sheet.write_string(r, 0, *text).expect("cell"),
            };
            sheet.write_string(r, 2, "客户").expect("cell");
        }
        book.save_to_buffer().expect("a workbook")
    }

    #[test]
    fn strings_numbers_and_gaps_read_as_excel_shows_them() {
        let bytes = workbook(&[("13800000001", None), ("", Some(13_800_000_002.0)), ("abc", None)]);
        let rows = rows(&bytes, inflate).expect("read");
        assert_eq!(rows[0], vec!["phone".to_owned(), "name & <note>".to_owned()]);
        assert_eq!(rows[1], vec!["13800000001".to_owned(), String::new(), "客户".to_owned()]);
        assert_eq!(rows[2][0], "13800000002", "a number typed in Excel keeps its digits");
        assert_eq!(rows[3][0], "abc");
        let check = crate::numbers::check_rows(&rows).expect("checked");
        assert_eq!((check.numbers, check.malformed_count), (2, 1));
    }

    #[test]
    fn number_cells_read_as_their_whole_number_or_as_sent() {
        for (cell, text) in [
            ("13800000002", "13800000002"),
            ("1.3800000002E+10", "13800000002"),
            ("1.3800000002e10", "13800000002"),
            ("-42", "-42"),
            ("1.5", "1.5"),
            ("1e400", "1e400"),
            ("9.5e18", "9.5e18"),
            ("x", "x"),
        ] {
            assert_eq!(number_text(cell), text, "{cell}");
        }
    }

    #[test]
    fn what_is_not_a_workbook_is_refused_without_panicking() {
        assert!(rows(b"phone\n123", inflate).is_err());
        assert!(rows(&[0x50, 0x4b, 0x05, 0x06].repeat(10), inflate).is_err());
        let mut bytes = workbook(&[("13800000001", None)]);
        let half = bytes.len() / 2;
        bytes.truncate(half);
        assert!(rows(&bytes, inflate).is_err());
        assert_eq!(unescape("a &amp; &#x4e2d;&#25991; &bogus; &"), "a & 中文 &bogus; &");
        assert_eq!(column("AA10"), Some(26));
        assert_eq!(column("10"), None);
    }
}
