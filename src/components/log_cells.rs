//! One replica's log as a row of cells: one per record (its offset, record name, leader epoch
//! in the tooltip), filled below the high watermark (committed) and outlined above it, with
//! a mark on the records fsynced to disk rather than only in the page cache.
//!
//! Drawn for speed while playing: a cell's element stays as records append. Cells are keyed
//! by slot (offset modulo the row's length), so the record that enters the row reuses the
//! element of the one that left it; a cell is placed by its offset and the whole row by one
//! transform, so when the row moves on by half its length (`geometry::visible_cells`) only
//! that transform changes. Empty slots stay, hidden. One click handler serves the row.

use crate::geometry::RowMetrics;
use delivery_lab_engine::ids::RecordId;
use delivery_lab_engine::message::{ControlMarker, LogRecord};
use std::ops::Range;
use web_sys::Element;
use yew::prelude::*;

/// What a row of cells shows beyond its records.
pub struct CellRow<'a> {
    /// The row's corner, in the drawing.
    pub x: f64,
    /// The row's top, in the drawing.
    pub y: f64,
    /// Cell sizes.
    pub metrics: RowMetrics,
    /// How many cells the row has room for.
    pub slots: usize,
    /// The offsets drawn.
    pub offsets: Range<usize>,
    /// Offsets below it are committed.
    pub high_watermark: usize,
    /// Offsets below it are on disk.
    pub flushed: usize,
    /// Offsets below it are deleted by retention.
    pub log_start: usize,
    /// Whether cells carry their record's name and a tooltip (not while playing too fast to
    /// read them).
    pub details: bool,
    /// Show a record's timeline (click on its cell).
    pub on_select_record: &'a Callback<RecordId>,
}

/// The cells of the records in `entries` (those at `row.offsets`).
pub fn log_cells(entries: &[LogRecord], row: CellRow<'_>) -> Html {
    let RowMetrics { cell_h, cell_w, .. } = row.metrics;
    let parts = CellParts::new(row.metrics);
    let font_px = (cell_h * 0.42).clamp(10.0, 15.0);
    let font = AttrValue::from(format!("font-size: {font_px:.0}px"));
    // A name wider than its cell would spill over its neighbours: such cells go without
    // (their tooltip and the record's timeline still name it).
    let fits = label_fits(cell_w, font_px);
    let row_x = row.x - row.offsets.start as f64 * cell_w;
    let slots = slotted(entries, row.slots);
    html! {
        <g class="log-cells" transform={format!("translate({row_x} {})", row.y)}
           onclick={cell_clicks(slots.iter().map(|e| e.map(|e| e.record)).collect(), row.on_select_record)}>
        { for slots.iter().copied().enumerate().map(|(slot, entry)| {
            // An empty slot is kept, hidden, for the record that will fill it, with the same
            // parts as a cell (Yew would otherwise rebuild them when it fills).
            let offset = entry.map_or(0, |e| e.offset.0 as usize);
            let committed = offset < row.high_watermark;
            let on_disk = entry.is_some() && offset < row.flushed;
            let deleted = offset < row.log_start;
            let (label, kind) = match entry.map(|e| (e.control, e)) {
                None => (String::new(), Some("empty")),
                Some((Some(ControlMarker::Commit), _)) => ("C".to_string(), Some("marker marker-commit")),
                Some((Some(ControlMarker::Abort), _)) => ("A".to_string(), Some("marker marker-abort")),
                Some((None, e)) => (format!("r{}", e.record.0), e.transactional.then_some("transactional")),
            };
            let title = entry.filter(|_| row.details).map(|e| cell_title(e, committed, on_disk, deleted));
            let label = (row.details && fits(&label)).then_some(label);
            html! {
                <g key={slot} transform={format!("translate({} 0)", offset as f64 * cell_w)}
                   data-slot={slot.to_string()}
                   class={classes!("log-cell", entry.map(|_| if committed { "committed" } else { "uncommitted" }), kind, deleted.then_some("deleted"))}>
                    <rect x="1" width={parts.rect_w.clone()} height={parts.h.clone()} rx="3" />
                    if let Some(title) = title {
                        <title>{ title }</title>
                    }
                    if let Some(label) = label {
                        <text x={parts.text_x.clone()} y={parts.text_y.clone()} style={font.clone()}>{ label }</text>
                    }
                    if on_disk {
                        <rect class="on-disk" x="3" y={parts.disk_y.clone()} width={parts.disk_w.clone()} height="2.5" />
                    }
                </g>
            }
        }) }
        </g>
    }
}

/// A row's slots and the record drawn in each: a record goes in slot offset modulo `slots`
/// (the row's length), so the records of a row have distinct slots, and the element of a
/// slot is reused by the record that replaces its record in the row.
fn slotted(entries: &[LogRecord], slots: usize) -> Vec<Option<&LogRecord>> {
    let slots = slots.max(entries.len()).max(1);
    let mut by_slot: Vec<Option<&LogRecord>> = vec![None; slots];
    for entry in entries {
        by_slot[entry.offset.0 as usize % slots] = Some(entry);
    }
    by_slot
}

/// One click handler for a row's cells: the clicked cell's slot (`data-slot`, which never
/// changes for an element) names its record in `records`; the record's timeline opens
/// instead of selecting the broker.
fn cell_clicks(
    records: Vec<Option<RecordId>>,
    on_select_record: &Callback<RecordId>,
) -> Callback<MouseEvent> {
    let on_record = on_select_record.clone();
    Callback::from(move |e: MouseEvent| {
        let record = e
            .target_dyn_into::<Element>()
            .and_then(|t| t.closest("[data-slot]").ok().flatten())
            .and_then(|cell| cell.get_attribute("data-slot"))
            .and_then(|slot| slot.parse::<usize>().ok())
            .and_then(|slot| records.get(slot).copied().flatten());
        if let Some(record) = record {
            e.stop_propagation(); // the record, not the broker
            on_record.emit(record);
        }
    })
}

/// A log cell's tooltip: its offset, record, leader epoch, and whether it is committed and
/// on disk.
fn cell_title(entry: &LogRecord, committed: bool, on_disk: bool, deleted: bool) -> String {
    let what = match entry.control {
        Some(marker) => format!("{marker} marker ending a transaction"),
        None if entry.transactional => format!("record r{}, in a transaction", entry.record.0),
        None => format!("record r{}", entry.record.0),
    };
    format!(
        "offset {}: {what} (leader epoch {}){}{}{}",
        entry.offset.0,
        entry.leader_epoch.0,
        if deleted {
            ", deleted by retention (below the log start offset)"
        } else {
            ""
        },
        if committed {
            ", committed (below the high watermark)"
        } else {
            ", not yet committed"
        },
        if on_disk {
            ", on disk"
        } else {
            ", in the page cache only"
        },
    )
}

/// A log cell's parts, relative to its corner: the same for every cell of a row.
struct CellParts {
    rect_w: AttrValue,
    h: AttrValue,
    text_x: AttrValue,
    text_y: AttrValue,
    disk_y: AttrValue,
    disk_w: AttrValue,
}

impl CellParts {
    fn new(metrics: RowMetrics) -> CellParts {
        let RowMetrics { cell_h, cell_w, .. } = metrics;
        let attr = |v: f64| AttrValue::from(v.to_string());
        CellParts {
            rect_w: attr(cell_w - 3.0),
            h: attr(cell_h),
            text_x: attr(cell_w / 2.0 - 0.5),
            text_y: attr(cell_h / 2.0 + 4.0),
            disk_y: attr(cell_h - 4.0),
            disk_w: attr(cell_w - 7.0),
        }
    }
}

/// Whether a cell `cell_w` wide has room for a label in a `font_px` font (bold digits are
/// about 0.62 em wide).
fn label_fits(cell_w: f64, font_px: f64) -> impl Fn(&str) -> bool {
    let room = ((cell_w - 4.0) / (font_px * 0.62)).floor().max(0.0) as usize;
    move |label| label.chars().count() <= room
}

#[cfg(test)]
mod tests {
    use super::*;
    use delivery_lab_engine::ids::{LeaderEpoch, Offset};

    fn record(offset: u64) -> LogRecord {
        LogRecord {
            offset: Offset(offset),
            record: RecordId(offset as u32),
            leader_epoch: LeaderEpoch(0),
            producer: None,
            control: None,
            continues_batch: false,
            transactional: false,
        }
    }

    #[test]
    fn a_record_keeps_its_slot_as_the_row_moves_on() {
        let slots = 6;
        let row = |range: Range<u64>| -> Vec<(usize, Option<u64>)> {
            let entries: Vec<LogRecord> = range.map(record).collect();
            slotted(&entries, slots)
                .into_iter()
                .enumerate()
                .map(|(s, e)| (s, e.map(|e| e.offset.0)))
                .collect()
        };
        let before = row(3..9);
        let after = row(6..11);
        assert_eq!(before.len(), slots);
        assert_eq!(after.len(), slots, "empty slots stay");
        for offset in 6..9 {
            let slot_of =
                |r: &Vec<(usize, Option<u64>)>| r.iter().position(|(_, o)| *o == Some(offset));
            assert_eq!(slot_of(&before), slot_of(&after), "offset {offset}");
        }
        assert_eq!(
            after[(11 % slots as u64) as usize].1,
            None,
            "offset 11 is not appended yet"
        );
    }
}
