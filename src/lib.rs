//! Kafka Delivery Lab in the browser: a Yew app that draws the engine's trace.
//!
//! The app holds a scenario and its run (see [`store`]); the cluster drawing, the verdict
//! and the trace are views of the run at the play position. It never simulates by itself.

#![forbid(unsafe_code)]

pub mod app;
pub mod components;
pub mod deferred_drop;
pub mod drag;
pub mod edit;
pub mod frame_clock;
pub mod geometry;
pub mod hooks;
pub mod link;
pub mod opening;
pub mod panic_panel;
pub mod presets;
pub mod rerun;
pub mod scenario_link;
pub mod settings;
pub mod store;
pub mod texts;
pub mod view_cache;

/// Starts the app in the page's `<body>`.
pub fn start() {
    panic_panel::install();
    yew::Renderer::<app::App>::new().render();
}
