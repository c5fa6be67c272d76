//! Receives the bot platform's callbacks (seed 002 §7–9) durably and exactly once, and serves
//! what arrived to operators.
//!
//! - [`Store`]: SQLite (`sqlite:PATH`, the default) or PostgreSQL (`postgres://…`), migrations
//!   applied at [`Store::open`];
//! - [`Receiver`]: the push routes (`POST /callbacks/{token}`, `POST /callbacks/{token}/inbound`)
//!   and, separately, the operators' result routes (`GET /kefu/v1/tasks`, …) as axum routers;
//! - [`contacts`]: the §9 contacts directory's import from CSV or XLSX (also an operator route,
//!   `POST /kefu/v1/contacts`, beside `GET /kefu/v1/contacts` and `PUT /kefu/v1/contacts/{phone}`).

pub mod contacts;
mod directory;
mod error;
mod receiver;
mod results;
pub mod settings;
mod store;

pub use error::{Error, Result};
pub use receiver::{PeerAddr, Receiver};
pub use results::CSV_HEADER;
pub use settings::Settings;
pub use store::{CallFilter, Contact, Counts, PushOutcome, Store};
