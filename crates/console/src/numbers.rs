//! Checking a number file (seed 002 §6 outnum) in the browser before it is uploaded: a header row
//! in ASCII with the phone number in column 1, at most 150,000 rows; malformed and duplicate
//! numbers are listed with their lines. The same rules as the platform (and kefu-sandbox) apply,
//! so a file that passes here is not refused there for its shape.

use kefu_protocol::FileSuffix;
use kefu_protocol::coeus::OUTNUM_MAX_ROWS;

/// How many malformed or duplicate rows are kept for the list (the counts are always whole).
pub const LISTED: usize = 200;

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NumberCheck {
    /// Data rows (not counting the header and blank lines).
    pub rows: usize,
    /// Distinct well-formed numbers, in file order: what the platform will call.
    pub numbers: usize,
    /// Malformed numbers: `(line, text)`, the first [`LISTED`].
    pub malformed: Vec<(usize, String)>,
    /// How many rows are malformed in all.
    pub malformed_count: usize,
    /// Repeated numbers: `(line, number, line of its first occurrence)`, the first [`LISTED`].
    pub duplicates: Vec<(usize, String, usize)>,
    /// How many rows repeat an earlier number in all.
    pub duplicate_count: usize,
}

/// Why a file cannot be uploaded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    /// The name's extension is none of csv, txt, xlsx.
    #[error("{0}: only .csv, .txt or .xlsx files can be uploaded")]
    Kind(String),
    /// The file has no rows.
    #[error("the file is empty")]
    Empty,
    /// Text that is not UTF-8.
    #[error("csv and txt files must be UTF-8 text")]
    NotUtf8,
    /// The first row is not an ASCII header with a name over column 1.
    #[error("line 1 must be a header in ASCII letters (e.g. phone,name), with the phone column first")]
    Header,
    /// More rows than the platform takes.
    #[error("{0} rows: at most 150,000 numbers may be uploaded in one file")]
    TooMany(usize),
    /// No usable number at all.
    #[error("no well-formed phone number in column 1")]
    NoNumbers,
    /// A workbook that cannot be read; the text says why.
    #[error("cannot read the workbook: {0}")]
    Workbook(String),
}

/// The `file_suffix` for a file name, by its extension.
pub fn suffix_of(name: &str) -> Result<FileSuffix, FileProblem> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" => Ok(FileSuffix::Csv),
        "txt" => Ok(FileSuffix::Txt),
        "xlsx" => Ok(FileSuffix::Excel),
        _ => Err(FileProblem::Kind(name.to_owned())),
    }
}

/// A phone number as the platform takes it: 3 to 20 digits, optionally after a `+`.
pub fn is_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The rows of a csv or txt file (comma or tab separated, an optional BOM).
pub fn text_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, FileProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(text
        .lines()
        .map(|line| line.split([',', '\t']).map(|c| c.trim().trim_matches('"').to_owned()).collect())
        .collect())
}

/// The line each key (a phone, a ticket number) was first met on, to report repeats.
///
/// Why a JSON object: `serde_json::Map<String, Value>` is in the wasm already (decoding), so
/// keeping the lines in one adds no map code; a `BTreeMap<String, usize>` of its own cost the
/// console's wasm about 1 KB gzip.
#[derive(Default)]
pub struct FirstSeen(serde_json::Map<String, serde_json::Value>);

impl FirstSeen {
    /// The line `key` was first met on, or `None` when this (`line`) is the first time.
    pub fn first_line(&mut self, key: &str, line: usize) -> Option<usize> {
        match self.0.get(key) {
            Some(first) => first.as_u64().map(|l| l as usize),
            None => {
                self.0.insert(key.to_owned(), line.into());
                None
            }
        }
    }
}

/// Checks the rows of a number file (the first is the header).
pub fn check_rows(rows: &[Vec<String>]) -> Result<NumberCheck, FileProblem> {
    let (header, data) = rows.split_first().ok_or(FileProblem::Empty)?;
    let first = header.first().map(|h| h.trim()).unwrap_or_default();
    if first.is_empty() || !header.iter().all(|h| h.is_ascii()) || is_phone(first) {
        return Err(FileProblem::Header);
    }
    let mut check = NumberCheck::default();
    let mut seen = FirstSeen::default();
    for (i, row) in data.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = i + 2;
        check.rows += 1;
        let phone = row.first().map(|c| c.trim()).unwrap_or_default();
        if !is_phone(phone) {
            check.malformed_count += 1;
            if check.malformed.len() < LISTED {
                check.malformed.push((line, phone.to_owned()));
            }
            continue;
        }
        if let Some(first_line) = seen.first_line(phone, line) {
            check.duplicate_count += 1;
            if check.duplicates.len() < LISTED {
                check.duplicates.push((line, phone.to_owned(), first_line));
            }
        }
    }
    if check.rows > OUTNUM_MAX_ROWS {
        return Err(FileProblem::TooMany(check.rows));
    }
    check.numbers = seen.0.len();
    if check.numbers == 0 {
        return Err(FileProblem::NoNumbers);
    }
    Ok(check)
}

/// Checks a csv or txt file by its name and bytes (an .xlsx file is read with
/// [`crate::xlsx`] first, then given to [`check_rows`]).
pub fn check_text_file(name: &str, bytes: &[u8]) -> Result<(FileSuffix, NumberCheck), FileProblem> {
    let suffix = suffix_of(name)?;
    Ok((suffix, check_rows(&text_rows(bytes)?)?))
}

/// Records in CSV text (a quoted field may hold line breaks), without the header line.
pub fn csv_records(text: &str) -> usize {
    let mut records: usize = 0;
    let mut quoted = false;
    let mut empty_line = true;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                empty_line = false;
            }
            '\n' if !quoted => {
                if !empty_line {
                    records += 1;
                }
                empty_line = true;
            }
            '\r' => {}
            _ => empty_line = false,
        }
    }
    if !empty_line {
        records += 1;
    }
    records.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_file_passes_with_its_count() {
        let mut csv = String::from("\u{feff}phone,name\n");
        for i in 0..50 {
            csv.push_str(&format!("1380000{i:04},客户{i}\n"));
        }
        let (suffix, check) = check_text_file("numbers.CSV", csv.as_bytes()).expect("passes");
        assert_eq!(suffix, FileSuffix::Csv);
        assert_eq!((check.rows, check.numbers, check.malformed_count, check.duplicate_count), (50, 50, 0, 0));
    }

    #[test]
    fn malformed_and_duplicate_numbers_are_listed_by_line() {
        let txt = "phone\tname\n13800000001\ta\n138-0000\tb\n\n13800000001\tc\n+8613800000002\td\nabc\te\n";
        let (suffix, check) = check_text_file("n.txt", txt.as_bytes()).expect("passes");
        assert_eq!(suffix, FileSuffix::Txt);
        assert_eq!(check.rows, 5, "the blank line is not a row");
        assert_eq!(check.numbers, 2);
        assert_eq!(check.malformed, vec![(3, "138-0000".to_owned()), (7, "abc".to_owned())]);
        assert_eq!(check.duplicates, vec![(5, "13800000001".to_owned(), 2)]);
    }

    #[test]
    fn files_the_platform_would_refuse_are_refused_with_the_reason() {
        assert_eq!(check_text_file("n.pdf", b"x"), Err(FileProblem::Kind("n.pdf".into())));
        assert_eq!(suffix_of("book.XLSX"), Ok(FileSuffix::Excel));
        assert_eq!(check_text_file("n.csv", b""), Err(FileProblem::Empty));
        assert_eq!(check_text_file("n.csv", b"13800000001\n13800000002\n"), Err(FileProblem::Header));
        assert_eq!(check_text_file("n.csv", "电话\n13800000001\n".as_bytes()), Err(FileProblem::Header));
        assert_eq!(check_text_file("n.csv", b"phone\nabc\n"), Err(FileProblem::NoNumbers));
        assert_eq!(check_text_file("n.csv", b"phone\n\xff\xfe"), Err(FileProblem::NotUtf8));
        let mut big = String::from("phone\n");
        for i in 0..=OUTNUM_MAX_ROWS {
            big.push_str(&format!("{}\n", 13_000_000_000u64 + i as u64));
        }
        assert_eq!(
            check_text_file("big.csv", big.as_bytes()),
            Err(FileProblem::TooMany(OUTNUM_MAX_ROWS + 1))
        );
    }

    #[test]
    fn the_lists_are_capped_but_the_counts_are_not() {
        let mut csv = String::from("phone\n");
        for _ in 0..(LISTED + 10) {
            csv.push_str("x\n13800000001\n");
        }
        let (_, check) = check_text_file("n.csv", csv.as_bytes()).expect("passes");
        assert_eq!(check.malformed.len(), LISTED);
        assert_eq!(check.malformed_count, LISTED + 10);
        assert_eq!(check.duplicate_count, LISTED + 9);
    }

    #[test]
    fn csv_records_count_quoted_line_breaks_as_one_record() {
        assert_eq!(csv_records("call_id,num\n1,2\n3,4\n"), 2);
        assert_eq!(csv_records("\u{feff}a,b\r\n1,\"x\ny\"\r\n2,z"), 2);
        assert_eq!(csv_records("a,b\n"), 0);
        assert_eq!(csv_records(""), 0);
    }
}
