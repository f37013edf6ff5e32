//! Imports that update: the preview runs every check the confirmation runs (a row repeating a stored record
//! is named there, not after "ready"), an export edited and imported with "update" changes the records it
//! names (audited, nothing added), an id of no record or of another region's record is refused by row, and
//! a predicate record is found by its kab/kota and award year — on SQLite and on PostgreSQL alike.

use crate::common::officer::{Officer, add_user, sign_in};
use crate::common::{Engine, TestApp};

const UNITS: &str = "regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n";
const PREDICATES: &str =
    "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n";

fn file(header: &str, rows: &[&str]) -> Vec<u8> {
    let mut s = header.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

/// The row-error cell pair of the preview: row number and column.
fn row_error(row: usize, column: &str) -> String {
    format!("<th scope=\"row\">{row}</th><td><code>{column}</code></td>")
}

/// The reason given for a row's error (the text after its row and column cells).
fn reason(html: &str, row: usize, column: &str) -> String {
    let at = html.find(&row_error(row, column)).unwrap_or_else(|| panic!("an error at row {row}, column {column}"))
        + row_error(row, column).len();
    let rest = &html[at..];
    let start = rest.find("<td>").unwrap() + 4;
    rest[start..start + rest[start..].find("</td>").unwrap()].to_string()
}

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&app.state.pool).await.unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log where via = 'import' and action = $1")
        .bind(action)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// Writes rows as the command line does (no region limit), for records of a region the officer cannot reach.
async fn cli_import(app: &TestApp, bytes: Vec<u8>) {
    let text = String::from_utf8(bytes).unwrap();
    let parsed = kla::import::parse(&text, &app.state.regions, &app.state.bands, kla::i18n::Lang::En).unwrap();
    let (actor, via, lang) = (kla::audit::Actor::cli(), kla::audit::Via::Cli, kla::i18n::Lang::En);
    kla::import::write(&app.state.pool, &app.state.regions, &parsed, &actor, via, false, lang, |_| {}).await.unwrap();
}

async fn rina(app: &TestApp) -> Officer<'_> {
    add_user(app, "rina", "regency", Some("63.10")).await;
    sign_in(app, "rina").await
}

on_both_engines!(a_row_repeating_a_stored_record_is_named_in_the_preview, |app: TestApp| async move {
    let rina = rina(&app).await;
    assert_eq!(rina.import("p.csv", file(PREDICATES, &["63.10,2025,2024,721,588.40,,604.10,,"])).await.0, 303);
    let stored = id_of(&app, "select id from predicate_records").await;
    // Adding only: the 2025 row repeats the stored record, and the preview says so by row.
    let (status, html) = rina.upload("p2.csv", file(PREDICATES, &["63.10,2023,2022,,,,650,,", "63.10,2025,2024,,,,700,,"])).await;
    assert_eq!(status, 422, "refused before any confirmation");
    let why = reason(&html, 3, "award_year");
    assert!(why.contains(&format!("nomor {stored}")) && why.contains("perbarui data yang ada"), "{why}");
    assert!(!html.contains(&row_error(2, "award_year")), "the 2023 row is fine");
    assert!(!html.contains("name=\"draft\""), "nothing to confirm");
    // The same for a service unit (its name in any case), and for two rows of one file.
    assert_eq!(rina.import("u.csv", file(UNITS, &["63.10,paud,PAUD Melati,4,2,2025,DP3A"])).await.0, 303);
    let unit = id_of(&app, "select id from service_units").await;
    let (status, html) =
        rina.upload("u2.csv", file(UNITS, &["63.10,paud,PAUD Mawar,4,2,2025,DP3A", "63.10,paud,paud melati,5,2,2025,DP3A"])).await;
    assert_eq!(status, 422);
    assert!(reason(&html, 3, "name").contains(&format!("nomor {unit}")), "{}", reason(&html, 3, "name"));
    let (status, html) =
        rina.upload("u3.csv", file(UNITS, &["63.10,paud,PAUD Mawar,4,2,2025,DP3A", "63.10,paud,PAUD Mawar,4,2,2025,DP3A"])).await;
    assert_eq!(status, 422);
    assert!(reason(&html, 3, "name").contains("sama dengan baris sebelumnya"));
    // In English too.
    let english = Officer { app: &app, cookie: format!("{}; {}=en", rina.cookie, kla::i18n::LANG_COOKIE) };
    let (status, html) = english.upload("p2.csv", file(PREDICATES, &["63.10,2025,2024,,,,700,,"])).await;
    assert_eq!(status, 422);
    let why = reason(&html, 2, "award_year");
    assert!(why.contains(&format!("no. {stored}")) && why.contains("update existing records"), "{why}");
    assert_eq!(app.count("predicate_records").await, 1);
    assert_eq!(app.count("service_units").await, 1);
});

on_both_engines!(an_edited_export_imported_with_update_changes_the_records_it_names, |app: TestApp| async move {
    let rina = rina(&app).await;
    let units = file(UNITS, &["63.10,paud,PAUD Melati,4,2,2025,DP3A", "63.10,puskesmas_ramah_anak,Puskesmas Batulicin,20,8,2025,DP3A"]);
    assert_eq!(rina.import("u.csv", units).await.0, 303);
    let event = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
63.10,Pelatihan KHA guru PAUD,pelatihan,08/07/2024,10/07/2024,Aula DP3A,luring,40,0,25,63.10:40,paud:25; sekolah_ramah_anak:15,55.5,78.25,DP3A,https://example.org/x\n";
    assert_eq!(rina.import("k.csv", event.as_bytes().to_vec()).await.0, 303);
    let (units_before, events_before, created) =
        (app.count("service_units").await, app.count("training_events").await, audit_count(&app, "create").await);

    // The export, as it is, goes back in as no change at all: a true round trip (XLSX and CSV).
    let export = rina.download_text("/kelola/ekspor/kegiatan.xlsx").await;
    assert!(export.starts_with("id,organiser_code,"), "{export}");
    let (status, html) = rina.upload_as("kegiatan.csv", export.clone().into_bytes(), "update").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("0 ditambah, 0 diubah, 1 tidak berubah"), "{}", &html[html.find("<main").unwrap()..]);
    assert!(!html.contains("name=\"draft\""), "nothing to save");
    let export = rina.download_text("/kelola/ekspor/unit.csv").await;
    let (status, html) = rina.upload_as("unit.csv", export.clone().into_bytes(), "update").await;
    assert_eq!(status, 200);
    assert!(html.contains("0 ditambah, 0 diubah, 2 tidak berubah"));

    // One cell changed in "Excel": the preview shows the row as stored and the field old → new.
    let melati = id_of(&app, "select id from service_units where name = 'PAUD Melati'").await;
    let edited = export
        .replace(&format!("{melati},63.10,paud,PAUD Melati,4,2,2025,DP3A"), &format!("{melati},63.10,paud,PAUD Melati,4,3,2025,DP3A"));
    assert_ne!(edited, export, "{export}");
    let (status, html) = rina.upload_as("unit.csv", edited.clone().into_bytes(), "update").await;
    assert_eq!(status, 200);
    assert!(html.contains("0 ditambah, 1 diubah, 1 tidak berubah"));
    assert!(html.contains(&format!("Ubah nomor {melati}")));
    assert!(html.contains("<del>2</del>") && html.contains("<ins>3</ins>"), "old → new");
    assert!(html.contains("63.10 Kabupaten Tanah Bumbu"), "the region by name");
    assert!(html.contains("Puskesmas Ramah Anak"), "the kind in words");
    let (status, location, _) = rina.confirm(&html).await;
    assert_eq!(status, 303);
    assert!(location.contains("pesan=diimpor&n=1"), "{location}");
    let certified: i64 = id_of(&app, &format!("select certified_staff from service_units where id = {melati}")).await;
    assert_eq!(certified, 3);
    assert_eq!((app.count("service_units").await, app.count("training_events").await), (units_before, events_before), "nothing added");
    assert_eq!(
        (audit_count(&app, "create").await, audit_count(&app, "update").await),
        (created, 1),
        "one update audited, as the form does"
    );
    let (old, new): (String, String) = sqlx::query_as(
        "select old_values, new_values from audit_log where action = 'update' and record_id = $1 and entity = 'service_unit'",
    )
    .bind(melati)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert!(old.contains("\"certified_staff\":\"2\"") && new.contains("\"certified_staff\":\"3\""), "{old} {new}");
    let (_, history) = rina.get(&format!("/kelola/unit/{melati}/riwayat")).await;
    assert!(history.contains("<del>2</del>"), "the history shows the change");

    // The event, its date written as the officer types it: the preview shows dates as dates.
    let export = rina.download_text("/kelola/ekspor/kegiatan.csv").await;
    let edited = export.replace("2024-07-10", "11/07/2024");
    let (status, html) = rina.upload_as("kegiatan.csv", edited.into_bytes(), "update").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<del>10 Jul 2024</del>") && html.contains("<ins>11 Jul 2024</ins>"),
        "{}",
        &html[html.find("<table").unwrap()..]
    );
    assert!(html.contains("8 Jul 2024"), "an unchanged date as a date too");
    assert!(html.contains("55,50"), "numbers as the language writes them");
    assert_eq!(rina.confirm(&html).await.0, 303);
    let end: String = sqlx::query_scalar("select end_date from training_events").fetch_one(&app.state.pool).await.unwrap();
    assert_eq!(end, "2024-07-11");
    assert_eq!(app.count("training_participants_by_kind").await, 2, "the breakdowns written once");
});

on_both_engines!(an_id_of_no_record_or_without_update_is_refused_by_row, |app: TestApp| async move {
    let rina = rina(&app).await;
    assert_eq!(rina.import("u.csv", file(UNITS, &["63.10,paud,PAUD Melati,4,2,2025,DP3A"])).await.0, 303);
    let melati = id_of(&app, "select id from service_units").await;
    let header = format!("id,{UNITS}");
    let rows = [format!("{melati},63.10,paud,PAUD Melati,4,3,2025,DP3A"), "999999,63.10,paud,PAUD Hantu,4,2,2025,DP3A".to_string()];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let (status, html) = rina.upload_as("u.csv", file(&header, &rows), "update").await;
    assert_eq!(status, 422);
    let why = reason(&html, 3, "id");
    assert!(why.contains("nomor 999999") && why.contains("tidak ada di basis data ini"), "{why}");
    assert!(!html.contains(&row_error(2, "id")), "row 2 names a record that is there");
    // The same file without choosing update: every id is a row error, not silently a new record.
    let (status, html) = rina.upload_as("u.csv", file(&header, &rows), "add").await;
    assert_eq!(status, 422);
    assert!(reason(&html, 2, "id").contains("perbarui data yang ada"), "{}", reason(&html, 2, "id"));
    assert!(html.contains("id=\"f-mode-add\" name=\"mode\" type=\"radio\" value=\"add\" checked"), "the choice kept");
    // Two rows naming one record.
    let twice = [format!("{melati},63.10,paud,PAUD Melati,4,3,2025,DP3A"), format!("{melati},63.10,paud,PAUD Melati Baru,4,3,2025,DP3A")];
    let twice: Vec<&str> = twice.iter().map(String::as_str).collect();
    let (status, html) = rina.upload_as("u.csv", file(&header, &twice), "update").await;
    assert_eq!(status, 422);
    assert!(reason(&html, 3, "id").contains("baris 2"));
    let certified: i64 = id_of(&app, "select certified_staff from service_units").await;
    assert_eq!((app.count("service_units").await, certified), (1, 2), "nothing written");
});

on_both_engines!(an_officer_cannot_update_another_regions_record_nor_move_one_there, |app: TestApp| async move {
    let rina = rina(&app).await;
    assert_eq!(rina.import("u.csv", file(UNITS, &["63.10,paud,PAUD Melati,4,2,2025,DP3A"])).await.0, 303);
    cli_import(&app, file(UNITS, &["63.72,paud,PAUD Tetangga,6,1,2025,DP3A"])).await;
    let mine = id_of(&app, "select id from service_units where regency_code = '63.10'").await;
    let theirs = id_of(&app, "select id from service_units where regency_code = '63.72'").await;
    let header = format!("id,{UNITS}");
    // Through the id of Banjarbaru's unit, written as if it were Banjar's (old region out of scope).
    let row = format!("{theirs},63.10,paud,PAUD Tetangga,6,6,2025,DP3A");
    let (status, html) = rina.upload_as("u.csv", file(&header, &[&row]), "update").await;
    assert_eq!(status, 422);
    assert!(reason(&html, 2, "id").contains(&format!("nomor {theirs}")), "{}", reason(&html, 2, "id"));
    // Banjar's own unit moved into Banjarbaru (new region out of scope).
    let row = format!("{mine},63.72,paud,PAUD Melati,4,2,2025,DP3A");
    let (status, html) = rina.upload_as("u.csv", file(&header, &[&row]), "update").await;
    assert_eq!(status, 422);
    assert!(reason(&html, 2, "regency_code").contains("63.72"));
    // A confirmation posted straight (a draft from an earlier, allowed preview) is checked again.
    let ok = format!("{mine},63.10,paud,PAUD Melati,4,3,2025,DP3A");
    let (status, preview) = rina.upload_as("u.csv", file(&header, &[&ok]), "update").await;
    assert_eq!(status, 200);
    sqlx::query("update service_units set regency_code = '63.72', province_code = '63' where id = $1")
        .bind(mine)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (status, _, html) = rina.confirm(&preview).await;
    assert_eq!(status, 422, "the record left rina's regency between preview and confirmation");
    assert!(reason(&html, 2, "id").contains(&format!("nomor {mine}")));
    let rows: Vec<(String, i64)> =
        sqlx::query_as("select regency_code, certified_staff from service_units order by id").fetch_all(&app.state.pool).await.unwrap();
    assert_eq!(rows, vec![("63.72".to_string(), 2), ("63.72".to_string(), 1)], "neither record changed by the import");
    assert_eq!(audit_count(&app, "update").await, 0);
});

on_both_engines!(a_predicate_record_is_updated_by_its_regency_and_award_year, |app: TestApp| async move {
    let rina = rina(&app).await;
    // From an award list: the predicate only.
    assert_eq!(rina.import("p.csv", file(PREDICATES, &["63.10,2023,2022,,,,,madya,"])).await.0, 303);
    let id = id_of(&app, "select id from predicate_records").await;
    // Later the scores are published: the same kab/kota and year, no id column, "update" chosen.
    let scores = file(PREDICATES, &["63.10,2023,2022,720,650.5,,640,madya,https://example.org/skor", "63.10,2025,2024,,,,,nindya,"]);
    let (status, html) = rina.upload_as("p.csv", scores, "update").await;
    assert_eq!(status, 200, "{}", &html[html.find("<main").unwrap()..]);
    assert!(html.contains("1 ditambah, 1 diubah, 0 tidak berubah"));
    assert!(html.contains(&format!("Ubah nomor {id}")));
    assert!(html.contains("<ins>650,50</ins>"), "the new score as a number");
    let (status, location, _) = rina.confirm(&html).await;
    assert_eq!(status, 303);
    assert!(location.contains("n=2"), "{location}");
    let (score, predicate): (Option<f64>, Option<String>) =
        sqlx::query_as("select score_administrative, predicate from predicate_records where id = $1")
            .bind(id)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!((score, predicate.as_deref()), (Some(650.5), Some("madya")));
    assert_eq!(app.count("predicate_records").await, 2);
    assert_eq!(audit_count(&app, "update").await, 1);
});
