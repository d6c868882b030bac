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
#[cfg(feature = "std")]
pub mod demo;
#[cfg(feature = "std")]
pub mod engine;
pub mod error;
#[cfg(feature = "std")]
pub mod ffi;
pub mod indicators;
#[cfg(feature = "std")]
pub mod io;
pub mod pyfloat;
pub mod resample;
pub mod simd;
pub mod timeframe;

#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use bar::Bar;
pub use error::ErrorKind;
#[cfg(feature = "std")]
pub use error::{Error, Result};
