//! A regency's predicate history on a score-band axis: per award year the predicate awarded as a box over its
//! band, the band of the self-assessment score outlined where it differs, and the score at each stage where it
//! is known — years across on a wide screen, one row per year on a phone. Drawn whether or not any score
//! exists (award lists publish predicates only).

use super::rows::{LegendLayout, draw_legend_with, legend_layout, swatch};
use super::{
    Area, ChartError, Drawing, NARROW, NARROW_FONT, PREDICATE_COLOURS, SERIES_COLOURS, WIDE, WIDE_FONT, WIDE_HEIGHT, WIDE_SMALL_FONT,
    dash_series, err, marker, svg,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One predicate band on the score axis: its name, the scores it spans, and its colour.
#[derive(Debug, Clone)]
pub struct BandSpan {
    pub label: String,
    pub min: f64,
    /// The next band's minimum (or the maximum score for the top band).
    pub max: f64,
    pub colour: RGBColor,
}

#[derive(Debug, Clone)]
pub struct PredicateHistory {
    pub title: String,
    pub years: Vec<i32>,
    /// The bands, lowest first.
    pub bands: Vec<BandSpan>,
    /// Per year: the band of the predicate awarded (`None`: no predicate, drawn below the lowest band).
    pub awarded: Vec<Option<usize>>,
    /// Per year: the band of the self-assessment score where it is not the predicate's (`Some(None)`: below
    /// every band), else `None`.
    pub self_band: Vec<Option<Option<usize>>>,
    /// (stage name, one score per year).
    pub series: Vec<(String, Vec<Option<f64>>)>,
    pub y_label: String,
    pub none_label: String,
    pub legend_predicate: String,
    pub legend_self_band: String,
}

/// The outline of the self-assessment band.
const SELF_COLOUR: RGBColor = SERIES_COLOURS[0];

/// What both drawings share: the score range, and the legend's entries (0 predicate box, 1 self-assessment
/// band, 2 + k stage k) for what is drawn.
struct Frame {
    bottom: f64,
    lowest: f64,
    top: f64,
    entries: Vec<(usize, String)>,
}

impl PredicateHistory {
    fn valid(&self) -> bool {
        let n = self.years.len();
        n > 0
            && !self.bands.is_empty()
            && self.awarded.len() == n
            && self.self_band.len() == n
            && self.series.iter().all(|(_, v)| v.len() == n && v.iter().flatten().all(|x| x.is_finite()))
    }

    fn frame(&self) -> Frame {
        let lowest = self.bands[0].min;
        let top = self.bands.iter().map(|b| b.max).fold(lowest, f64::max);
        // Room below the lowest band for "no predicate" and any lower score, in whole hundreds.
        let min_score = self.series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).fold(lowest - 100.0, f64::min);
        let bottom = ((min_score / 100.0).floor() * 100.0).max(0.0);
        let mut entries: Vec<(usize, String)> = vec![(0, self.legend_predicate.clone())];
        if self.self_band.iter().any(Option::is_some) {
            entries.push((1, self.legend_self_band.clone()));
        }
        for (k, (name, ys)) in self.series.iter().enumerate() {
            if ys.iter().any(Option::is_some) {
                entries.push((2 + k, name.clone()));
            }
        }
        Frame { bottom, lowest, top, entries }
    }

    /// The scores a band index stands for (`None`: below the lowest band).
    fn span(&self, f: &Frame, b: Option<usize>) -> (f64, f64) {
        b.and_then(|i| self.bands.get(i)).map_or((f.bottom, f.lowest), |b| (b.min, b.max))
    }

    fn label_of(&self, b: Option<usize>) -> String {
        b.and_then(|i| self.bands.get(i)).map_or_else(|| self.none_label.clone(), |b| b.label.clone())
    }
}

fn colour_of(b: Option<usize>) -> RGBColor {
    b.map_or(PREDICATE_COLOURS[0], |i| PREDICATE_COLOURS[(i + 1).min(5)])
}

/// Draws a predicate history; `None` when there is no year to draw.
pub fn predicate_history(h: &PredicateHistory) -> Result<Option<Drawing>, ChartError> {
    if !h.valid() {
        return Ok(None);
    }
    let f = h.frame();
    let mut wide = draw_wide(h, &f)?;
    let mut narrow = draw_narrow(h, &f)?;
    for k in 0..h.series.len() {
        wide = dash_series(wide, k);
        narrow = dash_series(narrow, k);
    }
    Ok(Some(Drawing { wide, narrow: Some(narrow) }))
}

/// A legend entry's key: a predicate box, the self-assessment outline, or a stage's dashed line and marker.
fn legend_key(area: &Area<'_>, kind: usize, (x, y): (i32, i32), s: i32) -> Result<(), ChartError> {
    match kind {
        0 => {
            area.draw(&Rectangle::new([(x, y), (x + s, y + s)], PREDICATE_COLOURS[2].filled())).map_err(err)?;
            area.draw(&Rectangle::new([(x, y), (x + s, y + s)], BLACK.mix(0.55).stroke_width(1))).map_err(err)
        }
        1 => area.draw(&Rectangle::new([(x + 1, y + 1), (x + s - 1, y + s - 1)], SELF_COLOUR.stroke_width(3))).map_err(err),
        k => {
            let colour = SERIES_COLOURS[(k - 2) % SERIES_COLOURS.len()];
            area.draw(&PathElement::new(vec![(x, y + s / 2), (x + 2 * s, y + s / 2)], colour.stroke_width(2))).map_err(err)?;
            marker(area, (x + s, y + s / 2), k - 2, colour)
        }
    }
}

/// The legend's entries laid out in rows `width` wide; each key is two swatches wide.
fn legend_layout_of(entries: &[(usize, String)], width: i32, font: u32) -> LegendLayout {
    let names: Vec<String> = entries.iter().map(|(_, n)| n.clone()).collect();
    legend_layout(&names, width, font, 2 * swatch(font))
}

/// Draws the legend laid out by [`legend_layout_of`] from `top`.
fn legend(area: &Area<'_>, entries: &[(usize, String)], layout: &LegendLayout, font: u32, top: i32) -> Result<(), ChartError> {
    let s = swatch(font);
    draw_legend_with(area, layout, top, font, 2 * s, |i, at| legend_key(area, entries[i].0, at, s))
}

fn draw_wide(h: &PredicateHistory, f: &Frame) -> Result<String, ChartError> {
    let n = h.years.len();
    // A single year stands in the middle of three slots, as a single bar does.
    let (slots, offset) = if n == 1 { (3, 1) } else { (n as i32, 0) };
    let slot = |i: usize| i as i32 + offset;
    let key = legend_layout_of(&f.entries, WIDE as i32, WIDE_SMALL_FONT);
    let legend_h = key.height + 8;
    svg((WIDE, WIDE_HEIGHT + legend_h as u32), &h.title, |root| {
        let (plot, _) = root.split_vertically(WIDE_HEIGHT);
        let years = h.years.clone();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(84)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d((0..slots - 1).into_segmented(), f.bottom..f.top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .y_desc(h.y_label.as_str())
            .y_labels(((f.top - f.bottom) / 100.0).round() as usize + 1)
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .x_labels(slots as usize)
            .x_label_formatter(&move |v| match v {
                SegmentValue::CenterOf(i) if *i >= offset => years.get((*i - offset) as usize).map(i32::to_string).unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", WIDE_FONT))
            .axis_desc_style(("sans-serif", WIDE_FONT))
            .draw()
            .map_err(err)?;
        let span = |lo: f64, hi: f64| [(SegmentValue::Exact(0), lo), (SegmentValue::Exact(slots), hi)];
        // The bands as pale stripes across the plot, named at the right edge.
        let none_band = BandSpan { label: h.none_label.clone(), min: f.bottom, max: f.lowest, colour: PREDICATE_COLOURS[0] };
        for (i, b) in std::iter::once(&none_band).chain(&h.bands).enumerate() {
            chart
                .draw_series(std::iter::once(Rectangle::new(span(b.min, b.max), b.colour.mix(if i == 0 { 0.25 } else { 0.22 }).filled())))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(SegmentValue::Exact(slots), (b.min + b.max) / 2.0));
            let style = TextStyle::from(("sans-serif", WIDE_SMALL_FONT).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(b.label.clone(), (px + 6, py), style)).map_err(err)?;
        }
        // The predicate awarded each year: a box over its band; the self-assessment band outlined apart.
        let boxed = |i: usize, b: Option<usize>, style: ShapeStyle, inset: (u32, u32)| {
            let (lo, hi) = h.span(f, b);
            let mut r = Rectangle::new([(SegmentValue::Exact(slot(i)), lo), (SegmentValue::Exact(slot(i) + 1), hi)], style);
            r.set_margin(inset.0, inset.0, inset.1, inset.1);
            r
        };
        chart.draw_series(h.awarded.iter().enumerate().map(|(i, &b)| boxed(i, b, colour_of(b).filled(), (1, 8)))).map_err(err)?;
        chart.draw_series(h.awarded.iter().enumerate().map(|(i, &b)| boxed(i, b, BLACK.mix(0.55).stroke_width(1), (1, 8)))).map_err(err)?;
        chart
            .draw_series(
                h.self_band
                    .iter()
                    .enumerate()
                    .filter_map(|(i, b)| b.map(|b| (i, b)))
                    .map(|(i, b)| boxed(i, b, SELF_COLOUR.stroke_width(3), (2, 5))),
            )
            .map_err(err)?;
        // The scores, where known: a line and a marker per stage, each stage shifted a little sideways so
        // that equal scores stay visible side by side.
        let stages = h.series.len() as i32;
        for (k, (_, ys)) in h.series.iter().enumerate() {
            let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
            let dx = (2 * k as i32 - (stages - 1)) * 4;
            let pts: Vec<(i32, i32)> = ys
                .iter()
                .enumerate()
                .filter_map(|(i, y)| y.map(|y| chart.backend_coord(&(SegmentValue::CenterOf(slot(i)), y))))
                .map(|(x, y)| (x + dx, y))
                .collect();
            if pts.len() > 1 {
                root.draw(&PathElement::new(pts.clone(), colour.stroke_width(2))).map_err(err)?;
            }
            for p in pts {
                marker(root, p, k, colour)?;
            }
        }
        legend(root, &f.entries, &key, WIDE_SMALL_FONT, WIDE_HEIGHT as i32 + 8)
    })
}

/// One row per award year: the year and its predicate written above a strip of the score axis, with the box,
/// the outline and the markers on it; the axis's scores along the top.
fn draw_narrow(h: &PredicateHistory, f: &Frame) -> Result<String, ChartError> {
    let font = NARROW_FONT;
    let w = NARROW as i32;
    let line = (font as f64 * 1.3).round() as i32;
    let strip = 22;
    let row_h = line + strip + 8;
    let (x0, x1) = (12, w - 16);
    let axis_h = line + 6;
    let key = legend_layout_of(&f.entries, w, font);
    let legend_h = key.height + 8;
    let height = axis_h + row_h * h.years.len() as i32 + legend_h + 8;
    let x_of = |score: f64| x0 + ((score - f.bottom) / (f.top - f.bottom).max(1.0) * (x1 - x0) as f64).round() as i32;
    svg((NARROW, height as u32), &h.title, |root| {
        // The score axis: a tick and a number every hundred.
        let mut s = (f.bottom / 100.0).ceil() * 100.0;
        while s <= f.top + 0.5 {
            let x = x_of(s);
            let style = TextStyle::from(("sans-serif", font).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(format!("{s:.0}"), (x.clamp(x0 + 14, x1 - 14), 4), style)).map_err(err)?;
            root.draw(&PathElement::new(vec![(x, axis_h - 2), (x, height - legend_h - 4)], RGBColor(0xdd, 0xdd, 0xdd).stroke_width(1)))
                .map_err(err)?;
            s += 100.0;
        }
        for (i, year) in h.years.iter().enumerate() {
            let y = axis_h + i as i32 * row_h;
            let label = format!("{year} · {}", h.label_of(h.awarded[i]));
            root.draw(&Text::new(label, (x0, y), ("sans-serif", font).into_font())).map_err(err)?;
            let (sy0, sy1) = (y + line, y + line + strip);
            // The bands, pale, across the strip.
            for (b, band) in std::iter::once(None).chain((0..h.bands.len()).map(Some)).map(|b| (b, h.span(f, b))) {
                root.draw(&Rectangle::new([(x_of(band.0), sy0), (x_of(band.1), sy1)], colour_of(b).mix(0.22).filled())).map_err(err)?;
            }
            let (lo, hi) = h.span(f, h.awarded[i]);
            let r = [(x_of(lo) + 1, sy0 + 2), (x_of(hi) - 1, sy1 - 2)];
            root.draw(&Rectangle::new(r, colour_of(h.awarded[i]).filled())).map_err(err)?;
            root.draw(&Rectangle::new(r, BLACK.mix(0.55).stroke_width(1))).map_err(err)?;
            if let Some(b) = h.self_band[i] {
                let (lo, hi) = h.span(f, b);
                root.draw(&Rectangle::new([(x_of(lo) + 2, sy0), (x_of(hi) - 2, sy1)], SELF_COLOUR.stroke_width(3))).map_err(err)?;
            }
            for (k, (_, ys)) in h.series.iter().enumerate() {
                if let Some(score) = ys[i] {
                    let dy = (2 * k as i32 - (h.series.len() as i32 - 1)) * 2;
                    marker(root, (x_of(score), (sy0 + sy1) / 2 + dy), k, SERIES_COLOURS[k % SERIES_COLOURS.len()])?;
                }
            }
        }
        legend(root, &f.entries, &key, font, height - legend_h + 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> PredicateHistory {
        let band = |label: &str, min: f64, max: f64, i: usize| BandSpan { label: label.into(), min, max, colour: PREDICATE_COLOURS[i] };
        PredicateHistory {
            title: "t".into(),
            years: vec![2019, 2021, 2022],
            bands: vec![band("Pratama", 500.0, 601.0, 1), band("Madya", 601.0, 701.0, 2), band("Nindya", 701.0, 1000.0, 3)],
            awarded: vec![Some(0), Some(1), None],
            self_band: vec![None; 3],
            series: vec![("Nilai akhir".into(), vec![None; 3])],
            y_label: "nilai".into(),
            none_label: "Belum".into(),
            legend_predicate: "Predikat yang diterima".into(),
            legend_self_band: "Rentang evaluasi mandiri".into(),
        }
    }

    #[test]
    fn a_predicate_history_without_scores_is_drawn() {
        let d = predicate_history(&history()).unwrap().unwrap();
        for l in ["2019", "2021", "2022", "Pratama", "Madya", "Nindya", "Belum", "Predikat yang diterima"] {
            assert!(d.wide.contains(&format!(">\n{l}\n</text>")), "{l} missing");
        }
        let narrow = d.narrow.unwrap();
        for l in ["2019 · Pratama", "2021 · Madya", "2022 · Belum", "Predikat yang diterima"] {
            assert!(narrow.contains(&format!(">\n{l}\n</text>")), "{l} missing on a phone");
        }
        for svg in [&d.wide, &narrow] {
            assert!(!svg.contains("Rentang evaluasi mandiri") && !svg.contains("Nilai akhir"), "no legend for what is not drawn");
            assert!(svg.contains("fill=\"#22A884\""), "the Madya box");
        }
        let one = PredicateHistory { years: vec![2025], awarded: vec![Some(2)], self_band: vec![None], series: vec![], ..history() };
        assert!(predicate_history(&one).unwrap().is_some(), "a single award year");
        assert!(predicate_history(&PredicateHistory { years: vec![], awarded: vec![], self_band: vec![], ..one }).unwrap().is_none());
    }

    #[test]
    fn stages_and_the_self_assessment_band_read_apart() {
        let mut h = history();
        h.self_band[0] = Some(Some(2));
        h.series = vec![
            ("Evaluasi mandiri".into(), vec![Some(721.0), Some(650.0), None]),
            ("Verifikasi administrasi".into(), vec![Some(590.0), Some(650.0), None]),
        ];
        let d = predicate_history(&h).unwrap().unwrap();
        for svg in [d.wide, d.narrow.unwrap()] {
            assert!(svg.contains(">\nRentang evaluasi mandiri\n</text>") && svg.contains(">\nEvaluasi mandiri\n</text>"));
            assert!(svg.contains("stroke=\"#E69F00\""), "outlined in the self-assessment colour");
            assert!(svg.contains("stroke-dasharray=\"8 4\""), "the second stage is dashed");
            let square = |r: &str| r.split('>').next().unwrap_or_default().contains("fill=\"#56B4E9\"");
            assert!(svg.contains("<circle") && svg.split("<rect").any(square), "the second stage's markers are squares");
        }
    }
}
