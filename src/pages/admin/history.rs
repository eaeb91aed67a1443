//! `/admin/articles/{id}/history` (who changed what and when, a diff of any two
//! revisions, restore) and `/admin/articles/{id}/preview` (the article exactly as
//! readers will see it, for staff only).

use super::StaffPage;
use crate::api::admin::{diff_revisions, get_article, list_revisions};
use crate::components::article_body::{machine_date, ArticleView};
use crate::components::revision_restore::RestoreButton;
use crate::components::site::staff_time;
use crate::error::AppError;
use crate::model::{DiffKind, Permission, User};
use crate::pages::ErrorNote;
use leptos::prelude::*;
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
        <StaffPage title="History" content=move |user: User| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let (article, revisions) = match (get_article(id).await, list_revisions(id).await) {
                (Ok(a), Ok(r)) => (a, r),
                (Err(AppError::NotFound), _) | (_, Err(AppError::NotFound)) => {
                    return Err(AppError::NotFound)
                }
                (Err(e), _) | (_, Err(e)) => return Err(e),
            };
            let diff = match pair {
                Some((from, to)) => Some((from, to, diff_revisions(id, from, to).await)),
                None => None,
            };
            let can_restore = user.role.can(Permission::EditAny);
            let current = article.version;
            let newest = revisions.first().map(|r| r.version).unwrap_or(current);
            Ok(view! {
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
                                    <td><time datetime=machine_date(r.at)>{staff_time(r.at)}</time></td>
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
            .into_any())
        }/>
    }
}

#[component]
pub fn PreviewPage() -> impl IntoView {
    let id = article_id();
    view! {
        <StaffPage title="Preview" admin_bar=false content=move |_: User| async move {
            let id = id.ok_or(AppError::NotFound)?;
            let article = get_article(id).await?;
            Ok(view! {
                <p class="preview-banner" role="note">
                    {format!("Preview of a {} article — readers cannot see this page. ", article.status.label().to_lowercase())}
                    <a href=format!("/admin/articles/{id}")>"Back to the editor"</a>
                </p>
                <ArticleView article=article/>
            }
            .into_any())
        }/>
    }
}
