//! Dragging a fault from the palette onto the drawing with pointer events (mouse, pen and
//! touch alike). The chip captures the pointer when pressed, so it receives every move and
//! the release wherever they happen; on release the node or link under the pointer — the
//! nearest element with `data-node` or `data-link` — receives the fault.

use crate::edit::{FaultKind, Target};

/// A drag in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drag {
    /// The fault being dragged.
    pub kind: FaultKind,
    /// Where the press started (client coordinates).
    pub start: (i32, i32),
    /// Where the pointer is now.
    pub at: (i32, i32),
    /// Whether it has travelled far enough to be a drag rather than a click.
    pub moved: bool,
}

/// Pixels a pointer must travel before a press becomes a drag.
const DRAG_THRESHOLD: i32 = 5;

impl Drag {
    /// A press on the chip of `kind` at `at`.
    pub fn start(kind: FaultKind, at: (i32, i32)) -> Drag {
        Drag {
            kind,
            start: at,
            at,
            moved: false,
        }
    }

    /// The pointer moved to `at`.
    pub fn to(self, at: (i32, i32)) -> Drag {
        let far = (at.0 - self.start.0).abs() + (at.1 - self.start.1).abs() > DRAG_THRESHOLD;
        Drag {
            at,
            moved: self.moved || far,
            ..self
        }
    }
}

/// The node or link drawn at client point `(x, y)`, if any.
pub fn target_at(x: i32, y: i32) -> Option<Target> {
    let document = gloo::utils::window().document()?;
    let hit = document.element_from_point(x as f32, y as f32)?;
    let element = hit.closest("[data-node], [data-link]").ok()??;
    let attr = element
        .get_attribute("data-node")
        .or_else(|| element.get_attribute("data-link"))?;
    Target::parse(&attr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_press_becomes_a_drag_only_after_a_few_pixels() {
        let d = Drag::start(FaultKind::Crash, (100, 100));
        assert!(!d.to((102, 101)).moved, "a jitter is still a click");
        let far = d.to((140, 100));
        assert!(far.moved);
        assert!(far.to((100, 100)).moved, "once a drag, always a drag");
    }
}
