//! Finding regions by what a reader types: a name with or without "Kab."/"Kabupaten"/"Kota"/"Provinsi", a
//! word with a small typo, or the start of a code. Pure and bounded: at most [`MAX_WORDS`] words of at most
//! [`MAX_WORD_CHARS`] characters are compared with the 552 names, whatever the query.

use crate::db::regions::{Region, RegionRegistry};

/// The most results listed.
pub const MAX_RESULTS: usize = 50;
/// Query words beyond these are ignored.
pub const MAX_WORDS: usize = 6;
/// A word is compared by its first characters only (no name word is longer).
pub const MAX_WORD_CHARS: usize = 32;

/// The kind a reader named, from the words they put before the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Province,
    Kabupaten,
    Kota,
}

impl Kind {
    fn of_word(w: &str) -> Option<Kind> {
        match w {
            "provinsi" | "prov" | "propinsi" | "province" => Some(Kind::Province),
            "kabupaten" | "kab" => Some(Kind::Kabupaten),
            "kota" | "kotamadya" | "kodya" => Some(Kind::Kota),
            _ => None,
        }
    }
    fn is(self, r: &Region) -> bool {
        matches!((self, r.kind.as_str()), (Kind::Province, "provinsi") | (Kind::Kabupaten, "kabupaten") | (Kind::Kota, "kota"))
    }
}

/// Words that say nothing about which region is meant ("Kota Administrasi Jakarta Pusat").
fn is_filler(w: &str) -> bool {
    matches!(w, "administrasi" | "adm")
}

/// Lower-case words, punctuation as spaces ("Kab." is "kab", "Toli-Toli" is "toli toli").
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect()
}

/// How well a query word names a word of a region's name: 4 the same, 3 its start, 2 inside it, 1 one typo
/// away (two for long words), 0 not at all.
fn word_score(q: &str, name_word: &str) -> u32 {
    if q == name_word {
        return 4;
    }
    let len = q.chars().count();
    if name_word.starts_with(q) {
        return 3;
    }
    if len >= 3 && name_word.contains(q) {
        return 2;
    }
    let allowed = match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    if allowed > 0 && strsim::damerau_levenshtein(q, name_word) <= allowed {
        return 1;
    }
    0
}

/// The regions a query names, best first: a code prefix (`63`, `63.1`), or names in which every word of the
/// query finds a word. A kind the query names ("kota banjar") keeps to regions of that kind when any match.
pub fn find<'a>(registry: &'a RegionRegistry, query: &str) -> Vec<&'a Region> {
    let q = query.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let all = || registry.provinces().chain(registry.regencies());
    if q.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return all().filter(|r| r.code.to_string().starts_with(q)).take(MAX_RESULTS).collect();
    }
    let mut kind = None;
    let mut wanted = Vec::new();
    for w in words(q) {
        match Kind::of_word(&w) {
            Some(k) if wanted.is_empty() => kind = Some(k),
            _ if is_filler(&w) => {}
            _ => wanted.push(w),
        }
    }
    wanted.truncate(MAX_WORDS);
    let mut scored: Vec<(u32, bool, &Region)> = all()
        .filter_map(|r| {
            let name: Vec<String> = words(&r.name).into_iter().filter(|w| Kind::of_word(w).is_none() && !is_filler(w)).collect();
            let mut total = 0;
            for w in &wanted {
                let best = name.iter().map(|n| word_score(w, n)).max().unwrap_or(0);
                if best == 0 {
                    return None;
                }
                total += best;
            }
            let exact = !wanted.is_empty() && wanted == name;
            Some((total, exact, r))
        })
        .collect();
    if let Some(k) = kind
        && scored.iter().any(|(_, _, r)| k.is(r))
    {
        scored.retain(|(_, _, r)| k.is(r));
    }
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)).then_with(|| a.2.code.to_string().cmp(&b.2.code.to_string())));
    scored.into_iter().take(MAX_RESULTS).map(|(_, _, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::regions;

    fn registry() -> RegionRegistry {
        RegionRegistry::from_regions(regions::bundled().unwrap())
    }

    fn codes(reg: &RegionRegistry, q: &str) -> Vec<String> {
        find(reg, q).into_iter().map(|r| r.code.to_string()).collect()
    }

    #[test]
    fn names_with_or_without_their_kind() {
        let reg = registry();
        for q in ["Kab. Tanah Bumbu", "Kabupaten Tanah Bumbu", "tanah bumbu", "KAB TANAH BUMBU", "Tanah-Bumbu"] {
            assert_eq!(codes(&reg, q).first().map(String::as_str), Some("63.10"), "{q}");
        }
        // Two regions called Banjar: the kind decides, and without one both are listed.
        let kota = codes(&reg, "Kota Banjar");
        assert_eq!(kota[0], "32.79", "the exact name first: {kota:?}");
        assert!(!kota.contains(&"63.03".to_string()), "no kabupaten when a kota was asked for");
        assert_eq!(codes(&reg, "kab. banjar")[0], "63.03");
        let both = codes(&reg, "banjar");
        assert!(both.contains(&"32.79".to_string()) && both.contains(&"63.03".to_string()), "{both:?}");
        assert_eq!(codes(&reg, "Provinsi Kalimantan Selatan")[0], "63");
        assert_eq!(codes(&reg, "Kota Adm. Jakarta Pusat")[0], "31.71");
    }

    #[test]
    fn small_typos_are_forgiven_and_exact_names_come_first() {
        let reg = registry();
        assert_eq!(codes(&reg, "tanah bumbo")[0], "63.10");
        assert_eq!(codes(&reg, "banjarbaru")[0], "63.72");
        assert_eq!(codes(&reg, "banjarbru")[0], "63.72", "one letter missing");
        assert_eq!(codes(&reg, "kalimantan selatn")[0], "63");
        assert!(codes(&reg, "xyzzy").is_empty());
        // Short words must be right: "bar" is no typo of "bali".
        assert!(!codes(&reg, "bar").contains(&"51".to_string()));
    }

    #[test]
    fn codes_and_bounds() {
        let reg = registry();
        assert_eq!(codes(&reg, "63.10"), ["63.10"]);
        assert!(codes(&reg, "63").iter().all(|c| c.starts_with("63")));
        assert!(codes(&reg, "kabupaten").len() <= MAX_RESULTS, "a kind alone lists at most the limit");
        let long = "a".repeat(10_000) + " " + &"tanah ".repeat(1_000);
        let _ = find(&reg, &long); // bounded: six words of 32 characters
        assert!(find(&reg, "  ").is_empty());
    }
}
