//! Roles and their scope: which regions each role may read and write.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including accounts.
    Admin,
    /// One province and its regencies.
    Province(RegionCode),
    /// One regency.
    Regency(RegionCode),
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Province(_) => "province",
            Role::Regency(_) => "regency",
        }
    }
    pub fn region(self) -> Option<RegionCode> {
        match self {
            Role::Admin => None,
            Role::Province(c) | Role::Regency(c) => Some(c),
        }
    }
    /// A role from its stored name and region, checking that the region fits the role.
    pub fn from_parts(role: &str, region: Option<&str>) -> Result<Self, RoleError> {
        let region = region
            .filter(|r| !r.trim().is_empty())
            .map(|r| RegionCode::parse(r).map_err(|_| RoleError::BadRegion(r.to_string())))
            .transpose()?;
        match (role.trim().to_lowercase().as_str(), region) {
            ("admin", None) => Ok(Role::Admin),
            ("admin", Some(_)) => Err(RoleError::AdminWithRegion),
            ("province" | "provinsi", Some(c @ RegionCode::Province(_))) => Ok(Role::Province(c)),
            ("regency" | "kabkota", Some(c @ RegionCode::Regency(..))) => Ok(Role::Regency(c)),
            ("province" | "provinsi" | "regency" | "kabkota", _) => Err(RoleError::RegionMismatch),
            (other, _) => Err(RoleError::Unknown(other.to_string())),
        }
    }
    /// Whether this role may read and change the records of `region` (a province code covers the records
    /// the province itself organised).
    pub fn covers(self, region: RegionCode) -> bool {
        match self {
            Role::Admin => true,
            Role::Province(p) => region.province() == p,
            Role::Regency(r) => region == r,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    #[error("unknown role {0:?}: use admin, province or regency")]
    Unknown(String),
    #[error("{0:?} is not a region code (PP or PP.KK)")]
    BadRegion(String),
    #[error("an administrator has no region")]
    AdminWithRegion,
    #[error("a province officer needs a province code (PP), a regency officer a regency code (PP.KK)")]
    RegionMismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_cover_their_regions_only() {
        let c = |s| RegionCode::parse(s).unwrap();
        let prov = Role::from_parts("province", Some("63")).unwrap();
        let reg = Role::from_parts("regency", Some("63.10")).unwrap();
        assert!(Role::Admin.covers(c("35.07")));
        assert!(prov.covers(c("63")) && prov.covers(c("63.10")) && !prov.covers(c("64.01")) && !prov.covers(c("64")));
        assert!(reg.covers(c("63.10")) && !reg.covers(c("63.72")) && !reg.covers(c("63")));
        assert_eq!(Role::from_parts("regency", Some("63")), Err(RoleError::RegionMismatch));
        assert_eq!(Role::from_parts("admin", Some("63")), Err(RoleError::AdminWithRegion));
        assert!(Role::from_parts("root", None).is_err());
    }
}
