//! `/admin/login`, its two-factor step, and `/admin/setup`: plain HTML forms posting to the server, so staff
//! can log in with JavaScript off. Errors arrive as a code and show a fixed message.

use super::staff_title;
use crate::api::auth::get_current_user;
use crate::components::site::site;
use crate::model::FormError;
use crate::pages::Loading;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

fn form_error() -> Option<&'static str> {
    use_query_map()
        .read_untracked()
        .get("error")
        .and_then(|c| FormError::parse(&c))
        .map(FormError::message)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let error = form_error();
    let logged_out = use_query_map().read_untracked().get("logged_out").is_some();
    view! {
        <Title text=staff_title("Log in")/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                if let Ok(Some(_)) = get_current_user().await {
                    return view! { <Redirect path="/admin"/> }.into_any();
                }
                view! {
                    <section class="auth-form">
                        <h1>"Staff log in"</h1>
                        {logged_out.then(|| view! { <p class="notice" role="status">"You have been logged out."</p> })}
                        {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                        <form method="post" action="/admin/login">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="username" required/>
                            <label for="password">"Password"</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required/>
                            <button type="submit" class="primary">"Log in"</button>
                        </form>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The second step of a login for staff with two-factor sign-in on.
#[component]
pub fn TwoFactorLoginPage() -> impl IntoView {
    let error = form_error();
    view! {
        <Title text=staff_title("Authentication code")/>
        <section class="auth-form">
            <h1>"Enter your authentication code"</h1>
            <p>"Open your authenticator app and enter the 6-digit code it shows for "
                {site().name.clone()} ". Lost your phone? Enter one of your recovery codes instead."</p>
            {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <form method="post" action="/admin/login/two-factor">
                <label for="code">"Authentication or recovery code"</label>
                <input id="code" name="code" autocomplete="one-time-code" required maxlength="40" autofocus/>
                <button type="submit" class="primary">"Verify"</button>
            </form>
            <p><a href="/admin/login">"Start again"</a></p>
        </section>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let error = form_error();
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    view! {
        <Title text=staff_title("Set up")/>
        <section class="auth-form">
            <h1>"Set up your publication"</h1>
            <p>"This one-time link names the publication and creates its first account. It stops working once used."</p>
            {error.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <form method="post" action="/admin/setup">
                <input type="hidden" name="token" value=token/>
                <label for="site_name">"Publication name"</label>
                <input id="site_name" name="site_name" required maxlength="300"/>
                <label for="site_language">"Language (BCP 47 tag, such as en, en-GB, de or pt-BR)"</label>
                <input id="site_language" name="site_language" required value="en" maxlength="35"/>
                <h2>"The owner account"</h2>
                <label for="name">"Your name"</label>
                <input id="name" name="name" autocomplete="name" required maxlength="100"/>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required/>
                <label for="password">"Password (at least 12 characters)"</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required minlength="12"/>
                <button type="submit" class="primary">"Create account"</button>
            </form>
        </section>
    }
}
