//! The page's components, one per file.

pub mod broker_box;
pub mod consumer_box;
pub mod icon;
pub mod legend;
pub mod playback;
pub mod scenario_picker;
pub mod topology;
pub mod trace_list;
pub mod verdict;
