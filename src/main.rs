//! Entry point of the browser build (Trunk builds this binary to wasm).

fn main() {
    delivery_lab::start();
}
