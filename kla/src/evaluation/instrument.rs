//! The evaluation instrument as data: indicators grouped in Kelembagaan and Klaster I–V, each with the evidence
//! items it expects and its points. Versions come from CSV files (`kla/data/instruments/`), so a revised
//! regulation is a new file loaded with `pantau-kla instrument add`, not a code change.

use crate::audit::{self, Action, Actor, Change, Via};
use crate::domain::ProviderKind;
use sqlx::{AnyConnection, AnyPool, Row};

/// Total points of an instrument; each indicator gets `TOTAL_POINTS × weight ÷ Σ weights`.
pub const TOTAL_POINTS: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cluster {
    Kelembagaan,
    Klaster1,
    Klaster2,
    Klaster3,
    Klaster4,
    Klaster5,
}

impl Cluster {
    pub const ALL: [Cluster; 6] =
        [Cluster::Kelembagaan, Cluster::Klaster1, Cluster::Klaster2, Cluster::Klaster3, Cluster::Klaster4, Cluster::Klaster5];
    pub fn key(self) -> &'static str {
        match self {
            Cluster::Kelembagaan => "kelembagaan",
            Cluster::Klaster1 => "klaster_1",
            Cluster::Klaster2 => "klaster_2",
            Cluster::Klaster3 => "klaster_3",
            Cluster::Klaster4 => "klaster_4",
            Cluster::Klaster5 => "klaster_5",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == s.trim())
    }
}

/// Pantau KLA records that count as an item's evidence without an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// The regency's KHA training events of the cycle's data year.
    Events,
    /// The regency's service units of one kind.
    Units(ProviderKind),
}

impl Offer {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "kegiatan" => Some(Offer::Events),
            other => other.strip_prefix("unit:").and_then(ProviderKind::parse).map(Offer::Units),
        }
    }
    pub fn key(self) -> String {
        match self {
            Offer::Events => "kegiatan".into(),
            Offer::Units(k) => format!("unit:{}", k.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    pub offers: Option<Offer>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: i64,
    pub number: i64,
    pub cluster: Cluster,
    pub name_id: String,
    pub name_en: String,
    pub max_points: f64,
    pub items: Vec<Item>,
}

impl Indicator {
    pub fn name(&self, lang: crate::i18n::Lang) -> &str {
        if lang == crate::i18n::Lang::En { &self.name_en } else { &self.name_id }
    }
}

impl Item {
    pub fn name(&self, lang: crate::i18n::Lang) -> &str {
        if lang == crate::i18n::Lang::En { &self.name_en } else { &self.name_id }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub source: String,
    pub weights_note: String,
    pub weights_assumed: bool,
    pub indicators: Vec<Indicator>,
}

impl Instrument {
    pub fn indicator(&self, number: i64) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.number == number)
    }
    pub fn item(&self, item_id: i64) -> Option<(&Indicator, &Item)> {
        self.indicators.iter().find_map(|ind| ind.items.iter().find(|it| it.id == item_id).map(|it| (ind, it)))
    }
    pub fn item_count(&self) -> usize {
        self.indicators.iter().map(|i| i.items.len()).sum()
    }
}

/// What describes a version besides its rows.
#[derive(Debug, Clone)]
pub struct Meta {
    pub code: String,
    pub name: String,
    pub source: String,
    pub weights_note: String,
    pub weights_assumed: bool,
}

/// An instrument file, checked: indicators in file order with their items (ids 0 until stored).
#[derive(Debug, Clone)]
pub struct Parsed {
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, serde::Deserialize)]
struct CsvRow {
    indicator: String,
    cluster: String,
    indicator_name_id: String,
    indicator_name_en: String,
    weight: String,
    item: String,
    item_name_id: String,
    item_name_en: String,
    #[serde(default)]
    offers: String,
}

/// Reads an instrument file. Every problem is returned, each naming its row (as a spreadsheet numbers it,
/// the header being row 1) and column; nothing is partly accepted.
pub fn parse(text: &str) -> Result<Parsed, Vec<String>> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut indicators: Vec<(Indicator, f64)> = Vec::new();
    for (i, rec) in reader.deserialize::<CsvRow>().enumerate() {
        let line = i + 2;
        let row = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("row {line}: {e}"));
                continue;
            }
        };
        let mut err = |col: &str, msg: &str| errors.push(format!("row {line}, column {col}: {msg}"));
        let number = row.indicator.parse::<i64>().ok().filter(|n| *n > 0);
        let cluster = Cluster::parse(&row.cluster);
        let weight = row.weight.replace(',', ".").parse::<f64>().ok().filter(|w| w.is_finite() && *w > 0.0);
        let offers = if row.offers.is_empty() { Some(None) } else { Offer::parse(&row.offers).map(Some) };
        if number.is_none() {
            err("indicator", "must be a whole number above 0");
        }
        if cluster.is_none() {
            err("cluster", "must be kelembagaan or klaster_1 … klaster_5");
        }
        if weight.is_none() {
            err("weight", "must be a number above 0");
        }
        if offers.is_none() {
            err("offers", "must be empty, kegiatan or unit:KIND with a known service-unit kind");
        }
        for (col, v) in [
            ("indicator_name_id", &row.indicator_name_id),
            ("indicator_name_en", &row.indicator_name_en),
            ("item", &row.item),
            ("item_name_id", &row.item_name_id),
            ("item_name_en", &row.item_name_en),
        ] {
            if v.is_empty() {
                err(col, "is required");
            }
        }
        let (Some(number), Some(cluster), Some(weight), Some(offers)) = (number, cluster, weight, offers) else { continue };
        let item = Item { id: 0, code: row.item.clone(), name_id: row.item_name_id, name_en: row.item_name_en, offers };
        match indicators.iter_mut().find(|(ind, _)| ind.number == number) {
            Some((ind, w)) => {
                if ind.cluster != cluster || ind.name_id != row.indicator_name_id || ind.name_en != row.indicator_name_en || *w != weight {
                    err("indicator", "the indicator's cluster, names and weight must be the same on all its rows");
                } else if ind.items.iter().any(|it| it.code == item.code) {
                    err("item", "this item code is already used for the indicator");
                } else {
                    ind.items.push(item);
                }
            }
            None => indicators.push((
                Indicator {
                    id: 0,
                    number,
                    cluster,
                    name_id: row.indicator_name_id,
                    name_en: row.indicator_name_en,
                    max_points: 0.0,
                    items: vec![item],
                },
                weight,
            )),
        }
    }
    if indicators.is_empty() && errors.is_empty() {
        errors.push("the file has no rows".into());
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let total: f64 = indicators.iter().map(|(_, w)| w).sum();
    let indicators = indicators
        .into_iter()
        .map(|(mut ind, w)| {
            ind.max_points = TOTAL_POINTS * w / total;
            ind
        })
        .collect();
    Ok(Parsed { indicators })
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    #[error("an instrument with the code {0:?} is already loaded")]
    Exists(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Stores a checked instrument in one transaction, with an audit entry. Refuses a code already loaded:
/// a version is never changed once cycles may use it.
pub async fn store(pool: &AnyPool, meta: &Meta, parsed: &Parsed, actor: &Actor) -> Result<i64, LoadError> {
    let mut tx = crate::db::begin(pool).await?;
    let exists: Option<i64> =
        sqlx::query_scalar("select id from instruments where code = $1").bind(&meta.code).fetch_optional(&mut *tx).await?;
    if exists.is_some() {
        return Err(LoadError::Exists(meta.code.clone()));
    }
    let id: i64 = sqlx::query_scalar(
        "insert into instruments (code, name, source, weights_note, weights_assumed, loaded_at) values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(&meta.code)
    .bind(&meta.name)
    .bind(&meta.source)
    .bind(&meta.weights_note)
    .bind(meta.weights_assumed as i64)
    .bind(crate::auth::now())
    .fetch_one(&mut *tx)
    .await?;
    for ind in &parsed.indicators {
        let ind_id: i64 = sqlx::query_scalar(
            "insert into indicators (instrument_id, number, cluster, name_id, name_en, max_points) values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(id)
        .bind(ind.number)
        .bind(ind.cluster.key())
        .bind(&ind.name_id)
        .bind(&ind.name_en)
        .bind(ind.max_points)
        .fetch_one(&mut *tx)
        .await?;
        for it in &ind.items {
            sqlx::query("insert into evidence_items (indicator_id, code, name_id, name_en, offers) values ($1, $2, $3, $4, $5)")
                .bind(ind_id)
                .bind(&it.code)
                .bind(&it.name_id)
                .bind(&it.name_en)
                .bind(it.offers.map(Offer::key))
                .execute(&mut *tx)
                .await?;
        }
    }
    let values = serde_json::Map::from_iter([
        ("code".to_string(), serde_json::Value::String(meta.code.clone())),
        ("name".to_string(), serde_json::Value::String(meta.name.clone())),
        ("indicators".to_string(), serde_json::Value::String(parsed.indicators.len().to_string())),
    ]);
    audit::record(
        &mut tx,
        actor,
        Via::Cli,
        Change { action: Action::Create, entity: "instrument", record_id: id, region: None, old: None, new: Some(&values) },
    )
    .await?;
    crate::summaries::commit(tx).await?;
    Ok(id)
}

const BUNDLED_INDEX: &str = include_str!("../../data/instruments/index.csv");
const BUNDLED: &[(&str, &str)] = &[("permen-pppa-12-2022.csv", include_str!("../../data/instruments/permen-pppa-12-2022.csv"))];

#[derive(Debug, serde::Deserialize)]
struct IndexRow {
    code: String,
    file: String,
    name: String,
    source: String,
    weights_note: String,
    weights_assumed: u8,
}

/// The versions bundled with Pantau KLA, checked.
pub fn bundled() -> Vec<(Meta, Parsed)> {
    csv::Reader::from_reader(BUNDLED_INDEX.as_bytes())
        .deserialize::<IndexRow>()
        .map(|r| {
            let r = r.expect("kla/data/instruments/index.csv is valid");
            let text = BUNDLED.iter().find(|(f, _)| *f == r.file).map(|(_, t)| *t).expect("every bundled instrument file is listed");
            let parsed = parse(text).unwrap_or_else(|e| panic!("{}: {}", r.file, e.join("; ")));
            (
                Meta {
                    code: r.code,
                    name: r.name,
                    source: r.source,
                    weights_note: r.weights_note,
                    weights_assumed: r.weights_assumed == 1,
                },
                parsed,
            )
        })
        .collect()
}

/// Loads the bundled versions a database does not have yet (at every start, like the region registry).
pub async fn seed(pool: &AnyPool) -> Result<(), sqlx::Error> {
    for (meta, parsed) in bundled() {
        match store(pool, &meta, &parsed, &Actor::cli()).await {
            Ok(_) | Err(LoadError::Exists(_)) => {}
            Err(LoadError::Db(e)) => return Err(e),
            Err(LoadError::Invalid(e)) => unreachable!("bundled instruments are checked: {e:?}"),
        }
    }
    Ok(())
}

/// Loaded versions: (id, code, name), oldest first.
pub async fn list(pool: &AnyPool) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let rows = sqlx::query("select id, code, name from instruments order by id").fetch_all(pool).await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
}

/// One version with its indicators (by number) and items (by code).
pub async fn fetch(conn: &mut AnyConnection, id: i64) -> Result<Option<Instrument>, sqlx::Error> {
    let Some(head) = sqlx::query("select id, code, name, source, weights_note, weights_assumed from instruments where id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let inds =
        sqlx::query("select id, number, cluster, name_id, name_en, max_points from indicators where instrument_id = $1 order by number")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let items = sqlx::query(
        "select e.id, e.indicator_id, e.code, e.name_id, e.name_en, e.offers from evidence_items e
         join indicators i on i.id = e.indicator_id where i.instrument_id = $1 order by e.code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let indicators = inds
        .iter()
        .map(|r| {
            let ind_id: i64 = r.get(0);
            Indicator {
                id: ind_id,
                number: r.get(1),
                cluster: Cluster::parse(&r.get::<String, _>(2)).unwrap_or(Cluster::Kelembagaan),
                name_id: r.get(3),
                name_en: r.get(4),
                max_points: r.get(5),
                items: items
                    .iter()
                    .filter(|it| it.get::<i64, _>(1) == ind_id)
                    .map(|it| Item {
                        id: it.get(0),
                        code: it.get(2),
                        name_id: it.get(3),
                        name_en: it.get(4),
                        offers: it.get::<Option<String>, _>(5).as_deref().and_then(Offer::parse),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Some(Instrument {
        id: head.get(0),
        code: head.get(1),
        name: head.get(2),
        source: head.get(3),
        weights_note: head.get(4),
        weights_assumed: head.get::<i64, _>(5) == 1,
        indicators,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_instrument_has_24_indicators_in_six_clusters_worth_1000_points() {
        let all = bundled();
        let (meta, parsed) = &all[0];
        assert!(meta.weights_assumed, "the points per indicator are not published: they must be marked assumed");
        assert_eq!(parsed.indicators.len(), 24);
        let clusters: std::collections::BTreeSet<_> = parsed.indicators.iter().map(|i| i.cluster).collect();
        assert_eq!(clusters.len(), 6);
        let total: f64 = parsed.indicators.iter().map(|i| i.max_points).sum();
        assert!((total - 1000.0).abs() < 1e-9);
        assert!(parsed.indicators.iter().all(|i| !i.items.is_empty()));
        assert_eq!(parsed.indicators[14].items[0].offers, Some(Offer::Units(ProviderKind::PuskesmasRamahAnak)));
    }

    #[test]
    fn weights_set_the_points() {
        let text = "indicator,cluster,indicator_name_id,indicator_name_en,weight,item,item_name_id,item_name_en,offers\n\
                    1,kelembagaan,A,A,3,1.a,x,x,\n2,klaster_1,B,B,1,2.a,y,y,kegiatan\n2,klaster_1,B,B,1,2.b,z,z,\n";
        let p = parse(text).unwrap();
        assert_eq!(p.indicators[0].max_points, 750.0);
        assert_eq!(p.indicators[1].max_points, 250.0);
        assert_eq!(p.indicators[1].items.len(), 2);
    }

    #[test]
    fn every_bad_row_is_named() {
        let text = "indicator,cluster,indicator_name_id,indicator_name_en,weight,item,item_name_id,item_name_en,offers\n\
                    0,klaster_9,A,A,-1,1.a,x,x,unit:kantor\n1,kelembagaan,A,A,1,1.a,x,x,\n1,kelembagaan,A,A,2,1.b,x,x,\n1,kelembagaan,A,A,1,1.a,x,x,\n";
        let errs = parse(text).unwrap_err();
        let all = errs.join("\n");
        for expected in [
            "row 2, column indicator",
            "row 2, column cluster",
            "row 2, column weight",
            "row 2, column offers",
            "row 4, column indicator",
            "row 5, column item",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in {all}");
        }
    }
}
