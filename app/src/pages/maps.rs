//! Map figures: kab/kota coloured by their latest predicate (drawn by `geo`), with the data behind them.

use crate::aggregate::LatestPredicate;
use crate::error::AppError;
use crate::figures::Figure;
use crate::i18n::Lang;
use crate::state::AppState;

/// The national map of every kab/kota's latest predicate.
pub fn national(_state: &AppState, _lang: Lang, _latest: &[LatestPredicate], _demo: bool) -> Result<Option<Figure>, AppError> {
    Ok(None)
}

/// The map of a province's kab/kota and their latest predicates.
pub fn province(
    _state: &AppState,
    _lang: Lang,
    _province: crate::domain::RegionCode,
    _latest: &[LatestPredicate],
    _demo: bool,
) -> Result<Option<Figure>, AppError> {
    Ok(None)
}
