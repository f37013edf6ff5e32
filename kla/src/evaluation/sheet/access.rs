//! Who may act on a sheet and how a change is refused: the side a role takes (the regency's own officer or
//! a verifier), the rule that only the regency edits an open sheet, and the refusals and errors of a write.

use super::submission::Submission;
use crate::auth::Role;
use crate::domain::RegionCode;

/// Why a change was refused: the form field it concerns and a translation key (`eval.err_…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub key: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("refused: {}", .0.key)]
    Refused(Refusal),
    /// The user's role does not cover the regency or the action.
    #[error("forbidden")]
    Forbidden,
    /// No such indicator, item or file on this sheet.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub(super) fn refuse<T>(field: &'static str, key: &'static str) -> Result<T, EvalError> {
    Err(EvalError::Refused(Refusal { field, key }))
}

/// Who acts on a sheet: the regency's own officer, or a verifier (the province's officer, or an administrator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Regency,
    Verifier,
}

/// The side a role takes on a regency's sheet, or `None` when the role does not cover the regency.
pub fn side(role: Role, regency: RegionCode) -> Option<Side> {
    match role {
        Role::Regency(r) if r == regency => Some(Side::Regency),
        Role::Province(_) | Role::Admin if role.covers(regency) => Some(Side::Verifier),
        _ => None,
    }
}

pub(super) fn check_regency_may_edit(side: Side, sub: &Submission) -> Result<(), EvalError> {
    if side != Side::Regency {
        return Err(EvalError::Forbidden);
    }
    if !sub.status.open_to_regency() {
        return refuse("", "eval.err_locked");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_take_sides_only_where_they_reach() {
        let r = RegionCode::parse("63.10").unwrap();
        assert_eq!(side(Role::Regency(r), r), Some(Side::Regency));
        assert_eq!(side(Role::Regency(RegionCode::parse("63.72").unwrap()), r), None);
        assert_eq!(side(Role::Province(RegionCode::parse("63").unwrap()), r), Some(Side::Verifier));
        assert_eq!(side(Role::Province(RegionCode::parse("62").unwrap()), r), None);
        assert_eq!(side(Role::Admin, r), Some(Side::Verifier));
    }
}
