//! Invoice PDF benchmark: renders a 20-line tax invoice (shaping, subsetting, QR,
//! compression) repeatedly and prints the time per invoice and the file size.
//!
//!     cargo bench --features ssr --bench invoice_pdf
//!
//! Env: PDF_LINES (default 20), PDF_ROUNDS (default 300).

use auromart::invoices::render::{layout, render};
use auromart::invoices::sample::sample_document;
use std::time::Instant;

fn main() {
    let lines: usize = std::env::var("PDF_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let rounds: usize = std::env::var("PDF_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for (label, intra) in [
        ("intra-state (CGST+SGST, Devanagari names)", true),
        ("inter-state (IGST)", false),
    ] {
        let doc = sample_document(lines, intra);
        // Warm up: fonts are loaded once per process.
        let first = match render(&doc) {
            Ok(pdf) => pdf,
            Err(e) => {
                eprintln!("render failed: {e}");
                std::process::exit(1);
            }
        };
        let mut times = Vec::with_capacity(rounds);
        let mut largest = first.len();
        for _ in 0..rounds {
            let start = Instant::now();
            let size = render(&doc).map(|p| p.len()).unwrap_or(0);
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            largest = largest.max(size);
        }
        // Where the time goes: laying out (shaping, wrapping) vs writing (subsetting
        // fonts, serialising, compressing).
        let mut layout_ms = 0.0;
        for _ in 0..rounds {
            let start = Instant::now();
            let canvas = layout(&doc);
            layout_ms += start.elapsed().as_secs_f64() * 1000.0;
            drop(canvas);
        }
        layout_ms /= rounds as f64;
        times.sort_by(|a, b| a.total_cmp(b));
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "{lines}-line invoice, {label}: up to {largest} bytes ({:.1} KB); render mean {mean:.2} ms (layout {layout_ms:.2} ms), p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms over {rounds} rounds",
            largest as f64 / 1024.0,
            pct(0.50),
            pct(0.95),
            pct(0.99),
        );
    }
}
