//! The staff desk's server functions: the filtered article list, the editors' review
//! queue, and editor presence (who else has an article open). Each one's first line
//! checks a [`Permission`](crate::model::Permission) against the session's role.

use crate::error::AppError;
use crate::model::{DeskFilter, DeskPage, EditorPresence};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// How often an open editor says it is still open, in seconds.
pub const PRESENCE_HEARTBEAT_SECS: u64 = 15;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::api::public::search_terms;
    use crate::error::AppError;
    pub use crate::model::{DeskFilter, DeskPage, Permission, User, DESK_PAGE_SIZE};
    pub use crate::server::auth::require;
    use crate::server::db::{DeskOrder, DeskQuery};
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;

    /// An editor not heard from for this long has been closed.
    pub const PRESENCE_EXPIRY: chrono::Duration = chrono::Duration::seconds(60);
    /// Tags offered in the desk's tag filter.
    const DESK_TAGS: i64 = 1_000;

    /// The start of day `d` in time zone `tz` (the publication's): the first moment of
    /// that day there, even on a day its clocks change.
    fn day_start(d: chrono::NaiveDate, tz: chrono_tz::Tz) -> chrono::DateTime<chrono::Utc> {
        use chrono::TimeZone;
        let midnight = d.and_time(chrono::NaiveTime::MIN);
        (0..4)
            .find_map(|h| {
                tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&chrono::Utc))
    }

    /// The order of the list the page shows.
    pub enum View {
        Desk,
        Review,
    }

    /// One page of the desk for `user`: an author sees only their own articles, anyone
    /// choosing "Mine" only theirs.
    pub async fn desk_page(
        user: &User,
        filter: &DeskFilter,
        view: View,
    ) -> Result<DeskPage, AppError> {
        filter.check().map_err(AppError::Validation)?;
        let state = expect_context::<AppState>();
        let own_only = !user.role.can(Permission::EditAny);
        let site = crate::server::settings::current(&state).await?;
        let tz: chrono_tz::Tz = site.timezone.parse().unwrap_or(chrono_tz::UTC);
        let byline = (own_only || filter.mine).then_some(user.id);
        let terms = search_terms(&filter.q);
        let (order, status) = match view {
            View::Desk => (DeskOrder::Sort(filter.sort), filter.status),
            View::Review => (DeskOrder::Review, None),
        };
        let cursor = match (filter.after, filter.before) {
            (Some(c), _) => Some((c, false)),
            (None, Some(c)) => Some((c, true)),
            (None, None) => None,
        };
        let query = DeskQuery {
            status,
            byline,
            author_slug: filter.author.as_deref(),
            tag_slug: filter.tag.as_deref(),
            from: filter.from.map(|d| day_start(d, tz)),
            until: filter
                .to
                .and_then(|d| d.succ_opt())
                .map(|d| day_start(d, tz)),
            terms: &terms,
            order,
            cursor,
            // One more than a page tells whether another page follows.
            limit: DESK_PAGE_SIZE + 1,
        };
        let mut rows = state.store.desk_rows(&query).await?;
        let more = rows.len() as i64 > DESK_PAGE_SIZE;
        let backwards = matches!(cursor, Some((_, true)));
        if more {
            if backwards {
                rows.remove(0);
            } else {
                rows.pop();
            }
        }
        let first = rows.first().map(|r| r.cursor());
        let last = rows.last().map(|r| r.cursor());
        let (next, prev) = match cursor {
            None => (last.filter(|_| more), None),
            Some((_, false)) => (last.filter(|_| more), first),
            Some((_, true)) => (last, first.filter(|_| more)),
        };
        Ok(DeskPage {
            rows,
            counts: state.store.desk_counts(byline).await?,
            next,
            prev,
            authors: if own_only {
                Vec::new()
            } else {
                state.store.desk_authors().await?
            },
            tags: state.store.desk_tags(DESK_TAGS).await?,
            own_only,
        })
    }
}

/// One page of the articles this user may work on (all for editors, their own for
/// authors), filtered, sorted and counted by status as `filter` says.
#[server(prefix = "/api", endpoint = "list_desk", input = Json)]
pub async fn list_desk(filter: DeskFilter) -> Result<DeskPage, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    desk_page(&user, &filter, View::Desk).await
}

/// The review queue: articles waiting in review, the longest waiting first, under the
/// same filters (its status and order are its own).
#[server(prefix = "/api", endpoint = "list_review_queue", input = Json)]
pub async fn list_review_queue(filter: DeskFilter) -> Result<DeskPage, AppError> {
    use self::ssr::*;
    let user = require(Permission::EditAny).await?;
    desk_page(&user, &filter, View::Review).await
}

/// Says this user's editor has article `id` open, and returns who else has it open and
/// since when. The editor calls it every [`PRESENCE_HEARTBEAT_SECS`] while open.
#[server(prefix = "/api", endpoint = "editor_heartbeat", input = Json)]
pub async fn editor_heartbeat(id: i64) -> Result<Vec<EditorPresence>, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    crate::api::admin::ssr::editable(&state, &user, id).await?;
    state
        .store
        .touch_presence(id, user.id, crate::server::db::now(), PRESENCE_EXPIRY)
        .await
}

/// Says this user closed the editor on article `id`.
#[server(prefix = "/api", endpoint = "leave_editor", input = Json)]
pub async fn leave_editor(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    state.store.leave_presence(id, user.id).await
}
