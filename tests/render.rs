//! The app's root component renders in headless Chromium, drawing the engine's run.
//! Run with `cargo test -p delivery-lab --target wasm32-unknown-unknown --test render`.

#![cfg(target_arch = "wasm32")]

use delivery_lab::app::App;
use std::time::Duration;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

#[wasm_bindgen_test]
async fn root_component_draws_the_first_preset() {
    let root = mount();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("Kafka Delivery Lab"), "{text}");
    assert!(text.contains("Replication with acks=all"), "{text}");
    let brokers = root
        .query_selector_all("svg.topology g.broker")
        .unwrap()
        .length();
    assert_eq!(brokers, 3, "one group per broker of the scenario");
    let verdict = root
        .query_selector("[data-testid=delivery]")
        .unwrap()
        .unwrap();
    assert!(verdict.text_content().unwrap().contains("exactly-once"));
}

#[wasm_bindgen_test]
async fn stepping_forward_moves_the_trace() {
    let root = mount();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let step = root
        .query_selector("button[aria-label^='Step forward']")
        .unwrap()
        .unwrap();
    let heading = || {
        root.query_selector(".trace h2")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    let before = heading();
    step.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    assert_ne!(before, heading(), "the trace heading counts applied events");
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
async fn clicking_a_log_cell_opens_its_records_timeline() {
    let root = mount();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let end = root
        .query_selector("button[aria-label^='To the end']")
        .unwrap()
        .unwrap();
    end.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let cell = root
        .query_selector("svg.topology .log-cell:not(.empty) rect")
        .unwrap()
        .expect("a log cell is drawn");
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &{
        let init = web_sys::MouseEventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    cell.dispatch_event(&click).unwrap();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let timeline = root
        .query_selector("[data-testid=record-timeline]")
        .unwrap()
        .expect("the record's timeline opens");
    let tooltip = cell
        .parent_element()
        .unwrap()
        .query_selector("title")
        .unwrap()
        .expect("a paused cell has a tooltip")
        .text_content()
        .unwrap();
    let label = timeline.get_attribute("aria-label").unwrap();
    let record = label.trim_start_matches("Timeline of ");
    assert!(
        tooltip.contains(&format!("record {record},"))
            || tooltip.contains(&format!("record {record} ")),
        "the timeline of the clicked cell's record: {label} for {tooltip}"
    );
}
