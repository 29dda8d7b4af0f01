//! `buurt admin import-neighbourhoods`: a municipality's neighbourhoods from a GeoJSON file
//! (the CBS wijk- en buurtkaart exported as GeoJSON, or any FeatureCollection of polygons with
//! a name and a code), in RD New or WGS 84. Everything is checked before anything is written;
//! then every neighbourhood is stored in one transaction, or none is.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::geo::{self, Crs, RdToWgs84};
use crate::config::Settings;
use crate::db::models::actor::{Actor, ActorKind, ActorUpdate};
use crate::db::models::group_profile::{ContentVisibility, GroupKind, GroupProfile, GroupStatus, Openness, Posting};
use crate::db::models::local_name;
use crate::db::{DbConn, DbPool, now};
use crate::domain::validate::USERNAME_MAX;
use crate::domain::{DomainError, DomainResult};

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The property holding a neighbourhood's name (CBS: `buurtnaam`).
    pub name_property: String,
    /// The property holding its code (CBS: `buurtcode`, "BU07530000").
    pub code_property: String,
    /// Only features whose `gemeentecode` is this ("GM0753").
    pub municipality: Option<String>,
    /// Report only; write nothing.
    pub dry_run: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            name_property: "buurtnaam".into(),
            code_property: "buurtcode".into(),
            municipality: None,
            dry_run: false,
        }
    }
}

/// What happens (or, in a dry run, would happen) to one feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new neighbourhood with this handle.
    New(String),
    /// The neighbourhood with the same code gets the new name and boundary.
    Updated(String),
    /// Left out, and why.
    Skipped(String),
}

/// One feature of the file in the report.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its position in the file, from 1.
    pub feature: usize,
    pub code: String,
    pub name: String,
    pub outcome: Outcome,
}

/// What an import did (or would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub crs: Option<Crs>,
    pub entries: Vec<Entry>,
    /// Features of other municipalities, left out by `--municipality`.
    pub other_municipality: usize,
    pub dry_run: bool,
}

impl Report {
    pub fn new_count(&self) -> usize {
        self.entries.iter().filter(|e| matches!(e.outcome, Outcome::New(_))).count()
    }
    pub fn updated_count(&self) -> usize {
        self.entries.iter().filter(|e| matches!(e.outcome, Outcome::Updated(_))).count()
    }
    pub fn skipped_count(&self) -> usize {
        self.entries.iter().filter(|e| matches!(e.outcome, Outcome::Skipped(_))).count() + self.other_municipality
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(crs) = self.crs {
            writeln!(f, "coordinates: {}", crs.name())?;
        }
        for e in &self.entries {
            let what = match &e.outcome {
                Outcome::New(handle) => format!("new      @{handle}"),
                Outcome::Updated(handle) => format!("update   @{handle}"),
                Outcome::Skipped(why) => format!("skip     ({why})"),
            };
            writeln!(f, "feature {:>5}  {what}  {} {}", e.feature, e.code, e.name)?;
        }
        if self.other_municipality > 0 {
            writeln!(f, "{} feature(s) of other municipalities skipped", self.other_municipality)?;
        }
        let verb = if self.dry_run { "would be" } else { "were" };
        write!(
            f,
            "{} new, {} updated, {} skipped; {}",
            self.new_count(),
            self.updated_count(),
            self.skipped_count(),
            if self.dry_run { "dry run: nothing was stored".to_string() } else { format!("changes {verb} stored") },
        )
    }
}

/// Why an import stopped: the file cannot be used. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<crate::db::DbError> for ImportError {
    fn from(e: crate::db::DbError) -> Self {
        ImportError::Domain(e.into())
    }
}

/// A feature that will be stored.
struct Planned {
    code: String,
    name: String,
    boundary: String,
    /// The neighbourhood it updates.
    existing: Option<GroupProfile>,
    handle: String,
}

/// Reads `text` (a GeoJSON FeatureCollection), reports on each feature and, unless it is a dry
/// run, stores the neighbourhoods in one transaction.
pub async fn import(
    pool: &DbPool,
    settings: &Settings,
    text: &str,
    options: &ImportOptions,
) -> Result<Report, ImportError> {
    let file: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ImportError::File(format!("the file is not readable JSON: {e}")))?;
    let features: Vec<&serde_json::Value> = match file.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => file
            .get("features")
            .and_then(|f| f.as_array())
            .ok_or_else(|| ImportError::File("the FeatureCollection has no list of features".into()))?
            .iter()
            .collect(),
        Some("Feature") => vec![&file],
        _ => return Err(ImportError::File("the file is not a GeoJSON FeatureCollection or Feature".into())),
    };
    let named = Crs::named(file.get("crs")).map_err(ImportError::File)?;
    let rd = RdToWgs84::new().map_err(ImportError::File)?;
    let mut report = Report { dry_run: options.dry_run, ..Default::default() };

    // Read and check every feature's geometry first: a broken one stops the import.
    let mut read = Vec::new();
    let mut polygon_features = 0;
    for (i, feature) in features.iter().enumerate() {
        let index = i + 1;
        let props = feature.get("properties").cloned().unwrap_or(serde_json::Value::Null);
        let prop = |key: &str| match props.get(key) {
            Some(serde_json::Value::String(s)) => s.trim().to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let (code, name) = (prop(&options.code_property), prop(&options.name_property));
        let geometry = feature.get("geometry").unwrap_or(&serde_json::Value::Null);
        let polygons = geo::polygons(geometry)
            .map_err(|e| ImportError::File(format!("feature {index} ({code} {name}): {e}; nothing was stored")))?;
        if polygons.is_some() {
            polygon_features += 1;
        }
        if let Some(wanted) = &options.municipality
            && !prop("gemeentecode").eq_ignore_ascii_case(wanted)
        {
            report.other_municipality += 1;
            continue;
        }
        read.push((index, code, name, prop("water"), polygons));
    }
    if polygon_features == 0 {
        return Err(ImportError::File("the file has no Polygon or MultiPolygon features; nothing was stored".into()));
    }
    let crs = match named {
        Some(crs) => crs,
        None => {
            let mut positions = read.iter().filter_map(|r| r.4.as_ref()).flatten().flatten().flatten().copied();
            Crs::guess(&mut positions).ok_or_else(|| {
                ImportError::File(
                    "the file does not name its coordinate system and its positions are neither degrees (WGS 84) nor RD New metres"
                        .into(),
                )
            })?
        }
    };
    report.crs = Some(crs);

    let mut conn = pool.get().await?;
    let mut planned = Vec::new();
    let mut codes: HashMap<String, usize> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for (index, code, name, water, polygons) in read {
        let entry = |outcome| Entry { feature: index, code: code.clone(), name: name.clone(), outcome };
        let skip = |why: String| Entry {
            feature: index,
            code: code.clone(),
            name: name.clone(),
            outcome: Outcome::Skipped(why),
        };
        let Some(polygons) = polygons else {
            report.entries.push(skip("no polygon".into()));
            continue;
        };
        if water.eq_ignore_ascii_case("JA") {
            report.entries.push(skip("water".into()));
            continue;
        }
        if code.is_empty() {
            report.entries.push(skip(format!("no code in property {:?}", options.code_property)));
            continue;
        }
        if name.is_empty() {
            report.entries.push(skip(format!("no name in property {:?}", options.name_property)));
            continue;
        }
        if name.chars().count() > crate::domain::validate::DISPLAY_NAME_MAX || name.chars().any(char::is_control) {
            report.entries.push(skip("the name is too long or has control characters".into()));
            continue;
        }
        if let Some(first) = codes.get(&code) {
            report.entries.push(skip(format!("the same code as feature {first}")));
            continue;
        }
        codes.insert(code.clone(), index);
        let polygons = geo::to_wgs84(polygons, crs, &rd)
            .map_err(|e| ImportError::File(format!("feature {index} ({code} {name}): {e}; nothing was stored")))?;
        let boundary = geo::geometry_json(&polygons).to_string();
        let existing = GroupProfile::neighbourhood_by_code(&mut conn, &code).await?;
        let (handle, outcome) = match &existing {
            Some(profile) => {
                let actor = Actor::by_id(&mut conn, profile.actor_id).await?.ok_or(DomainError::NotFound)?;
                (actor.username.clone(), Outcome::Updated(actor.username))
            }
            None => {
                let handle = free_handle(&mut conn, &name, &code, &taken).await?;
                taken.insert(handle.clone());
                (handle.clone(), Outcome::New(handle))
            }
        };
        report.entries.push(entry(outcome));
        planned.push(Planned { code, name, boundary, existing, handle });
    }
    drop(conn);
    if options.dry_run {
        return Ok(report);
    }
    let mut tx = pool.begin().await?;
    let mut made = Vec::new();
    for p in &planned {
        match &p.existing {
            Some(profile) => {
                let t = now();
                let form = ActorUpdate { display_name: Some(&p.name), updated_at: Some(t), ..Default::default() };
                Actor::update(&mut tx, profile.actor_id, &form).await?;
                let mut profile = profile.clone();
                profile.boundary = Some(p.boundary.clone());
                profile.updated_at = t;
                GroupProfile::save(&mut tx, &profile).await?;
            }
            None => made.push(insert(&mut tx, settings, p).await?),
        }
    }
    for id in made {
        crate::domain::actors::queue_keys(&mut tx, id).await?;
    }
    tx.commit().await?;
    tracing::info!(new = report.new_count(), updated = report.updated_count(), "neighbourhoods imported");
    Ok(report)
}

/// A handle for a neighbourhood named `name` that no person or group has (nor another
/// neighbourhood of this import): its slug, else the slug with `-2`, `-3`, … (the code when
/// the name has no letters or digits).
async fn free_handle(conn: &mut DbConn, name: &str, code: &str, taken: &HashSet<String>) -> DomainResult<String> {
    let mut base = geo::shorten(&geo::slug(name), USERNAME_MAX);
    if base.len() < 2 {
        base = geo::shorten(&geo::slug(code), USERNAME_MAX);
    }
    if base.len() < 2 {
        base = "buurt".into();
    }
    for n in 1.. {
        let candidate = if n == 1 {
            base.clone()
        } else {
            let suffix = format!("-{n}");
            format!("{}{suffix}", geo::shorten(&base, USERNAME_MAX - suffix.len()))
        };
        let reserved = crate::domain::validate::is_reserved(&candidate);
        if !reserved && !taken.contains(&candidate) && !local_name::is_taken(conn, &candidate).await? {
            return Ok(candidate);
        }
    }
    Err(DomainError::Internal("no free handle".into()))
}

/// A new neighbourhood: its name reserved, its actor and its profile (open and public).
async fn insert(
    conn: &mut DbConn,
    settings: &Settings,
    p: &Planned,
) -> DomainResult<crate::db::models::actor::ActorId> {
    local_name::reserve(conn, &p.handle, "group").await?;
    let form = crate::domain::actors::local_form(settings, ActorKind::Group, &p.handle, &p.name);
    let actor = Actor::insert(conn, &form).await?;
    let t = now();
    let profile = GroupProfile {
        actor_id: actor.id,
        kind: GroupKind::Neighbourhood.as_str().into(),
        openness: Openness::Open.as_str().into(),
        content: ContentVisibility::Public.as_str().into(),
        posting: Posting::Members.as_str().into(),
        status: GroupStatus::Active.as_str().into(),
        neighbourhood_id: None,
        boundary: Some(p.boundary.clone()),
        code: Some(p.code.clone()),
        members_url: None,
        created_by: None,
        created_at: t,
        updated_at: t,
        org_type: None,
    };
    GroupProfile::insert(conn, &profile).await?;
    Ok(actor.id)
}
