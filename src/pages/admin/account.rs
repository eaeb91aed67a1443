//! `/admin/account`: your sessions (revoke one, log out everywhere else), changing your
//! password and two-factor sign-in, all plain forms that work without JavaScript (the
//! owner's site-wide "require two-factor" switch is an island).

use super::StaffPage;
use crate::api::admin::{get_two_factor, list_my_sessions};
use crate::components::article_body::machine_date;
use crate::components::site::staff_time;
use crate::components::staff_controls::TwoFactorPolicy;
use crate::model::{FormError, TwoFactorStatus, User};
use leptos::prelude::*;
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
        "two-factor-off" => Some("Two-factor sign-in is off. Every other session has ended."),
        _ => None,
    });
    view! {
        <StaffPage title="Your account" content=move |user: User| async move {
            let sessions = list_my_sessions().await?;
            let two_factor = get_two_factor().await?;
            let must_enrol = user.needs_two_factor;
            Ok(view! {
                <h1 class="page-title">"Your account"</h1>
                {done.map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                {must_enrol.then(|| view! {
                    <p class="form-error" role="alert">
                        "This site requires two-factor sign-in. Set it up below to use the rest of the admin."
                    </p>
                })}
                <TwoFactorSection status=two_factor/>
                <section aria-labelledby="sessions-heading">
                    <h2 id="sessions-heading">"Your sessions"</h2>
                    <table class="admin-list">
                        <thead><tr><th scope="col">"Started"</th><th scope="col">"Last used"</th><th scope="col">"Action"</th></tr></thead>
                        <tbody>
                            {sessions.into_iter().map(|s| view! {
                                <tr>
                                    <td><time datetime=machine_date(s.created_at)>{staff_time(s.created_at)}</time></td>
                                    <td><time datetime=machine_date(s.last_seen_at)>{staff_time(s.last_seen_at)}</time></td>
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
            .into_any())
        }/>
    }
}

/// Two-factor sign-in: set it up (QR code and secret, then a code to confirm), replace
/// recovery codes, turn it off; and for owners, the site-wide requirement.
#[component]
fn TwoFactorSection(status: TwoFactorStatus) -> impl IntoView {
    let state = match (status.enabled_at, status.pending) {
        (Some(since), _) => view! {
            <p data-test-two-factor="on">
                "Two-factor sign-in is on (since " {since.format("%-d %b %Y").to_string()} "). "
                {status.recovery_codes_left} " unused recovery codes left."
            </p>
            <p>"Making new recovery codes or turning two-factor sign-in off needs your password and a current code, and ends your other sessions."</p>
            <form method="post" action="/admin/account/two-factor/recovery-codes">
                <label for="codes-password">"Password"</label>
                <input id="codes-password" name="password" type="password" autocomplete="current-password" required/>
                <label for="codes-code">"Authenticator or recovery code"</label>
                <input id="codes-code" name="code" autocomplete="one-time-code" required maxlength="40"/>
                <button type="submit">"Make new recovery codes"</button>
            </form>
            {(!status.required).then(|| view! {
                <form method="post" action="/admin/account/two-factor/disable">
                    <label for="off-password">"Password"</label>
                    <input id="off-password" name="password" type="password" autocomplete="current-password" required/>
                    <label for="off-code">"Authenticator or recovery code"</label>
                    <input id="off-code" name="code" autocomplete="one-time-code" required maxlength="40"/>
                    <button type="submit">"Turn off two-factor sign-in"</button>
                </form>
            })}
        }
        .into_any(),
        (None, Some(enrolment)) => view! {
            <ol class="enrol-steps">
                <li>
                    "Scan this QR code with an authenticator app (such as 1Password, Aegis or Google Authenticator):"
                    <img class="qr" src=enrolment.qr_data_uri width="200" height="200"
                        alt="QR code for adding this account to an authenticator app"/>
                </li>
                <li>
                    "Or type this key into the app: "
                    <code data-test-totp-secret>{enrolment.secret}</code>
                </li>
                <li>
                    <form method="post" action="/admin/account/two-factor/confirm">
                        <label for="enrol-code">"Then enter the 6-digit code the app shows"</label>
                        <input id="enrol-code" name="code" autocomplete="one-time-code" inputmode="numeric"
                            required maxlength="7"/>
                        <button type="submit" class="primary">"Turn on two-factor sign-in"</button>
                    </form>
                </li>
            </ol>
            <form method="post" action="/admin/account/two-factor/cancel">
                <button type="submit">"Cancel"</button>
            </form>
        }
        .into_any(),
        (None, None) => view! {
            <p data-test-two-factor="off">
                "Two-factor sign-in is off. With it on, logging in needs a code from your phone as well as your password."
            </p>
            <form method="post" action="/admin/account/two-factor/start">
                <label for="start-password">"Password"</label>
                <input id="start-password" name="password" type="password" autocomplete="current-password" required/>
                <button type="submit" class="primary">"Set up two-factor sign-in"</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section class="auth-form" id="two-factor" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
            {state}
            {status.can_require.then(|| view! {
                <h3>"For all staff"</h3>
                <TwoFactorPolicy required=status.required/>
            })}
        </section>
    }
}
