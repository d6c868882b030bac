//! The resample engine over a pipeline data directory: equal to the pandas cascade file by
//! file, incremental runs and crashes equal one fresh run, bad indexes are reported.

mod common;

use common::{Rng, python, tmpdir};
use ohlcv::engine::{self, Config, Durability, Layout, Progress};
use ohlcv::io::binary::write_atomic;
use ohlcv::io::{BarWriter, CsvWriter, Format, IndexFile, IndexFormat, IndexRecord};
use ohlcv::{Bar, ErrorKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const CASCADE_REF: &str = include_str!("python/cascade_ref.py");

fn ext(format: Format) -> &'static str {
    format.extension()
}

/// Writes `bars` as `dir/aggregate/1m/SYM.{bin,csv}`.
fn write_input(dir: &Path, sym: &str, bars: &[Bar], format: Format) {
    let root = dir.join("aggregate").join("1m");
    std::fs::create_dir_all(&root).unwrap();
    let path = root.join(format!("{sym}{}", ext(format)));
    match format {
        Format::Binary => write_atomic(&path, bars).unwrap(),
        Format::Csv => {
            let _ = std::fs::remove_file(&path);
            let mut w = CsvWriter::open(&path).unwrap();
            let start = w.data_start();
            w.write_at(start, bars).unwrap();
            w.finalize().unwrap();
        }
    }
}

fn config(format: Format, batch: usize) -> Config {
    let mut c = Config::pipeline(format);
    c.batch_rows = batch;
    c.durability = Durability::Process;
    c.jobs = 2;
    c
}

fn run(dir: &Path, cfg: &Config) -> engine::Summary {
    let layout = Layout::new(dir, cfg.format).unwrap();
    engine::run(&layout, cfg, &Progress::default()).unwrap()
}

/// Every file under `dir/resample` (indexes excluded unless `with_index`), by relative path.
fn outputs(dir: &Path, with_index: bool) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let root = dir.join("resample");
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if with_index || p.extension().is_none_or(|e| e != "idx") {
                out.insert(
                    p.strip_prefix(&root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn assert_same(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: file sets"
    );
    for (k, v) in a {
        assert!(
            v == &b[k],
            "{what}: {} differs ({} vs {} bytes)",
            k.display(),
            v.len(),
            b[k].len()
        );
    }
}

/// FX-like bars for a few weeks.
fn fx(seed: u64, years: f64) -> Vec<Bar> {
    ohlcv::demo::symbol_bars(seed, ohlcv::demo::DEFAULT_START_MS, years)
}

/// 24/7 minute bars around the autumn DST change: the shifted clock steps back one hour
/// (server time +3h then +2h), so one hour of timestamps repeats, as in the pipeline's crypto
/// aggregates. Also zero-volume rows and duplicate timestamps.
fn crypto_with_dst_overlap(seed: u64, days: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    let start = 1_730_419_200_000u64; // 2024-11-01 00:00 UTC
    let switch = start + days / 2 * 86_400_000;
    let mut out = Vec::new();
    let mut p = 50_000.0f64;
    for m in 0..days * 1440 {
        let utc = start + m * 60_000;
        let shift = if utc < switch { 3 } else { 2 } * 3_600_000;
        p *= 1.0 + (rng.f64() - 0.5) * 2e-3;
        let (o, c) = (p, p * (1.0 + (rng.f64() - 0.5) * 1e-3));
        let vol = if rng.below(20) == 0 {
            0.0
        } else {
            (rng.f64() * 100.0 * 100.0).round() / 100.0
        };
        let r = |x: f64| (x * 1e2).round_ties_even() / 1e2;
        out.push(Bar::new(
            utc + shift,
            r(o),
            r(o.max(c) * 1.001),
            r(o.min(c) * 0.999),
            r(c),
            vol,
        ));
        if rng.below(50) == 0 {
            out.push(*out.last().unwrap()); // duplicate timestamp
        }
    }
    out
}

/// The pandas cascade over `dir` into `dir/../ref-<name>`; None when pandas is unavailable.
fn pandas_reference(dir: &Path, format: Format) -> Option<BTreeMap<PathBuf, Vec<u8>>> {
    let out = dir.with_file_name(format!(
        "{}-pandas",
        dir.file_name().unwrap().to_str().unwrap()
    ));
    let _ = std::fs::remove_dir_all(&out);
    let mode = match format {
        Format::Binary => "bin",
        Format::Csv => "csv",
    };
    let script = format!("import sys; sys.argv = ['ref'] + sys.argv[1:]\n{CASCADE_REF}");
    python(&script, &[dir, &out, Path::new(mode)], &["numpy", "pandas"])?;
    Some(outputs(&out, false))
}

#[test]
fn cascade_equals_pandas_in_both_modes() {
    for format in [Format::Binary, Format::Csv] {
        let dir = tmpdir(&format!("cascade-{format:?}"));
        for s in 0..3 {
            write_input(&dir, &format!("SYM{s}"), &fx(s, 0.15), format);
        }
        write_input(&dir, "CRYPTO", &crypto_with_dst_overlap(9, 6), format);
        write_input(&dir, "EMPTY", &[], format);
        let summary = run(&dir, &config(format, 250_000));
        assert_eq!(summary.symbols.len(), 5);
        let ours = outputs(&dir, false);
        assert_eq!(ours.len(), 5 * 9);
        let Some(reference) = pandas_reference(&dir, format) else {
            return;
        };
        assert_same(&reference, &ours, &format!("{format:?} vs pandas"));
    }
}

#[test]
fn incremental_appends_and_batch_sizes_equal_one_fresh_run() {
    let mut rng = Rng(42);
    for format in [Format::Binary, Format::Csv] {
        let fresh = tmpdir(&format!("fresh-{format:?}"));
        let fx_bars = fx(5, 0.1);
        let cr_bars = crypto_with_dst_overlap(3, 4);
        write_input(&fresh, "FX", &fx_bars, format);
        write_input(&fresh, "CR", &cr_bars, format);
        run(&fresh, &config(format, 250_000));
        let want = outputs(&fresh, false);

        for trial in 0..4 {
            let dir = tmpdir(&format!("incr-{format:?}-{trial}"));
            let batch = [1usize, 7, 500, 3000][trial];
            // Grow the inputs in a few random steps, running the engine after each.
            let mut cuts: Vec<f64> = (0..3).map(|_| rng.f64()).collect();
            cuts.sort_by(f64::total_cmp);
            cuts.push(1.0);
            for c in cuts {
                let k = |n: usize| ((n as f64 * c) as usize).min(n);
                write_input(&dir, "FX", &fx_bars[..k(fx_bars.len())], format);
                write_input(&dir, "CR", &cr_bars[..k(cr_bars.len())], format);
                let b = if batch == 1 { 1 } else { batch };
                let mut cfg = config(format, b);
                if batch == 1 {
                    cfg.steps.truncate(2); // batch size 1 over everything is slow in debug builds
                }
                run(&dir, &cfg);
            }
            let got = outputs(&dir, false);
            if batch == 1 {
                for (k, v) in &got {
                    assert!(v == &want[k], "{format:?} batch 1: {} differs", k.display());
                }
            } else {
                assert_same(&want, &got, &format!("{format:?} batch {batch}"));
            }
        }
    }
}

#[test]
fn rerun_without_new_input_changes_nothing() {
    let dir = tmpdir("rerun");
    write_input(&dir, "FX", &fx(1, 0.05), Format::Binary);
    run(&dir, &config(Format::Binary, 10_000));
    let first = outputs(&dir, true);
    let s = run(&dir, &config(Format::Binary, 10_000));
    assert_same(&first, &outputs(&dir, true), "second run");
    // Only the held-back bars are re-read.
    assert!(s.rows_in() < 200, "rerun re-read {} rows", s.rows_in());
}

#[test]
fn index_pointing_past_its_files_is_reported_not_fixed() {
    let dir = tmpdir("bad-index");
    write_input(&dir, "FX", &fx(2, 0.05), Format::Binary);
    run(&dir, &config(Format::Binary, 250_000));
    let layout = Layout::new(&dir, Format::Binary).unwrap();
    let idx_path = layout.index("5m", "FX");
    let idx = IndexFile::new(&idx_path, IndexFormat::Binary);
    let good = idx.read().unwrap();
    let input_len = std::fs::metadata(layout.bars("1m", "FX")).unwrap().len();
    let output_len = std::fs::metadata(layout.bars("5m", "FX")).unwrap().len();

    for (bad, needle) in [
        (
            IndexRecord {
                in_pos: input_len + 64,
                ..good
            },
            "in_pos",
        ),
        (
            IndexRecord {
                out_pos: output_len + 640,
                ..good
            },
            "out_pos",
        ),
        (
            IndexRecord {
                in_pos: good.in_pos + 3,
                ..good
            },
            "multiple of 64",
        ),
    ] {
        idx.write(&bad).unwrap();
        let before = outputs(&dir, true);
        let e = engine::run(
            &layout,
            &config(Format::Binary, 250_000),
            &Progress::default(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::IndexMismatch, "{e}");
        assert!(
            e.message().contains("FX.idx") && e.message().contains(needle),
            "{e}"
        );
        assert_same(&before, &outputs(&dir, true), "files after a refused run");
    }
    // A corrupt index is its own error.
    std::fs::write(&idx_path, b"garbage").unwrap();
    let e = engine::run(
        &layout,
        &config(Format::Binary, 250_000),
        &Progress::default(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IndexCorrupt);
    // The explicit repair: reset and recompute.
    engine::reset_symbol(&layout, &config(Format::Binary, 250_000), "FX").unwrap();
    std::fs::remove_file(&idx_path).unwrap();
    run(&dir, &config(Format::Binary, 250_000));
    assert_eq!(idx.read().unwrap(), good);
}

#[test]
fn empty_inputs_give_empty_outputs() {
    for format in [Format::Binary, Format::Csv] {
        let dir = tmpdir(&format!("empty-{format:?}"));
        let p = dir.join("aggregate/1m");
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join(format!("Z{}", ext(format))), b"").unwrap();
        run(&dir, &config(format, 100));
        for (name, bytes) in outputs(&dir, false) {
            let expect: &[u8] = if format == Format::Csv {
                ohlcv::io::csv::HEADER
            } else {
                b""
            };
            assert_eq!(bytes, expect, "{}", name.display());
        }
    }
}

#[test]
fn durable_mode_gives_the_same_bytes() {
    let a = tmpdir("durable-a");
    let b = tmpdir("durable-b");
    let bars = fx(8, 0.03);
    write_input(&a, "FX", &bars, Format::Binary);
    write_input(&b, "FX", &bars, Format::Binary);
    let mut full = config(Format::Binary, 5_000);
    full.durability = Durability::Full;
    run(&a, &full);
    run(&b, &config(Format::Binary, 5_000));
    assert_same(
        &outputs(&a, true),
        &outputs(&b, true),
        "full vs process durability",
    );
}

#[test]
fn kill9_at_random_moments_then_final_run_equals_fresh_run() {
    let exe = env!("CARGO_BIN_EXE_ohlcv");
    let fresh = tmpdir("kill-fresh");
    let dir = tmpdir("kill-loop");
    let fx_bars = fx(11, 0.4);
    let cr_bars = crypto_with_dst_overlap(12, 10);
    write_input(&fresh, "FX", &fx_bars, Format::Binary);
    write_input(&fresh, "CR", &cr_bars, Format::Binary);
    run(&fresh, &config(Format::Binary, 250_000));
    let want = outputs(&fresh, false);

    // The inputs grow while the engine is killed over and over, as a live pipeline's do: every
    // few kills another slice is appended (the crypto slice crosses the DST step back).
    const SLICES: usize = 30;
    let grow = |k: usize| {
        let part = |n: usize| n * k.min(SLICES) / SLICES;
        write_input(&dir, "FX", &fx_bars[..part(fx_bars.len())], Format::Binary);
        write_input(&dir, "CR", &cr_bars[..part(cr_bars.len())], Format::Binary);
    };
    let mut rng = Rng(7);
    let (mut kills, mut slice) = (0, 1);
    grow(slice);
    let started = std::time::Instant::now();
    while kills < 300 && started.elapsed() < std::time::Duration::from_secs(90) {
        if kills % 8 == 7 && slice < SLICES {
            slice += 1;
            grow(slice);
        }
        let mut child = std::process::Command::new(exe)
            .args([
                "resample",
                dir.to_str().unwrap(),
                "--batch-size",
                "2000",
                "--quiet",
                "-j",
                "2",
            ])
            .args([
                "--durability",
                if kills % 2 == 0 { "process" } else { "full" },
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.below(30_000)));
        match child.try_wait().unwrap() {
            Some(status) => assert!(status.success(), "a run failed: {status}"),
            None => {
                child.kill().unwrap();
                kills += 1;
            }
        }
        let _ = child.wait();
    }
    eprintln!(
        "{kills} kills in {:?}, input grown to {slice}/{SLICES}",
        started.elapsed()
    );
    assert!(kills >= 100, "only {kills} kills landed");
    grow(SLICES);
    let status = std::process::Command::new(exe)
        .args(["resample", dir.to_str().unwrap(), "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    assert_same(
        &want,
        &outputs(&dir, false),
        &format!("after {kills} kills"),
    );
}

#[test]
fn second_engine_on_the_same_files_is_busy() {
    let dir = tmpdir("busy");
    write_input(&dir, "FX", &fx(4, 0.02), Format::Binary);
    run(&dir, &config(Format::Binary, 1000));
    let layout = Layout::new(&dir, Format::Binary).unwrap();
    let _held = ohlcv::io::BinaryWriter::open(layout.bars("15m", "FX")).unwrap();
    let e = engine::run(&layout, &config(Format::Binary, 1000), &Progress::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
}
