//! Child-service units (a school, a puskesmas, a PUSPAGA …) with their staff and KHA-certified staff, the
//! facts behind the "share of certified service providers" measure.

use super::error::{FieldError, FieldErrors, check};
use super::predicate::{parse_int, parse_opt_int, parse_regency};
use super::region::RegionCode;
use serde::{Deserialize, Serialize};

/// The largest staff count one unit may report.
pub const MAX_STAFF: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    SekolahRamahAnak,
    PuskesmasRamahAnak,
    Paud,
    Lpks,
    Puspaga,
    Rira,
    PusatKreativitasAnak,
    Pesantren,
    Lksa,
    ForumAnak,
    Patbm,
    UptdPpa,
    Opd,
    /// Bina Keluarga Balita / Remaja: family-development groups.
    Bkb,
    /// Child-protection NGOs (Lembaga Perlindungan Anak Indonesia and its branches).
    Lpai,
    Posyandu,
    TokohAgama,
    Media,
    DuniaUsaha,
    Lainnya,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 20] = [
        ProviderKind::SekolahRamahAnak,
        ProviderKind::PuskesmasRamahAnak,
        ProviderKind::Paud,
        ProviderKind::Lpks,
        ProviderKind::Puspaga,
        ProviderKind::Rira,
        ProviderKind::PusatKreativitasAnak,
        ProviderKind::Pesantren,
        ProviderKind::Lksa,
        ProviderKind::ForumAnak,
        ProviderKind::Patbm,
        ProviderKind::UptdPpa,
        ProviderKind::Opd,
        ProviderKind::Bkb,
        ProviderKind::Lpai,
        ProviderKind::Posyandu,
        ProviderKind::TokohAgama,
        ProviderKind::Media,
        ProviderKind::DuniaUsaha,
        ProviderKind::Lainnya,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::SekolahRamahAnak => "sekolah_ramah_anak",
            ProviderKind::PuskesmasRamahAnak => "puskesmas_ramah_anak",
            ProviderKind::Paud => "paud",
            ProviderKind::Lpks => "lpks",
            ProviderKind::Puspaga => "puspaga",
            ProviderKind::Rira => "rira",
            ProviderKind::PusatKreativitasAnak => "pusat_kreativitas_anak",
            ProviderKind::Pesantren => "pesantren",
            ProviderKind::Lksa => "lksa",
            ProviderKind::ForumAnak => "forum_anak",
            ProviderKind::Patbm => "patbm",
            ProviderKind::UptdPpa => "uptd_ppa",
            ProviderKind::Opd => "opd",
            ProviderKind::Bkb => "bkb",
            ProviderKind::Lpai => "lpai",
            ProviderKind::Posyandu => "posyandu",
            ProviderKind::TokohAgama => "tokoh_agama",
            ProviderKind::Media => "media",
            ProviderKind::DuniaUsaha => "dunia_usaha",
            ProviderKind::Lainnya => "lainnya",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase().replace([' ', '-', '/'], "_");
        let s = match s.as_str() {
            "bkr" | "bkb_bkr" => "bkb",
            other => other,
        };
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A service unit as entered: every field as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceUnitInput {
    pub regency_code: String,
    pub kind: String,
    pub name: String,
    pub total_staff: String,
    pub certified_staff: String,
    pub latest_certificate_year: String,
    pub certificate_issuer: String,
}

/// A validated service unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceUnit {
    pub regency: RegionCode,
    pub kind: ProviderKind,
    pub name: String,
    pub total_staff: i64,
    pub certified_staff: i64,
    pub latest_certificate_year: Option<i32>,
    pub certificate_issuer: String,
}

impl ServiceUnit {
    /// A unit counts as certified when at least one of its staff holds a KHA certificate.
    pub fn is_certified(&self) -> bool {
        self.certified_staff > 0
    }
}

impl ServiceUnitInput {
    pub fn parse(&self) -> Result<ServiceUnit, FieldErrors> {
        let mut errs = FieldErrors::default();
        let regency = parse_regency(&mut errs, "regency_code", &self.regency_code);
        let kind = ProviderKind::parse(&self.kind);
        if kind.is_none() {
            let all: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.as_str()).collect();
            errs.push(FieldError::with("kind", "one_of", all.join(", ")));
        }
        let name = check::required_text(&mut errs, "name", &self.name, 300);
        let total = parse_int(&mut errs, "total_staff", &self.total_staff).map(|v| check::count(&mut errs, "total_staff", v, MAX_STAFF));
        let certified = parse_int(&mut errs, "certified_staff", &self.certified_staff)
            .map(|v| check::count(&mut errs, "certified_staff", v, MAX_STAFF));
        if let (Some(t), Some(c)) = (total, certified)
            && c > t
        {
            errs.push(FieldError::with("certified_staff", "certified_exceeds_total", t.to_string()));
        }
        let year = parse_opt_int(&mut errs, "latest_certificate_year", &self.latest_certificate_year)
            .map(|y| check::year(&mut errs, "latest_certificate_year", y as i32));
        if certified.is_some_and(|c| c > 0) && year.is_none() && self.latest_certificate_year.trim().is_empty() {
            errs.push(FieldError::new("latest_certificate_year", "certificate_year_needed"));
        }
        let certificate_issuer = check::optional_text(&mut errs, "certificate_issuer", &self.certificate_issuer, 200);
        errs.into_result(|| ServiceUnit {
            regency: regency.expect("checked"),
            kind: kind.expect("checked"),
            name,
            total_staff: total.expect("checked"),
            certified_staff: certified.expect("checked"),
            latest_certificate_year: year,
            certificate_issuer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn puskesmas() -> ServiceUnitInput {
        ServiceUnitInput {
            regency_code: "63.72".into(),
            kind: "Puskesmas Ramah Anak".into(),
            name: "Puskesmas Banjarbaru Utara".into(),
            total_staff: "24".into(),
            certified_staff: "13".into(),
            latest_certificate_year: "2025".into(),
            certificate_issuer: "DP3A Provinsi Kalimantan Selatan".into(),
        }
    }

    #[test]
    fn parses_a_unit_and_its_kind_written_as_people_write_it() {
        let u = puskesmas().parse().unwrap();
        assert_eq!(u.kind, ProviderKind::PuskesmasRamahAnak);
        assert!(u.is_certified());
    }

    #[test]
    fn certified_staff_cannot_exceed_total() {
        let mut i = puskesmas();
        i.certified_staff = "30".into();
        assert_eq!(i.parse().unwrap_err().for_field("certified_staff").unwrap().code, "certified_exceeds_total");
    }

    #[test]
    fn a_certified_unit_needs_its_certificate_year() {
        let mut i = puskesmas();
        i.latest_certificate_year.clear();
        assert!(i.parse().unwrap_err().for_field("latest_certificate_year").is_some());
        i.certified_staff = "0".into();
        assert!(i.parse().is_ok());
    }

    #[test]
    fn refuses_a_province_code_and_unknown_kind() {
        let mut i = puskesmas();
        i.regency_code = "63".into();
        i.kind = "warung".into();
        let e = i.parse().unwrap_err();
        assert!(e.for_field("regency_code").is_some() && e.for_field("kind").is_some());
    }
}
