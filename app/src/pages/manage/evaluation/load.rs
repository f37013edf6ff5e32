//! The sheet the sheet and indicator pages show: the cycle and regency of the path, the user's side on it.

use crate::error::AppError;
use crate::pages::manage::region_label;
use crate::state::AppState;
use kla::auth::Role;
use kla::evaluation::sheet::{self, Sheet, Side};
use kla::evaluation::target::{self, Found};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A regency's sheet as a page shows it: the user's side on it and the regency's label.
pub struct Loaded {
    pub sheet: Sheet,
    pub side: Side,
    pub label: String,
}

/// The sheet of the path's `{tahun}` and `{kode}`, found as the handlers find it ([`target::find`]): 404 for
/// an unknown cycle or regency, 403 when the role does not cover the regency.
pub async fn load_sheet(state: &AppState, role: Role) -> Result<Loaded, AppError> {
    let params = use_params_map().get_untracked();
    let (year, code) = (params.get("tahun").unwrap_or_default(), params.get("kode").unwrap_or_default());
    let mut conn = kla::db::acquire(&state.pool).await?;
    let (cycle, regency, side) = match target::find(&mut conn, &state.regions, role, &year, &code).await? {
        Found::Sheet(cycle, regency, side) => (cycle, regency, side),
        Found::NotFound => return Err(AppError::NotFound),
        Found::Forbidden => return Err(AppError::Forbidden),
    };
    let sheet = sheet::load(&mut conn, &cycle, regency).await?;
    Ok(Loaded { sheet, side, label: region_label(state, regency) })
}
