//! `/admin/account`: your sessions (revoke one, log out everywhere else) and changing
//! your password, all plain forms that work without JavaScript.

use super::AdminBar;
use crate::api::admin::list_my_sessions;
use crate::api::auth::get_current_user;
use crate::components::article_body::machine_date;
use crate::model::FormError;
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    let query = use_query_map().read_untracked();
    let error = query
        .get("error")
        .and_then(|c| FormError::parse(&c))
        .map(FormError::message);
    let done = query.get("done").and_then(|d| match d.as_str() {
        "password" => Some("Password changed. Every other session has ended."),
        "revoked" => Some("That session has ended."),
        "others" => Some("Every other session has ended."),
        _ => None,
    });
    view! {
        <Title text="Your account · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(user)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let sessions = match list_my_sessions().await {
                    Ok(s) => s,
                    Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                view! {
                    <AdminBar user=user/>
                    <h1 class="page-title">"Your account"</h1>
                    {done.map(|m| view! { <p class="notice" role="status">{m}</p> })}
                    {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <section aria-labelledby="sessions-heading">
                        <h2 id="sessions-heading">"Your sessions"</h2>
                        <table class="admin-list">
                            <thead><tr><th scope="col">"Started"</th><th scope="col">"Last used"</th><th scope="col">""</th></tr></thead>
                            <tbody>
                                {sessions.into_iter().map(|s| view! {
                                    <tr>
                                        <td><time datetime=machine_date(s.created_at)>{s.created_at.format("%-d %b %Y %H:%M UTC").to_string()}</time></td>
                                        <td><time datetime=machine_date(s.last_seen_at)>{s.last_seen_at.format("%-d %b %Y %H:%M UTC").to_string()}</time></td>
                                        <td>{if s.current {
                                            view! { <span>"This browser"</span> }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action="/admin/account/revoke">
                                                    <input type="hidden" name="session" value=s.key/>
                                                    <button type="submit">"End session"</button>
                                                </form>
                                            }.into_any()
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <form method="post" action="/admin/account/logout-others">
                            <button type="submit">"Log out everywhere else"</button>
                        </form>
                    </section>
                    <section class="auth-form" aria-labelledby="password-heading">
                        <h2 id="password-heading">"Change password"</h2>
                        <form method="post" action="/admin/account/password">
                            <label for="current">"Current password"</label>
                            <input id="current" name="current" type="password" autocomplete="current-password" required/>
                            <label for="new">"New password (at least 12 characters)"</label>
                            <input id="new" name="new" type="password" autocomplete="new-password" required minlength="12"/>
                            <button type="submit" class="primary">"Change password"</button>
                        </form>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}
