//! The fonts documents are set in, loaded once. Latin text and ₹ come from DejaVu
//! Sans (the `dejavu` crate ships it); Devanagari from Noto Sans Devanagari (Debian's
//! fonts-noto-core), shaped with rustybuzz because a PDF viewer does not shape.

use std::path::Path;
use std::sync::OnceLock;

/// Which face a run of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaceId {
    Sans,
    SansBold,
    Deva,
    DevaBold,
}

/// Regular or bold, as the layout asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

pub struct LoadedFace {
    pub bytes: &'static [u8],
    pub face: rustybuzz::Face<'static>,
    pub units_per_em: f32,
}

pub struct Fonts {
    /// Shaping plans per face and script, built once.
    plans: Vec<(FaceId, rustybuzz::Script, rustybuzz::ShapePlan)>,
    sans: LoadedFace,
    sans_bold: LoadedFace,
    deva: Option<LoadedFace>,
    deva_bold: Option<LoadedFace>,
}

/// Where Debian's fonts-noto-core puts Noto Sans Devanagari.
pub const NOTO_DIR: &str = "/usr/share/fonts/truetype/noto";

#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error("font {0} could not be parsed")]
    Parse(&'static str),
}

fn load(bytes: &'static [u8], name: &'static str) -> Result<LoadedFace, FontError> {
    let face = rustybuzz::Face::from_slice(bytes, 0).ok_or(FontError::Parse(name))?;
    let units_per_em = face.units_per_em() as f32;
    Ok(LoadedFace {
        bytes,
        face,
        units_per_em,
    })
}

/// Characters documents set in the Latin face: Latin-1 and Latin Extended-A/B,
/// general punctuation, currency signs (₹), letterlike symbols and arrows.
const LATIN_RANGES: [(u32, u32); 5] = [
    (0x0020, 0x024F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x2190, 0x21FF),
];

/// DejaVu Sans cut down once, at start, to what documents use (about 700 of its
/// 6,000 glyphs) and without hinting. Each invoice then subsets this small font
/// instead of parsing the whole one, and shaping skips DejaVu's large kerning
/// tables (kerning is imperceptible at invoice sizes).
fn latin_base(full: &'static [u8], name: &'static str) -> Result<&'static [u8], FontError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset};
    let face = rustybuzz::ttf_parser::Face::parse(full, 0).map_err(|_| FontError::Parse(name))?;
    let mut ids: Vec<u16> = LATIN_RANGES
        .iter()
        .flat_map(|&(a, b)| a..=b)
        .filter_map(char::from_u32)
        .filter_map(|c| face.glyph_index(c).map(|g| g.0))
        .filter(|g| *g != 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.insert(0, 0);
    let data = ReadScope::new(full)
        .read::<FontData<'_>>()
        .map_err(|_| FontError::Parse(name))?;
    let provider = data.table_provider(0).map_err(|_| FontError::Parse(name))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|_| FontError::Parse(name))?;
    let bytes = super::unhint::strip(&bytes).unwrap_or(bytes);
    Ok(Box::leak(bytes.into_boxed_slice()))
}

fn read_static(path: &Path) -> Option<&'static [u8]> {
    std::fs::read(path)
        .ok()
        .map(|v| &*Box::leak(v.into_boxed_slice()))
}

static FONTS: OnceLock<Fonts> = OnceLock::new();

impl Fonts {
    /// Loads the faces; Devanagari from `noto_dir` when present (a warning otherwise:
    /// Devanagari text then shows as boxes, everything else is unaffected).
    pub fn load(noto_dir: &Path) -> Result<Fonts, FontError> {
        let deva = read_static(&noto_dir.join("NotoSansDevanagari-Regular.ttf"));
        let deva_bold = read_static(&noto_dir.join("NotoSansDevanagari-Bold.ttf")).or(deva);
        if deva.is_none() {
            tracing::warn!(
                dir = %noto_dir.display(),
                "Noto Sans Devanagari not found (install fonts-noto-core): Devanagari will not render in PDFs"
            );
        }
        let mut fonts = Fonts {
            plans: Vec::new(),
            sans: load(
                latin_base(dejavu::sans::regular(), "DejaVu Sans")?,
                "DejaVu Sans",
            )?,
            sans_bold: load(
                latin_base(dejavu::sans::bold(), "DejaVu Sans Bold")?,
                "DejaVu Sans Bold",
            )?,
            deva: deva.map(|b| load(b, "Noto Sans Devanagari")).transpose()?,
            deva_bold: deva_bold
                .map(|b| load(b, "Noto Sans Devanagari Bold"))
                .transpose()?,
        };
        let scripts = [rustybuzz::script::LATIN, rustybuzz::script::DEVANAGARI];
        for id in [
            FaceId::Sans,
            FaceId::SansBold,
            FaceId::Deva,
            FaceId::DevaBold,
        ] {
            for script in scripts {
                let plan = rustybuzz::ShapePlan::new(
                    &fonts.face(id).face,
                    rustybuzz::Direction::LeftToRight,
                    Some(script),
                    None,
                    &[],
                );
                fonts.plans.push((id, script, plan));
            }
        }
        Ok(fonts)
    }

    /// The process-wide fonts (loaded on first use from the standard location unless
    /// `install` ran first).
    pub fn get() -> Result<&'static Fonts, FontError> {
        if let Some(f) = FONTS.get() {
            return Ok(f);
        }
        let fonts = Fonts::load(Path::new(NOTO_DIR))?;
        Ok(FONTS.get_or_init(|| fonts))
    }

    /// Loads the fonts from `noto_dir` for the whole process (at server start).
    pub fn install(noto_dir: &Path) -> Result<(), FontError> {
        let fonts = Fonts::load(noto_dir)?;
        let _ = FONTS.set(fonts);
        Ok(())
    }

    /// The cached plan for shaping `buffer` (script and direction set) with a face.
    pub fn plan(
        &self,
        id: FaceId,
        buffer: &rustybuzz::UnicodeBuffer,
    ) -> Option<&rustybuzz::ShapePlan> {
        if buffer.direction() != rustybuzz::Direction::LeftToRight || buffer.language().is_some() {
            return None;
        }
        let script = buffer.script();
        self.plans
            .iter()
            .find(|(f, s, _)| *f == id && *s == script)
            .map(|(_, _, p)| p)
    }

    pub fn has_devanagari(&self) -> bool {
        self.deva.is_some()
    }

    pub fn face(&self, id: FaceId) -> &LoadedFace {
        match id {
            FaceId::Sans => &self.sans,
            FaceId::SansBold => &self.sans_bold,
            FaceId::Deva => self.deva.as_ref().unwrap_or(&self.sans),
            FaceId::DevaBold => self
                .deva_bold
                .as_ref()
                .or(self.deva.as_ref())
                .unwrap_or(&self.sans_bold),
        }
    }
}

/// Devanagari letters, signs and the Vedic extensions; ZWJ/ZWNJ and spaces join
/// whichever run they are in.
pub fn is_devanagari(c: char) -> bool {
    matches!(c as u32, 0x0900..=0x097F | 0xA8E0..=0xA8FF | 0x1CD0..=0x1CFF)
}

fn is_neutral(c: char) -> bool {
    c == ' ' || c == '\u{200C}' || c == '\u{200D}'
}

/// Splits text into runs of one script: (is_devanagari, text).
pub fn script_runs(text: &str) -> Vec<(bool, &str)> {
    let mut runs: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<bool> = None;
    for (i, c) in text.char_indices() {
        if is_neutral(c) {
            continue;
        }
        let deva = is_devanagari(c);
        match current {
            None => current = Some(deva),
            Some(cur) if cur != deva => {
                runs.push((cur, &text[start..i]));
                start = i;
                current = Some(deva);
            }
            _ => {}
        }
    }
    if start < text.len() {
        runs.push((current.unwrap_or(false), &text[start..]));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_scripts() {
        assert_eq!(script_runs("Shree"), vec![(false, "Shree")]);
        assert_eq!(
            script_runs("श्री गणेश Traders"),
            vec![(true, "श्री गणेश "), (false, "Traders")]
        );
        assert_eq!(script_runs(""), Vec::<(bool, &str)>::new());
        assert_eq!(script_runs("₹ 10"), vec![(false, "₹ 10")]);
    }
}
