//! Removes TrueType hinting from a (subset) font: the glyph programs, `fpgm`,
//! `prep` and `cvt `. PDF viewers rasterise at screen and print resolutions without
//! them, and in DejaVu Sans they are more than half of every glyph's bytes, so an
//! invoice's embedded fonts shrink by about half. Anything unexpected returns None
//! and the caller embeds the font unchanged.

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// One glyph without its instructions.
fn strip_glyph(glyph: &[u8]) -> Option<Vec<u8>> {
    if glyph.is_empty() {
        return Some(Vec::new());
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        let at = 10 + 2 * contours as usize;
        let len = u16_at(glyph, at)? as usize;
        let rest = glyph.get(at + 2 + len..)?;
        let mut out = Vec::with_capacity(glyph.len() - len);
        out.extend_from_slice(glyph.get(..at)?);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(rest);
        return Some(out);
    }
    // Composite: walk the components, clear WE_HAVE_INSTRUCTIONS, drop the program.
    let mut out = glyph.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(&out, at)?;
        let cleared = flags & !0x0100;
        out.get_mut(at..at + 2)?
            .copy_from_slice(&cleared.to_be_bytes());
        let args = if flags & 0x0001 != 0 { 4 } else { 2 };
        let scale = if flags & 0x0008 != 0 {
            2
        } else if flags & 0x0040 != 0 {
            4
        } else if flags & 0x0080 != 0 {
            8
        } else {
            0
        };
        at += 4 + args + scale;
        if flags & 0x0020 == 0 {
            out.truncate(at);
            return Some(out);
        }
    }
}

pub fn strip(font: &[u8]) -> Option<Vec<u8>> {
    let num_tables = u16_at(font, 4)? as usize;
    let mut tables: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(num_tables);
    for i in 0..num_tables {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let offset = u32_at(font, rec + 8)? as usize;
        let length = u32_at(font, rec + 12)? as usize;
        tables.push((tag, font.get(offset..offset + length)?.to_vec()));
    }
    let find = |tag: &[u8; 4]| tables.iter().position(|(t, _)| t == tag);
    let (head_i, maxp_i, loca_i, glyf_i) = (
        find(b"head")?,
        find(b"maxp")?,
        find(b"loca")?,
        find(b"glyf")?,
    );
    let long = u16_at(&tables[head_i].1, 50)? == 1;
    let glyphs = u16_at(&tables[maxp_i].1, 4)? as usize;
    let loca = &tables[loca_i].1;
    let offset = |i: usize| -> Option<usize> {
        if long {
            u32_at(loca, 4 * i).map(|v| v as usize)
        } else {
            u16_at(loca, 2 * i).map(|v| 2 * v as usize)
        }
    };
    let glyf = &tables[glyf_i].1;
    let mut new_glyf = Vec::with_capacity(glyf.len() / 2);
    let mut new_loca = Vec::with_capacity(4 * (glyphs + 1));
    for i in 0..glyphs {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        let (start, end) = (offset(i)?, offset(i + 1)?);
        let stripped = strip_glyph(glyf.get(start..end)?)?;
        new_glyf.extend_from_slice(&stripped);
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    tables[glyf_i].1 = new_glyf;
    tables[loca_i].1 = new_loca;
    let head = &mut tables[head_i].1;
    head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes());
    head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    if u32_at(&tables[maxp_i].1, 0)? == 0x0001_0000 {
        tables[maxp_i].1.get_mut(26..28)?.copy_from_slice(&[0, 0]);
    }
    tables.retain(|(tag, _)| {
        !matches!(
            tag,
            b"fpgm" | b"prep" | b"cvt " | b"hdmx" | b"LTSH" | b"VDMX"
        )
    });
    tables.sort_by_key(|t| t.0);

    // Write the font back: offset table, records, 4-byte aligned tables.
    let n = tables.len();
    let mut out = Vec::new();
    out.extend_from_slice(font.get(0..4)?);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    let mut power = 1usize;
    let mut log2 = 0u16;
    while power * 2 <= n {
        power *= 2;
        log2 += 1;
    }
    out.extend_from_slice(&((power * 16) as u16).to_be_bytes());
    out.extend_from_slice(&log2.to_be_bytes());
    out.extend_from_slice(&((n * 16 - power * 16) as u16).to_be_bytes());
    let mut offset = 12 + 16 * n;
    let mut body = Vec::new();
    let mut head_at = 0;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = 12 + 16 * n + body.len();
        }
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * n + body.len();
    }
    out.extend_from_slice(&body);
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out.get_mut(head_at + 8..head_at + 12)?
        .copy_from_slice(&adjustment.to_be_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stripped_dejavu_still_parses_with_the_same_outlines() {
        let source = dejavu::sans::regular();
        let stripped = super::strip(source).expect("strips");
        assert!(
            stripped.len() < source.len() * 95 / 100,
            "{} → {}",
            source.len(),
            stripped.len()
        );
        let before = rustybuzz::ttf_parser::Face::parse(source, 0).expect("parses");
        let after = rustybuzz::ttf_parser::Face::parse(&stripped, 0).expect("parses");
        assert_eq!(before.number_of_glyphs(), after.number_of_glyphs());
        for ch in ['A', 'g', '₹', '9', 'é'] {
            let gid = before.glyph_index(ch).expect("glyph");
            assert_eq!(after.glyph_index(ch), Some(gid));
            assert_eq!(
                before.glyph_bounding_box(gid),
                after.glyph_bounding_box(gid),
                "{ch}"
            );
            assert_eq!(before.glyph_hor_advance(gid), after.glyph_hor_advance(gid));
        }
    }
}
