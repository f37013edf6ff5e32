//! Signing in (`/masuk`) and the account page (`/akun`: change the password, sign out).

use super::{CsrfField, ErrorSummary, Notice, manage_crumbs, query_param, session, submitted};
use crate::components::{Crumb, Layout};
use crate::i18n::{tr, use_lang};
use leptos::prelude::*;

/// Where to go after signing in: a path on this site only (never `//host` or a full URL).
pub fn safe_return(path: Option<String>) -> String {
    path.filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')).unwrap_or_else(|| "/kelola".into())
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let sub = submitted();
    let username = sub.as_ref().and_then(|s| s.value("username")).unwrap_or_default();
    let back = safe_return(sub.as_ref().and_then(|s| s.value("kembali")).or_else(|| query_param("kembali")));
    let crumbs = vec![Crumb { label: tr(lang, "nav.home"), href: Some("/".into()) }, Crumb { label: tr(lang, "account.sign_in"), href: None }];
    let signed_in = session().map(|s| s.user.username);
    view! {
        <Layout title=tr(lang, "account.sign_in") crumbs=crumbs demo=false>
            {signed_in.map(|u| view! { <p class="notice">{tr(lang, "account.already_signed_in")}" "<strong>{u}</strong>". "<a href="/kelola">{tr(lang, "manage.title")}</a></p> })}
            <p class="lead">{tr(lang, "account.sign_in_lead")}</p>
            <ErrorSummary sub=sub.clone()/>
            <form class="entry narrow" method="post" action="/masuk">
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
            <form class="entry narrow" method="post" action="/akun/sandi">
                <CsrfField/>
                {field("current_password", "current-password")}
                {field("new_password", "new-password")}
                {field("confirm_password", "new-password")}
                <p class="hint">{crate::i18n::trf(lang, "account.password_rule", &[("n", crate::auth::MIN_PASSWORD_CHARS.to_string())])}</p>
                <button type="submit">{tr(lang, "account.change_password")}</button>
            </form>
            <form method="post" action="/keluar" class="inline">
                <CsrfField/>
                <button type="submit" class="secondary">{tr(lang, "account.sign_out")}</button>
            </form>
        </Layout>
    }
    .into_any()
}
