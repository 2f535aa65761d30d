//! `use_animation_frame`: calls back once per display frame while active.
//!
//! It only reports elapsed real time; the store turns that into a new play position. A long
//! gap (a background tab, a debugger pause) is capped so playback never jumps (RaftScope's
//! rule: skip frames after a long pause).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Longest real time one frame may report, in milliseconds.
const MAX_FRAME_MS: f64 = 100.0;

type FrameClosure = Closure<dyn FnMut(f64)>;

/// While `active`, emits the milliseconds elapsed since the previous frame, every frame.
#[hook]
pub fn use_animation_frame(active: bool, on_frame: Callback<u64>) {
    use_effect_with(active, move |active| {
        let running = Rc::new(Cell::new(*active));
        let slot: Rc<RefCell<Option<FrameClosure>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(None::<i32>));
        if *active {
            let last = Cell::new(None::<f64>);
            let (slot_in, running_in, id_in) = (slot.clone(), running.clone(), request_id.clone());
            let closure = Closure::<dyn FnMut(f64)>::new(move |timestamp: f64| {
                if !running_in.get() {
                    return;
                }
                let elapsed = last
                    .get()
                    .map_or(0.0, |l| (timestamp - l).clamp(0.0, MAX_FRAME_MS));
                last.set(Some(timestamp));
                on_frame.emit(elapsed.round() as u64);
                if running_in.get() {
                    id_in.set(request(slot_in.borrow().as_ref()));
                }
            });
            request_id.set(request(Some(&closure)));
            *slot.borrow_mut() = Some(closure);
        }
        move || {
            running.set(false);
            if let (Some(id), Some(window)) = (request_id.get(), web_sys::window()) {
                let _ = window.cancel_animation_frame(id);
            }
            // The cleanup may run from inside the closure's own call (a frame that ends
            // playback), so the closure is dropped on a later task, never during its call.
            let closure = slot.borrow_mut().take();
            wasm_bindgen_futures::spawn_local(async move { drop(closure) });
        }
    });
}

fn request(closure: Option<&FrameClosure>) -> Option<i32> {
    let window = web_sys::window()?;
    window
        .request_animation_frame(closure?.as_ref().unchecked_ref())
        .ok()
}
