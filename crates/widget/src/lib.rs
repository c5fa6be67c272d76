//! kefu-widget: the chat that web pages embed.
//!
//! A Yew component on [`kefu_client`]: bot and user bubbles with safely rendered Markdown
//! ([`markdown`]), suggested questions, a typing indicator, hand-off and end notices, an error
//! banner with retry and per-message resend. The data side ([`transcript`], [`options`],
//! [`markdown`]) is plain Rust and tested natively; the DOM side ([`view`], [`embed`], and
//! `persist`, which keeps the conversation across reloads) runs in the browser and is exported to
//! JavaScript as `mount(element, options)`. The launcher, `<kefu-chat>` and the stylesheet are
//! hand-written JavaScript and CSS in `assets/`, so they show before the wasm loads.

#[cfg(target_arch = "wasm32")]
pub mod embed;
/// The allocator: talc, a few kilobytes smaller than Rust's default dlmalloc in the wasm.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod error;
pub mod i18n;
pub mod markdown;
pub mod options;
#[cfg(target_arch = "wasm32")]
pub mod persist;
pub mod transcript;
#[cfg(target_arch = "wasm32")]
pub mod view;

pub use error::{Result, WidgetError};
pub use i18n::Lang;
pub use options::WidgetOptions;
pub use transcript::{Entry, HostEvent, Transcript};
