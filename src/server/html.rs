//! Two fixes to the HTML leptos 0.8 renders, so every page passes an HTML validator:
//! its empty hydration markers `<!>` are bogus comments to the HTML parser (written
//! here as the equivalent `<!---->`, which the browser parses into the same empty
//! comment node, so hydration sees an identical DOM), and its resource hints carry the
//! script nonce as their `crossorigin` value (written here as `anonymous`, which is
//! what the browser assumed for the unknown value anyway). A script leptos streams after
//! `</html>` is moved inside `<body>`.

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

/// Rewrites the markers and `crossorigin` values described in the module comment, and
/// moves anything streamed after `</html>` (leptos appends a resource script there) to
/// just before `</body>`, where it runs at the same moment.
pub fn tidy(html: &str) -> String {
    let mut html = html.replace("<!>", "<!---->");
    if let Some(end) = html.rfind("</body></html>") {
        let trailing = html[end + "</body></html>".len()..].to_string();
        if !trailing.trim().is_empty() {
            html.truncate(end);
            html.push_str(&trailing);
            html.push_str("</body></html>");
        }
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    const ATTR: &str = "crossorigin=\"";
    while let Some(i) = rest.find(ATTR) {
        let value_start = i + ATTR.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        out.push_str(match value {
            "use-credentials" => "use-credentials",
            _ => "anonymous",
        });
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn markers_and_nonce_crossorigin_become_valid_html() {
        let html = r#"<link rel="modulepreload" href="/pkg/a.js" crossorigin="Xy_z"><p>a<!>b</p><a crossorigin="use-credentials"></body></html><script>x()</script>"#;
        assert_eq!(
            tidy(html),
            r#"<link rel="modulepreload" href="/pkg/a.js" crossorigin="anonymous"><p>a<!---->b</p><a crossorigin="use-credentials"><script>x()</script></body></html>"#
        );
    }
}
