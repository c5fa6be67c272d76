//! kefu-console: the operators' web app, served by kefu-proxy under `/console/`.
//!
//! A Yew app (client-side rendering) on [`kefu_client`]'s Rust API. The shell ([`app`]) holds
//! the routes (hash routing: `#/campaigns`, `#/calls/{id}`, …), the navigation, the sign-in gate
//! ([`session`]) and the language switch ([`i18n`]); each page is one module under `pages/`.
//! What can be tested without a browser (routes, words, error texts) is plain Rust; the DOM side
//! compiles for wasm32 only. The page needs no inline script or style (`assets/index.html`
//! keeps the widget's strict CSP).

pub mod app;
#[cfg(target_arch = "wasm32")]
mod browser;
pub mod chart;
mod error;
#[cfg(target_arch = "wasm32")]
mod hooks;
pub mod i18n;
pub mod numbers;
#[cfg(target_arch = "wasm32")]
pub mod pages;
#[cfg(target_arch = "wasm32")]
pub mod session;
#[cfg(target_arch = "wasm32")]
mod signin;
#[cfg(target_arch = "wasm32")]
mod task;
pub mod text;
pub mod xlsx;

pub use error::{ConsoleError, Problem};
pub use i18n::Lang;

/// The allocator: talc, a few kilobytes smaller than Rust's default dlmalloc in the wasm.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Mounts the console on the page's `#console` element (or the body); runs when the wasm loads.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let document = web_sys::window().and_then(|w| w.document());
    let root = document.as_ref().and_then(|d| d.get_element_by_id("console"));
    match root {
        Some(root) => {
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
