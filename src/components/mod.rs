//! Building blocks of pages. The islands (they ship WASM) are `faq_accordion` for readers
//! and, for staff, `article_editor`, `correction_form`, `revision_restore` and
//! `staff_controls`; everything else is server-rendered HTML.

pub mod article_body;
pub mod article_card;
pub mod article_editor;
pub mod article_list;
pub mod correction_form;
pub mod faq_accordion;
pub mod revision_restore;
pub mod seo;
pub mod staff_controls;
