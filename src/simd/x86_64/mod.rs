//! x86-64 backends written with `core::arch` intrinsics: AVX2 and AVX-512F.
//!
//! `wide` chooses its instructions when the crate is compiled, so a default x86-64 build only
//! gets SSE2 from it. These kernels carry `#[target_feature]` instead and are handed out only
//! when the CPU has the feature: detected at run time with `std`, or enabled at compile time
//! without it. Only the entry points carry `#[target_feature]`; the helpers they call are
//! `#[inline(always)]` so that they are compiled inside them.

use super::Kernels;

mod avx2;
mod avx512;

/// The AVX2 kernels, if this CPU (without `std`: this build) has AVX2.
pub(crate) fn avx2_kernels() -> Option<&'static Kernels> {
    has_avx2().then_some(&avx2::KERNELS)
}

/// The AVX-512F kernels, if this CPU (without `std`: this build) has AVX-512F.
pub(crate) fn avx512_kernels() -> Option<&'static Kernels> {
    has_avx512f().then_some(&avx512::KERNELS)
}

#[cfg(feature = "std")]
fn has_avx2() -> bool {
    std::is_x86_feature_detected!("avx2")
}

#[cfg(not(feature = "std"))]
fn has_avx2() -> bool {
    cfg!(target_feature = "avx2")
}

#[cfg(feature = "std")]
fn has_avx512f() -> bool {
    std::is_x86_feature_detected!("avx512f")
}

#[cfg(not(feature = "std"))]
fn has_avx512f() -> bool {
    cfg!(target_feature = "avx512f")
}
