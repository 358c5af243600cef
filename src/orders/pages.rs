//! Order pages: the order panels (retailer and distributor), one order with its
//! timeline, the shop (browse and search) and the carts.

use super::api::{ActOnOrder, PlaceOrder, browse, count_orders, get_order, list_orders};
use super::cart::{self, Carts};
use super::{BrowseFilter, CartLine, NewOrder, OrderDetail, OrderFilter, OrderSummary};
use crate::domain::OrgKind;
use crate::domain::gst::rate_label;
use crate::domain::gst::{Supply, TaxLine, compute};
use crate::domain::order::{DeliveryMode, OrderAction, OrderState, Party, available_actions};
use crate::error::AppError;
use crate::ui::confirm::Confirm;
use crate::ui::form::FilterSelect;
use crate::ui::gate::gated;
use crate::ui::live::{orders_version, provide_live_orders};
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The retailer's home: their orders, live.
#[component]
pub fn RetailerOrders() -> impl IntoView {
    gated("My orders", &[OrgKind::Retailer], |u| {
        view! {
            <OrdersHome kind=u.org_kind title="My orders" />
            <crate::account::pages::Profile />
        }
    })
}

/// The distributor's home: incoming orders, live, with a badge for new ones.
#[component]
pub fn DistributorOrders() -> impl IntoView {
    gated("Orders", &[OrgKind::Distributor], |u| {
        view! {
            <OrdersHome kind=u.org_kind title="Orders" />
            <crate::account::pages::Profile />
        }
    })
}

#[component]
fn OrdersHome(kind: OrgKind, title: &'static str) -> impl IntoView {
    provide_live_orders();
    let version = orders_version();
    let counts = Resource::new(move || version.get(), |_| count_orders());
    let badge = Signal::derive(move || {
        counts
            .get()
            .and_then(Result::ok)
            .map(|c| c.new)
            .unwrap_or(0)
    });
    view! {
        <RoleNav kind badge />
        <h1 data-test="dashboard" data-kind=kind.as_str()>
            {title}
        </h1>
        <crate::reports::pages::MonthAtAGlance kind version />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                counts.await.ok().map(|c| view! { <StateCounts counts=c /> })
            })}
        </Transition>
        <OrdersPanel kind />
    }
}

/// The tracking row: each status with its number of orders, linking to the list of them.
#[component]
fn StateCounts(counts: crate::orders::OrderCounts) -> impl IntoView {
    view! {
        <nav class="state-counts" aria-label="Orders by status" data-test="state-counts">
            {counts
                .by_state
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(state, n)| {
                    let label = format!("{} {n}", state.label());
                    view! {
                        <a
                            href=format!("?state={}", state.as_str())
                            class=format!("pill state-{}", state.as_str())
                            data-state=state.as_str()
                        >
                            {label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

#[component]
fn OrdersPanel(kind: OrgKind) -> impl IntoView {
    let query = use_query_map();
    let version = orders_version();
    let filter = move || {
        query.with(|q| OrderFilter {
            state: q.get("state").unwrap_or_else(|| {
                if kind == OrgKind::Distributor {
                    "open".into()
                } else {
                    String::new()
                }
            }),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            q: q.get("q").unwrap_or_default(),
        })
    };
    let act = ServerAction::<ActOnOrder>::new();
    let orders = Resource::new(
        move || (filter(), version.get(), act.version().get()),
        |(f, _, _)| list_orders(f),
    );
    let states: Vec<(&str, &str)> = [("open", "Open"), ("placed", "New"), ("", "All")]
        .into_iter()
        .chain(
            OrderState::ALL
                .iter()
                .skip(1)
                .map(|s| (s.as_str(), s.label())),
        )
        .collect();
    view! {
        <Form method="GET" action="" attr:class="filters orders-filter">
            <FilterSelect
                name="state"
                label="Status"
                choices=states
                current=Signal::derive(move || filter().state)
            />
            <input type="date" name="from" aria-label="From" prop:value=move || filter().from />
            <input type="date" name="to" aria-label="To" prop:value=move || filter().to />
            <input
                type="search"
                name="q"
                placeholder=if kind == OrgKind::Retailer { "Distributor" } else { "Retailer" }
                prop:value=move || filter().q
            />
            <button type="submit">"Show"</button>
        </Form>
        {move || {
            act.value()
                .get()
                .and_then(Result::err)
                .map(|e| {
                    view! {
                        <div class="banner danger" role="alert">
                            {e.to_string()}
                        </div>
                    }
                })
        }}
        <Transition fallback=|| {
            view! { <p class="muted">"Loading orders…"</p> }
        }>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="muted card" data-test="no-orders">
                                "No orders here yet."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="orders" data-test="order-list">
                                {list
                                    .into_iter()
                                    .map(|o| view! { <OrderCard order=o kind act /> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Accepting with delivery is offered only where the distributor delivers.
fn possible(action: OrderAction, deliverable: bool) -> bool {
    deliverable || action != OrderAction::Accept(DeliveryMode::Deliver)
}

#[component]
fn OrderCard(order: OrderSummary, kind: OrgKind, act: ServerAction<ActOnOrder>) -> impl IntoView {
    let party = Party::from(kind);
    let state = order.state;
    let mode = order.delivery_mode;
    let held = order.held.clone();
    let quick: Vec<OrderAction> = available_actions(state, mode, party)
        .into_iter()
        .filter(|a| !a.needs_reason(state) && possible(*a, order.deliverable))
        .filter(|a| held.is_none() || !matches!(a, OrderAction::Accept(_)))
        .collect();
    let other = if kind == OrgKind::Retailer {
        order.distributor_name.clone()
    } else {
        format!("{}, {}", order.retailer_name, order.retailer_city)
    };
    let id = order.id;
    view! {
        <li class="card order" data-test="order-row" data-id=id data-state=state.as_str()>
            <A href=format!("/orders/{id}") attr:class="order-head">
                <strong>{format!("#{id}")}</strong>
                <span class="order-who">{other}</span>
                <span class=format!("pill state-{}", state.as_str()) data-test="order-state">
                    {state.label()}
                </span>
            </A>
            <div class="muted">
                {format!(
                    "{} · {} line{} · {}",
                    order.placed,
                    order.line_count,
                    if order.line_count == 1 { "" } else { "s" },
                    money(order.total_paise),
                )} {mode.map(|m| format!(" · {}", m.label()))}
            </div>
            {held
                .map(|why| {
                    view! {
                        <p class="hold" data-test="held">
                            {format!("Waiting for the distributor's approval: {why}")}
                        </p>
                    }
                })}
            {(!quick.is_empty())
                .then(|| {
                    view! {
                        <div class="row-actions">
                            {quick
                                .into_iter()
                                .map(|a| {
                                    view! { <ActionButton act id action=a needs_reason=false /> }
                                })
                                .collect_view()}
                            <A href=format!("/orders/{id}") attr:class="button ghost">
                                "Details"
                            </A>
                        </div>
                    }
                })}
        </li>
    }
}

/// One order: lines, totals, the actions the caller may take and the timeline.
#[component]
pub fn OrderPage() -> impl IntoView {
    gated("Order", &[OrgKind::Retailer, OrgKind::Distributor], |u| {
        view! { <OrderView kind=u.org_kind owner=u.role == crate::domain::MemberRole::Owner /> }
    })
}

#[component]
fn OrderView(kind: OrgKind, owner: bool) -> impl IntoView {
    provide_live_orders();
    let version = orders_version();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let act = ServerAction::<ActOnOrder>::new();
    let approve = ServerAction::<crate::khata::api::ApproveHeldOrder>::new();
    let detail = Resource::new(
        move || {
            (
                id(),
                version.get(),
                act.version().get(),
                approve.version().get(),
            )
        },
        |(id, ..)| get_order(id),
    );
    view! {
        <RoleNav kind />
        <Transition fallback=|| {
            view! { <p class="muted">"Loading…"</p> }
        }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <OrderBody detail=d kind owner act approve /> }.into_any(),
                    Err(e) => view! { <p class="card error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        // A sibling, not nested in the order's Transition: nested boundaries are where
        // Leptos's streamed pages have been seen to stall.
        {move || {
            (id() > 0).then(|| view! { <crate::invoices::pages::OrderInvoices order_id=id() /> })
        }}
    }
}

#[component]
fn OrderBody(
    detail: OrderDetail,
    kind: OrgKind,
    owner: bool,
    act: ServerAction<ActOnOrder>,
    approve: ServerAction<crate::khata::api::ApproveHeldOrder>,
) -> impl IntoView {
    let o = detail.order.clone();
    let party = Party::from(kind);
    let state = o.state;
    let mode = o.delivery_mode;
    let actions: Vec<OrderAction> = available_actions(state, mode, party)
        .into_iter()
        .filter(|a| possible(*a, o.deliverable))
        .filter(|a| o.held.is_none() || !matches!(a, OrderAction::Accept(_)))
        .collect();
    let distributor = kind == OrgKind::Distributor;
    let hold = o.held.clone().map(|why| {
        let terms = format!("/distributor/accounts/{}#terms", o.retailer_id);
        let order_id = o.id.to_string();
        view! {
            <div class="banner warn" role="status" data-test="hold">
                <p>
                    {if distributor {
                        "Held for your approval: "
                    } else {
                        "Waiting for the distributor's approval: "
                    }} {why}
                </p>
                {(distributor && owner)
                    .then(|| {
                        view! {
                            <div class="row-actions">
                                <ActionForm action=approve attr:class="inline">
                                    <input type="hidden" name="order_id" value=order_id />
                                    <button type="submit" data-test="approve-hold">
                                        "Approve this order once"
                                    </button>
                                </ActionForm>
                                <A
                                    href=terms
                                    attr:class="button ghost"
                                    attr:data-test="raise-limit"
                                >
                                    "Change the shop's credit limit"
                                </A>
                            </div>
                        }
                    })}
                {(distributor && !owner)
                    .then(|| {
                        view! {
                            <p class="muted">
                                "Only the owner can approve it or change the limit."
                            </p>
                        }
                    })}
            </div>
        }
    });
    let approve_error = move || approve.value().get().and_then(Result::err);
    let error = move || act.value().get().and_then(Result::err);
    let id = o.id;
    let supply = Supply::from_intra_state(detail.intra_state);
    let tax_lines: Vec<TaxLine<'_>> = detail
        .lines
        .iter()
        .map(|l| TaxLine {
            hsn: &l.hsn,
            qty: i64::from(l.qty),
            unit_price_paise: l.unit_price_paise,
            discount_paise: 0,
            rate_bp: l.tax_rate_bp,
        })
        .collect();
    let totals = compute(&tax_lines, supply, detail.round_off).unwrap_or_default();
    drop(tax_lines);
    view! {
        <h1>{format!("Order #{id}")}</h1>
        <section class="card">
            <div class="order-head">
                <span class=format!("pill state-{}", state.as_str()) data-test="order-state">
                    {state.label()}
                </span>
                {mode.map(|m| view! { <span class="pill">{m.label()}</span> })}
            </div>
            <dl class="facts">
                <dt>"Retailer"</dt>
                <dd>{format!("{}, {}", o.retailer_name, o.retailer_city)}</dd>
                <dt>"Distributor"</dt>
                <dd>{o.distributor_name.clone()}</dd>
                <dt>"Placed"</dt>
                <dd>{o.placed.clone()}</dd>
                {o
                    .note
                    .clone()
                    .map(|n| {
                        view! {
                            <dt>"Note"</dt>
                            <dd>{n}</dd>
                        }
                    })}
            </dl>
            {hold}
            {move || {
                error()
                    .or_else(approve_error)
                    .map(|e| {
                        view! {
                            <div class="banner danger" role="alert" data-test="act-error">
                                {e.to_string()}
                            </div>
                        }
                    })
            }}
            {(!actions.is_empty())
                .then(|| {
                    view! {
                        <div class="row-actions">
                            {actions
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <ActionButton
                                            act
                                            id
                                            action=a
                                            needs_reason=a.needs_reason(state)
                                        />
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })}
        </section>
        <section class="card">
            <h2>"Items"</h2>
            <table class="lines">
                <thead>
                    <tr>
                        <th>"Item"</th>
                        <th class="num">"Qty"</th>
                        <th class="num">"Rate"</th>
                        <th class="num">"Amount"</th>
                    </tr>
                </thead>
                <tbody>
                    {detail
                        .lines
                        .into_iter()
                        .map(|l| {
                            view! {
                                <tr>
                                    <td>
                                        {l.name}
                                        <small class="muted">
                                            {format!(
                                                " · HSN {} · GST {}",
                                                l.hsn,
                                                rate_label(l.tax_rate_bp),
                                            )}
                                        </small>
                                    </td>
                                    <td class="num">{format!("{} {}", l.qty, l.unit)}</td>
                                    <td class="num">{money(l.unit_price_paise)}</td>
                                    <td class="num">
                                        {money(l.unit_price_paise * i64::from(l.qty))}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <td colspan="3">"Taxable value"</td>
                        <td class="num">{money(totals.taxable)}</td>
                    </tr>
                    {if detail.intra_state {
                        view! {
                            <tr>
                                <td colspan="3">"CGST"</td>
                                <td class="num">{money(totals.tax.cgst)}</td>
                            </tr>
                            <tr>
                                <td colspan="3">"SGST"</td>
                                <td class="num">{money(totals.tax.sgst)}</td>
                            </tr>
                        }
                            .into_any()
                    } else {
                        view! {
                            <tr>
                                <td colspan="3">"IGST"</td>
                                <td class="num">{money(totals.tax.igst)}</td>
                            </tr>
                        }
                            .into_any()
                    }}
                    {(totals.round_off != 0)
                        .then(|| {
                            view! {
                                <tr>
                                    <td colspan="3">"Round off"</td>
                                    <td class="num">{money(totals.round_off)}</td>
                                </tr>
                            }
                        })}
                    <tr class="grand">
                        <td colspan="3">"Total with GST"</td>
                        <td class="num" data-test="order-total">
                            {money(totals.grand_total)}
                        </td>
                    </tr>
                </tfoot>
            </table>
        </section>
        <section class="card">
            <h2>"Timeline"</h2>
            <ol class="timeline" data-test="timeline">
                {detail
                    .events
                    .into_iter()
                    .map(|e| {
                        view! {
                            <li data-state=e.to_state.as_str()>
                                <strong>{e.to_state.label()}</strong>
                                <span class="muted">
                                    {format!(
                                        " {} · {}{}",
                                        e.at,
                                        e.by_name.unwrap_or_default(),
                                        e.by_org.map(|o| format!(", {o}")).unwrap_or_default(),
                                    )}
                                </span>
                                {(e.via != "web")
                                    .then(|| {
                                        view! {
                                            <span class="pill">{format!("via {}", e.via)}</span>
                                        }
                                    })}
                                {e.note.map(|n| view! { <div>{n}</div> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {(!detail.messages.is_empty())
                .then(|| {
                    view! {
                        <h3>"WhatsApp"</h3>
                        <ul class="wa-log" data-test="wa-log">
                            {detail
                                .messages
                                .into_iter()
                                .map(|m| {
                                    let status = m.status_label();
                                    view! {
                                        <li data-delivery=m
                                            .delivery
                                            .clone()
                                            .unwrap_or_else(|| m.state.clone())>
                                            <strong>{m.what()}</strong>
                                            {format!(
                                                " to {}{}",
                                                m.to_name.clone().unwrap_or_else(|| "the business".into()),
                                                m
                                                    .to_org
                                                    .clone()
                                                    .map(|o| format!(", {o}"))
                                                    .unwrap_or_default(),
                                            )}
                                            " "
                                            <span class="pill">{status}</span>
                                            <span class="muted">{format!(" {}", m.at)}</span>
                                            {m
                                                .error
                                                .clone()
                                                .map(|e| view! { <div class="muted">{e}</div> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}

/// Browse and search products from distributors that serve the retailer.
#[component]
pub fn ShopPage() -> impl IntoView {
    gated("Shop", &[OrgKind::Retailer], |_| view! { <Shop /> })
}

#[component]
fn Shop() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| BrowseFilter {
            q: q.get("q").unwrap_or_default(),
            category: q.get("category").unwrap_or_default(),
            brand: q.get("brand").unwrap_or_default(),
            min_price: q.get("min").unwrap_or_default(),
            max_price: q.get("max").unwrap_or_default(),
            in_stock: q.get("in_stock").is_some_and(|v| v == "on" || v == "true"),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0),
        })
    };
    let page = Resource::new(filter, browse);
    let categories = Resource::new(|| (), |_| crate::catalog::api::categories());
    let carts = RwSignal::new(Carts::default());
    Effect::new(move |_| carts.set(cart::load()));
    view! {
        <RoleNav kind=OrgKind::Retailer />
        <h1>"Shop"</h1>
        // Search first; the other filters fold behind one button (open while one
        // is set). A plain GET form: it works before the WASM arrives.
        <Form method="GET" action="" attr:class="shop-filter">
            <div class="search-row">
                <input
                    type="search"
                    name="q"
                    aria-label="Search products"
                    placeholder="Search products, brands, categories"
                    prop:value=move || filter().q
                    data-test="search"
                />
                <button type="submit">"Search"</button>
            </div>
            <details class="more-filters" open=move || filter().narrows() data-test="filters">
                <summary>
                    "Filters"
                    {move || filter().narrows().then(|| view! { <span class="badge">"on"</span> })}
                </summary>
                <div class="filters">
                    <select name="category" aria-label="Category">
                        <option value="">"All categories"</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                categories
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|c| {
                                        let id = c.id.to_string();
                                        let selected = filter().category == id;
                                        view! {
                                            <option value=id selected=selected>
                                                {c.name}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                    <input
                        type="text"
                        name="brand"
                        aria-label="Brand"
                        placeholder="Brand"
                        prop:value=move || filter().brand
                    />
                    <input
                        type="text"
                        name="min"
                        inputmode="decimal"
                        aria-label="Lowest price in rupees"
                        placeholder="Min ₹"
                        prop:value=move || filter().min_price
                    />
                    <input
                        type="text"
                        name="max"
                        inputmode="decimal"
                        aria-label="Highest price in rupees"
                        placeholder="Max ₹"
                        prop:value=move || filter().max_price
                    />
                    <label class="check">
                        <input
                            type="checkbox"
                            name="in_stock"
                            prop:checked=move || filter().in_stock
                        />
                        " In stock"
                    </label>
                    <button type="submit" class="ghost">
                        "Apply filters"
                    </button>
                </div>
            </details>
        </Form>
        <Transition fallback=|| {
            view! { <p class="muted">"Loading products…"</p> }
        }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.products.is_empty() => {
                        view! {
                            <p class="card muted" data-test="no-products">
                                "No products match. Try fewer words, or another spelling."
                            </p>
                        }
                            .into_any()
                    }
                    Ok(p) => {
                        let more = p.has_more;
                        view! {
                            {p
                                .showing_for
                                .map(|q| {
                                    view! {
                                        <p class="muted" data-test="showing-for">
                                            "Showing results for "
                                            <strong>{q}</strong>
                                        </p>
                                    }
                                })}
                            <ul class="products" data-test="product-list">
                                {p
                                    .products
                                    .into_iter()
                                    .map(|product| view! { <ProductCard product carts /> })
                                    .collect_view()}
                            </ul>
                            {more
                                .then(|| {
                                    view! {
                                        <A
                                            href=move || {
                                                let f = filter();
                                                f.page_href(f.page + 1)
                                            }
                                            attr:class="button ghost"
                                        >
                                            "More products"
                                        </A>
                                    }
                                })}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        // Always in reach at the bottom of the screen while the list scrolls.
        <A href="/retailer/cart" attr:class="cartbar" attr:data-test="cartbar">
            <span>
                {move || {
                    let n = carts.with(Carts::count);
                    if n == 1 {
                        "1 item in the cart".to_string()
                    } else {
                        format!("{n} items in the cart")
                    }
                }}
            </span>
            <strong>
                {move || format!("{} + GST", crate::ui::money(carts.with(Carts::goods_paise)))}
            </strong>
        </A>
    }
}

#[component]
fn ProductCard(product: super::Product, carts: RwSignal<Carts>) -> impl IntoView {
    let p = product.clone();
    view! {
        <li class="card product" data-test="product" data-name=product.name.clone()>
            {
                let thumb = crate::catalog::photo_url(
                    product.sku_id,
                    product.image_version,
                    "thumb",
                );
                let top = if thumb.is_some() { "product-top" } else { "product-top no-photo" };
                view! {
                    <div class=top>
                        {thumb
                            .map(|src| {
                                view! {
                                    <img
                                        class="product-thumb"
                                        src=src
                                        width="64"
                                        height="64"
                                        alt=""
                                        loading="lazy"
                                        decoding="async"
                                    />
                                }
                            })} <div class="product-head">
                            <strong>{product.name.clone()}</strong>
                            <span class="muted">
                                {format!(
                                    "{} · {} · MRP {}",
                                    product.brand,
                                    product.category,
                                    money(product.mrp_paise),
                                )}
                            </span>
                        </div>
                    </div>
                }
            }
            <ul class="offers">
                {product
                    .offers
                    .iter()
                    .map(|o| {
                        let p = p.clone();
                        let offer = o.clone();
                        let listing = o.listing_id;
                        view! {
                            <li
                                class="offer"
                                data-test="offer"
                                data-distributor=o.distributor_name.clone()
                            >
                                <span class="offer-who">{o.distributor_name.clone()}</span>
                                <span class="offer-price">
                                    {format!("{} / {}", money(o.price_paise), p.unit)}
                                </span>
                                <span class="muted">
                                    {if o.available > 0 {
                                        format!("{} in stock", o.available)
                                    } else {
                                        "Out of stock".to_string()
                                    }}
                                    {(o.min_order_qty > 1)
                                        .then(|| format!(" · min {}", o.min_order_qty))}
                                </span>
                                <span class="muted offer-mode" data-test="offer-mode">
                                    {cart::fulfilment(o.delivers_here, o.pickup_at.as_deref())}
                                </span>
                                <button
                                    type="button"
                                    data-test="add"
                                    disabled=o.available <= 0
                                    on:click=move |_| {
                                        carts.update(|c| c.add(&p, &offer, 1, cart::new_key));
                                        carts.with_untracked(cart::save);
                                    }
                                >
                                    {move || match carts.with(|c| c.qty_of(listing)) {
                                        0 => "Add".to_string(),
                                        n => format!("In cart: {n} · add"),
                                    }}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </li>
    }
}

/// The carts, one per distributor; each is placed as one order.
#[component]
pub fn CartPage() -> impl IntoView {
    gated("Cart", &[OrgKind::Retailer], |_| view! { <CartView /> })
}

#[component]
fn CartView() -> impl IntoView {
    let carts = RwSignal::new(Carts::default());
    let loaded = RwSignal::new(false);
    Effect::new(move |_| {
        carts.set(cart::load());
        loaded.set(true);
    });
    let place = ServerAction::<PlaceOrder>::new();
    let placed = RwSignal::new(None::<OrderSummary>);
    Effect::new(move |_| {
        if let Some(Ok(order)) = place.value().get() {
            carts.update(|c| c.clear(order.distributor_id));
            carts.with_untracked(cart::save);
            placed.set(Some(order));
        }
    });
    let errors = move || place.value().get().and_then(Result::err);
    view! {
        <RoleNav kind=OrgKind::Retailer />
        <h1>"Cart"</h1>
        {move || {
            placed
                .get()
                .map(|o| {
                    view! {
                        <div class="banner ok" role="status" data-test="placed">
                            {format!(
                                "Order #{} placed with {} for {}. ",
                                o.id,
                                o.distributor_name,
                                money(o.total_paise),
                            )}
                            <A href=format!("/orders/{}", o.id)>"Track it"</A>
                        </div>
                    }
                })
        }}
        {move || {
            errors()
                .filter(|e| !matches!(e, AppError::Invalid(_)))
                .map(|e| {
                    view! {
                        <div class="banner danger" role="alert">
                            {e.to_string()}
                        </div>
                    }
                })
        }}
        {move || {
            (loaded.get() && carts.with(|c| c.0.is_empty()))
                .then(|| {
                    view! {
                        <p class="card muted" data-test="empty-cart">
                            "Your cart is empty. "
                            <A href="/retailer/shop">"Go shopping"</A>
                        </p>
                    }
                })
        }}
        <For
            each=move || carts.with(|c| c.0.iter().map(|d| d.distributor_id).collect::<Vec<_>>())
            key=|id| *id
            let:distributor_id
        >
            <DistributorCartView distributor_id carts place errors=Signal::derive(errors) />
        </For>
    }
}

#[component]
fn DistributorCartView(
    distributor_id: i64,
    carts: RwSignal<Carts>,
    place: ServerAction<PlaceOrder>,
    errors: Signal<Option<AppError>>,
) -> impl IntoView {
    let cart = Memo::new(move |_| {
        carts.with(|c| {
            c.0.iter()
                .find(|d| d.distributor_id == distributor_id)
                .cloned()
        })
    });
    let totals =
        Memo::new(move |_| cart.with(|c| c.as_ref().map(|c| c.totals()).unwrap_or_default()));
    let note = RwSignal::new(String::new());
    let line_error = move |listing: i64| {
        errors
            .get()
            .and_then(|e| e.reason_for(&format!("line-{listing}")))
    };
    let submit = move |_| {
        if let Some(c) = cart.get_untracked() {
            place.dispatch(PlaceOrder {
                order: NewOrder {
                    distributor_id,
                    lines: c
                        .items
                        .iter()
                        .map(|i| CartLine {
                            listing_id: i.listing_id,
                            qty: i.qty,
                        })
                        .collect(),
                    idempotency_key: c.key.clone(),
                    note: note.get_untracked(),
                },
            });
        }
    };
    view! {
        <section class="card cart" data-test="cart" data-distributor=distributor_id>
            <h2>
                {move || {
                    cart.with(|c| {
                        c.as_ref().map(|c| c.distributor_name.clone()).unwrap_or_default()
                    })
                }}
            </h2>
            <p class="muted" data-test="cart-mode">
                {move || {
                    cart.with(|c| {
                        c.as_ref()
                            .map(|c| cart::fulfilment(c.delivers, c.pickup_at.as_deref()))
                            .unwrap_or_default()
                    })
                }}
            </p>
            <ul class="cart-lines">
                <For
                    each=move || {
                        cart.with(|c| {
                            c.as_ref()
                                .map(|c| {
                                    c.items.iter().map(|i| i.listing_id).collect::<Vec<_>>()
                                })
                                .unwrap_or_default()
                        })
                    }
                    key=|id| *id
                    let:listing_id
                >
                    {
                        let item = move || {
                            cart.with(|c| {
                                c.as_ref()
                                    .and_then(|c| {
                                        c.items.iter().find(|i| i.listing_id == listing_id).cloned()
                                    })
                            })
                        };
                        let set = move |qty: i64| {
                            carts.update(|c| c.set_qty(distributor_id, listing_id, qty));
                            carts.with_untracked(cart::save);
                        };
                        view! {
                            <li class="cart-line" data-test="cart-line">
                                <span class="cart-name">
                                    {move || item().map(|i| i.name).unwrap_or_default()}
                                </span>
                                <span class="muted">
                                    {move || {
                                        item()
                                            .map(|i| {
                                                format!(
                                                    "{} / {} · GST {}",
                                                    money(i.price_paise),
                                                    i.unit,
                                                    rate_label(i.rate_bp),
                                                )
                                            })
                                            .unwrap_or_default()
                                    }}
                                </span>
                                <span class="qty">
                                    <button
                                        type="button"
                                        class="ghost"
                                        aria-label="Less"
                                        on:click=move |_| set(
                                            item().map(|i| i.qty - 1).unwrap_or(0),
                                        )
                                    >
                                        "−"
                                    </button>
                                    <input
                                        type="number"
                                        min="0"
                                        inputmode="numeric"
                                        data-test="qty"
                                        aria-label="Quantity"
                                        prop:value=move || {
                                            item().map(|i| i.qty.to_string()).unwrap_or_default()
                                        }
                                        on:input=move |ev| {
                                            if let Ok(q) = event_target_value(&ev).trim().parse::<i64>()
                                            {
                                                set(q)
                                            }
                                        }
                                    />
                                    <button
                                        type="button"
                                        class="ghost"
                                        aria-label="More"
                                        on:click=move |_| set(
                                            item().map(|i| i.qty + 1).unwrap_or(1),
                                        )
                                    >
                                        "+"
                                    </button>
                                </span>
                                <span class="num">
                                    {move || {
                                        item()
                                            .map(|i| money(i.price_paise * i.qty))
                                            .unwrap_or_default()
                                    }}
                                </span>
                                <small class="field-error" role="alert" data-test="line-error">
                                    {move || line_error(listing_id)}
                                </small>
                            </li>
                        }
                    }
                </For>
            </ul>
            <dl class="facts totals">
                <dt>"Taxable value"</dt>
                <dd class="num" data-test="taxable">
                    {move || money(totals.get().taxable)}
                </dd>
                <dt>"GST"</dt>
                <dd class="num" data-test="tax">
                    {move || money(totals.get().tax)}
                </dd>
                {move || {
                    (totals.get().round_off != 0)
                        .then(|| {
                            view! {
                                <dt>"Round off"</dt>
                                <dd class="num">{money(totals.get().round_off)}</dd>
                            }
                        })
                }}
                <dt>"Total"</dt>
                <dd class="num grand" data-test="total">
                    {move || money(totals.get().total)}
                </dd>
            </dl>
            <input
                type="text"
                placeholder="Note for the distributor (optional)"
                maxlength="500"
                prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))
            />
            <button
                type="button"
                class="big"
                data-test="place"
                disabled=move || place.pending().get()
                on:click=submit
            >
                {move || {
                    if place.pending().get() {
                        "Placing…".to_string()
                    } else {
                        format!("Place order · {}", money(totals.get().total))
                    }
                }}
            </button>
        </section>
    }
}

/// One order action's button; one that ends the order asks first (`Confirm`).
#[component]
fn ActionButton(
    act: ServerAction<ActOnOrder>,
    id: i64,
    action: OrderAction,
    /// Rejecting, or cancelling once accepted: the other side sees the reason.
    needs_reason: bool,
) -> impl IntoView {
    let a = action;
    let form = move || {
        view! {
            <ActionForm action=act attr:class="inline">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="action" value=a.as_str() />
                {if needs_reason {
                    view! {
                        <input
                            type="text"
                            name="reason"
                            required
                            aria-label="Reason"
                            placeholder="Reason (the other side sees it)"
                        />
                    }
                        .into_any()
                } else {
                    view! { <input type="hidden" name="reason" value="" /> }.into_any()
                }}
                <button
                    type="submit"
                    data-test=format!("act-{}", a.as_str())
                    class:danger=a.is_destructive()
                >
                    {if a.is_destructive() {
                        format!("Yes, {}", a.base_verb())
                    } else {
                        a.label().to_string()
                    }}
                </button>
            </ActionForm>
        }
    };
    if a.is_destructive() {
        view! {
            <Confirm
                label=a.label()
                question=format!(
                    "{} order #{id}? This cannot be undone.",
                    capitalised(a.base_verb()),
                )
                test=format!("ask-{}", a.as_str())
            >
                {form()}
            </Confirm>
        }
        .into_any()
    } else {
        form().into_any()
    }
}

/// "cancel" → "Cancel".
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
