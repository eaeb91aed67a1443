//! Old addresses answer `301 Moved Permanently`: a renamed article's earlier slugs lead
//! to its current address, and a byline-only author linked to a staff account leads to
//! that account's author page. Looked up only when the page itself is not found, so
//! live pages pay nothing; the page cache keeps the answer until content changes.

use super::db::DynStore;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The middleware: a 404 for `/articles/{slug}` or `/authors/{slug}` becomes a 301 when
/// the address is an old one.
pub async fn moved(State(store): State<DynStore>, req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let res = next.run(req).await;
    if res.status() != StatusCode::NOT_FOUND {
        return res;
    }
    let target = match old_address(&path) {
        Some(("articles", slug)) => store.moved_article(slug).await,
        Some(("authors", slug)) => store.moved_author(slug).await,
        _ => return res,
    };
    match target {
        Ok(Some(slug)) => {
            let kind = if path.starts_with("/articles/") {
                "articles"
            } else {
                "authors"
            };
            let location = format!("/{kind}/{slug}{query}");
            match HeaderValue::from_str(&location) {
                Ok(value) => {
                    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response()
                }
                Err(_) => res,
            }
        }
        Ok(None) => res,
        // The page was not found either way; the lookup failing changes nothing for the
        // reader, and the next request tries again.
        Err(e) => {
            tracing::warn!(error = %e, "looking up an old address failed");
            res
        }
    }
}

/// `("articles", slug)` or `("authors", slug)` for a path naming one article or author.
fn old_address(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/')?;
    let (kind, slug) = rest.split_once('/')?;
    let valid = matches!(kind, "articles" | "authors")
        && !slug.is_empty()
        && slug.len() <= 200
        && !slug.contains('/');
    valid.then_some((kind, slug))
}

#[cfg(test)]
mod tests {
    use super::old_address;

    #[test]
    fn only_single_article_and_author_addresses_are_looked_up() {
        assert_eq!(old_address("/articles/a-b"), Some(("articles", "a-b")));
        assert_eq!(old_address("/authors/wire"), Some(("authors", "wire")));
        assert_eq!(old_address("/articles/"), None);
        assert_eq!(old_address("/articles/a/b"), None);
        assert_eq!(old_address("/tags/a"), None);
        assert_eq!(old_address("/articles"), None);
    }
}
