//! The reports page: a distributor's sales, a shop's purchases. One period for
//! every figure on it (a GET form, so it works before the WASM and without it),
//! each figure against the period before, a chart, and tables with downloads.

use super::api::{
    get_brand_report, get_month_glance, get_platform_report, get_platform_tables, get_sales_report,
};
use super::table::{Cell, Kind, ReportTable};
use super::{
    BrandReport, Funnel, PeriodQuery, PlatformReport, PlatformTables, Report, SalesReport, Section,
    csv_href, show_per_mille,
};
use crate::domain::OrgKind;
use crate::domain::period::{Change, Grouping, Period, Preset};
use crate::error::AppError;
use crate::ui::chart::{Bar, BarChart};
use crate::ui::gate::gated;
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    gated(
        "Reports",
        &[OrgKind::Retailer, OrgKind::Distributor],
        |u| view! { <Reports kind=u.org_kind /> },
    )
}

/// The period the page's link asks for.
fn period_from_link() -> impl Fn() -> PeriodQuery + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query.with(|q| PeriodQuery {
            period: q.get("period").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            group: q.get("group").unwrap_or_default(),
            compare: q.get("compare").unwrap_or_default(),
        })
    }
}

/// A report page under its heading: the period form (with its error beside it)
/// and, once the figures arrive, `body` with the period as chosen (the link's,
/// or the user's last choice when the link names none).
fn report_frame<T, Fut, B, V>(
    kind: OrgKind,
    heading: &'static str,
    fetch: fn(PeriodQuery) -> Fut,
    body: B,
) -> impl IntoView
where
    T: Report + Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    B: Fn(T, Links) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let period = period_from_link();
    let report = Resource::new(period, fetch);
    view! {
        <RoleNav kind />
        <h1>{heading}</h1>
        <Transition fallback=|| {
            view! { <p class="muted">"Adding up…"</p> }
        }>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    let result = report.await;
                    let error = result.as_ref().err().cloned();
                    let q = result.as_ref().map(|r| r.query().clone()).unwrap_or_else(|_| period());
                    view! {
                        <PeriodForm q error />
                        {result
                            .ok()
                            .map(|r| {
                                let links = Links {
                                    report: T::NAME,
                                    q: r.query().clone(),
                                    blocked: r.downloads_blocked(),
                                };
                                body(r, links)
                            })}
                    }
                })
            }}
        </Transition>
    }
}

/// A report's download links for its period, or why there are none.
#[derive(Clone)]
pub struct Links {
    report: &'static str,
    q: PeriodQuery,
    blocked: Option<String>,
}

impl Links {
    fn of(&self, section: Section) -> Download {
        Download {
            csv: csv_href(self.report, section, &self.q),
            blocked: self.blocked.clone(),
        }
    }

    fn compares(&self) -> bool {
        self.q.compares()
    }
}

/// One table's downloads (CSV, Excel, PDF from the CSV link) or why not.
#[derive(Clone)]
pub struct Download {
    csv: String,
    blocked: Option<String>,
}

impl Download {
    fn as_format(&self, format: &str) -> String {
        self.csv.replacen("/csv?", &format!("/{format}?"), 1)
    }
}

#[component]
fn Reports(kind: OrgKind) -> impl IntoView {
    let heading = if kind == OrgKind::Retailer {
        "What I bought"
    } else {
        "Sales"
    };
    report_frame(kind, heading, get_sales_report, move |r, l| {
        view! { <ReportBody r l kind /> }
    })
}

/// The first screen's answer to "how much did I buy (sell) this month against
/// the same days of last month, and from (to) whom", linking to the reports.
#[component]
pub fn MonthAtAGlance(
    kind: OrgKind,
    /// Bumped by live order events, so the figure follows new orders.
    #[prop(into)]
    version: Signal<u64>,
) -> impl IntoView {
    let report = Resource::new(move || version.get(), |_| get_month_glance());
    let (verb, whom) = if kind == OrgKind::Retailer {
        ("Bought this month", "from")
    } else {
        ("Sold this month", "to")
    };
    let href = if kind == OrgKind::Retailer {
        "/retailer/reports?period=this_month"
    } else {
        "/distributor/reports?period=this_month"
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                report
                    .await
                    .ok()
                    .map(|r| {
                        let top: Vec<String> = r
                            .top
                            .iter()
                            .map(|(name, value)| format!("{name} {}", money(*value)))
                            .collect();
                        let who = if top.is_empty() {
                            String::new()
                        } else {
                            format!("{whom} {}", top.join(", "))
                        };
                        view! {
                            <a class="card glance" href=href data-test="month-glance">
                                <span>{verb}</span>
                                <b data-test="glance-total">{money(r.total.now)}</b>
                                <small>
                                    {format!(
                                        "{} against {} · {} order{}",
                                        r.total.show_percent(),
                                        r.previous.show(),
                                        r.orders,
                                        if r.orders == 1 { "" } else { "s" },
                                    )}
                                </small>
                                <small>{who}</small>
                            </a>
                        }
                    })
            })}
        </Transition>
    }
}

#[component]
pub fn BrandReportsPage() -> impl IntoView {
    gated(
        "Reports",
        &[OrgKind::Manufacturer],
        |_| view! { <BrandReports /> },
    )
}

#[component]
fn BrandReports() -> impl IntoView {
    report_frame(
        OrgKind::Manufacturer,
        "Where my products sell",
        get_brand_report,
        |r, l| view! { <BrandBody r l /> },
    )
}

#[component]
fn BrandBody(r: BrandReport, l: Links) -> impl IntoView {
    let private = r.private_shops;
    let c = l.compares();
    view! {
        <PeriodLine period=r.period previous=r.previous compare=c />
        {figures(
            c,
            vec![
                Fig::new("Sold, before GST", r.goods, true, "figure-goods").to("#by-product"),
                Fig::new("Units", r.qty, false, "figure-qty").to("#visibility"),
                Fig::new("Order lines", r.lines, false, "figure-lines").to("#by-product"),
                Fig::new("Shops buying", r.shops, false, "figure-shops").to("#by-district"),
            ],
        )}
        <ChartCard
            heading=format!("Sold {}", r.grouping.label().to_lowercase())
            title=format!("Value before GST, {}", r.grouping.label().to_lowercase())
            series=r.series.clone()
            test="brand-chart"
            dl=l.of(Section::Series)
        />
        <TableCard table=r.distributors dl=l.of(Section::Distributors) test="by-distributor" />
        <TableCard table=r.districts dl=l.of(Section::Districts) test="by-district" />
        <TableCard table=r.products dl=l.of(Section::Products) test="by-product" />
        <TableCard table=r.visibility dl=l.of(Section::Visibility) test="visibility" />
        <p class="muted">
            "Requested is what shops asked for: sold, still waiting, rejected or cancelled, and what carts asked for beyond a distributor's stock. Searches count shops whose search found the product with none in stock near them."
        </p>
        <TableCard table=r.product_places dl=l.of(Section::ProductPlaces) test="product-places" />
        <TableCard table=r.pincodes dl=l.of(Section::Pincodes) test="by-pincode" />
        <TableCard table=r.named_shops dl=l.of(Section::Shops) test="named-shops" />
        <p class="muted" data-test="private-shops">
            {if private == 1 {
                "1 shop bought without sharing its name: counted above by place, never named."
                    .to_string()
            } else {
                format!(
                    "{private} shops bought without sharing their names: counted above by place, never named.",
                )
            }}
        </p>
    }
}

/// The period picker; its error (a reversed or future range) shows beside its field.
#[component]
fn PeriodForm(q: PeriodQuery, error: Option<AppError>) -> impl IntoView {
    let reason = |f: &str| error.as_ref().and_then(|e| e.reason_for(f));
    let chosen = Preset::parse(&q.period).unwrap_or_default();
    let (from_bad, to_bad) = (reason("from").is_some(), reason("to").is_some());
    // The field's own reason when there is one, else the whole error.
    let shown = reason("from")
        .or_else(|| reason("to"))
        .or_else(|| reason("period"))
        .or_else(|| reason("group"))
        .or_else(|| error.as_ref().map(|e| e.to_string()));
    view! {
        <Form method="GET" action="" attr:class="filters period" attr:data-test="period-form">
            <select name="period" aria-label="Period">
                {Preset::ALL
                    .into_iter()
                    .map(|p| {
                        view! {
                            <option value=p.as_str() selected=p == chosen>
                                {p.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label class="inline">
                "From"
                <input
                    type="date"
                    name="from"
                    value=q.from.clone()
                    aria-invalid=from_bad.to_string()
                />
            </label>
            <label class="inline">
                "To"
                <input type="date" name="to" value=q.to.clone() aria-invalid=to_bad.to_string() />
            </label>
            <select name="group" aria-label="Group by">
                <option value="" selected=q.group.is_empty()>
                    "Group: automatic"
                </option>
                {Grouping::ALL
                    .into_iter()
                    .map(|g| {
                        view! {
                            <option value=g.as_str() selected=q.group == g.as_str()>
                                {g.label()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <select name="compare" aria-label="Compare">
                <option value="" selected=q.compares()>
                    "Compare with the period before"
                </option>
                <option value="off" selected=!q.compares()>
                    "No comparison"
                </option>
            </select>
            <button type="submit">"Show"</button>
        </Form>
        {shown
            .map(|e| {
                view! {
                    <div class="banner danger" role="alert" data-test="period-error">
                        {e}
                    </div>
                }
            })}
    }
}

#[component]
fn ReportBody(r: SalesReport, l: Links, kind: OrgKind) -> impl IntoView {
    let retailer = kind == OrgKind::Retailer;
    let f = r.funnel.clone();
    let c = l.compares();
    // The orders behind the order figures: every order placed in the period.
    let home = if retailer {
        "/retailer"
    } else {
        "/distributor"
    };
    let orders = format!(
        "{home}?state=&from={}&to={}",
        r.period.from.iso(),
        r.period.to.iso()
    );
    let invoices = if retailer {
        "/retailer/invoices"
    } else {
        "/distributor/invoices"
    };
    view! {
        <PeriodLine period=r.period previous=r.previous compare=c />
        {figures(
            c,
            vec![
                Fig::new(
                        if retailer { "Bought, with GST" } else { "Sales, with GST" },
                        r.total,
                        true,
                        "figure-total",
                    )
                    .to(&orders),
                Fig::new("Orders", r.orders, false, "figure-orders").to(&orders),
                Fig::new("Order lines", r.lines, false, "figure-lines").to("#by-product"),
                Fig::new("Goods before GST", r.goods, true, "figure-goods").to("#by-product"),
                Fig::new(
                        if retailer { "GST paid" } else { "GST collected" },
                        r.gst,
                        true,
                        "figure-gst",
                    )
                    .to(invoices),
            ],
        )}
        <ChartCard
            heading=format!(
                "{} {}",
                if retailer { "Bought" } else { "Sales" },
                r.grouping.label().to_lowercase(),
            )
            title=format!("Value with GST, {}", r.grouping.label().to_lowercase())
            series=r.series.clone()
            test="sales-chart"
            dl=l.of(Section::Series)
        />
        {(!retailer).then(|| view! { <FunnelCard f /> })}
        <TableCard table=r.parties dl=l.of(Section::Parties) test="by-party" />
        <TableCard table=r.products dl=l.of(Section::Products) test="by-product" />
        <TableCard table=r.categories dl=l.of(Section::Categories) test="by-category" />
        <LinesCard dl=l.of(Section::Lines) lines=r.placed_lines />
        {(!retailer)
            .then(|| {
                view! {
                    <TableCard table=r.inactive dl=l.of(Section::Inactive) test="inactive" />
                    <TableCard table=r.rejections dl=l.of(Section::Rejections) test="rejections" />
                }
            })}
    }
}

/// How the period's orders fared, with the acceptance and fill rates.
#[component]
fn FunnelCard(f: Funnel) -> impl IntoView {
    view! {
        <section class="card" data-test="funnel">
            <h2>"How orders fared"</h2>
            <p>
                {format!(
                    "{} placed · {} accepted · {} delivered or picked up · {} rejected · {} withdrawn by the shop · {} cancelled after acceptance · {} still waiting",
                    f.placed,
                    f.accepted,
                    f.fulfilled,
                    f.rejected,
                    f.withdrawn,
                    f.cancelled,
                    f.open,
                )}
            </p>
            <p>
                <b data-test="acceptance-rate">{show_per_mille(f.acceptance_per_mille())}</b>
                " of answered orders accepted · "
                <b data-test="fill-rate">{show_per_mille(f.fill_per_mille())}</b>
                " of placed orders delivered"
            </p>
        </section>
    }
}

#[component]
pub fn PlatformReportsPage() -> impl IntoView {
    gated(
        "Reports",
        &[OrgKind::Platform],
        |_| view! { <PlatformReports /> },
    )
}

#[component]
fn PlatformReports() -> impl IntoView {
    // The big tables are their own request, started with the figures' (not
    // once they arrive, which made a fresh load's hydration depend on which
    // answer the browser had first); they show when they are added up.
    let tables = Resource::new(period_from_link(), get_platform_tables);
    report_frame(
        OrgKind::Platform,
        "Platform",
        get_platform_report,
        move |r, l| view! { <PlatformBody r l tables /> },
    )
}

type TablesResource = Resource<Result<PlatformTables, AppError>>;

#[component]
fn PlatformBody(r: PlatformReport, l: Links, tables: TablesResource) -> impl IntoView {
    let c = l.compares();
    view! {
        <PeriodLine period=r.period previous=r.previous compare=c />
        {figures(
            c,
            vec![
                Fig::new("Sales, with GST", r.total, true, "figure-total").to("#by-party"),
                Fig::new("Orders", r.orders, false, "figure-orders").to("#by-party"),
                Fig::new("Shops buying", r.active_retailers, false, "figure-retailers")
                    .to("#by-party"),
                Fig::new(
                    "Distributors selling",
                    r.active_distributors,
                    false,
                    "figure-distributors",
                ),
                Fig::new("Brands sold", r.active_manufacturers, false, "figure-manufacturers")
                    .to("#top-products"),
            ],
        )}
        <ChartCard
            heading=format!("Sales {}", r.grouping.label().to_lowercase())
            title=format!("Value with GST, {}", r.grouping.label().to_lowercase())
            series=r.series.clone()
            test="platform-chart"
            dl=l.of(Section::Series)
        />
        <FunnelCard f=r.funnel />
        <PlatformTablesPart tables l=l.clone() />
        <TableCard table=r.messages dl=l.of(Section::Messages) test="messages" />
        <LinesCard dl=l.of(Section::Lines) lines=r.placed_lines />
    }
}

/// The platform's big tables (over years they take seconds to add up; the
/// figures above them do not wait).
#[component]
fn PlatformTablesPart(tables: TablesResource, l: Links) -> impl IntoView {
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="muted" data-test="platform-tables-wait">
                    "Adding up the tables by shop, category and state…"
                </p>
            }
        }>
            {move || {
                let l = l.clone();
                Suspend::new(async move {
                    match tables.await {
                        Ok(t) => {
                            view! {
                                <TableCard
                                    table=t.retailers
                                    dl=l.of(Section::Parties)
                                    test="by-party"
                                />
                                <TableCard
                                    table=t.categories
                                    dl=l.of(Section::Categories)
                                    test="by-category"
                                />
                                <TableCard
                                    table=t.top_products
                                    dl=l.of(Section::Products)
                                    test="top-products"
                                />
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! {
                                <p class="error" role="alert">
                                    {e.to_string()}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// A figure and its change against the period before, in units (₹ for money)
/// and per cent, linking to the rows behind it.
pub struct Fig {
    label: &'static str,
    change: Change,
    money: bool,
    test: &'static str,
    href: Option<String>,
}

impl Fig {
    fn new(label: &'static str, change: Change, money: bool, test: &'static str) -> Fig {
        Fig {
            label,
            change,
            money,
            test,
            href: None,
        }
    }

    /// Links the figure to its rows: a table on the page ("#by-product") or a list.
    fn to(self, href: &str) -> Fig {
        Fig {
            href: Some(href.to_string()),
            ..self
        }
    }

    fn show(&self, v: i64) -> String {
        if self.money { money(v) } else { v.to_string() }
    }
}

/// The row of figures at the top of a report, each with its change when the
/// page compares.
fn figures(compare: bool, items: Vec<Fig>) -> impl IntoView {
    view! {
        <section class="stats figures" data-test="report-figures">
            {items
                .into_iter()
                .map(|f| {
                    let delta = f.change.delta();
                    let sign = if delta > 0 { "+" } else { "" };
                    let class = match delta.signum() {
                        1 => "change up",
                        -1 => "change down",
                        _ => "change",
                    };
                    let change = compare
                        .then(|| {
                            view! {
                                <small class=class data-test=format!("{}-change", f.test)>
                                    {format!(
                                        "{sign}{} ({})",
                                        f.show(delta),
                                        f.change.show_percent(),
                                    )}
                                </small>
                            }
                        });
                    let inner = view! {
                        <b data-test=f.test>{f.show(f.change.now)}</b>
                        <span>{f.label}</span>
                        {change}
                    };
                    match f.href {
                        Some(href) => {
                            view! {
                                <a class="stat" href=href data-test=format!("{}-link", f.test)>
                                    {inner}
                                </a>
                            }
                                .into_any()
                        }
                        None => view! { <div class="stat">{inner}</div> }.into_any(),
                    }
                })
                .collect_view()}
        </section>
    }
}

/// "1 Dec 2026 – 3 Dec 2026 · compared with 1 Nov 2026 – 3 Nov 2026".
#[component]
fn PeriodLine(period: Period, previous: Period, compare: bool) -> impl IntoView {
    view! {
        <p class="muted" data-test="period-shown">
            {if compare {
                format!("{} · compared with {}", period.show(), previous.show())
            } else {
                period.show()
            }}
        </p>
    }
}

/// The series as a bar chart, with its download.
#[component]
fn ChartCard(
    heading: String,
    title: String,
    series: Vec<super::Point>,
    test: &'static str,
    dl: Download,
) -> impl IntoView {
    let bars = series
        .into_iter()
        .map(|p| Bar {
            label: p.label,
            value: p.value_paise,
        })
        .collect();
    view! {
        <section class="card">
            <h2>{heading}</h2>
            <BarChart title bars test />
            <Downloads dl test="series" />
        </section>
    }
}

/// A table's download links, or why the caller may not download this period.
#[component]
fn Downloads(dl: Download, test: &'static str) -> impl IntoView {
    match dl.blocked.clone() {
        Some(why) => view! {
            <p class="downloads muted" data-test=format!("blocked-{test}")>
                {why}
            </p>
        }
        .into_any(),
        None => view! {
            <p class="downloads">
                "Download: "
                <a
                    href=dl.as_format("xlsx")
                    rel="external"
                    download
                    data-test=format!("xlsx-{test}")
                >
                    "Excel"
                </a> " · "
                <a href=dl.as_format("pdf") rel="external" download data-test=format!("pdf-{test}")>
                    "PDF"
                </a> " · "
                <a href=dl.csv.clone() rel="external" download data-test=format!("download-{test}")>
                    "CSV"
                </a>
            </p>
        }
        .into_any(),
    }
}

/// Every order line of the period as one file, however long: fetched by the
/// page with its progress shown ("12,000 of 48,210 lines"), or, before the page
/// is interactive, saved by the browser from the plain link.
#[component]
fn LinesCard(dl: Download, lines: i64) -> impl IntoView {
    let status = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let csv = dl.csv.clone();
    let xlsx = dl.as_format("xlsx");
    let urls = StoredValue::new((csv.clone(), xlsx.clone()));
    let fetch = move |format: &'static str, ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let url = urls.with_value(|(c, x)| {
            if format == "csv" {
                c.clone()
            } else {
                x.clone()
            }
        });
        #[cfg(feature = "hydrate")]
        {
            busy.set(true);
            status.set(Some(Ok("Starting…".into())));
            leptos::task::spawn_local(async move {
                let fallback = format!("order-lines.{format}");
                let answer = crate::ui::download::fetch_and_save(&url, &fallback, |p| {
                    status.set(Some(Ok(progress_text(format, p))));
                })
                .await;
                status.set(Some(
                    answer.map(|p| format!("Saved: {}", progress_text(format, p))),
                ));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = url;
    };
    view! {
        <section class="card" id="lines" data-test="lines">
            <h2>"Every order line"</h2>
            <p>
                {format!(
                    "{} line{} of the orders placed in this period, whatever became of them: date, order, shop, distributor, product, quantity, price and GST rate.",
                    super::table::group_indian(lines),
                    if lines == 1 { "" } else { "s" },
                )}
            </p>
            {match dl.blocked.clone() {
                Some(why) => {
                    view! {
                        <p class="downloads muted" data-test="blocked-lines">
                            {why}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class="downloads">
                            "Download: "
                            <a
                                href=xlsx
                                rel="external"
                                download
                                data-test="xlsx-lines"
                                on:click=move |ev| fetch("xlsx", ev)
                            >
                                "Excel"
                            </a> " · "
                            <a
                                href=csv
                                rel="external"
                                download
                                data-test="download-lines"
                                on:click=move |ev| fetch("csv", ev)
                            >
                                "CSV"
                            </a>
                        </p>
                        <p role="status" aria-live="polite" data-test="lines-progress">
                            {move || match status.get() {
                                Some(Ok(text)) => view! { <span>{text}</span> }.into_any(),
                                Some(Err(e)) => view! { <span class="error">{e}</span> }.into_any(),
                                None => ().into_any(),
                            }}
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// "12,000 of 48,210 lines" for a CSV (its header is the one line more), bytes
/// for a workbook (which arrives whole, once written).
#[cfg(feature = "hydrate")]
fn progress_text(format: &str, p: crate::ui::download::Progress) -> String {
    use super::table::group_indian;
    let kb = group_indian(i64::try_from(p.bytes / 1024).unwrap_or(i64::MAX));
    match (format, p.expected) {
        ("csv", Some(total)) => {
            let rows = p.lines.saturating_sub(1).min(total);
            let pct = (rows * 100).checked_div(total).unwrap_or(100);
            format!(
                "{} of {} lines ({pct} %)",
                group_indian(i64::try_from(rows).unwrap_or(i64::MAX)),
                group_indian(i64::try_from(total).unwrap_or(i64::MAX))
            )
        }
        (_, _) if p.bytes == 0 => "Preparing the file…".into(),
        _ => format!("{kb} KB received"),
    }
}

/// Rows a table shows at first; "show more" adds as many again.
const ROWS_SHOWN: usize = 50;
/// From this many rows on, a table has a filter box.
const FILTER_FROM: usize = 6;

/// One report table with its totals row and its downloads. Its columns sort
/// (tap a heading; again to reverse) and a filter keeps the rows containing
/// its text, the totals then adding up only the rows shown. Both work in the
/// browser once the page is interactive; before that the table reads as is.
#[component]
fn TableCard(table: ReportTable, dl: Download, test: &'static str) -> impl IntoView {
    let numeric: Vec<bool> = table.columns.iter().map(|c| c.kind != Kind::Text).collect();
    let empty = table.rows.is_empty();
    let many = table.rows.len() >= FILTER_FROM;
    let title = table.title.clone();
    let table = StoredValue::new(table);
    let numeric = StoredValue::new(numeric);
    // (column, descending); None keeps the report's own order.
    let sort = RwSignal::new(None::<(usize, bool)>);
    let filter = RwSignal::new(String::new());
    let limit = RwSignal::new(ROWS_SHOWN);
    let shown = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        table.with_value(|t| {
            let mut rows: Vec<usize> = (0..t.rows.len())
                .filter(|&i| {
                    needle.is_empty()
                        || t.rows[i]
                            .iter()
                            .any(|c| c.show().to_lowercase().contains(&needle))
                })
                .collect();
            if let Some((col, desc)) = sort.get() {
                rows.sort_by_cached_key(|&i| t.rows[i].get(col).map(Cell::sort_key));
                if desc {
                    rows.reverse();
                }
            }
            rows
        })
    });
    let heading = move |i: usize, label: String| {
        let state = move || match sort.get() {
            Some((c, false)) if c == i => "ascending",
            Some((c, true)) if c == i => "descending",
            _ => "none",
        };
        let arrow = move || match state() {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        let num = numeric.with_value(|n| n[i]);
        view! {
            <th class:num=num scope="col" aria-sort=state>
                <button
                    type="button"
                    class="sort"
                    data-test=format!("sort-{i}")
                    on:click=move |_| {
                        sort.update(|s| {
                            *s = match *s {
                                Some((c, d)) if c == i => Some((c, !d)),
                                _ => Some((i, num)),
                            }
                        })
                    }
                >
                    {label}
                    {arrow}
                </button>
            </th>
        }
    };
    view! {
        <section class="card" id=test data-test=test>
            <h2>{title.clone()}</h2>
            {if empty {
                view! { <p class="muted">"Nothing in this period."</p> }.into_any()
            } else {
                view! {
                    {many
                        .then(|| {
                            view! {
                                <input
                                    type="search"
                                    class="table-filter"
                                    placeholder="Filter rows"
                                    aria-label=format!("Filter {}", title.to_lowercase())
                                    data-test="table-filter"
                                    prop:value=filter
                                    on:input=move |ev| filter.set(event_target_value(&ev))
                                />
                            }
                        })}
                    <div class="table-scroll">
                        <table class="report">
                            <thead>
                                <tr>
                                    {table
                                        .with_value(|t| {
                                            t.columns
                                                .iter()
                                                .enumerate()
                                                .map(|(i, c)| heading(i, c.label.clone()))
                                                .collect_view()
                                        })}
                                </tr>
                            </thead>
                            <tbody>
                                {move || {
                                    let rows = shown.get();
                                    let n = limit.get();
                                    table
                                        .with_value(|t| {
                                            rows.iter()
                                                .take(n)
                                                .map(|&i| {
                                                    view! {
                                                        <ReportRow
                                                            cells=t.rows[i].clone()
                                                            numeric=numeric.get_value()
                                                        />
                                                    }
                                                })
                                                .collect_view()
                                        })
                                }}
                            </tbody>
                            <tfoot>
                                {move || {
                                    let filtered = !filter.get().trim().is_empty();
                                    let rows = shown.get();
                                    table
                                        .with_value(|t| {
                                            if filtered {
                                                let mut cells = t
                                                    .totals_of(rows.iter().map(|&i| &t.rows[i]));
                                                if let Some(first @ Cell::Text(_)) = cells.first_mut() {
                                                    *first = Cell::Text(
                                                        format!("Total of {} shown", rows.len()),
                                                    );
                                                }
                                                Some(cells)
                                            } else {
                                                t.totals.clone()
                                            }
                                        })
                                        .map(|cells| {
                                            view! { <ReportRow cells numeric=numeric.get_value() /> }
                                        })
                                }}
                            </tfoot>
                        </table>
                    </div>
                    {move || {
                        let (total, n) = (shown.get().len(), limit.get());
                        (total > n)
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="ghost"
                                        data-test="show-more"
                                        on:click=move |_| limit.update(|l| *l += ROWS_SHOWN)
                                    >
                                        {format!("Show more ({n} of {total} shown)")}
                                    </button>
                                }
                            })
                    }}
                    <Downloads dl test />
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ReportRow(cells: Vec<Cell>, numeric: Vec<bool>) -> impl IntoView {
    view! {
        <tr>
            {cells
                .iter()
                .zip(numeric)
                .map(|(c, n)| view! { <td class:num=n>{c.show()}</td> })
                .collect_view()}
        </tr>
    }
}
