//! Number files for outnum (seed 002 §6): a header row in ASCII, the phone number in column 1,
//! other columns as attributes; csv, txt (comma or tab separated) or xlsx (Excel 2007+).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use kefu_protocol::FileSuffix;
use kefu_protocol::coeus::OUTNUM_MAX_ROWS;

use crate::error::SandboxError;

/// The numbers of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberList {
    /// Valid numbers, in file order.
    pub(crate) kept: Vec<String>,
    /// Rows dropped because column 1 is not a phone number.
    pub(crate) dropped: usize,
}

/// Reads a number file of the given kind.
pub(crate) fn parse(bytes: &[u8], suffix: &FileSuffix) -> Result<NumberList, SandboxError> {
    let rows = match suffix {
        FileSuffix::Excel => xlsx_rows(bytes)?,
        FileSuffix::Csv | FileSuffix::Txt => text_rows(bytes)?,
        FileSuffix::Other(other) => {
            return Err(SandboxError::BadFile(format!("file_suffix {other:?} is not excel, csv or txt")));
        }
    };
    let mut rows = rows.into_iter();
    let header = rows.next().ok_or_else(|| SandboxError::BadFile("the file is empty".into()))?;
    let header_ok = !header.is_empty()
        && header.first().is_some_and(|h| !h.trim().is_empty())
        && header.iter().all(|h| h.is_ascii())
        && !is_phone(&header[0]);
    if !header_ok {
        return Err(SandboxError::BadFile(
            "the first row must be a header in ASCII letters (e.g. phone,name), with the number column first"
                .into(),
        ));
    }
    let data: Vec<Vec<String>> = rows.filter(|r| r.iter().any(|c| !c.trim().is_empty())).collect();
    if data.len() > OUTNUM_MAX_ROWS {
        return Err(SandboxError::TooManyRows(data.len()));
    }
    let mut kept = Vec::with_capacity(data.len());
    let mut dropped = 0;
    for row in data {
        match row.first().map(|c| c.trim()) {
            Some(phone) if is_phone(phone) => kept.push(phone.to_owned()),
            _ => dropped += 1,
        }
    }
    if kept.is_empty() {
        return Err(SandboxError::BadFile("no valid phone number in column 1".into()));
    }
    Ok(NumberList { kept, dropped })
}

/// A phone number: 3 to 20 digits, optionally after a `+` (the document's test rows use `9998`).
pub(crate) fn is_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn text_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, SandboxError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SandboxError::BadFile("csv/txt files must be UTF-8 text".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text
        .lines()
        .map(|line| line.split([',', '\t']).map(|c| c.trim().trim_matches('"').to_owned()).collect())
        .collect())
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, SandboxError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| SandboxError::BadFile(format!("not an Excel 2007+ (.xlsx) workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| SandboxError::BadFile("the workbook has no sheet".into()))?
        .map_err(|e| SandboxError::BadFile(format!("cannot read the first sheet: {e}")))?;
    Ok(range.rows().map(|row| row.iter().map(cell_text).collect()).collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Phone numbers typed into Excel become floats: 13800138000.0 → "13800138000".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e20 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_valid_numbers_and_counts_dropped() {
        let csv = "phone,name,sex,fees\n9998,压测号码,先生,2341.25\n13800138000,张三,先生,1\nnot-a-number,x,y,z\n\n";
        let list = parse(csv.as_bytes(), &FileSuffix::Csv).expect("reads");
        assert_eq!(list.kept, vec!["9998", "13800138000"]);
        assert_eq!(list.dropped, 1);
    }

    #[test]
    fn txt_with_tabs() {
        let txt = "phone\tname\n13800138000\t张三\n";
        assert_eq!(parse(txt.as_bytes(), &FileSuffix::Txt).expect("reads").kept, vec!["13800138000"]);
    }

    #[test]
    fn header_is_required() {
        let no_header = "13800138000,张三\n13800138001,李四\n";
        assert!(matches!(parse(no_header.as_bytes(), &FileSuffix::Csv), Err(SandboxError::BadFile(_))));
        let chinese_header = "电话,姓名\n13800138000,张三\n";
        assert!(matches!(parse(chinese_header.as_bytes(), &FileSuffix::Csv), Err(SandboxError::BadFile(_))));
        assert!(matches!(parse(b"", &FileSuffix::Csv), Err(SandboxError::BadFile(_))));
    }

    #[test]
    fn not_an_xlsx() {
        let err = parse(b"phone\n123\n", &FileSuffix::Excel).expect_err("text is not a workbook");
        assert!(err.to_string().contains("xlsx"), "{err}");
    }

    #[test]
    fn too_many_rows() {
        let mut csv = String::from("phone\n");
        for i in 0..=OUTNUM_MAX_ROWS {
            csv.push_str(&format!("138{i:08}\n"));
        }
        assert!(matches!(parse(csv.as_bytes(), &FileSuffix::Csv), Err(SandboxError::TooManyRows(150_001))));
    }
}
