//! Work put off until the page has been redrawn.
//!
//! A workshop-sized run holds a quarter of a million trace facts; freeing them takes a few
//! milliseconds that a fault drop would otherwise spend before its redraw. The store hands
//! the replaced run here, and it is dropped from a zero-delay timeout, which the browser runs
//! after the current task (and its rendering) is done. A pending re-run's next slice is
//! scheduled the same way from an animation frame, so it never holds back that frame's paint.

use std::any::Any;

/// Drops `value` once the browser is done with the current task (at once off the browser).
pub fn after_redraw(value: Box<dyn Any>) {
    run_after_redraw(move || drop(value));
}

/// Calls `work` once the browser is done with the current task and its rendering (at once
/// off the browser).
pub fn run_after_redraw(work: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let closure = Closure::once_into_js(work);
        let scheduled = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), 0)
                .ok()
        });
        // Without a window the closure (and what it holds) is freed by the JS garbage
        // collector, never called.
        let _ = scheduled;
    }
    #[cfg(not(target_arch = "wasm32"))]
    work();
}
