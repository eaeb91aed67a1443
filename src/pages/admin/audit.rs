//! `/admin/audit`: the audit log, for owners and admins.

use super::StaffPage;
use crate::api::admin::list_audit;
use crate::components::article_body::machine_date;
use crate::components::site::site_time;
use crate::model::User;
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <StaffPage title="Audit log" content=|_: User| async move {
            let entries = list_audit().await?;
            Ok(view! {
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
                                <td><time datetime=machine_date(e.at)>{site_time(e.at, "%-d %b %Y %H:%M:%S %Z")}</time></td>
                                <td>{e.actor.unwrap_or_default()}</td>
                                <td>{e.action}</td>
                                <td>{e.subject}</td>
                                <td>{e.address.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any())
        }/>
    }
}
