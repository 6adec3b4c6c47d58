//! Geometry of the report's inline SVG bar charts, computed here so the
//! template only places shapes. Bars are stacked by severity, so a chart shows
//! both how much was found and how bad it is.

/// Horizontal layout, in SVG user units.
const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 210.0;
const BAR_AREA: f64 = 370.0;
const ROW_HEIGHT: u32 = 26;
const BAR_HEIGHT: u32 = 18;
/// Labels longer than this are cut at the front (the end of a path says most).
const MAX_LABEL_CHARS: usize = 30;

/// One chart: rows of stacked bars.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub rows: Vec<BarRow>,
    pub width: f64,
    pub height: u32,
    pub label_x: f64,
}

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// The label as drawn (possibly shortened).
    pub label: String,
    /// The full label, for the tooltip.
    pub full_label: String,
    pub total: usize,
    pub y: u32,
    pub text_y: u32,
    pub bar_height: u32,
    pub segments: Vec<Segment>,
    /// Where the total is written, after the bar.
    pub total_x: f64,
}

/// One severity's part of a bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// CSS class: `error`, `warning` or `note`.
    pub class: &'static str,
    pub x: f64,
    pub width: f64,
    pub count: usize,
}

/// Counts of one bar by severity: error, warning, note.
pub type SeverityCounts = [usize; 3];

const CLASSES: [&str; 3] = ["error", "warning", "note"];

impl BarChart {
    /// Lays out `rows` (label, counts), scaled so the longest bar fills the area.
    pub fn stacked(rows: Vec<(String, SeverityCounts)>) -> BarChart {
        let max = rows
            .iter()
            .map(|(_, c)| c.iter().sum::<usize>())
            .max()
            .unwrap_or(0)
            .max(1);
        let scale = BAR_AREA / max as f64;
        let rows: Vec<BarRow> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, counts))| {
                let y = i as u32 * ROW_HEIGHT + 4;
                let mut x = LABEL_WIDTH;
                let segments = counts
                    .iter()
                    .zip(CLASSES)
                    .filter(|(&count, _)| count > 0)
                    .map(|(&count, class)| {
                        let width = count as f64 * scale;
                        let segment = Segment {
                            class,
                            x,
                            width,
                            count,
                        };
                        x += width;
                        segment
                    })
                    .collect();
                BarRow {
                    label: shorten(&label),
                    full_label: label,
                    total: counts.iter().sum(),
                    y,
                    text_y: y + BAR_HEIGHT - 4,
                    bar_height: BAR_HEIGHT,
                    segments,
                    total_x: x + 6.0,
                }
            })
            .collect();
        BarChart {
            height: rows.len() as u32 * ROW_HEIGHT + 8,
            rows,
            width: WIDTH,
            label_x: LABEL_WIDTH - 8.0,
        }
    }
}

fn shorten(label: &str) -> String {
    let count = label.chars().count();
    if count <= MAX_LABEL_CHARS {
        return label.to_string();
    }
    let tail: String = label.chars().skip(count - (MAX_LABEL_CHARS - 1)).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_bar_fills_the_area_and_segments_stack() {
        let chart = BarChart::stacked(vec![("a".to_string(), [1, 2, 1]), ("b".to_string(), [0, 2, 0])]);
        let a = &chart.rows[0];
        assert_eq!(a.total, 4);
        assert_eq!(a.segments.len(), 3);
        assert!((a.segments[0].x - LABEL_WIDTH).abs() < 1e-9);
        assert!((a.segments[1].x - (a.segments[0].x + a.segments[0].width)).abs() < 1e-9);
        let end = a.segments[2].x + a.segments[2].width;
        assert!((end - (LABEL_WIDTH + BAR_AREA)).abs() < 1e-9);
        let b = &chart.rows[1];
        assert_eq!(b.segments.len(), 1, "empty severities draw nothing");
        assert_eq!(b.segments[0].class, "warning");
        assert!((b.segments[0].width - BAR_AREA / 2.0).abs() < 1e-9);
        assert!(b.y > a.y);
    }

    #[test]
    fn long_labels_keep_their_end() {
        let label = "very/long/directory/path/that/goes/on/and/on/orders";
        let chart = BarChart::stacked(vec![(label.to_string(), [0, 1, 0])]);
        let row = &chart.rows[0];
        assert_eq!(row.label.chars().count(), MAX_LABEL_CHARS);
        assert!(row.label.starts_with('…') && row.label.ends_with("on/and/on/orders"));
        assert_eq!(row.full_label, label);
    }
}
