//! Rows: one category per row — its name, a bar (one or more stacked segments) and its value written at the
//! bar's end. Long names wrap instead of being cut. It is how every categorical chart reads on a phone, and
//! how ranked charts read everywhere.

use super::{Area, ChartError, chars_in, err, svg, text_width, wrap};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub label: String,
    /// Stacked segments, left to right: (value, colour).
    pub segments: Vec<(f64, RGBColor)>,
    /// Written after the bar (the formatted total).
    pub value_label: String,
}

/// How rows are laid out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    pub width: u32,
    pub font: u32,
    /// `Some(w)`: names in a column `w` units wide left of the bars; `None`: each name above its bar.
    pub label_width: Option<i32>,
    /// The value a full-length bar stands for.
    pub max: f64,
    /// Outline each segment (light colours on white).
    pub outline: bool,
}

const MARGIN: i32 = 8;
const GAP: i32 = 6;

/// A name's lines: wrapped to the room it has, at most three (the third cut with "…").
fn label_lines(label: &str, room: i32, font: u32) -> Vec<String> {
    let mut lines = wrap(label, chars_in(room, font));
    if lines.len() > 3 {
        lines.truncate(3);
        lines[2].push('…');
    }
    lines
}

/// Draws the rows, then a legend of (name, colour) swatches under them when `legend` is not empty.
pub(crate) fn rows(title: &str, rows: &[Row], layout: Layout, legend: &[(String, RGBColor)]) -> Result<String, ChartError> {
    let Layout { width, font, label_width, max, outline } = layout;
    let w = width as i32;
    let line = (font as f64 * 1.3).round() as i32;
    let bar_h = (font as i32).max(12);
    // Room for the longest value after a full bar.
    let value_w = rows.iter().map(|r| text_width(&r.value_label, font)).max().unwrap_or(0) + 6;
    let bar_x = label_width.map_or(MARGIN, |lw| lw + MARGIN);
    let bar_room = (w - bar_x - MARGIN - value_w).max(20) as f64;
    let label_room = label_width.unwrap_or(w - 2 * MARGIN);
    let laid: Vec<(Vec<String>, i32)> = rows
        .iter()
        .map(|r| {
            let lines = label_lines(&r.label, label_room, font);
            let n = lines.len() as i32;
            let h = match label_width {
                Some(_) => (n * line).max(bar_h),
                None => n * line + bar_h,
            };
            (lines, h)
        })
        .collect();
    let rows_h: i32 = laid.iter().map(|(_, h)| h + GAP).sum::<i32>() + MARGIN;
    let legend_rows = legend_of(legend, w, font);
    let legend_h = legend_rows.height;
    svg((width, (rows_h + legend_h).max(2 * MARGIN) as u32), title, |root| {
        let text = |anchor: HPos| TextStyle::from(("sans-serif", font).into_font()).pos(Pos::new(anchor, VPos::Top));
        let mut y = MARGIN;
        for (r, (lines, h)) in rows.iter().zip(&laid) {
            let bar_y = match label_width {
                // Beside the name: the bar centred on its first line.
                Some(lw) => {
                    for (i, l) in lines.iter().enumerate() {
                        root.draw(&Text::new(l.clone(), (lw, y + i as i32 * line), text(HPos::Right))).map_err(err)?;
                    }
                    y + (line - bar_h) / 2
                }
                None => {
                    for (i, l) in lines.iter().enumerate() {
                        root.draw(&Text::new(l.clone(), (MARGIN, y + i as i32 * line), text(HPos::Left))).map_err(err)?;
                    }
                    y + lines.len() as i32 * line
                }
            };
            let mut x = bar_x as f64;
            for &(v, colour) in r.segments.iter().filter(|(v, _)| *v > 0.0 && v.is_finite()) {
                let len = if max > 0.0 { (v / max).clamp(0.0, 1.0) * bar_room } else { 0.0 };
                let (x0, x1) = (x.round() as i32, (x + len).round() as i32);
                let x1 = x1.max(x0 + 1);
                root.draw(&Rectangle::new([(x0, bar_y), (x1, bar_y + bar_h)], colour.filled())).map_err(err)?;
                if outline {
                    root.draw(&Rectangle::new([(x0, bar_y), (x1, bar_y + bar_h)], BLACK.mix(0.5).stroke_width(1))).map_err(err)?;
                }
                x += len;
            }
            let end = (x.round() as i32).max(bar_x);
            root.draw(&Text::new(r.value_label.clone(), (end + 6, bar_y + (bar_h - font as i32) / 2), text(HPos::Left))).map_err(err)?;
            y += h + GAP;
        }
        draw_legend(root, legend, &legend_rows, rows_h, font)
    })
}

/// A legend laid out in rows: per entry its index, where its key goes and its name's lines.
pub(crate) struct LegendLayout {
    pub entries: Vec<(usize, (i32, i32), Vec<String>)>,
    /// Its height, 0 when it has no entry.
    pub height: i32,
}

/// Lays out `names` in rows `width` wide, each after a key `key` units wide; a name longer than a row wraps.
pub(crate) fn legend_layout(names: &[String], width: i32, font: u32, key: i32) -> LegendLayout {
    let line = (font as f64 * 1.2).round() as i32;
    let (mut x, mut y, mut row_h) = (MARGIN, 0, 0);
    let mut entries = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let lines = wrap(name, chars_in(width - 2 * MARGIN - key - 6, font));
        let w = key + 6 + lines.iter().map(|l| text_width(l, font)).max().unwrap_or(0);
        if x + w > width - MARGIN && x > MARGIN {
            (x, y, row_h) = (MARGIN, y + row_h + GAP, 0);
        }
        row_h = row_h.max(lines.len() as i32 * line);
        entries.push((i, (x, y), lines));
        x += w + 12;
    }
    let height = if entries.is_empty() { 0 } else { y + row_h + MARGIN };
    LegendLayout { entries, height }
}

/// The side of a legend's swatch: the height of a capital in a plotters font of size `font`.
pub(crate) fn swatch(font: u32) -> i32 {
    (font as f64 / 1.24).round() as i32
}

/// Draws a laid-out legend from `top`: each entry's name after its key, drawn by `key` at the key's corner.
pub(crate) fn draw_legend_with(
    root: &Area<'_>,
    layout: &LegendLayout,
    top: i32,
    font: u32,
    key_w: i32,
    key: impl Fn(usize, (i32, i32)) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    let line = (font as f64 * 1.2).round() as i32;
    for (i, (x, y), lines) in &layout.entries {
        key(*i, (*x, top + y + 2))?;
        for (k, l) in lines.iter().enumerate() {
            root.draw(&Text::new(l.clone(), (x + key_w + 6, top + y + k as i32 * line), ("sans-serif", font).into_font())).map_err(err)?;
        }
    }
    Ok(())
}

/// A legend of (name, colour): a swatch (outlined, so that white and light ones show) and a name each.
pub(crate) fn legend_of(legend: &[(String, RGBColor)], width: i32, font: u32) -> LegendLayout {
    let names: Vec<String> = legend.iter().map(|(n, _)| n.clone()).collect();
    legend_layout(&names, width, font, swatch(font))
}

/// Draws [`legend_of`]'s layout from `top`.
pub(crate) fn draw_legend(
    root: &Area<'_>,
    legend: &[(String, RGBColor)],
    layout: &LegendLayout,
    top: i32,
    font: u32,
) -> Result<(), ChartError> {
    let s = swatch(font);
    draw_legend_with(root, layout, top, font, s, |i, (x, y)| {
        root.draw(&Rectangle::new([(x, y), (x + s, y + s)], legend[i].1.filled())).map_err(err)?;
        root.draw(&Rectangle::new([(x, y), (x + s, y + s)], BLACK.mix(0.5).stroke_width(1))).map_err(err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{ACCENT, NARROW, NARROW_FONT};

    fn layout(label_width: Option<i32>) -> Layout {
        Layout { width: NARROW, font: NARROW_FONT, label_width, max: 10.0, outline: false }
    }

    #[test]
    fn every_row_has_its_whole_name_its_bar_and_its_value() {
        let rs = vec![
            Row { label: "Pendidikan anak usia dini (PAUD)".into(), segments: vec![(5.0, ACCENT)], value_label: "50,0%".into() },
            Row { label: "Puskesmas".into(), segments: vec![(0.0, ACCENT)], value_label: "0,0%".into() },
        ];
        for l in [None, Some(120)] {
            let svg = rows("t", &rs, layout(l), &[]).unwrap();
            assert!(svg.contains(">\n50,0%\n</text>") && svg.contains(">\n0,0%\n</text>"));
            assert!(svg.contains("(PAUD)"), "the acronym survives: {svg}");
            assert!(!svg.contains('…'));
        }
    }

    #[test]
    fn a_legend_wraps_and_the_drawing_grows_with_it() {
        let rs = vec![Row { label: "2024".into(), segments: vec![(3.0, ACCENT), (2.0, RGBColor(1, 2, 3))], value_label: "5".into() }];
        let one = rows("t", &rs, layout(Some(60)), &[("a".into(), ACCENT)]).unwrap();
        let legend: Vec<(String, RGBColor)> = (0..6).map(|i| (format!("keterangan nomor {i}"), ACCENT)).collect();
        let many = rows("t", &rs, layout(Some(60)), &legend).unwrap();
        let height = |s: &str| s.split("height=\"").nth(1).and_then(|h| h.split('"').next()).and_then(|h| h.parse::<u32>().ok()).unwrap();
        assert!(height(&many) > height(&one) + 40, "{} vs {}", height(&many), height(&one));
        assert!(many.contains(">\nketerangan nomor 5\n</text>"));
    }
}
