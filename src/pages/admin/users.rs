//! `/admin/users` (owners and admins: staff, roles, deactivation, invitations) and
//! `/admin/invite` (accepting an invitation: choose a password).

use super::staff_title;
use super::StaffPage;
use crate::api::admin::{list_invites, list_users};
use crate::components::site::staff_time;
use crate::components::staff_controls::{InviteForm, RevokeInvite, StaffControls};
use crate::model::{FormError, User};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <StaffPage title="Staff" content=|_: User| async move {
            let staff = list_users().await?;
            let invites = list_invites().await?;
            Ok(view! {
                <h1 class="page-title">"Staff"</h1>
                <table class="admin-list">
                    <thead>
                        <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Change"</th></tr>
                    </thead>
                    <tbody>
                        {staff.into_iter().map(|m| { let email = m.user.email.clone(); let test_id = email.clone(); view! {
                            <tr data-test-user=test_id>
                                <td>{m.user.name}</td>
                                <td>{email}</td>
                                <td>{m.user.role.as_str()}</td>
                                <td>{if m.active { "Active" } else { "Deactivated" }}</td>
                                <td><StaffControls user_id=m.user.id role=m.user.role active=m.active/></td>
                            </tr>
                        }}).collect_view()}
                    </tbody>
                </table>
                <section aria-labelledby="pending-heading">
                    <h2 id="pending-heading">"Open invitations"</h2>
                    {if invites.is_empty() {
                        view! { <p>"No invitation is waiting to be accepted."</p> }.into_any()
                    } else {
                        view! {
                            <table class="admin-list">
                                <thead>
                                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Link works until"</th><th scope="col">"Change"</th></tr>
                                </thead>
                                <tbody>
                                    {invites.into_iter().map(|i| { let email = i.email.clone(); let test_id = email.clone(); view! {
                                        <tr data-test-invite=test_id>
                                            <td>{i.name}</td>
                                            <td>{email}</td>
                                            <td>{i.role.as_str()}</td>
                                            <td>{staff_time(i.expires_at)}</td>
                                            <td><RevokeInvite email=i.email/></td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="invite-heading">
                    <h2 id="invite-heading">"Invite someone"</h2>
                    <InviteForm/>
                </section>
            }
            .into_any())
        }/>
    }
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_query_map().read_untracked();
    let token = query.get("token").unwrap_or_default();
    let error = query
        .get("error")
        .and_then(|c| FormError::parse(&c))
        .map(FormError::message);
    view! {
        <Title text=staff_title("Accept invitation")/>
        <section class="auth-form">
            <h1>"Join the newsroom"</h1>
            <p>"Choose a password to finish setting up your account. This link works once."</p>
            {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <form method="post" action="/admin/invite">
                <input type="hidden" name="token" value=token/>
                <label for="password">"Password (at least 12 characters)"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
                <button type="submit" class="primary">"Create account"</button>
            </form>
        </section>
    }
}
