//! Bad input everywhere: property tests that the importer, the Markdown renderer and
//! slugs never panic on anything, and that hostile values sent to the server functions
//! and forms get a 4xx with a clear message, never a 5xx, and store nothing.

use crate::common::*;
use gazette::model::Role;
use gazette::server::{import, render};
use proptest::prelude::*;
use serde_json::json;

/// Text built from the importer's own keywords, bullets, blank lines and arbitrary
/// characters, so the cases reach every section of the parser.
fn article_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Key Takeaways".to_string()),
        Just("Editor's Analysis & Impact".to_string()),
        Just("Frequently Asked Questions".to_string()),
        Just("AI Disclosure: none".to_string()),
        Just("Q: ".to_string()),
        Just("A: ".to_string()),
        Just("Dek: ".to_string()),
        Just("Slug: ".to_string()),
        Just("Image: x.png | alt".to_string()),
        Just("- ".to_string()),
        Just("• ".to_string()),
        Just(", , ,".to_string()),
        Just(String::new()),
        any::<String>(),
        "[aé漢\u{0}\u{202e}#*<>|:,\\-]{0,12}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_importer_never_panics(text in article_text()) {
        if let Ok(a) = import::parse(&text) {
            prop_assert!(!a.draft.title.trim().is_empty());
            let _ = import::slug_of(&a.draft);
        }
    }

    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        match import::decode(&bytes) {
            Ok(text) => prop_assert_eq!(text.as_bytes(), &bytes[..]),
            Err(e) => prop_assert!(e.line >= 1),
        }
    }

    #[test]
    fn rendered_markdown_never_carries_script(source in article_text()) {
        let html = render::markdown(&format!("{source}\n<script>alert(1)</script><img src=x onerror=y>")).html;
        prop_assert!(!html.contains("<script"));
        prop_assert!(!html.contains("onerror"));
    }

    #[test]
    fn slugs_are_never_empty_and_address_safe(text in any::<String>()) {
        let slug = render::slugify(&text);
        prop_assert!(!slug.is_empty());
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{}", slug);
    }
}

/// Hostile values for each text field of a draft: every one is refused with a 4xx and
/// a message, or stored as given; never a 5xx, and never anything internal in the reply.
#[tokio::test]
async fn hostile_drafts_get_a_clear_4xx_or_are_stored_never_a_5xx() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let huge = "x".repeat(11 * 1024 * 1024);
    let nested = format!("{}deep{}", "> ".repeat(5_000), "");
    let brackets = "[".repeat(50_000);
    let values: Vec<serde_json::Value> = vec![
        json!(huge),
        json!(nested),
        json!(brackets),
        json!("nul \u{0} byte"),
        json!("controls \u{1}\u{7}\u{1b}[31m"),
        json!("\u{202e}reversed"),
        json!(-1),
        json!(i64::MAX),
        json!(1e308),
        json!(null),
        json!({ "nested": [[[[["deep"]]]]] }),
    ];
    for field in ["title", "dek", "body", "analysis"] {
        for value in &values {
            let mut draft = serde_json::to_value(sample_draft("Hostile")).unwrap();
            draft[field] = value.clone();
            let before = site.article_count().await;
            let r = site
                .call(
                    "save_article",
                    json!({ "id": null, "base_version": null, "draft": draft }),
                    Some(&editor),
                )
                .await;
            let shown: String = value.to_string().chars().take(40).collect();
            assert!(
                r.status.as_u16() < 500,
                "{field} = {shown}: {} {}",
                r.status,
                r.body
            );
            assert_no_internals(&r.body);
            if r.status.is_client_error() {
                assert!(!r.body.trim().is_empty(), "{field} = {shown}: no message");
                assert_eq!(
                    site.article_count().await,
                    before,
                    "{field} = {shown}: stored"
                );
            }
        }
    }
    for (id, version) in [(-1_i64, 1_i64), (i64::MAX, i64::MIN), (0, 0)] {
        let r = site
            .call(
                "save_article",
                json!({ "id": id, "base_version": version, "draft": sample_draft("Nowhere") }),
                Some(&editor),
            )
            .await;
        assert!(
            r.status.is_client_error(),
            "id {id}: {} {}",
            r.status,
            r.body
        );
        let r = site
            .call(
                "publish_article",
                json!({ "id": id, "version": version }),
                Some(&editor),
            )
            .await;
        assert!(
            r.status.is_client_error(),
            "id {id}: {} {}",
            r.status,
            r.body
        );
    }
    for body in ["{", "[]", "null", "\"x\"", "{\"id\": \"one\"}"] {
        let r = site
            .send(
                axum::http::Request::post("/api/save_article")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .header("cookie", &editor)
                    .body(axum::body::Body::from(body))
                    .unwrap(),
            )
            .await;
        assert!(
            r.status.is_client_error(),
            "{body}: {} {}",
            r.status,
            r.body
        );
        assert_no_internals(&r.body);
    }
}
