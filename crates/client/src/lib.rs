//! kefu-client: a typed client for the bot platform, through kefu-proxy.
//!
//! The chat loop lives in [`conversation::Conversation`], a sans-I/O state machine: it takes the
//! platform's answers and says what to send next, so it is tested natively and driven by any
//! transport (fetch in the browser). It never holds the platform secret: requests go to the
//! proxy, which signs them.

pub mod conversation;
mod error;

pub use conversation::{
    Call, ChatOptions, Conversation, Delivery, Event, MessageId, Outgoing, Phase, Ticket,
};
pub use error::{ClientError, Failure};
