//! Finding where a postcode or address is, with the geocoder the instance configures
//! (`[map] geocoder_url`). The answer is read in the shape of PDOK Locatieserver's `free`
//! service: `{"response": {"docs": [{"centroide_ll": "POINT(4.89 52.37)", …}]}}`.

use std::sync::OnceLock;
use std::time::Duration;

use super::geo::Position;

/// Most bytes of a geocoder's answer we read (PDOK's answer for one row is about 2 KiB).
const MAX_ANSWER: usize = 256 * 1024;
/// Longest postcode or address we send.
pub const QUERY_MAX: usize = 200;

/// Why no position was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeocodeError {
    /// The geocoder knows no such place.
    NotFound,
    /// The geocoder could not be reached or answered something else.
    Unavailable,
}

/// The geocoder's client. The address is the admin's choice (it may be on the local network),
/// so, like the S3 client, it may reach addresses the federation client refuses.
fn client() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            crate::install_crypto();
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::limited(3))
                .timeout(Duration::from_secs(10))
                .connect_timeout(Duration::from_secs(5))
                .user_agent(concat!("Buurt/", env!("CARGO_PKG_VERSION")))
                .build()
                .ok()
        })
        .as_ref()
}

/// Where `query` (a postcode or an address) is, asking the geocoder at `url`.
pub async fn locate(url: &str, query: &str) -> Result<Position, GeocodeError> {
    let client = client().ok_or(GeocodeError::Unavailable)?;
    let mut target = url::Url::parse(url).map_err(|_| GeocodeError::Unavailable)?;
    target.query_pairs_mut().append_pair("q", query).append_pair("rows", "1");
    let response = client.get(target).send().await.map_err(|e| {
        tracing::warn!(error = %e, "geocoder unreachable");
        GeocodeError::Unavailable
    })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "geocoder refused");
        return Err(GeocodeError::Unavailable);
    }
    let body = crate::apub::read_capped(response, MAX_ANSWER).await.map_err(|_| GeocodeError::Unavailable)?;
    let answer: serde_json::Value = serde_json::from_slice(&body).map_err(|_| GeocodeError::Unavailable)?;
    let docs = answer.pointer("/response/docs").and_then(|d| d.as_array()).ok_or(GeocodeError::Unavailable)?;
    let first = docs.first().ok_or(GeocodeError::NotFound)?;
    let point = first.get("centroide_ll").and_then(|p| p.as_str()).ok_or(GeocodeError::NotFound)?;
    parse_point(point).ok_or(GeocodeError::Unavailable)
}

/// WKT `POINT(lon lat)` as a position.
pub fn parse_point(wkt: &str) -> Option<Position> {
    let inner = wkt.trim().strip_prefix("POINT")?.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut numbers = inner.split_whitespace().map(|n| n.parse::<f64>().ok().filter(|v| v.is_finite()));
    let (lon, lat) = (numbers.next()??, numbers.next()??);
    (numbers.next().is_none() && lon.abs() <= 180.0 && lat.abs() <= 90.0).then_some([lon, lat])
}

#[cfg(test)]
mod tests {
    #[test]
    fn points_are_read_from_wkt() {
        assert_eq!(super::parse_point("POINT(4.89 52.37)"), Some([4.89, 52.37]));
        assert_eq!(super::parse_point(" POINT (5.1 52.0) "), Some([5.1, 52.0]));
        assert_eq!(super::parse_point("POINT(4.89)"), None);
        assert_eq!(super::parse_point("POINT(400 52)"), None);
        assert_eq!(super::parse_point("LINESTRING(1 2, 3 4)"), None);
    }
}
