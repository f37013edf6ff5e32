//! The `pantau-kla` binary as a user runs it: `--help` explains every option, and `import` reports each bad
//! row and exits non-zero without writing.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pantau-kla"))
}

#[test]
fn help_explains_every_option() {
    let out = bin().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for word in ["serve", "import", "--database-url", "DATABASE_URL", "RUST_LOG", "sqlite:data/pantau-kla.db"] {
        assert!(help.contains(word), "--help mentions {word}");
    }
    let out = bin().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("PANTAU_ADDR") && help.contains("127.0.0.1:3000"));
}

#[test]
fn import_of_a_bad_file_lists_rows_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/service_units_bad.csv");
    let out = bin().args(["import", "--lang", "en"]).arg(&fixture).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("row 3, column regency_code: region code 63.99 is not in the Kemendagri list"), "{err}");
    assert!(err.contains("row 4, column certified_staff"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let good = fixture.with_file_name("service_units.csv");
    let out = bin().arg("import").arg(&good).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("imported 6"));
}

#[test]
fn import_adds_only_unless_told_to_update() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    let run = |args: &[&str], file: &std::path::Path| {
        bin().arg("import").args(["--lang", "en"]).args(args).arg(file).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap()
    };
    let header =
        "regency_code,award_year,data_year,score_self_assessment,score_administrative,score_field,score_final,predicate,source_url\n";
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("{header}63.10,2023,2022,,,,,madya,\n")).unwrap();
    assert!(run(&[], &list).status.success());
    let scores = dir.path().join("scores.csv");
    std::fs::write(&scores, format!("{header}63.10,2023,2022,720,650.5,,640,madya,\n")).unwrap();
    let out = run(&[], &scores);
    assert!(!out.status.success(), "adding only: the stored record is not added twice");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("row 2, column award_year: the same record is stored as"), "{err}");
    let out = run(&["--update"], &scores);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("0 added, 1 changed, 0 unchanged"));
}

#[test]
fn an_unknown_database_scheme_is_a_clear_error() {
    let out = bin().arg("serve").env("PANTAU_ADDR", "127.0.0.1:0").env("DATABASE_URL", "mysql://u:secret@h/db").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is neither sqlite:… nor postgres://…"), "{err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");
}

#[test]
fn a_new_instrument_version_is_loaded_from_a_file_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    let header = "indicator,cluster,indicator_name_id,indicator_name_en,weight,item,item_name_id,item_name_en,offers\n";
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}1,kelembagaan,Perda,Regulation,1,1.a,Perda,Regulation,\n2,klaster_9,X,X,1,2.a,X,X,unit:kantor\n"),
    )
    .unwrap();
    let add = |file: &std::path::Path| {
        bin()
            .args(["instrument", "add"])
            .arg(file)
            .args([
                "--code",
                "revisi-2027",
                "--name",
                "Instrumen revisi 2027",
                "--source",
                "rancangan Perpres",
                "--weights-note",
                "Bobot sama (asumsi).",
            ])
            .env("DATABASE_URL", &db)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = add(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("row 3, column cluster") && err.contains("row 3, column offers") && err.contains("nothing was loaded"), "{err}");

    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{header}1,kelembagaan,Perda,Regulation,1,1.a,Perda,Regulation,\n2,klaster_3,Puskesmas,Health centre,1,2.a,SK,Decree,unit:puskesmas_ramah_anak\n")).unwrap();
    let out = add(&good);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("loaded instrument revisi-2027 with 2 indicators"));
    let out = add(&good);
    assert!(!out.status.success(), "the same code twice is refused");
    assert!(String::from_utf8(out.stderr).unwrap().contains("already loaded; nothing was changed"));

    let out = bin().args(["instrument", "list"]).env("DATABASE_URL", &db).env("RUST_LOG", "warn").output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("permen-pppa-12-2022\t") && list.contains("revisi-2027\tInstrumen revisi 2027"), "{list}");
    assert!(!dir.path().join("bukti").exists(), "commands that store no document make no evidence folder");
}

#[test]
fn storage_sweep_removes_objects_without_a_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("cli.db").display());
    let store = dir.path().join("bukti");
    std::fs::create_dir_all(store.join("2025/63.10")).unwrap();
    std::fs::write(store.join("2025/63.10/yatim"), b"%PDF-1.4").unwrap();
    let sweep = |extra: &[&str]| {
        bin()
            .args(["storage", "sweep", "--grace-minutes", "0"])
            .args(extra)
            .env("DATABASE_URL", &db)
            .env("PANTAU_STORAGE", &store)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = sweep(&["--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("would remove 2025/63.10/yatim")
            && text.contains("0 object(s) kept, 1 without a document (dry run: nothing removed)"),
        "{text}"
    );
    assert!(store.join("2025/63.10/yatim").exists());
    let out = sweep(&[]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("removed 2025/63.10/yatim"));
    assert!(!store.join("2025/63.10/yatim").exists());
}
