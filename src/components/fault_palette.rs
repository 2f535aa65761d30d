//! The fault palette: every fault the engine models, to drag onto a broker, the producer or
//! a consumer (pointer: mouse, pen or touch), or — with the keyboard — to apply to the node
//! selected in the drawing. Beside it, the fault plan with a remove button per fault.

use crate::edit::{FaultKind, Target};
use delivery_lab_engine::fault::ScheduledFault;
use yew::prelude::*;

/// Props of [`FaultPalette`].
#[derive(Properties, PartialEq)]
pub struct FaultPaletteProps {
    /// The node or link selected in the drawing, if any.
    pub selected: Option<Target>,
    /// Apply a fault to the selected node (click or keyboard).
    pub on_pick: Callback<FaultKind>,
    /// A pointer pressed a fault's chip, at client `(x, y)`.
    pub on_drag_start: Callback<(FaultKind, i32, i32)>,
    /// The pressed pointer moved to client `(x, y)`.
    pub on_drag_move: Callback<(i32, i32)>,
    /// The pointer was released at client `(x, y)` (none: the drag was cancelled).
    pub on_drag_end: Callback<Option<(i32, i32)>>,
    /// The fault plan.
    pub faults: Vec<ScheduledFault>,
    /// Remove fault `index` from the plan.
    pub on_remove: Callback<usize>,
}

/// The palette and the plan.
#[function_component(FaultPalette)]
pub fn fault_palette(props: &FaultPaletteProps) -> Html {
    let t = crate::texts::use_texts();
    let hint = match props.selected {
        Some(node) => (t.palette_hint_selected)(&node.to_string()),
        None => t.palette_hint.to_string(),
    };
    html! {
        <section class="fault-palette" aria-label="Faults">
            <div class="palette-row" role="toolbar" aria-label="Fault palette">
                { for FaultKind::ALL.iter().map(|&kind| {
                    let on_pick = props.on_pick.clone();
                    let on_drag_start = props.on_drag_start.clone();
                    let on_drag_move = props.on_drag_move.clone();
                    let on_drag_end = props.on_drag_end.clone();
                    let on_cancel = props.on_drag_end.clone();
                    let fits = props.selected.is_none_or(|n| kind.on(n).is_some());
                    let title = (t.fault_title)(kind);
                    html! {
                        <button type="button" class={classes!("fault-chip", (!fits).then_some("does-not-fit"))}
                                title={title} data-fault={kind.label()}
                                onclick={Callback::from(move |_| on_pick.emit(kind))}
                                onpointerdown={Callback::from(move |e: PointerEvent| {
                                    if e.is_primary() && e.button() == 0 {
                                        let chip = e.target_unchecked_into::<web_sys::Element>();
                                        let _ = chip.set_pointer_capture(e.pointer_id());
                                        on_drag_start.emit((kind, e.client_x(), e.client_y()));
                                    }
                                })}
                                onpointermove={Callback::from(move |e: PointerEvent| on_drag_move.emit((e.client_x(), e.client_y())))}
                                onpointerup={Callback::from(move |e: PointerEvent| on_drag_end.emit(Some((e.client_x(), e.client_y()))))}
                                onpointercancel={Callback::from(move |_| on_cancel.emit(None))}>
                            { (t.fault)(kind) }
                        </button>
                    }
                }) }
            </div>
            <p class="palette-hint" aria-live="polite">{ hint }</p>
            if !props.faults.is_empty() {
                <ol class="fault-plan" aria-label="Fault plan">
                    { for props.faults.iter().enumerate().map(|(i, f)| {
                        let on_remove = props.on_remove.clone();
                        let what = format!("{}ms — {}", f.at_ms, f.fault);
                        html! {
                            <li>
                                <span>{ what.clone() }</span>
                                <button type="button" class="remove-fault" aria-label={format!("Remove {what}")}
                                        title="Remove this fault"
                                        onclick={Callback::from(move |_| on_remove.emit(i))}>{"×"}</button>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}
