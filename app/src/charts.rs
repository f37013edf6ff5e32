//! Charts: pure functions from series to SVG strings, drawn on the server with plotters. Every chart has
//! an accessible name (`role="img"` + `aria-label`) and scales to its container through its viewBox; the
//! page puts a data table and the source beside it.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Predicate colours, none → KLA: a sequential ColorBrewer YlGnBu ramp, ordered by lightness so readers
/// with colour-vision deficiencies still read the order.
pub const PREDICATE_COLOURS: [RGBColor; 6] = [
    RGBColor(0xa3, 0xa3, 0xa3),
    RGBColor(0xc7, 0xe9, 0xb4),
    RGBColor(0x7f, 0xcd, 0xbb),
    RGBColor(0x41, 0xb6, 0xc4),
    RGBColor(0x2c, 0x7f, 0xb8),
    RGBColor(0x25, 0x34, 0x94),
];

/// The colour used for single-series bars.
pub const ACCENT: RGBColor = RGBColor(0x1f, 0x6f, 0x8b);
/// Line colours for up to four series (Okabe–Ito, distinguishable with colour-vision deficiencies).
pub const SERIES_COLOURS: [RGBColor; 4] =
    [RGBColor(0xe6, 0x9f, 0x00), RGBColor(0x56, 0xb4, 0xe9), RGBColor(0x00, 0x9e, 0x73), RGBColor(0x00, 0x33, 0x99)];

const WIDTH: u32 = 640;
const HEIGHT: u32 = 300;

#[derive(Debug, thiserror::Error)]
#[error("chart: {0}")]
pub struct ChartError(String);

pub(crate) fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError(e.to_string())
}

/// Vertical bars, one per category.
#[derive(Debug, Clone)]
pub struct Bars {
    /// The accessible name of the chart.
    pub title: String,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    /// One colour per bar; `ACCENT` for all when empty.
    pub colours: Vec<RGBColor>,
    pub y_label: String,
}

/// Lines over whole-number x values (years); a series may have gaps.
#[derive(Debug, Clone)]
pub struct Lines {
    pub title: String,
    pub x: Vec<i32>,
    /// (series name, one value per x).
    pub series: Vec<(String, Vec<Option<f64>>)>,
    pub y_label: String,
    /// Fixed y range (for scores, 0–1000); computed from the data when `None`.
    pub y_range: Option<(f64, f64)>,
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Gives the SVG its accessible name and lets CSS size it.
pub(crate) fn finish(svg: String, title: &str) -> String {
    svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" class=\"chart\" ", escape_attr(title)), 1)
}

/// The top of the y axis: a little above the largest value, and never an empty range.
fn y_top(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 { max * 1.12 } else { 1.0 }
}

fn draw_bars(root: &DrawingArea<SVGBackend<'_>, Shift>, b: &Bars) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(err)?;
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
        .x_label_area_size(36)
        .y_label_area_size(56)
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
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(err)?;
    let colours = &b.colours;
    chart
        .draw_series(b.values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
            let c = colours.get(i).copied().unwrap_or(ACCENT);
            let mut bar = Rectangle::new([(SegmentValue::Exact(i as i32), 0.0), (SegmentValue::Exact(i as i32 + 1), v)], c.filled());
            bar.set_margin(0, 0, 6, 6);
            bar
        }))
        .map_err(err)?;
    Ok(())
}

/// Draws vertical bars; `None` when there is nothing to draw (the page then says so in words).
pub fn bars(b: &Bars) -> Result<Option<String>, ChartError> {
    if b.values.is_empty() || b.values.len() != b.labels.len() || b.values.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw_bars(&root, b)?;
        root.present().map_err(err)?;
    }
    Ok(Some(finish(svg, &b.title)))
}

/// Draws lines with a legend; `None` when no series has a value.
pub fn lines(l: &Lines) -> Result<Option<String>, ChartError> {
    let values: Vec<f64> = l.series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).collect();
    if l.x.is_empty() || values.is_empty() || values.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let (x0, x1) = (*l.x.iter().min().expect("non-empty"), *l.x.iter().max().expect("non-empty"));
    // A single year still needs a range to draw in.
    let (x0, x1) = if x0 == x1 { (x0 - 1, x1 + 1) } else { (x0, x1) };
    let (y0, y1) = l.y_range.unwrap_or((0.0, y_top(values.iter().copied().fold(0.0, f64::max))));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .x_labels(((x1 - x0) as usize + 1).min(12))
            .x_label_formatter(&|x| x.to_string())
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .y_desc(l.y_label.as_str())
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(err)?;
        for (i, (name, ys)) in l.series.iter().enumerate() {
            let colour = SERIES_COLOURS[i % SERIES_COLOURS.len()];
            let pts: Vec<(i32, f64)> = l.x.iter().zip(ys).filter_map(|(&x, y)| y.map(|y| (x, y))).collect();
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                .map_err(err)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(3)));
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, colour.filled()))).map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xcc, 0xcc, 0xcc))
            .label_font(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Some(finish(svg, &l.title)))
}

/// One predicate band on the score axis: its name, the scores it spans, and its colour.
#[derive(Debug, Clone)]
pub struct BandSpan {
    pub label: String,
    pub min: f64,
    /// The next band's minimum (or the maximum score for the top band).
    pub max: f64,
    pub colour: RGBColor,
}

/// A regency's predicate history on a score-band axis: per award year the predicate awarded as a box over
/// its band, the band of the self-assessment score outlined where it differs, and the score at each stage
/// as lines where it is known. Drawn whether or not any score exists (award lists publish predicates only).
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

/// Draws a predicate history; `None` when there is no year to draw.
pub fn predicate_history(h: &PredicateHistory) -> Result<Option<String>, ChartError> {
    let n = h.years.len();
    if n == 0
        || h.bands.is_empty()
        || h.awarded.len() != n
        || h.self_band.len() != n
        || h.series.iter().any(|(_, v)| v.len() != n || v.iter().flatten().any(|x| !x.is_finite()))
    {
        return Ok(None);
    }
    let lowest = h.bands[0].min;
    let top = h.bands.iter().map(|b| b.max).fold(lowest, f64::max);
    // Room below the lowest band for "no predicate" and any lower score, in whole hundreds.
    let min_score = h.series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).fold(lowest - 100.0, f64::min);
    let bottom = ((min_score / 100.0).floor() * 100.0).max(0.0);
    // A single year stands in the middle of three slots, as a single bar does.
    let (slots, offset) = if n == 1 { (3, 1) } else { (n as i32, 0) };
    let slot = |i: usize| i as i32 + offset;
    // The legend's entries (0 predicate box, 1 self-assessment band, 2 + k stage k) laid out in rows first, so
    // that the picture is as tall as its legend needs.
    let self_colour = SERIES_COLOURS[0];
    let mut entries: Vec<(usize, String)> = vec![(0, h.legend_predicate.clone())];
    if h.self_band.iter().any(Option::is_some) {
        entries.push((1, h.legend_self_band.clone()));
    }
    for (k, (name, ys)) in h.series.iter().enumerate() {
        if ys.iter().any(Option::is_some) {
            entries.push((2 + k, name.clone()));
        }
    }
    let (mut x, mut y) = (12, 8);
    let mut placed = Vec::new();
    for (kind, name) in entries {
        let w = 34 + 8 * name.chars().count() as i32;
        if x + w > WIDTH as i32 - 8 && x > 12 {
            x = 12;
            y += 22;
        }
        placed.push((kind, name, (x, y)));
        x += w + 12;
    }
    let legend_height = (y + 30) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT + legend_height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, legend) = root.split_vertically(HEIGHT);
        let years = h.years.clone();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(84)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d((0..slots - 1).into_segmented(), bottom..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .y_desc(h.y_label.as_str())
            .y_labels(((top - bottom) / 100.0).round() as usize + 1)
            .y_label_formatter(&|v: &f64| format!("{v:.0}"))
            .x_labels(slots as usize)
            .x_label_formatter(&move |v| match v {
                SegmentValue::CenterOf(i) if *i >= offset => years.get((*i - offset) as usize).map(i32::to_string).unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 16))
            .draw()
            .map_err(err)?;
        let span = |lo: f64, hi: f64| [(SegmentValue::Exact(0), lo), (SegmentValue::Exact(slots), hi)];
        // The bands as pale stripes across the plot, named at the right edge.
        let none_band = BandSpan { label: h.none_label.clone(), min: bottom, max: lowest, colour: PREDICATE_COLOURS[0] };
        let with_none: Vec<&BandSpan> = std::iter::once(&none_band).chain(&h.bands).collect();
        for (i, b) in with_none.iter().enumerate() {
            chart
                .draw_series(std::iter::once(Rectangle::new(span(b.min, b.max), b.colour.mix(if i == 0 { 0.12 } else { 0.22 }).filled())))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(SegmentValue::Exact(slots), (b.min + b.max) / 2.0));
            let style = TextStyle::from(("sans-serif", 15).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(b.label.clone(), (px + 6, py), style)).map_err(err)?;
        }
        let band_of = |b: Option<usize>| b.and_then(|i| h.bands.get(i)).map_or((bottom, lowest), |b| (b.min, b.max));
        let colour_of = |b: Option<usize>| b.map_or(PREDICATE_COLOURS[0], |i| PREDICATE_COLOURS[(i + 1).min(5)]);
        // The predicate awarded each year: a box over its band.
        chart
            .draw_series(h.awarded.iter().enumerate().map(|(i, &b)| {
                let (lo, hi) = band_of(b);
                let mut r =
                    Rectangle::new([(SegmentValue::Exact(slot(i)), lo), (SegmentValue::Exact(slot(i) + 1), hi)], colour_of(b).filled());
                r.set_margin(1, 1, 8, 8);
                r
            }))
            .map_err(err)?;
        chart
            .draw_series(h.awarded.iter().enumerate().map(|(i, &b)| {
                let (lo, hi) = band_of(b);
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(slot(i)), lo), (SegmentValue::Exact(slot(i) + 1), hi)],
                    BLACK.mix(0.55).stroke_width(1),
                );
                r.set_margin(1, 1, 8, 8);
                r
            }))
            .map_err(err)?;
        // The self-assessment score's band, outlined where it is not the predicate's.
        chart
            .draw_series(h.self_band.iter().enumerate().filter_map(|(i, b)| b.map(|b| (i, b))).map(|(i, b)| {
                let (lo, hi) = band_of(b);
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(slot(i)), lo), (SegmentValue::Exact(slot(i) + 1), hi)],
                    self_colour.stroke_width(3),
                );
                r.set_margin(2, 2, 5, 5);
                r
            }))
            .map_err(err)?;
        // The scores, where known, as lines with points.
        for (k, (_, ys)) in h.series.iter().enumerate() {
            let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
            let pts: Vec<(SegmentValue<i32>, f64)> =
                ys.iter().enumerate().filter_map(|(i, y)| y.map(|y| (SegmentValue::CenterOf(slot(i)), y))).collect();
            if pts.is_empty() {
                continue;
            }
            chart.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2))).map_err(err)?;
            chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 4, colour.filled()))).map_err(err)?;
        }
        let font = ("sans-serif", 15);
        for (kind, name, (px, py)) in placed {
            match kind {
                0 => {
                    legend.draw(&Rectangle::new([(px, py), (px + 14, py + 14)], PREDICATE_COLOURS[2].filled())).map_err(err)?;
                    legend.draw(&Rectangle::new([(px, py), (px + 14, py + 14)], BLACK.mix(0.55).stroke_width(1))).map_err(err)?;
                }
                1 => legend.draw(&Rectangle::new([(px + 1, py + 1), (px + 13, py + 13)], self_colour.stroke_width(3))).map_err(err)?,
                k => {
                    let colour = SERIES_COLOURS[(k - 2) % SERIES_COLOURS.len()];
                    legend.draw(&PathElement::new(vec![(px, py + 7), (px + 20, py + 7)], colour.stroke_width(3))).map_err(err)?;
                    legend.draw(&Circle::new((px + 10, py + 7), 4, colour.filled())).map_err(err)?;
                }
            }
            let text_x = if kind >= 2 { px + 26 } else { px + 20 };
            legend.draw(&Text::new(name, (text_x, py + 1), font.into_font())).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(finish(svg, &h.title)))
}

/// Stacked vertical bars: one segment per series (with a legend), one bar per category or several side by
/// side in a category (published totals beside recorded data), each with a short tag above it.
#[derive(Debug, Clone)]
pub struct Stacked {
    pub title: String,
    /// The categories' names, under the axis.
    pub labels: Vec<String>,
    /// (series name, colour, one value per bar).
    pub series: Vec<(String, RGBColor, Vec<f64>)>,
    pub y_label: String,
    /// Per bar: its category and the tag written above it. Empty: one untagged bar per category.
    pub bars: Vec<(usize, String)>,
}

/// Draws stacked bars; `None` when there is nothing to draw.
pub fn stacked(s: &Stacked) -> Result<Option<String>, ChartError> {
    let n = s.labels.len();
    let bars: Vec<(usize, String)> = if s.bars.is_empty() { (0..n).map(|i| (i, String::new())).collect() } else { s.bars.clone() };
    let m = bars.len();
    if n == 0
        || bars.iter().any(|(c, _)| *c >= n)
        || s.series.iter().any(|(_, _, v)| v.len() != m || v.iter().any(|x| !x.is_finite() || *x < 0.0))
    {
        return Ok(None);
    }
    // Each bar's place in its category: (position, bars in the category).
    let places: Vec<(usize, usize)> = bars
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (bars[..i].iter().filter(|(o, _)| o == c).count(), bars.iter().filter(|(o, _)| o == c).count()))
        .collect();
    let totals: Vec<f64> = (0..m).map(|i| s.series.iter().map(|(_, _, v)| v[i]).sum()).collect();
    let max = totals.iter().copied().fold(0.0, f64::max);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT + 52)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, legend) = root.split_vertically(HEIGHT);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
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
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 16))
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
            let rects: Vec<Rectangle<(SegmentValue<i32>, f64)>> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0.0)
                .map(|(i, &v)| {
                    let c = bars[i].0 as i32;
                    let mut r =
                        Rectangle::new([(SegmentValue::Exact(c), base[i]), (SegmentValue::Exact(c + 1), base[i] + v)], colour.filled());
                    let (l, rt) = margins(places[i]);
                    r.set_margin(0, 0, l, rt);
                    r
                })
                .collect();
            chart.draw_series(rects).map_err(err)?;
            for (b, v) in base.iter_mut().zip(values) {
                *b += v;
            }
        }
        // Each tag above its bar.
        for (i, (c, tag)) in bars.iter().enumerate().filter(|(_, (_, t))| !t.is_empty()) {
            let (l, rt) = margins(places[i]);
            let (x0, y) = chart.backend_coord(&(SegmentValue::Exact(*c as i32), totals[i]));
            let x = x0 + l as i32 + (seg_w - l as i32 - rt as i32) / 2;
            let style = TextStyle::from(("sans-serif", 12).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw(&Text::new(tag.clone(), (x, y - 2), style)).map_err(err)?;
        }
        // The legend in its own strip: a swatch and a name per series, wrapping to a second row when the
        // names (estimated at 8 units a character) do not fit in one.
        let (mut x, mut y) = (12, 8);
        for (name, colour, _) in &s.series {
            let w = 28 + 8 * name.chars().count() as i32;
            if x + w > WIDTH as i32 - 8 && x > 12 {
                x = 12;
                y += 22;
            }
            legend.draw(&Rectangle::new([(x, y), (x + 14, y + 14)], colour.filled())).map_err(err)?;
            legend.draw(&Rectangle::new([(x, y), (x + 14, y + 14)], BLACK.mix(0.4).stroke_width(1))).map_err(err)?;
            legend.draw(&Text::new(name.clone(), (x + 20, y + 1), ("sans-serif", 15).into_font())).map_err(err)?;
            x += w + 12;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(finish(svg, &s.title)))
}

/// Horizontal bars, ranked as given (the caller sorts), one row per category: readable with long names.
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

/// Row height of ranked bars, in SVG units.
const RANK_ROW: u32 = 22;

/// Draws ranked horizontal bars; `None` when there is nothing to draw.
pub fn ranked(r: &Ranked) -> Result<Option<String>, ChartError> {
    let n = r.values.len();
    if n == 0 || r.labels.len() != n || r.value_labels.len() != n || r.values.iter().any(|v| !v.is_finite()) {
        return Ok(None);
    }
    let top = r.max.unwrap_or_else(|| y_top(r.values.iter().copied().fold(0.0, f64::max)));
    let label_w: i32 = 230;
    let height = RANK_ROW * n as u32 + 16;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let bar_w = (WIDTH as i32 - label_w - 80) as f64;
        for (i, ((label, v), vl)) in r.labels.iter().zip(&r.values).zip(&r.value_labels).enumerate() {
            let y = 8 + i as i32 * RANK_ROW as i32;
            let w = if top > 0.0 { ((v / top).clamp(0.0, 1.0) * bar_w).round() as i32 } else { 0 };
            let name: String =
                if label.chars().count() > 30 { label.chars().take(29).chain(std::iter::once('…')).collect() } else { label.clone() };
            root.draw(&Text::new(
                name,
                (label_w - 8, y + 4),
                TextStyle::from(("sans-serif", 15).into_font()).pos(Pos::new(HPos::Right, VPos::Top)),
            ))
            .map_err(err)?;
            root.draw(&Rectangle::new([(label_w, y + 2), (label_w + w.max(1), y + RANK_ROW as i32 - 4)], r.colour.filled()))
                .map_err(err)?;
            root.draw(&Text::new(vl.clone(), (label_w + w + 6, y + 4), ("sans-serif", 15).into_font())).map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(Some(finish(svg, &r.title)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bars {
        Bars {
            title: "Pelatihan per tahun <Kalsel>".into(),
            labels: vec!["2023".into(), "2024".into(), "2025".into()],
            values: vec![3.0, 0.0, 7.0],
            colours: vec![],
            y_label: "kegiatan".into(),
        }
    }

    #[test]
    fn bars_are_svg_with_an_escaped_accessible_name_and_every_label() {
        let svg = bars(&sample()).unwrap().unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Pelatihan per tahun &lt;Kalsel&gt;\""));
        for l in ["2023", "2024", "2025"] {
            assert!(svg.contains(&format!(">\n{l}\n</text>")), "label {l} missing");
        }
        assert!(svg.matches("<rect").count() >= 3);
    }

    #[test]
    fn a_single_bar_is_drawn() {
        let mut b = sample();
        b.labels.truncate(1);
        b.values = vec![4.0];
        let svg = bars(&b).unwrap().unwrap();
        assert!(svg.contains(">\n2023\n</text>"));
        assert_eq!(svg.matches("fill=\"#1F6F8B\"").count(), 1, "one bar in the accent colour");
    }

    #[test]
    fn empty_and_flat_data_do_not_panic() {
        let mut b = sample();
        b.values = vec![0.0, 0.0, 0.0];
        assert!(bars(&b).unwrap().is_some());
        b.values.clear();
        b.labels.clear();
        assert!(bars(&b).unwrap().is_none());
        let l = Lines {
            title: "t".into(),
            x: vec![2025],
            series: vec![("a".into(), vec![Some(588.4)])],
            y_label: String::new(),
            y_range: None,
        };
        assert!(lines(&l).unwrap().is_some());
        let l = Lines { title: "t".into(), x: vec![2025], series: vec![("a".into(), vec![None])], y_label: String::new(), y_range: None };
        assert!(lines(&l).unwrap().is_none());
    }

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
            none_label: "Tidak ada".into(),
            legend_predicate: "Predikat yang diterima".into(),
            legend_self_band: "Rentang evaluasi mandiri".into(),
        }
    }

    #[test]
    fn a_predicate_history_without_scores_is_drawn() {
        let svg = predicate_history(&history()).unwrap().unwrap();
        for l in ["2019", "2021", "2022", "Pratama", "Madya", "Nindya", "Tidak ada", "Predikat yang diterima"] {
            assert!(svg.contains(&format!(">\n{l}\n</text>")), "{l} missing");
        }
        assert!(!svg.contains("Rentang evaluasi mandiri") && !svg.contains("Nilai akhir"), "no legend for what is not drawn");
        assert!(svg.contains("fill=\"#7FCDBB\""), "the Madya box");
        let one = PredicateHistory { years: vec![2025], awarded: vec![Some(2)], self_band: vec![None], series: vec![], ..history() };
        assert!(predicate_history(&one).unwrap().is_some(), "a single award year");
        assert!(predicate_history(&PredicateHistory { years: vec![], awarded: vec![], self_band: vec![], ..one }).unwrap().is_none());
    }

    #[test]
    fn a_self_assessment_band_apart_from_the_predicate_is_outlined() {
        let mut h = history();
        h.self_band[0] = Some(Some(2));
        h.series = vec![("Evaluasi mandiri".into(), vec![Some(721.0), None, None])];
        let svg = predicate_history(&h).unwrap().unwrap();
        assert!(svg.contains(">\nRentang evaluasi mandiri\n</text>") && svg.contains(">\nEvaluasi mandiri\n</text>"));
        assert!(svg.contains("stroke=\"#E69F00\""), "outlined in the self-assessment colour");
    }

    #[test]
    fn user_text_in_labels_is_escaped() {
        let mut b = sample();
        b.labels[0] = "<script>".into();
        let svg = bars(&b).unwrap().unwrap();
        assert!(!svg.contains("<script>"));
    }

    #[test]
    fn stacked_and_ranked_bars_draw_every_label() {
        let s = Stacked {
            title: "t".into(),
            labels: vec!["2023".into(), "2025".into()],
            series: vec![
                ("Pratama".into(), PREDICATE_COLOURS[1], vec![135.0, 139.0]),
                ("Madya".into(), PREDICATE_COLOURS[2], vec![130.0, 0.0]),
            ],
            y_label: "kab/kota".into(),
            bars: vec![],
        };
        let svg = stacked(&s).unwrap().unwrap();
        assert!(svg.contains(">\n2025\n</text>") && svg.contains(">\nMadya\n</text>"));
        // Two bars side by side in one category, each tagged.
        let paired = Stacked {
            labels: vec!["2018".into()],
            series: vec![("Pratama".into(), PREDICATE_COLOURS[1], vec![177.0, 120.0])],
            bars: vec![(0, "pub.".into()), (0, "data".into())],
            ..s.clone()
        };
        let svg = stacked(&paired).unwrap().unwrap();
        assert!(svg.contains(">\npub.\n</text>") && svg.contains(">\ndata\n</text>"));
        assert_eq!(svg.matches("fill=\"#C7E9B4\"").count(), 3, "both bars and the legend's swatch");
        assert!(stacked(&Stacked { bars: vec![(1, String::new())], ..paired }).unwrap().is_none(), "a bar outside the categories");
        let r = Ranked {
            title: "t".into(),
            labels: vec!["Kalimantan Selatan".into(), "Sebuah nama provinsi yang sangat panjang sekali".into()],
            values: vec![0.6, 0.0],
            value_labels: vec!["60,0%".into(), "0,0%".into()],
            max: Some(1.0),
            colour: ACCENT,
        };
        let svg = ranked(&r).unwrap().unwrap();
        assert!(svg.contains(">\n60,0%\n</text>") && svg.contains("…"));
        assert!(ranked(&Ranked { values: vec![], labels: vec![], value_labels: vec![], ..r }).unwrap().is_none());
    }
}
