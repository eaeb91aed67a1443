//! `/admin`: every article in every state, with links to edit them.

use super::AdminBar;
use crate::api::admin::list_articles;
use crate::api::auth::get_current_user;
use crate::components::article_body::{machine_date, reader_date};
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <Title text="Articles · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(user)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let rows = match list_articles().await {
                    Ok(rows) => rows,
                    Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                view! {
                    <AdminBar user=user/>
                    <h1 class="page-title">"Articles"</h1>
                    <table class="admin-list">
                        <thead>
                            <tr><th scope="col">"Headline"</th><th scope="col">"Status"</th><th scope="col">"Updated"</th></tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|a| view! {
                                <tr>
                                    <td><a href=format!("/admin/articles/{}", a.id)>{a.title}</a></td>
                                    <td>{a.status.label()}</td>
                                    <td><time datetime=machine_date(a.updated_at)>{reader_date(a.updated_at)}</time></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </Suspense>
    }
}
