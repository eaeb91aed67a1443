//! `/admin`: the desk. Every article the user may work on, a page at a time, filtered
//! by status (with counts), author, tag, dates and words, sorted by the time updated,
//! published or scheduled; `?view=review` is the editors' review queue, longest
//! waiting first. The filters are a plain GET form, so they live in the URL and work
//! without JavaScript.

use super::StaffPage;
use crate::api::desk::{list_desk, list_review_queue};
use crate::components::article_body::machine_date;
use crate::components::site::{site, staff_time};
use crate::model::{
    query_string, ArticleStatus, DeskCursor, DeskFilter, DeskPage, DeskRow, DeskSort, Permission,
    User,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `n` with thousands separated, e.g. "100,000".
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// The address of the desk (or the review queue) with `filter`, at `page` when given.
fn desk_href(filter: &DeskFilter, review: bool, page: Option<(DeskCursor, bool)>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if review {
        pairs.push(("view", "review".into()));
    }
    let mut href = format!("/admin{}", query_string(&pairs));
    let rest = filter.query();
    if !rest.is_empty() {
        href.push(if review { '&' } else { '?' });
        href.push_str(&rest[1..]);
    }
    if let Some((cursor, next)) = page {
        href.push(if href.contains('?') { '&' } else { '?' });
        href.push_str(if next { "after=" } else { "before=" });
        href.push_str(&cursor.encode());
    }
    href
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let query = use_query_map().read_untracked();
    let review = query.get("view").as_deref() == Some("review");
    let parsed = DeskFilter::from_query(|k| query.get(k));
    let title = if review { "Review queue" } else { "Articles" };
    view! {
        <StaffPage title=title content=move |user: User| async move {
            let editor = user.role.can(Permission::EditAny);
            let (filter, problem) = match parsed {
                Ok(f) => (f, None),
                Err(m) => (DeskFilter::default(), Some(m)),
            };
            let page = match (&problem, review) {
                (Some(_), _) => None,
                (None, true) => Some(list_review_queue(filter.clone()).await?),
                (None, false) => Some(list_desk(filter.clone()).await?),
            };
            Ok(view! {
                <div class="desk">
                    <h1 class="page-title">{if review { "Review queue" } else { "Articles" }}</h1>
                    <DeskViews filter=filter.clone() review=review editor=editor counts=page.clone()/>
                    {problem.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    {page.map(|page| view! { <DeskList page=page filter=filter review=review/> })}
                </div>
            }
            .into_any())
        }/>
    }
}

/// The views (all articles, the review queue, scheduled, mine) and, on the desk, the
/// status tabs with their counts.
#[component]
fn DeskViews(
    filter: DeskFilter,
    review: bool,
    editor: bool,
    counts: Option<DeskPage>,
) -> impl IntoView {
    let count = move |s: ArticleStatus| counts.as_ref().map_or(0, |p| p.count(s));
    let total: i64 = ArticleStatus::ALL.into_iter().map(&count).sum();
    let current = |on: bool| on.then_some("page");
    let scheduled_view = filter.status == Some(ArticleStatus::Scheduled)
        && filter.sort == DeskSort::Scheduled
        && !review;
    let plain = DeskFilter::default();
    let scheduled = DeskFilter {
        status: Some(ArticleStatus::Scheduled),
        sort: DeskSort::Scheduled,
        ..DeskFilter::default()
    };
    let mine = DeskFilter {
        mine: true,
        ..DeskFilter::default()
    };
    let tabs = (!review).then(|| {
        let all = std::iter::once((None, "All", total));
        let each = ArticleStatus::ALL
            .into_iter()
            .map(|s| (Some(s), s.label(), count(s)));
        view! {
            <nav class="status-tabs" aria-label="Articles by status">
                <ul>
                    {all.chain(each).map(|(status, label, n)| view! {
                        <li>
                            <a href=desk_href(&filter.with_status(status), false, None)
                                aria-current=current(filter.status == status)>
                                {label} " " <span class="count">{thousands(n)}</span>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
        }
    });
    view! {
        <nav class="desk-views" aria-label="Views">
            <ul>
                <li><a href="/admin" aria-current=current(!review && filter == plain)>"All articles"</a></li>
                {editor.then(|| view! {
                    <li><a href="/admin?view=review" aria-current=current(review)>"Review queue"</a></li>
                })}
                <li><a href=desk_href(&scheduled, false, None) aria-current=current(scheduled_view)>"Scheduled"</a></li>
                {editor.then(|| view! {
                    <li><a href=desk_href(&mine, false, None) aria-current=current(!review && filter == mine)>"Mine"</a></li>
                })}
            </ul>
        </nav>
        {tabs}
    }
}

/// The filter form, the list and the page links.
#[component]
fn DeskList(page: DeskPage, filter: DeskFilter, review: bool) -> impl IntoView {
    let column = if review {
        "In review since"
    } else {
        filter.sort.column()
    };
    let shown = page.rows.len();
    let summary = match (shown, filter.narrowed()) {
        (0, true) => "No articles match these filters.".to_string(),
        (0, false) if review => "Nothing is waiting for review.".to_string(),
        (0, false) => "No articles yet.".to_string(),
        (n, _) => format!(
            "Showing {n} article{}{}.",
            if n == 1 { "" } else { "s" },
            if page.next.is_some() || page.prev.is_some() {
                " on this page"
            } else {
                ""
            }
        ),
    };
    let ascending = review || filter.sort == DeskSort::Scheduled;
    let (newer, older) = if ascending {
        ("← Sooner", "Later →")
    } else {
        ("← Newer", "Older →")
    };
    let prev = page
        .prev
        .map(|c| desk_href(&filter, review, Some((c, false))));
    let next = page
        .next
        .map(|c| desk_href(&filter, review, Some((c, true))));
    view! {
        <DeskForm page=page.clone() filter=filter.clone() review=review/>
        <p class="desk-summary" role="status">{summary}</p>
        {(shown > 0).then(|| view! {
            <table class="admin-list desk-list">
                <thead>
                    <tr>
                        <th scope="col">"Headline"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">{column}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <DeskRowView row=row/> }).collect_view()}
                </tbody>
            </table>
        })}
        {(prev.is_some() || next.is_some()).then(|| view! {
            <nav class="pager" aria-label="Pages">
                {prev.map(|href| view! { <a rel="prev" href=href>{newer}</a> })}
                {next.map(|href| view! { <a rel="next" href=href>{older}</a> })}
            </nav>
        })}
    }
}

#[component]
fn DeskRowView(row: DeskRow) -> impl IntoView {
    let status = match (row.status, row.scheduled_at) {
        (ArticleStatus::Scheduled, Some(at)) => view! {
            {row.status.label()} " for "
            <time datetime=machine_date(at)>{staff_time(at)}</time>
        }
        .into_any(),
        (status, _) => status.label().into_any(),
    };
    let by = if row.authors.is_empty() {
        "—".to_string()
    } else {
        row.authors.join(", ")
    };
    view! {
        <tr data-test-article=row.id.to_string()>
            <th scope="row"><a href=format!("/admin/articles/{}", row.id)>{row.title}</a></th>
            <td data-test-row-status=row.status.as_str()>{status}</td>
            <td>{by}</td>
            <td><time datetime=machine_date(row.sort_at)>{staff_time(row.sort_at)}</time></td>
        </tr>
    }
}

/// The filters as a GET form: submitting it loads the first page with them.
#[component]
fn DeskForm(page: DeskPage, filter: DeskFilter, review: bool) -> impl IntoView {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let tag_name = filter
        .tag
        .as_ref()
        .map(|slug| {
            page.tags
                .iter()
                .find(|t| &t.slug == slug)
                .map_or(slug.clone(), |t| t.name.clone())
        })
        .unwrap_or_default();
    let counts = page.clone();
    let clear = if review {
        "/admin?view=review"
    } else {
        "/admin"
    };
    view! {
        <form class="desk-filters" method="get" action="/admin" role="search" aria-label="Filter articles">
            {review.then(|| view! { <input type="hidden" name="view" value="review"/> })}
            <div class="filter-grid">
                <div class="filter wide">
                    <label for="desk-q">"Search headlines and text"</label>
                    <input id="desk-q" name="q" type="search" value=filter.q.clone() maxlength="200"/>
                </div>
                {(!review).then(|| view! {
                    <div class="filter">
                        <label for="desk-status">"Status"</label>
                        <select id="desk-status" name="status">
                            <option value="" selected=filter.status.is_none()>"Any"</option>
                            {ArticleStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=filter.status == Some(s)>
                                    {format!("{} ({})", s.label(), thousands(counts.count(s)))}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                {(!page.own_only).then(|| view! {
                    <div class="filter">
                        <label for="desk-author">"Author"</label>
                        <select id="desk-author" name="author">
                            <option value="" selected=filter.author.is_none()>"Anyone"</option>
                            {page.authors.iter().map(|a| view! {
                                <option value=a.slug.clone() selected=filter.author.as_ref() == Some(&a.slug)>
                                    {a.name.clone()}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="filter">
                    <label for="desk-tag">"Tag"</label>
                    <input id="desk-tag" name="tag" list="desk-tags" value=tag_name autocomplete="off"/>
                    <datalist id="desk-tags">
                        {page.tags.iter().map(|t| view! { <option value=t.name.clone()></option> }).collect_view()}
                    </datalist>
                </div>
                <div class="filter">
                    <label for="desk-from">"From"</label>
                    <input id="desk-from" name="from" type="date" value=date(filter.from)/>
                </div>
                <div class="filter">
                    <label for="desk-to">"To"</label>
                    <input id="desk-to" name="to" type="date" value=date(filter.to)/>
                </div>
                {(!review).then(|| view! {
                    <div class="filter">
                        <label for="desk-sort">"Sort by"</label>
                        <select id="desk-sort" name="sort">
                            {DeskSort::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=filter.sort == s>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
            </div>
            <div class="filter-actions">
                {(!page.own_only).then(|| view! {
                    <label class="inline">
                        <input type="checkbox" name="mine" value="1" checked=filter.mine/>
                        " Only mine"
                    </label>
                })}
                <button type="submit" class="primary">"Apply filters"</button>
                <a href=clear>"Clear filters"</a>
            </div>
            <p class="hint">{format!("Dates apply to the time in the last column, in {}.", site().timezone)}</p>
        </form>
    }
}
