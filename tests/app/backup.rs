//! `buurt admin backup`: an online copy of a SQLite database that a new instance starts on;
//! PostgreSQL is refused with the route that works there.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(backup_refuses_bad_targets_and_changes_nothing);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_made_while_the_server_runs_starts_an_instance_with_everything() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let anna = app.api_user("anna").await;
    let bert = app.api_user("bert").await;
    let anna_id = anna.get("/api/v1/accounts/verify_credentials").await["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{anna_id}/follow"), json!({})).await;
    let photo = Form::new()
        .part("file", Part::bytes(crate::media::jpeg_with_exif(64, 48, 1)).file_name("hek.jpg"))
        .text("description", "Het nieuwe hek bij de speeltuin");
    let uploaded: Value = anna
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&anna.token)
        .multipart(photo)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status = anna
        .post(
            "/api/v1/statuses",
            json!({"status": "Het hek is er!", "visibility": "public", "media_ids": [uploaded["id"]]}),
        )
        .await;

    // Online: the server keeps running (and writing) while the copy is made.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("buurt-backup.sqlite");
    let (ok, stdout, stderr) = backup(&app, &file).await;
    assert!(ok, "{stderr}");
    assert!(stdout.contains("backed up the database to"), "{stdout}");
    assert!(stdout.contains("copy") && stdout.contains(&app.settings().media.dir), "names the media folder: {stdout}");
    anna.post("/api/v1/statuses", json!({"status": "Na de backup geschreven"})).await;
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["buurt-backup.sqlite"], "only the backup itself is left");

    // A new instance started on the copy has the accounts, the follow, the post and its photo.
    let restored_url = format!("sqlite://{}", file.display());
    let restored = TestApp::spawn_with(Backend::Sqlite, |s| s.database.url = restored_url).await;
    assert_eq!(restored.count_users().await, 2);
    assert_eq!(restored.browser().login("anna", PASSWORD).await.status(), 303, "anna signs in with her password");
    let anna_there = Api { client: reqwest::Client::new(), base: restored.base.clone(), token: anna.token.clone() };
    let account = anna_there.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(account["id"], anna_id.as_str(), "her token works too");
    assert_eq!(account["followers_count"], 1);
    assert_eq!(account["statuses_count"], 1, "the post written after the backup is not in it");
    let post = anna_there.get(&format!("/api/v1/statuses/{}", status["id"].as_str().unwrap())).await;
    assert_eq!(post["content"], status["content"]);
    assert_eq!(post["media_attachments"][0]["id"], uploaded["id"]);
    assert_eq!(post["media_attachments"][0]["description"], "Het nieuwe hek bij de speeltuin");
    let bert_there = Api { client: reqwest::Client::new(), base: restored.base.clone(), token: bert.token.clone() };
    let relationships = bert_there.get(&format!("/api/v1/accounts/relationships?id[]={anna_id}")).await;
    assert_eq!(relationships[0]["following"], true, "{relationships}");
}

/// A file that exists, a folder that does not, a path whose folder is a file: each refused with
/// a clear message, nothing written. On PostgreSQL the command names pg_dump instead.
async fn backup_refuses_bad_targets_and_changes_nothing(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.create_user("anna", buurt::db::models::local_user::Role::Member).await;
    let dir = tempfile::tempdir().unwrap();
    if b == Backend::Postgres {
        let file = dir.path().join("buurt.sqlite");
        let (ok, _, stderr) = backup(&app, &file).await;
        assert!(!ok);
        assert!(stderr.contains("PostgreSQL") && stderr.contains("pg_dump"), "{stderr}");
        assert!(stderr.contains("pg_restore") && stderr.contains("docs/operating.md"), "{stderr}");
        assert!(!file.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        return;
    }
    let existing = dir.path().join("er-al.sqlite");
    std::fs::write(&existing, b"mijn boodschappenlijst").unwrap();
    let (ok, _, stderr) = backup(&app, &existing).await;
    assert!(!ok);
    assert!(stderr.contains("already exists") && stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(std::fs::read(&existing).unwrap(), b"mijn boodschappenlijst");

    let (ok, _, stderr) = backup(&app, &dir.path().join("bestaat-niet").join("b.sqlite")).await;
    assert!(!ok);
    assert!(stderr.contains("cannot write a backup") && stderr.contains("is not a folder"), "{stderr}");

    let (ok, _, stderr) = backup(&app, &existing.join("b.sqlite")).await;
    assert!(!ok);
    assert!(stderr.contains("cannot write a backup"), "{stderr}");

    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["er-al.sqlite"], "nothing was written");
    assert_eq!(app.count_users().await, 1);
}

/// Runs `buurt admin backup FILE` against the app's database.
async fn backup(app: &TestApp, file: &std::path::Path) -> (bool, String, String) {
    let (url, domain) = (app.db.url.clone(), app.settings().instance.domain.clone());
    let file = file.display().to_string();
    let media = app.settings().media.dir.clone();
    tokio::task::spawn_blocking(move || {
        let mut cmd = buurt_command();
        cmd.env("BUURT_DATABASE__URL", &url).env("BUURT_INSTANCE__DOMAIN", &domain).env("BUURT_MEDIA__DIR", &media);
        let out = cmd.args(["admin", "backup", &file]).output().expect("run buurt");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}
