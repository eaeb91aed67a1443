//! The HTML shell and the route table.

use crate::components::site::{page_language, site};
use crate::model::PRODUCT_NAME;
use crate::pages::admin::account::AccountPage;
use crate::pages::admin::audit::AuditPage;
use crate::pages::admin::edit::EditArticlePage;
use crate::pages::admin::history::{HistoryPage, PreviewPage};
use crate::pages::admin::list::AdminHome;
use crate::pages::admin::login::{LoginPage, SetupPage, TwoFactorLoginPage};
use crate::pages::admin::media::MediaPage;
use crate::pages::admin::settings::SettingsPage;
use crate::pages::admin::users::{InvitePage, UsersPage};
use crate::pages::article::ArticlePage;
use crate::pages::contact::ContactPage;
use crate::pages::corrections::CorrectionsPage;
use crate::pages::home::HomePage;
use crate::pages::listing::{AuthorPage, SearchPage, TagPage};
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The site's stylesheet, inlined into every page: about 3 KB compressed, it arrives with
/// the document in the first round trip and blocks nothing.
const STYLE: &str = include_str!("../style/main.css");

/// The document around every page. Only pages that hold an island (articles, the staff
/// pages) load the island bundle; every other page ships no JavaScript at all. The
/// language is the publication's, or an article's own.
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang=page_language()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="generator" content=PRODUCT_NAME/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <style inner_html=STYLE></style>
                {island_scripts()}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The narrowest logo variant the masthead takes (shown 3rem high, sharp at 2×).
const LOGO_WIDTH: u32 = 320;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let site = site();
    let footer_line = if site.tagline.is_empty() {
        site.name.clone()
    } else {
        format!("{} — {}", site.name, site.tagline)
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="masthead">
            <a class="brand" href="/">
                {site.logo_at(LOGO_WIDTH).map(|(logo, width)| view! {
                    <img class="brand-logo" src=logo.url(width, "webp") width=width
                        height=logo.height_at(width) alt=""/>
                })}
                {site.name.clone()}
            </a>
            <nav class="site-nav" aria-label="Site">
                <a href="/">"Latest"</a>
                <a href="/search">"Search"</a>
                <a href="/feed.xml">"RSS"</a>
            </nav>
        </header>
        <Router>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/articles/:slug") view=ArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/tags/:slug") view=TagPage ssr=SsrMode::Async/>
                    <Route path=path!("/authors/:slug") view=AuthorPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminHome ssr=SsrMode::Async/>
                    <Route path=path!("/admin/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/login/two-factor") view=TwoFactorLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/media") view=MediaPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/settings") view=SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/invite") view=InvitePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/setup") view=SetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/articles/new") view=EditArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/articles/:id") view=EditArticlePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/articles/:id/history") view=HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/articles/:id/preview") view=PreviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/corrections") view=CorrectionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/contact") view=ContactPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
        <footer class="site-footer">
            <p>{footer_line}</p>
            {(!site.contact.is_empty()).then(|| view! { <p><a href="/contact">"Contact"</a></p> })}
            {site.powered_by.then(|| view! {
                <p class="powered-by">"Powered by " {PRODUCT_NAME}</p>
            })}
        </footer>
    }
}

/// The preload hints and boot script of the island bundle a page needs: the readers'
/// (the FAQ alone) on articles, the newsroom's on staff pages, none anywhere else.
#[cfg(feature = "ssr")]
fn island_scripts() -> impl IntoView {
    let path = use_context::<axum::http::request::Parts>()
        .map(|p| p.uri.path().to_string())
        .unwrap_or_default();
    let assets = use_context::<crate::server::state::AppState>().map(|s| s.assets.clone())?;
    let bundle = if path.starts_with("/articles/") {
        &assets.reader
    } else if path.starts_with("/admin") {
        &assets.staff
    } else {
        return None;
    };
    Some(view! {
        <link rel="modulepreload" href=bundle.js.clone()/>
        <link rel="preload" href=bundle.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        <script type="module" inner_html=bundle.boot.clone()></script>
    })
}

#[cfg(not(feature = "ssr"))]
fn island_scripts() -> impl IntoView {}
