//! `/admin/articles/{id}/history` (who changed what and when, a diff of any two
//! revisions, restore) and `/admin/articles/{id}/preview` (the article exactly as
//! readers will see it, for staff only).

use super::AdminBar;
use crate::api::admin::{diff_revisions, get_article, list_revisions};
use crate::api::auth::get_current_user;
use crate::components::article_body::{machine_date, reader_date, ArticleView};
use crate::components::revision_restore::RestoreButton;
use crate::error::AppError;
use crate::model::{DiffKind, Permission};
use crate::pages::not_found::NotFound;
use crate::pages::{ErrorNote, Loading};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

fn article_id() -> Option<i64> {
    use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|id| id.parse().ok())
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let id = article_id();
    let query = use_query_map().read_untracked();
    let pair = query
        .get("from")
        .and_then(|f| f.parse::<i64>().ok())
        .zip(query.get("to").and_then(|t| t.parse::<i64>().ok()));
    view! {
        <Title text="History · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(user)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let Some(id) = id else { return view! { <NotFound/> }.into_any() };
                let (article, revisions) = match (get_article(id).await, list_revisions(id).await) {
                    (Ok(a), Ok(r)) => (a, r),
                    (Err(AppError::NotFound), _) | (_, Err(AppError::NotFound)) => {
                        return view! { <NotFound/> }.into_any()
                    }
                    (Err(e), _) | (_, Err(e)) => return view! { <ErrorNote error=e/> }.into_any(),
                };
                let diff = match pair {
                    Some((from, to)) => Some((from, to, diff_revisions(id, from, to).await)),
                    None => None,
                };
                let can_restore = user.role.can(Permission::EditAny);
                let current = article.version;
                let newest = revisions.first().map(|r| r.version).unwrap_or(current);
                view! {
                    <AdminBar user=user/>
                    <h1 class="page-title">"History: " {article.title.clone()}</h1>
                    <p><a href=format!("/admin/articles/{id}")>"Back to the editor"</a></p>
                    {diff.map(|(from, to, result)| match result {
                        Ok(fields) => view! {
                            <section class="diff" aria-labelledby="diff-heading">
                                <h2 id="diff-heading">{format!("Changes from version {from} to {to}")}</h2>
                                {fields.is_empty().then(|| view! { <p>"No differences."</p> })}
                                {fields.into_iter().map(|f| view! {
                                    <h3>{f.field}</h3>
                                    <pre class="diff-lines">
                                        {f.lines.into_iter().map(|(kind, text)| match kind {
                                            DiffKind::Added => view! { <ins>{format!("+ {text}\n")}</ins> }.into_any(),
                                            DiffKind::Removed => view! { <del>{format!("- {text}\n")}</del> }.into_any(),
                                            DiffKind::Same => view! { <span>{format!("  {text}\n")}</span> }.into_any(),
                                        }).collect_view()}
                                    </pre>
                                }).collect_view()}
                            </section>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    })}
                    <table class="admin-list">
                        <thead>
                            <tr>
                                <th scope="col">"Version"</th>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Compare"</th>
                                <th scope="col">"Restore"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {revisions.into_iter().map(|r| {
                                let compare = (r.version != newest).then(|| view! {
                                    <a href=format!("/admin/articles/{id}/history?from={}&to={newest}", r.version)>
                                        {format!("v{} → v{newest}", r.version)}
                                    </a>
                                });
                                view! {
                                    <tr data-test-revision=r.version>
                                        <td>{r.version}</td>
                                        <td><time datetime=machine_date(r.at)>{format!("{} {}", reader_date(r.at), r.at.format("%H:%M UTC"))}</time></td>
                                        <td>
                                            {r.by.unwrap_or_else(|| "command line".into())}
                                            {r.autosave.then_some(" (autosave)")}
                                        </td>
                                        <td>{r.status.label()}</td>
                                        <td>{compare}</td>
                                        <td>{(can_restore && r.version != current).then(|| view! {
                                            <RestoreButton id=id revision=r.version base_version=current/>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let id = article_id();
    view! {
        <Title text="Preview · Gazette admin"/>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                let Ok(Some(_)) = get_current_user().await else {
                    return view! { <Redirect path="/admin/login"/> }.into_any();
                };
                let Some(id) = id else { return view! { <NotFound/> }.into_any() };
                match get_article(id).await {
                    Ok(article) => view! {
                        <p class="preview-banner" role="note">
                            {format!("Preview of a {} article — readers cannot see this page. ", article.status.label().to_lowercase())}
                            <a href=format!("/admin/articles/{id}")>"Back to the editor"</a>
                        </p>
                        <ArticleView article=article/>
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
