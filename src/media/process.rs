//! Turning an uploaded file into the images we keep: decoded within limits, turned upright by
//! its EXIF orientation, scaled, and encoded anew. Encoding anew keeps only pixels, so EXIF
//! (camera, GPS position), XMP and comments are gone.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Longest side of the kept original.
pub const ORIGINAL_MAX: u32 = 2048;
/// Longest side of the small variant (timelines, previews).
pub const SMALL_MAX: u32 = 400;
const JPEG_QUALITY: u8 = 85;

/// Why an upload is refused. Each maps to a message for the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    #[error("the image has more than {0} pixels")]
    TooManyPixels(u64),
    #[error("the image cannot be read: {0}")]
    Unreadable(String),
}

impl ImageError {
    /// The translation key of the message shown next to the file field.
    pub fn message_key(&self) -> &'static str {
        match self {
            ImageError::TooLarge(_) => "error-image-too-large",
            ImageError::NotAnImage => "error-image-type",
            ImageError::TooManyPixels(_) => "error-image-too-many-pixels",
            ImageError::Unreadable(_) => "error-image-unreadable",
        }
    }
}

/// One encoded size of an image.
#[derive(Debug, Clone)]
pub struct Variant {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// An upload made ready to keep.
#[derive(Debug, Clone)]
pub struct Processed {
    /// `image/jpeg`, or `image/png` for images with transparency.
    pub content_type: &'static str,
    /// File name extension that goes with the content type.
    pub extension: &'static str,
    pub original: Variant,
    pub small: Variant,
    pub blurhash: Option<String>,
}

/// Limits of what is accepted.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_bytes: usize,
    pub max_pixels: u64,
}

/// Decodes, orients, scales and re-encodes an uploaded image. CPU-heavy: call it from
/// `spawn_blocking`.
pub fn process(data: &[u8], limit: Limit) -> Result<Processed, ImageError> {
    if data.len() > limit.max_bytes {
        return Err(ImageError::TooLarge(limit.max_bytes));
    }
    let format = image::guess_format(data).map_err(|_| ImageError::NotAnImage)?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) {
        return Err(ImageError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = Limits::default();
    // Room for the decoded image (up to 8 bytes a pixel for 16-bit PNGs) and the decoder.
    limits.max_alloc = Some(limit.max_pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        // The decoder read the header and found the image larger than the memory allowed.
        image::ImageError::Limits(_) => ImageError::TooManyPixels(limit.max_pixels),
        other => unreadable(other),
    })?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ImageError::NotAnImage);
    }
    // Checked before decoding: a few kilobytes can declare gigapixels.
    if u64::from(width) * u64::from(height) > limit.max_pixels {
        return Err(ImageError::TooManyPixels(limit.max_pixels));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);

    let transparent = has_transparency(&image);
    let original = fit(&image, ORIGINAL_MAX, Some(FilterType::CatmullRom));
    // Box averaging: fast, and as good as a filter when shrinking this much.
    let small = fit(&original, SMALL_MAX, None);
    let blurhash = blurhash_of(&small);
    let (content_type, extension) = if transparent { ("image/png", "png") } else { ("image/jpeg", "jpg") };
    Ok(Processed {
        content_type,
        extension,
        original: encode(&original, transparent)?,
        small: encode(&small, transparent)?,
        blurhash,
    })
}

fn unreadable(e: image::ImageError) -> ImageError {
    match e {
        image::ImageError::Limits(_) => ImageError::Unreadable("too large to decode".into()),
        other => ImageError::Unreadable(other.to_string()),
    }
}

/// Whether any pixel is not fully opaque.
fn has_transparency(image: &DynamicImage) -> bool {
    if !image.color().has_alpha() {
        return false;
    }
    match image {
        DynamicImage::ImageRgba8(buf) => buf.pixels().any(|p| p.0[3] < 255),
        DynamicImage::ImageLumaA8(buf) => buf.pixels().any(|p| p.0[1] < 255),
        other => other.to_rgba8().pixels().any(|p| p.0[3] < 255),
    }
}

/// The image scaled down so its longest side is at most `max` (never scaled up), with `filter`
/// or else by box averaging.
fn fit(image: &DynamicImage, max: u32, filter: Option<FilterType>) -> DynamicImage {
    if image.width() <= max && image.height() <= max {
        return image.clone();
    }
    match filter {
        Some(filter) => image.resize(max, max, filter),
        None => image.thumbnail(max, max),
    }
}

fn encode(image: &DynamicImage, transparent: bool) -> Result<Variant, ImageError> {
    let mut bytes = Vec::new();
    if transparent {
        image.to_rgba8().write_with_encoder(PngEncoder::new(&mut bytes)).map_err(unreadable)?;
    } else {
        image
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY))
            .map_err(unreadable)?;
    }
    Ok(Variant { bytes, width: image.width(), height: image.height() })
}

/// A BlurHash (shown by Mastodon apps while the image loads), from a tiny copy.
fn blurhash_of(image: &DynamicImage) -> Option<String> {
    let tiny = image.thumbnail(32, 32).to_rgba8();
    blurhash::encode(4, 3, tiny.width(), tiny.height(), tiny.as_raw()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: u8) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 100, 50, alpha]));
        let mut out = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    const LIMIT: Limit = Limit { max_bytes: 10 * 1024 * 1024, max_pixels: 50_000_000 };

    #[test]
    fn large_opaque_png_becomes_capped_jpeg_variants() {
        let p = process(&png(3000, 1500, 255), LIMIT).unwrap();
        assert_eq!(p.content_type, "image/jpeg");
        assert_eq!((p.original.width, p.original.height), (2048, 1024));
        assert_eq!((p.small.width, p.small.height), (400, 200));
        assert!(p.blurhash.is_some());
        assert_eq!(image::guess_format(&p.original.bytes).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn transparency_is_kept_as_png_and_small_images_are_not_enlarged() {
        let p = process(&png(300, 100, 128), LIMIT).unwrap();
        assert_eq!(p.content_type, "image/png");
        assert_eq!((p.original.width, p.original.height), (300, 100));
        assert_eq!((p.small.width, p.small.height), (300, 100));
    }

    #[test]
    fn refusals() {
        assert_eq!(process(b"hello", LIMIT).unwrap_err(), ImageError::NotAnImage);
        let small = Limit { max_bytes: 10, max_pixels: 50_000_000 };
        assert_eq!(process(&png(10, 10, 255), small).unwrap_err(), ImageError::TooLarge(10));
        let few = Limit { max_bytes: 1 << 20, max_pixels: 1_000_000 };
        assert_eq!(process(&png(1001, 1000, 255), few).unwrap_err(), ImageError::TooManyPixels(1_000_000));
        assert!(matches!(process(b"GIF89a broken", LIMIT).unwrap_err(), ImageError::Unreadable(_)));
    }
}
