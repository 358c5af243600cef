//! The tax invoice and credit note as an A4 PDF: every rule-46 field, the HSN-wise
//! summary accountants ask for, the delivery mode and a UPI QR code for the amount due.

use crate::domain::gst::{Supply, half_rate_label, rate_label};
use crate::domain::invoice::{DocKind, Document, PartyDoc, date_label};
use crate::domain::money::{Paise, plain};
use crate::pdf::canvas::{A4_HEIGHT, Align, Canvas, PdfError};
use crate::pdf::fonts::Weight::{Bold, Regular};

const LEFT: f32 = 32.0;
const RIGHT: f32 = 563.0;
const BOTTOM: f32 = A4_HEIGHT - 56.0;
const SMALL: f32 = 7.5;
const BODY: f32 = 8.5;
const LINE: f32 = 10.5;
/// Where the signature block begins; the payment text stays left of it.
const SIGN_X: f32 = RIGHT - 190.0;

struct Column {
    title: &'static str,
    width: f32,
    align: Align,
}

fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
    }
}

/// The line table's columns: the item column takes what the tax columns leave.
fn columns(supply: Supply, discounts: bool) -> Vec<Column> {
    use Align::{Left, Right};
    let mut cols = vec![
        col("#", 14.0, Left),
        col("Item", 0.0, Left),
        col("HSN", 34.0, Left),
        col("Qty", 42.0, Right),
        col("Rate", 42.0, Right),
    ];
    if discounts {
        cols.push(col("Disc.", 36.0, Right));
    }
    cols.push(col("Taxable", 52.0, Right));
    cols.push(col("GST", 26.0, Right));
    match supply {
        Supply::IntraState => {
            cols.push(col("CGST", 42.0, Right));
            cols.push(col("SGST", 42.0, Right));
        }
        Supply::InterState => cols.push(col("IGST", 50.0, Right)),
    }
    cols.push(col("Amount", 54.0, Right));
    let used: f32 = cols.iter().map(|c| c.width).sum();
    cols[1].width = RIGHT - LEFT - used;
    cols
}

/// The x where a cell's text is anchored.
fn anchor(x: f32, c: &Column) -> f32 {
    match c.align {
        Align::Left => x + 2.0,
        Align::Right => x + c.width - 2.0,
        Align::Center => x + c.width / 2.0,
    }
}

fn party_lines(p: &PartyDoc) -> Vec<String> {
    let mut lines = Vec::new();
    if p.legal_name != p.trade_name {
        lines.push(p.legal_name.clone());
    }
    lines.push(p.address.clone());
    lines.push(format!("{} – {}", p.city, p.pincode));
    lines.push(format!("State: {}, code {:02}", p.state_name, p.state_code));
    lines.push(match &p.gstin {
        Some(g) => format!("GSTIN: {g}"),
        None => "GSTIN: unregistered".to_string(),
    });
    lines.push(format!("Phone: +{}", p.phone));
    lines
}

/// Draws a party block in a column; returns the y below it.
fn party(c: &mut Canvas, x: f32, y: f32, width: f32, label: &str, p: &PartyDoc) -> f32 {
    let mut y = y;
    c.text_grey(x, y, SMALL, Regular, Align::Left, label, 0.35);
    y += LINE + 1.0;
    for line in c.wrap(&p.trade_name, 11.0, Bold, width) {
        c.text(x, y, 11.0, Bold, Align::Left, &line);
        y += 13.0;
    }
    for text in party_lines(p) {
        for line in c.wrap(&text, BODY, Regular, width) {
            c.text(x, y, BODY, Regular, Align::Left, &line);
            y += LINE;
        }
    }
    y
}

/// Label/value pairs at the right of the header; returns the y below them.
fn facts(c: &mut Canvas, x: f32, y: f32, rows: &[(&str, String)]) -> f32 {
    let mut y = y;
    for (label, value) in rows {
        c.text_grey(x, y, BODY, Regular, Align::Left, label, 0.35);
        for line in c.wrap(value, BODY, Bold, RIGHT - x - 78.0) {
            c.text(x + 78.0, y, BODY, Bold, Align::Left, &line);
            y += LINE + 1.0;
        }
    }
    y
}

fn table_header(c: &mut Canvas, y: f32, cols: &[Column], size: f32) -> f32 {
    header_row(c, y, LEFT, cols, size)
}

fn header_row(c: &mut Canvas, y: f32, left: f32, cols: &[Column], size: f32) -> f32 {
    let width: f32 = cols.iter().map(|c| c.width).sum();
    c.fill(left, y, width, 13.0, 0.9);
    let mut x = left;
    for col in cols {
        c.text_fit(
            anchor(x, col),
            y + 9.5,
            size,
            Bold,
            col.align,
            col.title,
            col.width - 4.0,
        );
        x += col.width;
    }
    y + 13.0
}

/// Widens the columns to hold `rows` (and their titles) at 7 pt, `flex` taking
/// the rest of `total`; returns the text size the table is drawn at.
fn fit(
    c: &Canvas,
    cols: &mut [Column],
    rows: &[Vec<String>],
    flex: usize,
    min_flex: f32,
    total: f32,
) -> f32 {
    let mut all: Vec<Vec<String>> = vec![cols.iter().map(|c| c.title.to_string()).collect()];
    all.extend(rows.iter().cloned());
    let mut widths: Vec<f32> = cols.iter().map(|c| c.width).collect();
    let scale = c.fit_columns(&mut widths, &all, 7.0, flex, min_flex, total);
    for (col, w) in cols.iter_mut().zip(widths) {
        col.width = w;
    }
    7.0 * scale
}

/// A label at `x` and its value right-aligned at RIGHT, on one line if both fit,
/// else the value on the next line. Returns the y of the value's line.
fn label_value(
    c: &mut Canvas,
    x: f32,
    y: f32,
    size: f32,
    weight: crate::pdf::fonts::Weight,
    label: &str,
    value: &str,
) -> f32 {
    let room = RIGHT - x;
    let one_line = c.measure(label, size, weight) + 8.0 + c.measure(value, size, weight) <= room;
    c.text_fit(x, y, size, weight, Align::Left, label, room);
    let y = if one_line { y } else { y + size + 3.0 };
    c.text_fit(RIGHT, y, size, weight, Align::Right, value, room);
    y
}

/// One line's cells in the order of `columns` (the item column left empty: it wraps).
fn line_cells(
    doc: &Document,
    i: usize,
    line: &crate::domain::invoice::DocLine,
    amounts: &crate::domain::gst::LineAmounts,
    discounts: bool,
) -> Vec<String> {
    let mut cells: Vec<String> = vec![
        (i + 1).to_string(),
        String::new(),
        line.hsn.clone(),
        format!(
            "{} {}",
            crate::domain::money::group_indian(line.qty.unsigned_abs()),
            line.unit
        ),
        plain(line.unit_price_paise),
    ];
    if discounts {
        cells.push(plain(amounts.discount));
    }
    cells.push(plain(amounts.taxable));
    cells.push(rate_label(line.rate_bp));
    match doc.supply {
        Supply::IntraState => {
            cells.push(plain(amounts.tax.cgst));
            cells.push(plain(amounts.tax.sgst));
        }
        Supply::InterState => cells.push(plain(amounts.tax.igst)),
    }
    cells.push(plain(amounts.total));
    cells
}

fn page_header(c: &mut Canvas, doc: &Document) -> f32 {
    c.text_grey(
        LEFT,
        34.0,
        SMALL,
        Regular,
        Align::Left,
        &format!("{} {} (continued)", doc.kind.title(), doc.number),
        0.35,
    );
    44.0
}

pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    layout(doc)?.finish()
}

/// Lays the document out on as many pages as it needs.
pub fn layout(doc: &Document) -> Result<Canvas, PdfError> {
    let mut c = Canvas::new(&format!("{} {}", doc.kind.title(), doc.number))?;
    let title = match doc.kind {
        DocKind::Invoice => "TAX INVOICE",
        DocKind::CreditNote => "CREDIT NOTE",
    };
    c.text(LEFT, 44.0, 15.0, Bold, Align::Left, title);
    c.text_grey(
        RIGHT,
        44.0,
        SMALL,
        Regular,
        Align::Right,
        "Original for recipient",
        0.35,
    );
    c.rule(LEFT, 52.0, RIGHT, 52.0, 1.0, 0.0);

    // Supplier, and the document's own facts.
    let mid = 330.0;
    let below_supplier = party(
        &mut c,
        LEFT,
        66.0,
        mid - LEFT - 12.0,
        "Supplier",
        &doc.supplier,
    );
    let place = format!("{} ({:02})", doc.place_of_supply_name, doc.place_of_supply);
    let mut rows: Vec<(&str, String)> = match doc.kind {
        DocKind::Invoice => vec![
            ("Invoice no.", doc.number.clone()),
            ("Invoice date", doc.date_label()),
        ],
        DocKind::CreditNote => vec![
            ("Credit note no.", doc.number.clone()),
            ("Date", doc.date_label()),
        ],
    };
    if let Some((number, date)) = &doc.refers_to {
        rows.push(("Against invoice", number.clone()));
        rows.push(("Invoice date", date_label(date)));
    }
    rows.push((
        "Order",
        format!("#{} of {}", doc.order_id, doc.order_placed),
    ));
    rows.push(("Place of supply", place));
    rows.push((
        "Reverse charge",
        if doc.reverse_charge { "Yes" } else { "No" }.to_string(),
    ));
    rows.push(("Delivery", doc.delivery_mode.label().to_string()));
    rows.push((
        "Supply",
        match doc.supply {
            Supply::IntraState => "Intra-state (CGST + SGST)".replace("SGST", doc.state_tax_name()),
            Supply::InterState => "Inter-state (IGST)".to_string(),
        },
    ));
    let below_facts = facts(&mut c, mid, 66.0, &rows);
    let mut y = below_supplier.max(below_facts) + 4.0;
    c.rule(LEFT, y, RIGHT, y, 0.5, 0.6);
    y += 14.0;

    // Recipient (bill to and ship to: the goods go to the recipient's shop).
    let below_recipient = party(
        &mut c,
        LEFT,
        y,
        mid - LEFT - 12.0,
        "Recipient (bill to / ship to)",
        &doc.recipient,
    );
    let ship = match doc.delivery_mode {
        crate::domain::order::DeliveryMode::Deliver => {
            "Delivered by the supplier to the recipient's address".to_string()
        }
        crate::domain::order::DeliveryMode::Pickup => {
            "Collected by the recipient from the supplier and carried to the address shown"
                .to_string()
        }
    };
    let mut yr = y;
    c.text_grey(
        mid,
        yr,
        SMALL,
        Regular,
        Align::Left,
        "Movement of goods",
        0.35,
    );
    yr += LINE + 1.0;
    for line in c.wrap(&ship, BODY, Regular, RIGHT - mid) {
        c.text(mid, yr, BODY, Regular, Align::Left, &line);
        yr += LINE;
    }
    if doc.recipient.gstin.is_none() {
        yr += 2.0;
        for line in c.wrap(
            "Unregistered recipient (B2C): place of supply is the recipient's address.",
            SMALL,
            Regular,
            RIGHT - mid,
        ) {
            c.text_grey(mid, yr, SMALL, Regular, Align::Left, &line, 0.35);
            yr += LINE;
        }
    }
    if let Some(reason) = &doc.reason {
        yr += 2.0;
        for line in c.wrap(&format!("Reason: {reason}"), BODY, Regular, RIGHT - mid) {
            c.text(mid, yr, BODY, Regular, Align::Left, &line);
            yr += LINE;
        }
    }
    y = below_recipient.max(yr) + 6.0;

    // The lines: numeric columns as wide as their largest figure, the item
    // column wrapping in what is left.
    let discounts = doc.computed.discount != 0;
    let mut cols = columns(doc.supply, discounts);
    let rows: Vec<Vec<String>> = doc
        .lines
        .iter()
        .zip(&doc.computed.lines)
        .enumerate()
        .map(|(i, (line, amounts))| line_cells(doc, i, line, amounts, discounts))
        .collect();
    let size = fit(&c, &mut cols, &rows, 1, 110.0, RIGHT - LEFT);
    y = table_header(&mut c, y, &cols, size);
    for (line, cells) in doc.lines.iter().zip(&rows) {
        let item = if line.brand.is_empty() {
            line.name.clone()
        } else {
            format!("{} — {}", line.name, line.brand)
        };
        let item_lines = c.wrap(&item, size, Regular, cols[1].width - 4.0);
        let height = item_lines.len() as f32 * 8.5 + 4.5;
        if y + height > BOTTOM {
            c.new_page();
            y = page_header(&mut c, doc);
            y = table_header(&mut c, y, &cols, size);
        }
        let mut x = LEFT;
        for (k, (col, cell)) in cols.iter().zip(cells).enumerate() {
            if k == 1 {
                for (n, l) in item_lines.iter().enumerate() {
                    c.text(
                        x + 2.0,
                        y + 8.5 + n as f32 * 8.5,
                        size,
                        Regular,
                        Align::Left,
                        l,
                    );
                }
            } else {
                c.text_fit(
                    anchor(x, col),
                    y + 8.5,
                    size,
                    Regular,
                    col.align,
                    cell,
                    col.width - 4.0,
                );
            }
            x += col.width;
        }
        y += height;
        c.rule(LEFT, y, RIGHT, y, 0.3, 0.8);
    }

    // HSN-wise summary at the left, totals at the right, then the amount in words.
    let t = &doc.computed;
    let mut totals: Vec<(String, String)> = Vec::new();
    if t.discount != 0 {
        totals.push(("Total value".into(), plain(t.value)));
        totals.push(("Less discount".into(), plain(-t.discount)));
    }
    totals.push(("Taxable value".into(), plain(t.taxable)));
    match doc.supply {
        Supply::IntraState => {
            totals.push(("CGST".into(), plain(t.tax.cgst)));
            totals.push((doc.state_tax_name().into(), plain(t.tax.sgst)));
        }
        Supply::InterState => totals.push(("IGST".into(), plain(t.tax.igst))),
    }
    if t.round_off != 0 {
        totals.push(("Round off".into(), plain(t.round_off)));
    }
    let hsn_height = (t.hsn.len() + 1) as f32 * 11.0 + 24.0;
    let totals_height = totals.len() as f32 * (LINE + 1.0) + 26.0;
    let words = c.wrap(&doc.amount_in_words, BODY, Bold, RIGHT - LEFT - 100.0);
    // Conservatively as if the totals stacked below the summary, two lines each.
    let block = hsn_height + 2.0 * totals_height + words.len() as f32 * (LINE + 1.0) + 20.0;
    if y + 8.0 + block > BOTTOM {
        c.new_page();
        y = page_header(&mut c, doc);
    }
    y += 14.0;
    let top = y;

    let mut hcols = vec![
        col("HSN", 38.0, Align::Left),
        col("Qty", 26.0, Align::Right),
        col("Taxable", 54.0, Align::Right),
        col("Rate", 0.0, Align::Right),
    ];
    match doc.supply {
        Supply::IntraState => {
            hcols.push(col("CGST", 46.0, Align::Right));
            hcols.push(col(
                if doc.utgst { "UTGST" } else { "SGST" },
                46.0,
                Align::Right,
            ));
        }
        Supply::InterState => hcols.push(col("IGST", 70.0, Align::Right)),
    }
    hcols.push(col("Total tax", 46.0, Align::Right));
    let mut hsn_cells: Vec<Vec<String>> = t
        .hsn
        .iter()
        .map(|h| {
            let mut cells = vec![
                h.hsn.clone(),
                crate::domain::money::group_indian(h.qty.unsigned_abs()),
                plain(h.taxable),
            ];
            match doc.supply {
                Supply::IntraState => {
                    cells.push(format!(
                        "{} + {}",
                        half_rate_label(h.rate_bp),
                        half_rate_label(h.rate_bp)
                    ));
                    cells.push(plain(h.tax.cgst));
                    cells.push(plain(h.tax.sgst));
                }
                Supply::InterState => {
                    cells.push(rate_label(h.rate_bp));
                    cells.push(plain(h.tax.igst));
                }
            }
            cells.push(plain(h.tax.total()));
            cells
        })
        .collect();
    let mut total_row = vec![
        "Total".to_string(),
        String::new(),
        plain(t.taxable),
        String::new(),
    ];
    match doc.supply {
        Supply::IntraState => {
            total_row.push(plain(t.tax.cgst));
            total_row.push(plain(t.tax.sgst));
        }
        Supply::InterState => total_row.push(plain(t.tax.igst)),
    }
    total_row.push(plain(t.tax.total()));
    hsn_cells.push(total_row);
    // Beside the totals while its figures fit there; across the page, with the
    // totals below it, when they do not.
    let rate_room = c.measure("2.5% + 2.5%", 7.0, Bold) + 5.0;
    let beside = {
        let mut trial: Vec<Column> = hcols
            .iter()
            .map(|h| col(h.title, h.width, h.align))
            .collect();
        fit(&c, &mut trial, &hsn_cells, 3, rate_room, 318.0) >= 1.0
    };
    let hsn_width = if beside { 318.0 } else { RIGHT - LEFT };
    let hsn_size = fit(&c, &mut hcols, &hsn_cells, 3, rate_room, hsn_width);
    c.text(LEFT, y, BODY, Bold, Align::Left, "HSN-wise tax summary");
    y += 4.0;
    y = header_row(&mut c, y, LEFT, &hcols, hsn_size);
    let last = hsn_cells.len() - 1;
    for (r, cells) in hsn_cells.iter().enumerate() {
        let weight = if r == last { Bold } else { Regular };
        let mut x = LEFT;
        for (col, cell) in hcols.iter().zip(cells) {
            c.text_fit(
                anchor(x, col),
                y + 8.0,
                hsn_size,
                weight,
                col.align,
                cell,
                col.width - 4.0,
            );
            x += col.width;
        }
        y += 11.0;
        c.rule(LEFT, y, LEFT + hsn_width, y, 0.3, 0.8);
    }
    let below_hsn = y;

    let (label_x, mut yt) = if beside {
        (RIGHT - 180.0, top - LINE)
    } else {
        (RIGHT - 240.0, below_hsn + 8.0)
    };
    for (label, value) in &totals {
        yt += LINE + 1.0;
        yt = label_value(&mut c, label_x, yt, BODY, Regular, label, value);
    }
    yt += 6.0;
    c.rule(label_x, yt, RIGHT, yt, 0.5, 0.0);
    yt += 14.0;
    let due = match doc.kind {
        DocKind::Invoice => "Total amount due",
        DocKind::CreditNote => "Total credit",
    };
    yt = label_value(
        &mut c,
        label_x,
        yt,
        10.0,
        Bold,
        due,
        &Paise(t.grand_total).to_string(),
    );
    y = below_hsn.max(yt) + 16.0;
    c.text_grey(
        LEFT,
        y,
        SMALL,
        Regular,
        Align::Left,
        "Amount in words",
        0.35,
    );
    for line in &words {
        c.text(LEFT + 70.0, y, BODY, Bold, Align::Left, line);
        y += LINE + 1.0;
    }
    y += 12.0;

    // Payment QR, declarations and the signature block.
    if y + 96.0 > BOTTOM + 20.0 {
        c.new_page();
        y = page_header(&mut c, doc);
    }
    let qr_size = 92.0;
    let mut text_x = LEFT;
    if let Some(uri) = &doc.upi_uri {
        c.qr(LEFT - 8.0, y - 8.0, qr_size, uri)?;
        text_x = LEFT + qr_size;
        c.text(
            text_x,
            y + 14.0,
            BODY,
            Bold,
            Align::Left,
            "Scan to pay with any UPI app",
        );
        c.text_fit(
            text_x,
            y + 26.0,
            BODY,
            Regular,
            Align::Left,
            &format!("{} to {}", Paise(t.grand_total), doc.upi_id),
            SIGN_X - 8.0 - text_x,
        );
        c.text_grey(
            text_x,
            y + 37.0,
            SMALL,
            Regular,
            Align::Left,
            &format!("Reference {}", doc.number),
            0.35,
        );
    }
    let mut yd = y + 54.0;
    for line in [
        format!(
            "Tax is payable on reverse charge: {}.",
            if doc.reverse_charge { "Yes" } else { "No" }
        ),
        "Computer-generated document issued through AuroMart.".to_string(),
    ] {
        c.text_grey(text_x, yd, SMALL, Regular, Align::Left, &line, 0.35);
        yd += LINE;
    }
    for (k, line) in c
        .wrap(
            &format!("For {}", doc.supplier.trade_name),
            BODY,
            Bold,
            RIGHT - SIGN_X,
        )
        .iter()
        .take(3)
        .enumerate()
    {
        c.text(
            RIGHT,
            y + 10.0 + k as f32 * (LINE + 1.0),
            BODY,
            Bold,
            Align::Right,
            line,
        );
    }
    c.rule(RIGHT - 150.0, y + 56.0, RIGHT, y + 56.0, 0.5, 0.0);
    c.text(
        RIGHT,
        y + 68.0,
        BODY,
        Regular,
        Align::Right,
        "Authorised signatory",
    );

    // "Page 1 of 2" on every page.
    let pages = c.page_count();
    for i in 0..pages {
        c.on_page(i);
        c.text_grey(
            RIGHT,
            A4_HEIGHT - 28.0,
            SMALL,
            Regular,
            Align::Right,
            &format!("{} · page {} of {pages}", doc.number, i + 1),
            0.35,
        );
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::render;
    use crate::invoices::sample::sample_document;

    #[test]
    fn a_twenty_line_invoice_is_small() {
        for intra in [true, false] {
            let pdf = render(&sample_document(20, intra)).expect("renders");
            assert!(pdf.starts_with(b"%PDF-"));
            assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
        }
    }

    /// `SAMPLE_PDF=/tmp/invoice.pdf cargo test --features ssr --lib write_sample -- --ignored`
    /// writes the sample invoice to look at (e.g. `pdftoppm -png -r 80`).
    #[test]
    #[ignore]
    fn write_sample() {
        let path =
            std::env::var("SAMPLE_PDF").unwrap_or_else(|_| "/tmp/auromart-invoice.pdf".into());
        let lines = std::env::var("SAMPLE_LINES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20);
        let intra = std::env::var("SAMPLE_INTER").is_err();
        let doc = if std::env::var("SAMPLE_EXTREME").is_ok() {
            crate::invoices::sample::extreme_document(intra, std::env::var("SAMPLE_CREDIT").is_ok())
        } else {
            sample_document(lines, intra)
        };
        std::fs::write(&path, render(&doc).expect("renders")).expect("write");
    }

    /// Shop names in Devanagari come back from the PDF as typed (pdftotext from
    /// Debian's poppler-utils, as accountants' tools read them).
    #[test]
    fn devanagari_names_read_back_as_typed() {
        let doc = sample_document(3, true);
        let path = std::env::temp_dir().join(format!("auromart-deva-{}.pdf", std::process::id()));
        std::fs::write(&path, render(&doc).expect("renders")).expect("write");
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext runs (poppler-utils)");
        let _ = std::fs::remove_file(&path);
        let text = String::from_utf8_lossy(&out.stdout);
        for name in ["श्री गणेश ट्रेडर्स", "साई किराणा स्टोअर्स"]
        {
            assert!(text.contains(name), "{name} not found in:\n{text}");
        }
        assert!(!text.contains('\u{FFFD}'), "no unreadable glyphs:\n{text}");
    }

    /// No two texts meet anywhere on the page, from the sample invoice to the
    /// largest figures and longest names the layout must hold; and the PDF's own
    /// words (as pdftotext reads them) keep the grand total apart from its label.
    #[test]
    fn no_two_texts_meet_at_any_amount() {
        use crate::invoices::sample::extreme_document;
        use crate::pdf::layout_check::{pdf_words, problems};
        let mut docs = vec![
            sample_document(1, true),
            sample_document(20, false),
            sample_document(120, true),
        ];
        for intra in [true, false] {
            for credit in [false, true] {
                docs.push(extreme_document(intra, credit));
            }
        }
        for doc in docs {
            let canvas = super::layout(&doc).expect("lays out");
            let found = problems(canvas.text_boxes());
            assert!(
                found.is_empty(),
                "{} lines:\n{}",
                doc.lines.len(),
                found.join("\n")
            );
            let pdf = canvas.finish().expect("pdf");
            let words = pdf_words(&pdf);
            assert!(!words.is_empty(), "pdftotext read the PDF (poppler-utils)");
            let total = crate::domain::money::Paise(doc.computed.grand_total).to_string();
            let label_end = match doc.kind {
                crate::domain::invoice::DocKind::Invoice => "due",
                crate::domain::invoice::DocKind::CreditNote => "credit",
            };
            for word in [total.as_str(), label_end] {
                assert!(
                    words.iter().any(|w| w.0 == word),
                    "{word:?} stands as its own word (the total apart from its label)"
                );
            }
            for (word, x0, y0, x1, y1) in &words {
                assert!(
                    *x0 >= 0.0 && *x1 <= 595.5 && *y0 >= 0.0 && *y1 <= 842.5,
                    "{word:?} leaves the page"
                );
            }
        }
    }

    #[test]
    fn long_invoices_continue_on_more_pages() {
        assert!(
            super::layout(&sample_document(20, true))
                .expect("lays out")
                .page_count()
                <= 2
        );
        assert!(
            super::layout(&sample_document(120, true))
                .expect("lays out")
                .page_count()
                >= 3
        );
    }
}
