//! Maps: choropleth maps of the 514 kab/kota, drawn with plotters from the embedded boundary outlines
//! (`kla/data/boundaries-regencies.geojson`), simplified once per map kind to that map's resolution.
//!
//! Pure functions, no I/O: the outlines are compiled into the binary, parsed on first use and projected and
//! simplified once per map kind (the national map, and one map per province). The caller chooses the colour
//! of each kab/kota (by predicate, with [`crate::charts::PREDICATE_COLOURS`]) and its name (with its
//! predicate and year); each map gets an accessible name like every chart, and each kab/kota is a link named
//! by an SVG `<title>` (a tooltip for mouse users). The links stay out of the tab order: in SVG the tab order
//! is the paint order, largest first, so 514 stops in no useful order — the page's data table, whose names
//! link to the same pages, is the keyboard's path. A kab/kota filled with [`crate::charts::NO_RECORD`] is
//! hatched.
//!
//! Projection: equirectangular (x = longitude, y = latitude, north up), with x scaled by the cosine of the
//! map's middle latitude so shapes are not stretched. Simplification works in output pixels:
//! Douglas–Peucker (one pixel on the national map, half a pixel on province maps), then snapping to the
//! pixel grid and dropping repeated points, and rings under one square pixel; a kab/kota that would vanish
//! (a small kota on the national map) is drawn as a 2×2 px dot so every one of them shows its colour.
//! Inner rings (holes) are dropped: they are kota enclaves or small lakes, and the enclaves are drawn after,
//! on top of, the larger kabupaten around them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use plotters::prelude::*;
use serde::Deserialize;

use crate::charts::{ChartError, NO_RECORD, err, finish};

/// The outlines (see `kla/data/README.md` for source and licence).
const GEOJSON: &str = include_str!("../../kla/data/boundaries-regencies.geojson");

/// Output size of the national map, in SVG units (≈ pixels at full width).
pub const NATIONAL_SIZE: (u32, u32) = (960, 380);
/// Output size of a province map.
pub const PROVINCE_SIZE: (u32, u32) = (640, 420);
const NATIONAL_MARGIN: f64 = 6.0;
const PROVINCE_MARGIN: f64 = 16.0;
/// Douglas–Peucker tolerance, in output pixels: a whole pixel on the national map (its SVG stays under
/// 100 KB; half a pixel made it 150 KB with no visible difference), half a pixel on province maps (already
/// small: the source is simplified at 0.01°, about a pixel there).
const NATIONAL_TOLERANCE: f64 = 1.0;
const PROVINCE_TOLERANCE: f64 = 0.5;
/// Rings smaller than this many square pixels are dropped (twice the area, to stay in integers).
const MIN_RING_AREA2: i64 = 2;
/// A kab/kota whose largest ring is smaller than this (twice the area of the 2×2 dot) is drawn as the dot.
const DOT_AREA2: i64 = 8;
/// Thin white borders between kab/kota, inherited by every polygon from the root element.
const STROKE: &str = "<svg stroke=\"#FFFFFF\" stroke-width=\"0.5\" stroke-linejoin=\"round\" ";

/// One kab/kota: its code (`PP.KK`), name and outer rings of (lng, lat) points, without the closing point.
struct Regency {
    code: String,
    name: String,
    rings: Vec<Vec<(f32, f32)>>,
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

fn parse(json: &str) -> Result<Vec<Regency>, String> {
    let collection: Collection = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut regencies: Vec<Regency> = collection
        .features
        .into_iter()
        .map(|f| {
            let polygons = match f.geometry {
                Geometry::Polygon(p) => vec![p],
                Geometry::MultiPolygon(ps) => ps,
            };
            let rings = polygons
                .into_iter()
                .filter_map(|p| p.into_iter().next())
                .map(|ring| {
                    let mut pts: Vec<(f32, f32)> = ring.iter().map(|&[lng, lat]| (lng as f32, lat as f32)).collect();
                    if pts.len() > 1 && pts.first() == pts.last() {
                        pts.pop();
                    }
                    pts
                })
                .filter(|pts| pts.len() >= 3)
                .collect();
            Regency { code: f.properties.code, name: f.properties.name, rings }
        })
        .collect();
    regencies.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(regencies)
}

/// Every kab/kota with its outline, sorted by code; parsed once.
static REGENCIES: LazyLock<Vec<Regency>> = LazyLock::new(|| parse(GEOJSON).expect("the embedded boundaries are valid GeoJSON (tested)"));

/// One kab/kota on a map: its index in `REGENCIES` and its rings in output pixels.
struct Shape {
    regency: usize,
    rings: Vec<Vec<(i32, i32)>>,
}

/// A map kind, projected and simplified: shapes in drawing order (largest first, so enclaves end on top).
struct Projected {
    size: (u32, u32),
    shapes: Vec<Shape>,
}

/// Equirectangular projection fitted to a bounding box, keeping the aspect ratio and centring the result.
struct Projection {
    lng0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
    ox: f64,
    oy: f64,
}

impl Projection {
    fn fit((min_lng, min_lat, max_lng, max_lat): (f64, f64, f64, f64), (w, h): (u32, u32), margin: f64) -> Self {
        let cos = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let dx = ((max_lng - min_lng) * cos).max(1e-6);
        let dy = (max_lat - min_lat).max(1e-6);
        let k = ((w as f64 - 2.0 * margin) / dx).min((h as f64 - 2.0 * margin) / dy);
        Projection { lng0: min_lng, lat0: max_lat, kx: k * cos, ky: k, ox: (w as f64 - dx * k) / 2.0, oy: (h as f64 - dy * k) / 2.0 }
    }

    fn project(&self, (lng, lat): (f32, f32)) -> (f64, f64) {
        (self.ox + (lng as f64 - self.lng0) * self.kx, self.oy + (self.lat0 - lat as f64) * self.ky)
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
}

/// Douglas–Peucker on a closed ring (no closing point): split at the point farthest from the first, keep
/// every point that lies more than `tolerance` from the simplified outline.
fn simplify_ring(pts: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    let n = pts.len();
    if n <= 3 {
        return pts.to_vec();
    }
    let d0 = |p: &(f64, f64)| (p.0 - pts[0].0).powi(2) + (p.1 - pts[0].1).powi(2);
    let far = (1..n).max_by(|&i, &j| d0(&pts[i]).total_cmp(&d0(&pts[j]))).unwrap_or(n / 2);
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[far] = true;
    // Index n stands for point 0 again, closing the ring.
    let at = |i: usize| pts[i % n];
    let mut stack = vec![(0, far), (far, n)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut worst, mut worst_d) = (a, -1.0);
        for i in a + 1..b {
            let d = segment_distance(at(i), at(a), at(b));
            if d > worst_d {
                (worst, worst_d) = (i, d);
            }
        }
        if worst_d > tolerance {
            keep[worst] = true;
            stack.push((a, worst));
            stack.push((worst, b));
        }
    }
    pts.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// Snaps to the pixel grid and drops repeated points (the polygon closes itself).
fn to_pixels(pts: &[(f64, f64)]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for &(x, y) in pts {
        let p = (x.round() as i32, y.round() as i32);
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Twice the area of a ring, in square pixels.
fn area2(ring: &[(i32, i32)]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 as i64 * b.1 as i64 - b.0 as i64 * a.1 as i64
        })
        .sum::<i64>()
        .abs()
}

fn area_f(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    ((0..n).map(|i| ring[i].0 * ring[(i + 1) % n].1 - ring[(i + 1) % n].0 * ring[i].1).sum::<f64>() / 2.0).abs()
}

/// Projects and simplifies the given kab/kota (indices into `REGENCIES`) for one output size.
fn project(indices: &[usize], size: (u32, u32), margin: f64, tolerance: f64) -> Projected {
    let regencies = &*REGENCIES;
    let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(lng, lat) in indices.iter().flat_map(|&i| regencies[i].rings.iter().flatten()) {
        let (lng, lat) = (lng as f64, lat as f64);
        bbox = (bbox.0.min(lng), bbox.1.min(lat), bbox.2.max(lng), bbox.3.max(lat));
    }
    let proj = Projection::fit(bbox, size, margin);
    let mut shapes: Vec<(f64, Shape)> = indices
        .iter()
        .filter(|&&i| !regencies[i].rings.is_empty())
        .map(|&i| {
            let projected: Vec<Vec<(f64, f64)>> = regencies[i].rings.iter().map(|r| r.iter().map(|&p| proj.project(p)).collect()).collect();
            let total: f64 = projected.iter().map(|r| area_f(r)).sum();
            let mut rings: Vec<Vec<(i32, i32)>> = projected
                .iter()
                .map(|r| to_pixels(&simplify_ring(r, tolerance)))
                .filter(|r| r.len() >= 3 && area2(r) >= MIN_RING_AREA2)
                .collect();
            if rings.iter().map(|r| area2(r)).max().unwrap_or(0) < DOT_AREA2 {
                // Too small to see: a 2×2 px dot at the centre of its largest ring.
                let largest = projected.iter().max_by(|a, b| area_f(a).total_cmp(&area_f(b))).expect("non-empty");
                let n = largest.len() as f64;
                let cx = (largest.iter().map(|p| p.0).sum::<f64>() / n).round() as i32;
                let cy = (largest.iter().map(|p| p.1).sum::<f64>() / n).round() as i32;
                rings = vec![vec![(cx - 1, cy - 1), (cx + 1, cy - 1), (cx + 1, cy + 1), (cx - 1, cy + 1)]];
            }
            (total, Shape { regency: i, rings })
        })
        .collect();
    shapes.sort_by(|a, b| b.0.total_cmp(&a.0));
    Projected { size, shapes: shapes.into_iter().map(|(_, s)| s).collect() }
}

static NATIONAL: LazyLock<Projected> = LazyLock::new(|| {
    let all: Vec<usize> = (0..REGENCIES.len()).collect();
    project(&all, NATIONAL_SIZE, NATIONAL_MARGIN, NATIONAL_TOLERANCE)
});

/// One map per province code (`PP`), for the provinces that have outlines.
static PROVINCES: LazyLock<BTreeMap<String, Projected>> = LazyLock::new(|| {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in REGENCIES.iter().enumerate() {
        if let Some((province, _)) = r.code.split_once('.') {
            groups.entry(province.to_owned()).or_default().push(i);
        }
    }
    groups.into_iter().map(|(p, idx)| (p, project(&idx, PROVINCE_SIZE, PROVINCE_MARGIN, PROVINCE_TOLERANCE))).collect()
});

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Wraps each kab/kota's polygons in a link to its page, with its name as `<title>`, and drops the redundant
/// `opacity="1"`. plotters writes one `<polygon>` line per ring, in drawing order; if its output ever looks
/// different, the map is returned without names rather than with wrong ones.
fn name_shapes(svg: String, map: &Projected, name: &dyn Fn(&str, &str) -> String) -> String {
    let mut out = String::with_capacity(svg.len() + map.shapes.len() * 48);
    let mut lines = svg.split_inclusive('\n').peekable();
    while let Some(line) = lines.next_if(|l| !l.starts_with("<polygon")) {
        out.push_str(line);
    }
    for shape in &map.shapes {
        let regency = &REGENCIES[shape.regency];
        out.push_str("<a tabindex=\"-1\" href=\"");
        out.push_str(&escape_text(&crate::paths::regency(&regency.code)));
        out.push_str("\"><title>");
        out.push_str(&escape_text(&name(&regency.code, &regency.name)));
        out.push_str("</title>\n");
        for _ in &shape.rings {
            match lines.next() {
                Some(line) if line.starts_with("<polygon") => out.push_str(&line.replacen(" opacity=\"1\"", "", 1)),
                _ => return svg,
            }
        }
        out.push_str("</a>\n");
    }
    if lines.peek().is_some_and(|l| l.starts_with("<polygon")) {
        return svg;
    }
    lines.for_each(|l| out.push_str(l));
    out
}

/// How a map colours and names its kab/kota: `fill` gives the colour of a code (`PP.KK`), `default` is used
/// where it gives `None`; `name` gives a shape's accessible name from its code and outline name.
pub struct Styling<'a> {
    pub fill: &'a dyn Fn(&str) -> Option<RGBColor>,
    pub default: RGBColor,
    pub name: &'a dyn Fn(&str, &str) -> String,
}

/// The hatching of [`NO_RECORD`]: its pattern, and the fill attribute that uses it.
const HATCH_ID: &str = "peta-tanpa-catatan";

/// Replaces the fill of no-record shapes by grey hatching on white.
fn hatch(svg: String) -> String {
    let fill = format!("fill=\"{}\"", crate::charts::hex(NO_RECORD));
    if !svg.contains(&fill) {
        return svg;
    }
    let line = crate::charts::hex(crate::charts::NO_RECORD_HATCH);
    let defs = format!(
        "<defs><pattern id=\"{HATCH_ID}\" patternUnits=\"userSpaceOnUse\" width=\"4\" height=\"4\" patternTransform=\"rotate(45)\">\
         <rect width=\"4\" height=\"4\" fill=\"#FFFFFF\" stroke=\"none\"/><rect width=\"1.6\" height=\"4\" fill=\"{line}\" stroke=\"none\"/></pattern></defs>\n"
    );
    let svg = svg.replace(&fill, &format!("fill=\"url(#{HATCH_ID})\""));
    match svg.find(">\n") {
        Some(end) => format!("{}{defs}{}", &svg[..end + 2], &svg[end + 2..]),
        None => svg,
    }
}

fn render(map: &Projected, title: &str, style: &Styling<'_>) -> Result<String, ChartError> {
    let mut svg = String::with_capacity(128 * 1024);
    {
        let root = SVGBackend::with_string(&mut svg, map.size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        for shape in &map.shapes {
            let colour = (style.fill)(&REGENCIES[shape.regency].code).unwrap_or(style.default);
            for ring in &shape.rings {
                root.draw(&Polygon::new(ring.as_slice(), colour.filled())).map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    let svg = hatch(name_shapes(svg, map, style.name)).replacen("<svg ", STROKE, 1);
    Ok(finish(svg, title))
}

/// The map of all 514 kab/kota; `title` is the map's accessible name.
pub fn national_map(title: &str, style: &Styling<'_>) -> Result<String, ChartError> {
    render(&NATIONAL, title, style)
}

/// The map of one province's kab/kota (province code `PP`, e.g. "63"), fitted to the province; `None` for
/// a code with no outlines. `style` is asked only about that province's kab/kota.
pub fn province_map(province_code: &str, title: &str, style: &Styling<'_>) -> Result<Option<String>, ChartError> {
    match PROVINCES.get(province_code) {
        Some(map) => render(map, title, style).map(Some),
        None => Ok(None),
    }
}

/// The centre of each kab/kota's outline (area-weighted over its outer rings, in degrees: lng, lat), and of
/// each province (the mean of its kab/kota's centres), by code; computed once.
static CENTRES: LazyLock<BTreeMap<String, (f64, f64)>> = LazyLock::new(|| {
    let mut out: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut provinces: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for r in REGENCIES.iter() {
        let (mut a, mut cx, mut cy) = (0.0f64, 0.0f64, 0.0f64);
        for ring in &r.rings {
            for (i, &(x0, y0)) in ring.iter().enumerate() {
                let (x1, y1) = ring[(i + 1) % ring.len()];
                let (x0, y0, x1, y1) = (x0 as f64, y0 as f64, x1 as f64, y1 as f64);
                let cross = x0 * y1 - x1 * y0;
                a += cross;
                cx += (x0 + x1) * cross;
                cy += (y0 + y1) * cross;
            }
        }
        if a.abs() < 1e-12 {
            continue;
        }
        let c = (cx / (3.0 * a), cy / (3.0 * a));
        out.insert(r.code.clone(), c);
        let p = provinces.entry(r.code[..2].to_string()).or_default();
        *p = (p.0 + c.0, p.1 + c.1, p.2 + 1);
    }
    for (code, (x, y, n)) in provinces {
        out.insert(code, (x / n as f64, y / n as f64));
    }
    out
});

/// How many neighbours [`neighbours`] keeps for each region.
pub const NEIGHBOURS: usize = 5;

/// Each region's nearest regions by the distance between their outlines' centres (longitude scaled by the
/// cosine of the latitude): a kab/kota's within its province, a province's among the provinces; at most
/// [`NEIGHBOURS`], nearest first. Computed once, for every region together.
static NEAREST: LazyLock<BTreeMap<String, Vec<String>>> = LazyLock::new(|| {
    let centres = &*CENTRES;
    let distance = |a: (f64, f64), b: (f64, f64)| {
        let k = ((a.1 + b.1) / 2.0).to_radians().cos();
        ((a.0 - b.0) * k).hypot(a.1 - b.1)
    };
    centres
        .iter()
        .map(|(code, &c)| {
            let peer = |other: &str| other != code && other.len() == code.len() && (code.len() == 2 || other[..2] == code[..2]);
            let mut near: Vec<(f64, &String)> = centres.iter().filter(|(o, _)| peer(o)).map(|(o, &oc)| (distance(c, oc), o)).collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            (code.clone(), near.into_iter().take(NEIGHBOURS).map(|(_, o)| o.clone()).collect())
        })
        .collect()
});

/// The nearest regions of a province (`63`) or kab/kota (`63.10`), nearest first (see [`NEAREST`]); none
/// for a region without an outline.
pub fn neighbours(code: &str) -> &'static [String] {
    NEAREST.get(code).map_or(&[], Vec::as_slice)
}

/// Computes the neighbours now (at start-up), so that no request pays for it.
pub fn prepare_neighbours() {
    LazyLock::force(&NEAREST);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::PREDICATE_COLOURS;
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    fn grey(_: &str) -> Option<RGBColor> {
        None
    }

    fn plain(_: &str, name: &str) -> String {
        name.to_owned()
    }

    fn style<'a>(fill: &'a dyn Fn(&str) -> Option<RGBColor>) -> Styling<'a> {
        Styling { fill, default: PREDICATE_COLOURS[0], name: &plain }
    }

    /// The kab/kota codes of the region registry.
    fn registry_codes() -> BTreeSet<String> {
        include_str!("../../kla/data/regions.csv")
            .lines()
            .skip(1)
            .filter(|l| l.contains(",regency,"))
            .map(|l| l.split(',').next().unwrap_or_default().to_owned())
            .collect()
    }

    fn titles(svg: &str) -> Vec<&str> {
        svg.split("\"><title>").skip(1).map(|s| s.split("</title>").next().unwrap_or_default()).collect()
    }

    #[test]
    fn every_registry_code_has_an_outline() {
        let codes: BTreeSet<String> = REGENCIES.iter().map(|r| r.code.clone()).collect();
        assert_eq!(REGENCIES.len(), 514);
        assert_eq!(codes.len(), 514, "codes are unique");
        assert_eq!(codes, registry_codes());
        for r in REGENCIES.iter() {
            assert!(!r.rings.is_empty() && r.rings.iter().all(|ring| ring.len() >= 3), "{} has no outline", r.code);
            assert!(!r.name.is_empty());
        }
    }

    #[test]
    fn national_map_draws_every_regency_in_a_light_svg() {
        let svg = national_map("Predikat KLA per kab/kota", &style(&grey)).unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Predikat KLA per kab/kota\" class=\"chart\" stroke="));
        let names = titles(&svg);
        assert_eq!(names.len(), 514);
        assert_eq!(svg.matches("<a tabindex=\"-1\" href=\"/kabkota/").count(), svg.matches("</a>").count());
        // Every group holds at least one polygon.
        assert!(svg.split("\"><title>").skip(1).all(|g| g.contains("<polygon ")));
        assert!(svg.len() < 120_000, "national map is {} bytes", svg.len());
        assert!(!svg.contains("<polygon opacity=\"1\""), "the redundant opacity is dropped");
    }

    #[test]
    fn north_is_up_and_west_is_left() {
        let map = &*NATIONAL;
        let centre = |prefix: &str| {
            let pts: Vec<(i32, i32)> = map
                .shapes
                .iter()
                .filter(|s| REGENCIES[s.regency].code.starts_with(prefix))
                .flat_map(|s| s.rings.iter().flatten().copied())
                .collect();
            let n = pts.len() as i64;
            (pts.iter().map(|p| p.0 as i64).sum::<i64>() / n, pts.iter().map(|p| p.1 as i64).sum::<i64>() / n)
        };
        let (aceh, ntt, papua) = (centre("11."), centre("53."), centre("91."));
        assert!(aceh.0 < ntt.0 && ntt.0 < papua.0, "west to east: {aceh:?} {ntt:?} {papua:?}");
        assert!(aceh.1 < ntt.1, "Aceh is north of NTT: {aceh:?} {ntt:?}");
        // Not stretched: one degree of longitude at the equator is as wide as one of latitude is tall.
        let p = Projection::fit((95.0, -11.0, 141.0, 6.0), NATIONAL_SIZE, NATIONAL_MARGIN);
        assert!((p.kx / p.ky - (-2.5f64).to_radians().cos()).abs() < 1e-9);
    }

    #[test]
    fn a_province_map_holds_only_its_regencies() {
        let asked = RefCell::new(BTreeSet::new());
        let fill = |code: &str| {
            asked.borrow_mut().insert(code.to_owned());
            None
        };
        let svg = province_map("63", "Kalimantan Selatan", &style(&fill)).unwrap().unwrap();
        let expected: BTreeSet<String> = registry_codes().into_iter().filter(|c| c.starts_with("63.")).collect();
        assert_eq!(expected.len(), 13);
        assert_eq!(*asked.borrow(), expected);
        let mut names: Vec<&str> = titles(&svg);
        names.sort();
        let mut want: Vec<&str> = REGENCIES.iter().filter(|r| r.code.starts_with("63.")).map(|r| r.name.as_str()).collect();
        want.sort();
        assert_eq!(names, want);
    }

    #[test]
    fn the_fill_colour_is_used_and_the_default_elsewhere() {
        let fill = |code: &str| (code == "63.10").then_some(RGBColor(0x12, 0x34, 0xab));
        for svg in [national_map("t", &style(&fill)).unwrap(), province_map("63", "t", &style(&fill)).unwrap().unwrap()] {
            let own = svg.split("\"><title>").find(|g| g.contains("fill=\"#1234AB\"")).expect("the fill colour is drawn");
            assert!(own.starts_with("Kabupaten Tanah Bumbu</title>"), "{own}");
            assert!(svg.contains("fill=\"#E3E3E3\""), "the default colour is drawn elsewhere");
        }
    }

    #[test]
    fn shapes_are_named_kept_out_of_the_tab_order_and_no_record_is_hatched() {
        let fill = |code: &str| (code != "63.10").then_some(PREDICATE_COLOURS[2]);
        let name = |code: &str, name: &str| format!("{name} — {code}");
        let svg = province_map("63", "t", &Styling { fill: &fill, default: NO_RECORD, name: &name }).unwrap().unwrap();
        assert!(svg.contains("<title>Kabupaten Tanah Bumbu — 63.10</title>"));
        assert_eq!(svg.matches("<a tabindex=\"-1\" href=").count(), 13, "every link out of the tab order");
        let own = svg.split("\"><title>").find(|g| g.starts_with("Kabupaten Tanah Bumbu")).unwrap();
        assert!(own.contains("fill=\"url(#peta-tanpa-catatan)\""), "{own}");
        assert_eq!(svg.matches("<pattern id=\"peta-tanpa-catatan\"").count(), 1);
        let all = province_map("63", "t", &style(&|_| Some(PREDICATE_COLOURS[2]))).unwrap().unwrap();
        assert!(!all.contains("<pattern"), "no pattern where nothing is hatched");
    }

    #[test]
    fn unknown_provinces_have_no_map() {
        for code in ["99", "", "6", "63.10", "630"] {
            assert!(province_map(code, "t", &style(&grey)).unwrap().is_none(), "{code}");
        }
        assert!(province_map("35", "t", &style(&grey)).unwrap().is_some());
    }

    #[test]
    fn names_are_escaped() {
        assert_eq!(escape_text("A & <B>"), "A &amp; &lt;B&gt;");
    }

    #[test]
    fn douglas_peucker_keeps_corners_and_drops_near_collinear_points() {
        let square = [(0.0, 0.0), (5.0, 0.1), (10.0, 0.0), (10.0, 10.0), (5.0, 10.2), (0.0, 10.0)];
        assert_eq!(simplify_ring(&square, 0.5), vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
        assert_eq!(to_pixels(&[(0.2, 0.2), (0.4, 0.1), (3.0, 0.0), (3.0, 3.0), (0.1, 0.3)]), vec![(0, 0), (3, 0), (3, 3)]);
        assert_eq!(area2(&[(0, 0), (3, 0), (3, 3)]), 9);
    }

    #[test]
    fn neighbours_are_near_and_in_the_same_province() {
        let near = neighbours("63.71");
        assert_eq!(near.len(), NEIGHBOURS);
        assert!(near.iter().all(|c| c.starts_with("63.") && c != "63.71"), "{near:?}");
        // Banjarbaru and Banjar border Banjarmasin; Kotabaru, across the sea to the east, does not come first.
        assert!(near[..2].contains(&"63.72".to_string()) || near[..2].contains(&"63.03".to_string()), "{near:?}");
        let provinces = neighbours("63");
        assert_eq!(provinces.len(), NEIGHBOURS);
        assert!(provinces.iter().all(|c| c.len() == 2 && c != "63"), "{provinces:?}");
        assert!(provinces[..3].iter().any(|c| c == "62" || c == "64"), "Kalimantan Tengah or Timur is near: {provinces:?}");
        assert!(neighbours("99.99").is_empty());
    }
}
