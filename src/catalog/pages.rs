//! The manufacturer's products page (list, add/edit, CSV import, propose a
//! category) and the admin's category approvals.

use super::api::{DecideCategory, ImportCsv, ProposeCategory, SaveSku, categories, my_skus};
use super::{CSV_HEADER, SkuRow};
use crate::domain::OrgKind;
use crate::domain::catalog::UNITS;
use crate::error::AppError;
use crate::ui::form::FormError;
use crate::ui::gate::RoleGate;
use crate::ui::nav::RoleNav;
use crate::ui::{money, rate};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProductsPage() -> impl IntoView {
    view! {
        <Title text="Products · AuroMart"/>
        <RoleGate kinds=&[OrgKind::Manufacturer] children=|_| view! { <Products/> }/>
    }
}

#[component]
fn Products() -> impl IntoView {
    let save = ServerAction::<SaveSku>::new();
    let import = ServerAction::<ImportCsv>::new();
    let propose = ServerAction::<ProposeCategory>::new();
    let search = RwSignal::new(String::new());
    let skus = Resource::new(
        move || (search.get(), save.version().get(), import.version().get()),
        |(q, _, _)| my_skus(q),
    );
    let cats = Resource::new(move || propose.version().get(), |_| categories());
    let editing = RwSignal::new(None::<SkuRow>);
    let save_errors = Signal::derive(move || save.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    let field_error =
        move |f: &'static str| move || save_errors.get().and_then(|e| e.reason_for(f));
    view! {
        <RoleNav kind=OrgKind::Manufacturer/>
        <h1>"Products"</h1>
        <section class="card">
            <h2>{move || if editing.with(Option::is_some) { "Edit product" } else { "Add a product" }}</h2>
            {move || save.value().get().and_then(Result::ok).map(|s| view! {
                <div class="banner ok" role="status" data-test="sku-saved">{format!("Saved {} ({}).", s.name, s.code)}</div>
            })}
            <FormError errors=save_errors/>
            {move || {
                let e = editing.get();
                let text = |f: fn(&SkuRow) -> String| e.as_ref().map(f).unwrap_or_default();
                let id = text(|s| s.id.to_string());
                let (code, name, brand, hsn) = (text(|s| s.code.clone()), text(|s| s.name.clone()), text(|s| s.brand.clone()), text(|s| s.hsn.clone()));
                let mrp = text(|s| format!("{}.{:02}", s.mrp_paise / 100, s.mrp_paise % 100));
                let unit = text(|s| s.unit.clone());
                let category = text(|s| s.category.clone());
                let pack = e.as_ref().map(|s| s.pack_size.to_string()).unwrap_or_else(|| "1".into());
                view! {
                    <ActionForm action=save attr:class="stack" attr:data-test="sku-form">
                        <input type="hidden" name="id" value=id/>
                        <div class="grid">
                            <label class="field">"SKU code"<input name="sku[code]" required value=code/>
                                <small class="field-error" data-field="code">{field_error("code")}</small></label>
                            <label class="field">"Product name"<input name="sku[name]" required value=name/>
                                <small class="field-error" data-field="name">{field_error("name")}</small></label>
                            <label class="field">"Brand"<input name="sku[brand]" required value=brand/>
                                <small class="field-error" data-field="brand">{field_error("brand")}</small></label>
                            <label class="field">"Category"
                                <select name="sku[category]" required>
                                    <option value="">"Choose"</option>
                                    <Suspense fallback=|| ()>
                                        {move || {
                                            let current = category.clone();
                                            Suspend::new(async move {
                                                cats.await.unwrap_or_default().into_iter().filter(|c| c.status == "approved").map(|c| {
                                                    let selected = c.name == current;
                                                    view! { <option value=c.name.clone() selected=selected>{c.name.clone()}</option> }
                                                }).collect_view()
                                            })
                                        }}
                                    </Suspense>
                                </select>
                                <small class="field-error" data-field="category">{field_error("category")}</small></label>
                            <label class="field">"HSN code"<input name="sku[hsn]" required inputmode="numeric" value=hsn/>
                                <small class="field-error" data-field="hsn">{field_error("hsn")}</small></label>
                            <label class="field">"MRP (₹)"<input name="sku[mrp]" required inputmode="decimal" value=mrp/>
                                <small class="field-error" data-field="mrp">{field_error("mrp")}</small></label>
                            <label class="field">"Unit"
                                <select name="sku[unit]">
                                    {UNITS.iter().map(|(code, label)| view! { <option value=*code selected=unit == *code>{*label}</option> }).collect_view()}
                                </select>
                                <small class="field-error" data-field="unit">{field_error("unit")}</small></label>
                            <label class="field">"Pack size"<input name="sku[pack_size]" inputmode="numeric" value=pack/>
                                <small class="field-error" data-field="pack_size">{field_error("pack_size")}</small></label>
                        </div>
                        <div class="row-actions">
                            <button type="submit" data-test="save-sku">"Save product"</button>
                            {move || editing.with(Option::is_some).then(|| view! { <button type="button" class="ghost" on:click=move |_| editing.set(None)>"Cancel"</button> })}
                        </div>
                    </ActionForm>
                }
            }}
        </section>
        <section class="card">
            <h2>"Import from a spreadsheet (CSV)"</h2>
            <p class="muted">{format!("First line: {}. Prices in rupees. All rows are checked; nothing is imported unless every row is right. Existing codes are updated.", CSV_HEADER.join(","))}
                " "<a href="/catalog/sample.csv" download="auromart-products-sample.csv">"Download a sample file"</a></p>
            <CsvImport import/>
        </section>
        <section class="card">
            <h2>"Propose a category"</h2>
            <ActionForm action=propose attr:class="inline">
                <input name="name" required placeholder="e.g. Frozen foods"/>
                <button type="submit">"Propose"</button>
            </ActionForm>
            {move || propose.value().get().map(|r| match r {
                Ok(c) => view! { <p class="banner ok">{format!("\u{201c}{}\u{201d} is proposed; you can use it once AuroMart approves it.", c.name)}</p> }.into_any(),
                Err(e) => view! { <p class="banner danger">{e.to_string()}</p> }.into_any(),
            })}
        </section>
        <section>
            <input type="search" placeholder="Find by name, brand or code" on:input=move |ev| search.set(event_target_value(&ev))/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match skus.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No products yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="skus" data-test="sku-list">
                                {list.into_iter().map(|s| {
                                    let row = s.clone();
                                    view! {
                                        <li class="card sku" data-test="sku" data-code=s.code.clone()>
                                            <div class="order-head"><strong>{s.name.clone()}</strong><span class="pill">{s.category.clone()}</span></div>
                                            <div class="muted">{format!("{} · {} · HSN {} · MRP {} per {}", s.code, s.brand, s.hsn, money(s.mrp_paise), s.unit)}</div>
                                            <div class="muted">{format!("{} distributor(s) · {} in their stock", s.distributors, s.stock_on_hand)}</div>
                                            {match s.rate_bp {
                                                Some(bp) => view! { <div class="muted">{format!("GST {}", rate(bp))}</div> }.into_any(),
                                                None => view! { <div class="banner danger" data-test="no-rate">{format!("No GST rate is known for HSN {}: this product cannot be sold until AuroMart adds it.", s.hsn)}</div> }.into_any(),
                                            }}
                                            <button type="button" class="ghost" on:click=move |_| editing.set(Some(row.clone()))>"Edit"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Reads the chosen file in the browser and sends its text; shows every bad row.
#[component]
fn CsvImport(import: ServerAction<ImportCsv>) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = _ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            status.set(format!(
                "Reading {} ({} KB)…",
                file.name(),
                (file.size() / 1024.0).ceil()
            ));
            let promise = file.text();
            leptos::task::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(text) => {
                        let text = text.as_string().unwrap_or_default();
                        status.set(format!(
                            "Checking {} rows…",
                            text.lines().count().saturating_sub(1)
                        ));
                        import.dispatch(ImportCsv { csv: text });
                    }
                    Err(_) => status.set("Could not read the file".into()),
                }
            });
        }
    };
    view! {
        <input type="file" accept=".csv,text/csv" data-test="csv-file" on:change=on_change/>
        <p class="muted" data-test="csv-status">{move || if import.pending().get() { status.get() } else { String::new() }}</p>
        {move || import.value().get().map(|r| match r {
            Ok(rep) if rep.errors.is_empty() => view! {
                <div class="banner ok" data-test="csv-ok">{format!("Imported {} new and updated {} products.", rep.imported, rep.updated)}</div>
            }.into_any(),
            Ok(rep) => view! {
                <div class="banner danger" data-test="csv-errors">
                    <strong>{format!("Nothing was imported: {} problem(s) to fix.", rep.errors.len())}</strong>
                    <ul>{rep.errors.into_iter().take(200).map(|e| view! { <li>{format!("Line {} ({}): {}", e.line, e.field, e.reason)}</li> }).collect_view()}</ul>
                </div>
            }.into_any(),
            Err(e) => view! { <div class="banner danger">{e.to_string()}</div> }.into_any(),
        })}
    }
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    view! {
        <Title text="Categories · AuroMart"/>
        <RoleGate kinds=&[OrgKind::Platform] children=|_| view! { <CategoryApprovals/> }/>
    }
}

#[component]
fn CategoryApprovals() -> impl IntoView {
    let decide = ServerAction::<DecideCategory>::new();
    let cats = Resource::new(move || decide.version().get(), |_| categories());
    view! {
        <RoleNav kind=OrgKind::Platform/>
        <h1>"Categories"</h1>
        {move || decide.value().get().and_then(Result::err).map(|e: AppError| view! { <div class="banner danger">{e.to_string()}</div> })}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                cats.await.map(|list| view! {
                    <ul class="list card" data-test="categories">
                        {list.into_iter().map(|c| view! {
                            <li data-test="category" data-name=c.name.clone()>
                                <strong>{c.name.clone()}</strong>
                                <span class=format!("pill {}", c.status)>{c.status.clone()}</span>
                                {c.proposed_by_name.clone().map(|n| view! { <span class="muted">{format!("proposed by {n}")}</span> })}
                                {(c.status == "proposed").then(|| view! {
                                    <ActionForm action=decide attr:class="inline">
                                        <input type="hidden" name="id" value=c.id/>
                                        <input type="hidden" name="approve" value="true"/>
                                        <button type="submit" data-test="approve-category">"Approve"</button>
                                    </ActionForm>
                                    <ActionForm action=decide attr:class="inline">
                                        <input type="hidden" name="id" value=c.id/>
                                        <input type="hidden" name="approve" value="false"/>
                                        <button type="submit" class="danger">"Reject"</button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                })
            })}
        </Transition>
    }
}
