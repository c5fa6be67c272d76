//! Sets `cfg(js_api)` when the `js` feature is on and the target is wasm32: only then do the
//! wire types take their JavaScript names (see the crate documentation). A native build never
//! does, even when Cargo unifies the feature into it (`cargo test -p kefu-client` builds
//! kefu-sandbox beside the client, and the sandbox must answer with the documents' names).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(js_api)");
    let js = std::env::var_os("CARGO_FEATURE_JS").is_some();
    let wasm32 = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if js && wasm32 {
        println!("cargo::rustc-cfg=js_api");
    }
}
