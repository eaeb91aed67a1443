//! The staff area under `/admin`: login, first-owner set-up, the article list, editor,
//! history and preview, and the account page.
//! Every page here checks the session on the server and sends visitors to the login page.

pub mod account;
pub mod audit;
pub mod edit;
pub mod history;
pub mod list;
pub mod login;
pub mod users;

use crate::model::{Permission, User};
use leptos::prelude::*;

/// The staff navigation bar, with a logout button that works without JavaScript.
#[component]
pub fn AdminBar(user: User) -> impl IntoView {
    view! {
        <nav class="admin-bar" aria-label="Admin">
            <a href="/admin">"Articles"</a>
            <a href="/admin/articles/new">"New article"</a>
            <a href="/admin/account">"Your account"</a>
            {user.role.can(Permission::ManageUsers).then(|| view! { <a href="/admin/users">"Staff"</a> })}
            {user.role.can(Permission::ViewAudit).then(|| view! { <a href="/admin/audit">"Audit log"</a> })}
            <span class="who">{user.name} " (" {user.role.as_str()} ")"</span>
            <form method="post" action="/admin/logout">
                <button type="submit">"Log out"</button>
            </form>
        </nav>
    }
}
