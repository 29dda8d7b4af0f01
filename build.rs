//! Installs the front-end packages (frontend/package-lock.json) with `npm ci` into the build
//! directory and prepares every embedded static file: the npm files it needs, and a gzip copy of
//! each text asset so they are served compressed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files of npm packages that are embedded, as (path under node_modules, name served).
const NPM_FILES: &[(&str, &str)] =
    &[("leaflet/dist/leaflet.js", "leaflet.js"), ("leaflet/dist/leaflet.css", "leaflet.css")];

/// Our own text assets in static/, compressed as well.
const OWN_TEXT: &[&str] = &["buurt.css", "map.js"];

fn main() {
    println!("cargo:rerun-if-changed=frontend/package.json");
    println!("cargo:rerun-if-changed=frontend/package-lock.json");
    for name in OWN_TEXT {
        println!("cargo:rerun-if-changed=static/{name}");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")));
    let npm_dir = out.join("frontend");
    install(&npm_dir);
    let assets = out.join("assets");
    fs::create_dir_all(&assets).unwrap_or_else(|e| fail(&format!("{}: {e}", assets.display())));
    for (from, name) in NPM_FILES {
        let body = read(&npm_dir.join("node_modules").join(from));
        // The source map is not shipped; drop the comment that points browsers at it.
        let text = String::from_utf8_lossy(&body);
        let body: Vec<u8> =
            text.lines().filter(|l| !l.starts_with("//# sourceMappingURL=")).collect::<Vec<_>>().join("\n").into();
        write(&assets.join(name), &body);
        write(&assets.join(format!("{name}.gz")), &gzip(&body));
    }
    for name in OWN_TEXT {
        let body = read(Path::new("static").join(name).as_path());
        write(&assets.join(format!("{name}.gz")), &gzip(&body));
    }
}

/// `npm ci` into `dir`, unless the same lockfile is installed there already.
fn install(dir: &Path) {
    let lock = read(Path::new("frontend/package-lock.json"));
    let stamp = dir.join("installed.lock");
    if fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return;
    }
    fs::create_dir_all(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    write(&dir.join("package.json"), &read(Path::new("frontend/package.json")));
    write(&dir.join("package-lock.json"), &lock);
    let status = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| {
            fail(&format!(
                "could not run npm ({e}); Buurt's build installs its map library with npm: apt-get install npm"
            ))
        });
    if !status.success() {
        fail("npm ci failed for frontend/package-lock.json");
    }
    write(&stamp, &lock);
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).unwrap_or_else(|e| fail(&format!("gzip: {e}")));
    encoder.finish().unwrap_or_else(|e| fail(&format!("gzip: {e}")))
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())))
}

fn write(path: &Path, body: &[u8]) {
    fs::write(path, body).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
}

fn fail(message: &str) -> ! {
    eprintln!("buurt build: {message}");
    std::process::exit(1)
}
