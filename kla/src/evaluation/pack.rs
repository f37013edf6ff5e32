//! The evidence pack: one ZIP per regency and cycle with every document, the Pantau KLA records linked as
//! evidence (as CSV), and `indeks.html` — one page per indicator, printable on A4 — listing each item's status,
//! document year, files and the verifier's comments, ready to upload into the ministry's app.

use super::files::Storage;
use super::sheet::Sheet;
use crate::format::decimal as number;
use crate::i18n::{Lang, tr};
use std::io::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The path of a file inside the ZIP: `bukti/NN/ITEM/ID-NAME`.
pub fn zip_path(indicator: i64, item_code: &str, file_id: i64, file_name: &str) -> String {
    let safe =
        |s: &str| s.chars().map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') { c } else { '_' }).collect::<String>();
    format!("bukti/{indicator:02}/{}/{file_id}-{}", safe(item_code), safe(file_name))
}

/// The printable index: one A4 page per indicator.
pub fn index_html(
    sheet: &Sheet,
    bands: &crate::domain::PredicateBands,
    regency_name: &str,
    record_labels: &[(String, i64, String)],
    missing: &[String],
    lang: Lang,
) -> String {
    let mut h = String::new();
    let title = format!("{} · {} {} · {}", tr(lang, "eval.pack_title"), tr(lang, "eval.award_year"), sheet.cycle.award_year, regency_name);
    h.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title><style>\
         @page {{ size: A4; margin: 18mm }} body {{ font: 11pt/1.4 sans-serif; color: #000 }} \
         section {{ page-break-after: always; break-after: page }} table {{ border-collapse: collapse; width: 100% }} \
         th, td {{ border: 1px solid #444; padding: 4px 6px; text-align: left; vertical-align: top }} h1 {{ font-size: 16pt }} h2 {{ font-size: 13pt }}\
         </style><body>",
        lang.code(),
        esc(&title)
    ));
    let p = sheet.projection(bands);
    h.push_str(&format!(
        "<section><h1>{}</h1><p>{}: {} · {}: {} · {}: {}</p><p>{}: {} · {}</p><p>{}</p>{}</section>",
        esc(&title),
        tr(lang, "eval.data_year"),
        sheet.cycle.data_year,
        tr(lang, "eval.status"),
        tr(lang, &format!("eval.status_{}", sheet.status().key())),
        tr(lang, "eval.instrument"),
        esc(&sheet.instrument.name),
        tr(lang, "eval.self_total"),
        number(p.total, 2, lang),
        esc(&sheet.instrument.weights_note),
        esc(&sheet.instrument.source),
        if missing.is_empty() {
            String::new()
        } else {
            format!(
                "<p><strong>{}</strong></p><ul>{}</ul>",
                tr(lang, "eval.pack_missing"),
                missing.iter().map(|m| format!("<li>{}</li>", esc(m))).collect::<String>()
            )
        },
    ));
    for ind in &sheet.instrument.indicators {
        h.push_str(&format!(
            "<section><h2>{} {}. {}</h2><p>{} · {}: {} · {}: {}</p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            tr(lang, "eval.indicator"),
            ind.number,
            esc(ind.name(lang)),
            tr(lang, &format!("eval.cluster_{}", ind.cluster.key())),
            tr(lang, "eval.self_score"),
            sheet.latest(ind.id, crate::domain::Stage::SelfAssessment).map_or_else(|| "–".into(), |e| number(e.score, 2, lang)),
            tr(lang, "eval.verified_score"),
            sheet.verified_score(ind.id).map_or_else(|| "–".into(), |s| number(s, 2, lang)),
            tr(lang, "eval.item"),
            tr(lang, "eval.status"),
            tr(lang, "eval.doc_year"),
            tr(lang, "eval.documents"),
            tr(lang, "eval.comment"),
        ));
        for it in &ind.items {
            let ev = sheet.evidence.get(&it.id);
            let mut docs: Vec<String> = sheet.files_of(it.id).map(|f| esc(&zip_path(ind.number, &it.code, f.id, &f.file_name))).collect();
            docs.extend(sheet.links_of(it.id).map(|l| {
                let label = record_labels.iter().find(|(e, id, _)| *e == l.entity && *id == l.record_id).map_or("", |(_, _, s)| s.as_str());
                format!("Pantau KLA #{} {}", l.record_id, esc(label))
            }));
            h.push_str(&format!(
                "<tr><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&it.code),
                esc(it.name(lang)),
                tr(lang, &format!("eval.item_{}", sheet.item_status(it.id).key())),
                ev.and_then(|e| e.doc_year).map(|y| y.to_string()).unwrap_or_default(),
                if docs.is_empty() { "–".to_string() } else { docs.join("<br>") },
                esc(ev.map_or("", |e| e.comment.as_str())),
            ));
        }
        h.push_str("</table></section>");
    }
    h.push_str("</body></html>");
    h
}

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Zip(#[from] zip::result::ZipError),
}

/// The labels of the Pantau KLA records the sheet links as evidence, for the pack's CSV and index: queried
/// only for the kinds of record the sheet actually links.
pub async fn record_labels(conn: &mut sqlx::AnyConnection, sheet: &Sheet) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    let mut offers: Vec<super::Offer> = Vec::new();
    for it in sheet.instrument.indicators.iter().flat_map(|i| &i.items).filter(|it| sheet.links_of(it.id).next().is_some()) {
        if let Some(o) = it.offers.filter(|o| !offers.contains(o)) {
            offers.push(o);
        }
    }
    let mut labels = Vec::new();
    for offer in offers {
        labels.extend(super::sheet::offered(conn, offer, sheet.regency, sheet.cycle.data_year).await?);
    }
    Ok(labels)
}

/// Writes the pack into a temporary file (documents can add up to more than a response should hold in
/// memory) and returns it, rewound, for streaming.
/// A document whose object cannot be read is left out and named on the index's cover, rather than failing
/// the whole pack.
pub async fn build(
    storage: &Storage,
    sheet: &Sheet,
    bands: &crate::domain::PredicateBands,
    regency_name: &str,
    record_labels: &[(String, i64, String)],
    lang: Lang,
) -> Result<std::fs::File, PackError> {
    let mut file = tempfile::tempfile()?;
    {
        let mut zip = zip::ZipWriter::new(&mut file);
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut missing = Vec::new();
        if !sheet.links.is_empty() {
            let mut w = csv::Writer::from_writer(Vec::new());
            crate::spreadsheet::write_csv_record(&mut w, ["item", "entity", "record_id", "label"]).map_err(std::io::Error::other)?;
            for l in &sheet.links {
                let code = sheet.instrument.item(l.item_id).map(|(_, it)| it.code.clone()).unwrap_or_default();
                let label = record_labels
                    .iter()
                    .find(|(e, id, _)| *e == l.entity && *id == l.record_id)
                    .map(|(_, _, s)| s.clone())
                    .unwrap_or_default();
                // The label is a record's title, typed by a regency: neutralised like every CSV cell.
                crate::spreadsheet::write_csv_record(&mut w, [code, l.entity.clone(), l.record_id.to_string(), label])
                    .map_err(std::io::Error::other)?;
            }
            zip.start_file("data-pantau-kla.csv", deflated)?;
            zip.write_all(&w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?)?;
        }
        for ind in &sheet.instrument.indicators {
            for it in &ind.items {
                for f in sheet.files_of(it.id) {
                    let bytes = match storage.get(&f.object_key).await {
                        Ok(b) => b,
                        Err(e) => {
                            tracing::error!(error = %e, file = f.id, "an evidence file is missing from the store");
                            missing.push(zip_path(ind.number, &it.code, f.id, &f.file_name));
                            continue;
                        }
                    };
                    // PDFs, images and Office files are compressed already.
                    zip.start_file(
                        zip_path(ind.number, &it.code, f.id, &f.file_name),
                        if f.content_type.starts_with("text/") { deflated } else { stored },
                    )?;
                    zip.write_all(&bytes)?;
                }
            }
        }
        zip.start_file("indeks.html", deflated)?;
        zip.write_all(index_html(sheet, bands, regency_name, record_labels, &missing, lang).as_bytes())?;
        zip.finish()?;
    }
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(0))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_paths_stay_inside_their_folder() {
        assert_eq!(zip_path(2, "2.a", 7, "SK Gugus Tugas.pdf"), "bukti/02/2.a/7-SK Gugus Tugas.pdf");
        assert_eq!(zip_path(15, "15.a", 8, "../x/y.pdf"), "bukti/15/15.a/8-.._x_y.pdf");
    }
}
