//! With the `torch` feature (what the test build uses, so that this module reuses the tests'
//! compiled dependencies): an rpath to the libtorch torch-sys built against, so the module loads
//! without LD_LIBRARY_PATH on the machine that built it.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
