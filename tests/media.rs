//! Pictures: uploads are recognised by content and stripped of every piece of metadata,
//! turned upright, refused with a clear message when they are not photos we take (and
//! then nothing is stored), stored once per distinct file, served at immutable
//! addresses, and shown in articles, social cards, structured data, feeds and the front
//! page. Runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::common::images::*;
use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gazette::model::{LeadImageDraft, Role, SavedArticle, UploadOutcome};
use serde_json::json;

/// The raw bytes at `path`.
async fn fetch(site: &Site, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = site
        .app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

async fn stored_media(site: &Site) -> usize {
    site.store.list_media("", 100).await.unwrap().len()
}

/// Every width (WebP and JPEG) and crop of `m` is served as WebP or JPEG with no
/// metadata block left.
async fn assert_every_variant_is_bare(site: &Site, m: &gazette::model::MediaRef) {
    let mut names: Vec<String> = Vec::new();
    for width in m.widths() {
        for ext in ["webp", "jpg"] {
            names.push(m.url(width, ext));
        }
    }
    names.extend(m.crops().into_iter().map(|(path, _, _)| path));
    for path in &names {
        let (status, headers, bytes) = fetch(site, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let kind = &headers[header::CONTENT_TYPE];
        assert!(
            kind == "image/webp" || kind == "image/jpeg",
            "{path}: {kind:?}"
        );
        assert_eq!(metadata_blocks(&bytes), Vec::<String>::new(), "{path}");
    }
}

#[tokio::test]
async fn a_sources_photo_is_served_upright_with_no_metadata_left() {
    let site = Site::new().await;
    let cookie = site.session(Role::Author).await;
    // 800 × 400 as stored; Orientation 6 says "turn 90° clockwise to view".
    let original = jpeg_with_metadata(&photo(800, 400), 6);
    assert!(
        !metadata_blocks(&original).is_empty(),
        "the test photo carries metadata to remove"
    );
    let item = site
        .upload_ok(&cookie, "A test picture", "IMG_0001.JPG", &original)
        .await;
    let m = &item.media;
    assert_eq!(
        (m.width, m.height),
        (400, 800),
        "dimensions swapped: upright"
    );
    assert_eq!(m.widths(), vec![320, 400]);

    assert_every_variant_is_bare(&site, m).await;
    // Upright: what was the left (red) half is now the top.
    let (_, _, jpeg) = fetch(&site, &m.url(400, "jpg")).await;
    let decoded = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    assert_eq!(decoded.dimensions(), (400, 800));
    let top = decoded.get_pixel(200, 100).0;
    let bottom = decoded.get_pixel(200, 700).0;
    assert!(top[0] > 150 && top[2] < 100, "top should be red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom should be blue: {bottom:?}"
    );
}

/// A phone's AVIF photo (made by `fixtures/pictures/make.py`): 800 × 400 as stored, red
/// left and blue right, with GPS, serial number and XMP, and the container's rotation
/// saying "turn a quarter clockwise".
const PHONE_AVIF: &[u8] = include_bytes!("../fixtures/pictures/phone-gps-rotated.avif");

/// The pixel at (`x`, `y`) of the picture at `path`, decoded.
async fn pixel(site: &Site, path: &str, x: u32, y: u32) -> ((u32, u32), [u8; 3]) {
    let (status, _, bytes) = fetch(site, path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
    (decoded.dimensions(), decoded.get_pixel(x, y).0)
}

#[tokio::test]
async fn an_avif_from_a_phone_is_served_upright_with_no_metadata_left() {
    let site = Site::new().await;
    let cookie = site.session(Role::Author).await;
    for secret in SECRETS.iter().filter(|s| **s != b"Photoshop 3.0") {
        assert!(
            PHONE_AVIF.windows(secret.len()).any(|w| w == *secret),
            "the test photo carries {:?}",
            String::from_utf8_lossy(secret)
        );
    }
    let item = site
        .upload_ok(&cookie, "A phone picture", "IMG_0002.avif", PHONE_AVIF)
        .await;
    let m = &item.media;
    assert_eq!((m.width, m.height), (400, 800), "turned upright");
    assert_every_variant_is_bare(&site, m).await;
    let (size, top) = pixel(&site, &m.url(400, "jpg"), 200, 100).await;
    assert_eq!(size, (400, 800));
    assert!(top[0] > 150 && top[2] < 100, "top should be red: {top:?}");
    let (_, bottom) = pixel(&site, &m.url(400, "webp"), 200, 700).await;
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom should be blue: {bottom:?}"
    );
}

#[tokio::test]
async fn avif_transparency_and_twelve_bit_colour_come_out_right() {
    let site = Site::new().await;
    let cookie = site.session(Role::Editor).await;
    // Opaque above its middle, transparent below: flattened onto white.
    let half = include_bytes!("../fixtures/pictures/half-transparent.avif");
    let m = site
        .upload_ok(&cookie, "A sticker", "sticker.avif", half)
        .await
        .media;
    assert_eq!((m.width, m.height), (64, 32));
    let (_, red) = pixel(&site, &m.url(64, "jpg"), 8, 4).await;
    assert!(red[0] > 180 && red[1] < 80, "opaque red: {red:?}");
    let (_, white) = pixel(&site, &m.url(64, "jpg"), 8, 28).await;
    assert!(
        white.iter().all(|c| *c > 230),
        "transparent is white: {white:?}"
    );
    // 12 bits a sample: red left, blue right, at their own brightness.
    let deep = include_bytes!("../fixtures/pictures/twelve-bit.avif");
    let m = site
        .upload_ok(&cookie, "A deep picture", "deep.avif", deep)
        .await
        .media;
    let (_, left) = pixel(&site, &m.url(64, "webp"), 8, 16).await;
    let (_, right) = pixel(&site, &m.url(64, "jpg"), 56, 16).await;
    for (px, want) in [(left, [220, 30, 30]), (right, [30, 30, 220])] {
        assert!(
            px.iter().zip(want).all(|(a, b)| (*a as i32 - b).abs() < 24),
            "{px:?} should be near {want:?}"
        );
    }
}

#[tokio::test]
async fn damaged_and_oversized_avifs_are_refused_and_store_nothing() {
    let site = Site::new().await;
    let cookie = site.session(Role::Editor).await;
    // The same photo declaring 19,000 × 19,000 pixels in its `ispe` box.
    let mut bomb = PHONE_AVIF.to_vec();
    let at = bomb.windows(4).position(|w| w == b"ispe").unwrap() + 8;
    bomb[at..at + 4].copy_from_slice(&19_000u32.to_be_bytes());
    bomb[at + 4..at + 8].copy_from_slice(&19_000u32.to_be_bytes());
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("bomb.avif", bomb, "19000 × 19000 pixels"),
        (
            "cut.avif",
            PHONE_AVIF[..PHONE_AVIF.len() * 2 / 3].to_vec(),
            "The AVIF file is truncated or damaged",
        ),
        (
            "camera.heic",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
            "HEIC",
        ),
    ];
    for (name, bytes, message) in cases {
        let reply = site
            .upload(Some(&cookie), "alt", &[(name, bytes.as_slice())])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let outcomes: Vec<UploadOutcome> = serde_json::from_str(&reply.body).unwrap();
        let error = outcomes[0].error.clone().unwrap_or_default();
        assert!(error.contains(message), "{name}: {error}");
        assert_no_internals(&reply.body);
    }
    assert_eq!(stored_media(&site).await, 0, "nothing was stored");
}

#[tokio::test]
async fn refused_files_get_a_clear_message_and_store_nothing() {
    let site = Site::new().await;
    let cookie = site.session(Role::Editor).await;
    let whole = encode_jpeg(&photo(600, 400), 85);
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("logo.svg", svg.to_vec(), "SVG images are not accepted"),
        ("bomb.png", png_bomb(19_000, 19_000), "19000 × 19000 pixels"),
        (
            "cut.jpg",
            whole[..whole.len() / 2].to_vec(),
            "truncated or damaged",
        ),
        (
            "page.jpg",
            b"<!doctype html><html><body>not a photo</body></html>".to_vec(),
            "not an image Gazette accepts",
        ),
        ("huge.png", png_bomb(30_000, 10), "20000 pixels a side"),
    ];
    for (name, bytes, message) in cases {
        let reply = site
            .upload(Some(&cookie), "alt", &[(name, bytes.as_slice())])
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let outcomes: Vec<UploadOutcome> = serde_json::from_str(&reply.body).unwrap();
        let error = outcomes[0].error.clone().unwrap_or_default();
        assert!(error.contains(message), "{name}: {error}");
        assert!(outcomes[0].uploaded.is_none());
        assert_no_internals(&reply.body);
    }
    assert_eq!(stored_media(&site).await, 0, "nothing was stored");
    assert!(site
        .column("SELECT name FROM media_variants")
        .await
        .is_empty());
}

#[tokio::test]
async fn the_same_file_twice_is_stored_once() {
    let site = Site::new().await;
    let cookie = site.session(Role::Author).await;
    let bytes = encode_png(&photo(300, 200));
    let first = site
        .upload(Some(&cookie), "Chart", &[("a.png", bytes.as_slice())])
        .await;
    let second = site
        .upload(Some(&cookie), "Chart", &[("copy.png", bytes.as_slice())])
        .await;
    let first: Vec<UploadOutcome> = serde_json::from_str(&first.body).unwrap();
    let second: Vec<UploadOutcome> = serde_json::from_str(&second.body).unwrap();
    let (a, b) = (
        first[0].uploaded.clone().unwrap(),
        second[0].uploaded.clone().unwrap(),
    );
    assert!(!a.existing && b.existing);
    assert_eq!(a.item.media.id, b.item.media.id);
    assert_eq!(stored_media(&site).await, 1);
}

#[tokio::test]
async fn variants_are_served_immutable_with_an_etag_and_their_type() {
    let site = Site::new().await;
    let cookie = site.session(Role::Author).await;
    let item = site
        .upload_ok(
            &cookie,
            "A test picture",
            "p.jpg",
            &encode_jpeg(&photo(1400, 900), 90),
        )
        .await;
    let m = &item.media;
    assert_eq!(m.widths(), vec![320, 640, 960, 1280, 1400]);
    let path = m.url(640, "webp");
    let (status, headers, bytes) = fetch(&site, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/webp");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(bytes.starts_with(b"RIFF"));
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (640, m.height_at(640)));
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    let again = site
        .send(
            Request::get(&path)
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let (jpeg_status, jpeg_headers, _) = fetch(&site, &m.url(1280, "jpg")).await;
    assert_eq!(jpeg_status, StatusCode::OK);
    assert_eq!(jpeg_headers[header::CONTENT_TYPE], "image/jpeg");
    let missing = format!("/media/{}-1280.webp", "0".repeat(32));
    assert_eq!(fetch(&site, &missing).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        fetch(&site, "/media/..%2F..%2Fetc-passwd").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn uploading_needs_a_staff_session() {
    let site = Site::new().await;
    let bytes = encode_jpeg(&photo(100, 100), 80);
    let reply = site.upload(None, "x", &[("a.jpg", bytes.as_slice())]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(stored_media(&site).await, 0);
    // Every role that may write drafts may upload.
    for role in [Role::Author, Role::Editor, Role::Admin, Role::Owner] {
        let cookie = site.session(role).await;
        let reply = site
            .upload(Some(&cookie), "x", &[("a.jpg", bytes.as_slice())])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{role:?}");
    }
}

#[tokio::test]
async fn cross_site_uploads_are_refused() {
    let site = Site::new().await;
    let cookie = site.session(Role::Editor).await;
    let (content_type, body) = multipart(
        "x",
        &[("a.jpg", encode_jpeg(&photo(64, 64), 80).as_slice())],
    );
    let reply = site
        .send(
            Request::post("/admin/media/upload")
                .header(header::CONTENT_TYPE, content_type)
                .header(header::COOKIE, &cookie)
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(stored_media(&site).await, 0);
}

#[tokio::test]
async fn media_library_functions_check_the_role_first() {
    let site = Site::new().await;
    let uploader = site.session(Role::Author).await;
    let item = site
        .upload_ok(
            &uploader,
            "A test picture",
            "a.jpg",
            &encode_jpeg(&photo(300, 200), 85),
        )
        .await;
    let id = item.media.id;
    let calls = [
        ("list_media", json!({ "query": "" })),
        (
            "update_media",
            json!({ "id": id, "alt": "a", "caption": "c", "credit": "d" }),
        ),
        ("set_media_focus", json!({ "id": id, "x": 10, "y": 10 })),
        ("delete_media", json!({ "id": id })),
    ];
    for (name, args) in &calls {
        let reply = site.call(name, args.clone(), None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{name}");
    }
    // Another author may not change or delete someone else's upload.
    let other = site.session(Role::Author).await;
    for (name, args) in &calls[1..] {
        let reply = site.call(name, args.clone(), Some(&other)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{name}");
    }
    // Deleting is for editors and above, even of one's own upload.
    let reply = site
        .call("delete_media", json!({ "id": id }), Some(&uploader))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(stored_media(&site).await, 1);
    // The uploader may edit the words and the focal point.
    let reply = site
        .call("update_media", calls[1].1.clone(), Some(&uploader))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let reply = site
        .call("set_media_focus", calls[2].1.clone(), Some(&uploader))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn the_library_searches_edits_and_deletes_only_unused_pictures() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let harbour = site
        .upload_ok(
            &editor,
            "A test picture",
            "h.jpg",
            &encode_jpeg(&photo(320, 200), 80),
        )
        .await;
    let mountain = site
        .upload_ok(
            &editor,
            "A test picture",
            "m.png",
            &encode_png(&photo(200, 320)),
        )
        .await;
    let reply = site
        .call(
            "update_media",
            json!({ "id": harbour.media.id, "alt": "Boats in the harbour at dawn",
                    "caption": "Morning", "credit": "Ada Photographer" }),
            Some(&editor),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let found = site
        .call("list_media", json!({ "query": "ada photo" }), Some(&editor))
        .await;
    let found: Vec<gazette::model::MediaItem> = serde_json::from_str(&found.body).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].media.id, harbour.media.id);

    // Used as a lead image: deleting is refused, naming the article.
    let mut draft = sample_draft("Harbour story");
    draft.lead_image = Some(LeadImageDraft {
        media_id: harbour.media.id,
        alt: "Boats".into(),
        caption: String::new(),
        credit: String::new(),
    });
    let saved = site
        .call("save_article", json!({ "draft": draft }), Some(&editor))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let item = site
        .store
        .media_item(harbour.media.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.used_by.len(), 1);
    assert_eq!(item.used_by[0].1, "Harbour story");
    let refused = site
        .call(
            "delete_media",
            json!({ "id": harbour.media.id }),
            Some(&editor),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("Harbour story"), "{}", refused.body);
    assert_eq!(stored_media(&site).await, 2);

    let deleted = site
        .call(
            "delete_media",
            json!({ "id": mountain.media.id }),
            Some(&editor),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(stored_media(&site).await, 1);
    let (status, _, _) = fetch(&site, &mountain.media.url(200, "webp")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// An editor's draft with a lead image (alt `alt`) and an inline picture; returns it saved.
async fn article_with_pictures(
    site: &Site,
    editor: &str,
    alt: &str,
) -> (
    SavedArticle,
    gazette::model::MediaItem,
    gazette::model::MediaItem,
) {
    let lead = site
        .upload_ok(
            editor,
            "A test picture",
            "lead.jpg",
            &encode_jpeg(&photo(2400, 1600), 85),
        )
        .await;
    let inline = site
        .upload_ok(
            editor,
            "A test picture",
            "chart.png",
            &encode_png(&photo(700, 400)),
        )
        .await;
    let mut draft = sample_draft("Pictures at the harbour");
    draft.body = format!(
        "Opening paragraph.\n\n![A chart of arrivals](media:{} \"Arrivals by month\")\n\nMore text.",
        inline.media.id
    );
    draft.lead_image = Some(LeadImageDraft {
        media_id: lead.media.id,
        alt: alt.into(),
        caption: "Boats at dawn.".into(),
        credit: "Ada Photographer".into(),
    });
    let reply = site
        .call("save_article", json!({ "draft": draft }), Some(editor))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    (serde_json::from_str(&reply.body).unwrap(), lead, inline)
}

#[tokio::test]
async fn publishing_a_lead_image_without_alt_text_is_refused_on_the_field() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let (saved, _, _) = article_with_pictures(&site, &editor, "  ").await;
    let reply = site
        .call(
            "publish_article",
            json!({ "id": saved.id, "version": saved.version }),
            Some(&editor),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.body.contains(gazette::model::LEAD_ALT_REQUIRED),
        "{}",
        reply.body
    );
    let a = site.store.article_by_id(saved.id).await.unwrap().unwrap();
    assert_eq!(a.status, gazette::model::ArticleStatus::Draft);
}

#[tokio::test]
async fn outside_images_are_refused_and_unknown_pictures_too() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let mut draft = sample_draft("Hot link");
    draft.body = "Look: ![cat](https://example.com/cat.jpg)".into();
    let reply = site
        .call("save_article", json!({ "draft": draft }), Some(&editor))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("media library"), "{}", reply.body);
    draft.body = "![cat](media:999)".into();
    let reply = site
        .call("save_article", json!({ "draft": draft }), Some(&editor))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("Picture 999"), "{}", reply.body);
    // Raw HTML can't hot-link either.
    let r = gazette::server::render::markdown("<img src=\"https://example.com/x.jpg\" alt=\"x\">");
    assert!(!r.html.contains("example.com"), "{}", r.html);
    assert_eq!(site.article_count().await, 0);
}

#[tokio::test]
async fn published_pictures_reach_the_page_cards_structured_data_and_feed() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let (saved, lead, inline) =
        article_with_pictures(&site, &editor, "Fishing boats at dawn").await;
    let reply = site
        .call(
            "publish_article",
            json!({ "id": saved.id, "version": saved.version }),
            Some(&editor),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let page = site.get(&format!("/articles/{}", saved.slug), None).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    let lead_webp = lead.media.url(2048, "webp");
    assert!(html.contains("<figure class=\"lead-image\">"), "{html}");
    assert!(
        html.contains("<source type=\"image/webp\" srcset=\""),
        "{html}"
    );
    assert!(html.contains(&lead_webp), "{html}");
    assert!(html.contains(r#"fetchpriority="high""#));
    assert!(html.contains(r#"alt="Fishing boats at dawn""#));
    assert!(html.contains("width=\"2400\" height=\"1600\""));
    assert!(html.contains("Boats at dawn.") && html.contains("Ada Photographer"));
    // The inline picture: lazy, with its caption.
    assert!(html.contains(&inline.media.url(700, "webp")), "{html}");
    assert!(html.contains(r#"loading="lazy""#) && html.contains(r#"decoding="async""#));
    assert!(
        html.contains("<figcaption>Arrivals by month</figcaption>"),
        "{html}"
    );

    // Social cards: og:image is the 16:9 crop with its size; a large Twitter card.
    let (crop, w, h) = lead.media.crops()[0].clone();
    assert_eq!((w, h), (1200, 675));
    assert!(
        html.contains(&format!("http://127.0.0.1:3000{crop}")),
        "{html}"
    );
    assert!(
        html.contains(r#"property="og:image:width" content="1200""#),
        "{html}"
    );
    assert!(html.contains(r#"property="og:image:height" content="675""#));
    assert!(html.contains(r#"property="og:image:alt" content="Fishing boats at dawn""#));
    assert!(html.contains(r#"content="summary_large_image""#));
    let (status, _, bytes) = fetch(&site, &crop).await;
    assert_eq!(status, StatusCode::OK);
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 675));

    // JSON-LD: three ImageObjects (16:9, 4:3, 1:1), at least 1200 pixels wide.
    let start = html.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    let images = ld["@graph"][0]["image"].as_array().unwrap();
    let sizes: Vec<(u64, u64)> = images
        .iter()
        .map(|i| (i["width"].as_u64().unwrap(), i["height"].as_u64().unwrap()))
        .collect();
    assert_eq!(sizes, vec![(1200, 675), (1200, 900), (1200, 1200)]);
    assert!(images.iter().all(|i| i["@type"] == "ImageObject"));

    // The feed carries the picture as media:content.
    let feed = site.get("/feed.xml", None).await;
    let doc = roxmltree::Document::parse(&feed.body).unwrap();
    let content = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "content"
                && n.tag_name().namespace() == Some("http://search.yahoo.com/mrss/")
        })
        .expect("media:content in the feed");
    assert_eq!(content.attribute("width"), Some("1280"));
    assert_eq!(content.attribute("height"), Some("853"));
    assert!(content
        .attribute("url")
        .unwrap()
        .ends_with(&lead.media.url(1280, "jpg")));

    // The front page: the newest story large with its picture, byline and tags.
    let home = site.get("/", None).await;
    assert!(home.body.contains("card card-lead"), "{}", home.body);
    assert!(home.body.contains(&lead.media.url(320, "webp")));
    assert!(home.body.contains("class=\"byline\""), "{}", home.body);
    assert!(home.body.contains("href=\"/tags/science\""));
}

#[tokio::test]
async fn moving_the_focal_point_makes_new_crops() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let item = site
        .upload_ok(
            &editor,
            "A test picture",
            "wide.jpg",
            &encode_jpeg(&photo(2000, 1000), 85),
        )
        .await;
    let before = item.media.crops();
    let reply = site
        .call(
            "set_media_focus",
            json!({ "id": item.media.id, "x": 0, "y": 50 }),
            Some(&editor),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let moved: gazette::model::MediaItem = serde_json::from_str(&reply.body).unwrap();
    let after = moved.media.crops();
    assert_ne!(
        before[2].0, after[2].0,
        "a new address for the new square crop"
    );
    let (status, _, bytes) = fetch(&site, &after[2].0).await;
    assert_eq!(status, StatusCode::OK);
    // Focused on the left edge: the square is all red.
    let square = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let right_edge = square.get_pixel(square.width() - 5, square.height() / 2).0;
    assert!(right_edge[0] > 150, "{right_edge:?}");
    assert_eq!(fetch(&site, &before[2].0).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_site_copy_carries_its_pictures() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let (saved, lead, _) = article_with_pictures(&site, &editor, "Boats").await;
    let target = TestDb::new().await;
    let copy = gazette::server::db::connect(&target.url).await.unwrap();
    copy.migrate().await.unwrap();
    copy.import_site(&site.store.export_site().await.unwrap())
        .await
        .unwrap();
    let a = copy.article_by_id(saved.id).await.unwrap().unwrap();
    assert_eq!(a.lead_image.unwrap().media.id, lead.media.id);
    let variant = copy
        .media_variant(&lead.media.hash, "640.webp")
        .await
        .unwrap();
    assert!(variant.is_some());
    assert_eq!(copy.list_media("", 10).await.unwrap().len(), 2);
}
