//! A panic never leaves a blank page: the hook logs it and puts an error panel on screen.

use std::panic;

/// Installs the panic hook. Call once, before rendering.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("Kafka Delivery Lab crashed: {message}"));
        show(&message);
    }));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_class_name("panic-panel");
    let _ = panel.set_attribute("role", "alert");
    let heading = "Kafka Delivery Lab stopped because of a bug.";
    let advice = "Reload the page to start again. Please report this message:";
    panel.set_inner_html(&format!(
        "<h2>{heading}</h2><p>{advice}</p><pre>{}</pre>",
        escape(message)
    ));
    if let Some(body) = document.body() {
        let _ = body.append_child(&panel);
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<b>&"), "&lt;b&gt;&amp;");
    }
}
