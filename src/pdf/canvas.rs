//! A small drawing surface for A4 documents on top of printpdf: shaped text (any mix
//! of Latin and Devanagari), rules, filled boxes and QR codes, in points from the
//! page's top-left corner. `finish` subsets each font to the glyphs used (so a
//! 20-line invoice stays a few tens of kilobytes) and writes the PDF.

use super::fonts::{FaceId, Fonts, Weight, script_runs};
use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::{
    Codepoint, Color, DictItem, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};
use std::collections::BTreeMap;

pub const A4_WIDTH: f32 = 595.28;
pub const A4_HEIGHT: f32 = 841.89;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("fonts: {0}")]
    Font(#[from] super::fonts::FontError),
    #[error("font subsetting or writing failed: {0}")]
    Subset(String),
    #[error("QR code: {0}")]
    Qr(String),
}

#[derive(Clone)]
/// A shaped glyph: relative to its run's pen start after shaping, then placed on the
/// page (points from the bottom-left) when the run is drawn.
struct Glyph {
    gid: u16,
    x: f32,
    y: f32,
    /// Place this glyph with its own text matrix at (x, y); otherwise it follows the
    /// previous glyph at the font's own advance plus `kern`.
    anchor: bool,
    /// TJ adjustment after the glyph, thousandths of an em (positive moves left).
    kern: f32,
    text: String,
}

enum Prim {
    Text {
        face: FaceId,
        size: f32,
        glyphs: Vec<Glyph>,
        grey: f32,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    /// QR modules as rectangles (column, row, width, height in modules) on a grid of
    /// whole points, so the content stream stays small.
    Qr {
        x: f32,
        y: f32,
        module: f32,
        rects: Vec<(u16, u16, u16, u16)>,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        grey: f32,
    },
}

/// A shaped run ready to place.
struct Shaped {
    face: FaceId,
    glyphs: Vec<Glyph>,
    advance: f32,
}

pub struct Canvas {
    fonts: &'static Fonts,
    /// Widths of words at 1 pt, for wrapping without reshaping every prefix.
    words: std::cell::RefCell<std::collections::HashMap<(String, bool), f32>>,
    pages: Vec<Vec<Prim>>,
    current: usize,
    title: String,
    boxes: Vec<TextBox>,
}

/// Where one piece of text landed: its page and its box in points from the
/// top left (from the baseline up by the ascender, down by the descender).
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub page: usize,
    pub x0: f32,
    pub x1: f32,
    pub top: f32,
    pub bottom: f32,
    pub text: String,
}

/// How text sits against its x coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

impl Canvas {
    pub fn new(title: &str) -> Result<Canvas, PdfError> {
        Ok(Canvas {
            fonts: Fonts::get()?,
            words: Default::default(),
            pages: vec![Vec::new()],
            current: 0,
            title: title.to_string(),
            boxes: Vec::new(),
        })
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.current = self.pages.len() - 1;
    }

    /// Draw on an earlier page (for "page 1 of 3" footers).
    pub fn on_page(&mut self, index: usize) {
        self.current = index.min(self.pages.len() - 1);
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Every text drawn so far, where it landed (for layout checks).
    pub fn text_boxes(&self) -> &[TextBox] {
        &self.boxes
    }

    fn page(&mut self) -> &mut Vec<Prim> {
        &mut self.pages[self.current]
    }

    fn shape(&self, text: &str, size: f32, weight: Weight) -> Vec<Shaped> {
        script_runs(text)
            .into_iter()
            .map(|(deva, run)| {
                let face = match (deva, weight) {
                    (false, Weight::Regular) => FaceId::Sans,
                    (false, Weight::Bold) => FaceId::SansBold,
                    (true, Weight::Regular) => FaceId::Deva,
                    (true, Weight::Bold) => FaceId::DevaBold,
                };
                let loaded = self.fonts.face(face);
                let scale = size / loaded.units_per_em;
                let mut buffer = rustybuzz::UnicodeBuffer::new();
                buffer.push_str(run);
                // Runs are split by script already; digits and signs alone would
                // otherwise leave the script unset and miss the cached plan.
                buffer.set_script(if deva {
                    rustybuzz::script::DEVANAGARI
                } else {
                    rustybuzz::script::LATIN
                });
                buffer.set_direction(rustybuzz::Direction::LeftToRight);
                // A shaping plan per face (built once per process: building one
                // per call was a third of the layout time).
                let out = match self.fonts.plan(face, &buffer) {
                    Some(plan) => rustybuzz::shape_with_plan(&loaded.face, plan, buffer),
                    None => rustybuzz::shape(&loaded.face, &[], buffer),
                };
                let infos = out.glyph_infos();
                let positions = out.glyph_positions();
                // Cluster boundaries (byte offsets, ascending for left-to-right text)
                // give each cluster's text to its first glyph, for copy and search.
                let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
                starts.sort_unstable();
                starts.dedup();
                let cluster_text = |c: usize| -> &str {
                    let next = starts
                        .iter()
                        .find(|&&s| s > c)
                        .copied()
                        .unwrap_or(run.len());
                    run.get(c..next).unwrap_or("")
                };
                let mut pen = 0.0f32;
                let mut last_cluster = usize::MAX;
                let mut previous_offset = true;
                let mut glyphs = Vec::with_capacity(infos.len());
                let upem = loaded.units_per_em;
                for (info, pos) in infos.iter().zip(positions) {
                    let cluster = info.cluster as usize;
                    let text = if cluster != last_cluster {
                        cluster_text(cluster).to_string()
                    } else {
                        String::new()
                    };
                    last_cluster = cluster;
                    let offset = pos.x_offset != 0 || pos.y_offset != 0;
                    // The viewer advances by the font's own width (/W, in whole
                    // thousandths of an em: under 1/1000 em of drift per glyph); the
                    // TJ kern adds what shaping changed (kerning pairs, marks).
                    let default = loaded
                        .face
                        .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(info.glyph_id as u16))
                        .map(|a| f32::from(a) * 1000.0 / upem)
                        .unwrap_or(0.0);
                    let wanted = pos.x_advance as f32 * 1000.0 / upem;
                    let kern = default - wanted;
                    glyphs.push(Glyph {
                        gid: info.glyph_id as u16,
                        x: pen + pos.x_offset as f32 * scale,
                        y: pos.y_offset as f32 * scale,
                        anchor: offset || previous_offset,
                        kern: if kern.abs() < 0.5 { 0.0 } else { kern.round() },
                        text,
                    });
                    previous_offset = offset;
                    pen += pos.x_advance as f32 * scale;
                }
                Shaped {
                    face,
                    glyphs,
                    advance: pen,
                }
            })
            .collect()
    }

    /// Width of `text` in points.
    pub fn measure(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.shape(text, size, weight)
            .iter()
            .map(|s| s.advance)
            .sum()
    }

    /// Draws one line of text with its baseline at `y` (points from the top).
    /// Returns the width drawn.
    pub fn text(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        align: Align,
        text: &str,
    ) -> f32 {
        self.text_grey(x, y, size, weight, align, text, 0.0)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn text_grey(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        align: Align,
        text: &str,
        grey: f32,
    ) -> f32 {
        let runs = self.shape(text, size, weight);
        let width: f32 = runs.iter().map(|r| r.advance).sum();
        let mut pen = match align {
            Align::Left => x,
            Align::Right => x - width,
            Align::Center => x - width / 2.0,
        };
        if width > 0.0 {
            self.boxes.push(TextBox {
                page: self.current,
                x0: pen,
                x1: pen + width,
                top: y - 0.76 * size,
                bottom: y + 0.22 * size,
                text: text.to_string(),
            });
        }
        let baseline = A4_HEIGHT - y;
        for run in runs {
            let glyphs = run
                .glyphs
                .into_iter()
                .map(|g| Glyph {
                    x: pen + g.x,
                    y: baseline + g.y,
                    ..g
                })
                .collect();
            self.page().push(Prim::Text {
                face: run.face,
                size,
                glyphs,
                grey,
            });
            pen += run.advance;
        }
        width
    }

    /// Draws one line at `size`, or smaller if that is wider than `width`, so a
    /// table cell never runs into its neighbour. Returns the size used.
    #[allow(clippy::too_many_arguments)]
    pub fn text_fit(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        align: Align,
        text: &str,
        width: f32,
    ) -> f32 {
        let natural = self.word_width(text, size, weight);
        let size = if natural > width && natural > 0.0 {
            size * width / natural
        } else {
            size
        };
        self.text(x, y, size, weight, align, text);
        size
    }

    /// Column widths that hold their contents: each column but `flex` is as wide
    /// as its widest text at `size` (plus padding), at least its `widths` entry;
    /// `flex` takes the rest. When `flex` would get less than `min_flex`, every
    /// other column narrows by one factor, returned: draw the table's text at
    /// `size` times that factor.
    pub fn fit_columns(
        &self,
        widths: &mut [f32],
        cells: &[Vec<String>],
        size: f32,
        flex: usize,
        min_flex: f32,
        total: f32,
    ) -> f32 {
        const PAD: f32 = 5.0;
        for (i, w) in widths.iter_mut().enumerate() {
            if i == flex {
                continue;
            }
            let widest = cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|t| self.word_width(t, size, Weight::Bold))
                .fold(0.0f32, f32::max);
            *w = w.max(widest + PAD);
        }
        let fixed: f32 = widths
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != flex)
            .map(|(_, w)| w)
            .sum();
        let mut scale = 1.0;
        if total - fixed < min_flex {
            scale = (total - min_flex) / fixed;
            for (i, w) in widths.iter_mut().enumerate() {
                if i != flex {
                    *w *= scale;
                }
            }
        }
        widths[flex] = total - fixed * scale;
        scale
    }

    /// Width of a text at `size`, measured once per document at 1 pt and
    /// remembered (words for wrapping, table cells for fitting).
    fn word_width(&self, word: &str, size: f32, weight: Weight) -> f32 {
        let key = (word.to_string(), weight == Weight::Bold);
        if let Some(w) = self.words.borrow().get(&key) {
            return w * size;
        }
        let w = self.measure(word, 1.0, weight);
        self.words.borrow_mut().insert(key, w);
        w * size
    }

    /// Breaks `text` into lines no wider than `width` (at spaces; a single word wider
    /// than the line is broken between characters). Words are measured once each;
    /// kerning across a space is ignored (well under a point).
    pub fn wrap(&self, text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
        let space = self.word_width(" ", size, weight);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in text.split_whitespace() {
            let w = self.word_width(word, size, weight);
            if line.is_empty() && w <= width {
                line.push_str(word);
                line_width = w;
                continue;
            }
            if !line.is_empty() && line_width + space + w <= width {
                line.push(' ');
                line.push_str(word);
                line_width += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if w <= width {
                line.push_str(word);
                line_width = w;
            } else {
                let mut part = String::new();
                for c in word.chars() {
                    part.push(c);
                    if self.measure(&part, size, weight) > width && part.chars().count() > 1 {
                        part.pop();
                        lines.push(std::mem::take(&mut part));
                        part.push(c);
                    }
                }
                line_width = self.measure(&part, size, weight);
                line = part;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A filled box; `grey` 0 is black, 1 white. `y` is the box's top.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        self.page().push(Prim::Fill {
            x,
            y: A4_HEIGHT - y - h,
            w,
            h,
            grey,
        });
    }

    pub fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, grey: f32) {
        self.page().push(Prim::Rule {
            x1,
            y1: A4_HEIGHT - y1,
            x2,
            y2: A4_HEIGHT - y2,
            width,
            grey,
        });
    }

    /// A QR code of `data` with its top-left at (x, y), `size` points square
    /// (quiet zone included). Dark modules are drawn as rectangles, a row's run of
    /// dark modules as one.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &str) -> Result<(), PdfError> {
        let colors = qr_modules(data)?;
        let n = (colors.len() as f64).sqrt() as usize;
        let quiet = 4;
        // Whole-point modules on a whole-point origin: short numbers in the stream.
        let module = (size / (n + 2 * quiet) as f32).floor().max(1.0);
        let dark = |r: usize, c: usize| colors[r * n + c] == qrcode::Color::Dark;
        // Runs of dark modules per row, then runs repeated on the rows below merged
        // into one taller rectangle.
        let mut rows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
        for (r, runs) in rows.iter_mut().enumerate() {
            let mut c = 0;
            while c < n {
                if dark(r, c) {
                    let start = c;
                    while c < n && dark(r, c) {
                        c += 1;
                    }
                    runs.push((start, c - start));
                } else {
                    c += 1;
                }
            }
        }
        let mut rects = Vec::new();
        for r in 0..n {
            while let Some(run) = rows[r].pop() {
                let mut height = 1;
                while r + height < n {
                    match rows[r + height].iter().position(|x| *x == run) {
                        Some(i) => {
                            rows[r + height].swap_remove(i);
                            height += 1;
                        }
                        None => break,
                    }
                }
                rects.push((run.0 as u16, r as u16, run.1 as u16, height as u16));
            }
        }
        let x = (x + quiet as f32 * module).round();
        let top = (A4_HEIGHT - y - quiet as f32 * module).round();
        self.page().push(Prim::Qr {
            x,
            y: top,
            module,
            rects,
        });
        Ok(())
    }

    /// Subsets the fonts to the glyphs used and writes the PDF.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        // Glyphs used per face, with the text each stands for.
        let mut used: BTreeMap<FaceId, BTreeMap<u16, String>> = BTreeMap::new();
        for prim in self.pages.iter().flatten() {
            if let Prim::Text { face, glyphs, .. } = prim {
                let set = used.entry(*face).or_default();
                for g in glyphs {
                    let entry = set.entry(g.gid).or_default();
                    if entry.is_empty() && !g.text.is_empty() {
                        entry.clone_from(&g.text);
                    }
                }
            }
        }
        let mut doc = PdfDocument::new(&self.title);
        doc.metadata.info.producer = "AuroMart".into();
        doc.metadata.info.creator = "AuroMart".into();
        // Per face: its printpdf id and the old → new glyph id map.
        let mut faces: BTreeMap<FaceId, (printpdf::FontId, BTreeMap<u16, u16>)> = BTreeMap::new();
        for (face, glyphs) in &used {
            let source = self.fonts.face(*face).bytes;
            let ids: Vec<u16> = std::iter::once(0)
                .chain(glyphs.keys().copied().filter(|g| *g != 0))
                .collect();
            let scope = ReadScope::new(source);
            let data = scope
                .read::<FontData<'_>>()
                .map_err(|e| PdfError::Subset(e.to_string()))?;
            let provider = data
                .table_provider(0)
                .map_err(|e| PdfError::Subset(e.to_string()))?;
            let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
                .map_err(|e| PdfError::Subset(e.to_string()))?;
            let bytes = super::unhint::strip(&bytes).unwrap_or(bytes);
            let mut warnings = Vec::new();
            let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
                .ok_or_else(|| PdfError::Subset("subset font does not parse".into()))?;
            // allsorts numbers the kept glyphs by their position in `ids`.
            let map = ids
                .iter()
                .enumerate()
                .map(|(new, old)| (*old, new as u16))
                .collect();
            faces.insert(*face, (doc.add_font(&parsed), map));
        }
        let pages = self
            .pages
            .into_iter()
            .map(|prims| PdfPage::new(Mm(210.0), Mm(297.0), to_ops(prims, &faces, &used)))
            .collect();
        doc.with_pages(pages);
        let mut warnings = Vec::new();
        let opts = PdfSaveOptions {
            subset_fonts: false,
            optimize: false,
            ..Default::default()
        };
        // printpdf compresses at flate level 9 when optimising, which was half of the
        // time of an invoice. Level 1: a 20-line invoice in ~3.8 ms at ~43 KB (level 3
        // costs ~0.8 ms more for ~34 KB); see benches/invoice_pdf.rs.
        let mut lo = printpdf::to_lopdf_doc(&doc, &opts, &mut warnings);
        // One compressor for every stream (setting one up costs as much as a small
        // stream's compression).
        let mut deflate = flate2::Compress::new(flate2::Compression::new(1), true);
        for object in lo.objects.values_mut() {
            if let lopdf::Object::Stream(stream) = object
                && stream.dict.get(b"Filter").is_err()
            {
                deflate.reset();
                let mut packed = Vec::with_capacity(stream.content.len() / 2 + 64);
                let done = loop {
                    let before = deflate.total_in() as usize;
                    match deflate.compress_vec(
                        &stream.content[before.min(stream.content.len())..],
                        &mut packed,
                        flate2::FlushCompress::Finish,
                    ) {
                        Ok(flate2::Status::StreamEnd) => break true,
                        Ok(_) => packed.reserve(packed.capacity().max(1024)),
                        Err(_) => break false,
                    }
                };
                if done && packed.len() < stream.content.len() {
                    stream
                        .dict
                        .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
                    stream.set_content(packed);
                }
            }
        }
        let mut out = Vec::new();
        lo.save_to(&mut out)
            .map_err(|e| PdfError::Subset(format!("writing the PDF: {e}")))?;
        Ok(out)
    }
}

/// The modules of a QR code (error correction M), row by row. The mask is fixed
/// (pattern 000) rather than chosen by trying all eight: choosing took ~4 ms per
/// invoice, and every reader decodes any mask (the format bits name it).
fn qr_modules(data: &str) -> Result<Vec<qrcode::Color>, PdfError> {
    use qrcode::EcLevel;
    use qrcode::canvas::{Canvas as QrCanvas, MaskPattern};
    let err = |e: qrcode::types::QrError| PdfError::Qr(e.to_string());
    let bits = qrcode::bits::encode_auto(data.as_bytes(), EcLevel::M).map_err(err)?;
    let version = bits.version();
    let (codewords, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(err)?;
    let mut canvas = QrCanvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&codewords, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Ok(canvas.into_colors())
}

/// A QR code as an SVG image (one path, a quiet zone of four modules), for a
/// page to show: `title` names it for screen readers.
pub fn qr_svg(data: &str, title: &str) -> Result<String, PdfError> {
    let colors = qr_modules(data)?;
    let n = (colors.len() as f64).sqrt() as usize;
    let mut path = String::new();
    for r in 0..n {
        for c in 0..n {
            if colors[r * n + c] == qrcode::Color::Dark {
                path.push_str(&format!("M{} {}h1v1h-1z", c + 4, r + 4));
            }
        }
    }
    let size = n + 8;
    let title: String = title
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '&' | '"'))
        .collect();
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" width="220" height="220" shape-rendering="crispEdges"><title>{title}</title><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

fn grey(value: f32) -> Color {
    Color::Rgb(Rgb {
        r: value,
        g: value,
        b: value,
        icc_profile: None,
    })
}

fn to_ops(
    prims: Vec<Prim>,
    faces: &BTreeMap<FaceId, (printpdf::FontId, BTreeMap<u16, u16>)>,
    used: &BTreeMap<FaceId, BTreeMap<u16, String>>,
) -> Vec<Op> {
    let mut ops = Vec::new();
    // The fill colour persists in the graphics state: set it only when it changes.
    let mut fill: Option<f32> = None;
    let mut set_fill = |ops: &mut Vec<Op>, g: f32| {
        if fill != Some(g) {
            ops.push(Op::SetFillColor { col: grey(g) });
            fill = Some(g);
        }
    };
    // Consecutive texts share one text object; the font is set only when it changes
    // (text state persists in the graphics state).
    let mut in_text = false;
    let mut font_state: Option<(FaceId, f32)> = None;
    for prim in prims {
        let is_text = matches!(prim, Prim::Text { .. });
        if in_text && !is_text {
            ops.push(Op::EndTextSection);
            in_text = false;
        }
        match prim {
            Prim::Qr {
                x,
                y,
                module,
                rects,
            } => {
                set_fill(&mut ops, 0.0);
                for (c, r, w, h) in rects {
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(x + f32::from(c) * module),
                            y: Pt(y - f32::from(r + h) * module),
                            width: Pt(f32::from(w) * module),
                            height: Pt(f32::from(h) * module),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    });
                }
            }
            Prim::Fill {
                x,
                y,
                w,
                h,
                grey: g,
            } => {
                set_fill(&mut ops, g);
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x),
                        y: Pt(y),
                        width: Pt(w),
                        height: Pt(h),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Prim::Rule {
                x1,
                y1,
                x2,
                y2,
                width,
                grey: g,
            } => {
                ops.push(Op::SetOutlineColor { col: grey(g) });
                ops.push(Op::SetOutlineThickness { pt: Pt(width) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: Pt(x1),
                                    y: Pt(y1),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: Pt(x2),
                                    y: Pt(y2),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Prim::Text {
                face,
                size,
                glyphs,
                grey: g,
            } => {
                let Some((font_id, map)) = faces.get(&face) else {
                    continue;
                };
                let texts = used.get(&face);
                if !in_text {
                    ops.push(Op::StartTextSection);
                    in_text = true;
                }
                set_fill(&mut ops, g);
                if font_state != Some((face, size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id.clone()),
                        size: Pt(size),
                    });
                    font_state = Some((face, size));
                }
                // Shaped scripts (Devanagari) put several characters on one glyph, or
                // one character on several: a glyph's own text cannot say what the
                // run reads. The run's text then goes along as /ActualText, so copying
                // or searching the PDF finds the words as typed.
                let actual = actual_text(&glyphs);
                if let Some(text) = &actual {
                    ops.push(Op::BeginMarkedContentWithProperties {
                        tag: "Span".into(),
                        properties: DictItem::Dict {
                            map: BTreeMap::from([(
                                "ActualText".to_string(),
                                DictItem::String {
                                    data: utf16_text_string(text),
                                    literal: false,
                                },
                            )]),
                        },
                    });
                }
                let mut run: Vec<Codepoint> = Vec::new();
                let flush = |run: &mut Vec<Codepoint>, ops: &mut Vec<Op>| {
                    if !run.is_empty() {
                        ops.push(Op::ShowText {
                            items: vec![TextItem::GlyphIds(std::mem::take(run))],
                        });
                    }
                };
                for glyph in glyphs {
                    let gid = map.get(&glyph.gid).copied().unwrap_or(0);
                    let text = texts
                        .and_then(|t| t.get(&glyph.gid))
                        .cloned()
                        .unwrap_or_default();
                    if glyph.anchor {
                        flush(&mut run, &mut ops);
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Translate(Pt(glyph.x), Pt(glyph.y)),
                        });
                    }
                    run.push(Codepoint {
                        gid,
                        offset: glyph.kern,
                        cid: (!text.is_empty()).then_some(text),
                    });
                }
                flush(&mut run, &mut ops);
                if actual.is_some() {
                    ops.push(Op::EndMarkedContentWithProperties);
                }
            }
        }
    }
    if in_text {
        ops.push(Op::EndTextSection);
    }
    ops
}

/// A run's text when its glyphs do not map one to one onto characters.
fn actual_text(glyphs: &[Glyph]) -> Option<String> {
    let one_to_one = glyphs.iter().all(|g| g.text.chars().count() == 1);
    (!one_to_one).then(|| glyphs.iter().map(|g| g.text.as_str()).collect())
}

/// A PDF text string in UTF-16BE with its byte order mark.
fn utf16_text_string(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}
