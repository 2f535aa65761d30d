//! The page's clock, in milliseconds, for sharing an animation frame's time between a re-run
//! and the redraw. It decides only how much of a re-run one frame handles, never what the
//! run produces: the engine itself has no clock, and a re-run sliced any way gives the same
//! trace.

/// Milliseconds since an arbitrary origin: `performance.now()` in the browser, a monotonic
/// clock elsewhere (the native unit tests).
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::sync::OnceLock;
        use std::time::Instant;
        static ORIGIN: OnceLock<Instant> = OnceLock::new();
        ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
}
