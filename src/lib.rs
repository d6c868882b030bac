//! `ohlcv`: 64-byte OHLCV bars in memory-mapped files, the legacy pipeline's CSV dialect,
//! crash-safe index files, resampling, SIMD reductions and technical indicators, with a
//! stable C ABI.
//!
//! The core ([`bar`], [`error`]) is `#![no_std]` and allocation-free; file IO and everything
//! that needs an operating system sit behind the default `std` feature.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod bar;
pub mod error;
pub mod indicators;

pub use bar::Bar;
pub use error::ErrorKind;
#[cfg(feature = "std")]
pub use error::{Error, Result};
