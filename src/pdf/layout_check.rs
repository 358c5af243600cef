//! Checks that a laid-out document is legible: no two texts touch or overlap,
//! and everything lies on the A4 page. Used by the tests of every document.

use super::canvas::{A4_HEIGHT, TextBox};

/// A4's width in points.
const A4_WIDTH: f32 = 595.0;

/// Pairs of texts that overlap, or sit on one line with less than half a point
/// between them, and texts that leave the page; empty when all is legible.
pub fn problems(boxes: &[TextBox]) -> Vec<String> {
    let mut found = Vec::new();
    for b in boxes {
        if b.x0 < 0.0 || b.x1 > A4_WIDTH || b.top < 0.0 || b.bottom > A4_HEIGHT {
            found.push(format!("off the page: {b:?}"));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.page != b.page {
                continue;
            }
            let across = a.x1.min(b.x1) - a.x0.max(b.x0);
            let down = a.bottom.min(b.bottom) - a.top.max(b.top);
            if down > 0.5 && across > -0.5 {
                found.push(format!(
                    "page {}: {:?} at ({:.1}–{:.1}, {:.1}) meets {:?} at ({:.1}–{:.1}, {:.1})",
                    a.page + 1,
                    a.text,
                    a.x0,
                    a.x1,
                    a.bottom,
                    b.text,
                    b.x0,
                    b.x1,
                    b.bottom
                ));
            }
        }
    }
    found
}

/// The words `pdftotext -bbox` (Debian's poppler-utils) reads from the PDF, with
/// their boxes: a second opinion from the file itself, as other tools see it.
pub fn pdf_words(pdf: &[u8]) -> Vec<(String, f32, f32, f32, f32)> {
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "auromart-layout-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&path, pdf).is_err() {
        return Vec::new();
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-bbox", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let Ok(out) = out else {
        return Vec::new();
    };
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f32 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f32::NAN)
    };
    html.split("<word ")
        .skip(1)
        .filter_map(|chunk| {
            let (tag, rest) = chunk.split_once('>')?;
            let word = rest.split("</word>").next()?.to_string();
            Some((
                word,
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(x0: f32, x1: f32, top: f32, text: &str) -> TextBox {
        TextBox {
            page: 0,
            x0,
            x1,
            top,
            bottom: top + 9.0,
            text: text.into(),
        }
    }

    #[test]
    fn touching_and_overlapping_texts_are_found() {
        assert!(problems(&[b(10.0, 50.0, 100.0, "a"), b(52.0, 90.0, 100.0, "b")]).is_empty());
        assert!(problems(&[b(10.0, 50.0, 100.0, "a"), b(10.0, 50.0, 110.0, "b")]).is_empty());
        assert_eq!(
            problems(&[b(10.0, 50.0, 100.0, "a"), b(50.2, 90.0, 100.0, "b")]).len(),
            1,
            "touching"
        );
        assert_eq!(
            problems(&[b(10.0, 50.0, 100.0, "a"), b(40.0, 90.0, 104.0, "b")]).len(),
            1,
            "overlap"
        );
        assert_eq!(
            problems(&[b(560.0, 600.0, 100.0, "a")]).len(),
            1,
            "off the page"
        );
    }
}
