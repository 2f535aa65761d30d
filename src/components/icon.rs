//! Transport icons as inline SVG: font glyphs such as ⏮ are missing on many systems.

use yew::prelude::*;

/// Which icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    /// Back to the start.
    Rewind,
    /// One event back.
    StepBack,
    /// Play.
    Play,
    /// Pause.
    Pause,
    /// One event forward.
    StepForward,
    /// To the end.
    End,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Rewind => "M5 4h2.5v16H5zM19 4 9 12l10 8z",
            Icon::StepBack => "M15 4 5 12l10 8zM17 4h2.5v16H17z",
            Icon::Play => "M7 4l13 8-13 8z",
            Icon::Pause => "M6 4h4v16H6zM14 4h4v16h-4z",
            Icon::StepForward => "M4.5 4H7v16H4.5zM9 4l10 8-10 8z",
            Icon::End => "M5 4l10 8-10 8zM16.5 4H19v16h-2.5z",
        }
    }
}

/// Draws `icon` at the current text colour; hidden from screen readers (buttons carry labels).
pub fn icon(icon: Icon) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d={icon.path()} fill="currentColor" />
        </svg>
    }
}
