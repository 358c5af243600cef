//! The app's icons, drawn by code at start-up (no image files in the repo): a
//! white "A" on AuroMart teal with a saffron dot, anti-aliased by supersampling.

use std::collections::HashMap;

pub const SIZES: &[u32] = &[64, 180, 192, 512];

fn segment_distance(p: (f32, f32), a: (f32, f32), b: (f32, f32)) -> f32 {
    let (pa, ba) = ((p.0 - a.0, p.1 - a.1), (b.0 - a.0, b.1 - a.1));
    let t = ((pa.0 * ba.0 + pa.1 * ba.1) / (ba.0 * ba.0 + ba.1 * ba.1)).clamp(0.0, 1.0);
    ((pa.0 - ba.0 * t).powi(2) + (pa.1 - ba.1 * t).powi(2)).sqrt()
}

/// Colour at a point of the unit square; None outside the rounded tile.
fn paint(x: f32, y: f32, maskable: bool) -> Option<[f32; 3]> {
    const TEAL: [f32; 3] = [15.0, 118.0, 110.0];
    const WHITE: [f32; 3] = [255.0, 255.0, 255.0];
    const SAFFRON: [f32; 3] = [249.0, 115.0, 22.0];
    if !maskable {
        let r = 0.22;
        let (cx, cy) = (x.clamp(r, 1.0 - r), y.clamp(r, 1.0 - r));
        if (x - cx).powi(2) + (y - cy).powi(2) > r * r {
            return None;
        }
    }
    // Maskable icons keep the drawing inside the central safe circle.
    let scale = if maskable { 0.72 } else { 1.0 };
    let (u, v) = (0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale);
    let stroke = 0.085;
    let in_a = segment_distance((u, v), (0.5, 0.2), (0.26, 0.8)) < stroke / 2.0
        || segment_distance((u, v), (0.5, 0.2), (0.74, 0.8)) < stroke / 2.0
        || segment_distance((u, v), (0.36, 0.6), (0.64, 0.6)) < 0.07 / 2.0;
    if in_a {
        return Some(WHITE);
    }
    if (u - 0.78).powi(2) + (v - 0.24).powi(2) < 0.07f32.powi(2) {
        return Some(SAFFRON);
    }
    Some(TEAL)
}

/// RGBA PNG of the icon at `size` pixels.
pub fn render(size: u32, maskable: bool) -> Result<Vec<u8>, png::EncodingError> {
    const SS: u32 = 4;
    let mut rgba = Vec::with_capacity((size * size * 4) as usize);
    for py in 0..size {
        for px in 0..size {
            let (mut acc, mut cover) = ([0f32; 3], 0f32);
            for sy in 0..SS {
                for sx in 0..SS {
                    let x = (px as f32 + (sx as f32 + 0.5) / SS as f32) / size as f32;
                    let y = (py as f32 + (sy as f32 + 0.5) / SS as f32) / size as f32;
                    if let Some(c) = paint(x, y, maskable) {
                        acc.iter_mut().zip(c).for_each(|(a, c)| *a += c);
                        cover += 1.0;
                    }
                }
            }
            let alpha = cover / (SS * SS) as f32;
            let div = cover.max(1.0);
            rgba.extend(acc.iter().map(|c| (c / div).round() as u8));
            rgba.push((alpha * 255.0).round() as u8);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.write_header()?.write_image_data(&rgba)?;
    }
    Ok(out)
}

/// Every icon the manifest and pages name, by file name ("192.png", "maskable-512.png").
pub fn all() -> Result<HashMap<String, Vec<u8>>, png::EncodingError> {
    let mut map = HashMap::new();
    for &size in SIZES {
        map.insert(format!("{size}.png"), render(size, false)?);
    }
    map.insert("maskable-512.png".into(), render(512, true)?);
    Ok(map)
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_decodable_pngs_of_the_right_size() {
        let bytes = super::render(64, false).expect("renders");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().expect("valid png");
        assert_eq!((reader.info().width, reader.info().height), (64, 64));
        let icons = super::all().expect("renders");
        assert!(
            icons.contains_key("192.png")
                && icons.contains_key("512.png")
                && icons.contains_key("maskable-512.png")
        );
    }
}
