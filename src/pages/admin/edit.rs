//! `/admin/articles/new` and `/admin/articles/{id}`: the editor island with the article's
//! current content and version.

use super::AdminBar;
use crate::api::admin::get_article;
use crate::api::auth::get_current_user;
use crate::components::article_editor::ArticleEditor;
use crate::error::AppError;
use crate::model::{ArticleDraft, ArticleStatus, Permission};
use crate::pages::not_found::NotFound;
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditArticlePage() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok());
    view! {
        <Title text="Edit article · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(user)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let can_publish = user.role.can(Permission::Publish);
                let editor = match id {
                    None => view! {
                        <h1 class="page-title">"New article"</h1>
                        <ArticleEditor
                            id=None
                            version=None
                            status=ArticleStatus::Draft
                            slug=None
                            draft=ArticleDraft::default()
                            can_publish=can_publish
                        />
                    }
                    .into_any(),
                    Some(id) => match get_article(id).await {
                        Ok(a) => view! {
                            <h1 class="page-title">"Edit article"</h1>
                            <p class="editor-links">
                                <a href=format!("/admin/articles/{}/preview", a.id)>"Preview"</a>
                                " · "
                                <a href=format!("/admin/articles/{}/history", a.id)>"History"</a>
                            </p>
                            <ArticleEditor
                                id=Some(a.id)
                                version=Some(a.version)
                                status=a.status
                                slug=Some(a.slug.clone())
                                draft=ArticleDraft::from_article(&a)
                                can_publish=can_publish
                            />
                        }
                        .into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    },
                };
                view! {
                    <AdminBar user=user/>
                    <noscript><p class="error-note">"The editor needs JavaScript."</p></noscript>
                    {editor}
                }
                .into_any()
            })}
        </Suspense>
    }
}
