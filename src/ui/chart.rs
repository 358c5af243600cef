//! Bar charts as SVG, drawn the same on the server (readable before the WASM
//! arrives, and with JavaScript off) and in the browser, where tapping a bar
//! shows its value. Each bar carries its value as text for screen readers.

use leptos::prelude::*;

/// Paise on a chart axis in the Indian way: "₹950", "₹12.5 K", "₹3.4 L", "₹1.2 Cr".
pub fn short_inr(paise: i64) -> String {
    let rupees = paise / 100;
    let (unit, name) = match rupees.abs() {
        // A crore is 1,00,00,000 and a lakh 1,00,000.
        r if r >= 10_000_000 => (10_000_000, " Cr"),
        r if r >= 100_000 => (100_000, " L"),
        r if r >= 1_000 => (1_000, " K"),
        _ => return format!("₹{rupees}"),
    };
    let tenths = (rupees * 10 + unit / 2 * rupees.signum()) / unit;
    if tenths % 10 == 0 {
        format!("₹{}{name}", tenths / 10)
    } else {
        format!("₹{}.{}{name}", tenths / 10, (tenths % 10).abs())
    }
}

/// A round axis top at or above `max`: 1, 2 or 5 × a power of ten.
pub fn nice_top(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    while step.saturating_mul(10) <= max {
        step = step.saturating_mul(10);
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|k| step.saturating_mul(k))
        .find(|top| *top >= max)
        .unwrap_or(max)
}

/// One bar: its label under the axis and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// A vertical bar chart of money values (paise), e.g. sales per day.
#[component]
pub fn BarChart(
    /// What the chart shows, as its accessible name.
    title: String,
    bars: Vec<Bar>,
    /// `data-test` of the chart.
    #[prop(optional)]
    test: &'static str,
) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 56.0;
    const BOTTOM: f64 = 28.0;
    let top = nice_top(bars.iter().map(|b| b.value).max().unwrap_or(0));
    let n = bars.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let width = (slot * 0.7).max(1.0);
    let plot = H - BOTTOM - 8.0;
    // Every k-th label, so at most about 12 fit under the axis.
    let every = bars.len().div_ceil(12).max(1);
    let chosen = RwSignal::new(None::<usize>);
    let shown = bars.clone();
    let grid = (0..=4)
        .map(|i| {
            let v = top / 4 * i;
            let y = 8.0 + plot - plot * (i as f64 / 4.0);
            view! {
                <g class="grid">
                    <line x1=LEFT x2=W y1=y y2=y />
                    <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end">
                        {short_inr(v)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let columns = bars
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let h = if top > 0 {
                plot * b.value as f64 / top as f64
            } else {
                0.0
            };
            let x = LEFT + slot * i as f64 + (slot - width) / 2.0;
            let text = format!("{}: {}", b.label, crate::ui::money(b.value));
            view! {
                <g
                    class="bar"
                    class:chosen=move || chosen.get() == Some(i)
                    on:click=move |_| chosen.set(Some(i))
                >
                    <title>{text}</title>
                    // The whole slot answers a tap, not just the (maybe tiny) bar.
                    <rect class="hit" x=LEFT + slot * i as f64 y=8.0 width=slot height=plot />
                    <rect x=x y=8.0 + plot - h width=width height=h.max(0.5) />
                    {(i % every == 0)
                        .then(|| {
                            view! {
                                <text x=x + width / 2.0 y=H - 10.0 text-anchor="middle">
                                    {b.label.clone()}
                                </text>
                            }
                        })}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-test=test>
            <svg
                viewBox=format!("0 0 {W} {H}")
                role="img"
                aria-label=title.clone()
                preserveAspectRatio="none"
            >
                {grid}
                {columns}
            </svg>
            <figcaption aria-live="polite" data-test="chart-value">
                {move || {
                    chosen
                        .get()
                        .and_then(|i| shown.get(i))
                        .map(|b| format!("{}: {}", b.label, crate::ui::money(b.value)))
                        .unwrap_or_else(|| title.clone())
                }}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_money_reads_in_lakh_and_crore() {
        assert_eq!(short_inr(95_000), "₹950");
        assert_eq!(short_inr(1_250_000), "₹12.5 K");
        assert_eq!(short_inr(34_000_000), "₹3.4 L");
        assert_eq!(short_inr(1_000_000_000), "₹1 Cr");
        assert_eq!(short_inr(12_345_678_900), "₹12.3 Cr");
        assert_eq!(short_inr(0), "₹0");
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(nice_top(0), 1);
        assert_eq!(nice_top(7), 10);
        assert_eq!(nice_top(130), 200);
        assert_eq!(nice_top(450_000), 500_000);
        assert_eq!(nice_top(1_000), 1_000);
    }
}
