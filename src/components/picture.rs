//! Pictures on reader pages: the lead image as a `<figure>` with a responsive
//! `<picture>` (WebP, JPEG fallback, every width, explicit size so nothing jumps), and
//! the thumbnail on article cards.

pub use crate::model::COLUMN_SIZES;
use crate::model::{ArticleImage, MediaRef};
use leptos::prelude::*;

/// A `<picture>` of `media`: WebP for browsers that take it, JPEG otherwise. `eager`
/// pictures (the lead image) load first; the rest wait until they are near the screen.
#[component]
pub fn Picture(
    media: MediaRef,
    alt: String,
    sizes: &'static str,
    #[prop(optional)] eager: bool,
) -> impl IntoView {
    let fallback = media.url(media.width_for(960), "jpg");
    view! {
        <picture>
            <source type="image/webp" srcset=media.srcset("webp") sizes=sizes/>
            <img
                src=fallback
                srcset=media.srcset("jpg")
                sizes=sizes
                width=media.width
                height=media.height
                alt=alt
                fetchpriority=eager.then_some("high")
                loading=(!eager).then_some("lazy")
                decoding="async"
            />
        </picture>
    }
}

/// The lead image at the top of an article, with its caption and credit.
#[component]
pub fn LeadFigure(image: ArticleImage) -> impl IntoView {
    let ArticleImage {
        media,
        alt,
        caption,
        credit,
    } = image;
    let has_caption = !caption.is_empty() || !credit.is_empty();
    view! {
        <figure class="lead-image">
            <Picture media=media alt=alt sizes=COLUMN_SIZES eager=true/>
            {has_caption.then(|| view! {
                <figcaption>
                    {(!caption.is_empty()).then(|| view! { <span class="caption">{caption}</span> })}
                    {(!credit.is_empty()).then(|| view! { <span class="credit">{credit}</span> })}
                </figcaption>
            })}
        </figure>
    }
}
