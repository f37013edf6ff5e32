//! The i18n layer: every user-facing text goes through `tr` (rust-i18n, messages in `kla/locales/*.yml`).
//! Bahasa Indonesia is the default. Which language a request asks for (`?lang=en`, the `lang` cookie) is
//! the web layer's business: `app::lang`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Lang {
    #[default]
    Id,
    En,
}

/// The cookie that remembers the reader's language.
pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn other(self) -> Self {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// The message for `key` in `lang`.
pub fn tr(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The message for `key` with its `%{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut s = tr(lang, key);
    for (k, v) in args {
        s = s.replace(&format!("%{{{k}}}"), v);
    }
    s
}

/// Whether a count of `n` takes the singular form in `lang`. Indonesian nouns do not change with a count
/// ("1 kegiatan", "3 kegiatan"); English has a singular for exactly one ("1 event", "3 events").
pub fn is_singular(lang: Lang, n: i64) -> bool {
    match lang {
        Lang::Id => false,
        Lang::En => n == 1,
    }
}

/// The message for `key` counting `n`, with `%{n}` written as the language writes numbers and the other
/// placeholders filled in from `args`. Where the language has a singular and `n` takes it, the message is
/// `{key}_one` (only English has such keys); otherwise `key`. Use it wherever a count precedes a noun.
pub fn trn(lang: Lang, key: &str, n: i64, args: &[(&str, String)]) -> String {
    let key = if is_singular(lang, n) { format!("{key}_one") } else { key.to_string() };
    let mut all = vec![("n", crate::format::int(n, lang))];
    all.extend(args.iter().map(|(k, v)| (*k, v.clone())));
    trf(lang, &key, &all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_singular_only_in_english_and_only_for_one() {
        assert_eq!(trn(Lang::En, "figure.events_count", 1, &[]), "1 event");
        assert_eq!(trn(Lang::En, "figure.events_count", 0, &[]), "0 events");
        assert_eq!(trn(Lang::En, "figure.events_count", 2, &[]), "2 events");
        assert_eq!(trn(Lang::En, "figure.events_count", 1234, &[]), "1,234 events");
        assert_eq!(trn(Lang::Id, "figure.events_count", 1, &[]), "1 kegiatan");
        assert_eq!(trn(Lang::Id, "figure.events_count", 1234, &[]), "1.234 kegiatan");
        assert_eq!(trn(Lang::En, "figure.participants_count", 1, &[]), "1 participant");
        assert_eq!(trn(Lang::En, "manage.notice_diimpor", 1, &[]), "1 row imported. The public pages show it now.");
        assert_eq!(trn(Lang::Id, "manage.notice_diimpor", 1, &[]), "1 baris diimpor. Halaman publik sudah menampilkannya.");
        assert_eq!(
            trn(Lang::En, "limits_rules.too_many_attempts", 1, &[]),
            "Too many failed sign-in attempts from this device. Wait 1 minute and try again."
        );
    }

    #[test]
    fn every_singular_has_its_plural() {
        let en = serde_yaml_like::keys(include_str!("../locales/en.yml"));
        for k in en.iter().filter(|k| k.ends_with("_one")) {
            assert!(en.contains(k.trim_end_matches("_one")), "{k} has no plural form");
        }
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let id: serde_yaml_like::Keys = serde_yaml_like::keys(include_str!("../locales/id.yml"));
        let en = serde_yaml_like::keys(include_str!("../locales/en.yml"));
        // English singulars (`…_one`, see `trn`) have no Indonesian twin: Indonesian has no plural.
        let en_plain: serde_yaml_like::Keys = en.iter().filter(|k| !k.ends_with("_one")).cloned().collect();
        assert_eq!(id, en_plain, "locales/id.yml and locales/en.yml must have the same keys (besides English singulars)");
        assert_eq!(tr(Lang::Id, "nav.home"), "Beranda");
        assert_eq!(tr(Lang::En, "nav.home"), "Home");
    }

    /// The locale files are flat two-level YAML; reading their keys needs no YAML library.
    mod serde_yaml_like {
        pub type Keys = std::collections::BTreeSet<String>;
        pub fn keys(text: &str) -> Keys {
            let mut out = Keys::new();
            let mut section = String::new();
            for line in text.lines() {
                if line.trim().is_empty() || line.trim_start().starts_with('#') || line.starts_with("_version") {
                    continue;
                }
                let Some((k, _)) = line.split_once(':') else { continue };
                if line.starts_with(' ') {
                    out.insert(format!("{section}.{}", k.trim()));
                } else {
                    section = k.trim().to_string();
                }
            }
            out
        }
    }
}
