//! The seed 001 endpoint paths the client calls, each configurable.
//!
//! Seed 001 lists `POST /aicall/stopTasks` while its other endpoints live under `/api/aicall/`;
//! whether that is the server's real path or a slip of the document, only a deployment can say.
//! So every seed 001 path can be set, and each defaults to the document's literal text.

use kefu_protocol::callcenter::{
    CALLTASK_LIST_PATH, CREATE_TASKS_PATH, RECORDINGS_PATH, RECORDS_LIST_PATH, STOP_TASKS_PATH,
};

use crate::ClientError;

/// Where the client sends each seed 001 call (on the proxy). [`CallCenterPaths::default`] is the
/// document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallCenterPaths {
    /// `records/list` (default `/api/aicall/records/list`).
    pub records_list: String,
    /// `calltask/list` (default `/api/aicall/calltask/list`).
    pub calltask_list: String,
    /// `createTasks` (default `/api/aicall/createTasks`).
    pub create_tasks: String,
    /// `stopTasks` (default `/aicall/stopTasks`, without `/api`, as the document lists it).
    pub stop_tasks: String,
    /// Recording downloads (default `/recordings/files`).
    pub recordings: String,
}

impl Default for CallCenterPaths {
    fn default() -> Self {
        CallCenterPaths {
            records_list: RECORDS_LIST_PATH.into(),
            calltask_list: CALLTASK_LIST_PATH.into(),
            create_tasks: CREATE_TASKS_PATH.into(),
            stop_tasks: STOP_TASKS_PATH.into(),
            recordings: RECORDINGS_PATH.into(),
        }
    }
}

impl CallCenterPaths {
    /// Checks that every path is an absolute path and nothing more: it starts with `/`, and has
    /// no query, fragment, `..` segment, whitespace or control character.
    pub fn validate(&self) -> Result<(), ClientError> {
        for (name, path) in [
            ("recordsList", &self.records_list),
            ("callTaskList", &self.calltask_list),
            ("createTasks", &self.create_tasks),
            ("stopTasks", &self.stop_tasks),
            ("recordings", &self.recordings),
        ] {
            let bad = !path.starts_with('/')
                || path.starts_with("//")
                || path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#')
                || path.split('/').any(|segment| segment == "..");
            if bad {
                return Err(ClientError::InvalidPath { name, path: path.clone() });
            }
        }
        Ok(())
    }
}
