//! `/admin/articles/new` and `/admin/articles/{id}`: the editor island with the article's
//! current content and version.

use super::settings::{new_draft, ArticleLanguageSection};
use super::{error_view, StaffPage};
use crate::api::admin::get_article;
use crate::components::article_editor::ArticleEditor;
use crate::components::site::site;
use crate::model::{ArticleDraft, ArticleStatus, Permission, User};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn EditArticlePage() -> impl IntoView {
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse::<i64>().ok());
    view! {
        <StaffPage title="Edit article" content=move |user: User| async move {
            let can_publish = user.role.can(Permission::Publish);
            // A missing article is shown below the admin bar, so the error is mapped here.
            let editor = match id {
                None => view! {
                    <h1 class="page-title">"New article"</h1>
                    <ArticleEditor
                        id=None
                        version=None
                        status=ArticleStatus::Draft
                        slug=None
                        draft=new_draft()
                        can_publish=can_publish
                        timezone=site().timezone.clone()
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
                            timezone=site().timezone.clone()
                        />
                        <ArticleLanguageSection id=a.id/>
                    }
                    .into_any(),
                    Err(e) => error_view(e),
                },
            };
            Ok(view! {
                <noscript><p class="error-note">"The editor needs JavaScript."</p></noscript>
                {editor}
            }
            .into_any())
        }/>
    }
}
