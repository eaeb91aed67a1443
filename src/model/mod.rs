//! Shared content and user types, compiled for the server and the browser alike.
//!
//! These are plain serde structs with no server imports: the store returns them, the
//! server functions take and return them, and islands receive them as props. Split by
//! feature; everything is re-exported here, so `crate::model::X` is the one import path.

mod article;
mod desk;
mod draft;
mod form_error;
mod media;
mod revision;
mod settings;
mod staff;

pub use article::*;
pub use desk::*;
pub use draft::*;
pub use form_error::*;
pub use media::*;
pub use revision::*;
pub use settings::*;
pub use staff::*;
