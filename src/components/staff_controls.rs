//! Islands on the users page: a staff member's role and deactivation, and the
//! invitation form; on the account page, the owner's "require two-factor" switch.

use crate::api::admin::{
    change_role, deactivate_user, invite_user, revoke_invite, set_two_factor_required,
};
use crate::model::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn reload() {
    let _ = window().location().reload();
}

#[island]
pub fn StaffControls(user_id: i64, role: Role, active: bool) -> impl IntoView {
    let chosen = RwSignal::new(role);
    let message = RwSignal::new(String::new());
    let save_role = move |_| {
        let role = chosen.get_untracked();
        spawn_local(async move {
            match change_role(user_id, role).await {
                Ok(()) => reload(),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let deactivate = move |_| {
        spawn_local(async move {
            match deactivate_user(user_id).await {
                Ok(()) => reload(),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let id = format!("role-{user_id}");
    view! {
        <label class="visually-hidden" for=id.clone()>"Role"</label>
        <select id=id on:change=move |ev| {
            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                chosen.set(r);
            }
        }>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=move || chosen.get() == r>{r.as_str()}</option>
            }).collect_view()}
        </select>
        <button type="button" on:click=save_role>"Change role"</button>
        {active.then(|| view! { <button type="button" on:click=deactivate>"Deactivate"</button> })}
        <span role="status">{move || message.get()}</span>
    }
}

/// "Revoke" for an open invitation: its link stops working.
#[island]
pub fn RevokeInvite(email: String) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let label = format!("Revoke the invitation to {email}");
    let revoke = move |_| {
        let email = email.clone();
        spawn_local(async move {
            match revoke_invite(email).await {
                Ok(()) => reload(),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    view! {
        <button type="button" aria-label=label on:click=revoke>"Revoke"</button>
        <span role="status">{move || message.get()}</span>
    }
}

#[island]
pub fn InviteForm() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Author);
    let message = RwSignal::new(String::new());
    let link = RwSignal::new(None::<String>);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (e, n, r) = (
            email.get_untracked(),
            name.get_untracked(),
            role.get_untracked(),
        );
        spawn_local(async move {
            match invite_user(e, n, r).await {
                Ok(path) => {
                    let origin = window().location().origin().unwrap_or_default();
                    link.set(Some(format!("{origin}{path}")));
                    message
                        .set("Invitation created. Send this one-time link (valid 7 days):".into());
                }
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    view! {
        <form class="invite-form" on:submit=send>
            <label for="invite-name">"Name"</label>
            <input id="invite-name" required bind:value=name/>
            <label for="invite-email">"Email"</label>
            <input id="invite-email" type="email" required bind:value=email/>
            <label for="invite-role">"Role"</label>
            <select id="invite-role" on:change=move |ev| {
                if let Some(r) = Role::parse(&event_target_value(&ev)) {
                    role.set(r);
                }
            }>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=move || role.get() == r>{r.as_str()}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="primary">"Create invitation"</button>
            <p role="status">{move || message.get()}</p>
            {move || link.get().map(|l| view! {
                <label for="invite-link">"Invitation link"</label>
                <input id="invite-link" readonly prop:value=l/>
            })}
        </form>
    }
}

/// The owner's switch requiring two-factor sign-in of every staff member.
#[island]
pub fn TwoFactorPolicy(required: bool) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let flip = move |_| {
        spawn_local(async move {
            match set_two_factor_required(!required).await {
                Ok(()) => reload(),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    view! {
        <p>
            {if required {
                "Every staff member must use two-factor sign-in."
            } else {
                "Staff may choose whether to use two-factor sign-in."
            }}
        </p>
        <button type="button" on:click=flip>
            {if required { "Stop requiring two-factor sign-in" } else { "Require two-factor sign-in for all staff" }}
        </button>
        <p role="status">{move || message.get()}</p>
    }
}
