//! Creating, changing and deleting a record from its form (`/kelola/{entity}/baru`, `…/{id}/ubah`,
//! `…/{id}/hapus`), within the user's region.

use super::see_other;
use crate::error::{HandlerError, without_secrets};
use crate::extract::{CsrfForm, ReqLang, SignedIn};
use app::AppState;
use app::pages::manage::Submitted;
use app::paths;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use kla::audit::{Actor, Via};
use kla::auth::Session;
use kla::db::writes::WriteError;
use kla::domain::RegionCode;
use kla::i18n::{Lang, trf};
use kla::records::{self, Entity, OutOfScope};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::RECORD_NEW, post(create_record))
        .route(paths::RECORD_EDIT, post(update_record))
        .route(paths::RECORD_DELETE, post(delete_record))
}

/// The records page of the region, with a notice, at the entity's table.
fn back_to(entity: Entity, region: RegionCode, notice: &str) -> String {
    format!("{}?wilayah={region}&pesan={notice}#{}", paths::MANAGE, entity.slug())
}

/// The entity a path names; an unknown one is the page's own answer (404).
fn entity_of(slug: &str) -> Result<Entity, HandlerError> {
    Entity::from_slug(slug).ok_or(HandlerError::page(None))
}

async fn create_record(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    let entity = entity_of(&slug)?;
    let form = form?;
    save_record(state, s?.0, lang, form, entity, None).await
}

async fn update_record(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    ReqLang(lang): ReqLang,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    let entity = entity_of(&slug)?;
    let form = form?;
    save_record(state, s?.0, lang, form, entity, Some(id)).await
}

/// Creates (`id` None) or updates a record from its form.
async fn save_record(
    state: AppState,
    s: Session,
    lang: Lang,
    form: CsrfForm,
    entity: Entity,
    id: Option<i64>,
) -> Result<Response, HandlerError> {
    let values = records::values_of(entity, &form.fields);
    let sub = Submitted::new(without_secrets(form.fields.clone()));
    let valid =
        records::validate(entity, &values, &state.bands).map_err(|errs| HandlerError::form(sub.clone().field_errors(&errs, lang), None))?;
    if let Err(OutOfScope::New(region) | OutOfScope::Old(region)) = records::check_scope(s.user.role, None, Some(valid.region())) {
        let msg = trf(lang, "error.outside_scope", &[("detail", region.to_string())]);
        return Err(HandlerError::form(sub.error(entity.region_column(), msg), Some(StatusCode::FORBIDDEN)));
    }
    let actor = Actor::user(&s.user);
    let result: Result<Option<i64>, WriteError> = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        let id = match id {
            None => Some(records::create(&mut tx, &state.regions, &actor, Via::Form, &valid, &values).await?),
            Some(id) => match records::load(&mut tx, entity, id).await? {
                // Someone else's record, or gone: the page says which (403 or 404).
                Some(old) if records::check_scope(s.user.role, Some(old.region), Some(valid.region())).is_ok() => {
                    records::update(&mut tx, &state.regions, &actor, &old, &valid).await?;
                    Some(id)
                }
                _ => None,
            },
        };
        kla::summaries::commit(tx).await?;
        Ok(id)
    }
    .await;
    match result {
        Ok(Some(_)) => Ok(see_other(&back_to(entity, valid.region(), "disimpan"))),
        Ok(None) => Err(HandlerError::page(None)),
        Err(WriteError::Invalid(errs)) => Err(HandlerError::form(sub.field_errors(&errs, lang), None)),
        Err(WriteError::Db(e)) => Err(HandlerError::from(e).with_input(&form.fields)),
    }
}

async fn delete_record(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, i64)>,
    s: Result<SignedIn, HandlerError>,
    form: Result<CsrfForm, HandlerError>,
) -> Result<Response, HandlerError> {
    let entity = entity_of(&slug)?;
    let form = form?;
    let SignedIn(s) = s?;
    let result: Result<Option<RegionCode>, sqlx::Error> = async {
        let mut tx = kla::db::begin(&state.pool).await?;
        let region = match records::load(&mut tx, entity, id).await? {
            Some(old) if records::check_scope(s.user.role, Some(old.region), None).is_ok() => {
                records::delete(&mut tx, &Actor::user(&s.user), entity, &old).await?;
                Some(old.region)
            }
            _ => None,
        };
        kla::summaries::commit(tx).await?;
        Ok(region)
    }
    .await;
    match result.map_err(|e| HandlerError::from(e).with_input(&form.fields))? {
        Some(region) => Ok(see_other(&back_to(entity, region, "dihapus"))),
        None => Err(HandlerError::page(None)),
    }
}
