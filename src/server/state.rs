//! Application state handed to handlers, pages and server functions through context.

use super::assets::Assets;
use super::config::Config;
use super::db::DynStore;
use super::page_cache::{PageCache, SharedCache};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// The state every handler and middleware extracts. Cloned several times per request
/// (once per layer that takes it), so it is one `Arc`: cloning the fields themselves
/// (the leptos options' many shared strings, the handles) took about half the CPU of a
/// page served from the page cache.
#[derive(Clone)]
pub struct AppState(Arc<StateParts>);

/// What [`AppState`] holds.
pub struct StateParts {
    pub leptos_options: LeptosOptions,
    pub store: DynStore,
    pub config: Arc<Config>,
    /// The island bundle's names and the policy that trusts its boot script.
    pub assets: Arc<Assets>,
    /// Rendered public pages for anonymous readers.
    pub cache: SharedCache,
    /// Places for expensive public work (search) that may run at once, so a flood of it
    /// can't take every database connection from the rest of the site.
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// Places for processing uploads and the picture variants held in memory.
    pub media: Arc<super::media::MediaState>,
    /// The Prometheus recorder's handle, when the server installed one (tests don't).
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
}

impl std::ops::Deref for AppState {
    type Target = StateParts;

    fn deref(&self) -> &StateParts {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for DynStore {
    fn from_ref(state: &AppState) -> Self {
        state.store.clone()
    }
}

/// Searches that may run at once on one instance: one per core and one more, so no core
/// sits idle while a search waits on the database (with one per core, a quarter of the
/// CPU was idle under a stream of searches), and at most four, so most of the eight
/// pooled connections stay free for every other page.
pub fn heavy_permits() -> usize {
    std::thread::available_parallelism().map_or(2, |n| (n.get() + 1).clamp(2, 4))
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, store: DynStore, config: Config) -> Self {
        Self::with_metrics(leptos_options, store, config, None)
    }

    /// The state of a server that records metrics with the Prometheus `handle`.
    pub fn with_metrics(
        leptos_options: LeptosOptions,
        store: DynStore,
        config: Config,
        metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    ) -> Self {
        let assets = Assets::load(&leptos_options.site_root, config.secure_cookies());
        AppState(Arc::new(StateParts {
            cache: PageCache::new(config.page_cache_bytes),
            leptos_options,
            store,
            config: Arc::new(config),
            assets: Arc::new(assets),
            heavy: Arc::new(tokio::sync::Semaphore::new(heavy_permits())),
            media: Arc::new(super::media::MediaState::default()),
            metrics,
        }))
    }
}
