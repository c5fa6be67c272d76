-- Tasks seen in pushes.
CREATE TABLE tasks (
    task_id TEXT PRIMARY KEY,
    task_name TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL,
    first_seen_ms BIGINT NOT NULL
);

-- §7 calls, exactly once by call_id.
CREATE TABLE calls (
    call_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    task_name TEXT NOT NULL DEFAULT '',
    call_sn TEXT NOT NULL,
    call_sn_name TEXT,
    bot_id TEXT NOT NULL DEFAULT '',
    bot_name TEXT NOT NULL DEFAULT '',
    num TEXT NOT NULL,
    state BIGINT NOT NULL,
    state_desc TEXT,
    start_time TEXT,
    answered_time TEXT,
    end_time TEXT,
    start_ms BIGINT,
    answered BIGINT NOT NULL,
    duration BIGINT,
    record_url TEXT,
    round BIGINT,
    hangup_by BIGINT,
    sms_state BIGINT,
    label TEXT NOT NULL,
    received_ms BIGINT NOT NULL
);
CREATE INDEX calls_by_task ON calls (task_id, start_ms, call_id);
CREATE INDEX calls_by_number ON calls (task_id, call_sn, num);

-- The dialog turns of each call, in order.
CREATE TABLE turns (
    call_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    dialog_type BIGINT,
    dialog_text TEXT NOT NULL,
    msg_time TEXT NOT NULL,
    intention_name TEXT NOT NULL,
    PRIMARY KEY (call_id, seq)
);

-- §8 intent grades, exactly once by (task_id, call_sn, num, recall_flag).
CREATE TABLE grades (
    task_id TEXT NOT NULL,
    call_sn TEXT NOT NULL,
    num TEXT NOT NULL,
    recall_flag BIGINT NOT NULL,
    degree_name TEXT NOT NULL,
    call_sn_name TEXT,
    label TEXT NOT NULL,
    received_ms BIGINT NOT NULL,
    PRIMARY KEY (task_id, call_sn, num, recall_flag)
);

-- §9 contacts directory.
CREATE TABLE contacts (
    phone TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    transfer TEXT,
    variables TEXT NOT NULL DEFAULT '{}',
    updated_ms BIGINT NOT NULL
);
