//! Building blocks of pages. Only `faq_accordion` and `article_editor` are islands
//! (they ship WASM); everything else is server-rendered HTML.

pub mod article_body;
pub mod article_card;
pub mod article_editor;
pub mod article_list;
pub mod faq_accordion;
pub mod revision_restore;
pub mod seo;
pub mod staff_controls;
