//! Images: uploads through the web form and the client API come out upright, resized and
//! without EXIF; bad files are refused with a clear message and store nothing; files are served
//! with long caching; the proxy only fetches what this server signed; photos federate; S3.

use std::io::Cursor;

use buurt::db::models::local_user::Role;
use buurt::db::schema::media;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::util::*;

both!(
    a_photo_posted_on_the_web_is_upright_resized_and_without_exif,
    bad_uploads_get_a_clear_error_and_store_nothing,
    api_photos_need_alt_text_before_they_are_posted,
    the_proxy_fetches_only_signed_urls_of_images,
    photos_and_avatars_federate_and_show_through_the_proxy,
    avatar_header_and_group_icon_are_uploaded_in_the_settings_and_group_pages,
    uploads_never_posted_are_pruned_after_a_day,
    uploads_are_kept_in_s3_compatible_storage,
);

/// A JPEG of `width`×`height`, left half red and right half blue, with an EXIF block holding
/// an orientation and a GPS position.
pub fn jpeg_with_exif(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 { image::Rgb([220, 20, 20]) } else { image::Rgb([20, 20, 220]) }
    });
    let mut jpeg = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)).unwrap();

    use exif::{Field, In, Rational, Tag, Value as V};
    let degrees = |d: u32, m: u32, s: u32| {
        V::Rational(vec![Rational { num: d, denom: 1 }, Rational { num: m, denom: 1 }, Rational { num: s, denom: 1 }])
    };
    let fields = [
        Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: V::Short(vec![orientation]) },
        Field { tag: Tag::Make, ifd_num: In::PRIMARY, value: V::Ascii(vec![b"Buurtcamera".to_vec()]) },
        Field { tag: Tag::GPSLatitudeRef, ifd_num: In::PRIMARY, value: V::Ascii(vec![b"N".to_vec()]) },
        Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: degrees(52, 21, 34) },
        Field { tag: Tag::GPSLongitudeRef, ifd_num: In::PRIMARY, value: V::Ascii(vec![b"E".to_vec()]) },
        Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: degrees(4, 55, 1) },
    ];
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let tiff = tiff.into_inner();
    // APP1 "Exif" segment right after the start-of-image marker.
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    // The input really carries what must be removed.
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(&out)).unwrap();
    assert!(exif.get_field(Tag::GPSLatitude, In::PRIMARY).is_some());
    out
}

/// A PNG that says it is `width`×`height` but holds one row of data: a decompression bomb's
/// header. The IHDR checksum is recomputed so decoders read the header.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(4, 4, image::Rgb([1, 2, 3]))
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
        .unwrap();
    // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width, height, …, CRC.
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32fast::hash(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

fn assert_no_exif(bytes: &[u8]) {
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Err(exif::Error::NotFound(_)) => {}
        Ok(found) => {
            let gps: Vec<_> = found.fields().filter(|f| format!("{}", f.tag).starts_with("GPS")).collect();
            panic!("EXIF left in the output (GPS fields: {gps:?})");
        }
        Err(e) => panic!("unexpected EXIF reader error: {e}"),
    }
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().unwrap().into_dimensions().unwrap()
}

async fn media_rows(app: &TestApp) -> i64 {
    let mut conn = app.state.pool.get().await.unwrap();
    buurt::dispatch!(&mut conn, c => media::table.count().get_result::<i64>(c).await).unwrap()
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

/// Posts a multipart form with the CSRF token of `page`.
async fn submit_multipart(browser: &Browser, page: &str, action: &str, form: Form) -> reqwest::Response {
    let token = browser.csrf(page).await;
    browser.client.post(format!("{}{action}", browser.base)).multipart(form.text("csrf", token)).send().await.unwrap()
}

fn file(bytes: Vec<u8>, name: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_string())
}

async fn fetch(url: &str) -> reqwest::Response {
    reqwest::Client::new().get(url).send().await.unwrap()
}

async fn a_photo_posted_on_the_web_is_upright_resized_and_without_exif(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("anna", Role::Member).await;
    // Orientation 6: the camera was turned; the picture must be turned 90° clockwise.
    let photo = jpeg_with_exif(2400, 1600, 6);
    let form = Form::new()
        .text("status", "De nieuwe bankjes in het park")
        .text("description", "Twee groene bankjes onder een eik")
        .part("file", file(photo, "IMG_0001.jpg"));
    let response = submit_multipart(&browser, "/", "/schrijven", form).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/p/"), "{location}");

    let page = browser.get_html(&location).await;
    let img = page.select(&scraper::Selector::parse(".photos img").unwrap()).next().expect("the photo is shown");
    assert_eq!(img.value().attr("alt"), Some("Twee groene bankjes onder een eik"));
    assert_eq!(img.value().attr("loading"), Some("lazy"));
    let small_url = img.value().attr("src").unwrap().to_string();
    let (w, h): (u32, u32) =
        (img.value().attr("width").unwrap().parse().unwrap(), img.value().attr("height").unwrap().parse().unwrap());
    assert_eq!(h, 400, "small variant is 400 px on its longest side");
    assert!((266..=267).contains(&w), "{w}");
    let link = page.select(&scraper::Selector::parse(".photos a").unwrap()).next().unwrap();
    let full_url = link.value().attr("href").unwrap().to_string();
    assert!(full_url.starts_with(&app.url("/media/")), "{full_url}");

    // The full size: turned upright, capped at 2048 px, no EXIF, with caching headers.
    let full = fetch(&full_url).await;
    assert_eq!(full.status(), 200);
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    assert_eq!(full.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(full.headers()["x-content-type-options"], "nosniff");
    let etag = full.headers()["etag"].to_str().unwrap().to_string();
    let bytes = full.bytes().await.unwrap();
    assert_no_exif(&bytes);
    let (fw, fh) = dimensions(&bytes);
    assert_eq!(fh, 2048);
    assert!((1364..=1366).contains(&fw), "{fw}");
    // Turned clockwise: the red left half is now the top half.
    let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let top = decoded.get_pixel(fw / 2, fh / 4).0;
    let bottom = decoded.get_pixel(fw / 2, fh * 3 / 4).0;
    assert!(top[0] > 150 && top[2] < 100, "top should be red: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "bottom should be blue: {bottom:?}");
    let small = fetch(&small_url).await.bytes().await.unwrap();
    assert_no_exif(&small);
    assert_eq!(dimensions(&small), (w, h));

    // A cache asking again gets 304 without the body.
    let again = reqwest::Client::new().get(&full_url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["cache-control"], "public, max-age=31536000, immutable");
    // Keys are checked: no path tricks, unknown files are 404.
    assert_eq!(fetch(&app.url("/media/..%2Fbuurt.sqlite")).await.status(), 404);
    assert_eq!(fetch(&app.url("/media/nope.jpg")).await.status(), 404);

    // The home page shows the photo with its alt text too.
    let home = app.browser().get_html("/").await;
    let shown = home.select(&scraper::Selector::parse(".photos img").unwrap()).next().expect("photo on home page");
    assert_eq!(shown.value().attr("alt"), Some("Twee groene bankjes onder een eik"));
}

async fn bad_uploads_get_a_clear_error_and_store_nothing(b: Backend) {
    let app = TestApp::spawn_with(b, |s| {
        s.media.max_upload_bytes = 200_000;
        s.media.max_pixels = 4_000_000;
    })
    .await;
    let browser = app.signed_in("anna", Role::Member).await;
    let cases: Vec<(&str, Vec<u8>, &str, &str, &str)> = vec![
        // (what, file, alt text, field with the error, message)
        ("no alt text", jpeg_with_exif(40, 30, 1), "", "description", "Beschrijf de foto"),
        ("not an image", b"%PDF-1.4 not an image".to_vec(), "Een folder", "file", "geen foto"),
        ("too large", vec![0xFF; 250_000], "Een grote foto", "file", "te groot"),
        ("bomb", png_claiming(30_000, 30_000), "Een rood vlak", "file", "te veel pixels"),
    ];
    for (what, bytes, alt, field, message) in cases {
        let form = Form::new()
            .text("status", "Kijk eens wat ik vond")
            .text("description", alt.to_string())
            .part("file", file(bytes, "upload.bin"));
        let response = submit_multipart(&browser, "/", "/schrijven", form).await;
        assert_eq!(response.status(), 422, "{what}");
        let page = html(response).await;
        let error = field_error(&page, field).unwrap_or_else(|| panic!("{what}: no error at {field}"));
        assert!(error.contains(message), "{what}: {error}");
        // What was typed stays.
        assert_eq!(text_of(&page, "textarea#status").as_deref(), Some("Kijk eens wat ik vond"), "{what}");
        assert_eq!(media_rows(&app).await, 0, "{what}: a row was stored");
        assert_eq!(files_in(app.media_dir.path()), 0, "{what}: a file was stored");
    }
    let mut conn = app.state.pool.get().await.unwrap();
    assert_eq!(buurt::db::models::actor_count::ActorCount::local_posts(&mut conn).await.unwrap(), 0);
    drop(conn);

    // The API says the same in its own way.
    let api = app.api_user("bert").await;
    let response = api
        .client
        .post(app.url("/api/v2/media"))
        .bearer_auth(&api.token)
        .multipart(Form::new().part("file", file(png_claiming(30_000, 30_000), "bomb.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("too many pixels"), "{body}");
    assert_eq!(media_rows(&app).await, 0);
}

async fn upload_api(app: &TestApp, api: &Api, bytes: Vec<u8>, description: Option<&str>) -> Value {
    let mut form = Form::new().part("file", file(bytes, "foto.jpg"));
    if let Some(d) = description {
        form = form.text("description", d.to_string());
    }
    let response =
        api.client.post(app.url("/api/v2/media")).bearer_auth(&api.token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn api_photos_need_alt_text_before_they_are_posted(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    // Apps learn the limits from the instance.
    let instance = api.get("/api/v2/instance").await;
    assert_eq!(instance["configuration"]["statuses"]["max_media_attachments"], 4);
    assert_eq!(instance["configuration"]["media_attachments"]["image_size_limit"], 10 * 1024 * 1024);
    assert_eq!(instance["configuration"]["media_attachments"]["description_limit"], 1500);
    let uploaded = upload_api(&app, &api, jpeg_with_exif(800, 600, 1), None).await;
    let id = uploaded["id"].as_str().unwrap().to_string();
    assert_eq!(uploaded["type"], "image");
    assert_eq!(uploaded["description"], Value::Null);
    assert_eq!(
        uploaded["meta"]["original"],
        json!({"width": 800, "height": 600, "size": "800x600", "aspect": 800.0 / 600.0})
    );
    assert_eq!(uploaded["meta"]["small"]["width"], 400);
    assert_eq!(uploaded["meta"]["small"]["height"], 300);
    assert!(uploaded["blurhash"].as_str().is_some_and(|h| h.len() >= 6));
    let bytes = fetch(uploaded["url"].as_str().unwrap()).await.bytes().await.unwrap();
    assert_no_exif(&bytes);

    // Without alt text the post is refused and nothing is posted.
    let refused = api
        .send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "Zonsondergang", "media_ids": [id]})))
        .await;
    assert_eq!(refused.status(), 422);
    let error: Value = refused.json().await.unwrap();
    assert!(error["error"].as_str().unwrap().contains("alt text"), "{error}");
    assert_eq!(api.get("/api/v1/accounts/verify_credentials").await["statuses_count"], 0);

    // Described, it can be posted; then it is part of the status and no longer editable alone.
    let described = api
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/media/{id}"),
            Some(json!({"description": "Zon boven de daken", "focus": "0.5,-0.2"})),
        )
        .await;
    assert_eq!(described.status(), 200);
    assert_eq!(api.get(&format!("/api/v1/media/{id}")).await["description"], "Zon boven de daken");
    let status = api.post("/api/v1/statuses", json!({"status": "Zonsondergang", "media_ids": [id]})).await;
    let attachment = &status["media_attachments"][0];
    assert_eq!(attachment["id"], id.as_str());
    assert_eq!(attachment["description"], "Zon boven de daken");
    assert_eq!(attachment["meta"]["focus"], json!({"x": 0.5, "y": -0.2}));
    assert_eq!(attachment["url"], uploaded["url"]);
    assert_eq!(attachment["preview_url"], uploaded["preview_url"]);
    assert_eq!(api.send(reqwest::Method::GET, &format!("/api/v1/media/{id}"), None).await.status(), 404);
    // The same upload cannot go on a second post; another person's upload cannot be used.
    let again = api
        .send(reqwest::Method::POST, "/api/v1/statuses", Some(json!({"status": "Nog eens", "media_ids": [id]})))
        .await;
    assert_eq!(again.status(), 422);
    let other = app.api_user("otto").await;
    let theirs = upload_api(&app, &other, jpeg_with_exif(50, 50, 1), Some("Een vierkant")).await;
    let stolen = api
        .send(
            reqwest::Method::POST,
            "/api/v1/statuses",
            Some(json!({"status": "Van mij", "media_ids": [theirs["id"]]})),
        )
        .await;
    assert_eq!(stolen.status(), 422);

    // The Note carries the attachment for other servers.
    let note: Value = activity_json(status["uri"].as_str().unwrap()).await;
    let doc = &note["attachment"][0];
    assert_eq!(doc["type"], "Document");
    assert_eq!(doc["mediaType"], "image/jpeg");
    assert_eq!(doc["url"], uploaded["url"]);
    assert_eq!(doc["name"], "Zon boven de daken");
    assert_eq!((doc["width"].clone(), doc["height"].clone()), (json!(800), json!(600)));
    assert_eq!(doc["blurhash"], uploaded["blurhash"]);
    assert_eq!(doc["focalPoint"], json!([0.5, -0.2]));

    // Editing a status can drop its photo; the file goes too.
    let edited = api
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/statuses/{}", status["id"].as_str().unwrap()),
            Some(json!({"status": "Zonsondergang (zonder foto)", "media_ids": []})),
        )
        .await;
    assert_eq!(edited.status(), 200);
    assert_eq!(edited.json::<Value>().await.unwrap()["media_attachments"], json!([]));
    assert_eq!(fetch(uploaded["url"].as_str().unwrap()).await.status(), 404);
}

async fn the_proxy_fetches_only_signed_urls_of_images(b: Backend) {
    let origin = TestApp::spawn(b).await;
    let app = TestApp::spawn_federated(b).await;
    let api = origin.api_user("mira").await;
    let uploaded = upload_api(&origin, &api, jpeg_with_exif(64, 48, 1), Some("Een test")).await;
    let url = uploaded["url"].as_str().unwrap().to_string();
    let secret = &app.state.site.secret;
    let proxied =
        |u: &str, sig: &str| app.url(&format!("/media/proxy?url={}&sig={sig}", buurt::util::url::urlencode(u)));

    let good = fetch(&proxied(&url, &buurt::media::proxy_signature(secret, &url))).await;
    assert_eq!(good.status(), 200);
    assert_eq!(good.headers()["content-type"], "image/jpeg");
    assert!(good.headers()["cache-control"].to_str().unwrap().starts_with("public, max-age="));
    assert_eq!(good.headers()["x-content-type-options"], "nosniff");
    assert_eq!(good.bytes().await.unwrap(), fetch(&url).await.bytes().await.unwrap());

    // A wrong signature, or the signature of another URL, is refused without fetching.
    let other = origin.url("/healthz");
    assert_eq!(fetch(&proxied(&url, "00ff")).await.status(), 403);
    assert_eq!(fetch(&proxied(&other, &buurt::media::proxy_signature(secret, &url))).await.status(), 403);
    assert_eq!(fetch(&app.url("/media/proxy")).await.status(), 403);
    // Signed but not an image: not passed on.
    assert_eq!(fetch(&proxied(&other, &buurt::media::proxy_signature(secret, &other))).await.status(), 502);
    // A server that refuses private addresses does not fetch from loopback, signed or not.
    let strict = TestApp::spawn_with(b, |s| s.federation.allow_http = true).await;
    let sig = buurt::media::proxy_signature(&strict.state.site.secret, &url);
    let refused =
        fetch(&strict.url(&format!("/media/proxy?url={}&sig={sig}", buurt::util::url::urlencode(&url)))).await;
    assert_eq!(refused.status(), 502);
}

async fn photos_and_avatars_federate_and_show_through_the_proxy(b: Backend) {
    let alpha = TestApp::spawn_federated(b).await;
    let beta = TestApp::spawn_federated(b).await;
    let anna = alpha.api_user("anna").await;
    let bert = beta.api_user("bert").await;
    let found = bert.get(&format!("/api/v2/search?q=@{}&resolve=true&type=accounts", alpha.handle("anna"))).await;
    let anna_on_beta = found["accounts"][0]["id"].as_str().unwrap().to_string();
    bert.post(&format!("/api/v1/accounts/{anna_on_beta}/follow"), json!({})).await;
    alpha.drain().await;
    eventually("the follow is accepted", || {
        let (bert, id) = (bert.clone(), anna_on_beta.clone());
        async move { bert.get(&format!("/api/v1/accounts/relationships?id[]={id}")).await[0]["following"] == true }
    })
    .await;

    let uploaded = upload_api(&alpha, &anna, jpeg_with_exif(300, 200, 1), Some("Het buurthuis in de zon")).await;
    let status = anna.post("/api/v1/statuses", json!({"status": "Open dag!", "media_ids": [uploaded["id"]]})).await;
    alpha.drain().await;
    let home = bert.get("/api/v1/timelines/home").await;
    let remote = home.as_array().unwrap().iter().find(|s| s["uri"] == status["uri"]).expect("post arrived").clone();
    let attachment = &remote["media_attachments"][0];
    assert_eq!(attachment["description"], "Het buurthuis in de zon");
    assert_eq!(attachment["remote_url"], uploaded["url"]);
    assert_eq!(attachment["meta"]["original"]["width"], 300);
    assert_eq!(attachment["blurhash"], uploaded["blurhash"]);
    let shown = attachment["url"].as_str().unwrap();
    assert!(shown.starts_with(&beta.url("/media/proxy?url=")), "{shown}");
    let through = fetch(shown).await;
    assert_eq!(through.status(), 200);
    assert_eq!(through.bytes().await.unwrap(), fetch(uploaded["url"].as_str().unwrap()).await.bytes().await.unwrap());

    // A new avatar is announced; beta shows it through its proxy.
    let response = anna
        .client
        .patch(alpha.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&anna.token)
        .multipart(Form::new().part("avatar", file(jpeg_with_exif(120, 120, 1), "ik.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.unwrap();
    let avatar = me["avatar"].as_str().unwrap().to_string();
    assert!(avatar.starts_with(&alpha.url("/media/")), "{avatar}");
    alpha.drain().await;
    let seen = bert.get(&format!("/api/v1/accounts/{anna_on_beta}")).await;
    let expected = format!("/media/proxy?url={}", buurt::util::url::urlencode(&avatar));
    assert!(seen["avatar"].as_str().unwrap().starts_with(&beta.url(&expected)), "{seen}");
}

async fn avatar_header_and_group_icon_are_uploaded_in_the_settings_and_group_pages(b: Backend) {
    let app = TestApp::spawn(b).await;
    let browser = app.signed_in("anna", Role::Member).await;
    let form = Form::new()
        .text("display_name", "Anna de Vries")
        .text("language", "")
        .part("avatar", file(jpeg_with_exif(500, 500, 1), "ik.jpg"))
        .part("header", file(jpeg_with_exif(3000, 1000, 1), "straat.jpg"));
    let response = submit_multipart(&browser, "/instellingen", "/instellingen", form).await;
    assert_eq!(response.status(), 303);
    let actor: Value = activity_json(app.url("/u/anna")).await;
    assert_eq!(actor["name"], "Anna de Vries");
    assert_eq!(actor["icon"]["type"], "Image");
    assert_eq!(actor["icon"]["mediaType"], "image/jpeg");
    let header = fetch(actor["image"]["url"].as_str().unwrap()).await.bytes().await.unwrap();
    let (hw, hh) = dimensions(&header);
    assert_eq!(hw, 2048);
    assert!((682..=683).contains(&hh), "{hh}");
    let page = app.browser().get_html("/u/anna").await;
    let avatar = page.select(&scraper::Selector::parse("img.profile__avatar").unwrap()).next().expect("avatar shown");
    assert_eq!(avatar.value().attr("src"), actor["icon"]["url"].as_str());
    // A refused image changes nothing, the name included.
    let form = Form::new()
        .text("display_name", "Iemand anders")
        .text("language", "")
        .part("avatar", file(b"GIF89a kapot".to_vec(), "kapot.gif"));
    let response = submit_multipart(&browser, "/instellingen", "/instellingen", form).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "avatar").is_some());
    assert_eq!(app.account("anna").await.unwrap().actor.display_name, "Anna de Vries");

    // Groups: moderators and admins edit them; members may not.
    buurt::domain::groups::create_group(&app.state.pool, app.settings(), "tuin", "De Buurttuin").await.unwrap();
    assert_eq!(browser.get("/g/tuin/bewerken").await.status(), 403);
    let moderator = app.signed_in("mo", Role::Moderator).await;
    let page = moderator.get_html("/g/tuin").await;
    assert!(page.select(&scraper::Selector::parse("a[href='/g/tuin/bewerken']").unwrap()).next().is_some());
    let form = Form::new()
        .text("display_name", "Buurttuin Oost")
        .text("summary", "Samen tuinieren.\n\nElke zaterdag.")
        .part("icon", file(jpeg_with_exif(256, 256, 1), "logo.jpg"));
    let response = submit_multipart(&moderator, "/g/tuin/bewerken", "/g/tuin/bewerken", form).await;
    assert_eq!(response.status(), 303);
    let group: Value = activity_json(app.url("/g/tuin")).await;
    assert_eq!(group["name"], "Buurttuin Oost");
    assert_eq!(group["summary"], "<p>Samen tuinieren.</p><p>Elke zaterdag.</p>");
    assert_eq!(fetch(group["icon"]["url"].as_str().unwrap()).await.status(), 200);
    // The edit page shows the text as typed, ready to change again.
    let page = moderator.get_html("/g/tuin/bewerken").await;
    assert_eq!(text_of(&page, "textarea#summary").as_deref(), Some("Samen tuinieren. Elke zaterdag."));
    // Too long a description is refused next to the field.
    let long = "x".repeat(2001);
    let form = Form::new().text("display_name", "Buurttuin Oost").text("summary", long);
    let response = submit_multipart(&moderator, "/g/tuin/bewerken", "/g/tuin/bewerken", form).await;
    assert_eq!(response.status(), 422);
    assert!(field_error(&html(response).await, "summary").is_some());
}

async fn uploads_never_posted_are_pruned_after_a_day(b: Backend) {
    let app = TestApp::spawn(b).await;
    let api = app.api_user("mira").await;
    let old = upload_api(&app, &api, jpeg_with_exif(40, 40, 1), Some("Oud")).await;
    let posted = upload_api(&app, &api, jpeg_with_exif(40, 40, 1), Some("Geplaatst")).await;
    api.post("/api/v1/statuses", json!({"status": "Met foto", "media_ids": [posted["id"]]})).await;
    let fresh = upload_api(&app, &api, jpeg_with_exif(40, 40, 1), Some("Nieuw")).await;
    let two_days_ago = buurt::db::now() - chrono::TimeDelta::days(2);
    {
        let mut conn = app.state.pool.get().await.unwrap();
        buurt::dispatch!(&mut conn, c => diesel::update(media::table).set(media::created_at.eq(two_days_ago)).execute(c).await)
            .unwrap();
        let id: i64 = fresh["id"].as_str().unwrap().parse().unwrap();
        let now = buurt::db::now();
        buurt::dispatch!(&mut conn, c => diesel::update(media::table.find(id)).set(media::created_at.eq(now)).execute(c).await)
            .unwrap();
    }
    assert_eq!(buurt::domain::media::prune_unattached(&app.state).await.unwrap(), 1);
    assert_eq!(fetch(old["url"].as_str().unwrap()).await.status(), 404);
    assert_eq!(fetch(old["preview_url"].as_str().unwrap()).await.status(), 404);
    assert_eq!(fetch(posted["url"].as_str().unwrap()).await.status(), 200);
    assert_eq!(fetch(fresh["url"].as_str().unwrap()).await.status(), 200);
    assert_eq!(media_rows(&app).await, 2);
}

/// A moto S3 server on a free loopback port, stopped when dropped.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_moto() -> Moto {
    let python = tokio::task::spawn_blocking(|| {
        python_venv("moto-venv", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/requirements-s3.txt"))
    })
    .await
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = std::process::Command::new(python)
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto { child, endpoint: format!("http://127.0.0.1:{port}") };
    eventually("moto answers", || {
        let url = format!("{}/", moto.endpoint);
        async move { reqwest::get(url).await.is_ok() }
    })
    .await;
    moto
}

async fn uploads_are_kept_in_s3_compatible_storage(b: Backend) {
    buurt::install_crypto();
    let moto = start_moto().await;
    let bucket = format!("buurt-{}", b == Backend::Postgres);
    // The bucket, made as an admin would.
    let created = reqwest::Client::new().put(format!("{}/{bucket}", moto.endpoint)).send().await.unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    // Anyone may read objects (as behind a CDN); writing needs the keys.
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")}]});
    let set = reqwest::Client::new()
        .put(format!("{}/{bucket}?policy", moto.endpoint))
        .body(policy.to_string())
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success(), "{}", set.status());
    let endpoint = moto.endpoint.clone();
    let bucket_name = bucket.clone();
    let app = TestApp::spawn_with(b, move |s| {
        s.media.storage = buurt::config::MediaStorage::S3;
        s.media.s3.endpoint = endpoint;
        s.media.s3.bucket = bucket_name;
        s.media.s3.access_key = "testing".into();
        s.media.s3.secret_key = "testing".into();
    })
    .await;
    let api = app.api_user("mira").await;
    let uploaded = upload_api(&app, &api, jpeg_with_exif(640, 480, 1), Some("Een plein")).await;
    let url = uploaded["url"].as_str().unwrap();
    assert!(url.starts_with(&app.url("/media/")), "{url}");
    // Nothing on local disk; the object is in the bucket and Buurt serves it from there.
    assert_eq!(files_in(app.media_dir.path()), 0);
    let key = url.rsplit('/').next().unwrap();
    let in_bucket = reqwest::get(format!("{}/{bucket}/{key}", moto.endpoint)).await.unwrap();
    assert_eq!(in_bucket.status(), 200);
    let stored = in_bucket.bytes().await.unwrap();
    let served = fetch(url).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(served.bytes().await.unwrap(), stored);
    assert_no_exif(&stored);
    assert_eq!(dimensions(&stored), (640, 480));

    // Pruned uploads leave the bucket too.
    {
        let mut conn = app.state.pool.get().await.unwrap();
        let old = buurt::db::now() - chrono::TimeDelta::days(2);
        buurt::dispatch!(&mut conn, c => diesel::update(media::table).set(media::created_at.eq(old)).execute(c).await)
            .unwrap();
    }
    assert_eq!(buurt::domain::media::prune_unattached(&app.state).await.unwrap(), 1);
    assert_eq!(reqwest::get(format!("{}/{bucket}/{key}", moto.endpoint)).await.unwrap().status(), 404);

    // With a public URL (a CDN in front of the bucket), media URLs point there.
    let endpoint = moto.endpoint.clone();
    let public = format!("{}/{bucket}", moto.endpoint);
    let bucket_name = bucket.clone();
    let public_copy = public.clone();
    let cdn = TestApp::spawn_with(b, move |s| {
        s.media.storage = buurt::config::MediaStorage::S3;
        s.media.s3.endpoint = endpoint;
        s.media.s3.bucket = bucket_name;
        s.media.s3.access_key = "testing".into();
        s.media.s3.secret_key = "testing".into();
        s.media.s3.public_url = public_copy;
    })
    .await;
    let api = cdn.api_user("mira").await;
    let uploaded = upload_api(&cdn, &api, jpeg_with_exif(64, 64, 1), Some("Een vierkant")).await;
    let url = uploaded["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{public}/")), "{url}");
    let direct = reqwest::get(url).await.unwrap();
    assert_eq!(direct.status(), 200);
    assert_eq!(direct.headers()["content-type"], "image/jpeg");
}
