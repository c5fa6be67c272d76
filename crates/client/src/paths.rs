//! The seed 001 endpoint paths the client calls, each configurable
//! ([`CallCenterPaths`], the document's literal text by default), checked before use.

pub use kefu_protocol::callcenter::CallCenterPaths;

use crate::ClientError;

/// Checks that every path is an absolute path and nothing more
/// ([`kefu_protocol::callcenter::is_plain_path`]); the error names the option.
pub fn validate(paths: &CallCenterPaths) -> Result<(), ClientError> {
    match paths.first_unusable() {
        Some((at, path)) => {
            Err(ClientError::InvalidPath { name: CallCenterPaths::OPTION_NAMES[at], path: path.to_owned() })
        }
        None => Ok(()),
    }
}
