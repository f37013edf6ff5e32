//! Diagnostics for the maps (`app::geo`), kept out of the test run: how long the maps take to draw and how
//! large they are, and, given a folder, sample maps written there to look at.
//!
//! `cargo run --example maps` prints the timings (no assertion: machines differ);
//! `cargo run --example maps -- DIR` also writes `map-national.svg` and `map-province-{63,35,94,11}.svg` to
//! DIR, coloured by a made-up cycle through the predicate ramp so the borders show.

use app::charts::PREDICATE_COLOURS;
use app::geo::{Styling, national_map, province_map};
use plotters::style::RGBColor;
use std::path::PathBuf;
use std::time::Instant;

fn grey(_: &str) -> Option<RGBColor> {
    None
}

fn ramp(_: &str) -> Option<RGBColor> {
    Some(PREDICATE_COLOURS[3])
}

fn plain(_: &str, name: &str) -> String {
    name.to_owned()
}

fn style(fill: &dyn Fn(&str) -> Option<RGBColor>) -> Styling<'_> {
    Styling { fill, default: PREDICATE_COLOURS[0], name: &plain }
}

/// A made-up colouring that cycles through the predicate ramp by code, to see the borders.
fn cycle(code: &str) -> Option<RGBColor> {
    let n: usize = code.bytes().filter(u8::is_ascii_digit).map(|b| (b - b'0') as usize).sum();
    Some(PREDICATE_COLOURS[n % PREDICATE_COLOURS.len()])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The first national map parses the embedded GeoJSON and projects and simplifies every outline; the
    // first province map projects every province; later maps only draw.
    let t = Instant::now();
    let national = national_map("t", &style(&ramp))?;
    let national_first = t.elapsed();
    let t = Instant::now();
    let again = national_map("t", &style(&ramp))?;
    let national_again = t.elapsed();
    assert_eq!(national, again, "the same map twice");
    let t = Instant::now();
    let province = province_map("35", "t", &style(&grey))?.ok_or("no map for province 35")?;
    let province_first = t.elapsed();
    let t = Instant::now();
    province_map("35", "t", &style(&grey))?;
    let province_again = t.elapsed();
    println!(
        "national map: {} bytes, {} polygons; first (parse, project, simplify, draw) {national_first:?}, then {national_again:?}",
        national.len(),
        national.matches("<polygon ").count()
    );
    println!("province 35 map: {} bytes; first (project every province, draw) {province_first:?}, then {province_again:?}", province.len());

    if let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("map-national.svg"), national_map("Indonesia", &style(&cycle))?)?;
        for p in ["63", "35", "94", "11"] {
            let svg = province_map(p, p, &style(&cycle))?.ok_or("no map for the province")?;
            std::fs::write(dir.join(format!("map-province-{p}.svg")), svg)?;
        }
        println!("sample maps written to {}", dir.display());
    }
    Ok(())
}
