//! The sheet the sheet and indicator pages show: the cycle and regency of the path, the user's side on it.

use crate::error::AppError;
use crate::pages::manage::region_label;
use crate::state::AppState;
use kla::auth::Role;
use kla::domain::{RegionCode, RegionLevel};
use kla::evaluation::sheet::{self, Cycle, Sheet, Side};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A regency's sheet as a page shows it: the user's side on it and the regency's label.
pub struct Loaded {
    pub sheet: Sheet,
    pub side: Side,
    pub label: String,
}

/// The sheet of the path's `{tahun}` and `{kode}`: 404 for an unknown cycle or regency, 403 when the role
/// does not cover the regency.
pub async fn load_sheet(state: &AppState, role: Role) -> Result<Loaded, AppError> {
    let params = use_params_map().get_untracked();
    let year: i64 = params.get("tahun").and_then(|t| t.parse().ok()).ok_or(AppError::NotFound)?;
    let regency = params
        .get("kode")
        .and_then(|k| RegionCode::parse(&k).ok())
        .filter(|c| c.level() == RegionLevel::Regency && state.regions.contains(*c))
        .ok_or(AppError::NotFound)?;
    let side = sheet::side(role, regency).ok_or(AppError::Forbidden)?;
    let mut conn = state.pool.acquire().await?;
    let cycle: Cycle = sheet::cycle(&mut conn, year).await?.ok_or(AppError::NotFound)?;
    let sheet = sheet::load(&mut conn, &cycle, regency).await?;
    Ok(Loaded { sheet, side, label: region_label(state, regency) })
}
