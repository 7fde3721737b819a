//! Entry point: mounts the app and nothing else.

fn main() {
    #[cfg(target_arch = "wasm32")]
    leptos::mount::mount_to_body(erpnet_spa::app::App);
}
