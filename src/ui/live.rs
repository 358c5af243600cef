//! Live order updates in the browser: one EventSource on `/events` per tab; every
//! order change for this organisation bumps a version that order lists, badges
//! and timelines refetch on. Without JavaScript the pages are still correct, just
//! not live.

use leptos::prelude::*;

/// Bumped whenever an order of this organisation changes.
#[derive(Clone, Copy)]
pub struct OrdersVersion(pub RwSignal<u64>);

/// Bumped whenever a shop's account of this organisation changes (a payment
/// recorded or reversed, from the dashboard or the gateway's webhook).
#[derive(Clone, Copy)]
pub struct AccountsVersion(pub RwSignal<u64>);

pub fn provide_live_orders() -> OrdersVersion {
    let version = OrdersVersion(RwSignal::new(0));
    let accounts = AccountsVersion(RwSignal::new(0));
    provide_context(version);
    provide_context(accounts);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            // A lazily loaded page goes on hydrating after effects have started
            // (its module is fetched meanwhile); a refetch then would change the
            // page under the hydration, which panics. Connect once it is done.
            let owner = Owner::current();
            leptos::task::spawn_local(async move {
                while !hydrated() {
                    crate::ui::sleep_ms(50).await;
                }
                match owner {
                    Some(owner) => owner.with(|| connect(version.0, accounts.0)),
                    None => connect(version.0, accounts.0),
                }
            });
        }
    });
    version
}

/// The global `hydrate` in lib.rs sets once it has finished with the page the
/// server rendered (browser tests wait for it too).
#[cfg(feature = "hydrate")]
pub const HYDRATED_FLAG: &str = "__auromart_hydrated";

/// `hydrate` in lib.rs has finished with the page the server rendered.
#[cfg(feature = "hydrate")]
fn hydrated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &HYDRATED_FLAG.into()).is_ok_and(|v| v.is_truthy())
}

pub fn orders_version() -> RwSignal<u64> {
    use_context::<OrdersVersion>()
        .map(|v| v.0)
        .unwrap_or_else(|| RwSignal::new(0))
}

pub fn accounts_version() -> RwSignal<u64> {
    use_context::<AccountsVersion>()
        .map(|v| v.0)
        .unwrap_or_else(|| RwSignal::new(0))
}

#[cfg(feature = "hydrate")]
fn connect(version: RwSignal<u64>, accounts: RwSignal<u64>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Ok(source) = web_sys::EventSource::new("/events") else {
        return;
    };
    let on_order =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            version.update(|v| *v += 1);
        });
    let _ = source.add_event_listener_with_callback("order", on_order.as_ref().unchecked_ref());
    let on_account =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            accounts.update(|v| *v += 1);
        });
    let _ = source.add_event_listener_with_callback("account", on_account.as_ref().unchecked_ref());
    // After a dropped connection EventSource reconnects by itself; refetch then, in
    // case changes were missed while offline.
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        version.update(|v| *v += 1);
        accounts.update(|v| *v += 1);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_order.forget();
    on_account.forget();
    on_open.forget();
    on_cleanup(move || source.close());
}
