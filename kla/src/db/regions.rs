//! The region registry: loaded into every database from the bundled `kla/data/regions.csv` at start, then
//! held in memory (552 rows) so pages resolve names and check codes without a round trip.

use crate::domain::{RegionCode, RegionLevel};
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use std::collections::HashMap;

const REGIONS_CSV: &str = include_str!("../../data/regions.csv");

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
    /// `provinsi`, `kabupaten` or `kota`.
    pub kind: String,
    pub province: Option<RegionCode>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

#[derive(Deserialize)]
struct CsvRow {
    code: String,
    name: String,
    level: String,
    kind: String,
    province_code: String,
    lat: Option<f64>,
    lng: Option<f64>,
}

/// Parses the bundled registry; a province's centroid is the mean of its regencies' centroids (the source
/// gives none for provinces).
pub fn bundled() -> Result<Vec<Region>, String> {
    let mut out = Vec::new();
    for (i, row) in csv::Reader::from_reader(REGIONS_CSV.as_bytes()).deserialize::<CsvRow>().enumerate() {
        let row = row.map_err(|e| format!("regions.csv row {}: {e}", i + 2))?;
        let code = RegionCode::parse(&row.code).map_err(|e| format!("regions.csv row {}: {e}", i + 2))?;
        let level = match row.level.as_str() {
            "province" => RegionLevel::Province,
            "regency" => RegionLevel::Regency,
            other => return Err(format!("regions.csv row {}: unknown level {other:?}", i + 2)),
        };
        if level != code.level() {
            return Err(format!("regions.csv row {}: level does not match code {code}", i + 2));
        }
        let province = if row.province_code.is_empty() {
            None
        } else {
            Some(RegionCode::parse(&row.province_code).map_err(|e| format!("regions.csv row {}: {e}", i + 2))?)
        };
        out.push(Region { code, name: row.name, level, kind: row.kind, province, lat: row.lat, lng: row.lng });
    }
    let mut sums: HashMap<RegionCode, (f64, f64, f64)> = HashMap::new();
    for r in &out {
        if let (Some(p), Some(lat), Some(lng)) = (r.province, r.lat, r.lng) {
            let e = sums.entry(p).or_default();
            *e = (e.0 + lat, e.1 + lng, e.2 + 1.0);
        }
    }
    for r in out.iter_mut().filter(|r| r.level == RegionLevel::Province) {
        if let Some((lat, lng, n)) = sums.get(&r.code) {
            r.lat = Some(((lat / n) * 1e4).round() / 1e4);
            r.lng = Some(((lng / n) * 1e4).round() / 1e4);
        }
    }
    Ok(out)
}

/// Writes the bundled registry into the database (insert or update by code) in one transaction, provinces
/// first so that every regency's province exists.
pub async fn seed(pool: &AnyPool) -> Result<usize, String> {
    let regions = bundled()?;
    let mut tx = crate::db::begin(pool).await.map_err(|e| e.to_string())?;
    for r in &regions {
        sqlx::query(
            "insert into regions (code, name, level, kind, province_code, lat, lng) values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (code) do update set name = excluded.name, level = excluded.level, kind = excluded.kind,
                 province_code = excluded.province_code, lat = excluded.lat, lng = excluded.lng",
        )
        .bind(r.code.to_string())
        .bind(&r.name)
        .bind(match r.level {
            RegionLevel::Province => "province",
            _ => "regency",
        })
        .bind(&r.kind)
        .bind(r.province.map(|p| p.to_string()))
        .bind(r.lat)
        .bind(r.lng)
        .execute(&mut *tx)
        .await
        .map_err(|e| format!("region {}: {e}", r.code))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(regions.len())
}

/// The registry in memory, read back from the database so that the database stays the source of truth.
#[derive(Debug, Clone)]
pub struct RegionRegistry {
    regions: Vec<Region>,
    index: HashMap<RegionCode, usize>,
}

#[derive(sqlx::FromRow)]
struct RegionRow {
    code: String,
    name: String,
    kind: String,
    province_code: Option<String>,
    lat: Option<f64>,
    lng: Option<f64>,
}

impl RegionRegistry {
    pub async fn load(pool: &AnyPool) -> Result<Self, String> {
        let rows: Vec<RegionRow> = sqlx::query_as("select code, name, kind, province_code, lat, lng from regions order by code")
            .fetch_all(pool)
            .await
            .map_err(|e| e.to_string())?;
        let mut regions = Vec::with_capacity(rows.len());
        for r in rows {
            let code = RegionCode::parse(&r.code).map_err(|e| e.to_string())?;
            let province = r.province_code.as_deref().map(RegionCode::parse).transpose().map_err(|e| e.to_string())?;
            regions.push(Region { code, name: r.name, level: code.level(), kind: r.kind, province, lat: r.lat, lng: r.lng });
        }
        Ok(Self::from_regions(regions))
    }

    pub fn from_regions(mut regions: Vec<Region>) -> Self {
        regions.sort_by_key(|r| r.code);
        let index = regions.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
        Self { regions, index }
    }

    pub fn get(&self, code: RegionCode) -> Option<&Region> {
        self.index.get(&code).map(|&i| &self.regions[i])
    }

    /// Looks a code up as typed in a URL or a spreadsheet.
    pub fn find(&self, code: &str) -> Option<&Region> {
        RegionCode::parse(code).ok().and_then(|c| self.get(c))
    }

    pub fn contains(&self, code: RegionCode) -> bool {
        self.index.contains_key(&code)
    }

    pub fn provinces(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.level == RegionLevel::Province)
    }

    pub fn regencies(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.level == RegionLevel::Regency)
    }

    pub fn regencies_of(&self, province: RegionCode) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(move |r| r.province == Some(province))
    }

    pub fn name(&self, code: RegionCode) -> &str {
        self.get(code).map_or("?", |r| r.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_registry_has_every_region() {
        let all = bundled().unwrap();
        let reg = RegionRegistry::from_regions(all);
        assert_eq!(reg.provinces().count(), 38);
        assert_eq!(reg.regencies().count(), 514);
        assert_eq!(reg.regencies().filter(|r| r.kind == "kota").count(), 98);
        assert_eq!(reg.find("63.10").unwrap().name, "Kabupaten Tanah Bumbu");
        assert_eq!(reg.find("63.72").unwrap().name, "Kota Banjarbaru");
        assert!(reg.find("63.99").is_none());
        // every regency's province exists and every province has a derived centroid
        for r in reg.regencies() {
            assert!(reg.contains(r.province.unwrap()), "{}", r.code);
            assert_eq!(r.province.unwrap(), r.code.province());
        }
        assert!(reg.provinces().all(|p| p.lat.is_some() && p.lng.is_some()));
    }
}
