//! Nodes of the drawing a fault can be dropped on: each carries `data-node` (what a drop
//! hit-tests for), takes the keyboard focus, and is selected by a click or Enter — the
//! keyboard way to aim a fault.

use delivery_lab_engine::ids::NodeId;
use yew::prelude::*;

/// The click and key handlers that select `node`.
pub fn handlers(
    node: NodeId,
    on_select: &Callback<NodeId>,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = on_select.clone();
    let key = on_select.clone();
    (
        Callback::from(move |_| click.emit(node)),
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                key.emit(node);
            }
        }),
    )
}
