//! Places on the map: validating what people enter, storing a group's meeting place, and the data
//! a map shows (the neighbourhood's area and the places in it).

use crate::db::models::actor::Actor;
use crate::db::models::place::{Place, PlaceForm};
use crate::domain::validate::{self, FieldErrors};
use crate::domain::{DomainError, DomainResult};
use crate::state::AppState;

pub const PLACE_TEXT_MAX: usize = 200;
pub const POSTAL_CODE_MAX: usize = 20;

/// A place as typed into a form: coordinates are text, so "52,3596" (Dutch decimal comma) works.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlaceInput {
    pub place_name: String,
    pub street_address: String,
    pub postal_code: String,
    pub locality: String,
    pub latitude: String,
    pub longitude: String,
}

impl PlaceInput {
    pub fn from_place(place: Option<&Place>) -> PlaceInput {
        let Some(p) = place else { return PlaceInput::default() };
        PlaceInput {
            place_name: p.name.clone(),
            street_address: p.street_address.clone(),
            postal_code: p.postal_code.clone(),
            locality: p.locality.clone(),
            latitude: p.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: p.longitude.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    /// Checks every field; errors name the form fields.
    pub fn validate(&self, errors: &mut FieldErrors) -> PlaceForm {
        let text = |field: &'static str, value: &str, max: usize, errors: &mut FieldErrors| {
            let value = value.trim();
            validate::max_len(field, value, max, errors);
            if value.chars().any(char::is_control) {
                errors.add(field, "error-control-chars");
            }
            value.to_string()
        };
        let name = text("place_name", &self.place_name, PLACE_TEXT_MAX, errors);
        let street_address = text("street_address", &self.street_address, PLACE_TEXT_MAX, errors);
        let postal_code = text("postal_code", &self.postal_code, POSTAL_CODE_MAX, errors);
        let locality = text("locality", &self.locality, PLACE_TEXT_MAX, errors);
        let latitude = coordinate("latitude", &self.latitude, 90.0, errors);
        let longitude = coordinate("longitude", &self.longitude, 180.0, errors);
        let (latitude, longitude) = match (latitude, longitude) {
            (Some(Some(lat)), Some(Some(lon))) => (Some(lat), Some(lon)),
            (Some(None), Some(None)) => (None, None),
            (Some(None), Some(Some(_))) => {
                errors.add("latitude", "error-coordinates-pair");
                (None, None)
            }
            (Some(Some(_)), Some(None)) => {
                errors.add("longitude", "error-coordinates-pair");
                (None, None)
            }
            _ => (None, None),
        };
        PlaceForm { name, street_address, postal_code, locality, latitude, longitude }
    }
}

/// `Some(None)` for an empty field, `Some(Some(v))` for a number within ±`max`, `None` (and an
/// error) otherwise.
fn coordinate(field: &'static str, value: &str, max: f64, errors: &mut FieldErrors) -> Option<Option<f64>> {
    let value = value.trim();
    if value.is_empty() {
        return Some(None);
    }
    match value.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= max => Some(Some(v)),
        _ => {
            errors.add(field, if max > 90.0 { "error-longitude" } else { "error-latitude" });
            None
        }
    }
}

/// Sets (or, when every field is empty, removes) a local group's meeting place.
pub async fn set_group_place(state: &AppState, group: &Actor, input: &PlaceInput) -> DomainResult<Option<Place>> {
    if !group.local || !group.kind().is_group() {
        return Err(DomainError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let form = input.validate(&mut errors);
    errors.into_result()?;
    super::actors::prepare_keys(&state.pool, group).await?;
    let mut tx = state.pool.begin().await?;
    let group = Actor::by_id(&mut tx, group.id).await?.ok_or(DomainError::NotFound)?;
    let place = Place::set_for_actor(&mut tx, &group, &form).await?;
    let group = Actor { place_id: place.as_ref().map(|p| p.id), ..group };
    super::profile::announce_profile_update(state, &mut tx, &group).await?;
    tx.commit().await?;
    state.delivery_wake.notify_waiters();
    Ok(place)
}

/// The local groups' meeting places, for the neighbourhood map.
pub async fn group_places(state: &AppState, limit: i64) -> DomainResult<Vec<(Actor, Place)>> {
    let mut conn = state.pool.get().await?;
    Ok(Place::local_groups(&mut conn, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(lat: &str, lon: &str) -> PlaceInput {
        PlaceInput { latitude: lat.into(), longitude: lon.into(), ..PlaceInput::default() }
    }

    #[test]
    fn coordinates_accept_a_decimal_comma_and_need_each_other() {
        let mut errors = FieldErrors::default();
        let form = input("52,3596", " 4.917 ").validate(&mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((form.latitude, form.longitude), (Some(52.3596), Some(4.917)));

        let mut errors = FieldErrors::default();
        input("52.3", "").validate(&mut errors);
        assert_eq!(errors.get("longitude"), Some("error-coordinates-pair"));

        let mut errors = FieldErrors::default();
        input("95", "4").validate(&mut errors);
        assert_eq!(errors.get("latitude"), Some("error-latitude"));

        let mut errors = FieldErrors::default();
        input("52", "NaN").validate(&mut errors);
        assert_eq!(errors.get("longitude"), Some("error-longitude"));
    }

    #[test]
    fn an_empty_form_is_no_place() {
        let mut errors = FieldErrors::default();
        let form = PlaceInput::default().validate(&mut errors);
        assert!(errors.is_empty());
        assert!(form.is_empty());
    }
}
