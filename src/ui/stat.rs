//! A row of figures ("12 Retailers", "3 Waiting for approval") above a page.

use leptos::prelude::*;

/// One figure and what it counts.
pub struct Stat {
    label: &'static str,
    value: String,
    warn: bool,
    test: Option<&'static str>,
}

impl Stat {
    pub fn new(label: &'static str, value: impl ToString) -> Stat {
        Stat {
            label,
            value: value.to_string(),
            warn: false,
            test: None,
        }
    }

    /// Drawn as needing attention (failures, approvals waiting).
    pub fn warn(self) -> Stat {
        Stat { warn: true, ..self }
    }

    /// `data-test` of the figure, for the browser tests.
    pub fn test(self, test: &'static str) -> Stat {
        Stat {
            test: Some(test),
            ..self
        }
    }
}

#[component]
pub fn Stats(
    items: Vec<Stat>,
    /// `data-test` of the row.
    #[prop(optional)]
    test: Option<&'static str>,
) -> impl IntoView {
    view! {
        <section class="stats" data-test=test>
            {items
                .into_iter()
                .map(|s| {
                    view! {
                        <div class=if s.warn { "stat warn" } else { "stat" }>
                            <b data-test=s.test>{s.value}</b>
                            <span>{s.label}</span>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}
