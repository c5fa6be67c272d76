//! kefu-sandbox: a local implementation of the bot platform's documented contract.
//!
//! [`app`] serves every client→platform endpoint of the three documents with their paths,
//! methods, bodies and envelopes: seed 002's chat sessions (run by a scripted [`bot::Bot`]) and
//! outbound tasks (uploaded batches are called and pushed to the task's `team_url` as §7–8
//! callbacks, retried as the document says), seed 000's outbound calls (simulated jobs that
//! progress over time), and seed 001's call-center (records, tasks, recordings). Seed 002
//! routes check the `Authorization` signature exactly as §3 describes.
#![doc = include_str!("../ERRORS.md")]

mod app;
pub mod auth;
pub mod bot;
mod callcenter;
mod campaign;
mod chat;
pub mod clock;
mod coeus;
pub mod error;
mod ids;
mod inbound;
mod numbers;
mod outbound;
mod pushes;
mod simcall;
mod state;
mod wav;

pub use app::app;
pub use clock::Clock;
pub use error::{ErrorStyle, Result, SandboxError};
pub use outbound::{phone_of, will_fail};
pub use state::Config;
