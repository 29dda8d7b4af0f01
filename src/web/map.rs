//! The map component: a list of places that `static/map.js` turns into a Leaflet map. The list
//! is the accessible alternative and what people without JavaScript get; it names every place the
//! map shows.

use serde::Serialize;

use crate::db::models::actor::Actor;
use crate::db::models::place::Place;
use crate::state::AppState;

/// One place on the list (and, with coordinates, on the map).
#[derive(Debug, Clone, Serialize)]
pub struct MapPlace {
    pub label: String,
    pub address: String,
    pub href: String,
    #[serde(skip)]
    pub on_map: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

impl MapPlace {
    pub fn of_group(group: &Actor, place: &Place) -> MapPlace {
        let (lat, lon) = place.coordinates().unzip();
        MapPlace {
            label: group.display_name.clone(),
            address: place.address_line(),
            href: format!("/g/{}", group.name_key),
            on_map: lat.is_some(),
            lat,
            lon,
        }
    }
}

/// The form fields a click on the map fills in.
#[derive(Debug, Clone, Serialize)]
pub struct Pick {
    pub lat: &'static str,
    pub lon: &'static str,
    /// Whether a click also sends the form (choosing a home neighbourhood by clicking).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub submit: bool,
}

/// What `templates/map.html` shows.
#[derive(Debug, Clone)]
pub struct MapView {
    /// The map's accessible name ("Kaart van de buurt").
    pub label: String,
    /// Says that the list holds the same places as the map.
    pub list_intro: String,
    pub places: Vec<MapPlace>,
    /// The JSON `static/map.js` reads, safe to put inside a `<script>` element.
    pub data: String,
    /// Whether there is a tile service to draw a map with.
    pub enabled: bool,
    pub leaflet_css: String,
    pub leaflet_js: String,
    pub map_js: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MapData<'a> {
    tiles: &'a str,
    attribution: &'a str,
    max_zoom: u8,
    center: [f64; 2],
    zoom: u8,
    area: Option<&'a serde_json::Value>,
    points: Vec<&'a MapPlace>,
    pick: Option<Pick>,
}

impl MapView {
    /// A map of `places`; with `area`, the neighbourhood's boundary too; with `pick`, clicks fill
    /// in a form's coordinate fields.
    pub fn new(
        state: &AppState,
        label: String,
        list_intro: String,
        places: Vec<MapPlace>,
        area: bool,
        pick: Option<Pick>,
    ) -> MapView {
        let area = if area { state.map_area.as_deref() } else { None };
        MapView::with_area(state, label, list_intro, places, area, pick)
    }

    /// A map of `places` with `area` (GeoJSON in WGS 84: a neighbourhood's boundary, or all of
    /// them) drawn on it.
    pub fn with_area(
        state: &AppState,
        label: String,
        list_intro: String,
        places: Vec<MapPlace>,
        area: Option<&serde_json::Value>,
        pick: Option<Pick>,
    ) -> MapView {
        let settings = &state.settings.map;
        let data = MapData {
            tiles: &settings.tile_url,
            attribution: &settings.attribution,
            max_zoom: settings.max_zoom,
            center: settings.center,
            zoom: settings.zoom,
            area,
            points: places.iter().filter(|p| p.on_map).collect(),
            pick,
        };
        let data = script_json(&data);
        MapView {
            label,
            list_intro,
            places,
            data,
            enabled: !settings.tile_url.is_empty(),
            leaflet_css: super::assets::url("leaflet.css"),
            leaflet_js: super::assets::url("leaflet.js"),
            map_js: super::assets::url("map.js"),
        }
    }
}

/// JSON that cannot end the `<script>` element it sits in, nor start a comment there.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Reads and checks the neighbourhood's boundary (`map.area_file`): GeoJSON made of polygons.
pub fn load_area(path: &str) -> anyhow::Result<Option<serde_json::Value>> {
    if path.is_empty() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("map.area_file {path}: {e}"))?;
    let geojson: geojson::GeoJson =
        text.parse().map_err(|e| anyhow::anyhow!("map.area_file {path} is not GeoJSON: {e}"))?;
    let geometries: Vec<&geojson::Geometry> = match &geojson {
        geojson::GeoJson::Geometry(g) => vec![g],
        geojson::GeoJson::Feature(f) => f.geometry.iter().collect(),
        geojson::GeoJson::FeatureCollection(fc) => fc.features.iter().filter_map(|f| f.geometry.as_ref()).collect(),
    };
    if geometries.is_empty() {
        anyhow::bail!("map.area_file {path} has no geometry");
    }
    for g in geometries {
        let rings: Vec<&Vec<Vec<f64>>> = match &g.value {
            geojson::Value::Polygon(p) => p.iter().collect(),
            geojson::Value::MultiPolygon(m) => m.iter().flatten().collect(),
            _ => anyhow::bail!("map.area_file {path}: only Polygon and MultiPolygon geometries are drawn"),
        };
        let bad =
            rings.iter().flat_map(|r| r.iter()).any(|p| p.len() < 2 || !(p[0].abs() <= 180.0 && p[1].abs() <= 90.0));
        if bad {
            anyhow::bail!("map.area_file {path}: positions must be [longitude, latitude] in degrees (WGS 84)");
        }
    }
    Ok(Some(serde_json::to_value(&geojson)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let out = script_json(&serde_json::json!({"label": "</script><script>alert(1)</script> & <!--"}));
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["label"], "</script><script>alert(1)</script> & <!--");
    }

    #[test]
    fn the_area_must_be_polygons_in_degrees() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, body).unwrap();
            path.to_string_lossy().into_owned()
        };
        let ok = write(
            "ok.geojson",
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[4.91,52.35],[4.93,52.35],[4.93,52.37],[4.91,52.35]]]}}"#,
        );
        assert!(load_area(&ok).unwrap().is_some());
        let point = write("point.geojson", r#"{"type":"Point","coordinates":[4.9,52.3]}"#);
        assert!(load_area(&point).unwrap_err().to_string().contains("Polygon"));
        let rd = write(
            "rd.geojson",
            r#"{"type":"Polygon","coordinates":[[[121000,487000],[122000,487000],[122000,488000],[121000,487000]]]}"#,
        );
        assert!(load_area(&rd).unwrap_err().to_string().contains("WGS 84"));
        let junk = write("junk.geojson", "not json");
        assert!(load_area(&junk).unwrap_err().to_string().contains("not GeoJSON"));
        assert!(load_area("").unwrap().is_none());
    }
}
