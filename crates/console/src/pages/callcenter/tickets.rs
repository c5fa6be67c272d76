//! Call-center tickets (seed 001 `createTasks`) from rows pasted from a spreadsheet (tab
//! separated) or from a CSV file (comma separated, RFC 4180 quoting: a quoted field may hold
//! commas, doubled quotes and line breaks). A header row is optional: when the first row names
//! columns (`ticketNo`/`工单编号`, `phone`/`手机号`, …) they are taken by name, otherwise the
//! columns are ticketNo, phone, username, ticketType, ticketContent in that order. Every row
//! that cannot become a ticket is listed with its line and why, and nothing is sent until the
//! list is empty.

use kefu_protocol::callcenter::Ticket;

/// At most this many tickets go in one `createTasks` request.
pub(crate) const MAX_TICKETS: usize = 500;

/// A ticket's fields, in the order of a row without a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// 工单编号.
    TicketNo,
    /// 号码.
    Phone,
    /// 用户姓名.
    Username,
    /// 工单类型.
    TicketType,
    /// 工单内容.
    TicketContent,
}

const ORDER: [Column; 5] =
    [Column::TicketNo, Column::Phone, Column::Username, Column::TicketType, Column::TicketContent];

/// The column a header cell names, if any.
fn column_named(cell: &str) -> Option<Column> {
    let key: String = cell.trim().chars().filter(|c| !matches!(c, '_' | ' ' | '-')).collect();
    match key.to_ascii_lowercase().as_str() {
        "ticketno" | "ticket" | "工单编号" | "工单号" | "编号" => Some(Column::TicketNo),
        "phone" | "telephone" | "mobile" | "手机号" | "手机" | "电话" | "号码" | "手机号码" => {
            Some(Column::Phone)
        }
        "username" | "name" | "用户姓名" | "姓名" | "用户名" | "客户姓名" => {
            Some(Column::Username)
        }
        "tickettype" | "type" | "工单类型" | "类型" => Some(Column::TicketType),
        "ticketcontent" | "content" | "工单内容" | "内容" => Some(Column::TicketContent),
        _ => None,
    }
}

/// Why a row is not a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowProblem {
    /// Fewer cells than the two required (ticket number and phone).
    TooFewCells(usize),
    /// No ticket number.
    NoTicketNo,
    /// The phone is not 3–20 digits (optionally after `+`).
    BadPhone(String),
    /// The ticket number was already used on an earlier line.
    Duplicate {
        /// The ticket number.
        ticket_no: String,
        /// Its first line.
        first_line: usize,
    },
    /// A quoted field is never closed.
    UnclosedQuote,
}

/// What the text gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Parsed {
    /// The tickets, each with the line it starts on.
    pub(crate) tickets: Vec<(usize, Ticket)>,
    /// The rows that are not tickets, with their lines.
    pub(crate) problems: Vec<(usize, RowProblem)>,
    /// Whether the first row was taken as a header.
    pub(crate) header: bool,
    /// More than [`MAX_TICKETS`] tickets.
    pub(crate) too_many: bool,
}

/// A phone number as the call-center takes it: 3 to 20 digits, optionally after a `+`.
pub(crate) fn is_phone(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    (3..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `text` into records of cells, each with the line it starts on (1-based). Blank lines
/// are left out. `Err(line)` names the line of a quoted field that never closes.
pub(crate) fn records(text: &str, delimiter: char) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let finish = |cells: &mut Vec<String>, cell: &mut String, was_quoted: bool| {
        let value = std::mem::take(cell);
        cells.push(if was_quoted { value } else { value.trim().to_owned() });
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push('\n');
                }
                '\r' => {}
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
                was_quoted = true;
            }
            '\r' => {}
            '\n' => {
                finish(&mut cells, &mut cell, was_quoted);
                was_quoted = false;
                let row = std::mem::take(&mut cells);
                if row.iter().any(|c| !c.trim().is_empty()) {
                    out.push((start, row));
                }
                line += 1;
                start = line;
            }
            c if c == delimiter => {
                finish(&mut cells, &mut cell, was_quoted);
                was_quoted = false;
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return Err(start);
    }
    finish(&mut cells, &mut cell, was_quoted);
    if cells.iter().any(|c| !c.trim().is_empty()) {
        out.push((start, cells));
    }
    Ok(out)
}

/// Reads tickets from pasted rows or CSV text.
pub(crate) fn parse(text: &str) -> Parsed {
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') { '\t' } else { ',' };
    let mut parsed = Parsed::default();
    let rows = match records(text, delimiter) {
        Ok(rows) => rows,
        Err(line) => {
            parsed.problems.push((line, RowProblem::UnclosedQuote));
            return parsed;
        }
    };
    let mut rows = rows.into_iter().peekable();
    // A header names at least the ticket number and the phone.
    let mut columns: Vec<Option<Column>> = ORDER.iter().copied().map(Some).collect();
    if let Some((_, first)) = rows.peek() {
        let named: Vec<Option<Column>> = first.iter().map(|c| column_named(c)).collect();
        if named.contains(&Some(Column::TicketNo)) && named.contains(&Some(Column::Phone)) {
            columns = named;
            parsed.header = true;
            rows.next();
        }
    }
    let mut seen = crate::numbers::FirstSeen::default();
    for (line, cells) in rows {
        let get = |want: Column| -> String {
            columns
                .iter()
                .position(|c| *c == Some(want))
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        if !parsed.header && cells.len() < 2 {
            parsed.problems.push((line, RowProblem::TooFewCells(cells.len())));
            continue;
        }
        let ticket = Ticket {
            ticket_no: get(Column::TicketNo),
            phone: get(Column::Phone),
            username: get(Column::Username),
            ticket_type: get(Column::TicketType),
            ticket_content: get(Column::TicketContent),
        };
        if ticket.ticket_no.is_empty() {
            parsed.problems.push((line, RowProblem::NoTicketNo));
        } else if !is_phone(&ticket.phone) {
            parsed.problems.push((line, RowProblem::BadPhone(ticket.phone)));
        } else if let Some(first_line) = seen.first_line(&ticket.ticket_no, line) {
            let problem = RowProblem::Duplicate { ticket_no: ticket.ticket_no, first_line };
            parsed.problems.push((line, problem));
        } else {
            parsed.tickets.push((line, ticket));
        }
    }
    parsed.too_many = parsed.tickets.len() > MAX_TICKETS;
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_pasted_from_a_spreadsheet_become_tickets_in_the_documented_order() {
        let pasted = "T-1\t13800138000\t张三\t回访\t确认地址\nT-2\t+8613900000000\t李四\t催缴\t提醒缴费\n\n";
        let p = parse(pasted);
        assert!(!p.header);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.tickets.len(), 2);
        let (line, t) = &p.tickets[1];
        assert_eq!(*line, 2);
        assert_eq!(
            t,
            &Ticket {
                ticket_no: "T-2".into(),
                phone: "+8613900000000".into(),
                username: "李四".into(),
                ticket_type: "催缴".into(),
                ticket_content: "提醒缴费".into(),
            }
        );
    }

    #[test]
    fn a_csv_header_names_the_columns_in_any_order_and_quotes_hold_commas_and_lines() {
        let csv = "\u{feff}手机号,工单编号,工单内容,姓名\r\n13800138000,A1,\"您好，请确认\n新地址\",\"王 \"\"五\"\"\"\r\n13800138001,A2,,赵六\r\n";
        let p = parse(csv);
        assert!(p.header);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.tickets.len(), 2);
        assert_eq!(p.tickets[0].1.ticket_content, "您好，请确认\n新地址");
        assert_eq!(p.tickets[0].1.username, "王 \"五\"");
        assert_eq!(p.tickets[0].1.ticket_type, "");
        assert_eq!(p.tickets[1].0, 4, "the second record starts on line 4 (after a two-line field)");
        assert_eq!(p.tickets[1].1.ticket_no, "A2");
    }

    #[test]
    fn bad_rows_are_listed_with_their_lines_and_reasons() {
        let text = "ticketNo,phone\nA1,13800138000\n,13800138001\nA3,138-0013\nA1,13800138002\nA5\n";
        let p = parse(text);
        assert_eq!(p.tickets.len(), 1);
        assert_eq!(
            p.problems,
            [
                (3, RowProblem::NoTicketNo),
                (4, RowProblem::BadPhone("138-0013".into())),
                (5, RowProblem::Duplicate { ticket_no: "A1".into(), first_line: 2 }),
                (6, RowProblem::BadPhone(String::new())),
            ]
        );
        let p = parse("A1\nA2,13800138000\n");
        assert_eq!(p.problems, [(1, RowProblem::TooFewCells(1))]);
    }

    #[test]
    fn an_unclosed_quote_is_reported_not_guessed() {
        let p = parse("A1,13800138000,\"never closed\nA2,13800138001\n");
        assert!(p.tickets.is_empty());
        assert_eq!(p.problems, [(1, RowProblem::UnclosedQuote)]);
    }

    #[test]
    fn too_many_tickets_are_flagged_and_empty_text_gives_nothing() {
        let many: String = (0..=MAX_TICKETS).map(|i| format!("T{i},1380013{i:04}\n")).collect();
        let p = parse(&many);
        assert_eq!(p.tickets.len(), MAX_TICKETS + 1);
        assert!(p.too_many);
        assert_eq!(parse("  \n\n"), Parsed::default());
    }
}
