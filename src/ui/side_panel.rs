//! The side panel: the current view's numbers and any errors on top, then four tabs —
//! Data (inputs), Layers (what the map draws), Filters, Inspect (busiest cells, find an
//! aircraft). Tabs follow the WAI-ARIA pattern: arrows, Home and End move between them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{data_panel, filters, layers, top_cells};
use crate::inspect::Inspector;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Data,
    Layers,
    Filters,
    Inspect,
}

impl Tab {
    const ALL: [Self; 4] = [Self::Data, Self::Layers, Self::Filters, Self::Inspect];

    fn name(self) -> &'static str {
        match self {
            Self::Data => "data",
            Self::Layers => "layers",
            Self::Filters => "filters",
            Self::Inspect => "inspect",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Data => "Data",
            Self::Layers => "Layers",
            Self::Filters => "Filters",
            Self::Inspect => "Inspect",
        }
    }

    fn tab_id(self) -> String {
        format!("tab-{}", self.name())
    }

    fn panel_id(self) -> String {
        format!("tab-panel-{}", self.name())
    }

    /// The tab a key moves to from this one, if the key moves at all.
    fn after_key(self, key: &str) -> Option<Self> {
        let index = Self::ALL.iter().position(|&tab| tab == self)?;
        let last = Self::ALL.len() - 1;
        let next = match key {
            "ArrowRight" | "ArrowDown" => (index + 1) % Self::ALL.len(),
            "ArrowLeft" | "ArrowUp" => (index + last) % Self::ALL.len(),
            "Home" => 0,
            "End" => last,
            _ => return None,
        };
        Some(Self::ALL[next])
    }
}

#[component]
pub fn SidePanel() -> impl IntoView {
    let selected = RwSignal::new(Tab::Data);
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if let Some(next) = selected.get_untracked().after_key(&event.key()) {
            event.prevent_default();
            selected.set(next);
            focus_element(&next.tab_id());
        }
    };
    view! {
        <aside class="panel" aria-label="Workspace">
            <data_panel::Stats />
            <data_panel::Errors />
            <div class="tabs" role="tablist" aria-label="Panels" on:keydown=on_keydown>
                {Tab::ALL.map(|tab| view! { <TabButton tab selected /> }).collect_view()}
            </div>
            <TabPanel tab=Tab::Data selected>
                <data_panel::DataTab />
            </TabPanel>
            <TabPanel tab=Tab::Layers selected>
                <layers::LayersTab />
            </TabPanel>
            <TabPanel tab=Tab::Filters selected>
                <filters::Filters />
            </TabPanel>
            <TabPanel tab=Tab::Inspect selected>
                <InspectTab />
            </TabPanel>
        </aside>
    }
}

#[component]
fn TabButton(tab: Tab, selected: RwSignal<Tab>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let is_selected = move || selected.get() == tab;
    // Filters set while another tab is open still show, as a dot on their tab.
    let marked = move || tab == Tab::Filters && state.filter.with(|filter| !filter.is_empty());
    view! {
        <button
            role="tab"
            class="tab"
            id=tab.tab_id()
            data-testid=format!("tab-{}", tab.name())
            aria-controls=tab.panel_id()
            aria-selected=move || is_selected().to_string()
            tabindex=move || if is_selected() { "0" } else { "-1" }
            on:click=move |_| selected.set(tab)
        >
            {tab.label()}
            <Show when=marked>
                <span class="tab-mark" aria-hidden="true">"●"</span>
                <span class="visually-hidden">" (some set)"</span>
            </Show>
        </button>
    }
}

/// A tab's content: kept while hidden, so what was typed or scrolled stays.
#[component]
fn TabPanel(tab: Tab, selected: RwSignal<Tab>, children: Children) -> impl IntoView {
    view! {
        <section
            role="tabpanel"
            class="tab-panel"
            id=tab.panel_id()
            aria-labelledby=tab.tab_id()
            data-testid=format!("tab-panel-{}", tab.name())
            hidden=move || selected.get() != tab
        >
            {children()}
        </section>
    }
}

/// The Inspect tab: the busiest cells, and an aircraft found by its address.
#[component]
fn InspectTab() -> impl IntoView {
    let inspector = expect_context::<Inspector>();
    view! {
        <top_cells::TopCells />
        <h2>"Find an aircraft"</h2>
        <super::inspector::TrackSearch inspector />
    }
}

fn focus_element(id: &str) {
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id));
    if let Some(element) = element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
