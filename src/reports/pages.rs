//! The reports page: a distributor's sales, a shop's purchases. One period for
//! every figure on it (a GET form, so it works before the WASM and without it),
//! each figure against the period before, a chart, and tables with downloads.

use super::api::{get_brand_report, get_platform_report, get_sales_report};
use super::table::{Cell, Kind, ReportTable};
use super::{
    BrandReport, Funnel, PeriodQuery, PlatformReport, SalesReport, Section, csv_href,
    show_per_mille,
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
        })
    }
}

/// A report page under its heading: the period form (with its error beside it)
/// and, once the figures arrive, `body`.
fn report_frame<T, Fut, B, V>(
    kind: OrgKind,
    heading: &'static str,
    fetch: fn(PeriodQuery) -> Fut,
    body: B,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    B: Fn(T, PeriodQuery) -> V + Clone + Send + Sync + 'static,
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
                    let q = period();
                    let result = report.await;
                    let error = result.as_ref().err().cloned();
                    view! {
                        <PeriodForm q=q.clone() error />
                        {result.ok().map(|r| body(r, q))}
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Reports(kind: OrgKind) -> impl IntoView {
    let heading = if kind == OrgKind::Retailer {
        "What I bought"
    } else {
        "Sales"
    };
    report_frame(kind, heading, get_sales_report, move |r, q| {
        view! { <ReportBody r q kind /> }
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
    let report = Resource::new(
        move || version.get(),
        |_| {
            get_sales_report(PeriodQuery {
                period: Preset::ThisMonth.as_str().into(),
                ..Default::default()
            })
        },
    );
    let (verb, whom) = if kind == OrgKind::Retailer {
        ("Bought this month", "from")
    } else {
        ("Sold this month", "to")
    };
    let href = if kind == OrgKind::Retailer {
        "/retailer/reports"
    } else {
        "/distributor/reports"
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                report
                    .await
                    .ok()
                    .map(|r| {
                        let top: Vec<String> = r
                            .parties
                            .rows
                            .iter()
                            .take(3)
                            .filter_map(|row| match (row.first(), row.get(4)) {
                                (Some(Cell::Text(name)), Some(value)) => {
                                    Some(format!("{name} {}", value.show()))
                                }
                                _ => None,
                            })
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
                                        r.orders.now,
                                        if r.orders.now == 1 { "" } else { "s" },
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
        |r, q| view! { <BrandBody r q /> },
    )
}

#[component]
fn BrandBody(r: BrandReport, q: PeriodQuery) -> impl IntoView {
    let private = r.private_shops;
    view! {
        <PeriodLine period=r.period previous=r.previous />
        {figures(
            vec![
                Fig::new("Sold, before GST", r.goods, true, "figure-goods"),
                Fig::new("Units", r.qty, false, "figure-qty"),
                Fig::new("Order lines", r.lines, false, "figure-lines"),
                Fig::new("Shops buying", r.shops, false, "figure-shops"),
            ],
        )}
        <ChartCard
            heading=format!("Sold {}", r.grouping.label().to_lowercase())
            title=format!("Value before GST, {}", r.grouping.label().to_lowercase())
            series=r.series.clone()
            test="brand-chart"
            href=csv_href("brand", Section::Series, &q)
        />
        <TableCard
            table=r.distributors
            href=csv_href("brand", Section::Distributors, &q)
            test="by-distributor"
        />
        <TableCard
            table=r.districts
            href=csv_href("brand", Section::Districts, &q)
            test="by-district"
        />
        <TableCard
            table=r.products
            href=csv_href("brand", Section::Products, &q)
            test="by-product"
        />
        <TableCard
            table=r.pincodes
            href=csv_href("brand", Section::Pincodes, &q)
            test="by-pincode"
        />
        <TableCard
            table=r.named_shops
            href=csv_href("brand", Section::Shops, &q)
            test="named-shops"
        />
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
fn ReportBody(r: SalesReport, q: PeriodQuery, kind: OrgKind) -> impl IntoView {
    let retailer = kind == OrgKind::Retailer;
    let f = r.funnel.clone();
    view! {
        <PeriodLine period=r.period previous=r.previous />
        {figures(
            vec![
                Fig::new(
                    if retailer { "Bought, with GST" } else { "Sales, with GST" },
                    r.total,
                    true,
                    "figure-total",
                ),
                Fig::new("Orders", r.orders, false, "figure-orders"),
                Fig::new("Order lines", r.lines, false, "figure-lines"),
                Fig::new("Goods before GST", r.goods, true, "figure-goods"),
                Fig::new(
                    if retailer { "GST paid" } else { "GST collected" },
                    r.gst,
                    true,
                    "figure-gst",
                ),
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
            href=csv_href("sales", Section::Series, &q)
        />
        {(!retailer).then(|| view! { <FunnelCard f /> })}
        <TableCard table=r.parties href=csv_href("sales", Section::Parties, &q) test="by-party" />
        <TableCard
            table=r.products
            href=csv_href("sales", Section::Products, &q)
            test="by-product"
        />
        <TableCard
            table=r.categories
            href=csv_href("sales", Section::Categories, &q)
            test="by-category"
        />
        {(!retailer)
            .then(|| {
                view! {
                    <TableCard
                        table=r.inactive
                        href=csv_href("sales", Section::Inactive, &q)
                        test="inactive"
                    />
                    <TableCard
                        table=r.rejections
                        href=csv_href("sales", Section::Rejections, &q)
                        test="rejections"
                    />
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
    report_frame(
        OrgKind::Platform,
        "Platform",
        get_platform_report,
        |r, q| view! { <PlatformBody r q /> },
    )
}

#[component]
fn PlatformBody(r: PlatformReport, q: PeriodQuery) -> impl IntoView {
    view! {
        <PeriodLine period=r.period previous=r.previous />
        {figures(
            vec![
                Fig::new("Sales, with GST", r.total, true, "figure-total"),
                Fig::new("Orders", r.orders, false, "figure-orders"),
                Fig::new("Shops buying", r.active_retailers, false, "figure-retailers"),
                Fig::new(
                    "Distributors selling",
                    r.active_distributors,
                    false,
                    "figure-distributors",
                ),
                Fig::new("Brands sold", r.active_manufacturers, false, "figure-manufacturers"),
            ],
        )}
        <ChartCard
            heading=format!("Sales {}", r.grouping.label().to_lowercase())
            title=format!("Value with GST, {}", r.grouping.label().to_lowercase())
            series=r.series.clone()
            test="platform-chart"
            href=csv_href("platform", Section::Series, &q)
        />
        <FunnelCard f=r.funnel />
        <TableCard
            table=r.retailers
            href=csv_href("platform", Section::Parties, &q)
            test="by-party"
        />
        <TableCard
            table=r.categories
            href=csv_href("platform", Section::Categories, &q)
            test="by-category"
        />
        <TableCard
            table=r.top_products
            href=csv_href("platform", Section::Products, &q)
            test="top-products"
        />
        <TableCard
            table=r.messages
            href=csv_href("platform", Section::Messages, &q)
            test="messages"
        />
    }
}

/// A figure and its change against the period before, in units (₹ for money)
/// and per cent.
pub struct Fig {
    label: &'static str,
    change: Change,
    money: bool,
    test: &'static str,
}

impl Fig {
    fn new(label: &'static str, change: Change, money: bool, test: &'static str) -> Fig {
        Fig {
            label,
            change,
            money,
            test,
        }
    }

    fn show(&self, v: i64) -> String {
        if self.money { money(v) } else { v.to_string() }
    }
}

/// The row of figures at the top of a report.
fn figures(items: Vec<Fig>) -> impl IntoView {
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
                    view! {
                        <div class="stat">
                            <b data-test=f.test>{f.show(f.change.now)}</b>
                            <span>{f.label}</span>
                            <small class=class data-test=format!("{}-change", f.test)>
                                {format!("{sign}{} ({})", f.show(delta), f.change.show_percent())}
                            </small>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// "1 Dec 2026 – 3 Dec 2026 · compared with 1 Nov 2026 – 3 Nov 2026".
#[component]
fn PeriodLine(period: Period, previous: Period) -> impl IntoView {
    view! {
        <p class="muted" data-test="period-shown">
            {format!("{} · compared with {}", period.show(), previous.show())}
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
    href: String,
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
            <a href=href rel="external" download data-test="download-series">
                "Download CSV"
            </a>
        </section>
    }
}

/// One report table with its totals row and its download.
#[component]
fn TableCard(table: ReportTable, href: String, test: &'static str) -> impl IntoView {
    let xlsx = href.replacen("/csv?", "/xlsx?", 1);
    let numeric: Vec<bool> = table.columns.iter().map(|c| c.kind != Kind::Text).collect();
    let empty = table.rows.is_empty();
    let num = numeric.clone();
    view! {
        <section class="card" data-test=test>
            <h2>{table.title.clone()}</h2>
            {if empty {
                view! { <p class="muted">"Nothing in this period."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="report">
                            <thead>
                                <tr>
                                    {table
                                        .columns
                                        .iter()
                                        .zip(numeric.iter())
                                        .map(|(c, n)| {
                                            view! {
                                                <th class:num=*n scope="col">
                                                    {c.label.clone()}
                                                </th>
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {table
                                    .rows
                                    .iter()
                                    .map(|row| {
                                        view! {
                                            <ReportRow cells=row.clone() numeric=num.clone() />
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                            <tfoot>
                                {table
                                    .totals
                                    .clone()
                                    .map(|t| view! { <ReportRow cells=t numeric=num.clone() /> })}
                            </tfoot>
                        </table>
                    </div>
                    <p class="downloads">
                        "Download: "
                        <a href=xlsx rel="external" download data-test=format!("xlsx-{test}")>
                            "Excel"
                        </a> " · "
                        <a href=href rel="external" download data-test=format!("download-{test}")>
                            "CSV"
                        </a>
                    </p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ReportRow(cells: Vec<super::table::Cell>, numeric: Vec<bool>) -> impl IntoView {
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
