//! Numbers and dates written as each language writes them: 1.234,5 in Indonesian, 1,234.5 in English.

use crate::i18n::Lang;

fn group(int_part: &str, sep: char) -> String {
    let mut out = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn seps(lang: Lang) -> (char, char) {
    match lang {
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// A whole number with thousands separators.
pub fn int(n: i64, lang: Lang) -> String {
    let (g, _) = seps(lang);
    let s = n.unsigned_abs().to_string();
    format!("{}{}", if n < 0 { "-" } else { "" }, group(&s, g))
}

/// A decimal with `places` digits after the separator.
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    let (g, d) = seps(lang);
    let s = format!("{:.*}", places, x.abs());
    let (i, f) = s.split_once('.').unwrap_or((&s, ""));
    let neg = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let mut out = format!("{}{}", if neg { "-" } else { "" }, group(i, g));
    if !f.is_empty() {
        out.push(d);
        out.push_str(f);
    }
    out
}

/// A share (0–1) as a percentage with one decimal, or an en dash when there is nothing to divide.
pub fn percent(share: Option<f64>, lang: Lang) -> String {
    match share {
        Some(s) => format!("{}%", decimal(s * 100.0, 1, lang)),
        None => "–".to_string(),
    }
}

/// A count a report may omit: the number, or "not reported" — never 0 for a number nobody gave.
pub fn count(n: Option<i64>, lang: Lang) -> String {
    n.map_or_else(|| crate::i18n::tr(lang, "figure.not_reported"), |n| int(n, lang))
}

/// An optional score with two decimals.
pub fn score(s: Option<f64>, lang: Lang) -> String {
    s.map_or_else(|| "–".to_string(), |s| decimal(s, 2, lang))
}

const MONTHS_ID: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];
const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// An ISO date (`2025-03-11`) as `11 Mar 2025`; anything else is returned as it is.
pub fn date(iso: &str, lang: Lang) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match (parts.as_slice(), lang) {
        ([y, m, d], _) if m.parse::<usize>().is_ok_and(|m| (1..=12).contains(&m)) => {
            let m: usize = m.parse().expect("checked");
            let name = if lang == Lang::Id { MONTHS_ID[m - 1] } else { MONTHS_EN[m - 1] };
            format!("{} {} {}", d.trim_start_matches('0'), name, y)
        }
        _ => iso.to_string(),
    }
}

/// Western Indonesia Time (WIB, Asia/Jakarta): UTC+7 all year, no daylight saving.
const WIB_OFFSET_HOURS: i64 = 7;

/// A UTC timestamp as the audit trail stores it (`2025-03-11T04:05:06Z`) in Jakarta time, the time officers
/// read on their clocks: `11 Mar 2025 11:05 WIB`. Anything else is returned as it is.
pub fn wib(utc: &str, lang: Lang) -> String {
    let Ok(t) = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%SZ") else { return utc.to_string() };
    let local = t + chrono::Duration::hours(WIB_OFFSET_HOURS);
    format!("{} {} WIB", date(&local.format("%Y-%m-%d").to_string(), lang), local.format("%H:%M"))
}

/// A stored decimal (`800.38`) written as the language writes it (`800,38`), with at least `min_places`
/// decimals and never fewer than it was stored with; text that is not a number is returned as it is.
pub fn stored_decimal(raw: &str, min_places: usize, lang: Lang) -> String {
    let t = raw.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let places = t.split_once('.').map_or(0, |(_, f)| f.len()).max(min_places);
            decimal(v, places, lang)
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_and_english_separators() {
        assert_eq!(int(1_234_567, Lang::Id), "1.234.567");
        assert_eq!(int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(int(999, Lang::Id), "999");
        assert_eq!(int(-1000, Lang::Id), "-1.000");
        assert_eq!(decimal(1234.5, 1, Lang::Id), "1.234,5");
        assert_eq!(decimal(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(decimal(588.4, 2, Lang::Id), "588,40");
        assert_eq!(decimal(-0.001, 1, Lang::En), "0.0");
        assert_eq!(percent(Some(0.5), Lang::Id), "50,0%");
        assert_eq!(percent(None, Lang::Id), "–");
    }

    #[test]
    fn audit_times_in_jakarta_time() {
        assert_eq!(wib("2025-03-11T04:05:06Z", Lang::Id), "11 Mar 2025 11:05 WIB");
        // Past 17:00 UTC it is already the next day in Jakarta.
        assert_eq!(wib("2025-12-31T17:30:00Z", Lang::En), "1 Jan 2026 00:30 WIB");
        assert_eq!(wib("not a time", Lang::En), "not a time");
    }

    #[test]
    fn stored_decimals_follow_the_language() {
        assert_eq!(stored_decimal("800.38", 2, Lang::Id), "800,38");
        assert_eq!(stored_decimal("800.38", 2, Lang::En), "800.38");
        assert_eq!(stored_decimal("604.1", 2, Lang::Id), "604,10");
        assert_eq!(stored_decimal("1234.5", 0, Lang::Id), "1.234,5");
        assert_eq!(stored_decimal("", 2, Lang::Id), "");
        assert_eq!(stored_decimal("x", 2, Lang::Id), "x");
    }

    #[test]
    fn dates_in_each_language() {
        assert_eq!(date("2025-08-08", Lang::Id), "8 Agu 2025");
        assert_eq!(date("2025-08-08", Lang::En), "8 Aug 2025");
        assert_eq!(date("nonsense", Lang::En), "nonsense");
    }
}
