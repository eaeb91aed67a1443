//! Turning an uploaded file into what readers are served: recognise it by its bytes,
//! refuse what isn't a photo we accept (or is too big, a decompression bomb, truncated),
//! turn it upright, convert its colours to sRGB, and re-encode every width of the ladder
//! as WebP and JPEG, plus the 16:9, 4:3 and 1:1 crops. Re-encoding from pixels is what
//! removes every piece of metadata (EXIF with GPS and serial numbers, XMP, IPTC, maker
//! notes, embedded thumbnails): nothing of the original file but its pixels is served.
//!
//! Everything here is CPU-bound and synchronous: callers run it on the blocking pool.

use super::avif::{self, AvifError};
use crate::model::{crop_rect, ladder, scaled_height, CROPS, CROP_WIDTH};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use sha2::Digest;
use std::io::Cursor;

/// Largest file accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;
/// Most pixels an image may declare (width × height): 50 megapixels.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side an image may declare, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Quality of the WebP variants (libwebp's 0–100 scale).
const WEBP_QUALITY: f32 = 72.0;
/// Quality of the JPEG fallbacks.
const JPEG_QUALITY: u8 = 72;

/// Why a file was refused; the message is shown to the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// A file type recognised from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    WebP,
    Avif,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpeg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::WebP => "webp",
            Kind::Avif => "avif",
        }
    }

    /// The `image` crate's decoder for it; AVIF has its own (see [`avif`]).
    fn format(self) -> Option<ImageFormat> {
        match self {
            Kind::Jpeg => Some(ImageFormat::Jpeg),
            Kind::Png => Some(ImageFormat::Png),
            Kind::Gif => Some(ImageFormat::Gif),
            Kind::WebP => Some(ImageFormat::WebP),
            Kind::Avif => None,
        }
    }
}

/// One processed variant.
#[derive(Clone, Debug)]
pub struct Variant {
    /// `{width}.webp`, `{width}.jpg` or `{crop}-{focus}.jpg`: the address after the hash.
    pub name: String,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// An upload ready to store.
#[derive(Clone, Debug)]
pub struct Processed {
    /// Hex SHA-256 of the uploaded bytes (128 bits of it): the same file gets the same hash.
    pub hash: String,
    pub kind: Kind,
    /// Upright size.
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

/// The content hash naming an upload and all its variants.
pub fn content_hash(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Recognises the file type from the bytes alone (the name and the declared type are
/// the sender's to choose); anything else is refused with what it seems to be.
pub fn sniff(bytes: &[u8]) -> Result<Kind, Refused> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Kind::Gif);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::WebP);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        // The major brand, then (after the minor version) the compatible ones.
        let size = (u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
            .clamp(12, bytes.len());
        let ftyp = &bytes[..size];
        let compatible = ftyp.get(16..).unwrap_or_default().chunks_exact(4);
        if std::iter::once(&ftyp[8..12])
            .chain(compatible)
            .any(|b| b == b"avif" || b == b"avis")
        {
            return Ok(Kind::Avif);
        }
        return Err(Refused(
            "HEIC and other camera formats are not accepted: export the picture as JPEG, PNG, WebP or AVIF."
                .into(),
        ));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    if head.contains("<svg") {
        return Err(Refused(
            "SVG images are not accepted (they can carry scripts): upload a JPEG, PNG, WebP, AVIF or GIF."
                .into(),
        ));
    }
    Err(Refused(
        "This file is not an image Gazette accepts: upload a JPEG, PNG, WebP, AVIF or GIF (the file's contents decide, not its name)."
            .into(),
    ))
}

/// Whether a JPEG's compressed data runs to its end-of-image marker. Decoders fill in a
/// truncated picture with grey rather than fail, so this is checked before decoding:
/// the segments are walked by their lengths (skipping the EXIF thumbnail's own markers),
/// then the entropy-coded data scanned for the final marker.
fn jpeg_complete(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if marker == 0xDA {
            let data = bytes.get(i + 2 + len..).unwrap_or_default();
            return data.windows(2).any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + len;
    }
    false
}

/// Checks, decodes and re-encodes an upload. Refuses (storing nothing) files over
/// [`MAX_UPLOAD_BYTES`], types other than JPEG, PNG, WebP, AVIF and GIF, images declaring
/// more than [`MAX_PIXELS`] (checked from the header before any pixel is decoded, and
/// again by the decoder's own limits) and files that are truncated or corrupt.
pub fn process(bytes: &[u8]) -> Result<Processed, Refused> {
    if bytes.is_empty() {
        return Err(Refused("The file is empty.".into()));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(Refused(format!(
            "The file is larger than {} MB.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )));
    }
    let kind = sniff(bytes)?;
    let corrupt = || {
        Refused(format!(
            "The {} file is truncated or damaged; export it again.",
            kind.as_str().to_uppercase()
        ))
    };
    if kind == Kind::Jpeg && !jpeg_complete(bytes) {
        return Err(corrupt());
    }
    // The header alone, read without limits, so the size can be refused with a message.
    let (w, h) = match kind.format() {
        Some(format) => {
            let mut header = ImageReader::with_format(Cursor::new(bytes), format);
            header.no_limits();
            header.into_dimensions().map_err(|_| corrupt())?
        }
        None => avif::declared_size(bytes).ok_or_else(corrupt)?,
    };
    if w == 0 || h == 0 {
        return Err(corrupt());
    }
    if w > MAX_SIDE || h > MAX_SIDE || w as u64 * h as u64 > MAX_PIXELS {
        return Err(Refused(format!(
            "The image is {w} × {h} pixels; at most {} megapixels and {MAX_SIDE} pixels a side are accepted.",
            MAX_PIXELS / 1_000_000
        )));
    }
    let rgb = decode(bytes, kind).map_err(|e| e.unwrap_or_else(corrupt))?;
    let (width, height) = rgb.dimensions();
    let variants = variants(&rgb, 50, 50)?;
    Ok(Processed {
        hash: content_hash(bytes),
        kind,
        width,
        height,
        variants,
    })
}

/// Decodes a file of a recognised kind, within the decoders' limits, to upright sRGB.
/// `Err(None)` means truncated or corrupt; `Err(Some(_))` carries a more precise reason.
fn decode(bytes: &[u8], kind: Kind) -> Result<RgbImage, Option<Refused>> {
    let Some(format) = kind.format() else {
        let decoded = avif::decode(bytes).map_err(|e| match e {
            AvifError::Corrupt => None,
            AvifError::Unsupported(why) => Some(Refused(why.into())),
        })?;
        return Ok(to_srgb(decoded.image, decoded.profile));
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Room for the decoded pixels (up to 4 bytes each) and the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| None)?;
    let orientation = decoder.orientation().map_err(|_| None)?;
    let profile = decoder
        .icc_profile()
        .ok()
        .flatten()
        .and_then(|icc| moxcms::ColorProfile::new_from_slice(&icc).ok());
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| None)?;
    image.apply_orientation(orientation);
    Ok(to_srgb(image, profile))
}

/// The image as 8-bit sRGB without alpha (flattened onto white). A colour profile that
/// isn't sRGB (Display P3 from phones, Adobe RGB from cameras) is converted, since the
/// profile itself is not kept.
fn to_srgb(image: DynamicImage, profile: Option<moxcms::ColorProfile>) -> RgbImage {
    let rgb = if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        let (w, h) = rgba.dimensions();
        RgbImage::from_fn(w, h, |x, y| {
            let p = rgba.get_pixel(x, y).0;
            let a = p[3] as u32;
            let over = |c: u8| ((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
            image::Rgb([over(p[0]), over(p[1]), over(p[2])])
        })
    } else {
        image.to_rgb8()
    };
    let Some(source) = profile else { return rgb };
    let srgb = moxcms::ColorProfile::new_srgb();
    let Ok(transform) = source.create_transform_8bit(
        moxcms::Layout::Rgb,
        &srgb,
        moxcms::Layout::Rgb,
        moxcms::TransformOptions::default(),
    ) else {
        return rgb;
    };
    let (w, h) = rgb.dimensions();
    let mut out = vec![0u8; rgb.as_raw().len()];
    if transform.transform(rgb.as_raw(), &mut out).is_err() {
        return rgb;
    }
    RgbImage::from_raw(w, h, out).unwrap_or(rgb)
}

/// Every width of the ladder in WebP and JPEG, and the crops centred on the focal point
/// (`fx`, `fy` in percent).
fn variants(rgb: &RgbImage, fx: u32, fy: u32) -> Result<Vec<Variant>, Refused> {
    let (w, h) = rgb.dimensions();
    let mut out = Vec::new();
    // Largest first, each width made from the one above it: far cheaper than resizing
    // the full photo every time, and never more than a 2:1 step after the first.
    let mut source = DynamicImage::ImageRgb8(rgb.clone());
    for width in ladder(w).into_iter().rev() {
        let height = scaled_height(w, h, width);
        if source.width() != width {
            source = source.resize_exact(width, height, FilterType::CatmullRom);
        }
        let pixels = source.to_rgb8();
        out.push(Variant {
            name: format!("{width}.webp"),
            content_type: "image/webp",
            width,
            height,
            bytes: webp(&pixels)?,
        });
        out.push(Variant {
            name: format!("{width}.jpg"),
            content_type: "image/jpeg",
            width,
            height,
            bytes: jpeg(&pixels)?,
        });
    }
    out.extend(crops(rgb, fx, fy)?);
    Ok(out)
}

/// The 16:9, 4:3 and 1:1 crops (at most [`CROP_WIDTH`] wide) centred on the focal point,
/// named with it (see `MediaRef::crop_name`).
pub fn crops(rgb: &RgbImage, fx: u32, fy: u32) -> Result<Vec<Variant>, Refused> {
    let (w, h) = rgb.dimensions();
    let mut out = Vec::new();
    for (name, rw, rh) in CROPS {
        let (left, top, cw, ch) = crop_rect(w, h, rw, rh, fx, fy);
        let cut = image::imageops::crop_imm(rgb, left, top, cw, ch).to_image();
        let out_w = cw.min(CROP_WIDTH);
        let out_h = ((out_w as u64 * rh as u64) / rw as u64).max(1) as u32;
        let pixels = if (out_w, out_h) == (cw, ch) {
            cut
        } else {
            image::imageops::resize(&cut, out_w, out_h, FilterType::CatmullRom)
        };
        out.push(Variant {
            name: format!("{name}-{:03}{:03}.jpg", fx.min(100), fy.min(100)),
            content_type: "image/jpeg",
            width: out_w,
            height: out_h,
            bytes: jpeg(&pixels)?,
        });
    }
    Ok(out)
}

/// Decodes a stored original again (to make new crops when the focal point moves).
pub fn decode_stored(bytes: &[u8]) -> Result<RgbImage, Refused> {
    let kind = sniff(bytes)?;
    decode(bytes, kind).map_err(|_| Refused("The stored original could not be read.".into()))
}

/// Lossy WebP, no metadata chunks.
fn webp(pixels: &RgbImage) -> Result<Vec<u8>, Refused> {
    let (w, h) = pixels.dimensions();
    let encoded = webp::Encoder::from_rgb(pixels.as_raw(), w, h).encode(WEBP_QUALITY);
    Ok(encoded.to_vec())
}

/// Progressive JPEG with optimised Huffman tables and 4:2:0 chroma, no metadata
/// segments (a bare JFIF header).
fn jpeg(pixels: &RgbImage) -> Result<Vec<u8>, Refused> {
    let (w, h) = pixels.dimensions();
    let mut out = Vec::with_capacity((w * h / 4) as usize);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.set_progressive(true);
    encoder.set_optimized_huffman_tables(true);
    encoder
        .encode(
            pixels.as_raw(),
            w as u16,
            h as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|_| Refused("The picture could not be encoded.".into()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_bytes_not_their_names() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Kind::Jpeg));
        assert!(sniff(b"<!doctype html><html>")
            .unwrap_err()
            .0
            .contains("not an image"));
        assert!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"\">")
            .unwrap_err()
            .0
            .contains("SVG"));
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0\0\0mif1miaf"), Ok(Kind::Avif));
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif"), Ok(Kind::Avif));
        assert!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic")
            .unwrap_err()
            .0
            .contains("HEIC"));
    }
}
