//! The crate's one error type.

use kefu_client::ClientError;

/// Everything that can go wrong while setting the widget up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WidgetError {
    /// An option has a value the widget cannot use.
    #[error("kefu-widget: option {name}: {reason}")]
    Option {
        /// The option's `mount()` name.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The element to mount into is missing or unusable.
    #[error("kefu-widget: cannot mount: {0}")]
    Mount(String),
    /// The chat could not start.
    #[error("kefu-widget: {0}")]
    Client(#[from] ClientError),
}

/// `Result` with this crate's [`WidgetError`].
pub type Result<T, E = WidgetError> = std::result::Result<T, E>;
