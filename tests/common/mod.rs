//! Shared helpers for integration tests: temp dirs, a seeded PRNG, and running python3.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty temp directory unique to this process and `name`.
pub fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ohlcv-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// SplitMix64: a small seeded generator so tests are reproducible without a `rand` dependency.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Runs `python3 -c script args...` and returns stdout. Returns `None` (after printing why) when
/// python3 or one of `modules` is missing and the `CI` environment variable is unset; with `CI`
/// set a missing dependency is a test failure, so CI can never silently skip a reference check.
pub fn python(script: &str, args: &[&Path], modules: &[&str]) -> Option<String> {
    let probe = if modules.is_empty() {
        "import sys".to_owned()
    } else {
        format!("import {}", modules.join(", "))
    };
    let ok = Command::new("python3")
        .arg("-c")
        .arg(&probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with {modules:?} is required in CI (run .ci/run to install it)");
        }
        eprintln!("SKIP: python3 with {modules:?} not available; set up with .ci/run");
        return None;
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("python output is UTF-8"))
}
