//! The store: one interface over SQLite (embedded, the default) and PostgreSQL (for several
//! replicas), with the migrations of each applied at open.
//!
//! Every push is one transaction: the task, the new calls with their turns, or the new grades;
//! rows already stored are left untouched (`ON CONFLICT DO NOTHING`), so a repeated push changes
//! nothing. Rows are written in multi-row statements, and sqlx keeps each connection's prepared
//! statements. SQLite runs in WAL mode with `synchronous = FULL`: a committed push survives a
//! crash of the process and of the machine.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use kefu_protocol::callbacks::{CallRecordPush, IntentPush, PushedCall};
use kefu_protocol::results::{CallDetail, CallRow, CallTurn, GradeCount, StateCount, TaskSummary};
use kefu_protocol::{DialogType, HangupBy, NumberState, Timestamp, ssml_to_text};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::{Mutex, MutexGuard, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use crate::error::{Error, Result};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Calls per multi-row INSERT (22 parameters each, well under both databases' limits).
const CALL_CHUNK: usize = 200;
/// Turns or grades per multi-row INSERT.
const ROW_CHUNK: usize = 1000;

/// A handle on the store; cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// SQLite takes one writer at a time: writers queue here, in order, instead of polling in
    /// SQLite's sleeping busy handler (which multiplies the answer time under load).
    writer: Option<Arc<Mutex<()>>>,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool: the same code, compiled once per
/// database.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// What a push changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PushOutcome {
    /// Rows (calls or grades) newly stored.
    pub stored: usize,
    /// Rows that were already stored and were left as they were.
    pub repeated: usize,
}

/// How many rows each table holds (for checks and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Tasks seen.
    pub tasks: u64,
    /// Calls stored.
    pub calls: u64,
    /// Dialog turns stored.
    pub turns: u64,
    /// Intent grades stored.
    pub grades: u64,
    /// Contacts.
    pub contacts: u64,
}

/// One entry of the contacts directory (§9).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// The phone number, as the platform sends `caller`.
    pub phone: String,
    /// The caller's name (`{name}` in the prompt).
    pub name: String,
    /// Where to transfer the caller, if anywhere.
    pub transfer: Option<String>,
    /// Other template variables.
    pub variables: BTreeMap<String, String>,
}

/// Filters and paging of a task's calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct CallFilter {
    /// Only calls in this number state (§18 code).
    pub state: Option<i64>,
    /// Only numbers with this latest intent grade.
    pub grade: Option<String>,
    /// Only answered (`true`) or unanswered (`false`) calls.
    pub answered: Option<bool>,
    /// Only calls at least this long (seconds).
    pub min_duration: Option<i64>,
    /// Only calls at most this long (seconds).
    pub max_duration: Option<i64>,
    /// Only numbers starting with this text.
    pub num: Option<String>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
    /// Rows to answer (default 50, at most 1000).
    pub limit: Option<i64>,
}

/// A bound parameter of a query built at run time.
enum Param {
    Int(i64),
    Text(String),
}

/// The latest grade of a call's number.
const GRADE_OF_CALL: &str = "(SELECT g.degree_name FROM grades g WHERE g.task_id = c.task_id AND g.call_sn = c.call_sn \
     AND g.num = c.num ORDER BY g.recall_flag DESC LIMIT 1)";

const CALL_COLUMNS: &str = "c.call_id, c.task_id, c.call_sn, c.num, c.state, c.state_desc, c.answered, c.start_time, \
     c.answered_time, c.end_time, c.duration, c.hangup_by, c.round, c.record_url";

impl CallFilter {
    /// The WHERE clause (after `c.task_id = $1`) and its parameters.
    fn where_clause(&self, task_id: &str) -> (String, Vec<Param>) {
        let mut sql = String::from(" WHERE c.task_id = $1");
        let mut params = vec![Param::Text(task_id.to_owned())];
        fn add(sql: &mut String, params: &mut Vec<Param>, cond: &str, p: Param) {
            params.push(p);
            sql.push_str(&format!(" AND {cond} ${}", params.len()));
        }
        if let Some(state) = self.state {
            add(&mut sql, &mut params, "c.state =", Param::Int(state));
        }
        if let Some(answered) = self.answered {
            add(&mut sql, &mut params, "c.answered =", Param::Int(i64::from(answered)));
        }
        if let Some(min) = self.min_duration {
            add(&mut sql, &mut params, "COALESCE(c.duration, 0) >=", Param::Int(min));
        }
        if let Some(max) = self.max_duration {
            add(&mut sql, &mut params, "COALESCE(c.duration, 0) <=", Param::Int(max));
        }
        if let Some(num) = self.num.as_deref().filter(|n| !n.is_empty()) {
            let escaped = num.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            params.push(Param::Text(format!("{escaped}%")));
            sql.push_str(&format!(" AND c.num LIKE ${} ESCAPE '\\'", params.len()));
        }
        if let Some(grade) = &self.grade {
            add(&mut sql, &mut params, &format!("{GRADE_OF_CALL} ="), Param::Text(grade.clone()));
        }
        (sql, params)
    }

    fn page(&self) -> (i64, i64) {
        (self.offset.unwrap_or(0).max(0), self.limit.unwrap_or(50).clamp(1, 1000))
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn non_empty(t: &Option<Timestamp>) -> Option<&str> {
    t.as_ref().map(Timestamp::as_str).filter(|s| !s.trim().is_empty())
}

/// Checks a §7 push before anything is written.
fn validate_calls(push: &CallRecordPush) -> Result<()> {
    if push.task_id.trim().is_empty() || push.call_sn.trim().is_empty() {
        return Err(Error::BadRequest("task_id and call_sn must not be empty".into()));
    }
    // A call or line the protocol skipped would be lost for good once the push is answered
    // success: the whole push is refused instead (and the platform retries it).
    if let Some(skipped) = push.calls.skipped.first() {
        return Err(Error::BadRequest(format!("calls[{}]: {}", skipped.index, skipped.reason)));
    }
    for (i, call) in push.calls.iter().enumerate() {
        if call.call_id.trim().is_empty() || call.num.trim().is_empty() {
            return Err(Error::BadRequest(format!("calls[{i}]: call_id and num must not be empty")));
        }
        if let Some(skipped) = call.dialogs.skipped.first() {
            return Err(Error::BadRequest(format!(
                "calls[{i}].dialogs[{}]: {}",
                skipped.index, skipped.reason
            )));
        }
    }
    Ok(())
}

/// Checks a §8 push before anything is written.
fn validate_grades(push: &IntentPush) -> Result<()> {
    if push.task_id.trim().is_empty() || push.call_sn.trim().is_empty() {
        return Err(Error::BadRequest("task_id and call_sn must not be empty".into()));
    }
    if let Some(skipped) = push.degrees.skipped.first() {
        return Err(Error::BadRequest(format!("degrees[{}]: {}", skipped.index, skipped.reason)));
    }
    for (i, d) in push.degrees.iter().enumerate() {
        if d.num.trim().is_empty() {
            return Err(Error::BadRequest(format!("degrees[{i}]: num must not be empty")));
        }
    }
    Ok(())
}

fn placeholders(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push_str(&format!("${}", r * cols + c + 1));
        }
        s.push(')');
    }
    s
}

fn label_of_state(state: i64, desc: Option<String>) -> String {
    NumberState::from(state).label().map(str::to_owned).or(desc).unwrap_or_default()
}

/// Reads a [`CallRow`] from a row selected with [`CALL_COLUMNS`] and `grade`.
macro_rules! call_row {
    ($row:expr) => {{
        let row = $row;
        let state: i64 = row.try_get("state")?;
        let ts = |v: Option<String>| v.filter(|s| !s.is_empty()).map(Timestamp::new);
        CallRow {
            call_id: row.try_get("call_id")?,
            task_id: row.try_get("task_id")?,
            call_sn: row.try_get("call_sn")?,
            num: row.try_get("num")?,
            state,
            state_label: label_of_state(state, row.try_get("state_desc")?),
            answered: row.try_get::<i64, _>("answered")? != 0,
            start_time: ts(row.try_get("start_time")?),
            answered_time: ts(row.try_get("answered_time")?),
            end_time: ts(row.try_get("end_time")?),
            duration: row.try_get::<Option<i64>, _>("duration")?.and_then(|d| u32::try_from(d).ok()),
            hangup_by: row.try_get::<Option<i64>, _>("hangup_by")?.map(HangupBy::from),
            round: row.try_get::<Option<i64>, _>("round")?.and_then(|d| u32::try_from(d).ok()),
            grade: row.try_get("grade")?,
            recording: row.try_get::<Option<String>, _>("record_url")?.filter(|s| !s.is_empty()),
        }
    }};
}

/// Binds run-time parameters to a query.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Int(i) => q.bind(*i),
                Param::Text(s) => q.bind(s.as_str()),
            };
        }
        q
    }};
}

/// Records a task the first time a push names it (a later push may fill in an empty name). A
/// write first in each push's transaction: SQLite takes the write lock before reading anything.
const UPSERT_TASK: &str = "INSERT INTO tasks (task_id, task_name, label, first_seen_ms) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (task_id) DO UPDATE SET task_name = excluded.task_name \
     WHERE tasks.task_name = '' AND excluded.task_name <> ''";

impl Store {
    /// Opens `sqlite:PATH` (created when missing) or `postgres://…` and applies the migrations.
    pub async fn open(url: &str) -> Result<Store> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new().max_connections(8).connect(url).await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Backend::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Backend::Sqlite(pool)
        } else {
            return Err(Error::Config(format!(
                "KEFU_STORE must start with sqlite: or postgres://, not {:?}",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let writer = matches!(backend, Backend::Sqlite(_)).then(|| Arc::new(Mutex::new(())));
        Ok(Store { backend, writer })
    }

    /// Waits for this process's turn to write (SQLite only).
    async fn write_turn(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.writer {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }

    /// Stores a §7 push in one transaction: calls not yet stored, with their turns.
    pub async fn store_calls(&self, label: &str, push: &CallRecordPush) -> Result<PushOutcome> {
        validate_calls(push)?;
        let mut seen = HashSet::new();
        let calls: Vec<&PushedCall> = push.calls.iter().filter(|c| seen.insert(c.call_id.as_str())).collect();
        let now = now_ms();
        let _turn = self.write_turn().await;
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            // A write first: SQLite takes the write lock before reading anything.
            sqlx::query(UPSERT_TASK)
                .bind(push.task_id.as_str())
                .bind(push.task_name.as_str())
                .bind(label)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let mut new_ids: HashSet<String> = HashSet::new();
            for chunk in calls.chunks(CALL_CHUNK) {
                let sql = format!(
                    "INSERT INTO calls (call_id, task_id, task_name, call_sn, call_sn_name, bot_id, bot_name, num, state, \
                     state_desc, start_time, answered_time, end_time, start_ms, answered, duration, record_url, round, \
                     hangup_by, sms_state, label, received_ms) VALUES {} ON CONFLICT (call_id) DO NOTHING RETURNING call_id",
                    placeholders(chunk.len(), 22)
                );
                let mut q = sqlx::query(&sql);
                for call in chunk {
                    let answered = non_empty(&call.answered_time).is_some() || call.duration.unwrap_or(0) > 0;
                    q = q
                        .bind(call.call_id.as_str())
                        .bind(push.task_id.as_str())
                        .bind(push.task_name.as_str())
                        .bind(push.call_sn.as_str())
                        .bind(push.call_sn_name.as_deref())
                        .bind(push.bot_id.as_str())
                        .bind(push.bot_name.as_str())
                        .bind(call.num.as_str())
                        .bind(call.state.code())
                        .bind(call.state_desc.as_deref())
                        .bind(non_empty(&call.start_time))
                        .bind(non_empty(&call.answered_time))
                        .bind(non_empty(&call.end_time))
                        .bind(call.start_time.as_ref().and_then(Timestamp::unix_millis))
                        .bind(i64::from(answered))
                        .bind(call.duration.map(i64::from))
                        .bind(call.record_url.as_deref())
                        .bind(call.round.map(i64::from))
                        .bind(call.hangup_by.map(HangupBy::code))
                        .bind(call.sms_state.map(|s| s.code()))
                        .bind(label)
                        .bind(now);
                }
                let rows = q.fetch_all(&mut *tx).await?;
                for row in rows {
                    new_ids.insert(row.try_get::<String, _>(0)?);
                }
            }
            let turns: Vec<(&str, i64, &kefu_protocol::callbacks::PushedDialog)> = calls
                .iter()
                .filter(|c| new_ids.contains(&c.call_id))
                .flat_map(|c| c.dialogs.iter().enumerate().map(|(i, d)| (c.call_id.as_str(), i as i64, d)))
                .collect();
            for chunk in turns.chunks(ROW_CHUNK) {
                let sql = format!(
                    "INSERT INTO turns (call_id, seq, dialog_type, dialog_text, msg_time, intention_name) VALUES {}",
                    placeholders(chunk.len(), 6)
                );
                let mut q = sqlx::query(&sql);
                for (call_id, seq, d) in chunk {
                    q = q
                        .bind(*call_id)
                        .bind(*seq)
                        .bind(d.dialog_type.map(DialogType::code))
                        .bind(d.dialog_text.as_str())
                        .bind(d.msg_time.as_str())
                        .bind(d.intention_name.as_str());
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(PushOutcome { stored: new_ids.len(), repeated: push.calls.len() - new_ids.len() })
        })
    }

    /// Stores a §8 push in one transaction: grades not yet stored.
    pub async fn store_grades(&self, label: &str, push: &IntentPush) -> Result<PushOutcome> {
        validate_grades(push)?;
        let now = now_ms();
        let _turn = self.write_turn().await;
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(UPSERT_TASK)
                .bind(push.task_id.as_str())
                .bind(push.task_name.as_str())
                .bind(label)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let mut stored = 0usize;
            for chunk in push.degrees.chunks(ROW_CHUNK) {
                let sql = format!(
                    "INSERT INTO grades (task_id, call_sn, num, recall_flag, degree_name, call_sn_name, label, received_ms) \
                     VALUES {} ON CONFLICT (task_id, call_sn, num, recall_flag) DO NOTHING",
                    placeholders(chunk.len(), 8)
                );
                let mut q = sqlx::query(&sql);
                for d in chunk {
                    q = q
                        .bind(push.task_id.as_str())
                        .bind(push.call_sn.as_str())
                        .bind(d.num.as_str())
                        .bind(d.recall_flag.code())
                        .bind(d.degree_name.as_str())
                        .bind(push.call_sn_name.as_deref())
                        .bind(label)
                        .bind(now);
                }
                let done = q.execute(&mut *tx).await?;
                stored += usize::try_from(done.rows_affected()).unwrap_or(0);
            }
            tx.commit().await?;
            Ok(PushOutcome { stored, repeated: push.degrees.len() - stored })
        })
    }

    /// How many rows each table holds.
    pub async fn counts(&self) -> Result<Counts> {
        on_pool!(self, |pool| {
            let row = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM tasks), (SELECT COUNT(*) FROM calls), (SELECT COUNT(*) FROM turns), \
                 (SELECT COUNT(*) FROM grades), (SELECT COUNT(*) FROM contacts)",
            )
            .fetch_one(pool)
            .await?;
            let n = |i: usize| row.try_get::<i64, _>(i).map(|v| u64::try_from(v).unwrap_or(0));
            Ok(Counts { tasks: n(0)?, calls: n(1)?, turns: n(2)?, grades: n(3)?, contacts: n(4)? })
        })
    }

    /// Every task seen, most recently first seen first, with counts by state and grade.
    pub async fn tasks(&self) -> Result<Vec<TaskSummary>> {
        on_pool!(self, |pool| {
            let mut tasks: Vec<TaskSummary> = Vec::new();
            for row in sqlx::query(
                "SELECT task_id, task_name, label, first_seen_ms FROM tasks ORDER BY first_seen_ms DESC, task_id",
            )
            .fetch_all(pool)
            .await?
            {
                tasks.push(TaskSummary {
                    task_id: row.try_get("task_id")?,
                    task_name: row.try_get("task_name")?,
                    label: row.try_get("label")?,
                    first_seen_ms: row.try_get("first_seen_ms")?,
                    ..TaskSummary::default()
                });
            }
            let index: BTreeMap<String, usize> =
                tasks.iter().enumerate().map(|(i, t)| (t.task_id.clone(), i)).collect();
            for row in sqlx::query(
                "SELECT task_id, state, MAX(state_desc) AS state_desc, COUNT(*) AS n FROM calls \
                 GROUP BY task_id, state ORDER BY n DESC, state",
            )
            .fetch_all(pool)
            .await?
            {
                let task_id: String = row.try_get("task_id")?;
                let state: i64 = row.try_get("state")?;
                let count = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
                if let Some(t) = index.get(&task_id).and_then(|&i| tasks.get_mut(i)) {
                    t.calls += count;
                    t.states.push(StateCount {
                        state,
                        label: label_of_state(state, row.try_get("state_desc")?),
                        count,
                    });
                }
            }
            for row in sqlx::query(
                "SELECT g.task_id, g.degree_name, COUNT(*) AS n FROM grades g WHERE g.recall_flag = \
                 (SELECT MAX(h.recall_flag) FROM grades h WHERE h.task_id = g.task_id AND h.call_sn = g.call_sn \
                 AND h.num = g.num) GROUP BY g.task_id, g.degree_name ORDER BY n DESC, g.degree_name",
            )
            .fetch_all(pool)
            .await?
            {
                let task_id: String = row.try_get("task_id")?;
                let count = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
                if let Some(t) = index.get(&task_id).and_then(|&i| tasks.get_mut(i)) {
                    t.grades.push(GradeCount { grade: row.try_get("degree_name")?, count });
                }
            }
            Ok(tasks)
        })
    }

    /// One page of a task's calls matching `filter`, and how many match in all.
    pub async fn calls(&self, task_id: &str, filter: &CallFilter) -> Result<(u64, Vec<CallRow>)> {
        let (where_sql, params) = filter.where_clause(task_id);
        let (offset, limit) = filter.page();
        let count_sql = format!("SELECT COUNT(*) FROM calls c{where_sql}");
        let rows_sql = format!(
            "SELECT {CALL_COLUMNS}, {GRADE_OF_CALL} AS grade FROM calls c{where_sql} \
             ORDER BY COALESCE(c.start_ms, 0), c.call_id LIMIT {limit} OFFSET {offset}"
        );
        on_pool!(self, |pool| {
            let total: i64 = bind_all!(sqlx::query(&count_sql), &params).fetch_one(pool).await?.try_get(0)?;
            let mut rows = Vec::new();
            for row in bind_all!(sqlx::query(&rows_sql), &params).fetch_all(pool).await? {
                rows.push(call_row!(&row));
            }
            Ok((u64::try_from(total).unwrap_or(0), rows))
        })
    }

    /// A stored call's `record_url` as pushed (`Some(None)`: the call has none; `None`: no such
    /// call), for the proxy's recording links.
    pub async fn record_url(&self, call_id: &str) -> Result<Option<Option<String>>> {
        on_pool!(self, |pool| {
            let row = sqlx::query("SELECT record_url FROM calls WHERE call_id = $1")
                .bind(call_id)
                .fetch_optional(pool)
                .await?;
            match row {
                None => Ok(None),
                Some(row) => Ok(Some(row.try_get::<Option<String>, _>(0)?.filter(|s| !s.trim().is_empty()))),
            }
        })
    }

    /// One call with its turns (SSML made readable), or `None`.
    pub async fn call(&self, call_id: &str) -> Result<Option<CallDetail>> {
        let sql = format!(
            "SELECT {CALL_COLUMNS}, {GRADE_OF_CALL} AS grade, c.task_name, c.call_sn_name, c.bot_id, c.bot_name, c.label \
             FROM calls c WHERE c.call_id = $1"
        );
        on_pool!(self, |pool| {
            let Some(row) = sqlx::query(&sql).bind(call_id).fetch_optional(pool).await? else {
                return Ok(None);
            };
            let mut turns = Vec::new();
            for t in sqlx::query(
                "SELECT dialog_type, dialog_text, msg_time, intention_name FROM turns WHERE call_id = $1 ORDER BY seq",
            )
            .bind(call_id)
            .fetch_all(pool)
            .await?
            {
                turns.push(CallTurn {
                    dialog_type: t.try_get::<Option<i64>, _>("dialog_type")?.map(DialogType::from),
                    text: ssml_to_text(&t.try_get::<String, _>("dialog_text")?),
                    msg_time: Timestamp::new(t.try_get::<String, _>("msg_time")?),
                    intention_name: t.try_get("intention_name")?,
                });
            }
            Ok(Some(CallDetail {
                call: call_row!(&row),
                task_name: row.try_get("task_name")?,
                call_sn_name: row.try_get("call_sn_name")?,
                bot_id: row.try_get("bot_id")?,
                bot_name: row.try_get("bot_name")?,
                label: row.try_get("label")?,
                turns,
            }))
        })
    }

    /// A task's calls matching `filter` (paging ignored), streamed straight from the database: a
    /// task reads the rows one at a time into a small bounded channel, so memory stays flat
    /// however many calls match. Dropping the stream stops the reading.
    pub fn stream_calls(&self, task_id: &str, filter: &CallFilter) -> ReceiverStream<Result<CallRow>> {
        let (where_sql, params) = filter.where_clause(task_id);
        let sql = format!(
            "SELECT {CALL_COLUMNS}, {GRADE_OF_CALL} AS grade FROM calls c{where_sql} \
             ORDER BY COALESCE(c.start_ms, 0), c.call_id"
        );
        let (tx, rx) = mpsc::channel::<Result<CallRow>>(64);
        let store = self.clone();
        tokio::spawn(async move {
            let read = async {
                on_pool!(store, |pool| {
                    let query = bind_all!(sqlx::query(&sql), &params);
                    let mut rows = query.fetch(pool);
                    while let Some(row) = rows.try_next().await? {
                        if tx.send(Ok(call_row!(&row))).await.is_err() {
                            break; // the reader went away
                        }
                    }
                    Ok::<(), Error>(())
                })
            };
            if let Err(e) = read.await {
                let _ = tx.send(Err(e)).await;
            }
        });
        ReceiverStream::new(rx)
    }

    /// The contact with this phone number.
    pub async fn contact(&self, phone: &str) -> Result<Option<Contact>> {
        on_pool!(self, |pool| {
            let Some(row) =
                sqlx::query("SELECT phone, name, transfer, variables FROM contacts WHERE phone = $1")
                    .bind(phone)
                    .fetch_optional(pool)
                    .await?
            else {
                return Ok(None);
            };
            let variables: String = row.try_get("variables")?;
            Ok(Some(Contact {
                phone: row.try_get("phone")?,
                name: row.try_get("name")?,
                transfer: row.try_get("transfer")?,
                variables: serde_json::from_str(&variables).unwrap_or_default(),
            }))
        })
    }

    /// One page of contacts, by phone, whose phone starts with `q` or whose name contains it (all
    /// when `q` is empty), and how many match in all. `limit` is clamped to 1..=1000.
    pub async fn contacts(&self, q: &str, offset: i64, limit: i64) -> Result<(u64, Vec<Contact>)> {
        let q = q.trim();
        let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let (prefix, inside) = (format!("{escaped}%"), format!("%{escaped}%"));
        let (offset, limit) = (offset.max(0), limit.clamp(1, 1000));
        let filter = "WHERE ($1 = '' OR phone LIKE $2 ESCAPE '\\' OR name LIKE $3 ESCAPE '\\')";
        let count_sql = format!("SELECT COUNT(*) FROM contacts {filter}");
        let rows_sql = format!(
            "SELECT phone, name, transfer, variables FROM contacts {filter} ORDER BY phone LIMIT {limit} OFFSET {offset}"
        );
        on_pool!(self, |pool| {
            let total: i64 = sqlx::query(&count_sql)
                .bind(q)
                .bind(prefix.as_str())
                .bind(inside.as_str())
                .fetch_one(pool)
                .await?
                .try_get(0)?;
            let mut contacts = Vec::new();
            for row in sqlx::query(&rows_sql)
                .bind(q)
                .bind(prefix.as_str())
                .bind(inside.as_str())
                .fetch_all(pool)
                .await?
            {
                let variables: String = row.try_get("variables")?;
                contacts.push(Contact {
                    phone: row.try_get("phone")?,
                    name: row.try_get("name")?,
                    transfer: row.try_get("transfer")?,
                    variables: serde_json::from_str(&variables).unwrap_or_default(),
                });
            }
            Ok((u64::try_from(total).unwrap_or(0), contacts))
        })
    }

    /// Adds or replaces contacts (by phone) in one transaction; answers how many were written.
    pub async fn upsert_contacts(&self, contacts: &[Contact]) -> Result<usize> {
        let now = now_ms();
        let mut by_phone: BTreeMap<&str, &Contact> = BTreeMap::new();
        for c in contacts {
            by_phone.insert(c.phone.as_str(), c); // the last row of a phone wins
        }
        let unique: Vec<(&Contact, String)> = by_phone
            .into_values()
            .map(|c| (c, serde_json::to_string(&c.variables).unwrap_or_else(|_| "{}".into())))
            .collect();
        let _turn = self.write_turn().await;
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in unique.chunks(ROW_CHUNK) {
                let sql = format!(
                    "INSERT INTO contacts (phone, name, transfer, variables, updated_ms) VALUES {} \
                     ON CONFLICT (phone) DO UPDATE SET name = excluded.name, transfer = excluded.transfer, \
                     variables = excluded.variables, updated_ms = excluded.updated_ms",
                    placeholders(chunk.len(), 5)
                );
                let mut q = sqlx::query(&sql);
                for (c, vars) in chunk {
                    q = q
                        .bind(c.phone.as_str())
                        .bind(c.name.as_str())
                        .bind(c.transfer.as_deref())
                        .bind(vars.as_str())
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(unique.len())
        })
    }
}
