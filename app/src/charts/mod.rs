//! Charts: pure functions from series to SVG, drawn on the server with plotters. Each chart is drawn twice —
//! for a wide screen and for a phone — and the stylesheet shows the one that fits ([`Drawing`]). Every
//! drawing has an accessible name (`role="img"` + `aria-label`) and scales to its container through its
//! viewBox; the page puts a data table and the source beside it.
//!
//! Type is sized for where each drawing is read (plotters writes a font of size S as `font-size` S / 1.24).
//! The wide drawing is [`WIDE`] units across and shown at least 518 px wide (two columns at 1280 px), so its
//! smallest text ([`WIDE_SMALL_FONT`]) reads at 12 px or more; the narrow drawing is [`NARROW`] units across
//! and shown ~300 px wide on a 360 px phone, so [`NARROW_FONT`] reads at 11 px or more. On a phone categories
//! run down the screen as rows (a label, a bar, its value) instead of across it.

mod bars;
mod history;
mod ranked;
mod rows;
mod stacked;

pub use bars::{Bars, bars};
pub use history::{BandSpan, PredicateHistory, predicate_history};
pub use ranked::{Ranked, ranked};
pub use stacked::{Stacked, stacked};

use plotters::coord::Shift;
use plotters::prelude::*;

/// Predicate colours, none → KLA: the viridis ramp from a light grey for "no predicate" down to a dark
/// violet for KLA, each step darker than the last (as the captions say: darker is higher) and apart from
/// its neighbours under protanopia, deuteranopia and tritanopia (tested below by simulation).
pub const PREDICATE_COLOURS: [RGBColor; 6] = [
    RGBColor(0xe3, 0xe3, 0xe3),
    RGBColor(0x7a, 0xd1, 0x51),
    RGBColor(0x22, 0xa8, 0x84),
    RGBColor(0x2a, 0x78, 0x8e),
    RGBColor(0x41, 0x44, 0x87),
    RGBColor(0x44, 0x01, 0x54),
];

/// A kab/kota with no predicate record at all: white with grey hatching ([`NO_RECORD_PATTERN`]), told
/// apart from "no predicate" (solid grey) by its pattern as well as its colour.
pub const NO_RECORD: RGBColor = RGBColor(0xff, 0xff, 0xfe);
/// The hatching's line colour.
pub const NO_RECORD_HATCH: RGBColor = RGBColor(0x7a, 0x7a, 0x7a);

/// A published total whose breakdown by predicate was not published: an outlined white segment.
pub const NO_BREAKDOWN: RGBColor = RGBColor(0xff, 0xff, 0xff);

/// The colour used for single-series bars.
pub const ACCENT: RGBColor = RGBColor(0x1f, 0x6f, 0x8b);
/// Up to four series (Okabe–Ito), each also with its own marker ([`marker`]) and dash ([`SERIES_DASHES`]),
/// so that no reader depends on the colour.
pub const SERIES_COLOURS: [RGBColor; 4] =
    [RGBColor(0xe6, 0x9f, 0x00), RGBColor(0x56, 0xb4, 0xe9), RGBColor(0x00, 0x9e, 0x73), RGBColor(0x00, 0x33, 0x99)];
/// One colour per compared region (up to six): the Okabe–Ito series colours, then its vermillion and reddish
/// purple. A region is also named by its number above each of its bars, so no reader depends on the colour.
pub const REGION_COLOURS: [RGBColor; 6] =
    [SERIES_COLOURS[0], SERIES_COLOURS[1], SERIES_COLOURS[2], SERIES_COLOURS[3], RGBColor(0xd5, 0x5e, 0x00), RGBColor(0xcc, 0x79, 0xa7)];
/// The dash of each series' line (`stroke-dasharray`; the first is solid).
pub const SERIES_DASHES: [Option<&str>; 4] = [None, Some("8 4"), Some("2 3"), Some("10 3 2 3")];

/// Width of a wide drawing, in SVG units.
pub const WIDE: u32 = 640;
/// Height of a wide drawing's plot.
pub const WIDE_HEIGHT: u32 = 300;
/// Wide text: axis labels and names.
pub const WIDE_FONT: u32 = 20;
/// The smallest wide text (legends, tags).
pub const WIDE_SMALL_FONT: u32 = 19;
/// Width of a narrow drawing, in SVG units.
pub const NARROW: u32 = 300;
/// Every narrow text.
pub const NARROW_FONT: u32 = 15;

/// A chart drawn for a wide screen and, where the two differ, for a phone.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub wide: String,
    /// `None`: the wide drawing serves every screen (a map, which a phone pans).
    pub narrow: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("chart: {0}")]
pub struct ChartError(String);

pub(crate) fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError(e.to_string())
}

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Gives the SVG its accessible name and lets CSS size it.
pub(crate) fn finish(svg: String, title: &str) -> String {
    svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" class=\"chart\" ", escape_attr(title)), 1)
}

/// Draws an SVG of the given size with `draw`, and names it.
pub(crate) fn svg(size: (u32, u32), title: &str, draw: impl FnOnce(&Area<'_>) -> Result<(), ChartError>) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(finish(out, title))
}

/// The top of a value axis: a little above the largest value, and never an empty range.
pub(crate) fn y_top(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 { max * 1.12 } else { 1.0 }
}

/// The CSS colour plotters writes for `c` (`#RRGGBB`).
pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Series `k`'s marker at a pixel: a circle, a square, a triangle or a diamond.
pub(crate) fn marker(area: &Area<'_>, (x, y): (i32, i32), k: usize, colour: RGBColor) -> Result<(), ChartError> {
    let style = colour.filled();
    match k % 4 {
        0 => area.draw(&Circle::new((x, y), 4, style)),
        1 => area.draw(&Rectangle::new([(x - 4, y - 4), (x + 4, y + 4)], style)),
        2 => area.draw(&Polygon::new(vec![(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)], style)),
        _ => area.draw(&Polygon::new(vec![(x, y - 6), (x + 5, y), (x, y + 6), (x - 5, y)], style)),
    }
    .map_err(err)
}

/// Gives every line drawn in series `k`'s colour that series' dash (plotters draws solid lines only).
pub(crate) fn dash_series(svg: String, k: usize) -> String {
    let Some(dash) = SERIES_DASHES[k % SERIES_DASHES.len()] else { return svg };
    let stroke = format!("<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\" ", hex(SERIES_COLOURS[k % SERIES_COLOURS.len()]));
    svg.replace(&stroke, &format!("{stroke}stroke-dasharray=\"{dash}\" "))
}

/// Splits `text` into lines of at most `max` characters at spaces (a longer word gets a line of its own,
/// cut only if it is longer than `max`), so that a label keeps every word — and the acronym that often
/// ends it — on a narrow screen.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(4);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String =
            if word.chars().count() > max { word.chars().take(max - 1).chain(std::iter::once('…')).collect() } else { word.into() };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The estimated width of an average glyph of a plotters font of size `font`: ~0.6 em of `font` / 1.24.
fn glyph(font: u32) -> f64 {
    font as f64 * 0.5
}

/// Characters of a text in a plotters font of size `font` that fit in `width` units.
pub(crate) fn chars_in(width: i32, font: u32) -> usize {
    (width.max(0) as f64 / glyph(font)).floor() as usize
}

/// The width a text in a plotters font of size `font` is estimated to take.
pub(crate) fn text_width(text: &str, font: u32) -> i32 {
    (text.chars().count() as f64 * glyph(font)).ceil() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// sRGB → CIELAB (D65), after a colour-vision-deficiency simulation matrix applied in linear RGB
    /// (Machado, Oliveira & Fernandes 2009, severity 1).
    fn lab_seen(c: RGBColor, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let lin = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        let rgb = [lin(c.0), lin(c.1), lin(c.2)];
        let s: Vec<f64> = (0..3).map(|i| (0..3).map(|j| m[i][j] * rgb[j]).sum::<f64>().clamp(0.0, 1.0)).collect();
        let (x, y, z) = (
            0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2],
            0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2],
            0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2],
        );
        let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
        let (fx, fy, fz) = (f(x / 0.95047), f(y), f(z / 1.08883));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
        ("normal", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
        ("protanopia", [[0.152_286, 1.052_583, -0.204_868], [0.114_503, 0.786_281, 0.099_216], [-0.003_882, -0.048_116, 1.051_998]]),
        ("deuteranopia", [[0.367_322, 0.860_646, -0.227_968], [0.280_085, 0.672_501, 0.047_413], [-0.011_820, 0.042_940, 0.968_881]]),
        ("tritanopia", [[1.255_528, -0.076_749, -0.178_779], [-0.078_411, 0.930_809, 0.147_602], [0.004_733, 0.691_367, 0.303_900]]),
    ];

    #[test]
    fn predicate_colours_darken_with_the_predicate_and_stay_apart_for_colour_blind_readers() {
        for (vision, m) in &VISIONS {
            let labs: Vec<[f64; 3]> = PREDICATE_COLOURS.iter().map(|&c| lab_seen(c, m)).collect();
            for (i, w) in labs.windows(2).enumerate() {
                assert!(w[0][0] - w[1][0] >= 10.0, "{vision}: step {i}→{} is not clearly darker ({:.1} → {:.1})", i + 1, w[0][0], w[1][0]);
            }
            for i in 0..labs.len() {
                for j in i + 1..labs.len() {
                    let d = (0..3).map(|k| (labs[i][k] - labs[j][k]).powi(2)).sum::<f64>().sqrt();
                    assert!(d >= 15.0, "{vision}: colours {i} and {j} are only ΔE {d:.1} apart");
                }
            }
        }
        // Greyscale is the normal-vision lightness, already checked; "no record" is hatched white, lighter
        // than every predicate colour and apart from "no predicate" by its pattern above all.
        assert!(lab_seen(NO_RECORD, &VISIONS[0].1)[0] > lab_seen(PREDICATE_COLOURS[0], &VISIONS[0].1)[0] + 5.0);
    }

    #[test]
    fn series_differ_by_marker_and_dash_as_well_as_colour() {
        let dashes: std::collections::BTreeSet<_> = SERIES_DASHES.iter().collect();
        assert_eq!(dashes.len(), SERIES_DASHES.len());
        let line = |k: usize| format!("<polyline fill=\"none\" opacity=\"1\" stroke=\"{}\" points=\"0,0 1,1\"/>", hex(SERIES_COLOURS[k]));
        assert_eq!(dash_series(line(0), 0), line(0), "the first series is solid");
        assert!(dash_series(line(1), 1).contains("stroke-dasharray=\"8 4\""));
        assert_eq!(dash_series(line(1), 2), line(1), "only the series' own colour is dashed");
    }

    #[test]
    fn wrapping_keeps_every_word() {
        assert_eq!(wrap("Early childhood education (PAUD)", 20), vec!["Early childhood", "education (PAUD)"]);
        assert_eq!(wrap("Jawa Timur", 20), vec!["Jawa Timur"]);
        assert_eq!(wrap("", 20), vec![""]);
        assert_eq!(wrap("Supercalifragilistic", 8), vec!["Superca…"]);
        assert_eq!(chars_in(284, 15), 37);
    }
}
