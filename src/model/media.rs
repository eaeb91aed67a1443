//! Pictures: an uploaded image as pages refer to it (its content-hashed addresses and
//! the widths it comes in), the lead image an article carries, and the media library's
//! view of an upload.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The widths every upload is resized to (never above its own width; the largest
/// variant is the image's own width when that is under the last rung).
pub const WIDTH_LADDER: [u32; 5] = [320, 640, 960, 1280, 2048];
/// The message on the lead image's alt field when an article without it is published.
pub const LEAD_ALT_REQUIRED: &str =
    "Lead image: alt text is required to publish. Describe what the picture shows.";
/// The `sizes` of a picture spanning the article column (44rem less its padding, or the
/// screen).
pub const COLUMN_SIZES: &str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)";
/// Longest alt text, caption or credit, in characters.
pub const MAX_MEDIA_TEXT_CHARS: usize = 1_000;
/// The social and structured-data crops: (name, width ratio, height ratio).
pub const CROPS: [(&str, u32, u32); 3] = [("16x9", 16, 9), ("4x3", 4, 3), ("1x1", 1, 1)];
/// Width of the crops (Google asks for images at least 1200 pixels wide).
pub const CROP_WIDTH: u32 = 1200;

/// An uploaded image as pages need it: enough to write every address and size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaRef {
    pub id: i64,
    /// The content hash naming every variant (`/media/{hash}-{width}.{ext}`).
    pub hash: String,
    /// Upright size of the original, in pixels.
    pub width: u32,
    pub height: u32,
    /// The focal point in percent of the width and height; crops centre on it.
    pub focus_x: u32,
    pub focus_y: u32,
}

impl MediaRef {
    /// The widths this image is served at, smallest first.
    pub fn widths(&self) -> Vec<u32> {
        ladder(self.width)
    }

    /// The height of the variant `width` pixels wide.
    pub fn height_at(&self, width: u32) -> u32 {
        scaled_height(self.width, self.height, width)
    }

    /// The address of the variant `width` pixels wide in `ext` (`webp` or `jpg`).
    pub fn url(&self, width: u32, ext: &str) -> String {
        format!("/media/{}-{width}.{ext}", self.hash)
    }

    /// A `srcset` listing every width in `ext`.
    pub fn srcset(&self, ext: &str) -> String {
        self.widths()
            .iter()
            .map(|w| format!("{} {w}w", self.url(*w, ext)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The variant closest to `width` from above (or the largest there is).
    pub fn width_for(&self, width: u32) -> u32 {
        let widths = self.widths();
        widths
            .iter()
            .copied()
            .find(|w| *w >= width)
            .unwrap_or_else(|| widths.last().copied().unwrap_or(self.width))
    }

    /// The name of the crop with ratio `name` centred on the current focal point: the
    /// focal point is part of the name, so moving it gives new addresses.
    pub fn crop_name(&self, name: &str) -> String {
        format!(
            "{name}-{:03}{:03}",
            self.focus_x.min(100),
            self.focus_y.min(100)
        )
    }

    /// The address and pixel size of each crop (16:9, 4:3, 1:1).
    pub fn crops(&self) -> Vec<(String, u32, u32)> {
        CROPS
            .iter()
            .map(|(name, rw, rh)| {
                let (_, _, w, _) = crop_rect(self.width, self.height, *rw, *rh, 50, 50);
                let out_w = w.min(CROP_WIDTH);
                let out_h = ((out_w as u64 * *rh as u64) / *rw as u64).max(1) as u32;
                (
                    format!("/media/{}-{}.jpg", self.hash, self.crop_name(name)),
                    out_w,
                    out_h,
                )
            })
            .collect()
    }
}

/// The widths an image `width` pixels wide is served at, smallest first.
pub fn ladder(width: u32) -> Vec<u32> {
    let top = width.min(*WIDTH_LADDER.last().unwrap_or(&width));
    let mut out: Vec<u32> = WIDTH_LADDER.iter().copied().filter(|w| *w < top).collect();
    out.push(top);
    out
}

/// The height of an image `width`×`height` scaled to `to` pixels wide.
pub fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    ((height as u64 * to as u64 + width as u64 / 2) / width.max(1) as u64).max(1) as u32
}

/// The largest `rw:rh` rectangle inside `width`×`height` centred as near the focal point
/// (in percent) as the edges allow: (left, top, width, height).
pub fn crop_rect(
    width: u32,
    height: u32,
    rw: u32,
    rh: u32,
    fx: u32,
    fy: u32,
) -> (u32, u32, u32, u32) {
    let (w, h) = if width as u64 * rh as u64 > height as u64 * rw as u64 {
        (((height as u64 * rw as u64) / rh as u64) as u32, height)
    } else {
        (width, ((width as u64 * rh as u64) / rw as u64) as u32)
    };
    let (w, h) = (w.max(1), h.max(1));
    let place = |size: u32, inner: u32, f: u32| -> u32 {
        let centre = size as u64 * f.min(100) as u64 / 100;
        let left = centre.saturating_sub(inner as u64 / 2) as u32;
        left.min(size - inner)
    };
    (place(width, w, fx), place(height, h, fy), w, h)
}

/// An article's lead image as stored with the article: the picture and the words that
/// go with it in this story.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadImageDraft {
    pub media_id: i64,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// An article's lead image as pages render it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleImage {
    pub media: MediaRef,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

impl From<&ArticleImage> for LeadImageDraft {
    fn from(i: &ArticleImage) -> Self {
        LeadImageDraft {
            media_id: i.media.id,
            alt: i.alt.clone(),
            caption: i.caption.clone(),
            credit: i.credit.clone(),
        }
    }
}

/// An upload in the media library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaItem {
    pub media: MediaRef,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub created_at: DateTime<Utc>,
    /// Bytes of the file as uploaded.
    pub original_bytes: i64,
    /// Articles using it as lead or inline image: (id, headline).
    pub used_by: Vec<(i64, String)>,
}

/// What an upload answers: the stored image, and whether the same file was already there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub item: MediaItem,
    pub existing: bool,
}

/// What the upload endpoint says about one file: stored (or found already stored), or
/// refused with a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadOutcome {
    /// The file's name as sent (for the person to recognise it; never used to store it).
    pub file: String,
    pub uploaded: Option<Uploaded>,
    pub error: Option<String>,
}

impl LeadImageDraft {
    /// Checks the lengths of the words; alt text is required only to publish.
    pub fn validate(&self) -> Result<(), String> {
        for (name, text) in [
            ("alt text", &self.alt),
            ("caption", &self.caption),
            ("credit", &self.credit),
        ] {
            if text.chars().count() > MAX_MEDIA_TEXT_CHARS {
                return Err(format!(
                    "Lead image: the {name} is longer than {MAX_MEDIA_TEXT_CHARS} characters."
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_never_upscales() {
        assert_eq!(ladder(4000), vec![320, 640, 960, 1280, 2048]);
        assert_eq!(ladder(1000), vec![320, 640, 960, 1000]);
        assert_eq!(ladder(200), vec![200]);
        assert_eq!(ladder(640), vec![320, 640]);
    }

    #[test]
    fn crops_centre_on_the_focal_point_within_the_edges() {
        assert_eq!(crop_rect(4000, 3000, 1, 1, 50, 50), (500, 0, 3000, 3000));
        assert_eq!(crop_rect(4000, 3000, 1, 1, 0, 50), (0, 0, 3000, 3000));
        assert_eq!(crop_rect(4000, 3000, 1, 1, 90, 50), (1000, 0, 3000, 3000));
        assert_eq!(crop_rect(4000, 3000, 16, 9, 50, 10), (0, 0, 4000, 2250));
        assert_eq!(crop_rect(3000, 4000, 16, 9, 50, 50), (0, 1157, 3000, 1687));
    }
}
