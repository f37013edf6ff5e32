//! Bars: one value per category — vertical bars on a wide screen, rows on a phone.

use super::rows::{Layout, Row, rows};
use super::{ACCENT, ChartError, Drawing, NARROW, NARROW_FONT, WIDE, WIDE_FONT, WIDE_HEIGHT, err, svg, text_width, y_top};
use plotters::prelude::*;

/// Bars, one per category.
#[derive(Debug, Clone)]
pub struct Bars {
    /// The accessible name of the chart.
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    /// Each value as the reader's language writes it (shown at the end of a phone's rows).
    pub value_labels: Vec<String>,
    /// One colour per bar, outlined (they may be light); `ACCENT` for all when empty.
    pub colours: Vec<RGBColor>,
    pub y_label: String,
}

/// Draws the bars; `None` when there is nothing to draw (the page then says so in words).
pub fn bars(b: &Bars) -> Result<Option<Drawing>, ChartError> {
    let n = b.values.len();
    if n == 0 || b.labels.len() != n || b.value_labels.len() != n || b.values.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let wide = svg((WIDE, WIDE_HEIGHT), &b.title, |root| draw_wide(root, b))?;
    let colour = |i: usize| b.colours.get(i).copied().unwrap_or(ACCENT);
    let narrow_rows: Vec<Row> = (0..n)
        .map(|i| Row { label: b.labels[i].clone(), segments: vec![(b.values[i], colour(i))], value_label: b.value_labels[i].clone() })
        .collect();
    let label_width = b.labels.iter().map(|l| text_width(l, NARROW_FONT)).max().unwrap_or(0).min(NARROW as i32 / 2);
    let max = b.values.iter().copied().fold(0.0, f64::max);
    let layout = Layout { width: NARROW, font: NARROW_FONT, label_width: Some(label_width), max, outline: !b.colours.is_empty() };
    let narrow = rows(&b.title, &narrow_rows, layout, &[])?;
    Ok(Some(Drawing { wide, narrow: Some(narrow) }))
}

fn draw_wide(root: &super::Area<'_>, b: &Bars) -> Result<(), ChartError> {
    // A segmented axis needs two categories at least: a single bar stands in the middle of three slots.
    let padded;
    let b = if b.values.len() == 1 {
        padded = Bars {
            labels: vec![String::new(), b.labels[0].clone(), String::new()],
            values: vec![f64::NAN, b.values[0], f64::NAN],
            colours: if b.colours.is_empty() { vec![] } else { vec![ACCENT, b.colours[0], ACCENT] },
            ..b.clone()
        };
        &padded
    } else {
        b
    };
    let n = b.values.len() as i32;
    let max = b.values.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
    // Counts get whole-number ticks: with a small maximum, one tick per unit up to one above it.
    let integral = b.values.iter().filter(|v| v.is_finite()).all(|v| v.fract() == 0.0);
    let small = integral && max < 6.0;
    let top = if small { max + 1.0 } else { y_top(max) };
    let ticks = if small { max as usize + 2 } else { 6 };
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d((0..(n - 1).max(0)).into_segmented(), 0f64..top)
        .map_err(err)?;
    let labels = b.labels.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .y_desc(b.y_label.as_str())
        .y_labels(ticks)
        .y_label_formatter(&|v: &f64| if integral { format!("{v:.0}") } else { format!("{v:.1}") })
        .x_labels(b.labels.len())
        .x_label_formatter(&move |v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(("sans-serif", WIDE_FONT))
        .axis_desc_style(("sans-serif", WIDE_FONT))
        .draw()
        .map_err(err)?;
    let outlined = !b.colours.is_empty();
    let bar = |i: usize, v: f64, style: ShapeStyle| {
        let mut r = Rectangle::new([(SegmentValue::Exact(i as i32), 0.0), (SegmentValue::Exact(i as i32 + 1), v)], style);
        r.set_margin(0, 0, 6, 6);
        r
    };
    let shown = || b.values.iter().enumerate().filter(|(_, v)| v.is_finite());
    chart.draw_series(shown().map(|(i, &v)| bar(i, v, b.colours.get(i).copied().unwrap_or(ACCENT).filled()))).map_err(err)?;
    if outlined {
        chart.draw_series(shown().filter(|(_, v)| **v > 0.0).map(|(i, &v)| bar(i, v, BLACK.mix(0.5).stroke_width(1)))).map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Bars {
        Bars {
            title: "Pelatihan per tahun <Kalsel>".into(),
            labels: vec!["2023".into(), "2024".into(), "2025".into()],
            values: vec![3.0, 0.0, 1234.0],
            value_labels: vec!["3".into(), "0".into(), "1.234".into()],
            colours: vec![],
            y_label: "kegiatan".into(),
        }
    }

    #[test]
    fn both_drawings_carry_the_escaped_name_and_every_label() {
        let d = bars(&sample()).unwrap().unwrap();
        let narrow = d.narrow.expect("a phone drawing");
        for svg in [&d.wide, &narrow] {
            assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Pelatihan per tahun &lt;Kalsel&gt;\""));
            for l in ["2023", "2024", "2025"] {
                assert!(svg.contains(&format!(">\n{l}\n</text>")), "label {l} missing");
            }
        }
        assert!(narrow.contains(">\n1.234\n</text>"), "the phone's rows end in the value as the language writes it");
        assert!(d.wide.contains("width=\"640\"") && narrow.contains("width=\"300\""));
    }

    #[test]
    fn a_single_bar_is_drawn() {
        let mut b = sample();
        b.labels.truncate(1);
        b.values = vec![4.0];
        b.value_labels = vec!["4".into()];
        let d = bars(&b).unwrap().unwrap();
        assert!(d.wide.contains(">\n2023\n</text>"));
        assert_eq!(d.wide.matches("fill=\"#1F6F8B\"").count(), 1, "one bar in the accent colour");
    }

    #[test]
    fn empty_and_flat_data_do_not_panic() {
        let mut b = sample();
        b.values = vec![0.0, 0.0, 0.0];
        assert!(bars(&b).unwrap().is_some());
        b.values.clear();
        b.labels.clear();
        b.value_labels.clear();
        assert!(bars(&b).unwrap().is_none());
    }

    #[test]
    fn user_text_in_labels_is_escaped() {
        let mut b = sample();
        b.labels[0] = "<script>".into();
        let d = bars(&b).unwrap().unwrap();
        assert!(!d.wide.contains("<script>") && !d.narrow.unwrap().contains("<script>"));
    }
}
