//! The §9 contacts directory's import from CSV or XLSX: a header row naming the phone, name and
//! transfer columns (English or Chinese names), every other column a template variable. Bad rows
//! are reported with their line numbers and skipped; the good ones are written in one
//! transaction.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use crate::error::{Error, Result};
use crate::store::{Contact, Store};

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The row's line (1 is the header line).
    pub line: u64,
    /// Why it was not imported.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Contacts written (a phone repeated in the file counts once; its last row wins).
    pub imported: usize,
    /// Rows skipped, with their reasons.
    pub rejected: Vec<RejectedRow>,
}

/// A file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8 (a BOM is allowed).
    Csv,
    /// An Excel workbook; its first sheet is read.
    Xlsx,
}

impl Format {
    /// The format a file name's extension names.
    pub fn of_path(path: &Path) -> Result<Format> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv" | "txt") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            _ => Err(Error::Import(format!("{}: use a .csv or .xlsx file", path.display()))),
        }
    }
}

/// Which column holds what.
enum Column {
    Phone,
    Name,
    Transfer,
    Variable(String),
}

fn column_of(header: &str) -> Column {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    match h.to_lowercase().as_str() {
        "phone" | "mobile" | "tel" | "num" | "number" | "caller" | "电话" | "手机" | "手机号" | "号码"
        | "电话号码" => Column::Phone,
        "name" | "姓名" | "名字" | "客户姓名" => Column::Name,
        "transfer" | "转接" | "转接号码" => Column::Transfer,
        _ => Column::Variable(h.to_owned()),
    }
}

/// A phone number with spaces and dashes removed: an optional `+` and 3–20 digits.
pub(crate) fn clean_phone(raw: &str) -> Option<String> {
    let phone: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '\t')).collect();
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    (3..=20).contains(&digits.len()).then_some(())?;
    digits.chars().all(|c| c.is_ascii_digit()).then_some(phone)
}

/// Turns a header and rows (each with its line number) into contacts and rejections.
fn contacts_of(
    header: &[String],
    rows: impl Iterator<Item = (u64, Vec<String>)>,
) -> Result<(Vec<Contact>, Vec<RejectedRow>)> {
    let columns: Vec<Column> = header.iter().map(|h| column_of(h)).collect();
    if !columns.iter().any(|c| matches!(c, Column::Phone)) {
        return Err(Error::Import("the header row names no phone column (phone, 电话, 手机, 号码 …)".into()));
    }
    let mut contacts = Vec::new();
    let mut rejected = Vec::new();
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() > columns.len() {
            rejected.push(RejectedRow {
                line,
                reason: format!("{} cells, but the header names {} columns", cells.len(), columns.len()),
            });
            continue;
        }
        let mut contact = Contact::default();
        let mut phone_cell = String::new();
        for (column, cell) in columns.iter().zip(cells.iter()) {
            let cell = cell.trim();
            match column {
                Column::Phone => phone_cell = cell.to_owned(),
                Column::Name => contact.name = cell.to_owned(),
                Column::Transfer => contact.transfer = Some(cell.to_owned()).filter(|t| !t.is_empty()),
                Column::Variable(name) if !name.is_empty() && !cell.is_empty() => {
                    contact.variables.insert(name.clone(), cell.to_owned());
                }
                Column::Variable(_) => {}
            }
        }
        match clean_phone(&phone_cell) {
            Some(phone) => contact.phone = phone,
            None => {
                rejected.push(RejectedRow { line, reason: format!("{phone_cell:?} is not a phone number") });
                continue;
            }
        }
        if let Some(t) = &contact.transfer
            && clean_phone(t).is_none()
        {
            rejected.push(RejectedRow { line, reason: format!("transfer {t:?} is not a phone number") });
            continue;
        }
        contacts.push(contact);
    }
    Ok((contacts, rejected))
}

/// Reads contacts from CSV text.
pub fn parse_csv(bytes: &[u8]) -> Result<(Vec<Contact>, Vec<RejectedRow>)> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(bytes);
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_owned).collect(),
        Some(Err(e)) => return Err(Error::Import(format!("line 1: {e}"))),
        None => return Err(Error::Import("the file is empty".into())),
    };
    // The line of a byte offset, counted incrementally (records come in order; the csv crate's
    // own line numbers skip blank lines).
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        // A record's position may point at the blank lines before it.
        while bytes.get(byte).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            byte += 1;
        }
        if byte >= counted_to {
            line += bytes[counted_to..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            counted_to = byte;
        }
        line
    };
    let mut bad = Vec::new();
    let mut rows = Vec::new();
    for record in records {
        match record {
            Ok(rec) => rows.push((
                line_at(rec.position().map_or(0, |p| p.byte())),
                rec.iter().map(str::to_owned).collect(),
            )),
            Err(e) => {
                let line = line_at(e.position().map_or(0, |p| p.byte()));
                bad.push(RejectedRow { line, reason: e.to_string() });
            }
        }
    }
    let (contacts, mut rejected) = contacts_of(&header, rows.into_iter())?;
    rejected.extend(bad);
    rejected.sort_by_key(|r| r.line);
    Ok((contacts, rejected))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Reads contacts from the first sheet of an XLSX workbook.
pub fn parse_xlsx(bytes: &[u8]) -> Result<(Vec<Contact>, Vec<RejectedRow>)> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| Error::Import(format!("not a readable XLSX workbook: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Error::Import("the workbook has no sheet".into()))?
        .map_err(|e| Error::Import(format!("the first sheet cannot be read: {e}")))?;
    let first_line = u64::from(range.start().map_or(0, |(row, _)| row)) + 1;
    let mut rows =
        range.rows().enumerate().map(|(i, r)| (first_line + i as u64, r.iter().map(cell_text).collect()));
    let Some((_, header)) = rows.next() else {
        return Err(Error::Import("the first sheet is empty".into()));
    };
    // Trailing empty cells of the used range are not extra columns.
    let rows = rows.map(|(line, mut cells): (u64, Vec<String>)| {
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        (line, cells)
    });
    contacts_of(&header, rows)
}

/// Imports contacts from bytes in `format` into the store.
pub async fn import_bytes(store: &Store, bytes: &[u8], format: Format) -> Result<ImportReport> {
    let (contacts, rejected) = match format {
        Format::Csv => parse_csv(bytes)?,
        Format::Xlsx => parse_xlsx(bytes)?,
    };
    let imported = store.upsert_contacts(&contacts).await?;
    Ok(ImportReport { imported, rejected })
}

/// Imports a `.csv` or `.xlsx` file into the store (the library side of
/// `kefu-proxy contacts import FILE`).
pub async fn import_file(store: &Store, path: &Path) -> Result<ImportReport> {
    let format = Format::of_path(path)?;
    let bytes = tokio::fs::read(path).await.map_err(|e| Error::Import(format!("{}: {e}", path.display())))?;
    import_bytes(store, &bytes, format).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_contacts_and_bad_rows_are_reported_by_line() {
        let text = "\u{feff}手机,姓名,转接,city\n138 0000 0001,张三,10086,北京\nnot-a-phone,李四,,\n13800000002,\"王, 五\",,\"上海\"\n13800000003,x,y,z,extra\n\n13800000004,,abc,\n";
        let (contacts, rejected) = parse_csv(text.as_bytes()).expect("readable");
        assert_eq!(contacts.len(), 2);
        assert_eq!(contacts[0].phone, "13800000001");
        assert_eq!(contacts[0].name, "张三");
        assert_eq!(contacts[0].transfer.as_deref(), Some("10086"));
        assert_eq!(contacts[0].variables.get("city").map(String::as_str), Some("北京"));
        assert_eq!(contacts[1].name, "王, 五");
        let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5, 7], "{rejected:?}");
    }

    #[test]
    fn files_without_a_phone_column_or_empty_are_refused() {
        assert!(parse_csv(b"name,city\nx,y\n").expect_err("no phone").to_string().contains("phone column"));
        assert!(parse_csv(b"").is_err());
        assert!(parse_xlsx(b"not a zip").expect_err("garbage").to_string().contains("XLSX"));
        assert!(Format::of_path(Path::new("a.pdf")).is_err());
        assert_eq!(Format::of_path(Path::new("A.XLSX")).expect("xlsx"), Format::Xlsx);
    }
}
