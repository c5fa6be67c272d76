//! kefu-widget: the chat that web pages embed.
//!
//! Yew components on [`kefu_client`]: bot and user bubbles with safely rendered Markdown
//! ([`markdown`]), suggested questions, a typing indicator, hand-off and end notices, an error
//! banner with retry and per-message resend. The data side ([`state`], which only
//! `State::reduce` changes, [`transcript`], [`host`]'s events, [`options`], [`markdown`]) is plain
//! Rust and tested natively; the DOM side (`components`, one a file, [`embed`], and `persist`,
//! which keeps the conversation across reloads) runs in the browser and is exported to JavaScript
//! as `mount(element, options)`. The launcher, `<kefu-chat>` and the stylesheet are
//! hand-written JavaScript and CSS in `assets/`, so they show before the wasm loads. [`tabs`]
//! lets the tabs of one conversation elect a leader that talks to the platform for all of them.

#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod embed;
/// The allocator: talc, a few kilobytes smaller than Rust's default dlmalloc in the wasm.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod error;
#[cfg(target_arch = "wasm32")]
pub mod extras;
pub mod host;
pub mod i18n;
#[cfg(target_arch = "wasm32")]
pub mod keep;
pub mod markdown;
pub mod options;
#[cfg(target_arch = "wasm32")]
pub mod persist;
pub mod state;
pub mod tabs;
pub mod transcript;
#[cfg(target_arch = "wasm32")]
pub mod voice;

pub use error::{Result, WidgetError};
pub use host::HostEvent;
pub use i18n::Lang;
pub use options::WidgetOptions;
pub use state::{Action, Effect, Mode, Rating, State};
pub use transcript::Entry;
