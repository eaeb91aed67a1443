//! `/admin`: every article in every state, with links to edit them.

use super::StaffPage;
use crate::api::admin::list_articles;
use crate::components::article_body::{machine_date, reader_date};
use crate::model::User;
use leptos::prelude::*;

#[component]
pub fn AdminHome() -> impl IntoView {
    view! {
        <StaffPage title="Articles" content=|_: User| async move {
            let rows = list_articles().await?;
            Ok(view! {
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
            .into_any())
        }/>
    }
}
