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
fn an_unknown_database_scheme_is_a_clear_error() {
    let out = bin().arg("serve").env("PANTAU_ADDR", "127.0.0.1:0").env("DATABASE_URL", "mysql://u:secret@h/db").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("is neither sqlite:… nor postgres://…"), "{err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");
}
