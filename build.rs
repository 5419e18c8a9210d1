//! With the `torch` feature: an rpath to the libtorch that torch-sys built against, so the binary
//! and the tests run without LD_LIBRARY_PATH on the machine that built them (elsewhere, e.g. on a
//! GPU machine with its own torch, LD_LIBRARY_PATH points at that torch's lib/).
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
