//! Which sheet a `{tahun}/{kode}` path names, and the user's side on it: one function for the sheet pages and
//! the handlers that post to them, so both answer a wrong year, a non-regency or another region's sheet alike.

use super::sheet::{self, Cycle, Side};
use crate::auth::Role;
use crate::db::regions::RegionRegistry;
use crate::domain::{RegionCode, RegionLevel};
use sqlx::AnyConnection;

/// What [`find`] found.
#[derive(Debug)]
pub enum Found {
    /// The cycle of the year, the regency, and the role's side on its sheet.
    Sheet(Cycle, RegionCode, Side),
    /// No cycle that year, or no regency of that code: 404.
    NotFound,
    /// A regency outside the role's scope: 403.
    Forbidden,
}

/// The cycle and regency a path's `year` and `code` name, and the role's side on the sheet.
pub async fn find(conn: &mut AnyConnection, regions: &RegionRegistry, role: Role, year: &str, code: &str) -> Result<Found, sqlx::Error> {
    let Ok(year) = year.parse::<i64>() else { return Ok(Found::NotFound) };
    let Some(regency) = RegionCode::parse(code).ok().filter(|c| c.level() == RegionLevel::Regency && regions.contains(*c)) else {
        return Ok(Found::NotFound);
    };
    let Some(side) = sheet::side(role, regency) else { return Ok(Found::Forbidden) };
    Ok(match sheet::cycle(conn, year).await? {
        Some(cycle) => Found::Sheet(cycle, regency, side),
        None => Found::NotFound,
    })
}
