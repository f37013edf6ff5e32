//! The state of a view, carried in the URL so every view is a shareable link: year (`tahun`), provider kind
//! (`jenis`), ranking metric (`ukuran`) and table order (`urut`, `arah`). Pages and the API parse it the
//! same way; a value that is not understood is a 400 naming the parameter.

use crate::error::AppError;
use kla::domain::{MAX_YEAR, MIN_YEAR, ProviderKind};
use kla::i18n::{Lang, tr};
use serde::Serialize;

/// What ranked charts rank regions by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    #[default]
    Events,
    Participants,
    CertifiedShare,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::Events, Metric::Participants, Metric::CertifiedShare];
    /// The URL value.
    pub fn slug(self) -> &'static str {
        match self {
            Metric::Events => "kegiatan",
            Metric::Participants => "peserta",
            Metric::CertifiedShare => "sertifikat",
        }
    }
    /// The column name of the measure in downloads.
    pub fn slug_key(self) -> &'static str {
        match self {
            Metric::Events => "events",
            Metric::Participants => "participants",
            Metric::CertifiedShare => "certified_unit_share",
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Metric::Events => "figure.events",
            Metric::Participants => "figure.participants",
            Metric::CertifiedShare => "figure.certified_share",
        }
    }
}

/// Columns a region table can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Code,
    Name,
    Events,
    Participants,
    CertifiedShare,
    Predicate,
    Score,
    Trend,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Code,
        SortKey::Name,
        SortKey::Events,
        SortKey::Participants,
        SortKey::CertifiedShare,
        SortKey::Predicate,
        SortKey::Score,
        SortKey::Trend,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            SortKey::Code => "kode",
            SortKey::Name => "nama",
            SortKey::Events => "kegiatan",
            SortKey::Participants => "peserta",
            SortKey::CertifiedShare => "sertifikat",
            SortKey::Predicate => "predikat",
            SortKey::Score => "nilai",
            SortKey::Trend => "tren",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct PageParams {
    pub year: Option<i32>,
    pub kind: Option<ProviderKind>,
    pub metric: Metric,
    pub sort: Sort,
}

fn bad(lang: Lang, param: &str, key: &str) -> AppError {
    AppError::BadRequest(format!("{param}: {}", tr(lang, key)))
}

impl PageParams {
    /// Parses a query string (`tahun=2025&jenis=paud`); unknown parameters (such as `lang`) are ignored.
    pub fn from_query(query: &str, lang: Lang) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|_| AppError::BadRequest(tr(lang, "error.query")))?;
        let mut p = PageParams::default();
        for (k, v) in pairs {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "tahun" => {
                    p.year = Some(
                        v.parse::<i32>()
                            .ok()
                            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
                            .ok_or_else(|| bad(lang, "tahun", "error.year_param"))?,
                    );
                }
                "jenis" => p.kind = Some(ProviderKind::parse(v).ok_or_else(|| bad(lang, "jenis", "error.kind_param"))?),
                "ukuran" => {
                    p.metric = Metric::ALL.into_iter().find(|m| m.slug() == v).ok_or_else(|| bad(lang, "ukuran", "error.metric_param"))?;
                }
                "urut" => {
                    p.sort.key = SortKey::ALL.into_iter().find(|s| s.slug() == v).ok_or_else(|| bad(lang, "urut", "error.sort_param"))?;
                }
                "arah" => {
                    p.sort.desc = match v {
                        "turun" => true,
                        "naik" => false,
                        _ => return Err(bad(lang, "arah", "error.direction_param")),
                    }
                }
                _ => {}
            }
        }
        Ok(p)
    }

    /// The query string for these parameters with some changed, for links (defaults are left out).
    pub fn query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(y) = self.year {
            parts.push(format!("tahun={y}"));
        }
        if let Some(k) = self.kind {
            parts.push(format!("jenis={}", k.as_str()));
        }
        if self.metric != Metric::default() {
            parts.push(format!("ukuran={}", self.metric.slug()));
        }
        if self.sort != Sort::default() {
            parts.push(format!("urut={}", self.sort.key.slug()));
            parts.push(format!("arah={}", if self.sort.desc { "turun" } else { "naik" }));
        }
        parts.join("&")
    }

    /// `path` with these parameters.
    pub fn href(&self, path: &str) -> String {
        let q = self.query();
        if q.is_empty() { path.to_string() } else { format!("{path}?{q}") }
    }

    /// The link a column header points to: this column ascending, or descending when it already is.
    pub fn sort_href(&self, path: &str, key: SortKey, anchor: &str) -> String {
        let desc = if self.sort.key == key {
            !self.sort.desc
        } else {
            matches!(
                key,
                SortKey::Events | SortKey::Participants | SortKey::CertifiedShare | SortKey::Predicate | SortKey::Score | SortKey::Trend
            )
        };
        format!("{}#{anchor}", PageParams { sort: Sort { key, desc }, ..*self }.href(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_back_the_state() {
        let p =
            PageParams::from_query("tahun=2025&jenis=puskesmas_ramah_anak&ukuran=peserta&urut=nilai&arah=turun&lang=en", Lang::Id).unwrap();
        assert_eq!(p.year, Some(2025));
        assert_eq!(p.kind, Some(ProviderKind::PuskesmasRamahAnak));
        assert_eq!(p.metric, Metric::Participants);
        assert_eq!(p.sort, Sort { key: SortKey::Score, desc: true });
        assert_eq!(p.query(), "tahun=2025&jenis=puskesmas_ramah_anak&ukuran=peserta&urut=nilai&arah=turun");
        assert_eq!(PageParams::from_query(&p.query(), Lang::Id).unwrap(), p);
        assert_eq!(PageParams::default().href("/"), "/");
    }

    #[test]
    fn names_the_bad_parameter() {
        for (q, name) in
            [("tahun=abc", "tahun"), ("jenis=warung", "jenis"), ("ukuran=x", "ukuran"), ("urut=x", "urut"), ("arah=atas", "arah")]
        {
            match PageParams::from_query(q, Lang::Id) {
                Err(AppError::BadRequest(m)) => assert!(m.starts_with(&format!("{name}: ")), "{m}"),
                other => panic!("{q}: {other:?}"),
            }
        }
        assert_eq!(PageParams::from_query("tahun=", Lang::Id).unwrap(), PageParams::default());
    }

    #[test]
    fn sort_links_toggle_direction() {
        let p = PageParams { sort: Sort { key: SortKey::Events, desc: true }, ..Default::default() };
        assert_eq!(p.sort_href("/provinsi/63", SortKey::Events, "kabkota"), "/provinsi/63?urut=kegiatan&arah=naik#kabkota");
        assert_eq!(p.sort_href("/provinsi/63", SortKey::Name, "kabkota"), "/provinsi/63?urut=nama&arah=naik#kabkota");
    }
}
