//! Figures: every chart's data as a dataset (columns, rows, definition, source) built from a page's
//! aggregates. The page draws the dataset and shows it as a table; the API serves the very same dataset as
//! CSV and JSON, so a download always equals what the reader saw.

use crate::charts::{self, Bars, PREDICATE_COLOURS, Ranked, Stacked};
use crate::error::AppError;
use kla::aggregate::{Distribution, Effectiveness, KindUnits, TestGains, YearTraining};
use kla::domain::Predicate;
use kla::format;
use kla::i18n::{Lang, tr, trn};
use kla::reference::{Status, Targets};
use serde::Serialize;
use std::collections::BTreeMap;

/// One value in a dataset. Display formats it for the reader's language; CSV and JSON keep it raw.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A count a report may omit: "not reported" on the page, an empty cell in CSV, `null` in JSON.
    Count(Option<i64>),
    /// A year: a whole number written without thousands separators.
    Year(i64),
    /// A decimal with the number of places to show.
    Num(Option<f64>, usize),
    /// A share from 0 to 1, shown as a percentage.
    Share(Option<f64>),
    /// A scorecard light, shown with a word and a symbol.
    Status(Status),
}

/// JSON keeps raw values: text as a string, numbers as numbers, no value as null, a light as its key.
impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Int(n) | Cell::Year(n) => s.serialize_i64(*n),
            Cell::Count(n) => match n {
                Some(n) => s.serialize_i64(*n),
                None => s.serialize_none(),
            },
            Cell::Num(v, _) | Cell::Share(v) => match v {
                Some(v) => s.serialize_f64(*v),
                None => s.serialize_none(),
            },
            Cell::Status(st) => s.serialize_str(st.key()),
        }
    }
}

/// A cell in JSON: a number, a text (a label or a status key), or `null` for no value.
impl utoipa::PartialSchema for Cell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{OneOfBuilder, schema::SchemaType};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null)))
            .description(Some("A number, a text (a label or a status key), or null for no value"))
            .into()
    }
}

impl utoipa::ToSchema for Cell {}

impl Cell {
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => format::int(*n, lang),
            Cell::Count(n) => format::count(*n, lang),
            Cell::Year(y) => y.to_string(),
            Cell::Num(v, places) => v.map_or_else(|| "–".to_string(), |v| format::decimal(v, *places, lang)),
            Cell::Share(s) => format::percent(*s, lang),
            Cell::Status(s) => format!("{} {}", s.symbol(), tr(lang, &format!("status.{}", s.key()))),
        }
    }

    /// The raw value for CSV: numbers with a decimal point, shares as fractions, blanks for no value.
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) | Cell::Year(n) => n.to_string(),
            Cell::Count(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Num(v, _) | Cell::Share(v) => v.map(|v| format!("{}", (v * 1e6).round() / 1e6)).unwrap_or_default(),
            Cell::Status(s) => s.key().to_string(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Count(_) | Cell::Year(_) | Cell::Num(..) | Cell::Share(_))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Column {
    /// Stable machine name (CSV header, JSON key).
    pub key: &'static str,
    /// The reader's label.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Source {
    pub label: String,
    pub url: Option<String>,
}

/// A chart's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dataset {
    /// Stable identifier, part of the download address (`…/{id}.csv`).
    pub id: &'static str,
    pub title: String,
    /// What the chart shows, in a sentence (the chart's accessible description).
    pub description: String,
    /// How the figures are defined.
    pub definition: String,
    pub sources: Vec<Source>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Whether any figure comes from demo data.
    pub demo: bool,
}

/// A figure as JSON (`…/{figure}.json`, docs/api.md): its metadata, and one object per row keyed by the
/// columns' keys.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DatasetJson {
    /// Stable identifier, part of the download address.
    pub id: &'static str,
    pub title: String,
    /// What the chart shows.
    pub description: String,
    /// How the figures are defined.
    pub definition: String,
    pub sources: Vec<Source>,
    /// Whether any figure comes from demo data.
    pub demo: bool,
    /// The columns in order: `key` names a row's value, `label` heads it for the reader.
    pub columns: Vec<Column>,
    /// One object per row, keyed by `columns[].key` (alphabetically: use `columns` for the order).
    pub rows: Vec<BTreeMap<&'static str, Cell>>,
}

/// The header row of a dataset's CSV, chosen by the download's `kolom` parameter (docs/api.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvHeader {
    /// The columns' machine names, the JSON keys (`year`, `events`): stable for scripts whatever the language.
    #[default]
    Keys,
    /// The columns' labels in the dataset's language (`Tahun`, `Kegiatan`), as the page's table heads them:
    /// what the pages' own CSV links ask for.
    Labels,
}

impl CsvHeader {
    /// The query parameter that chooses the header row of a CSV download.
    pub const PARAM: &'static str = "kolom";

    /// The parameter's value (`kunci`, the default, or `label`).
    pub fn slug(self) -> &'static str {
        match self {
            CsvHeader::Keys => "kunci",
            CsvHeader::Labels => "label",
        }
    }

    /// The header asked for in a query string (the last `kolom`; keys without one), or a 400 naming it.
    pub fn from_query(query: &str, lang: Lang) -> Result<Self, crate::error::AppError> {
        let asked = query.split('&').filter_map(|kv| kv.strip_prefix("kolom=")).rfind(|v| !v.is_empty());
        match asked {
            None => Ok(CsvHeader::Keys),
            Some(v) => [CsvHeader::Keys, CsvHeader::Labels]
                .into_iter()
                .find(|h| h.slug() == v)
                .ok_or_else(|| crate::error::AppError::BadRequest(format!("{}: {}", Self::PARAM, tr(lang, "error.columns_param")))),
        }
    }
}

impl Dataset {
    /// CSV: the header row (`header`), then the raw values.
    pub fn to_csv(&self, header: CsvHeader) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let names = self.columns.iter().map(|c| match header {
            CsvHeader::Keys => c.key,
            CsvHeader::Labels => c.label.as_str(),
        });
        kla::spreadsheet::write_csv_record(&mut w, names).expect("in-memory CSV");
        for row in &self.rows {
            kla::spreadsheet::write_csv_record(&mut w, row.iter().map(Cell::raw)).expect("in-memory CSV");
        }
        String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV is UTF-8")
    }

    /// JSON: the metadata plus one object per row keyed by column key.
    pub fn to_json(&self) -> DatasetJson {
        DatasetJson {
            id: self.id,
            title: self.title.clone(),
            description: self.description.clone(),
            definition: self.definition.clone(),
            sources: self.sources.clone(),
            demo: self.demo,
            columns: self.columns.clone(),
            rows: self.rows.iter().map(|r| self.columns.iter().map(|c| c.key).zip(r.iter().cloned()).collect()).collect(),
        }
    }
}

/// A dataset with its drawing (`None`: nothing to draw, the page says so).
#[derive(Debug, Clone)]
pub struct Figure {
    pub data: Dataset,
    pub svg: Option<charts::Drawing>,
}

pub fn col(key: &'static str, lang: Lang, label_key: &str) -> Column {
    Column { key, label: tr(lang, label_key) }
}

pub fn database_source(lang: Lang) -> Source {
    Source { label: tr(lang, "source.database"), url: None }
}

/// Training events per year, as bars. A year some of whose events did not report their participants is
/// marked `*` under its bar, and the sums in its row cover only the events that did (each sum says how many).
pub fn trainings_per_year(lang: Lang, by_year: &[YearTraining], place: &str) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.trainings_per_year"));
    let partial = |y: &YearTraining| !y.totals.participants().complete();
    let mut description = tr(lang, "chart.trainings_per_year_desc");
    if by_year.iter().any(partial) {
        description.push(' ');
        description.push_str(&tr(lang, "chart.unreported_mark"));
    }
    let svg = charts::bars(&Bars {
        title: title.clone(),
        labels: by_year.iter().map(|y| if partial(y) { format!("{}*", y.year) } else { y.year.to_string() }).collect(),
        values: by_year.iter().map(|y| y.totals.events as f64).collect(),
        value_labels: by_year.iter().map(|y| format::int(y.totals.events, lang)).collect(),
        colours: vec![],
        y_label: tr(lang, "chart.events_axis"),
    })?;
    Ok(Figure {
        svg,
        data: Dataset {
            id: "pelatihan-per-tahun",
            description,
            definition: tr(lang, "definition.trainings"),
            sources: vec![database_source(lang)],
            columns: vec![
                col("year", lang, "table.year"),
                col("events", lang, "figure.events"),
                col("participants", lang, "figure.participants"),
                col("participant_events", lang, "table.participant_events"),
                col("participants_offline", lang, "figure.offline"),
                col("participants_online", lang, "figure.online"),
                col("institutions", lang, "figure.institutions"),
                col("institution_events", lang, "table.institution_events"),
            ],
            rows: by_year
                .iter()
                .map(|y| {
                    let t = &y.totals;
                    vec![
                        Cell::Year(y.year.into()),
                        Cell::Int(t.events),
                        Cell::Count(t.participants().known()),
                        Cell::Int(t.participant_events),
                        Cell::Count(t.participants_offline),
                        Cell::Count(t.participants_online),
                        Cell::Count(t.institutions().known()),
                        Cell::Int(t.institution_events),
                    ]
                })
                .collect(),
            demo: by_year.iter().any(|y| y.totals.demo),
            title,
        },
    })
}

/// The plain-language line under the effectiveness figure: how far the mean score moved, over how many of
/// how many events — or that no event recorded both tests (never a gain of 0), and how many events recorded
/// one test only.
pub fn effectiveness_sentence(lang: Lang, g: &TestGains) -> String {
    let num = |v: f64| format::decimal(v, 1, lang);
    let mut line = match (g.events, g.mean_pre, g.mean_post, g.mean_gain) {
        (0, ..) => tr(lang, "chart.effectiveness_no_events"),
        (n, Some(pre), Some(post), Some(gain)) => {
            // The direction as the reader will see it, rounded to the one decimal shown.
            let shown = (gain * 10.0).round() / 10.0;
            let key = if shown > 0.0 {
                "chart.effectiveness_up"
            } else if shown < 0.0 {
                "chart.effectiveness_down"
            } else {
                "chart.effectiveness_same"
            };
            let tested = format::int(g.tested_events, lang);
            trn(lang, key, n, &[("gain", num(gain.abs())), ("pre", num(pre)), ("post", num(post)), ("tested", tested)])
        }
        (n, ..) => trn(lang, "chart.effectiveness_none", n, &[]),
    };
    if g.one_test_events > 0 {
        line.push(' ');
        line.push_str(&trn(lang, "chart.effectiveness_one_test", g.one_test_events, &[]));
    }
    line
}

/// Training effectiveness: the mean pre- and post-test score per kind of training, side by side with the
/// gain, each kind's pre-test bar tagged with the events behind both of its bars; the table adds every kind together. No
/// drawing when no event recorded both tests (the line says so); no rows when there is no event at all.
pub fn effectiveness(lang: Lang, e: &Effectiveness, place: &str) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.effectiveness"));
    let num = |v: f64| format::decimal(v, 1, lang);
    let tested: Vec<_> = e.by_kind.iter().filter(|k| k.gains.tested_events > 0).collect();
    let svg = if tested.is_empty() {
        None
    } else {
        // Short names under the axis (four fit side by side); the events behind each kind's bars on its first.
        let kind_label = |k: &kla::aggregate::KindGains| tr(lang, &format!("training_kind_short.{}", k.kind.as_str()));
        let pre_tag = |g: &TestGains| kla::i18n::trf(lang, "chart.pre_tag", &[("n", format::int(g.tested_events, lang))]);
        let value = |v: Option<f64>| v.unwrap_or(0.0).max(0.0);
        let gain_tag = |g: &TestGains| {
            let gain = g.mean_gain.unwrap_or(0.0);
            let sign = if gain > 0.0 {
                "+"
            } else if gain < 0.0 {
                "−"
            } else {
                "±"
            };
            format!("{} {sign}{}", tr(lang, "chart.post_short"), num(gain.abs()))
        };
        // Two bars per kind: the pre-test mean, then the post-test mean tagged with the gain.
        let pre: Vec<f64> = tested.iter().flat_map(|k| [value(k.gains.mean_pre), 0.0]).collect();
        let post: Vec<f64> = tested.iter().flat_map(|k| [0.0, value(k.gains.mean_post)]).collect();
        charts::stacked(&Stacked {
            value_labels: vec![],
            title: title.clone(),
            labels: tested.iter().map(|k| kind_label(k)).collect(),
            series: vec![(tr(lang, "table.mean_pre"), charts::SERIES_COLOURS[1], pre), (tr(lang, "table.mean_post"), charts::ACCENT, post)],
            y_label: tr(lang, "chart.test_axis"),
            bars: (0..tested.len()).flat_map(|i| [(i, pre_tag(&tested[i].gains)), (i, gain_tag(&tested[i].gains))]).collect(),
        })?
    };
    let row = |label: String, g: &TestGains| {
        vec![
            Cell::Text(label),
            Cell::Int(g.events),
            Cell::Int(g.tested_events),
            Cell::Share(g.test_share),
            Cell::Int(g.one_test_events),
            Cell::Num(g.mean_pre, 1),
            Cell::Num(g.mean_post, 1),
            Cell::Num(g.mean_gain, 1),
        ]
    };
    let mut rows: Vec<Vec<Cell>> =
        e.by_kind.iter().map(|k| row(tr(lang, &format!("training_kind.{}", k.kind.as_str())), &k.gains)).collect();
    if !rows.is_empty() {
        rows.push(row(tr(lang, "table.all_training_kinds"), &e.all));
    }
    let mut description = effectiveness_sentence(lang, &e.all);
    if svg.is_some() {
        description.push(' ');
        description.push_str(&tr(lang, "chart.effectiveness_desc"));
    }
    Ok(Figure {
        svg,
        data: Dataset {
            id: "efektivitas-pelatihan",
            description,
            definition: tr(lang, "definition.effectiveness"),
            sources: vec![database_source(lang)],
            columns: vec![
                col("training_kind", lang, "table.training_kind"),
                col("events", lang, "figure.events"),
                col("tested_events", lang, "table.tested_events"),
                col("test_share", lang, "table.test_share"),
                col("one_test_events", lang, "table.one_test_events"),
                col("mean_pre", lang, "table.mean_pre"),
                col("mean_post", lang, "table.mean_post"),
                col("mean_gain", lang, "table.mean_gain"),
            ],
            rows,
            demo: e.all.demo,
            title,
        },
    })
}

/// The six distribution categories, no predicate first, with their labels.
pub fn distribution_labels(lang: Lang) -> Vec<String> {
    std::iter::once(tr(lang, "predicate.none")).chain(Predicate::ALL.iter().map(|p| p.label().to_string())).collect()
}

/// The latest predicate of each regency, as coloured bars.
pub fn latest_distribution(lang: Lang, d: &Distribution, demo: bool, place: &str) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.latest_predicates"));
    let labels = distribution_labels(lang);
    let empty = d.0.iter().sum::<i64>() == 0;
    let svg = if empty {
        None
    } else {
        charts::bars(&Bars {
            title: title.clone(),
            labels: std::iter::once(tr(lang, "predicate.none_short")).chain(labels.iter().skip(1).cloned()).collect(),
            values: d.0.iter().map(|&n| n as f64).collect(),
            value_labels: d.0.iter().map(|&n| format::int(n, lang)).collect(),
            colours: PREDICATE_COLOURS.to_vec(),
            y_label: tr(lang, "chart.regencies_axis"),
        })?
    };
    let keys = ["none", "pratama", "madya", "nindya", "utama", "kla"];
    Ok(Figure {
        svg,
        data: Dataset {
            id: "predikat-terakhir",
            description: tr(lang, "chart.latest_predicates_desc"),
            definition: tr(lang, "definition.latest_predicate"),
            sources: vec![database_source(lang)],
            columns: vec![col("predicate", lang, "table.predicate"), col("regencies", lang, "table.regencies")],
            rows: if empty {
                vec![]
            } else {
                keys.iter().zip(labels).zip(d.0.iter()).map(|((_, l), &n)| vec![Cell::Text(l), Cell::Int(n)]).collect()
            },
            demo,
            title,
        },
    })
}

/// Predicates per award year as stacked bars: from the database, and (nationally) the published totals
/// beside them, each published year with its source.
pub fn predicates_over_years(
    lang: Lang,
    db: &[(i32, Distribution)],
    published: &[kla::reference::PublishedResult],
    demo: bool,
    place: &str,
) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.predicates_over_years"));
    // (label, origin, counts none..kla, total) per bar; published years first within each year.
    let mut years: Vec<i32> = db.iter().map(|(y, _)| *y).chain(published.iter().map(|p| p.award_year)).collect();
    years.sort_unstable();
    years.dedup();
    // One row per year and origin, published first; the chart draws every row, the published total and the
    // recorded data side by side in their award year, as the caption says.
    let mut bars: Vec<(String, &'static str, [Option<i64>; 6], i64)> = Vec::new();
    let mut categories: Vec<String> = Vec::new();
    let mut slots: Vec<(usize, String)> = Vec::new();
    // Tags name each bar's origin only when the chart holds both origins.
    let tagged = !db.is_empty() && !published.is_empty();
    let tag = |origin: &str| if tagged { tr(lang, &format!("origin.{origin}_short")) } else { String::new() };
    for y in years {
        let category = categories.len();
        if let Some(p) = published.iter().find(|p| p.award_year == y) {
            // The sources publish no "no predicate" count and no KLA column (no kab/kota has reached it).
            let counts = [None, p.pratama, p.madya, p.nindya, p.utama, None];
            bars.push((y.to_string(), "published", counts, p.total));
            slots.push((category, tag("published")));
        }
        if let Some((_, d)) = db.iter().find(|(dy, _)| *dy == y) {
            let counts = [Some(d.0[0]), Some(d.0[1]), Some(d.0[2]), Some(d.0[3]), Some(d.0[4]), Some(d.0[5])];
            bars.push((y.to_string(), "database", counts, d.awarded()));
            slots.push((category, tag("database")));
        }
        // Every year comes from one origin or the other, so it has a bar.
        categories.push(y.to_string());
    }
    // Awarded regencies only (no predicate is not stacked); a published total without a breakdown is drawn
    // as one grey segment, "breakdown not published".
    let mut series: Vec<(String, plotters::style::RGBColor, Vec<f64>)> = Predicate::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| (p.label().to_string(), PREDICATE_COLOURS[i + 1], bars.iter().map(|b| b.2[i + 1].unwrap_or(0) as f64).collect()))
        .collect();
    let unbroken: Vec<f64> = bars.iter().map(|b| if b.2[1..5].iter().any(Option::is_none) { b.3 as f64 } else { 0.0 }).collect();
    if unbroken.iter().any(|v| *v > 0.0) {
        series.push((tr(lang, "origin.no_breakdown"), charts::NO_BREAKDOWN, unbroken));
    }
    let svg = if bars.is_empty() {
        None
    } else {
        charts::stacked(&Stacked {
            title: title.clone(),
            labels: categories,
            series,
            y_label: tr(lang, "chart.regencies_axis"),
            bars: slots,
            value_labels: vec![],
        })?
    };
    let mut sources = vec![];
    if !db.is_empty() {
        sources.push(database_source(lang));
    }
    for p in published {
        sources.push(Source { label: format!("{} {}", tr(lang, "origin.published_source"), p.award_year), url: Some(p.source.clone()) });
    }
    let opt = |v: Option<i64>| v.map_or(Cell::Num(None, 0), Cell::Int);
    Ok(Figure {
        svg,
        data: Dataset {
            id: "predikat-per-tahun",
            description: tr(lang, "chart.predicates_over_years_desc"),
            definition: tr(
                lang,
                if published.is_empty() { "definition.predicates_over_years_data" } else { "definition.predicates_over_years" },
            ),
            sources,
            columns: vec![
                col("award_year", lang, "table.award_year"),
                col("origin", lang, "table.origin"),
                col("awarded", lang, "table.awarded"),
                col("pratama", lang, "predicate.pratama"),
                col("madya", lang, "predicate.madya"),
                col("nindya", lang, "predicate.nindya"),
                col("utama", lang, "predicate.utama"),
                col("kla", lang, "predicate.kla"),
            ],
            rows: bars
                .iter()
                .map(|b| {
                    vec![
                        Cell::Year(b.0.parse().unwrap_or_default()),
                        Cell::Text(tr(lang, &format!("origin.{}", b.1))),
                        Cell::Int(b.3),
                        opt(b.2[1]),
                        opt(b.2[2]),
                        opt(b.2[3]),
                        opt(b.2[4]),
                        opt(b.2[5]),
                    ]
                })
                .collect(),
            demo,
            title,
        },
    })
}

/// Service units by provider kind: units, certified units and shares, and the gap to a kind's staff target.
pub fn units_by_kind(lang: Lang, kinds: &[KindUnits], targets: &Targets, place: &str) -> Result<Figure, AppError> {
    let title = format!("{} — {place}", tr(lang, "chart.units_by_kind"));
    let svg = charts::ranked(&Ranked {
        title: title.clone(),
        labels: kinds.iter().map(|k| tr(lang, &format!("provider.{}", k.kind.as_str()))).collect(),
        values: kinds.iter().map(|k| k.totals.unit_share().unwrap_or(0.0)).collect(),
        value_labels: kinds.iter().map(|k| format::percent(k.totals.unit_share(), lang)).collect(),
        max: Some(1.0),
        colour: charts::ACCENT,
    })?;
    Ok(Figure {
        svg,
        data: Dataset {
            id: "satuan-layanan-per-jenis",
            description: tr(lang, "chart.units_by_kind_desc"),
            definition: tr(lang, "definition.certified_share"),
            sources: vec![database_source(lang)],
            columns: vec![
                col("provider_kind", lang, "table.provider_kind"),
                col("units", lang, "figure.units_cap"),
                col("certified_units", lang, "table.certified_units"),
                col("certified_unit_share", lang, "figure.certified_share"),
                col("certified_staff_share", lang, "table.staff_share"),
                col("staff_share_target", lang, "table.staff_target"),
                col("staff_target_status", lang, "table.status"),
            ],
            rows: kinds
                .iter()
                .map(|k| {
                    let target = targets.staff_share.get(&k.kind).copied();
                    vec![
                        Cell::Text(tr(lang, &format!("provider.{}", k.kind.as_str()))),
                        Cell::Int(k.totals.units),
                        Cell::Int(k.totals.certified_units),
                        Cell::Share(k.totals.unit_share()),
                        Cell::Share(k.totals.staff_share()),
                        Cell::Share(target),
                        target.map_or(Cell::Num(None, 0), |t| Cell::Status(Status::judge(k.totals.staff_share(), t))),
                    ]
                })
                .collect(),
            demo: kinds.iter().any(|k| k.totals.demo),
            title,
        },
    })
}

/// One region per row, ranked by a value, as horizontal bars.
pub struct RankedInput<'a> {
    pub id: &'static str,
    pub title: String,
    pub description: String,
    pub definition: String,
    pub region_label: &'a str,
    pub value_key: &'static str,
    pub value_label: String,
    /// (region name, value); ranked here, largest first.
    pub rows: Vec<(String, Cell)>,
    pub share: bool,
    pub demo: bool,
}

pub fn ranked_regions(lang: Lang, input: RankedInput<'_>) -> Result<Figure, AppError> {
    let mut rows = input.rows;
    let value = |c: &Cell| match c {
        Cell::Int(n) | Cell::Count(Some(n)) => *n as f64,
        Cell::Share(Some(s)) | Cell::Num(Some(s), _) => *s,
        _ => -1.0,
    };
    rows.sort_by(|a, b| value(&b.1).total_cmp(&value(&a.1)).then_with(|| a.0.cmp(&b.0)));
    let any = rows.iter().any(|r| value(&r.1) > 0.0);
    let svg = if any {
        charts::ranked(&Ranked {
            title: input.title.clone(),
            labels: rows.iter().map(|r| r.0.clone()).collect(),
            values: rows.iter().map(|r| value(&r.1).max(0.0)).collect(),
            value_labels: rows.iter().map(|r| r.1.display(lang)).collect(),
            max: input.share.then_some(1.0),
            colour: charts::ACCENT,
        })?
    } else {
        None
    };
    Ok(Figure {
        svg,
        data: Dataset {
            id: input.id,
            title: input.title,
            description: input.description,
            definition: input.definition,
            sources: vec![database_source(lang)],
            columns: vec![
                Column { key: "region", label: input.region_label.to_string() },
                Column { key: input.value_key, label: input.value_label },
            ],
            rows: if any { rows.into_iter().map(|(n, v)| vec![Cell::Text(n), v]).collect() } else { vec![] },
            demo: input.demo,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Dataset {
        Dataset {
            id: "x",
            title: "T".into(),
            description: "D".into(),
            definition: "F".into(),
            sources: vec![],
            columns: vec![
                Column { key: "name", label: "Nama".into() },
                Column { key: "share", label: "Bagian".into() },
                Column { key: "n", label: "N".into() },
            ],
            rows: vec![
                vec![Cell::Text("Kota \"A\", B".into()), Cell::Share(Some(0.5)), Cell::Int(1234)],
                vec![Cell::Text("C".into()), Cell::Share(None), Cell::Int(0)],
            ],
            demo: false,
        }
    }

    #[test]
    fn csv_keeps_raw_values_and_quotes_text() {
        assert_eq!(sample().to_csv(CsvHeader::Keys), "name,share,n\n\"Kota \"\"A\"\", B\",0.5,1234\nC,,0\n");
        assert_eq!(sample().to_csv(CsvHeader::Labels), "Nama,Bagian,N\n\"Kota \"\"A\"\", B\",0.5,1234\nC,,0\n");
    }

    #[test]
    fn csv_neutralises_formula_text_and_keeps_negative_numbers() {
        let mut d = sample();
        d.rows = vec![vec![Cell::Text("=HYPERLINK(\"http://x.example\")".into()), Cell::Num(Some(-3.25), 2), Cell::Int(-5)]];
        assert_eq!(d.to_csv(CsvHeader::Keys), "name,share,n\n\"'=HYPERLINK(\"\"http://x.example\"\")\",-3.25,-5\n");
    }

    #[test]
    fn the_header_row_is_chosen_by_kolom() {
        let asked = |q: &str| CsvHeader::from_query(q, Lang::En).ok();
        assert_eq!(asked(""), Some(CsvHeader::Keys));
        assert_eq!(asked("tahun=2025&kolom=label&lang=en"), Some(CsvHeader::Labels));
        assert_eq!(asked("kolom=label&kolom=kunci"), Some(CsvHeader::Keys), "the last one counts");
        assert_eq!(asked("kolom="), Some(CsvHeader::Keys));
        let refused = CsvHeader::from_query("kolom=judul", Lang::En).unwrap_err();
        assert!(matches!(&refused, crate::error::AppError::BadRequest(m) if m == "kolom: must be kunci or label"), "{refused:?}");
    }

    #[test]
    fn json_rows_are_keyed_by_column() {
        let j = serde_json::to_value(sample().to_json()).unwrap();
        assert_eq!(j["rows"][0]["share"], 0.5);
        assert_eq!(j["rows"][0]["n"], 1234);
        assert!(j["rows"][1]["share"].is_null());
        assert_eq!(serde_json::to_value(Cell::Num(Some(588.4), 2)).unwrap(), 588.4, "a decimal is a number, not an array");
        assert!(serde_json::to_value(Cell::Num(None, 0)).unwrap().is_null());
    }

    #[test]
    fn display_follows_the_language() {
        assert_eq!(Cell::Int(1234).display(Lang::Id), "1.234");
        assert_eq!(Cell::Share(Some(0.5)).display(Lang::En), "50.0%");
        assert_eq!(Cell::Num(Some(604.1), 2).display(Lang::Id), "604,10");
    }

    fn gains(events: i64, tested: i64, one: i64, pre: f64, post: f64) -> TestGains {
        let t = tested > 0;
        TestGains {
            events,
            tested_events: tested,
            one_test_events: one,
            test_share: (events > 0).then(|| tested as f64 / events as f64),
            mean_pre: t.then_some(pre),
            mean_post: t.then_some(post),
            mean_gain: t.then_some(post - pre),
            demo: false,
        }
    }

    #[test]
    fn the_effectiveness_line_says_how_many_events_and_never_a_zero_gain() {
        let g = gains(12, 8, 1, 61.5, 80.3);
        assert_eq!(
            effectiveness_sentence(Lang::Id, &g),
            "Rata-rata nilai naik 18,8 poin (dari 61,5 menjadi 80,3) pada 8 dari 12 kegiatan yang mengadakan tes awal dan akhir. \
             1 kegiatan hanya mencatat salah satu tes dan tidak dihitung."
        );
        assert!(effectiveness_sentence(Lang::En, &gains(1, 1, 0, 70.0, 60.0)).contains("1 of 1 event both"));
        assert!(effectiveness_sentence(Lang::En, &gains(3, 1, 0, 70.0, 60.0)).contains("fell by 10.0 points"));
        let none = effectiveness_sentence(Lang::Id, &gains(5, 0, 2, 0.0, 0.0));
        assert!(none.starts_with("Tidak satu pun dari 5 kegiatan") && none.contains("2 kegiatan hanya"), "{none}");
        assert!(!none.contains("0 poin"));
        assert_eq!(effectiveness_sentence(Lang::En, &TestGains::default()), tr(Lang::En, "chart.effectiveness_no_events"));
    }

    #[test]
    fn effectiveness_draws_tested_kinds_only_and_totals_every_kind() {
        use kla::aggregate::KindGains;
        use kla::domain::TrainingKind;
        let e = Effectiveness {
            all: gains(6, 2, 1, 55.0, 80.0),
            by_kind: vec![
                KindGains { kind: TrainingKind::Bimtek, gains: gains(4, 2, 1, 55.0, 80.0) },
                KindGains { kind: TrainingKind::Tot, gains: gains(2, 0, 0, 0.0, 0.0) },
            ],
        };
        let f = effectiveness(Lang::Id, &e, "X").unwrap();
        assert_eq!(f.data.rows.len(), 3, "two kinds and all kinds");
        let tot = &f.data.rows[1];
        assert_eq!((&tot[5], &tot[7]), (&Cell::Num(None, 1), &Cell::Num(None, 1)), "no test: no mean, not 0");
        assert_eq!(f.data.rows[2][0], Cell::Text("Semua jenis".into()));
        assert_eq!(f.data.rows[2][7], Cell::Num(Some(25.0), 1));
        let svg = f.svg.expect("a drawing").wide;
        assert!(svg.contains("awal (n=2)") && svg.contains("Bimtek") && !svg.contains("ToT"), "only kinds with both tests are drawn");
        assert!(svg.contains("akhir +25,0"));
        let untested = Effectiveness { all: gains(2, 0, 0, 0.0, 0.0), by_kind: vec![e.by_kind[1].clone()] };
        let f = effectiveness(Lang::Id, &untested, "X").unwrap();
        assert!(f.svg.is_none(), "no empty chart");
        assert!(f.data.description.starts_with("Tidak satu pun dari 2 kegiatan"));
        assert!(effectiveness(Lang::Id, &Effectiveness::default(), "X").unwrap().data.rows.is_empty());
    }
}
