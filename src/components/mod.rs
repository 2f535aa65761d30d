//! The page's components, one per file.

pub mod also_set;
pub mod broker_box;
pub mod config_name;
pub mod consumer_box;
pub mod controller_box;
pub mod failures;
pub mod fault_palette;
pub mod foldable;
pub mod icon;
pub mod legend;
pub mod log_cells;
pub mod playback;
pub mod prediction;
pub mod record_lanes;
pub mod record_timeline;
pub mod replica_history;
pub mod scenario_file;
pub mod scenario_picker;
pub mod selectable;
pub mod settings_panel;
pub mod topology;
pub mod trace_list;
pub mod verdict;
pub mod whole_run;
