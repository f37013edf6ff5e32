//! Signing in (`/masuk`) and the account page (`/akun`: change the password, sign out).

use super::{CsrfField, ErrorSummary, Notice, manage_crumbs, query_param, session, submitted};
use crate::components::{Crumb, Layout};
use crate::lang::use_lang;
use crate::paths;
use kla::i18n::tr;
use leptos::prelude::*;

/// Where to go after signing in when `kembali` is missing or refused.
pub const DEFAULT_RETURN: &str = paths::MANAGE;

/// Where to go after signing in: a path on this site only (never `//host`, `/\\host` or a full URL), else
/// [`DEFAULT_RETURN`].
pub fn safe_return(path: Option<String>) -> String {
    path.as_deref().and_then(strict_return).unwrap_or_else(|| DEFAULT_RETURN.into())
}

/// `raw` when it is a same-site path that every browser reads the same way, else `None`. Browsers drop tabs
/// and newlines from a URL and read `\\` as `/`, so `/%09/x.example` would become `//x.example`: checked on
/// the percent-decoded text too. Only printable ASCII passes, so the answer is always a valid `Location`
/// header (a newline used to panic there, after the session cookie was made).
fn strict_return(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || !raw.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return None;
    }
    let decoded = percent_decode(raw)?;
    if decoded.chars().any(|c| c.is_control() || c == '\\' || kla::evaluation::files::is_bidi_control(c)) {
        return None;
    }
    let path = decoded.split(['?', '#']).next().unwrap_or("");
    let normalised = remove_dot_segments(path);
    if !normalised.starts_with('/') || normalised.starts_with("//") || path.starts_with("//") {
        return None;
    }
    Some(raw.to_string())
}

/// `%XX` sequences decoded (once) into UTF-8 text; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The path with `.` and `..` segments resolved as a browser resolves them (RFC 3986, 5.2.4).
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *seg {
            "." | ".." => {
                if *seg == ".." && !out.is_empty() {
                    out.pop();
                }
                if last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let sub = submitted();
    let username = sub.as_ref().and_then(|s| s.value("username")).unwrap_or_default();
    let back = safe_return(sub.as_ref().and_then(|s| s.value("kembali")).or_else(|| query_param("kembali")));
    let crumbs = vec![
        Crumb { label: tr(lang, "nav.home"), href: Some("/".into()), lang: None },
        Crumb { label: tr(lang, "account.sign_in"), href: None, lang: None },
    ];
    let signed_in = session().map(|s| s.user.username);
    view! {
        <Layout title=tr(lang, "account.sign_in") crumbs=crumbs demo=false description=tr(lang, "site.description_sign_in")>
            {signed_in.map(|u| view! { <p class="notice">{tr(lang, "account.already_signed_in")}" "<strong>{u}</strong>". "<a href=paths::MANAGE>{tr(lang, "manage.title")}</a></p> })}
            <p class="lead">{tr(lang, "account.sign_in_lead")}</p>
            <ErrorSummary sub=sub.clone()/>
            <form class="entry narrow" method="post" action=paths::SIGN_IN>
                <CsrfField/>
                <input type="hidden" name="kembali" value=back/>
                <div class="field">
                    <label for="f-username">{tr(lang, "account.username")}</label>
                    <input id="f-username" name="username" type="text" autocomplete="username" required autocapitalize="none" spellcheck="false" value=username/>
                </div>
                <div class="field">
                    <label for="f-password">{tr(lang, "account.password")}</label>
                    <input id="f-password" name="password" type="password" autocomplete="current-password" required/>
                </div>
                <button type="submit">{tr(lang, "account.sign_in")}</button>
            </form>
            <p class="hint">{tr(lang, "account.no_account")}</p>
        </Layout>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let Some(s) = session() else {
        return view! { <crate::components::ErrorPage error=super::must_sign_in()/> }.into_any();
    };
    let sub = submitted();
    let err = move |f: &str| sub.as_ref().and_then(|s| s.error_for(f));
    let crumbs = manage_crumbs(lang, Some(tr(lang, "account.title")));
    let role = tr(lang, &format!("role.{}", s.user.role.as_str()));
    let region = s.user.role.region().map(|r| format!(" · {r}")).unwrap_or_default();
    let field = move |name: &'static str, auto: &'static str| {
        let e = err(name);
        let invalid = e.is_some().then_some("true");
        let class = if e.is_some() { "field invalid" } else { "field" };
        view! {
            <div class=class>
                <label for=format!("f-{name}")>{tr(lang, &format!("account.{name}"))}</label>
                {e.map(|m| view! { <p class="field-error" id=format!("e-{name}")>{m}</p> })}
                <input id=format!("f-{name}") name=name type="password" autocomplete=auto required aria-invalid=invalid
                    aria-describedby=invalid.map(|_| format!("e-{name}"))/>
            </div>
        }
    };
    view! {
        <Layout title=tr(lang, "account.title") crumbs=crumbs demo=false>
            <Notice/>
            <p>{tr(lang, "account.signed_in_as")}" "<strong>{s.user.username.clone()}</strong>" ("{role}{region}")"</p>
            <h2>{tr(lang, "account.change_password")}</h2>
            <ErrorSummary sub=submitted()/>
            <form class="entry narrow" method="post" action=paths::PASSWORD>
                <CsrfField/>
                {field("current_password", "current-password")}
                {field("new_password", "new-password")}
                {field("confirm_password", "new-password")}
                <p class="hint">{kla::i18n::trf(lang, "account.password_rule", &[("n", kla::auth::MIN_PASSWORD_CHARS.to_string())])}</p>
                <button type="submit">{tr(lang, "account.change_password")}</button>
            </form>
            <form method="post" action=paths::SIGN_OUT class="inline">
                <CsrfField/>
                <button type="submit" class="secondary">{tr(lang, "account.sign_out")}</button>
            </form>
        </Layout>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(p: &str) -> String {
        safe_return(Some(p.to_string()))
    }

    #[test]
    fn same_site_paths_come_back_unchanged() {
        for p in
            ["/kelola", "/kelola/kegiatan/3/ubah?wilayah=63.10&lang=en", "/kabkota/63.10#peta", "/cari?q=Tanah%20Bumbu", "/a/../kelola"]
        {
            assert_eq!(back(p), p);
        }
        assert_eq!(safe_return(None), DEFAULT_RETURN);
    }

    #[test]
    fn other_sites_and_control_characters_fall_back() {
        for p in [
            "",
            "kelola",
            "https://x.example",
            "//x.example",
            "/\\x.example",
            "/%5Cx.example",
            "/%5cx.example",
            "/%09/x.example",
            "/\t/x.example",
            "/%0A/x.example",
            "/kelola\nSet-Cookie: a=b",
            "/kelola%0d%0aSet-Cookie:%20a=b",
            "/%2F/x.example",
            "/%2f%2fx.example",
            "/.//x.example",
            "/./%2F/x.example",
            "/%2E%2E//x.example",
            "/%E2%80%AEx",
            "/ruang kosong",
            "/é",
            "/%",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(back(p), DEFAULT_RETURN, "{p:?}");
        }
    }
}
