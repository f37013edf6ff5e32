//! `/kelola/pengguna` (administrators only): the accounts, and a form to add one.

use super::{CsrfField, ErrorSummary, Notice, manage_crumbs, session, submitted};
use crate::components::{ErrorPage, Layout};
use crate::error::AppError;
use crate::lang::use_lang;
use crate::paths;
use crate::state::AppState;
use kla::auth::{self, Role};
use kla::i18n::tr;
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = use_lang();
    match session() {
        Some(s) if s.user.role == Role::Admin => {}
        Some(_) => return view! { <ErrorPage error=AppError::Forbidden/> }.into_any(),
        None => return view! { <ErrorPage error=super::must_sign_in()/> }.into_any(),
    }
    let sub = submitted();
    let value = move |f: &str| sub.as_ref().and_then(|s| s.value(f)).unwrap_or_default();
    let err = {
        let sub = submitted();
        move |f: &str| sub.as_ref().and_then(|s| s.error_for(f))
    };
    let crumbs = manage_crumbs(lang, Some(tr(lang, "users.title")));
    let text_field = {
        let err = err.clone();
        let value = value.clone();
        move |name: &'static str, kind: &'static str| {
            let e = err(name);
            let invalid = e.is_some().then_some("true");
            let class = if e.is_some() { "field invalid" } else { "field" };
            let v = if kind == "password" { String::new() } else { value(name) };
            view! {
                <div class=class>
                    <label for=format!("f-{name}")>{tr(lang, &format!("users.{name}"))}</label>
                    {e.map(|m| view! { <p class="field-error" id=format!("e-{name}")>{m}</p> })}
                    <input id=format!("f-{name}") name=name type=kind value=v aria-invalid=invalid autocomplete="off"
                        aria-describedby=invalid.map(|_| format!("e-{name}"))/>
                </div>
            }
        }
    };
    let role_now = value("role");
    let role_err = err("role");
    let region_err = err("region_code");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let users = match auth::list_users(&state.pool).await {
                    Ok(u) => u,
                    Err(e) => return view! { <ErrorPage error=AppError::from(e)/> }.into_any(),
                };
                view! {
                    <Layout title=tr(lang, "users.title") crumbs=crumbs.clone() demo=false>
                        <Notice/>
                        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(lang, "users.title")>
                            <table>
                                <thead><tr>
                                    <th scope="col">{tr(lang, "users.username")}</th>
                                    <th scope="col">{tr(lang, "users.display_name")}</th>
                                    <th scope="col">{tr(lang, "users.role")}</th>
                                    <th scope="col">{tr(lang, "users.region_code")}</th>
                                </tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! {
                                        <tr>
                                            <th scope="row">{u.username}</th>
                                            <td>{u.display_name}</td>
                                            <td>{tr(lang, &format!("role.{}", u.role.as_str()))}</td>
                                            <td>{u.role.region().map_or_else(|| "–".into(), |r| format!("{r} {}", state.regions.name(r)))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <h2>{tr(lang, "users.add")}</h2>
                        <ErrorSummary sub=submitted()/>
                        <form class="entry narrow" method="post" action=paths::USERS>
                            <CsrfField/>
                            {text_field("username", "text")}
                            {text_field("display_name", "text")}
                            <div class={if role_err.is_some() { "field invalid" } else { "field" }}>
                                <label for="f-role">{tr(lang, "users.role")}</label>
                                {role_err.clone().map(|m| view! { <p class="field-error" id="e-role">{m}</p> })}
                                <select id="f-role" name="role">
                                    {["regency", "province", "admin"].into_iter().map(|r| {
                                        let selected = role_now == r;
                                        view! { <option value=r selected=selected>{tr(lang, &format!("role.{r}"))}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class={if region_err.is_some() { "field invalid" } else { "field" }}>
                                <label for="f-region_code">{tr(lang, "users.region_code")}</label>
                                <p class="hint">{tr(lang, "users.region_hint")}</p>
                                {region_err.clone().map(|m| view! { <p class="field-error" id="e-region_code">{m}</p> })}
                                <input id="f-region_code" name="region_code" type="text" class="short" value=value("region_code")/>
                            </div>
                            {text_field("password", "password")}
                            <button type="submit">{tr(lang, "users.add")}</button>
                        </form>
                    </Layout>
                }
                .into_any()
            })}
        </Suspense>
    }
    .into_any()
}
