//! Neighbourhood geometry without a database extension: reading polygons from GeoJSON (checked
//! ring by ring), reprojecting the Dutch RD New grid to WGS 84, point-in-polygon, centroids.
//!
//! RD New (EPSG:28992) is reprojected with the `proj4rs` crate (a Rust port of PROJ.4) using
//! EPSG's published definition of the grid: the oblique stereographic projection on the Bessel
//! ellipsoid and the seven-parameter datum shift from Amersfoort to WGS 84 (the `towgs84`
//! values PROJ gives for EPSG:28992). That shift is accurate to about a metre — plenty for a
//! neighbourhood's boundary; RDNAPTRANS™'s correction grid (centimetres) is not needed here.

use proj4rs::proj::Proj;

/// `[longitude, latitude]`, WGS 84 degrees.
pub type Position = [f64; 2];
/// A closed ring: first and last positions are the same.
pub type Ring = Vec<Position>;
/// An outer ring and its holes.
pub type Polygon = Vec<Ring>;

/// The coordinate reference system of a file's positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Wgs84,
    RdNew,
}

impl Crs {
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS 84 (EPSG:4326)",
            Crs::RdNew => "RD New (EPSG:28992)",
        }
    }

    /// The CRS a GeoJSON `crs` member names (`urn:ogc:def:crs:EPSG::28992`, `EPSG:4326`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`), `None` when there is none, an error for another one.
    pub fn named(crs: Option<&serde_json::Value>) -> Result<Option<Crs>, String> {
        let Some(crs) = crs.filter(|c| !c.is_null()) else { return Ok(None) };
        let name = crs.pointer("/properties/name").and_then(|v| v.as_str()).unwrap_or_default();
        let upper = name.to_ascii_uppercase();
        if upper.ends_with(":28992") || upper.ends_with("::28992") {
            Ok(Some(Crs::RdNew))
        } else if upper.ends_with(":4326") || upper.ends_with("CRS84") || upper.ends_with(":4258") {
            Ok(Some(Crs::Wgs84))
        } else {
            Err(format!(
                "the file's coordinate system {name:?} is not supported: use RD New (EPSG:28992) or WGS 84 (EPSG:4326)"
            ))
        }
    }

    /// Guesses from the positions when the file does not say: degrees fit in ±180/±90, RD New
    /// coordinates of the Netherlands are metres between about (0, 300000) and (300000, 625000).
    pub fn guess(positions: &mut dyn Iterator<Item = Position>) -> Option<Crs> {
        let (mut degrees, mut rd, mut any) = (true, true, false);
        for [x, y] in positions {
            any = true;
            degrees &= x.abs() <= 180.0 && y.abs() <= 90.0;
            rd &= (-10_000.0..=320_000.0).contains(&x) && (280_000.0..=640_000.0).contains(&y);
        }
        match (any, degrees, rd) {
            (false, _, _) => None,
            (true, true, _) => Some(Crs::Wgs84),
            (true, false, true) => Some(Crs::RdNew),
            _ => None,
        }
    }
}

/// EPSG:28992 as PROJ.4 writes it.
const RD_NEW: &str = concat!(
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079",
    " +x_0=155000 +y_0=463000 +ellps=bessel",
    " +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs",
);
const WGS84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";

/// Turns RD New metres into WGS 84 degrees.
pub struct RdToWgs84 {
    from: Proj,
    to: Proj,
}

impl RdToWgs84 {
    pub fn new() -> Result<RdToWgs84, String> {
        let from = Proj::from_proj_string(RD_NEW).map_err(|e| format!("RD New: {e}"))?;
        let to = Proj::from_proj_string(WGS84).map_err(|e| format!("WGS 84: {e}"))?;
        Ok(RdToWgs84 { from, to })
    }

    /// `[x, y]` in metres to `[longitude, latitude]`, rounded to 7 decimals (about a centimetre).
    pub fn position(&self, [x, y]: Position) -> Result<Position, String> {
        let mut p = (x, y, 0.0);
        proj4rs::transform::transform(&self.from, &self.to, &mut p).map_err(|e| format!("({x}, {y}): {e}"))?;
        let round = |v: f64| (v.to_degrees() * 1e7).round() / 1e7;
        Ok([round(p.0), round(p.1)])
    }
}

/// Reads a GeoJSON geometry as polygons (a Polygon or MultiPolygon), checking every ring: at
/// least four positions, closed, numbers that are finite. `Ok(None)` for another kind of
/// geometry (or none); an error says what is broken.
pub fn polygons(geometry: &serde_json::Value) -> Result<Option<Vec<Polygon>>, String> {
    if geometry.is_null() {
        return Ok(None);
    }
    let coordinates = geometry.get("coordinates").unwrap_or(&serde_json::Value::Null);
    match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => Ok(Some(vec![polygon(coordinates, "")?])),
        Some("MultiPolygon") => {
            let list = coordinates.as_array().ok_or("the MultiPolygon's coordinates are not a list")?;
            if list.is_empty() {
                return Err("the MultiPolygon has no polygons".into());
            }
            let polygons = list
                .iter()
                .enumerate()
                .map(|(i, p)| polygon(p, &format!("polygon {} ", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(polygons))
        }
        Some(_) => Ok(None),
        None => Err("the geometry has no type".into()),
    }
}

fn polygon(value: &serde_json::Value, which: &str) -> Result<Polygon, String> {
    let rings = value.as_array().ok_or_else(|| format!("{which}coordinates are not a list of rings"))?;
    if rings.is_empty() {
        return Err(format!("{which}has no rings"));
    }
    rings.iter().enumerate().map(|(i, r)| ring(r, &format!("{which}ring {}", i + 1))).collect()
}

fn ring(value: &serde_json::Value, which: &str) -> Result<Ring, String> {
    let positions = value.as_array().ok_or_else(|| format!("{which} is not a list of positions"))?;
    let ring = positions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = p
                .as_array()
                .filter(|a| a.len() >= 2)
                .ok_or_else(|| format!("{which}, position {}: not [x, y]", i + 1))?;
            match (n[0].as_f64(), n[1].as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok([x, y]),
                _ => Err(format!("{which}, position {}: not a finite number", i + 1)),
            }
        })
        .collect::<Result<Ring, String>>()?;
    if ring.len() < 4 {
        return Err(format!("{which} has {} positions; a ring needs at least 4", ring.len()));
    }
    if ring.first() != ring.last() {
        return Err(format!("{which} is not closed (its last position differs from its first)"));
    }
    Ok(ring)
}

/// The polygons reprojected to WGS 84 (when they are in RD New), checked to be in degrees.
pub fn to_wgs84(polygons: Vec<Polygon>, crs: Crs, rd: &RdToWgs84) -> Result<Vec<Polygon>, String> {
    let out: Vec<Polygon> = match crs {
        Crs::Wgs84 => polygons,
        Crs::RdNew => polygons
            .into_iter()
            .map(|p| p.into_iter().map(|r| r.into_iter().map(|q| rd.position(q)).collect()).collect())
            .collect::<Result<_, String>>()?,
    };
    let outside = out.iter().flatten().flatten().any(|[x, y]| !(x.abs() <= 180.0 && y.abs() <= 90.0));
    if outside {
        return Err("a position is not a longitude and latitude in degrees".into());
    }
    Ok(out)
}

/// The polygons as a GeoJSON geometry (a Polygon when there is one).
pub fn geometry_json(polygons: &[Polygon]) -> serde_json::Value {
    match polygons {
        [one] => serde_json::json!({"type": "Polygon", "coordinates": one}),
        many => serde_json::json!({"type": "MultiPolygon", "coordinates": many}),
    }
}

/// Reads a stored boundary (a Polygon or MultiPolygon in WGS 84); `None` when it is not one.
pub fn parse_boundary(text: &str) -> Option<Vec<Polygon>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    polygons(&value).ok().flatten()
}

/// Whether the point lies inside the polygons (inside an outer ring and in none of its holes).
pub fn contains(polygons: &[Polygon], point: Position) -> bool {
    polygons.iter().any(|p| {
        let mut rings = p.iter();
        rings.next().is_some_and(|outer| in_ring(outer, point)) && !rings.any(|hole| in_ring(hole, point))
    })
}

/// Ray casting: a horizontal ray from the point crosses the ring's edges an odd number of
/// times when the point is inside.
fn in_ring(ring: &[Position], [px, py]: Position) -> bool {
    let mut inside = false;
    for edge in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (edge[0], edge[1]);
        if (y1 > py) != (y2 > py) && px < x1 + (py - y1) * (x2 - x1) / (y2 - y1) {
            inside = !inside;
        }
    }
    inside
}

/// The area-weighted centroid of the outer rings (the middle of the bounding box when they
/// have no area).
pub fn centroid(polygons: &[Polygon]) -> Option<Position> {
    let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for outer in polygons.iter().filter_map(|p| p.first()) {
        for edge in outer.windows(2) {
            let ([x1, y1], [x2, y2]) = (edge[0], edge[1]);
            let cross = x1 * y2 - x2 * y1;
            area += cross;
            cx += (x1 + x2) * cross;
            cy += (y1 + y2) * cross;
        }
    }
    if area.abs() > 1e-15 {
        return Some([cx / (3.0 * area), cy / (3.0 * area)]);
    }
    let mut all = polygons.iter().flatten().flatten();
    let first = *all.next()?;
    let (min, max) = all
        .fold((first, first), |(lo, hi), p| ([lo[0].min(p[0]), lo[1].min(p[1])], [hi[0].max(p[0]), hi[1].max(p[1])]));
    Some([(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0])
}

/// A name as a handle: ASCII letters and digits in lower case, words joined by dashes
/// ("Oud-Zuid / Hoogkamp" → `oud-zuid-hoogkamp`, "Sint Jozefwijk" → `sint-jozefwijk`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let ascii = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ĳ' => "ij",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'œ' => "oe",
            'ß' => "ss",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            // An apostrophe joins ("'s-Gravenhage" → `s-gravenhage`, "Sint-Anna's" → `sint-annas`).
            '\'' | '’' => continue,
            _ => "-",
        };
        if ascii == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(ascii);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `slug` cut to at most `max` characters, at a dash where there is one, without a dash at the end.
pub fn shorten(slug: &str, max: usize) -> String {
    if slug.len() <= max {
        return slug.to_string();
    }
    let cut = &slug[..max];
    let cut = match cut.rfind('-') {
        Some(i) if i >= max / 2 => &cut[..i],
        _ => cut,
    };
    cut.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_lowercase_with_dashes() {
        assert_eq!(slug("Oud-Zuid / Hoogkamp"), "oud-zuid-hoogkamp");
        assert_eq!(slug("  Sint Jozefwijk "), "sint-jozefwijk");
        assert_eq!(slug("'s-Gravenhage Centrum"), "s-gravenhage-centrum");
        assert_eq!(slug("Café Één"), "cafe-een");
        assert_eq!(slug("Verspreide huizen ten noorden van de A12"), "verspreide-huizen-ten-noorden-van-de-a12");
        assert_eq!(shorten("verspreide-huizen-ten-noorden-van-de-a12", 30), "verspreide-huizen-ten-noorden");
        assert_eq!(shorten("abcdefghij", 4), "abcd");
        assert_eq!(slug("???"), "");
    }

    #[test]
    fn rd_new_reprojects_to_wgs84() {
        let rd = RdToWgs84::new().unwrap();
        // The origin of the grid, the Onze Lieve Vrouwetoren in Amersfoort: (155000, 463000)
        // is 52.1551744 N, 5.3872036 E in WGS 84 (about a metre off the Amersfoort datum's values).
        let [lon, lat] = rd.position([155_000.0, 463_000.0]).unwrap();
        assert!((lat - 52.15517).abs() < 0.0001 && (lon - 5.38720).abs() < 0.0001, "{lat} {lon}");
        // Dam square, Amsterdam: RD (121400, 487400) ≈ 52.3731 N, 4.8932 E.
        let [lon, lat] = rd.position([121_400.0, 487_400.0]).unwrap();
        assert!((lat - 52.3731).abs() < 0.003 && (lon - 4.8932).abs() < 0.003, "{lat} {lon}");
    }

    #[test]
    fn rings_must_be_closed_long_enough_and_finite() {
        let square = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]});
        let polygons = polygons(&square).unwrap().unwrap();
        assert!(contains(&polygons, [0.5, 0.5]));
        assert!(!contains(&polygons, [1.5, 0.5]));
        assert_eq!(centroid(&polygons), Some([0.5, 0.5]));
        let open = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]});
        assert!(super::polygons(&open).unwrap_err().contains("not closed"));
        let short = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]});
        assert!(super::polygons(&short).unwrap_err().contains("at least 4"));
        let text = serde_json::json!({"type": "Polygon", "coordinates": [[[0, 0], ["NaN", 0], [1, 1], [0, 0]]]});
        assert!(super::polygons(&text).unwrap_err().contains("finite"));
        let point = serde_json::json!({"type": "Point", "coordinates": [0, 0]});
        assert!(super::polygons(&point).unwrap().is_none());
    }

    #[test]
    fn holes_are_outside() {
        let with_hole = vec![vec![
            vec![[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
            vec![[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]],
        ]];
        assert!(contains(&with_hole, [0.5, 0.5]));
        assert!(!contains(&with_hole, [2.0, 2.0]));
    }
}
