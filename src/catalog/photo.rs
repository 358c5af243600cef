//! Product photos. A manufacturer uploads a JPEG, PNG or WebP (as a data URL;
//! the page shrinks big phone photos before sending). The server never stores
//! what it received: it decodes it within limits, turns it upright (EXIF),
//! flattens transparency onto white and re-encodes two small JPEGs, a square
//! list thumbnail and a picture at most 800 px on its long side.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage, RgbaImage};

/// Side of the square thumbnail shown in lists, in pixels.
pub const THUMB_PX: u32 = 160;
/// Longest side of the detail picture.
pub const PICTURE_PX: u32 = 800;
/// Uploads larger than this are refused before decoding.
pub const MAX_UPLOAD_BYTES: usize = 12 << 20;
/// Photos smaller than this on either side are too blurry to show.
pub const MIN_SIDE_PX: u32 = 120;
/// At most this many pixels are decoded (a 24-megapixel camera photo; the page
/// shrinks larger ones before sending). A few hundred compressed kilobytes can
/// claim a picture of gigabytes, so the header is checked before decoding.
pub const MAX_PIXELS: u64 = 24_000_000;
/// The decoder may allocate at most this much for one photo (24 MP × 4 bytes, with room).
pub const MAX_DECODE_BYTES: u64 = 160 << 20;
/// Photos decoded at once in this process; more wait their turn, so a burst of
/// uploads cannot multiply the memory a decode takes.
pub const MAX_CONCURRENT_DECODES: usize = 2;

/// The permits for `MAX_CONCURRENT_DECODES`.
pub static DECODES: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(MAX_CONCURRENT_DECODES);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("Choose a photo to upload")]
    Empty,
    #[error("The photo is larger than 12 MB: take a smaller one or shrink it first")]
    TooLarge,
    #[error("That file is not a JPEG, PNG or WebP photo")]
    NotAPhoto,
    #[error("The photo is only {0}\u{d7}{1} pixels: use one at least 120 pixels on each side")]
    TooSmall(u32, u32),
    #[error(
        "The photo has too many pixels (at most 24 megapixels and 12,000 on a side): shrink it first"
    )]
    TooManyPixels,
}

/// The two JPEGs made from an upload.
#[derive(Debug)]
pub struct Photo {
    pub thumb: Vec<u8>,
    pub picture: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The bytes of a `data:image/...;base64,` URL (or of plain base64).
pub fn decode_data_url(text: &str) -> Result<Vec<u8>, PhotoError> {
    use base64::Engine;
    let text = text.trim();
    let payload = match text.split_once(',') {
        Some((head, body)) if head.starts_with("data:") && head.ends_with(";base64") => body,
        Some(_) => return Err(PhotoError::NotAPhoto),
        None => text,
    };
    if payload.is_empty() {
        return Err(PhotoError::Empty);
    }
    if payload.len() / 4 * 3 > MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooLarge);
    }
    base64::engine::general_purpose::STANDARD
        .decode(payload)
        .map_err(|_| PhotoError::NotAPhoto)
}

/// Decodes, checks and re-encodes an uploaded photo. CPU-bound: call it on
/// the blocking pool.
pub fn process(bytes: &[u8]) -> Result<Photo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAPhoto)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(PhotoError::NotAPhoto);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(classify)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(classify)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    if width < MIN_SIDE_PX || height < MIN_SIDE_PX {
        return Err(PhotoError::TooSmall(width, height));
    }
    let picture = on_white(&shrink(&img, PICTURE_PX));
    let small = on_white(&shrink(&DynamicImage::ImageRgb8(picture.clone()), THUMB_PX));
    let mut square = RgbImage::from_pixel(THUMB_PX, THUMB_PX, image::Rgb([255, 255, 255]));
    image::imageops::overlay(
        &mut square,
        &small,
        i64::from((THUMB_PX - small.width()) / 2),
        i64::from((THUMB_PX - small.height()) / 2),
    );
    Ok(Photo {
        thumb: jpeg(&square, 80)?,
        picture: jpeg(&picture, 82)?,
        width: picture.width(),
        height: picture.height(),
    })
}

fn classify(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        _ => PhotoError::NotAPhoto,
    }
}

/// Fits the image within `side`×`side`, never enlarging it.
fn shrink(img: &DynamicImage, side: u32) -> RgbaImage {
    if img.width() <= side && img.height() <= side {
        return img.to_rgba8();
    }
    // Area averaging first (fast on 12-megapixel photos), then a clean filter.
    let rough = if img.width().max(img.height()) > side * 3 {
        img.thumbnail(side * 2, side * 2)
    } else {
        img.clone()
    };
    rough.resize(side, side, FilterType::Triangle).to_rgba8()
}

/// Transparent pixels become white (a product on a see-through background).
fn on_white(img: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let [r, g, b, a] = img.get_pixel(x, y).0;
        let blend = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

fn jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|_| PhotoError::NotAPhoto)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn png(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = RgbaImage::from_fn(w, h, |x, _| image::Rgba([(x % 256) as u8, 0, 0, alpha]));
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(img)
            .write_to(&mut out, ImageFormat::Png)
            .expect("png");
        out.into_inner()
    }

    #[test]
    fn a_large_photo_becomes_two_small_jpegs() {
        let photo = process(&png(2400, 1200, 255)).expect("photo");
        assert_eq!((photo.width, photo.height), (800, 400));
        assert_eq!(&photo.picture[..3], &[0xFF, 0xD8, 0xFF], "JPEG");
        let thumb = image::load_from_memory(&photo.thumb).expect("thumb");
        assert_eq!((thumb.width(), thumb.height()), (THUMB_PX, THUMB_PX));
        // Letterboxed on white above and below the 160×80 picture.
        let top = thumb.to_rgb8().get_pixel(80, 5).0;
        assert!(top.iter().all(|c| *c > 245), "{top:?}");
        assert!(photo.thumb.len() < 20_000 && photo.picture.len() < 200_000);
    }

    #[test]
    fn transparency_turns_white_and_small_photos_keep_their_size() {
        let photo = process(&png(300, 200, 0)).expect("photo");
        assert_eq!((photo.width, photo.height), (300, 200));
        let pic = image::load_from_memory(&photo.picture)
            .expect("picture")
            .to_rgb8();
        assert!(pic.get_pixel(150, 100).0.iter().all(|c| *c > 245));
    }

    /// A real PNG of `w`×`h` black RGBA pixels, compressed to a few hundred
    /// kilobytes that decode to gigabytes. Built from one compressed band of rows
    /// repeated (deflate blocks concatenate), so making it is quick.
    fn bomb(w: u32, h: u32) -> Vec<u8> {
        use flate2::{Compress, Compression, FlushCompress};
        let row = w as usize * 4 + 1; // filter byte 0, then zeros
        let band_rows = 64usize;
        let compress = |bytes: usize| {
            let mut c = Compress::new(Compression::best(), false);
            let input = vec![0u8; bytes];
            let mut out = Vec::with_capacity(bytes / 100 + 1024);
            c.compress_vec(&input, &mut out, FlushCompress::Sync)
                .expect("deflate");
            out
        };
        let band = compress(row * band_rows);
        let rest = compress(row * (h as usize % band_rows));
        let mut zlib = vec![0x78, 0xDA];
        for _ in 0..h as usize / band_rows {
            zlib.extend_from_slice(&band);
        }
        zlib.extend_from_slice(&rest);
        zlib.extend_from_slice(&[0x03, 0x00]); // an empty final block
        let total = (row as u64 * u64::from(h)) % 65_521; // Adler-32 of all zeros
        zlib.extend_from_slice(&(((total as u32) << 16) | 1).to_be_bytes());
        let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            out.extend_from_slice(kind);
            out.extend_from_slice(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", &zlib);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn peak_rss_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // 11,585 × 11,585 RGBA is 537 MB decoded; the file is well under the upload limit.
        let file = bomb(11_585, 11_585);
        assert!(file.len() < MAX_UPLOAD_BYTES, "{} bytes", file.len());
        let before = peak_rss_kb();
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let f = file.clone();
                std::thread::spawn(move || process(&f))
            })
            .collect();
        for t in threads {
            assert_eq!(
                t.join().expect("thread").err(),
                Some(PhotoError::TooManyPixels)
            );
        }
        let grew_mb = peak_rss_kb().saturating_sub(before) / 1024;
        assert!(grew_mb < 64, "peak memory grew by {grew_mb} MB");
        // Within the side limit but over the pixel count, too.
        assert_eq!(
            process(&bomb(6_000, 5_000)).err(),
            Some(PhotoError::TooManyPixels)
        );
        // The same construction within the limits is a real photo (the bomb is valid).
        assert!(process(&bomb(400, 300)).is_ok());
    }

    #[test]
    fn bad_uploads_are_explained() {
        assert_eq!(process(b"").unwrap_err(), PhotoError::Empty);
        assert_eq!(
            process(b"%PDF-1.7 not a photo").unwrap_err(),
            PhotoError::NotAPhoto
        );
        assert_eq!(
            process(&png(100, 400, 255)).unwrap_err(),
            PhotoError::TooSmall(100, 400)
        );
        assert_eq!(
            decode_data_url("data:text/plain,hello").unwrap_err(),
            PhotoError::NotAPhoto
        );
        assert_eq!(
            decode_data_url("data:image/png;base64,").unwrap_err(),
            PhotoError::Empty
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(png(200, 200, 255));
        let bytes = decode_data_url(&format!("data:image/png;base64,{encoded}")).expect("bytes");
        assert!(process(&bytes).is_ok());
        let huge = "A".repeat(MAX_UPLOAD_BYTES / 3 * 4 + 8);
        assert_eq!(decode_data_url(&huge).unwrap_err(), PhotoError::TooLarge);
    }
}
