//! Stacked bars: one segment per series (with a legend), one bar per category or several side by side in a
//! category (published totals beside recorded data), each tagged — vertical on a wide screen, rows on a phone.

use super::rows::{Layout, Row, draw_legend, legend_of, rows};
use super::{ChartError, Drawing, NARROW, NARROW_FONT, WIDE, WIDE_FONT, WIDE_HEIGHT, WIDE_SMALL_FONT, err, svg, text_width, y_top};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone)]
pub struct Stacked {
    pub title: String,
    /// The categories' names, under the axis.
    pub labels: Vec<String>,
    /// (series name, colour, one value per bar). Every segment is outlined, so a white series shows.
    pub series: Vec<(String, RGBColor, Vec<f64>)>,
    pub y_label: String,
    /// Per bar: its category and the tag written above it. Empty: one untagged bar per category.
    pub bars: Vec<(usize, String)>,
    /// Per bar, its total as the reader's language writes it (a phone's rows end in it). Empty: the total,
    /// rounded to a whole number.
    pub value_labels: Vec<String>,
}

/// Draws stacked bars; `None` when there is nothing to draw.
pub fn stacked(s: &Stacked) -> Result<Option<Drawing>, ChartError> {
    let n = s.labels.len();
    let bars: Vec<(usize, String)> = if s.bars.is_empty() { (0..n).map(|i| (i, String::new())).collect() } else { s.bars.clone() };
    let m = bars.len();
    if n == 0
        || bars.iter().any(|(c, _)| *c >= n)
        || s.series.iter().any(|(_, _, v)| v.len() != m || v.iter().any(|x| !x.is_finite() || *x < 0.0))
    {
        return Ok(None);
    }
    let totals: Vec<f64> = (0..m).map(|i| s.series.iter().map(|(_, _, v)| v[i]).sum()).collect();
    let legend: Vec<(String, RGBColor)> = s.series.iter().map(|(name, c, _)| (name.clone(), *c)).collect();
    let wide = draw_wide(s, &bars, &totals, &legend)?;
    let narrow_rows: Vec<Row> = bars
        .iter()
        .enumerate()
        .map(|(i, (c, tag))| Row {
            label: if tag.is_empty() { s.labels[*c].clone() } else { format!("{} · {tag}", s.labels[*c]) },
            segments: s.series.iter().map(|(_, colour, v)| (v[i], *colour)).collect(),
            value_label: s.value_labels.get(i).cloned().unwrap_or_else(|| format!("{:.0}", totals[i])),
        })
        .collect();
    let label_width = narrow_rows.iter().map(|r| text_width(&r.label, NARROW_FONT)).max().unwrap_or(0).min(NARROW as i32 / 2);
    let max = totals.iter().copied().fold(0.0, f64::max);
    let layout = Layout { width: NARROW, font: NARROW_FONT, label_width: Some(label_width), max, outline: true };
    let narrow = rows(&s.title, &narrow_rows, layout, &legend)?;
    Ok(Some(Drawing { wide, narrow: Some(narrow) }))
}

fn draw_wide(s: &Stacked, bars: &[(usize, String)], totals: &[f64], legend: &[(String, RGBColor)]) -> Result<String, ChartError> {
    // A segmented axis needs two categories at least: a single category stands in the middle of three slots.
    if s.labels.len() == 1 {
        let padded = Stacked { labels: vec![String::new(), s.labels[0].clone(), String::new()], ..s.clone() };
        let shifted: Vec<(usize, String)> = bars.iter().map(|(c, t)| (c + 1, t.clone())).collect();
        return draw_wide(&padded, &shifted, totals, legend);
    }
    let (n, m) = (s.labels.len(), bars.len());
    // Each bar's place in its category: (position, bars in the category).
    let places: Vec<(usize, usize)> = bars
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (bars[..i].iter().filter(|(o, _)| o == c).count(), bars.iter().filter(|(o, _)| o == c).count()))
        .collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    // Tags stand upright above their bars; the plot leaves room for the longest.
    let tag_room = bars.iter().map(|(_, t)| text_width(t, WIDE_SMALL_FONT)).max().unwrap_or(0);
    let legend_at = legend_of(legend, WIDE as i32, WIDE_SMALL_FONT);
    let legend_h = legend_at.height + 8;
    svg((WIDE, WIDE_HEIGHT + tag_room as u32 + legend_h as u32), &s.title, |root| {
        let (plot, _) = root.split_vertically(WIDE_HEIGHT + tag_room as u32);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_top(12 + tag_room)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d((0..(n as i32 - 1).max(1)).into_segmented(), 0f64..if max < 6.0 { max.ceil() + 1.0 } else { y_top(max) })
            .map_err(err)?;
        let labels = s.labels.clone();
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .y_desc(s.y_label.as_str())
            .y_labels(if max < 6.0 { max.ceil() as usize + 2 } else { 6 })
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .x_labels(n)
            .x_label_formatter(&move |v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", WIDE_FONT))
            .axis_desc_style(("sans-serif", WIDE_FONT))
            .draw()
            .map_err(err)?;
        // Bars sharing a category split its width (less 6 px each side and 3 px between them), in pixels.
        let seg_w = {
            let a = chart.backend_coord(&(SegmentValue::Exact(0), 0.0)).0;
            let b = chart.backend_coord(&(SegmentValue::Exact(1), 0.0)).0;
            (b - a).max(1)
        };
        let margins = |(j, k): (usize, usize)| -> (u32, u32) {
            let (k, j) = (k as i32, j as i32);
            let w = ((seg_w - 12 - 3 * (k - 1)) / k).max(1);
            let left = 6 + j * (w + 3);
            (left.max(0) as u32, (seg_w - left - w).max(0) as u32)
        };
        let mut base = vec![0.0; m];
        for (_, colour, values) in &s.series {
            for (i, &v) in values.iter().enumerate().filter(|(_, v)| **v > 0.0) {
                let c = bars[i].0 as i32;
                let (l, rt) = margins(places[i]);
                for style in [colour.filled(), BLACK.mix(0.5).stroke_width(1)] {
                    let mut r = Rectangle::new([(SegmentValue::Exact(c), base[i]), (SegmentValue::Exact(c + 1), base[i] + v)], style);
                    r.set_margin(0, 0, l, rt);
                    chart.draw_series(std::iter::once(r)).map_err(err)?;
                }
            }
            for (b, v) in base.iter_mut().zip(values) {
                *b += v;
            }
        }
        // Each tag upright above its bar.
        for (i, (c, tag)) in bars.iter().enumerate().filter(|(_, (_, t))| !t.is_empty()) {
            let (l, rt) = margins(places[i]);
            let (x0, y) = chart.backend_coord(&(SegmentValue::Exact(*c as i32), totals[i]));
            let x = x0 + l as i32 + (seg_w - l as i32 - rt as i32) / 2;
            let style = TextStyle::from(("sans-serif", WIDE_SMALL_FONT).into_font().transform(FontTransform::Rotate270))
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(tag.clone(), (x, y - 4), style)).map_err(err)?;
        }
        draw_legend(root, legend, &legend_at, (WIDE_HEIGHT + tag_room as u32) as i32 + 8, WIDE_SMALL_FONT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::PREDICATE_COLOURS;

    #[test]
    fn stacked_bars_draw_every_label_on_both_screens() {
        let s = Stacked {
            title: "t".into(),
            labels: vec!["2023".into(), "2025".into()],
            series: vec![
                ("Pratama".into(), PREDICATE_COLOURS[1], vec![135.0, 139.0]),
                ("Madya".into(), PREDICATE_COLOURS[2], vec![130.0, 0.0]),
            ],
            y_label: "kab/kota".into(),
            bars: vec![],
            value_labels: vec![],
        };
        let d = stacked(&s).unwrap().unwrap();
        for svg in [&d.wide, d.narrow.as_ref().unwrap()] {
            assert!(svg.contains(">\n2025\n</text>") && svg.contains(">\nMadya\n</text>"));
        }
        assert!(d.narrow.unwrap().contains(">\n265\n</text>"), "a phone's row ends in the bar's total");
        // Two bars side by side in one category, each tagged.
        let paired = Stacked {
            labels: vec!["2018".into()],
            series: vec![("Pratama".into(), PREDICATE_COLOURS[1], vec![177.0, 120.0])],
            bars: vec![(0, "resmi".into()), (0, "data".into())],
            ..s.clone()
        };
        let d = stacked(&paired).unwrap().unwrap();
        assert!(d.wide.contains(">\nresmi\n</text>") && d.wide.contains(">\ndata\n</text>"));
        assert!(d.narrow.as_ref().unwrap().contains(">\n2018 · resmi\n</text>"));
        assert_eq!(d.wide.matches("fill=\"#7AD151\"").count(), 3, "both bars and the legend's swatch");
        assert!(stacked(&Stacked { bars: vec![(1, String::new())], ..paired }).unwrap().is_none(), "a bar outside the categories");
    }
}
