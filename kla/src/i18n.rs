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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_both_languages() {
        let id: serde_yaml_like::Keys = serde_yaml_like::keys(include_str!("../locales/id.yml"));
        let en = serde_yaml_like::keys(include_str!("../locales/en.yml"));
        assert_eq!(id, en, "locales/id.yml and locales/en.yml must have the same keys");
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
