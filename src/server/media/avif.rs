//! AVIF uploads: the container read with Mozilla's `mp4parse` (Firefox's AVIF parser),
//! the AV1 picture decoded with `re_rav1d` (the Rust port of dav1d, through its safe
//! API), its YUV planes turned into RGB with `yuv`. The container's rotation is applied
//! and its alpha plane kept; the colour space (an ICC profile, or the AV1 colour
//! primaries) is handed on so the picture can be converted to sRGB like any other.

use super::process::MAX_PIXELS;
use image::{DynamicImage, RgbImage, RgbaImage};
use mp4parse::{Feature, ImageRotation, ParseStrictness};
use re_rav1d::dav1d::pixel::{
    ColorPrimaries, MatrixCoefficients, TransferCharacteristic, YUVRange,
};
use re_rav1d::dav1d::{Decoder, Picture, PixelLayout, PlanarImageComponent, Settings};
use std::io::Cursor;
use yuv::{YuvGrayImage, YuvPlanarImage, YuvRange, YuvStandardMatrix};

/// Why an AVIF file could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum AvifError {
    /// Truncated, damaged, or not AVIF after all.
    Corrupt,
    /// A valid AVIF of a kind we don't take; the message says which.
    Unsupported(&'static str),
}

/// A decoded AVIF picture, upright, with the colour space it is in.
pub struct Decoded {
    pub image: DynamicImage,
    pub profile: Option<moxcms::ColorProfile>,
}

/// The largest picture size the file declares (its `ispe` properties), read from the
/// box structure alone, before any pixel is decoded. `None` when there is none to read.
pub fn declared_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let meta = child(bytes, b"meta")?;
    // `meta` is a full box: a version byte and three flag bytes come first.
    let iprp = child(meta.get(4..)?, b"iprp")?;
    let ipco = child(iprp, b"ipco")?;
    boxes(ipco)
        .filter(|(kind, _)| kind == b"ispe")
        .filter_map(|(_, body)| {
            let w = u32::from_be_bytes(body.get(4..8)?.try_into().ok()?);
            let h = u32::from_be_bytes(body.get(8..12)?.try_into().ok()?);
            Some((w, h))
        })
        .max_by_key(|(w, h)| *w as u64 * *h as u64)
}

/// The body of the first box of type `kind` among `data`'s boxes.
fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| k == kind).map(|(_, body)| body)
}

/// The ISO base media file format boxes in `data`, as (type, body); stops at the first
/// box whose size doesn't fit.
fn boxes(mut data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    std::iter::from_fn(move || {
        let size = u32::from_be_bytes(data.get(..4)?.try_into().ok()?) as u64;
        let kind: [u8; 4] = data.get(4..8)?.try_into().ok()?;
        let (header, size) = match size {
            0 => (8, data.len() as u64),
            1 => (16, u64::from_be_bytes(data.get(8..16)?.try_into().ok()?)),
            n => (8, n),
        };
        let size = usize::try_from(size).ok()?;
        let body = data.get(header..size)?;
        data = &data[size..];
        Some((kind, body))
    })
}

/// Decodes an AVIF file's primary picture (and its alpha plane, if any).
pub fn decode(bytes: &[u8]) -> Result<Decoded, AvifError> {
    let context = mp4parse::read_avif(&mut Cursor::new(bytes), ParseStrictness::Normal)
        .map_err(|_| AvifError::Corrupt)?;
    let Some(coded) = context.primary_item_coded_data() else {
        if context.unsupported_features.contains(Feature::Grid) {
            return Err(AvifError::Unsupported(
                "AVIF pictures made of tiles (grid images) are not accepted: export the picture as JPEG, PNG or WebP.",
            ));
        }
        return Err(AvifError::Corrupt);
    };
    if !context
        .image_mirror_ptr()
        .map_err(|_| AvifError::Corrupt)?
        .is_null()
    {
        return Err(AvifError::Unsupported(
            "Mirrored AVIF pictures are not accepted: export the picture as JPEG, PNG or WebP.",
        ));
    }
    let picture = decode_av1(coded)?;
    let (w, h) = (picture.width(), picture.height());
    let rgb = to_rgb(&picture)?;
    let mut image = match context.alpha_item_coded_data() {
        Some(alpha) => {
            let alpha = decode_av1(alpha)?;
            if (alpha.width(), alpha.height()) != (w, h) {
                return Err(AvifError::Corrupt);
            }
            let full = alpha.color_range() == YUVRange::Full;
            let a = plane8(&alpha, PlanarImageComponent::Y, w, h);
            let premultiplied = context.premultiplied_alpha;
            DynamicImage::ImageRgba8(RgbaImage::from_fn(w, h, |x, y| {
                let i = (y * w + x) as usize;
                let raw = a[i];
                let alpha = if full {
                    raw
                } else {
                    ((raw.clamp(16, 235) as u32 - 16) * 255 / 219) as u8
                };
                let p = rgb.get_pixel(x, y).0;
                let channel = |c: u8| match (premultiplied, alpha) {
                    (true, 0) => 0,
                    (true, a) => ((c as u32 * 255 + a as u32 / 2) / a as u32).min(255) as u8,
                    (false, _) => c,
                };
                image::Rgba([channel(p[0]), channel(p[1]), channel(p[2]), alpha])
            }))
        }
        None => DynamicImage::ImageRgb8(rgb),
    };
    // `irot` turns the picture anticlockwise; the image crate's turns are clockwise.
    image = match context.image_rotation().map_err(|_| AvifError::Corrupt)? {
        ImageRotation::D0 => image,
        ImageRotation::D90 => image.rotate270(),
        ImageRotation::D180 => image.rotate180(),
        ImageRotation::D270 => image.rotate90(),
    };
    let profile = match context.icc_colour_information() {
        Some(Ok(icc)) => moxcms::ColorProfile::new_from_slice(icc).ok(),
        Some(Err(_)) => return Err(AvifError::Corrupt),
        None => profile_of(&picture),
    };
    Ok(Decoded { image, profile })
}

/// One AV1 still picture, decoded on this thread. Frames over [`MAX_PIXELS`] are refused
/// by the decoder itself, whatever the container declared.
fn decode_av1(coded: &[u8]) -> Result<Picture, AvifError> {
    let mut settings = Settings::new();
    settings.set_n_threads(1);
    settings.set_max_frame_delay(1);
    settings.set_all_layers(false);
    settings.set_frame_size_limit(MAX_PIXELS as u32);
    let mut decoder = Decoder::with_settings(&settings).map_err(|_| AvifError::Corrupt)?;
    match decoder.send_data(coded.to_vec(), None, None, None) {
        Ok(()) => {}
        Err(e) if e.is_again() => {}
        Err(_) => return Err(AvifError::Corrupt),
    }
    // A still picture comes out after its data is in; pending data is sent as the
    // decoder asks for it, a bounded number of times.
    for _ in 0..16 {
        match decoder.get_picture() {
            Ok(picture) => return Ok(picture),
            Err(e) if e.is_again() => match decoder.send_pending_data() {
                Ok(()) => {}
                Err(e) if e.is_again() => {}
                Err(_) => return Err(AvifError::Corrupt),
            },
            Err(_) => return Err(AvifError::Corrupt),
        }
    }
    Err(AvifError::Corrupt)
}

/// A plane's samples as 8 bits each, `w` × `h` of them without padding: 10- and 12-bit
/// samples are rounded to 8 (the variants are 8-bit).
fn plane8(picture: &Picture, component: PlanarImageComponent, w: u32, h: u32) -> Vec<u8> {
    let plane = picture.plane(component);
    let stride = picture.stride(component) as usize;
    let (w, h) = (w as usize, h as usize);
    let bits = picture.bit_depth();
    let mut out = Vec::with_capacity(w * h);
    for row in plane.chunks(stride).take(h) {
        if bits <= 8 {
            out.extend_from_slice(&row[..w]);
        } else {
            let shift = bits - 8;
            out.extend(row[..w * 2].chunks_exact(2).map(|b| {
                let v = u16::from_ne_bytes([b[0], b[1]]) as u32;
                ((v + (1 << (shift - 1))) >> shift).min(255) as u8
            }));
        }
    }
    out
}

/// The picture's YUV planes as 8-bit RGB, with the matrix and range its sequence header
/// names.
fn to_rgb(picture: &Picture) -> Result<RgbImage, AvifError> {
    let (w, h) = (picture.width(), picture.height());
    let layout = picture.pixel_layout();
    let (cw, ch) = match layout {
        PixelLayout::I420 => (w.div_ceil(2), h.div_ceil(2)),
        PixelLayout::I422 => (w.div_ceil(2), h),
        PixelLayout::I444 | PixelLayout::I400 => (w, h),
    };
    let y = plane8(picture, PlanarImageComponent::Y, w, h);
    let range = match picture.color_range() {
        YUVRange::Full => YuvRange::Full,
        YUVRange::Limited => YuvRange::Limited,
    };
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    let matrix = match picture.matrix_coefficients() {
        MatrixCoefficients::Identity if layout == PixelLayout::I444 => {
            // GBR stored as is.
            let u = plane8(picture, PlanarImageComponent::U, w, h);
            let v = plane8(picture, PlanarImageComponent::V, w, h);
            for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
                px.copy_from_slice(&[v[i], y[i], u[i]]);
            }
            return RgbImage::from_raw(w, h, rgb).ok_or(AvifError::Corrupt);
        }
        MatrixCoefficients::BT709 => YuvStandardMatrix::Bt709,
        MatrixCoefficients::BT2020NonConstantLuminance
        | MatrixCoefficients::BT2020ConstantLuminance => YuvStandardMatrix::Bt2020,
        MatrixCoefficients::ST240M => YuvStandardMatrix::Smpte240,
        MatrixCoefficients::BT470M => YuvStandardMatrix::Fcc,
        _ => YuvStandardMatrix::Bt601,
    };
    let stride = w * 3;
    let converted = if layout == PixelLayout::I400 {
        let gray = YuvGrayImage {
            y_plane: &y,
            y_stride: w,
            width: w,
            height: h,
        };
        yuv::yuv400_to_rgb(&gray, &mut rgb, stride, range, matrix)
    } else {
        let u = plane8(picture, PlanarImageComponent::U, cw, ch);
        let v = plane8(picture, PlanarImageComponent::V, cw, ch);
        let planar = YuvPlanarImage {
            y_plane: &y,
            y_stride: w,
            u_plane: &u,
            u_stride: cw,
            v_plane: &v,
            v_stride: cw,
            width: w,
            height: h,
        };
        match layout {
            PixelLayout::I420 => yuv::yuv420_to_rgb(&planar, &mut rgb, stride, range, matrix),
            PixelLayout::I422 => yuv::yuv422_to_rgb(&planar, &mut rgb, stride, range, matrix),
            _ => yuv::yuv444_to_rgb(&planar, &mut rgb, stride, range, matrix),
        }
    };
    converted.map_err(|_| AvifError::Corrupt)?;
    RgbImage::from_raw(w, h, rgb).ok_or(AvifError::Corrupt)
}

/// The colour space the AV1 sequence header names, when it isn't sRGB's (BT.709
/// primaries, or unspecified).
fn profile_of(picture: &Picture) -> Option<moxcms::ColorProfile> {
    use moxcms::ColorProfile;
    let transfer = picture.transfer_characteristic();
    match picture.color_primaries() {
        ColorPrimaries::P3Display => Some(ColorProfile::new_display_p3()),
        ColorPrimaries::P3DCI => Some(ColorProfile::new_dci_p3()),
        ColorPrimaries::BT2020 => Some(match transfer {
            TransferCharacteristic::PerceptualQuantizer => ColorProfile::new_bt2020_pq(),
            TransferCharacteristic::HybridLogGamma => ColorProfile::new_bt2020_hlg(),
            _ => ColorProfile::new_bt2020(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn the_declared_size_is_read_from_the_boxes_alone() {
        let ispe = |w: u32, h: u32| {
            let mut body = vec![0u8; 4];
            body.extend_from_slice(&w.to_be_bytes());
            body.extend_from_slice(&h.to_be_bytes());
            boxed(b"ispe", &body)
        };
        let mut ipco = ispe(64, 32);
        ipco.extend(ispe(19_000, 19_000));
        let mut meta_body = vec![0u8; 4];
        meta_body.extend(boxed(b"hdlr", &[0; 20]));
        meta_body.extend(boxed(b"iprp", &boxed(b"ipco", &ipco)));
        let mut file = boxed(b"ftyp", b"avifmif1");
        file.extend(boxed(b"meta", &meta_body));
        assert_eq!(declared_size(&file), Some((19_000, 19_000)));
        assert_eq!(declared_size(&file[..file.len() - 3]), None, "cut short");
        assert_eq!(declared_size(b"\0\0\0\x1cftypavif"), None);
    }

    #[test]
    fn damaged_files_are_refused_not_panicked_on() {
        assert_eq!(decode(b"").err(), Some(AvifError::Corrupt));
        assert_eq!(
            decode(b"\0\0\0\x1cftypavif\0\0\0\0mif1avifmiaf").err(),
            Some(AvifError::Corrupt)
        );
    }
}
