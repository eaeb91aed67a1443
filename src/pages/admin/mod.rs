//! The staff area under `/admin`: login, first-owner set-up, the article list, editor,
//! history and preview, and the account page.
//! Every page for signed-in staff is a [`StaffPage`], which checks the session on the
//! server and sends visitors without one to the login page.

pub mod account;
pub mod audit;
pub mod edit;
pub mod history;
pub mod list;
pub mod login;
pub mod media;
pub mod settings;
pub mod users;

use crate::api::auth::get_current_user;
use crate::error::AppError;
use crate::model::{Permission, User};
use crate::pages::not_found::NotFound;
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use std::future::Future;

/// The staff navigation bar, with a logout button that works without JavaScript.
#[component]
pub fn AdminBar(user: User) -> impl IntoView {
    view! {
        <nav class="admin-bar" aria-label="Admin">
            <a href="/admin">"Articles"</a>
            <a href="/admin/articles/new">"New article"</a>
            <a href="/admin/media">"Media"</a>
            <a href="/admin/account">"Your account"</a>
            {user.role.can(Permission::ManageUsers).then(|| view! { <a href="/admin/users">"Staff"</a> })}
            {user.role.can(Permission::ViewAudit).then(|| view! { <a href="/admin/audit">"Audit log"</a> })}
            {user.role.can(Permission::ManageSettings).then(|| view! { <a href="/admin/settings">"Settings"</a> })}
            <span class="who">{user.name} " (" {user.role.as_str()} ")"</span>
            <form method="post" action="/admin/logout">
                <button type="submit">"Log out"</button>
            </form>
        </nav>
    }
}

/// A staff page's document title: its name and the publication's.
pub fn staff_title(page: &str) -> String {
    format!("{page} · {} admin", crate::components::site::site().name)
}

/// A staff page's own part: given the signed-in user, load what the page shows and
/// render it. Any `async` closure taking a [`User`] and returning this result is one.
pub trait StaffContent: Send + 'static {
    fn render(self, user: User) -> impl Future<Output = Result<AnyView, AppError>> + Send;
}

impl<F, Fut> StaffContent for F
where
    F: FnOnce(User) -> Fut + Send + 'static,
    Fut: Future<Output = Result<AnyView, AppError>> + Send + 'static,
{
    fn render(self, user: User) -> impl Future<Output = Result<AnyView, AppError>> + Send {
        self(user)
    }
}

/// The frame of every page for signed-in staff: its title, `Loading` while the session
/// and the page's data load, then the admin bar and the page's content.
///
/// Without a session the visitor goes to the login page. When the session can't be
/// checked (the database is down), or the content fails, the page shows the error with
/// its HTTP status instead ([`error_view`]): a login page would only hide the outage.
#[component]
pub fn StaffPage<C: StaffContent>(
    /// The page's name, for the document title.
    title: &'static str,
    /// Loads and renders the page for the signed-in user.
    content: C,
    /// Off for pages that show an article as readers will see it.
    #[prop(default = true)]
    admin_bar: bool,
) -> impl IntoView {
    view! {
        <Title text=staff_title(title)/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let user = match get_current_user().await {
                    Ok(Some(user)) => user,
                    Ok(None) => return view! { <Redirect path="/admin/login"/> }.into_any(),
                    Err(e) => return error_view(e),
                };
                let bar = admin_bar.then(|| user.clone());
                match content.render(user).await {
                    Ok(page) => match bar {
                        Some(user) => view! { <AdminBar user=user/> {page} }.into_any(),
                        None => page,
                    },
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

/// A failure as a page: the 404 page for something missing, otherwise a short note; both
/// set the response's status.
pub fn error_view(error: AppError) -> AnyView {
    match error {
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        error => view! { <ErrorNote error=error/> }.into_any(),
    }
}
