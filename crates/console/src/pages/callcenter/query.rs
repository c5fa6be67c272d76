//! The call-center's filter forms read into their requests (seed 001 `records/list` and
//! `calltask/list`), checked before anything is sent: the call type is one of `01`, `02`,
//! `03` (the leading zero kept), times are the browser's `datetime-local` values (or typed
//! `yyyy-MM-dd HH:mm[:ss]`) sent as `yyyy-MM-dd HH:mm:ss`, durations are whole seconds, and a
//! range's start is not after its end.

use kefu_protocol::callcenter::{CallTaskQuery, RecordsQuery};
use kefu_protocol::{CallType, DateTime, Timestamp};

/// Records per page.
pub(crate) const RECORDS_PAGE: u32 = 10;
/// Tasks per page.
pub(crate) const TASKS_PAGE: u32 = 10;

/// What is wrong with a filter form (each names the field, by its id, to focus it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FormProblem {
    /// The call type is not 01, 02 or 03.
    CallType(String),
    /// A time that is not a date and time.
    Time(&'static str, String),
    /// A duration that is not a whole number of seconds.
    Seconds(&'static str, String),
    /// A batch id that is not a number.
    BatchId(String),
    /// A range whose start is after its end (the end's field).
    Range(&'static str),
}

impl FormProblem {
    /// The id of the field to correct.
    pub(crate) fn field(&self) -> &'static str {
        match self {
            FormProblem::CallType(_) => "cc-type",
            FormProblem::Time(f, _) | FormProblem::Seconds(f, _) | FormProblem::Range(f) => f,
            FormProblem::BatchId(_) => "ct-batch",
        }
    }
}

/// The records filter as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordsForm {
    /// `01`, `02` or `03`.
    pub(crate) call_type: String,
    /// The number.
    pub(crate) telephone: String,
    /// The extension.
    pub(crate) extnum: String,
    /// From (`datetime-local`).
    pub(crate) from: String,
    /// To (`datetime-local`).
    pub(crate) to: String,
    /// Shortest duration, seconds.
    pub(crate) min: String,
    /// Longest duration, seconds.
    pub(crate) max: String,
}

impl Default for RecordsForm {
    fn default() -> RecordsForm {
        RecordsForm {
            call_type: CallType::AiOutbound.as_str().to_owned(),
            telephone: String::new(),
            extnum: String::new(),
            from: String::new(),
            to: String::new(),
            min: String::new(),
            max: String::new(),
        }
    }
}

/// A `datetime-local` value (`2025-08-16T21:11`, seconds optional) or a typed
/// `2025-08-16 21:11[:59]` as the call-center's `yyyy-MM-dd HH:mm:ss`; `None` when empty.
pub(crate) fn time(field: &'static str, value: &str) -> Result<Option<Timestamp>, FormProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || FormProblem::Time(field, v.to_owned());
    let spaced = v.replacen('T', " ", 1);
    let full = match spaced.len() {
        16 => format!("{spaced}:00"),
        19 => spaced,
        _ => return Err(bad()),
    };
    let parsed = DateTime::parse(&full).ok_or_else(bad)?;
    // Only the plain form, read back exactly (no offset, no other layout).
    if parsed.to_plain() != full || parsed.offset_minutes.is_some() {
        return Err(bad());
    }
    Ok(Some(Timestamp(full)))
}

/// Whole seconds; `None` when empty.
fn seconds(field: &'static str, value: &str) -> Result<Option<u32>, FormProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| FormProblem::Seconds(field, v.to_owned()))
}

fn text(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

impl RecordsForm {
    /// The request for page `page` (1-based).
    pub(crate) fn query(&self, page: u32) -> Result<RecordsQuery, FormProblem> {
        let call_type = CallType::from(self.call_type.trim());
        if matches!(call_type, CallType::Other(_)) {
            return Err(FormProblem::CallType(self.call_type.clone()));
        }
        let from = time("cc-from", &self.from)?;
        let to = time("cc-to", &self.to)?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f.as_str() > t.as_str() {
                return Err(FormProblem::Range("cc-to"));
            }
        }
        let min = seconds("cc-min", &self.min)?;
        let max = seconds("cc-max", &self.max)?;
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                return Err(FormProblem::Range("cc-max"));
            }
        }
        Ok(RecordsQuery {
            call_type,
            uuid: None,
            page_num: Some(page.max(1)),
            page_size: Some(RECORDS_PAGE),
            telephone: text(&self.telephone),
            callout_time_start: from,
            callout_time_end: to,
            time_len_start: min,
            time_len_end: max,
            extnum: text(&self.extnum),
        })
    }
}

/// The tasks filter as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct TasksForm {
    /// A task's id.
    pub(crate) batch_id: String,
    /// Created from (`datetime-local`).
    pub(crate) from: String,
    /// Created until (`datetime-local`).
    pub(crate) to: String,
}

impl TasksForm {
    /// The request for page `page` (1-based).
    pub(crate) fn query(&self, page: u32) -> Result<CallTaskQuery, FormProblem> {
        let batch_id = match self.batch_id.trim() {
            "" => None,
            v => Some(v.parse::<i64>().map_err(|_| FormProblem::BatchId(v.to_owned()))?),
        };
        let from = time("ct-from", &self.from)?;
        let to = time("ct-to", &self.to)?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f.as_str() > t.as_str() {
                return Err(FormProblem::Range("ct-to"));
            }
        }
        Ok(CallTaskQuery {
            page_num: page.max(1),
            page_size: TASKS_PAGE,
            batch_id,
            batch_name: None,
            create_time_start: from,
            create_time_end: to,
        })
    }
}

/// A call-center time in ms since the epoch (`createtime`, `stopTime`) on the platform's clock.
pub(crate) fn ms_clock(ms: i64) -> String {
    if ms <= 0 {
        return String::new();
    }
    DateTime::from_unix_seconds(ms.div_euclid(1000), kefu_protocol::PLATFORM_OFFSET_MINUTES).to_plain()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_filter_becomes_the_documented_request() {
        let form = RecordsForm {
            call_type: "01".into(),
            telephone: " 13912345678 ".into(),
            extnum: "8001".into(),
            from: "2025-08-16T09:00".into(),
            to: "2025-08-16 21:30:15".into(),
            min: "10".into(),
            max: "60".into(),
        };
        let q = form.query(2).expect("valid");
        let json = serde_json::to_value(&q).expect("encodes");
        assert_eq!(
            json,
            serde_json::json!({
                "callType": "01", "pageNum": 2, "pageSize": RECORDS_PAGE, "telephone": "13912345678",
                "calloutTimeStart": "2025-08-16 09:00:00", "calloutTimeEnd": "2025-08-16 21:30:15",
                "timeLenStart": 10, "timeLenEnd": 60, "extnum": "8001"
            })
        );
        let only_type = RecordsForm::default().query(0).expect("valid");
        assert_eq!(
            serde_json::to_value(&only_type).expect("encodes"),
            serde_json::json!({"callType": "02", "pageNum": 1, "pageSize": RECORDS_PAGE})
        );
    }

    #[test]
    fn bad_filters_name_their_field() {
        let with = |f: fn(&mut RecordsForm)| {
            let mut form = RecordsForm::default();
            f(&mut form);
            form.query(1).expect_err("refused")
        };
        assert_eq!(with(|f| f.call_type = "2".into()), FormProblem::CallType("2".into()));
        assert_eq!(with(|f| f.from = "2025-13-01T00:00".into()).field(), "cc-from");
        assert_eq!(with(|f| f.to = "yesterday".into()).field(), "cc-to");
        assert_eq!(with(|f| f.min = "-1".into()), FormProblem::Seconds("cc-min", "-1".into()));
        assert_eq!(with(|f| f.max = "1.5".into()).field(), "cc-max");
        assert_eq!(
            with(|f| {
                f.min = "30".into();
                f.max = "10".into();
            }),
            FormProblem::Range("cc-max")
        );
        assert_eq!(
            with(|f| {
                f.from = "2025-08-17T00:00".into();
                f.to = "2025-08-16T00:00".into();
            }),
            FormProblem::Range("cc-to")
        );
    }

    #[test]
    fn the_tasks_filter_checks_its_id_and_range() {
        let form = TasksForm { batch_id: "10013".into(), from: "2025-08-16T00:00".into(), to: String::new() };
        let q = form.query(1).expect("valid");
        assert_eq!(q.batch_id, Some(10013));
        assert_eq!(q.create_time_start, Some(Timestamp("2025-08-16 00:00:00".into())));
        assert_eq!(q.page_size, TASKS_PAGE);
        let bad = TasksForm { batch_id: "x1".into(), ..TasksForm::default() };
        assert_eq!(bad.query(1), Err(FormProblem::BatchId("x1".into())));
        assert_eq!(ms_clock(1_755_349_919_000), "2025-08-16 21:11:59");
        assert_eq!(ms_clock(0), "");
    }
}
