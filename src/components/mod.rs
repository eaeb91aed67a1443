//! Building blocks of pages. The islands (they ship WASM) are `faq_accordion` (in the
//! readers' bundle) and, for staff only, `article_editor`, `correction_form`,
//! `revision_restore`, `settings_form` and `staff_controls`; everything else is server-rendered HTML. The
//! readers' bundle (feature `reader`) compiles the FAQ alone.

#[cfg(not(feature = "reader"))]
pub mod article_body;
#[cfg(not(feature = "reader"))]
pub mod article_card;
#[cfg(not(feature = "reader"))]
pub mod article_editor;
#[cfg(not(feature = "reader"))]
pub mod article_list;
#[cfg(not(feature = "reader"))]
pub mod correction_form;
pub mod faq_accordion;
#[cfg(not(feature = "reader"))]
pub mod media_card;
#[cfg(not(feature = "reader"))]
pub mod media_upload;
#[cfg(not(feature = "reader"))]
pub mod picture;
#[cfg(not(feature = "reader"))]
pub mod revision_restore;
#[cfg(not(feature = "reader"))]
pub mod seo;
#[cfg(not(feature = "reader"))]
pub mod settings_form;
#[cfg(not(feature = "reader"))]
pub mod site;
#[cfg(not(feature = "reader"))]
pub mod staff_controls;
