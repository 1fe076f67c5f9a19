//! Plain multiply-add for H3 indexing in the binaries that index points.
//!
//! `h3o` computes through `f64::mul_add`. wasm32 has no FMA instruction, so every such call
//! becomes the software routine behind the `fma` symbol, and H3 indexing (most of the cost
//! of loading points) runs several times slower than it could. Defining `fma` in a binary
//! replaces that routine at link time with `a * b + c`, the unfused arithmetic the reference
//! H3 library (C, compiled without FMA) uses, so the cells stay those of h3-py: the oracle
//! tests prove it on millions of points, pentagons and the antimeridian included. Natively
//! it keeps the CLI's arithmetic the same as the page's.
//!
//! It changes `mul_add` for everything in that binary, so it is a macro each binary
//! invokes, not something every user of this library gets.

/// Defines the `fma` symbol as `a * b + c` in the invoking binary (see the module docs).
#[macro_export]
macro_rules! use_unfused_fma {
    () => {
        /// `f64::mul_add` without the fused rounding (see `skyhex_core::unfused_fma`).
        #[allow(unsafe_code, reason = "a C symbol that replaces the software FMA at link time")]
        #[unsafe(no_mangle)]
        pub extern "C" fn fma(a: f64, b: f64, c: f64) -> f64 {
            a * b + c
        }
    };
}
