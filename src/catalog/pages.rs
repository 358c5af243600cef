//! The manufacturer's products page (list, add/edit, CSV import, propose a
//! category) and the admin's category approvals.

use super::api::{
    DecideCategory, GstOptions, ProposeCategory, RemovePhoto, SaveSku, SetPhoto, categories,
    my_skus,
};
use super::{CSV_HEADER, ImportReport, SkuRow, photo_url};
use crate::domain::OrgKind;
use crate::domain::catalog::UNITS;
#[cfg(feature = "hydrate")]
use crate::domain::catalog::split_csv;
use crate::domain::gst::rate_label;
use crate::domain::gst_schedule::RateEntry;
use crate::domain::money::group_indian;
use crate::error::AppError;
use crate::ui::confirm::Confirm;
use crate::ui::decide::Decide;
use crate::ui::form::ErrorSignal;
use crate::ui::form::{Field, FormError, use_save_form};
use crate::ui::gate::gated;
use crate::ui::money;
use crate::ui::nav::RoleNav;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ProductsPage() -> impl IntoView {
    gated(
        "Products",
        &[OrgKind::Manufacturer],
        |_| view! { <Products /> },
    )
}

#[component]
fn Products() -> impl IntoView {
    let save = ServerAction::<SaveSku>::new();
    let imported = RwSignal::new(0u32);
    let photos = RwSignal::new(0u32);
    let propose = ServerAction::<ProposeCategory>::new();
    let proposals = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let skus = Resource::new(
        move || {
            (
                search.get(),
                save.version().get(),
                imported.get(),
                photos.get(),
            )
        },
        |(q, _, _, _)| my_skus(q),
    );
    let cats = Resource::new(move || propose.version().get(), |_| categories());
    let editing = RwSignal::new(None::<SkuRow>);
    let form = use_save_form(save);
    let save_errors = form.errors;
    Effect::new(move |_| {
        if form.saved.get() {
            editing.set(None);
        }
    });
    let field_error = move |f: &'static str| form.reason(f);
    view! {
        <RoleNav kind=OrgKind::Manufacturer />
        <h1>"Products"</h1>
        <section class="card">
            <h2>
                {move || {
                    if editing.with(Option::is_some) { "Edit product" } else { "Add a product" }
                }}
            </h2>
            {move || {
                save.value()
                    .get()
                    .and_then(Result::ok)
                    .map(|s| {
                        view! {
                            <div class="banner ok" role="status" data-test="sku-saved">
                                {format!("Saved {} ({}).", s.name, s.code)}
                            </div>
                        }
                    })
            }}
            <FormError errors=save_errors />
            {move || {
                let e = editing.get();
                let text = |f: fn(&SkuRow) -> String| e.as_ref().map(f).unwrap_or_default();
                let id = text(|s| s.id.to_string());
                let (code, name, brand, hsn) = (
                    text(|s| s.code.clone()),
                    text(|s| s.name.clone()),
                    text(|s| s.brand.clone()),
                    text(|s| s.hsn.clone()),
                );
                let mrp = text(|s| format!("{}.{:02}", s.mrp_paise / 100, s.mrp_paise % 100));
                let unit = text(|s| s.unit.clone());
                let gst_rate_id = e.as_ref().and_then(|s| s.gst_rate_id);
                let gst_reason = text(|s| s.gst_reason.clone().unwrap_or_default());
                let category = text(|s| s.category.clone());
                let pack = e
                    .as_ref()
                    .map(|s| s.pack_size.to_string())
                    .unwrap_or_else(|| "1".into());
                view! {
                    <ActionForm action=save attr:class="stack" attr:data-test="sku-form">
                        <input type="hidden" name="id" value=id />
                        <div class="grid">
                            <Field
                                name="sku[code]"
                                key="code"
                                label="SKU code"
                                required=true
                                value=code
                                errors=save_errors
                            />
                            <Field
                                name="sku[name]"
                                key="name"
                                label="Product name"
                                required=true
                                value=name
                                errors=save_errors
                            />
                            <Field
                                name="sku[brand]"
                                key="brand"
                                label="Brand"
                                required=true
                                value=brand
                                errors=save_errors
                            />
                            <label class="field">
                                "Category" <select name="sku[category]" required>
                                    <option value="">"Choose"</option>
                                    <Suspense fallback=|| ()>
                                        {move || {
                                            let current = category.clone();
                                            Suspend::new(async move {
                                                cats.await
                                                    .unwrap_or_default()
                                                    .into_iter()
                                                    .filter(|c| c.status == "approved")
                                                    .map(|c| {
                                                        let selected = c.name == current;
                                                        view! {
                                                            <option value=c.name.clone() selected=selected>
                                                                {c.name.clone()}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()
                                            })
                                        }}
                                    </Suspense>
                                </select> <small class="field-error" data-field="category">
                                    {field_error("category")}
                                </small>
                            </label>
                            <HsnField
                                hsn=hsn
                                chosen=gst_rate_id
                                reason=gst_reason
                                errors=save_errors
                                proposed=Callback::new(move |_| proposals.update(|n| *n += 1))
                            />
                            <Field
                                name="sku[mrp]"
                                key="mrp"
                                label="MRP (₹)"
                                required=true
                                inputmode="decimal"
                                value=mrp
                                errors=save_errors
                            />
                            <label class="field">
                                "Unit"
                                <select name="sku[unit]">
                                    {UNITS
                                        .iter()
                                        .map(|(code, label)| {
                                            view! {
                                                <option value=*code selected=unit == *code>
                                                    {*label}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select> <small class="field-error" data-field="unit">
                                    {field_error("unit")}
                                </small>
                            </label>
                            <Field
                                name="sku[pack_size]"
                                key="pack_size"
                                label="Pack size"
                                inputmode="numeric"
                                value=pack
                                errors=save_errors
                            />
                        </div>
                        <div class="row-actions">
                            <button type="submit" data-test="save-sku">
                                "Save product"
                            </button>
                            {move || {
                                editing
                                    .with(Option::is_some)
                                    .then(|| {
                                        view! {
                                            <button
                                                type="button"
                                                class="ghost"
                                                on:click=move |_| editing.set(None)
                                            >
                                                "Cancel"
                                            </button>
                                        }
                                    })
                            }}
                        </div>
                    </ActionForm>
                }
            }}
        </section>
        <section class="card">
            <h2>"Import from a spreadsheet (CSV)"</h2>
            <p class="muted">
                {format!(
                    "First line: {}. Prices in rupees. All rows are checked; nothing is imported unless every row is right. Existing codes are updated.",
                    CSV_HEADER.join(","),
                )} " "<a href="/catalog/sample.csv" download="auromart-products-sample.csv">
                    "Download a sample file"
                </a>
            </p>
            <CsvImport imported />
        </section>
        <super::proposals::MyProposals refresh=proposals.read_only() />
        <section class="card">
            <h2>"Propose a category"</h2>
            <ActionForm action=propose attr:class="inline">
                <input name="name" required placeholder="e.g. Frozen foods" />
                <button type="submit">"Propose"</button>
            </ActionForm>
            {move || {
                propose
                    .value()
                    .get()
                    .map(|r| match r {
                        Ok(c) => {
                            view! {
                                <p class="banner ok">
                                    {format!(
                                        "\u{201c}{}\u{201d} is proposed; you can use it once AuroMart approves it.",
                                        c.name,
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="banner danger">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </section>
        <section>
            <input
                type="search"
                placeholder="Find by name, brand or code"
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            <Transition fallback=|| {
                view! { <p class="muted">"Loading…"</p> }
            }>
                {move || Suspend::new(async move {
                    match skus.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">"No products yet."</p> }.into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="skus" data-test="sku-list">
                                    {list
                                        .into_iter()
                                        .map(|s| {
                                            let row = s.clone();
                                            view! {
                                                <li
                                                    class="card sku"
                                                    data-test="sku"
                                                    data-code=s.code.clone()
                                                >
                                                    <SkuPhoto id=s.id version=s.image_version photos />
                                                    <div class="order-head">
                                                        <strong>{s.name.clone()}</strong>
                                                        <span class="pill">{s.category.clone()}</span>
                                                    </div>
                                                    <div class="muted">
                                                        {format!(
                                                            "{} · {} · HSN {} · MRP {} per {}",
                                                            s.code,
                                                            s.brand,
                                                            s.hsn,
                                                            money(s.mrp_paise),
                                                            s.unit,
                                                        )}
                                                    </div>
                                                    <div class="muted">
                                                        {format!(
                                                            "{} distributor(s) · {} in their stock",
                                                            s.distributors,
                                                            s.stock_on_hand,
                                                        )}
                                                    </div>
                                                    {match s.rate_bp {
                                                        Some(bp) => {
                                                            view! {
                                                                <div class="muted">{format!("GST {}", rate_label(bp))}</div>
                                                            }
                                                                .into_any()
                                                        }
                                                        None => {
                                                            view! {
                                                                <div class="banner danger" data-test="no-rate">
                                                                    {format!(
                                                                        "No GST rate is known for HSN {}: this product cannot be sold until AuroMart adds it.",
                                                                        s.hsn,
                                                                    )}
                                                                </div>
                                                            }
                                                                .into_any()
                                                        }
                                                    }}
                                                    <button
                                                        type="button"
                                                        class="ghost"
                                                        on:click=move |_| editing.set(Some(row.clone()))
                                                    >
                                                        "Edit"
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A SKU's photo with "Add/Change photo" and "Remove". The browser shrinks
/// the chosen photo to at most 1600 px before sending it (a phone photo of
/// 4 MB becomes about 300 KB); the server makes the sizes it serves.
#[component]
fn SkuPhoto(id: i64, version: i32, photos: RwSignal<u32>) -> impl IntoView {
    let set = ServerAction::<SetPhoto>::new();
    let remove = ServerAction::<RemovePhoto>::new();
    let reading = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let outcome = set.value().get().or_else(|| remove.value().get());
        match outcome {
            Some(Ok(_)) => {
                problem.set(None);
                photos.update(|n| *n += 1);
            }
            Some(Err(e)) => problem.set(Some(e.to_string())),
            None => {}
        }
    });
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = crate::ui::chosen_file(&_ev) else {
                return;
            };
            reading.set(true);
            leptos::task::spawn_local(async move {
                match crate::ui::photo::shrink_to_data_url(&file, 1600).await {
                    Ok(data_url) => {
                        set.dispatch(SetPhoto { id, data_url });
                    }
                    Err(e) => problem.set(Some(e)),
                }
                reading.set(false);
            });
        }
    };
    let busy = move || reading.get() || set.pending().get() || remove.pending().get();
    view! {
        <div class="sku-photo" data-test="sku-photo">
            {match photo_url(id, version, "thumb") {
                Some(src) => {
                    view! {
                        <img
                            src=src
                            width="80"
                            height="80"
                            alt=""
                            loading="lazy"
                            data-test="sku-thumb"
                        />
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <span class="photo-empty" aria-hidden="true">
                            "No photo"
                        </span>
                    }
                        .into_any()
                }
            }}
            <label class="button ghost small">
                {if version > 0 { "Change photo" } else { "Add photo" }}
                <input
                    type="file"
                    accept="image/jpeg,image/png,image/webp"
                    class="visually-hidden"
                    data-test="photo-file"
                    on:change=on_change
                    prop:disabled=busy
                />
            </label>
            {(version > 0)
                .then(|| {
                    view! {
                        <Confirm
                            label="Remove"
                            question="Remove this product's photo?"
                            test="ask-remove-photo"
                        >
                            <button
                                type="button"
                                class="danger small"
                                prop:disabled=busy
                                data-test="remove-photo"
                                on:click=move |_| {
                                    remove.dispatch(RemovePhoto { id });
                                }
                            >
                                "Yes, remove"
                            </button>
                        </Confirm>
                    }
                })}
            {move || busy().then(|| view! { <span class="muted">"Saving photo…"</span> })}
            {move || {
                problem
                    .get()
                    .map(|p| {
                        view! {
                            <span class="field-error" data-test="photo-error">
                                {p}
                            </span>
                        }
                    })
            }}
        </div>
    }
}

/// Where a CSV import stands, as the page shows it (only the browser moves
/// it past `Idle`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum ImportPhase {
    Idle,
    Reading(String),
    Checking { done: usize, total: usize },
    Saving(usize),
    Done(ImportReport),
    Failed(String),
}

/// Reads the chosen file in the browser and uploads it in parts of a few
/// thousand rows, with a progress bar; a part lost on a bad connection is sent
/// again. The server stages the parts and writes all rows at the end, or none.
#[component]
fn CsvImport(imported: RwSignal<u32>) -> impl IntoView {
    let phase = RwSignal::new(ImportPhase::Idle);
    #[cfg(not(feature = "hydrate"))]
    let _ = imported;
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = crate::ui::chosen_file(&_ev) else {
                return;
            };
            phase.set(ImportPhase::Reading(format!(
                "Reading {} ({} KB)…",
                file.name(),
                (file.size() / 1024.0).ceil()
            )));
            let promise = file.text();
            leptos::task::spawn_local(async move {
                let text = match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(text) => text.as_string().unwrap_or_default(),
                    Err(_) => {
                        phase.set(ImportPhase::Failed("Could not read the file".into()));
                        return;
                    }
                };
                let end = match upload_in_parts(&text, phase).await {
                    Ok(report) => {
                        if report.errors.is_empty() {
                            imported.update(|n| *n += 1);
                        }
                        ImportPhase::Done(report)
                    }
                    Err(e) => ImportPhase::Failed(e.to_string()),
                };
                phase.set(end);
            });
        }
    };
    let busy = move || {
        matches!(
            phase.get(),
            ImportPhase::Reading(_) | ImportPhase::Checking { .. } | ImportPhase::Saving(_)
        )
    };
    view! {
        <input
            type="file"
            accept=".csv,text/csv"
            data-test="csv-file"
            on:change=on_change
            prop:disabled=busy
        />
        <div data-test="csv-status" aria-live="polite">
            {move || match phase.get() {
                ImportPhase::Idle => ().into_any(),
                ImportPhase::Reading(text) => view! { <p class="muted">{text}</p> }.into_any(),
                ImportPhase::Checking { done, total } => {
                    view! {
                        <progress max=total value=done data-test="csv-progress"></progress>
                        <p class="muted">
                            {format!(
                                "Checked {} of {} rows…",
                                group_indian(done as u64),
                                group_indian(total as u64),
                            )}
                        </p>
                    }
                        .into_any()
                }
                ImportPhase::Saving(total) => {
                    view! {
                        <progress data-test="csv-progress"></progress>
                        <p class="muted">
                            {format!(
                                "All {} rows are good. Saving them…",
                                group_indian(total as u64),
                            )}
                        </p>
                    }
                        .into_any()
                }
                ImportPhase::Done(rep) if rep.errors.is_empty() => {
                    view! {
                        <div class="banner ok" data-test="csv-ok">
                            {format!(
                                "Imported {} new and updated {} products.",
                                rep.imported,
                                rep.updated,
                            )}
                        </div>
                    }
                        .into_any()
                }
                ImportPhase::Done(rep) => {
                    view! {
                        <div class="banner danger" data-test="csv-errors">
                            <strong>
                                {format!(
                                    "Nothing was imported: {} problem(s) to fix.",
                                    rep.errors.len(),
                                )}
                            </strong>
                            <ul>
                                {rep
                                    .errors
                                    .into_iter()
                                    .take(200)
                                    .map(|e| {
                                        view! {
                                            <li>
                                                {format!("Line {} ({}): {}", e.line, e.field, e.reason)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                        .into_any()
                }
                ImportPhase::Failed(e) => {
                    view! {
                        <div class="banner danger" data-test="csv-failed">
                            {e}
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// Calls a server function up to four times while the network fails
/// (1, 2, 4 s apart); any answer from the server is final.
#[cfg(feature = "hydrate")]
async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut wait = 1000;
    loop {
        match call().await {
            Err(AppError::Transport(_)) if wait <= 4000 => {
                crate::ui::sleep_ms(wait).await;
                wait *= 2;
            }
            other => return other,
        }
    }
}

#[cfg(feature = "hydrate")]
async fn upload_in_parts(
    text: &str,
    phase: RwSignal<ImportPhase>,
) -> Result<ImportReport, AppError> {
    use super::api::{import_begin, import_finish, import_part};
    use super::{CSV_PART_BYTES, CSV_PART_ROWS, PartReport};
    let (header, parts) = split_csv(text, CSV_PART_ROWS, CSV_PART_BYTES);
    let total: usize = parts.iter().map(|p| p.rows).sum();
    let lines = crate::domain::catalog::lines_below_header(&parts);
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let id = import_begin(to_u32(total), to_u32(lines)).await?;
    let mut errors = Vec::new();
    let mut done = 0;
    phase.set(ImportPhase::Checking { done, total });
    for part in &parts {
        let body = format!("{header}\n{}", part.text);
        let first = to_u32(part.first_line);
        let rep: PartReport = with_retries(|| import_part(id, first, body.clone())).await?;
        done += part.rows;
        phase.set(ImportPhase::Checking { done, total });
        let fatal = rep
            .errors
            .iter()
            .any(|e| e.field == "header" || e.field == "file");
        errors.extend(rep.errors);
        if fatal || errors.len() >= 1000 {
            break;
        }
    }
    if !errors.is_empty() {
        return Ok(ImportReport {
            imported: 0,
            updated: 0,
            errors,
        });
    }
    phase.set(ImportPhase::Saving(total));
    with_retries(|| import_finish(id)).await
}

#[component]
pub fn CategoriesPage() -> impl IntoView {
    gated(
        "Categories",
        &[OrgKind::Platform],
        |_| view! { <CategoryApprovals /> },
    )
}

#[component]
fn CategoryApprovals() -> impl IntoView {
    let decide = ServerAction::<DecideCategory>::new();
    let cats = Resource::new(move || decide.version().get(), |_| categories());
    view! {
        <RoleNav kind=OrgKind::Platform />
        <h1>"Categories"</h1>
        {move || {
            decide
                .value()
                .get()
                .and_then(Result::err)
                .map(|e: AppError| view! { <div class="banner danger">{e.to_string()}</div> })
        }}
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                cats.await
                    .map(|list| {
                        view! {
                            <ul class="list card" data-test="categories">
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <li data-test="category" data-name=c.name.clone()>
                                                <strong>{c.name.clone()}</strong>
                                                <span class=format!(
                                                    "pill {}",
                                                    c.status,
                                                )>{c.status.clone()}</span>
                                                {c
                                                    .proposed_by_name
                                                    .clone()
                                                    .map(|n| {
                                                        view! {
                                                            <span class="muted">{format!("proposed by {n}")}</span>
                                                        }
                                                    })}
                                                {(c.status == "proposed")
                                                    .then(|| {
                                                        view! {
                                                            <Decide
                                                                action=decide
                                                                id_name="id"
                                                                id=c.id
                                                                flag="approve"
                                                                yes="Approve"
                                                                no="Reject"
                                                                question=format!("Reject the category {}?", c.name)
                                                                yes_test="approve-category"
                                                                no_test="reject-category"
                                                            />
                                                        }
                                                    })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
            })}
        </Transition>
    }
}

/// The HSN field and, once a code is typed, what the GST schedule says about it:
/// the entry that applies by default and the others the goods may fall under, to
/// choose from (required where the default covers "all goods but …").
#[component]
fn HsnField(
    hsn: String,
    chosen: Option<i64>,
    reason: String,
    errors: ErrorSignal,
    /// Called when the brand proposes a code the schedule does not name.
    proposed: Callback<()>,
) -> impl IntoView {
    let lookup = ServerAction::<GstOptions>::new();
    let typed = RwSignal::new(String::new());
    let ask = move |code: String| {
        let code: String = code.chars().filter(char::is_ascii_digit).collect();
        // The same code again (the change event after the input events) would
        // rebuild the choices and lose what was typed in them.
        if matches!(code.len(), 4 | 6 | 8) && typed.get_untracked() != code {
            typed.set(code.clone());
            lookup.dispatch(GstOptions { hsn: code });
        }
    };
    if !hsn.is_empty() {
        let first = hsn.clone();
        Effect::new(move |done: Option<()>| {
            if done.is_none() {
                ask(first.clone());
            }
        });
    }
    let hsn_error = move || errors.get().and_then(|e| e.reason_for("hsn"));
    let choice_error = move || errors.get().and_then(|e| e.reason_for("gst_rate_id"));
    let reason_error = move || errors.get().and_then(|e| e.reason_for("gst_reason"));
    let entry_label = |e: &RateEntry| {
        let slab = match (e.min_unit_paise, e.max_unit_paise) {
            (0, None) => String::new(),
            (0, Some(max)) => format!(", sale value up to {} a piece", money(max)),
            (min, None) => format!(", sale value above {} a piece", money(min - 1)),
            (min, Some(max)) => format!(", sale value {} to {}", money(min), money(max)),
        };
        let condition = if e.condition.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.condition)
        };
        format!(
            "{} GST: {}{condition}{slab}; {}",
            rate_label(e.rate_bp),
            e.description,
            e.source
        )
    };
    view! {
        <div class="field" class:invalid=move || hsn_error().is_some()>
            <label for="f-hsn">"HSN code"<span class="req">" *"</span></label>
            <input
                id="f-hsn"
                name="sku[hsn]"
                type="text"
                required=true
                inputmode="numeric"
                value=hsn
                aria-describedby="e-hsn"
                on:change=move |ev| ask(event_target_value(&ev))
                on:input=move |ev| ask(event_target_value(&ev))
            />
            <small class="field-error" id="e-hsn" data-field="hsn" role="alert">
                {hsn_error}
            </small>
        </div>
        {move || {
            let options = lookup.value().get().and_then(Result::ok)?;
            let many = options.default.len() + options.alternatives.len() > 1;
            let must = options.must_choose || options.residual_only;
            let note = if options.residual_only {
                "No entry of the GST schedule names this code: check it. If it is right, choose the residual entry and say why."
            } else if options.must_choose {
                "The rate of this code depends on what the goods are: choose the entry that describes them."
            } else if many {
                "The first entry applies unless one below describes the goods better."
            } else {
                ""
            };
            let default_choice = (!must).then_some(());
            Some(
                view! {
                    <fieldset class="field gst-choice" data-test="gst-choice">
                        <legend>
                            "GST rate (Notification 9/2025 and 10/2025-Central Tax (Rate))"
                        </legend>
                        <small class="hint">{note}</small>
                        {default_choice
                            .map(|_| {
                                let label = options
                                    .default
                                    .iter()
                                    .map(entry_label)
                                    .collect::<Vec<_>>()
                                    .join(" / ");
                                view! {
                                    <label class="choice">
                                        <input
                                            type="radio"
                                            name="sku[gst_rate_id]"
                                            value=""
                                            checked=chosen.is_none()
                                        />
                                        {label}
                                    </label>
                                }
                            })}
                        {options
                            .default
                            .iter()
                            .filter(|_| must)
                            .chain(options.alternatives.iter())
                            .map(|e| {
                                view! {
                                    <label class="choice">
                                        <input
                                            type="radio"
                                            name="sku[gst_rate_id]"
                                            value=e.id.to_string()
                                            checked=chosen == Some(e.id)
                                            required=must
                                        />
                                        {entry_label(e)}
                                    </label>
                                }
                            })
                            .collect_view()}
                        <small class="field-error" data-field="gst_rate_id" role="alert">
                            {choice_error}
                        </small>
                        <label class="field">
                            "Why this entry (optional unless the residual rate)"
                            <input
                                name="sku[gst_reason]"
                                type="text"
                                maxlength="200"
                                value=reason.clone()
                            /> <small class="field-error" data-field="gst_reason" role="alert">
                                {reason_error}
                            </small>
                        </label>
                        {options
                            .residual_only
                            .then(|| {
                                view! {
                                    <super::proposals::HsnProposalBox
                                        hsn=typed.get_untracked()
                                        proposed
                                    />
                                }
                            })}
                    </fieldset>
                },
            )
        }}
    }
}
