//! The configuration file, the structs and the environment agree; bad keys are named.

use buurt::config::Settings;

use crate::util::buurt_command as buurt;

fn keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    if let toml::Value::Table(table) = value {
        for (k, v) in table {
            let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            out.push(path.clone());
            keys(v, &path, out);
        }
    }
}

#[test]
fn default_file_documents_every_key_with_its_default() {
    let text = std::fs::read_to_string(format!("{}/config/buurt.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let file: toml::Value = toml::from_str(&text).unwrap();
    let defaults = toml::Value::try_from(Settings::default()).unwrap();
    let (mut in_file, mut in_structs) = (Vec::new(), Vec::new());
    keys(&file, "", &mut in_file);
    keys(&defaults, "", &mut in_structs);
    in_file.sort();
    in_structs.sort();
    assert_eq!(in_file, in_structs, "config/buurt.toml and the Settings structs name different keys");
    assert_eq!(
        Settings::from_toml(&text).unwrap(),
        Settings::default(),
        "config/buurt.toml shows other values than the defaults"
    );
    // Every key has a comment above it.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains(" = ") && !line.starts_with('#') {
            assert!(i > 0 && lines[i - 1].starts_with('#'), "key without a comment: {line}");
        }
    }
}

#[test]
fn unknown_key_in_the_file_is_named_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[server]\nbnid = \"127.0.0.1:1\"\n").unwrap();
    let out = buurt().arg("--config").arg(&path).args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown key `server.bnid`"), "{stderr}");
    // The same for `serve`: it never starts.
    let out = buurt().arg("--config").arg(&path).arg("serve").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.bnid"));
}

#[test]
fn unknown_environment_key_is_named() {
    let out = buurt().env("BUURT_SERVER__BNID", "x").args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.bnid"));
}

#[test]
fn environment_overrides_the_file_and_wrong_values_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buurt.toml");
    std::fs::write(&path, "[instance]\nname = \"Uit het bestand\"\nregistration = \"invite\"\n").unwrap();
    let out = buurt()
        .arg("--config")
        .arg(&path)
        .env("BUURT_INSTANCE__NAME", "Uit de omgeving")
        .env("BUURT_FEDERATION__ALLOW_HTTP", "true")
        .env("BUURT_MODULES__GROUPS", "false")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: Settings = toml::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    assert_eq!(printed.instance.name, "Uit de omgeving");
    assert_eq!(printed.instance.registration, buurt::config::RegistrationMode::Invite);
    assert!(printed.federation.allow_http);
    assert!(!printed.modules.groups && printed.modules.map);

    let out = buurt().env("BUURT_INSTANCE__REGISTRATION", "sometimes").args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("instance.registration") && stderr.contains("approval"), "{stderr}");

    let out = buurt().arg("--config").arg(dir.path().join("missing.toml")).args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}
