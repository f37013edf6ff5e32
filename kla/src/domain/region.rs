//! Kemendagri region codes: a province `PP` or a kabupaten/kota `PP.KK`. The code is data; no meaning is
//! read from a region's name.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    National,
    Province,
    Regency,
}

/// A region code. [`RegionCode::parse`] accepts only syntactically valid ones (province 11–99, kab/kota
/// 01–99); the variants are public, so a code built directly is valid only if its builder made it so.
/// Whether the region exists is the registry's question (the database), not this type's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionCode {
    Province(u8),
    Regency(u8, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("region code {0:?} is not of the form PP (province) or PP.KK (kabupaten/kota)")]
pub struct InvalidRegionCode(pub String);

impl RegionCode {
    pub fn parse(s: &str) -> Result<Self, InvalidRegionCode> {
        let bad = || InvalidRegionCode(s.to_string());
        let two = |p: &str| -> Option<u8> { (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten() };
        let s_trim = s.trim();
        match s_trim.split_once('.') {
            None => two(s_trim).filter(|&p| p >= 11).map(RegionCode::Province).ok_or_else(bad),
            Some((p, k)) => {
                let p = two(p).filter(|&p| p >= 11).ok_or_else(bad)?;
                let k = two(k).filter(|&k| k >= 1).ok_or_else(bad)?;
                Ok(RegionCode::Regency(p, k))
            }
        }
    }

    pub fn level(self) -> RegionLevel {
        match self {
            RegionCode::Province(_) => RegionLevel::Province,
            RegionCode::Regency(..) => RegionLevel::Regency,
        }
    }

    /// The province a code belongs to (a province belongs to itself).
    pub fn province(self) -> RegionCode {
        match self {
            RegionCode::Province(p) | RegionCode::Regency(p, _) => RegionCode::Province(p),
        }
    }

    /// Kemendagri numbers kabupaten 01–69 and kota 71–99.
    pub fn is_kota(self) -> bool {
        matches!(self, RegionCode::Regency(_, k) if k >= 71)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionCode::Province(p) => write!(f, "{p:02}"),
            RegionCode::Regency(p, k) => write!(f, "{p:02}.{k:02}"),
        }
    }
}

impl Serialize for RegionCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// In JSON a code is its text, `PP` or `PP.KK`.
impl utoipa::PartialSchema for RegionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[1-9][0-9](\.[0-9][0-9])?$"))
            .description(Some("A Kemendagri region code: PP (province) or PP.KK (kabupaten/kota)"))
            .examples(["63.10"])
            .into()
    }
}

impl utoipa::ToSchema for RegionCode {}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_provinces_and_regencies() {
        assert_eq!(RegionCode::parse("63").unwrap(), RegionCode::Province(63));
        assert_eq!(RegionCode::parse("63.10").unwrap(), RegionCode::Regency(63, 10));
        assert_eq!(RegionCode::parse(" 62.71 ").unwrap().to_string(), "62.71");
        assert!(RegionCode::parse("62.71").unwrap().is_kota());
        assert!(!RegionCode::parse("63.10").unwrap().is_kota());
        assert_eq!(RegionCode::parse("63.10").unwrap().province(), RegionCode::Province(63));
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["", "6", "630", "63.1", "63.100", "63.", ".10", "ab", "63.x0", "63-10", "00", "10", "63.00"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
