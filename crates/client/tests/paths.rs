//! The seed 001 paths: the document's text by default, each configurable, bad ones refused.
#![cfg(not(target_arch = "wasm32"))]

use kefu_client::paths::validate;
use kefu_client::{CallCenterPaths, ClientError};

#[test]
fn the_defaults_are_the_documents_literal_text() {
    let d = CallCenterPaths::default();
    assert_eq!(d.records_list, "/api/aicall/records/list");
    assert_eq!(d.calltask_list, "/api/aicall/calltask/list");
    assert_eq!(d.create_tasks, "/api/aicall/createTasks");
    assert_eq!(d.stop_tasks, "/aicall/stopTasks", "as listed, without /api");
    assert_eq!(d.recordings, "/recordings/files");
    assert_eq!(validate(&d), Ok(()));
}

#[test]
fn another_reading_can_be_configured() {
    let paths = CallCenterPaths { stop_tasks: "/api/aicall/stopTasks".into(), ..CallCenterPaths::default() };
    assert_eq!(validate(&paths), Ok(()));
    let prefixed = CallCenterPaths {
        records_list: "/cc/api/aicall/records/list".into(),
        recordings: "/cc/recordings/files".into(),
        ..CallCenterPaths::default()
    };
    assert_eq!(validate(&prefixed), Ok(()));
}

#[test]
fn paths_that_are_not_plain_absolute_paths_are_refused() {
    for bad in [
        "aicall/stopTasks",
        "",
        "//evil.example/aicall/stopTasks",
        "/aicall/stopTasks?x=1",
        "/aicall/stopTasks#x",
        "/api/../admin",
        "/aicall/stop Tasks",
        "/aicall/\nstopTasks",
        "https://evil.example/aicall/stopTasks",
    ] {
        let paths = CallCenterPaths { stop_tasks: bad.into(), ..CallCenterPaths::default() };
        match validate(&paths) {
            Err(ClientError::InvalidPath { name, path }) => {
                assert_eq!((name, path.as_str()), ("stopTasks", bad));
            }
            other => panic!("{bad:?} was not refused: {other:?}"),
        }
    }
}
