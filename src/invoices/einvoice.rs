//! E-invoice export in the GST e-invoice schema INV-01, version 1.1 (NIC/GSTN IRP),
//! for distributors above the e-invoicing threshold. Built from the frozen document,
//! and checked against the schema's rules before it is handed out: a distributor
//! never uploads a file the portal would refuse without knowing why.
//!
//! Amounts are JSON numbers with two decimals written from paise (no floats).

use crate::domain::invoice::{DocKind, Document, PartyDoc};
use serde::Serialize;
use serde_json::value::RawValue;

/// A decimal amount written exactly: 123456 paise → 1234.56.
#[derive(Debug, Clone, Copy)]
struct Amount(i64);

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let text = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        RawValue::from_string(text)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

/// A GST rate in basis points as a number of percent: 1800 → 18, 25 → 0.25.
#[derive(Debug, Clone, Copy)]
struct Rate(i32);

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = crate::domain::gst::rate_label(self.0);
        RawValue::from_string(text.trim_end_matches('%').to_string())
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EInvoice {
    version: &'static str,
    tran_dtls: TranDtls,
    doc_dtls: DocDtls,
    seller_dtls: Party,
    buyer_dtls: Buyer,
    item_list: Vec<Item>,
    val_dtls: ValDtls,
    #[serde(skip_serializing_if = "Option::is_none")]
    ref_dtls: Option<RefDtls>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TranDtls {
    tax_sch: &'static str,
    sup_typ: &'static str,
    reg_rev: &'static str,
    igst_on_intra: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DocDtls {
    typ: &'static str,
    no: String,
    dt: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Party {
    gstin: String,
    lgl_nm: String,
    trd_nm: String,
    addr1: String,
    loc: String,
    pin: u32,
    stcd: String,
    ph: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Buyer {
    #[serde(flatten)]
    party: Party,
    pos: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Item {
    sl_no: String,
    prd_desc: String,
    is_servc: &'static str,
    hsn_cd: String,
    qty: i64,
    unit: &'static str,
    unit_price: Amount,
    tot_amt: Amount,
    discount: Amount,
    ass_amt: Amount,
    gst_rt: Rate,
    igst_amt: Amount,
    cgst_amt: Amount,
    sgst_amt: Amount,
    tot_item_val: Amount,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ValDtls {
    ass_val: Amount,
    cgst_val: Amount,
    sgst_val: Amount,
    igst_val: Amount,
    rnd_off_amt: Amount,
    tot_inv_val: Amount,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RefDtls {
    prec_doc_dtls: Vec<PrecDoc>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PrecDoc {
    inv_no: String,
    inv_dt: String,
}

/// The GST unit quantity code (UQC) for a catalogue unit.
pub fn uqc(unit: &str) -> &'static str {
    match unit {
        "pcs" => "PCS",
        "pack" => "PAC",
        "box" => "BOX",
        "kg" => "KGS",
        "g" => "GMS",
        "litre" => "LTR",
        "ml" => "MLT",
        "dozen" => "DOZ",
        "set" => "SET",
        "pair" => "PRS",
        "metre" => "MTR",
        _ => "OTH",
    }
}

/// "2026-11-25" → "25/11/2026".
fn dmy(iso: &str) -> String {
    let mut p = iso.split('-');
    match (p.next(), p.next(), p.next()) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

fn party(p: &PartyDoc) -> Party {
    Party {
        gstin: p.gstin.clone().unwrap_or_default(),
        lgl_nm: p.legal_name.clone(),
        trd_nm: p.trade_name.clone(),
        addr1: p.address.chars().take(100).collect(),
        loc: p.city.chars().take(50).collect(),
        pin: p.pincode.parse().unwrap_or(0),
        stcd: format!("{:02}", p.state_code),
        ph: p.phone.clone(),
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    #[error("E-invoicing is not switched on for your business (Billing settings).")]
    NotEnabled,
    #[error("E-invoices are only for registered (B2B) recipients; this retailer has no GSTIN.")]
    NotB2b,
    #[error("The e-invoice would be refused: {0}")]
    Invalid(String),
    /// Above ₹5 crore turnover (everyone who must e-invoice) HSN codes need 6
    /// digits (Notification 78/2020-Central Tax).
    #[error(
        "E-invoices need 6-digit HSN codes; this invoice has shorter ones for: {0}. Ask the brand for the 6-digit codes; products invoiced from then on can be exported."
    )]
    ShortHsn(String),
}

/// The INV-01 JSON text for a document, checked against the schema's rules. Text,
/// not a `Value`: amounts keep their two decimals exactly as written.
pub fn export(doc: &Document) -> Result<String, ExportError> {
    if !doc.is_b2b() {
        return Err(ExportError::NotB2b);
    }
    let short: Vec<String> = doc
        .lines
        .iter()
        .filter(|l| l.hsn.len() < 6)
        .map(|l| format!("{} (HSN {})", l.name, l.hsn))
        .collect();
    if !short.is_empty() {
        return Err(ExportError::ShortHsn(short.join(", ")));
    }
    let t = &doc.computed;
    let einv = EInvoice {
        version: "1.1",
        tran_dtls: TranDtls {
            tax_sch: "GST",
            sup_typ: "B2B",
            reg_rev: if doc.reverse_charge { "Y" } else { "N" },
            igst_on_intra: "N",
        },
        doc_dtls: DocDtls {
            typ: match doc.kind {
                DocKind::Invoice => "INV",
                DocKind::CreditNote => "CRN",
            },
            no: doc.number.clone(),
            dt: dmy(&doc.date),
        },
        seller_dtls: party(&doc.supplier),
        buyer_dtls: Buyer {
            party: party(&doc.recipient),
            pos: format!("{:02}", doc.place_of_supply),
        },
        item_list: doc
            .lines
            .iter()
            .zip(&t.lines)
            .enumerate()
            .map(|(i, (l, a))| Item {
                sl_no: (i + 1).to_string(),
                prd_desc: format!("{} {}", l.brand, l.name)
                    .trim()
                    .chars()
                    .take(300)
                    .collect(),
                is_servc: "N",
                hsn_cd: l.hsn.clone(),
                qty: l.qty,
                unit: uqc(&l.unit),
                unit_price: Amount(l.unit_price_paise),
                tot_amt: Amount(a.value),
                discount: Amount(a.discount),
                ass_amt: Amount(a.taxable),
                gst_rt: Rate(l.rate_bp),
                igst_amt: Amount(a.tax.igst),
                cgst_amt: Amount(a.tax.cgst),
                sgst_amt: Amount(a.tax.sgst),
                tot_item_val: Amount(a.total),
            })
            .collect(),
        val_dtls: ValDtls {
            ass_val: Amount(t.taxable),
            cgst_val: Amount(t.tax.cgst),
            sgst_val: Amount(t.tax.sgst),
            igst_val: Amount(t.tax.igst),
            rnd_off_amt: Amount(t.round_off),
            tot_inv_val: Amount(t.grand_total),
        },
        ref_dtls: doc.refers_to.as_ref().map(|(no, date)| RefDtls {
            prec_doc_dtls: vec![PrecDoc {
                inv_no: no.clone(),
                inv_dt: dmy(date),
            }],
        }),
    };
    let text =
        serde_json::to_string_pretty(&einv).map_err(|e| ExportError::Invalid(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ExportError::Invalid(e.to_string()))?;
    let problems = validate(&value);
    if problems.is_empty() {
        Ok(text)
    } else {
        Err(ExportError::Invalid(problems.join("; ")))
    }
}

// ---------------------------------------------------------------------------------
// The schema's rules (INV-01 v1.1 JSON schema and the IRP's published validations),
// checked on the JSON itself so the check is independent of how it was built.

fn text<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a str> {
    v.pointer(path).and_then(|x| x.as_str())
}

/// Paise from a JSON number with at most `decimals` decimals; None when it is not one.
fn paise(v: &serde_json::Value, decimals: usize) -> Option<i64> {
    let n = v.as_number()?;
    let s = n.to_string();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > decimals || frac.contains('e') || frac.contains('E') {
        return None;
    }
    let negative = whole.starts_with('-');
    let whole: i64 = whole.trim_start_matches('-').parse().ok()?;
    let mut frac2 = frac.to_string();
    while frac2.len() < 2 {
        frac2.push('0');
    }
    if frac2.len() > 2 {
        // A third decimal (quantities, unit prices) must be zero for paise.
        if frac2[2..].bytes().any(|b| b != b'0') {
            return None;
        }
        frac2.truncate(2);
    }
    let value = whole * 100 + frac2.parse::<i64>().ok()?;
    Some(if negative { -value } else { value })
}

fn check_len(
    problems: &mut Vec<String>,
    v: &serde_json::Value,
    path: &str,
    min: usize,
    max: usize,
    required: bool,
) {
    match text(v, path) {
        Some(s) if (min..=max).contains(&s.chars().count()) => {}
        Some(s) => problems.push(format!(
            "{path} must be {min}–{max} characters (is {})",
            s.chars().count()
        )),
        None if required => problems.push(format!("{path} is required")),
        None => {}
    }
}

fn is_gstin(s: &str) -> bool {
    crate::domain::Gstin::parse(s).is_ok()
}

const GST_RATES: [&str; 14] = [
    "0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "18", "28", "40", "0.05",
];

/// Every rule of the schema that applies to a domestic B2B goods invoice; empty when
/// the JSON conforms.
pub fn validate(v: &serde_json::Value) -> Vec<String> {
    let mut p = Vec::new();
    if text(v, "/Version") != Some("1.1") {
        p.push("Version must be \"1.1\"".into());
    }
    if text(v, "/TranDtls/TaxSch") != Some("GST") {
        p.push("TranDtls.TaxSch must be GST".into());
    }
    if !matches!(
        text(v, "/TranDtls/SupTyp"),
        Some("B2B" | "SEZWP" | "SEZWOP" | "EXPWP" | "EXPWOP" | "DEXP")
    ) {
        p.push("TranDtls.SupTyp is not a supply type".into());
    }
    for flag in ["/TranDtls/RegRev", "/TranDtls/IgstOnIntra"] {
        if !matches!(text(v, flag), None | Some("Y" | "N")) {
            p.push(format!("{flag} must be Y or N"));
        }
    }
    if !matches!(text(v, "/DocDtls/Typ"), Some("INV" | "CRN" | "DBN")) {
        p.push("DocDtls.Typ must be INV, CRN or DBN".into());
    }
    // Document number: ^([A-Z1-9]{1}[A-Z0-9/-]{0,15})$
    match text(v, "/DocDtls/No") {
        Some(no)
            if (1..=16).contains(&no.len())
                && no
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_uppercase() || (b'1'..=b'9').contains(&b))
                && no.bytes().all(|b| {
                    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'/' || b == b'-'
                }) => {}
        _ => p.push(
            "DocDtls.No must be 1–16 of A–Z, 0–9, / and -, not starting with 0, / or -".into(),
        ),
    }
    match text(v, "/DocDtls/Dt") {
        Some(d)
            if d.len() == 10
                && d.bytes().enumerate().all(|(i, b)| {
                    if i == 2 || i == 5 {
                        b == b'/'
                    } else {
                        b.is_ascii_digit()
                    }
                }) => {}
        _ => p.push("DocDtls.Dt must be dd/mm/yyyy".into()),
    }
    for who in ["/SellerDtls", "/BuyerDtls"] {
        match text(v, &format!("{who}/Gstin")) {
            Some(g) if is_gstin(g) => {}
            _ => p.push(format!("{who}.Gstin is not a valid GSTIN")),
        }
        check_len(&mut p, v, &format!("{who}/LglNm"), 3, 100, true);
        check_len(&mut p, v, &format!("{who}/TrdNm"), 3, 100, false);
        check_len(&mut p, v, &format!("{who}/Addr1"), 1, 100, true);
        check_len(&mut p, v, &format!("{who}/Loc"), 3, 50, true);
        match v.pointer(&format!("{who}/Pin")).and_then(|x| x.as_u64()) {
            Some(pin) if (100_000..=999_999).contains(&pin) => {}
            _ => p.push(format!("{who}.Pin must be a six-digit number")),
        }
        match text(v, &format!("{who}/Stcd")) {
            Some(s) if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => p.push(format!("{who}.Stcd must be a state code")),
        }
        if let Some(ph) = text(v, &format!("{who}/Ph"))
            && !((6..=12).contains(&ph.len()) && ph.bytes().all(|b| b.is_ascii_digit()))
        {
            p.push(format!("{who}.Ph must be 6–12 digits"));
        }
    }
    let seller_state = text(v, "/SellerDtls/Stcd").unwrap_or_default().to_string();
    let pos = text(v, "/BuyerDtls/Pos").unwrap_or_default().to_string();
    if !(1..=2).contains(&pos.len()) || !pos.bytes().all(|b| b.is_ascii_digit()) {
        p.push("BuyerDtls.Pos must be a state code".into());
    }
    let intra = seller_state == pos && text(v, "/TranDtls/IgstOnIntra") != Some("Y");
    let items = v.pointer("/ItemList").and_then(|x| x.as_array());
    let Some(items) = items.filter(|i| (1..=1000).contains(&i.len())) else {
        p.push("ItemList must have 1 to 1000 items".into());
        return p;
    };
    let mut sums = [0i64; 5]; // AssVal, CGST, SGST, IGST, item totals
    for (i, item) in items.iter().enumerate() {
        let at = |k: &str| format!("ItemList[{i}].{k}");
        match item.get("SlNo").and_then(|x| x.as_str()) {
            Some(s) if (1..=6).contains(&s.len()) => {}
            _ => p.push(at("SlNo must be 1–6 characters")),
        }
        if !matches!(
            item.get("IsServc").and_then(|x| x.as_str()),
            Some("Y" | "N")
        ) {
            p.push(at("IsServc must be Y or N"));
        }
        match item.get("HsnCd").and_then(|x| x.as_str()) {
            Some(h) if (6..=8).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => p.push(at("HsnCd must be 6–8 digits")),
        }
        match item.get("Unit").and_then(|x| x.as_str()) {
            Some(u) if (3..=8).contains(&u.len()) => {}
            _ => p.push(at("Unit must be a UQC code of 3–8 characters")),
        }
        match item.get("GstRt").and_then(|x| x.as_number()) {
            Some(r) if GST_RATES.contains(&r.to_string().as_str()) => {}
            _ => p.push(at("GstRt is not a GST rate")),
        }
        let num = |k: &str, d: usize| item.get(k).and_then(|x| paise(x, d));
        let (Some(qty), Some(price), Some(tot), Some(ass), Some(tot_item)) = (
            item.get("Qty").and_then(|x| paise(x, 3)),
            num("UnitPrice", 3),
            num("TotAmt", 2),
            num("AssAmt", 2),
            num("TotItemVal", 2),
        ) else {
            p.push(at(
                "Qty, UnitPrice, TotAmt, AssAmt and TotItemVal are required numbers",
            ));
            continue;
        };
        let disc = num("Discount", 2).unwrap_or(0);
        let [cgst, sgst, igst] = ["CgstAmt", "SgstAmt", "IgstAmt"].map(|k| num(k, 2).unwrap_or(0));
        // TotAmt = UnitPrice × Qty (qty in hundredths here), within a rupee.
        if (i128::from(price) * i128::from(qty) / 100 - i128::from(tot)).abs() > 100 {
            p.push(at("TotAmt must be UnitPrice × Qty"));
        }
        if ass != tot - disc {
            p.push(at("AssAmt must be TotAmt − Discount"));
        }
        if tot_item != ass + cgst + sgst + igst {
            p.push(at("TotItemVal must be AssAmt plus the taxes"));
        }
        if intra && igst != 0 || !intra && (cgst != 0 || sgst != 0) {
            p.push(at(if intra {
                "an intra-state item carries CGST and SGST, not IGST"
            } else {
                "an inter-state item carries IGST, not CGST and SGST"
            }));
        }
        if cgst != sgst {
            p.push(at("CgstAmt and SgstAmt must be equal"));
        }
        sums[0] += ass;
        sums[1] += cgst;
        sums[2] += sgst;
        sums[3] += igst;
        sums[4] += tot_item;
    }
    let val = |k: &str| {
        v.pointer(&format!("/ValDtls/{k}"))
            .and_then(|x| paise(x, 2))
    };
    let (Some(ass_val), Some(tot_inv)) = (val("AssVal"), val("TotInvVal")) else {
        p.push("ValDtls.AssVal and ValDtls.TotInvVal are required".into());
        return p;
    };
    let round = val("RndOffAmt").unwrap_or(0);
    if ass_val != sums[0] {
        p.push("ValDtls.AssVal must be the sum of the items' AssAmt".into());
    }
    for (k, s) in [
        ("CgstVal", sums[1]),
        ("SgstVal", sums[2]),
        ("IgstVal", sums[3]),
    ] {
        if val(k).unwrap_or(0) != s {
            p.push(format!("ValDtls.{k} must be the sum of the items' tax"));
        }
    }
    if !(-99_99..=99_99).contains(&round) {
        p.push("ValDtls.RndOffAmt must be between −99.99 and 99.99".into());
    }
    if tot_inv != sums[4] + round {
        p.push("ValDtls.TotInvVal must be the items' total plus the round-off".into());
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoices::sample::sample_document;

    fn exported(intra: bool) -> serde_json::Value {
        let text = export(&sample_document(12, intra)).expect("exports");
        serde_json::from_str(&text).expect("json")
    }

    #[test]
    fn exports_a_conforming_b2b_invoice() {
        let v = exported(true);
        assert_eq!(validate(&v), Vec::<String>::new());
        assert_eq!(v["DocDtls"]["Dt"], "25/11/2026");
        assert_eq!(v["BuyerDtls"]["Pos"], "27");
        assert_eq!(v["ItemList"].as_array().map(Vec::len), Some(12));
        // Unregistered recipients are B2C: no e-invoice.
        assert_eq!(export(&sample_document(2, false)), Err(ExportError::NotB2b));
        let mut four = sample_document(2, true);
        four.lines[1].hsn = "3401".into();
        match export(&four) {
            Err(ExportError::ShortHsn(which)) => assert!(
                which.contains("Lifebuoy") && !which.contains("Marie"),
                "{which}"
            ),
            other => panic!("4-digit HSN exported: {other:?}"),
        }
    }

    #[test]
    fn a_credit_note_exports_as_crn_with_its_invoice() {
        let mut doc = sample_document(3, true);
        doc.kind = DocKind::CreditNote;
        doc.refers_to = Some(("SGT/2627/152".into(), "2026-11-25".into()));
        let v: serde_json::Value =
            serde_json::from_str(&export(&doc).expect("exports")).expect("json");
        assert_eq!(validate(&v), Vec::<String>::new());
        assert_eq!(v["DocDtls"]["Typ"], "CRN");
        assert_eq!(
            v["RefDtls"]["PrecDocDtls"][0],
            serde_json::json!({"InvNo": "SGT/2627/152", "InvDt": "25/11/2026"})
        );
    }

    #[test]
    fn amounts_keep_two_decimals() {
        let text = export(&sample_document(1, true)).expect("exports");
        // 1 × ₹27.50 at 5%: CGST 0.6875 → 0.69.
        assert!(text.contains("\"UnitPrice\": 27.50"), "{text}");
        assert!(text.contains("\"CgstAmt\": 0.69"), "{text}");
    }

    /// Each broken rule is caught: the validator is not a rubber stamp.
    #[test]
    fn refuses_what_the_portal_would_refuse() {
        type Breaker = fn(&mut serde_json::Value);
        let breakers: Vec<(&str, Breaker)> = vec![
            ("Version", |v| v["Version"] = "1.0".into()),
            ("SupTyp", |v| v["TranDtls"]["SupTyp"] = "B2C".into()),
            ("DocDtls.No", |v| v["DocDtls"]["No"] = "0SGT/1".into()),
            ("DocDtls.No", |v| {
                v["DocDtls"]["No"] = "SGT/2627/12345678".into()
            }),
            ("DocDtls.No", |v| v["DocDtls"]["No"] = "sgt/1".into()),
            ("DocDtls.Dt", |v| v["DocDtls"]["Dt"] = "2026-11-25".into()),
            ("SellerDtls.Gstin", |v| {
                v["SellerDtls"]["Gstin"] = "27AAPFU0939F1ZX".into()
            }),
            ("BuyerDtls.Pin", |v| v["BuyerDtls"]["Pin"] = 41103.into()),
            ("LglNm", |v| v["SellerDtls"]["LglNm"] = "AB".into()),
            ("HsnCd", |v| v["ItemList"][0]["HsnCd"] = "19".into()),
            ("GstRt", |v| v["ItemList"][0]["GstRt"] = 13.into()),
            ("AssAmt", |v| {
                v["ItemList"][0]["AssAmt"] = serde_json::json!(1.0)
            }),
            ("TotItemVal", |v| {
                v["ItemList"][0]["TotItemVal"] = serde_json::json!(1.0)
            }),
            ("IGST", |v| {
                v["ItemList"][0]["IgstAmt"] = serde_json::json!(1.0)
            }),
            ("AssVal", |v| {
                v["ValDtls"]["AssVal"] = serde_json::json!(1.0)
            }),
            ("TotInvVal", |v| {
                v["ValDtls"]["TotInvVal"] = serde_json::json!(1.0)
            }),
            ("RndOffAmt", |v| {
                v["ValDtls"]["RndOffAmt"] = serde_json::json!(100.5)
            }),
            ("decimals", |v| {
                v["ItemList"][0]["TotAmt"] = serde_json::json!(27.505)
            }),
            ("ItemList", |v| v["ItemList"] = serde_json::json!([])),
        ];
        for (what, breaker) in breakers {
            let mut v = exported(true);
            breaker(&mut v);
            assert!(!validate(&v).is_empty(), "{what} was not caught");
        }
    }
}
