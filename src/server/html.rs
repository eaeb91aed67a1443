//! A fix to the HTML leptos 0.8 renders, so every page passes an HTML validator: its
//! empty hydration markers `<!>` are bogus comments to the HTML parser (written here as
//! the equivalent `<!---->`, which the browser parses into the same empty comment node,
//! so hydration sees an identical DOM). Text can't contain `<!>`: leptos escapes `<` in
//! text and attributes, so only its own markers match. The scripts leptos streams after
//! `</html>` (its empty resource tables) are moved inside `<body>`, without the
//! per-request nonce it gives them: the policy trusts them by hash, and a page that
//! doesn't change from one request to the next keeps its `ETag`.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Largest HTML page rewritten; anything larger passes through untouched.
const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

pub async fn valid_html(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HTML_BYTES).await else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let fixed = match std::str::from_utf8(&bytes) {
        Ok(text) => tidy(text).into_bytes(),
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(fixed))
}

/// Rewrites the markers described in the module comment, and moves anything streamed
/// after `</html>` (leptos appends a resource script there) to just before `</body>`,
/// where it runs at the same moment.
pub fn tidy(html: &str) -> String {
    let mut html = html.replace("<!>", "<!---->");
    if let Some(end) = html.rfind("</body></html>") {
        let trailing = without_nonces(&html[end + "</body></html>".len()..]);
        if !trailing.trim().is_empty() {
            html.truncate(end);
            html.push_str(&trailing);
            html.push_str("</body></html>");
        }
    }
    html
}

/// `scripts` (leptos's own, after `</html>`) without their `nonce="…"` attributes.
fn without_nonces(scripts: &str) -> String {
    const ATTR: &str = " nonce=\"";
    let mut out = String::with_capacity(scripts.len());
    let mut rest = scripts;
    while let Some(i) = rest.find(ATTR) {
        out.push_str(&rest[..i]);
        let value = &rest[i + ATTR.len()..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn markers_become_valid_html_and_trailing_scripts_move_into_the_body() {
        let html = r#"<p>a<!>b</p></body></html><script nonce="Xy_z">x()</script>"#;
        assert_eq!(
            tidy(html),
            r#"<p>a<!---->b</p><script>x()</script></body></html>"#
        );
    }

    #[test]
    fn text_that_looks_like_an_attribute_is_left_alone() {
        let html =
            r#"<h1>Why crossorigin="anonymous matters, nonce="a"</h1><p>x</p></body></html>"#;
        assert_eq!(tidy(html), html);
    }
}
