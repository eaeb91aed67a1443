//! Test pictures made in code (no binary fixtures): photos with a source's metadata in
//! them, decompression bombs, truncated files, and a reader for the metadata a served
//! file still carries.

use super::{Reply, Site};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gazette::model::{MediaItem, UploadOutcome};
use image::{ImageEncoder, Rgb, RgbImage};

/// A photo-like picture: gradients with some texture, left half reddish and right half
/// bluish, so orientation can be told from the pixels.
pub fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let texture = ((x * 7 + y * 13) % 23) as u8 * 3;
        if x < width / 2 {
            Rgb([200 + texture / 2, 30 + texture, 40])
        } else {
            Rgb([30, 60 + texture, 200 + texture / 2])
        }
    })
}

pub fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub fn encode_png(rgb: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// Text planted in the metadata; none of it may reach a served file.
pub const SECRETS: [&[u8]; 6] = [
    b"Exif",
    b"SN-4711-SOURCE",
    b"ExampleCam",
    b"http://ns.adobe.com/xap/1.0/",
    b"Photoshop 3.0",
    b"52.5200",
];

fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
    out.extend(tag.to_le_bytes());
    out.extend(kind.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(value);
}

/// An EXIF block (little-endian TIFF) as a phone writes one: camera make, the
/// `orientation`, a body serial number, a GPS position and a thumbnail.
fn exif(orientation: u16, thumbnail: &[u8]) -> Vec<u8> {
    // Layout: header 8 | IFD0 (4 entries) 8..62 | Exif IFD 62..80 | GPS IFD 80..110 |
    // IFD1 110..140 | data: make 140, serial 151, latitude 166, thumbnail 190.
    const ASCII: u16 = 2;
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const RATIONAL: u16 = 5;
    let mut t = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    t.extend(4u16.to_le_bytes());
    entry(&mut t, 0x010F, ASCII, 11, 140u32.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, SHORT, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8769, LONG, 1, 62u32.to_le_bytes());
    entry(&mut t, 0x8825, LONG, 1, 80u32.to_le_bytes());
    t.extend(110u32.to_le_bytes());
    t.extend(1u16.to_le_bytes());
    entry(&mut t, 0xA431, ASCII, 15, 151u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, RATIONAL, 3, 166u32.to_le_bytes());
    t.extend(0u32.to_le_bytes());
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0201, LONG, 1, 190u32.to_le_bytes());
    entry(
        &mut t,
        0x0202,
        LONG,
        1,
        (thumbnail.len() as u32).to_le_bytes(),
    );
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len(), 140);
    t.extend(b"ExampleCam\0");
    t.extend(b"SN-4711-SOURCE\0");
    assert_eq!(t.len(), 166);
    for (n, d) in [(52u32, 1u32), (31, 1), (5200, 100)] {
        t.extend(n.to_le_bytes());
        t.extend(d.to_le_bytes());
    }
    assert_eq!(t.len(), 190);
    t.extend(thumbnail);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(t);
    payload
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend(((payload.len() + 2) as u16).to_be_bytes());
    s.extend(payload);
    s
}

/// A JPEG of `rgb` carrying what a source's phone writes: EXIF with GPS, camera serial,
/// a thumbnail and Orientation = `orientation`, plus XMP and IPTC blocks.
pub fn jpeg_with_metadata(rgb: &RgbImage, orientation: u16) -> Vec<u8> {
    let plain = encode_jpeg(rgb, 90);
    let thumbnail = encode_jpeg(&photo(16, 8), 50);
    let xmp = [
        b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
        b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description \
          exif:GPSLatitude=\"52.5200N\"/></rdf:RDF></x:xmpmeta>",
    ]
    .concat();
    let iptc = [
        b"Photoshop 3.0\0".as_slice(),
        b"8BIM\x04\x04\0\0\0\0\0\x12\x1c\x02\x73\0\x0eSN-4711-SOURCE",
    ]
    .concat();
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif(orientation, &thumbnail)));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xED, &iptc));
    out.extend(&plain[2..]);
    out
}

/// A PNG that declares `width` × `height` pixels and holds almost nothing: what a
/// decompression bomb looks like to a header reader.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

/// The metadata blocks a served file carries: JPEG APPn segments other than the bare
/// JFIF header, and WebP chunks other than image data.
pub fn metadata_blocks(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 4 <= bytes.len() && bytes[i] == 0xFF {
            let marker = bytes[i + 1];
            let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
            let payload = &bytes[i + 4..(i + 2 + len).min(bytes.len())];
            let jfif = marker == 0xE0 && payload.starts_with(b"JFIF\0");
            if ((0xE0..=0xEF).contains(&marker) && !jfif) || marker == 0xFE {
                found.push(format!("JPEG segment FF{marker:02X}"));
            }
            if marker == 0xDA {
                break;
            }
            i += 2 + len;
        }
    } else if bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        let mut i = 12;
        while i + 8 <= bytes.len() {
            let kind = String::from_utf8_lossy(&bytes[i..i + 4]).into_owned();
            let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap()) as usize;
            if !matches!(kind.as_str(), "VP8 " | "VP8L" | "VP8X" | "ALPH") {
                found.push(format!("WebP chunk {kind}"));
            }
            i += 8 + len + (len & 1);
        }
    } else {
        found.push("not a JPEG or WebP file".into());
    }
    for secret in SECRETS {
        if bytes.windows(secret.len()).any(|w| w == secret) {
            found.push(format!("the bytes {:?}", String::from_utf8_lossy(secret)));
        }
    }
    found
}

/// A `multipart/form-data` body with the `alt` text and `files` as `(name, bytes)`;
/// returns the content type and the body.
pub fn multipart(alt: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "gazette-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n")
            .as_bytes(),
    );
    for (name, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Site {
    /// Uploads `files` through the editor's endpoint as the holder of `cookie`.
    pub async fn upload(&self, cookie: Option<&str>, alt: &str, files: &[(&str, &[u8])]) -> Reply {
        let (content_type, body) = multipart(alt, files);
        let mut req =
            Request::post("/admin/media/upload").header(header::CONTENT_TYPE, content_type);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Uploads one file with `alt` that must be accepted; returns what was stored.
    pub async fn upload_ok(&self, cookie: &str, alt: &str, name: &str, bytes: &[u8]) -> MediaItem {
        let reply = self.upload(Some(cookie), alt, &[(name, bytes)]).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let outcomes: Vec<UploadOutcome> = serde_json::from_str(&reply.body).unwrap();
        outcomes[0].uploaded.clone().unwrap().item
    }
}
