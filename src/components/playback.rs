//! Playback controls: play/pause, step, rewind, a scrubber over the whole run, and a speed
//! on a log scale. Every control has a keyboard shortcut, listed in its title.

use crate::components::icon::{Icon, icon};
use crate::store::SPEEDS;
use delivery_lab_engine::time::SimTime;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Playback`].
#[derive(Properties, PartialEq)]
pub struct PlaybackProps {
    /// The play position.
    pub position: SimTime,
    /// The end of the run.
    pub end: SimTime,
    /// Whether playback is running.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Play or pause.
    pub on_toggle: Callback<()>,
    /// Step one event forward.
    pub on_step_forward: Callback<()>,
    /// Step one event back.
    pub on_step_back: Callback<()>,
    /// Back to the start.
    pub on_rewind: Callback<()>,
    /// To the end.
    pub on_end: Callback<()>,
    /// Move to a time.
    pub on_seek: Callback<SimTime>,
    /// Choose a speed.
    pub on_speed: Callback<usize>,
    /// The fault plan: when each fault strikes, and what it is.
    pub faults: Vec<(SimTime, String)>,
    /// Remove fault `index` (Delete on its marker).
    #[prop_or_default]
    pub on_remove_fault: Callback<usize>,
    /// Move fault `index` to a time in ms (drag its marker, or ←/→ on it).
    #[prop_or_default]
    pub on_move_fault: Callback<(usize, u64)>,
}

/// ←/→ move a marker by a hundredth of the run (Shift: a tenth); Delete removes it.
fn marker_keys(
    index: usize,
    at: SimTime,
    end: SimTime,
    on_remove: Callback<usize>,
    on_move: Callback<(usize, u64)>,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let step_ms = (end.as_us() / 1_000 / if e.shift_key() { 10 } else { 100 }).max(1);
        let at_ms = at.as_us() / 1_000;
        match e.key().as_str() {
            "Delete" | "Backspace" => on_remove.emit(index),
            "ArrowLeft" => on_move.emit((index, at_ms.saturating_sub(step_ms))),
            "ArrowRight" => on_move.emit((index, at_ms + step_ms)),
            _ => return,
        }
        e.prevent_default();
    })
}

/// The transport bar.
#[function_component(Playback)]
pub fn playback(props: &PlaybackProps) -> Html {
    let t = crate::texts::use_texts();
    let button = |label: Icon, title: &'static str, cb: &Callback<()>| {
        let cb = cb.clone();
        html! {
            <button class="transport" type="button" title={title} aria-label={title}
                    onclick={Callback::from(move |_| cb.emit(()))}>{ icon(label) }</button>
        }
    };
    let on_seek = props.on_seek.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Ok(us) = input.value().parse::<u64>() {
            on_seek.emit(SimTime(us));
        }
    });
    let on_speed = props.on_speed.clone();
    let onchange = Callback::from(move |e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        if let Ok(i) = select.value().parse::<usize>() {
            on_speed.emit(i);
        }
    });
    let (play_label, play_title) = if props.playing {
        (Icon::Pause, t.pause)
    } else {
        (Icon::Play, t.play)
    };
    html! {
        <div class="playback" role="group" aria-label={t.playback}>
            { button(Icon::Rewind, t.rewind, &props.on_rewind) }
            { button(Icon::StepBack, t.step_back, &props.on_step_back) }
            { button(play_label, play_title, &props.on_toggle) }
            { button(Icon::StepForward, t.step_forward, &props.on_step_forward) }
            { button(Icon::End, t.to_end, &props.on_end) }
            <div class="timeline">
                <input class="scrubber" type="range" min="0" max={props.end.as_us().to_string()}
                       step="100" value={props.position.as_us().to_string()} aria-label={t.play_position}
                       aria-valuetext={props.position.to_string()} {oninput} />
                <div class="fault-markers">
                    { for props.faults.iter().enumerate().map(|(i, (at, what))| {
                        let end_us = props.end.as_us().max(1);
                        let left = 100.0 * at.as_us() as f64 / end_us as f64;
                        let on_seek = props.on_seek.clone();
                        let at = *at;
                        let label = (t.fault_marker)(what, &at.to_string());
                        let onkeydown = marker_keys(i, at, props.end, props.on_remove_fault.clone(), props.on_move_fault.clone());
                        let on_move = props.on_move_fault.clone();
                        let onpointerup = Callback::from(move |e: PointerEvent| {
                            // A marker dragged along the axis: where it was let go is its new time.
                            let Some(bar) = e.target_unchecked_into::<web_sys::Element>().parent_element() else { return };
                            let rect = bar.get_bounding_client_rect();
                            let x = f64::from(e.client_x()) - rect.left();
                            let moved_px = (x - rect.width() * left / 100.0).abs();
                            if rect.width() > 0.0 && moved_px > 6.0 {
                                let fraction = (x / rect.width()).clamp(0.0, 1.0);
                                on_move.emit((i, (fraction * end_us as f64 / 1_000.0) as u64));
                            }
                        });
                        html! {
                            <button type="button" class="fault-marker" style={format!("left: {left:.2}%")}
                                    title={label.clone()} aria-label={label} {onkeydown} {onpointerup}
                                    onpointerdown={Callback::from(|e: PointerEvent| {
                                        let el = e.target_unchecked_into::<web_sys::Element>();
                                        let _ = el.set_pointer_capture(e.pointer_id());
                                    })}
                                    onclick={Callback::from(move |_| on_seek.emit(at))}>{"⚡"}</button>
                        }
                    }) }
                </div>
            </div>
            <output class="clock" aria-live="off">{ format!("{} / {}", props.position, props.end) }</output>
            <label class="speed">
                <span class="speed-word">{ t.speed }</span>
                <select aria-label={t.playback_speed} {onchange}>
                    { for SPEEDS.iter().enumerate().map(|(i, (_, name))| html! {
                        <option value={i.to_string()} selected={i == props.speed}>{*name}</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
