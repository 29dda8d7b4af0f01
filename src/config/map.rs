//! `[map]`: the tile service, the initial view and the neighbourhood's boundary.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Settings};

/// The maps on the home page, the map page and group pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapSettings {
    /// Map tiles, a URL with `{z}`, `{x}` and `{y}`. Empty: places are shown as a list only.
    pub tile_url: String,
    /// Credit for the tiles, shown in the map's corner (HTML allowed).
    pub attribution: String,
    /// The deepest zoom level the tile service has.
    pub max_zoom: u8,
    /// Where a map without places opens: `[latitude, longitude]`.
    pub center: [f64; 2],
    /// The zoom level a map without places opens at.
    pub zoom: u8,
    /// A GeoJSON file with the neighbourhood's boundary (Polygon, MultiPolygon, Feature or
    /// FeatureCollection of them), drawn on every overview map. Empty for none.
    pub area_file: String,
    /// A geocoder with the answer shape of PDOK Locatieserver's `free` service (for instance
    /// `https://api.pdok.nl/bzk/locatieserver/search/v3_1/free`): residents then find their home
    /// neighbourhood by postcode or address (`?q=…&rows=1` is added). Empty: not offered.
    pub geocoder_url: String,
}

/// PDOK's BRT achtergrondkaart (Kadaster), the Dutch government's free base map.
pub const PDOK_TILES: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";

impl Default for MapSettings {
    fn default() -> Self {
        Self {
            tile_url: PDOK_TILES.into(),
            attribution: "Kaartgegevens &copy; <a href=\"https://www.kadaster.nl\">Kadaster</a>".into(),
            max_zoom: 19,
            center: [52.1326, 5.2913],
            zoom: 8,
            area_file: String::new(),
            geocoder_url: String::new(),
        }
    }
}

impl MapSettings {
    /// The tile server's origin (`https://service.pdok.nl`), for the page's content policy.
    pub fn tile_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.tile_url.replace(['{', '}'], "")).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

impl Settings {
    pub(super) fn validate_map(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        let map = &self.map;
        if !map.tile_url.is_empty()
            && (!["{z}", "{x}", "{y}"].iter().all(|p| map.tile_url.contains(p))
                || !(map.tile_url.starts_with("https://") || map.tile_url.starts_with("http://"))
                || map.tile_origin().is_none())
        {
            return invalid(format!(
                "map.tile_url {:?} must be an http(s) URL with {{z}}, {{x}} and {{y}} in it",
                map.tile_url
            ));
        }
        if map.max_zoom > 22 || map.zoom > map.max_zoom {
            return invalid("map.zoom must be at most map.max_zoom, which is at most 22".into());
        }
        if !(map.center[0].abs() <= 90.0 && map.center[1].abs() <= 180.0) {
            return invalid("map.center must be [latitude, longitude] within [-90..90, -180..180]".into());
        }
        let web_url = map.geocoder_url.starts_with("https://") || map.geocoder_url.starts_with("http://");
        if !map.geocoder_url.is_empty() && (!web_url || url::Url::parse(&map.geocoder_url).is_err()) {
            return invalid(format!("map.geocoder_url {:?} must be an http(s) URL", map.geocoder_url));
        }
        Ok(())
    }
}
