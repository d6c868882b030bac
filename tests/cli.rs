//! The `ohlcv` command line: convert round trips, inspect, verify's exit status and report,
//! repair, resample, and clear errors.

mod common;

use common::tmpdir;
use std::path::Path;
use std::process::{Command, Output};

fn ohlcv(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ohlcv"))
        .args(args)
        .output()
        .expect("run ohlcv")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const CSV: &str = "time,open,high,low,close,volume\n\
2005-01-03 00:00:00,1.35464,1.3556,1.35464,1.35548,7598.0\n\
2005-01-03 00:15:00,0.000202,0.000202,0.000202,0.000202,1e-05\n\
2005-01-03 00:30:00,1.2345678901234568e+16,1.2345678901234568e+16,1.0,1.0,0.0\n";

#[test]
fn csv_to_binary_to_csv_reproduces_the_bytes() {
    let d = tmpdir("cli-convert");
    let (csv, bin, back) = (d.join("a.csv"), d.join("a.bin"), d.join("b.csv"));
    std::fs::write(&csv, CSV).unwrap();
    let o = ohlcv(&["convert", s(&csv), s(&bin)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::metadata(&bin).unwrap().len(), 3 * 64);
    let o = ohlcv(&["convert", s(&bin), s(&back)]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&back).unwrap(), CSV);
    // A bigger generated file too.
    let gen_dir = d.join("gen");
    assert!(
        ohlcv(&["generate", s(&gen_dir), "--symbols", "1", "--years", "0.05"])
            .status
            .success()
    );
    let src = gen_dir.join("aggregate/1m/SYM00.bin");
    let (c, b2) = (d.join("g.csv"), d.join("g.bin"));
    assert!(ohlcv(&["convert", s(&src), s(&c)]).status.success());
    assert!(ohlcv(&["convert", s(&c), s(&b2)]).status.success());
    assert_eq!(std::fs::read(&src).unwrap(), std::fs::read(&b2).unwrap());
}

#[test]
fn inspect_shows_count_range_head_and_tail() {
    let d = tmpdir("cli-inspect");
    let csv = d.join("a.csv");
    std::fs::write(&csv, CSV).unwrap();
    let o = ohlcv(&["inspect", s(&csv), "--head", "1", "--tail", "1"]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("bars:    3"), "{out}");
    assert!(out.contains("first:   2005-01-03 00:00:00"), "{out}");
    assert!(out.contains("last:    2005-01-03 00:30:00"), "{out}");
    assert!(
        out.contains("2005-01-03 00:00:00,1.35464,1.3556,1.35464,1.35548,7598.0"),
        "{out}"
    );
    assert!(
        !out.contains("00:15:00,"),
        "head 1 and tail 1 skip the middle row: {out}"
    );
}

#[test]
fn verify_reports_problems_with_positions_and_fails() {
    let d = tmpdir("cli-verify");
    let good = d.join("good.csv");
    std::fs::write(&good, CSV).unwrap();
    let o = ohlcv(&["verify", s(&good)]);
    assert!(o.status.success(), "{}", text(&o));

    // Row 3 goes back in time and has high < low.
    let bad = d.join("bad.csv");
    std::fs::write(
        &bad,
        "time,open,high,low,close,volume\n\
         2005-01-03 00:15:00,1.0,1.1,0.9,1.0,1.0\n\
         2005-01-03 00:00:00,1.0,0.5,0.9,1.0,1.0\n",
    )
    .unwrap();
    let o = ohlcv(&["verify", s(&good), s(&bad)]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("ok   ") && out.contains("FAIL"), "{out}");
    assert!(
        out.contains("line 3") && out.contains("timestamp smaller"),
        "{out}"
    );
    assert!(out.contains("OHLC not sane"), "{out}");

    // A malformed CSV names the line and column.
    let garbage = d.join("garbage.csv");
    std::fs::write(
        &garbage,
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1.0,x,1,1,1\n",
    )
    .unwrap();
    let o = ohlcv(&["verify", s(&garbage)]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("garbage.csv") && out.contains("line 2") && out.contains("high"),
        "{out}"
    );

    // A torn binary file.
    let torn = d.join("torn.bin");
    std::fs::write(&torn, [0u8; 100]).unwrap();
    let out = text(&ohlcv(&["verify", s(&torn)]));
    assert!(out.contains("36 stray bytes"), "{out}");
}

#[test]
fn repair_cuts_a_torn_tail_and_says_so() {
    let d = tmpdir("cli-repair");
    let torn = d.join("torn.bin");
    std::fs::write(&torn, [0u8; 130]).unwrap();
    let o = ohlcv(&["repair", s(&torn)]);
    assert!(o.status.success());
    assert!(text(&o).contains("removed 2 stray byte(s)"), "{}", text(&o));
    assert_eq!(std::fs::metadata(&torn).unwrap().len(), 128);
}

#[test]
fn resample_runs_the_cascade_and_reports() {
    let d = tmpdir("cli-resample");
    assert!(
        ohlcv(&["generate", s(&d), "--symbols", "2", "--years", "0.02"])
            .status
            .success()
    );
    let o = ohlcv(&[
        "resample",
        s(&d),
        "--timeframes",
        "5m,15m",
        "--durability",
        "process",
    ]);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("resampled 2 symbols x 2 timeframes"), "{out}");
    assert!(d.join("resample/15m/SYM01.bin").is_file());
    assert!(d.join("resample/15m/index/SYM01.idx").is_file());
    assert!(!d.join("resample/30m").exists());
    // --timeframes must name a cascade step whose source is produced.
    let o = ohlcv(&["resample", s(&d), "--timeframes", "15m"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("15m"), "{}", text(&o));
}

#[test]
fn bad_usage_and_missing_files_are_clear_errors() {
    let o = ohlcv(&["resample", "/nonexistent-ohlcv-dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("aggregate/1m"), "{}", text(&o));
    let o = ohlcv(&["convert", "/nonexistent.csv", "/tmp/x.bin"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("/nonexistent.csv"), "{}", text(&o));
    let o = ohlcv(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("unknown command"));
    assert!(ohlcv(&["--help"]).status.success());
}
