//! Pages are cached, yet a write is visible on the very next request — on the server that wrote and on
//! another app server sharing the same database — on SQLite and on PostgreSQL alike.

use crate::common::{Engine, TestApp, import_text, stat};

const ONE_EVENT: &str = "organiser_code,title,kind,start_date,end_date,venue,mode,participants_offline,participants_online,institutions,participants_by_regency,participants_by_kind,pre_test_mean,post_test_mean,certificate_issuer,source_url\n\
63.10,Pelatihan KHA susulan,pelatihan,2025-09-01,2025-09-02,Batulicin,luring,25,0,12,,,,,,\n";

async fn write_one_event(app: &TestApp) {
    import_text(&app.state, ONE_EVENT).await.unwrap();
}

on_both_engines!(a_write_shows_on_the_next_request_despite_the_cache, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "2");
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "2", "served again (from the cache)");
    assert!(!app.state.cache.is_empty(), "the page's aggregates are cached");
    assert!(!app.state.responses.is_empty(), "and the whole response too");
    write_one_event(&app).await;
    let (_, html) = app.get("/kabkota/63.10").await;
    assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "3", "the very next request shows the new event");
    let (_, html) = app.get("/").await;
    assert_eq!(stat(&html, "Peserta"), "740", "715 + 25 nationally");
});

on_both_engines!(two_app_servers_on_one_database_both_show_a_write_at_once, |app: TestApp| async move {
    app.import_all_fixtures().await;
    let other = TestApp::spawn_on(app.database_url.clone(), None).await;
    for server in [&app, &other] {
        let (_, html) = server.get("/provinsi/63").await;
        assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "4");
    }
    write_one_event(&app).await;
    for server in [&other, &app] {
        let (_, html) = server.get("/provinsi/63").await;
        assert_eq!(stat(&html, "Kegiatan pelatihan KHA"), "5", "{} shows the write on its next request", server.base);
        let res = server.client.get(format!("{}/api/v1/provinsi/63", server.base)).send().await.unwrap();
        let json: serde_json::Value = res.json().await.unwrap();
        assert_eq!(json["data"]["trainings"]["events"], 5);
    }
});
