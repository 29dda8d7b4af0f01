//! Places on the map: where a group meets (and later a social-map entry's address or an event's
//! venue). A place has an address, coordinates, or both.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::models::actor::{Actor, ActorKind};
use crate::db::schema::{actor, place};
use crate::db::{DbConn, DbResult};
use crate::dispatch;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = place)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl Place {
    /// `(latitude, longitude)` when the place is on the map.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }

    /// The address on one line: "Buurthuis De Meeuw, Oosterparkstraat 1, 1091 AA Amsterdam".
    pub fn address_line(&self) -> String {
        let town = [self.postal_code.as_str(), self.locality.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        [self.name.as_str(), self.street_address.as_str(), town.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The values of a place, as entered or as another server sent them.
#[derive(Debug, Clone, Default, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = place)]
pub struct PlaceForm {
    pub name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    /// Both or neither are set; `None` clears them on update.
    #[diesel(treat_none_as_null = true)]
    pub latitude: Option<f64>,
    #[diesel(treat_none_as_null = true)]
    pub longitude: Option<f64>,
}

impl PlaceForm {
    pub fn is_empty(&self) -> bool {
        self.name.is_empty()
            && self.street_address.is_empty()
            && self.postal_code.is_empty()
            && self.locality.is_empty()
            && self.latitude.is_none()
    }
}

impl Place {
    pub async fn by_id(conn: &mut DbConn, id: i64) -> DbResult<Option<Place>> {
        dispatch!(conn, c => place::table.find(id).select(Place::as_select()).first(c).await.optional())
            .map_err(Into::into)
    }

    /// The place of `owner`, if it has one (no query when it has none).
    pub async fn of_actor(conn: &mut DbConn, owner: &Actor) -> DbResult<Option<Place>> {
        match owner.place_id {
            Some(id) => Place::by_id(conn, id).await,
            None => Ok(None),
        }
    }

    /// Stores `form` as the place of `owner`: updates the actor's place, makes one, or removes it
    /// when the form is empty.
    pub async fn set_for_actor(conn: &mut DbConn, owner: &Actor, form: &PlaceForm) -> DbResult<Option<Place>> {
        let now = chrono::Utc::now().naive_utc();
        match (owner.place_id, form.is_empty()) {
            (Some(id), true) => {
                dispatch!(conn, c => diesel::update(actor::table.find(owner.id)).set(actor::place_id.eq(None::<i64>)).execute(c).await)?;
                dispatch!(conn, c => diesel::delete(place::table.find(id)).execute(c).await)?;
                Ok(None)
            }
            (None, true) => Ok(None),
            (Some(id), false) => {
                let place = dispatch!(conn, c => diesel::update(place::table.find(id))
                    .set((form, place::updated_at.eq(now)))
                    .returning(Place::as_returning())
                    .get_result(c)
                    .await)?;
                Ok(Some(place))
            }
            (None, false) => {
                let place = dispatch!(conn, c => diesel::insert_into(place::table)
                    .values((form, place::created_at.eq(now), place::updated_at.eq(now)))
                    .returning(Place::as_returning())
                    .get_result(c)
                    .await)?;
                dispatch!(conn, c => diesel::update(actor::table.find(owner.id)).set(actor::place_id.eq(Some(place.id))).execute(c).await)?;
                Ok(Some(place))
            }
        }
    }

    /// A place of its own: an event's address.
    pub async fn insert(conn: &mut DbConn, form: &PlaceForm) -> DbResult<Place> {
        let now = chrono::Utc::now().naive_utc();
        dispatch!(conn, c => diesel::insert_into(place::table)
            .values((form, place::created_at.eq(now), place::updated_at.eq(now)))
            .returning(Place::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn update(conn: &mut DbConn, id: i64, form: &PlaceForm) -> DbResult<Place> {
        let now = chrono::Utc::now().naive_utc();
        dispatch!(conn, c => diesel::update(place::table.find(id))
            .set((form, place::updated_at.eq(now)))
            .returning(Place::as_returning())
            .get_result(c)
            .await)
        .map_err(Into::into)
    }

    pub async fn delete(conn: &mut DbConn, id: i64) -> DbResult<()> {
        dispatch!(conn, c => diesel::delete(place::table.find(id)).execute(c).await)?;
        Ok(())
    }

    pub async fn by_ids(conn: &mut DbConn, ids: &[i64]) -> DbResult<Vec<Place>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        dispatch!(conn, c => place::table.filter(place::id.eq_any(ids)).select(Place::as_select()).load(c).await)
            .map_err(Into::into)
    }

    /// Local groups that have a place, with it, by name; at most `limit`.
    pub async fn local_groups(conn: &mut DbConn, limit: i64) -> DbResult<Vec<(Actor, Place)>> {
        dispatch!(conn, c => actor::table
            .inner_join(place::table)
            .filter(actor::local.eq(true))
            .filter(actor::deleted.eq(false))
            .filter(actor::kind.eq_any(ActorKind::Group.stored_as()))
            .order(actor::name_key.asc())
            .limit(limit)
            .select((Actor::as_select(), Place::as_select()))
            .load(c)
            .await)
        .map_err(Into::into)
    }
}
