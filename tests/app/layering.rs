//! Layers only point down. This test reads every file under `src/`, finds each path it names
//! inside the crate (`crate::…` and `super::…`), and fails when a module names one of a layer
//! above its own, or a neighbour of the same layer that is not part of itself.
//!
//! The order, from the bottom (the README's architecture section and ARCHITECTURE.md say the same):
//!
//! | rank | modules | may use |
//! |---|---|---|
//! | 0 | `util`, `i18n` | nothing of the crate but themselves |
//! | 1 | `config` | the above |
//! | 2 | `db` | the above |
//! | 3 | `apub::protocol`, `apub::addresses`, `limits`, `public_cache` | the above |
//! | 4 | `media` | the above |
//! | 5 | `state` (plain values, built by `server.rs`) | the above |
//! | 6 | `apub` as a client (signatures, fetching, the actors we store) | the above |
//! | 7 | `delivery` (enqueue, fan-out, worker) | the above |
//! | 8 | `domain` | the above (it calls `delivery::enqueue`; delivery never calls it) |
//! | 9 | the HTTP side: `apub::{inbox,http,discovery,routes}`, `api`, `web` | the above |
//! | 10 | `modules` (the registry: each module's routes, navigation, home-page section) | the above |
//! | 11 | `server` (state, root router, background tasks) | the above |
//! | 12 | `cli`, `main` | everything |
//!
//! Modules of one rank are neighbours and do not use each other, with the exceptions in
//! `NEIGHBOURS` (each says why).
//!
//! For example, `src/config/mod.rs` naming `crate::web::i18n::SUPPORTED` (as it once did) fails
//! with "config (rank 1) uses web::i18n (rank 9)"; `src/delivery/mod.rs` calling
//! `crate::domain::accounts::random_token` (as it once did) fails with "delivery (rank 7) uses
//! domain::accounts::random_token (rank 8)". `layering_catches_a_backward_import` below checks exactly that.

use std::path::{Path, PathBuf};

/// Module path prefixes and their rank; the longest matching prefix decides. Modules of one rank
/// are neighbours and may not use each other: only their own module and lower ranks.
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("i18n", 0),
    // Items at the crate root (`lib.rs`).
    ("install_crypto", 0),
    ("config", 1),
    ("db", 2),
    ("apub::protocol", 3),
    ("apub::addresses", 3),
    ("limits", 3),
    ("public_cache", 3),
    ("federation_policy", 3),
    ("runtime_settings", 3),
    ("media", 4),
    ("mail", 4),
    ("state", 5),
    ("apub", 6),
    ("delivery", 7),
    ("jobs", 7),
    ("domain", 8),
    ("apub::inbox", 9),
    ("apub::http", 9),
    ("apub::discovery", 9),
    ("apub::routes", 9),
    ("api", 9),
    ("web", 9),
    ("modules", 10),
    ("server", 11),
    ("cli", 12),
    ("main", 12),
];

/// Paths that belong to another module than their prefix says.
const SAME_MODULE: &[(&str, &str)] = &[
    // `#[macro_export]` puts db's `dispatch!` macro at the crate root.
    ("dispatch", "db"),
];

/// Neighbours that may use each other, and why.
const NEIGHBOURS: &[(&str, &str)] = &[
    // One URL serves a page or ActivityStreams JSON by content negotiation (`/u/NAME`, `/p/ID`):
    // the page handler hands JSON requests to the federation side.
    ("web", "apub::http"),
    // The inbox and signed GETs verify signatures the same way.
    ("apub::http", "apub::inbox"),
    // The client API links the web's static files (the default avatar, the instance's picture)
    // under their content-hashed names.
    ("api", "web::assets"),
];

/// The rank of a module path and the prefix that decided it.
fn layer_of(path: &[String]) -> Option<(&'static str, u8)> {
    let joined = path.join("::");
    LAYERS
        .iter()
        .filter(|(prefix, _)| joined == *prefix || joined.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .copied()
}

/// The module path of a file under `src/`: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> =
        relative.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// Every crate path a file's code names (comments left out), with its line number, resolved
/// from `crate::` or `super::` to a path from the crate root.
fn named_paths(module: &[String], text: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        // Unit tests at the end of a file are not part of what the module uses.
        if line.trim() == "#[cfg(test)]" {
            break;
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        for start in ["crate::", "super::"] {
            let mut rest = code;
            while let Some(at) = rest.find(start) {
                let before = rest[..at].chars().last();
                rest = &rest[at..];
                // `$crate::` and identifiers ending in "crate"/"super" are not paths of ours.
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                    rest = &rest[start.len()..];
                    continue;
                }
                let path_text: String =
                    rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                rest = &rest[path_text.len().max(1)..];
                let segments: Vec<String> =
                    path_text.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
                let resolved = if start == "crate::" {
                    segments[1..].to_vec()
                } else {
                    // In `a/b.rs` and in `a/b/mod.rs` (both the module a::b) `super` is `a`.
                    let mut base = module.to_vec();
                    let mut segs = segments.as_slice();
                    while segs.first().is_some_and(|s| s == "super") {
                        base.pop();
                        segs = &segs[1..];
                    }
                    base.extend(segs.iter().cloned());
                    base
                };
                // Only module names: lowercase segments (types and functions end the path).
                let modules: Vec<String> = resolved
                    .into_iter()
                    .take_while(|s| s.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                    .collect();
                if !modules.is_empty() {
                    found.push((number + 1, modules));
                }
            }
        }
    }
    found
}

/// The violations in one file's text.
fn violations(relative: &Path, text: &str) -> Vec<String> {
    let module = module_of(relative);
    let Some((own_prefix, own_rank)) = layer_of(&module) else {
        return vec![format!("{}: no layer for module `{}`: add it to LAYERS", relative.display(), module.join("::"))];
    };
    let mut out = Vec::new();
    for (line, path) in named_paths(&module, text) {
        // A longer path may name an item inside the module (`crate::db::now`): find the layer
        // from the longest module prefix.
        let Some((prefix, rank)) = layer_of(&path) else {
            continue;
        };
        let unit = SAME_MODULE.iter().find(|(p, _)| *p == prefix).map_or(prefix, |(_, unit)| *unit);
        let joined = path.join("::");
        let allowed = NEIGHBOURS
            .iter()
            .any(|(from, to)| *from == own_prefix && (joined == *to || joined.starts_with(&format!("{to}::"))));
        let same_unit = unit == own_prefix || allowed;
        if rank > own_rank || (rank == own_rank && !same_unit) {
            out.push(format!(
                "src/{}:{line}: {own_prefix} (rank {own_rank}) uses {} (rank {rank})",
                relative.display(),
                path.join("::"),
            ));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn layers_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "read the source tree");
    let mut all = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        all.extend(violations(relative, &text));
    }
    assert!(all.is_empty(), "imports against the layers ({}):\n{}", all.len(), all.join("\n"));
}

#[test]
fn layering_catches_a_backward_import() {
    let config = "use serde::Deserialize;\nfn f() { crate::web::i18n::SUPPORTED.len(); }\n";
    let found = violations(Path::new("config/mod.rs"), config);
    assert_eq!(found, ["src/config/mod.rs:2: config (rank 1) uses web::i18n (rank 9)"]);

    let delivery = "// crate::domain in a comment is fine\nlet t = crate::domain::accounts::random_token(6);\n";
    let found = violations(Path::new("delivery/mod.rs"), delivery);
    assert_eq!(found, ["src/delivery/mod.rs:2: delivery (rank 7) uses domain::accounts::random_token (rank 8)"]);

    // Neighbours of one rank stay apart; `super::` resolves from the file's module.
    let found = violations(Path::new("api/statuses.rs"), "use super::entities;\nuse crate::web::form;\n");
    assert_eq!(found, ["src/api/statuses.rs:2: api (rank 9) uses web::form (rank 9)"]);
    let found = violations(
        Path::new("domain/posts/create.rs"),
        "use super::super::visibility;\nuse crate::db::models::post::Post;\n",
    );
    assert!(found.is_empty(), "{found:?}");
}
