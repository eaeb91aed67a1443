//! `/admin/audit`: the audit log, for owners and admins.

use super::AdminBar;
use crate::api::admin::list_audit;
use crate::api::auth::get_current_user;
use crate::components::article_body::machine_date;
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(user)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let entries = match list_audit().await {
                    Ok(e) => e,
                    Err(e) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                view! {
                    <AdminBar user=user/>
                    <h1 class="page-title">"Audit log"</h1>
                    <table class="admin-list">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Article"</th>
                                <th scope="col">"From"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {entries.into_iter().map(|e| view! {
                                <tr>
                                    <td><time datetime=machine_date(e.at)>{e.at.format("%-d %b %Y %H:%M:%S UTC").to_string()}</time></td>
                                    <td>{e.actor.unwrap_or_default()}</td>
                                    <td>{e.action}</td>
                                    <td>{e.subject}</td>
                                    <td>{e.address.unwrap_or_default()}</td>
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
