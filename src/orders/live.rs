//! Live order updates. Every order change does `pg_notify('order_changes', …)` in
//! its transaction; one listener per server process fans the notifications out,
//! and `/events` streams to each signed-in browser only the changes of its own
//! organisation (Server-Sent Events). Works across several server processes.

use crate::server::AppState;
use crate::server::session;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::StatusCode;
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Change {
    pub order: i64,
    pub retailer: i64,
    pub distributor: i64,
}

#[derive(Clone)]
pub struct Hub(pub broadcast::Sender<Change>);

impl Hub {
    pub fn new() -> Hub {
        Hub(broadcast::channel(1024).0)
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// Listens for order changes until the process ends, reconnecting after errors.
pub async fn listen(pool: sqlx::PgPool, hub: Hub) {
    loop {
        match sqlx::postgres::PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen("order_changes").await {
                    tracing::warn!(error = %e, "LISTEN order_changes failed");
                } else {
                    loop {
                        match listener.recv().await {
                            Ok(n) => {
                                if let Ok(change) = serde_json::from_str::<Change>(n.payload()) {
                                    let _ = hub.0.send(change);
                                }
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "order listener lost its connection");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "order listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// `GET /events`: order ids that changed for the caller's organisation.
pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = session::token_from(&headers) else {
        return (StatusCode::UNAUTHORIZED, "Please log in").into_response();
    };
    let user = match state.db.acquire().await {
        Ok(mut conn) => session::lookup(&mut conn, &token).await.ok().flatten(),
        Err(_) => None,
    };
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "Please log in").into_response();
    };
    let org = user.org_id;
    let stream = BroadcastStream::new(state.hub.0.subscribe()).filter_map(move |msg| async move {
        match msg {
            Ok(c) if c.retailer == org || c.distributor == org => {
                Some(Ok::<_, std::convert::Infallible>(
                    Event::default().event("order").data(c.order.to_string()),
                ))
            }
            // A slow client missed some: tell it to refresh everything.
            Err(_) => Some(Ok(Event::default().event("order").data("0"))),
            _ => None,
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}
