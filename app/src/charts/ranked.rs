//! Ranked bars: one region or kind per row, in the order given (the caller sorts) — names beside the bars on
//! a wide screen, above them on a phone, wrapped rather than cut.

use super::rows::{Layout, Row, rows};
use super::{ChartError, Drawing, NARROW, NARROW_FONT, WIDE, WIDE_FONT};
use plotters::style::RGBColor;

/// Horizontal bars, ranked as given.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    /// The label printed at the end of each bar (the formatted value).
    pub value_labels: Vec<String>,
    /// Fixed upper bound (1.0 for shares); from the data when `None`.
    pub max: Option<f64>,
    pub colour: RGBColor,
}

/// The width of the names' column on a wide screen.
const WIDE_LABELS: i32 = 230;

/// Draws ranked horizontal bars; `None` when there is nothing to draw.
pub fn ranked(r: &Ranked) -> Result<Option<Drawing>, ChartError> {
    let n = r.values.len();
    if n == 0 || r.labels.len() != n || r.value_labels.len() != n || r.values.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let max = r.max.unwrap_or_else(|| r.values.iter().copied().fold(0.0, f64::max));
    let all: Vec<Row> = (0..n)
        .map(|i| Row { label: r.labels[i].clone(), segments: vec![(r.values[i], r.colour)], value_label: r.value_labels[i].clone() })
        .collect();
    let wide = rows(&r.title, &all, Layout { width: WIDE, font: WIDE_FONT, label_width: Some(WIDE_LABELS), max, outline: false }, &[])?;
    let narrow = rows(&r.title, &all, Layout { width: NARROW, font: NARROW_FONT, label_width: None, max, outline: false }, &[])?;
    Ok(Some(Drawing { wide, narrow: Some(narrow) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::ACCENT;

    #[test]
    fn long_names_keep_their_acronym_on_every_screen() {
        let r = Ranked {
            title: "t".into(),
            labels: vec!["Kalimantan Selatan".into(), "Early childhood education (PAUD) and family care".into()],
            values: vec![0.6, 0.0],
            value_labels: vec!["60.0%".into(), "0.0%".into()],
            max: Some(1.0),
            colour: ACCENT,
        };
        let d = ranked(&r).unwrap().unwrap();
        for svg in [d.wide, d.narrow.unwrap()] {
            assert!(svg.contains(">\n60.0%\n</text>") && svg.contains("(PAUD)"), "{svg}");
            assert!(!svg.contains('…'));
        }
        assert!(ranked(&Ranked { values: vec![], labels: vec![], value_labels: vec![], ..r }).unwrap().is_none());
    }
}
