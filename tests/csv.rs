//! The pipeline's CSV dialect: golden rows, round trips, line endings, every malformed-input
//! error, reader/writer positioning, and byte-for-byte interop with Python, NumPy and pandas.
//!
//! Tests that need python3 with NumPy and pandas print a skip note when those are missing,
//! unless the `CI` environment variable is set, in which case they fail.

use ohlcv::io::csv::{
    self, CsvReader, CsvWriter, HEADER, LineEnding, Problem, SubSecond, WriteOptions,
};
use ohlcv::io::{BarReader, BarWriter, Format};
use ohlcv::{Bar, ErrorKind, pyfloat};
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A fresh temp directory for one test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("ohlcv-csv-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create temp dir");
        TempDir(d)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// SplitMix64, so the data is reproducible without a `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A decimal-looking value: an integer of up to 12 digits scaled by 10^-k, k in 0..=8,
    /// sometimes scaled further to reach the scientific range. This is the double nearest the
    /// decimal, as Python's `round` and pandas' parser produce.
    fn decimal(&mut self) -> f64 {
        let digits = 1 + self.below(12) as u32;
        let m = self.below(10u64.pow(digits)) as f64;
        let k = self.below(9) as i32;
        let v = m / 10f64.powi(k);
        match self.below(10) {
            0 => v / 1e7,
            1 => v * 1e12,
            _ => v,
        }
    }

    /// Any double, favouring awkward ones.
    fn awkward(&mut self) -> f64 {
        const SPECIAL: [f64; 12] = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e16,
            1e-5,
            9.999999999999999e-5,
            1e15,
        ];
        match self.below(8) {
            0 => SPECIAL[self.below(SPECIAL.len() as u64) as usize],
            1 | 2 => f64::from_bits(self.next_u64()),
            3 => -self.decimal(),
            _ => self.decimal(),
        }
    }
}

/// FX-like minute bars: prices rounded to 5 decimals, volumes to 2, increasing timestamps.
fn fx_bars(n: usize, seed: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    let mut price: f64 = 1.1;
    let mut ts = 1_104_710_400_000u64;
    (0..n)
        .map(|_| {
            let open = (price * 1e5).round() / 1e5;
            price *= 1.0 + (rng.unit() - 0.5) * 4e-4;
            let close = (price * 1e5).round() / 1e5;
            let high = ((open.max(close) * (1.0 + rng.unit() * 2e-4)) * 1e5).round() / 1e5;
            let low = ((open.min(close) * (1.0 - rng.unit() * 2e-4)) * 1e5).round() / 1e5;
            let volume = (rng.unit() * 5e4).round() / 100.0;
            let bar = Bar::new(ts, open, high, low, close, volume);
            ts += 60_000 * (1 + rng.below(3));
            bar
        })
        .collect()
}

/// Bars with random whole-second timestamps over 1970..=9999 and awkward values.
fn awkward_bars(n: usize, seed: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let ts = match i {
                0 => 0,
                1 => csv::MAX_TS_MS - 999,
                _ => rng.below(csv::MAX_TS_MS / 1000) * 1000,
            };
            Bar::new(
                ts,
                rng.awkward(),
                rng.awkward(),
                rng.awkward(),
                rng.awkward(),
                rng.awkward(),
            )
        })
        .collect()
}

/// Same bits, except that every NaN equals every NaN (CSV cannot carry NaN payloads).
fn same_value(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn assert_same_bars(got: &[Bar], want: &[Bar]) {
    assert_eq!(got.len(), want.len(), "bar count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let gv = [g.open, g.high, g.low, g.close, g.volume];
        let wv = [w.open, w.high, w.low, w.close, w.volume];
        let ok = g.ts == w.ts && gv.iter().zip(&wv).all(|(a, b)| same_value(*a, *b));
        assert!(ok, "bar {i}: got {g:?}, want {w:?}");
        assert!(g.reserved_is_zero());
    }
}

fn write_csv(path: &Path, bars: &[Bar]) {
    let mut w = CsvWriter::open(path).expect("open writer");
    w.append(bars).expect("append");
    w.finalize().expect("finalize");
}

fn read_csv(path: &Path) -> (Vec<Bar>, Vec<u64>) {
    let mut r = CsvReader::open(path).expect("open reader");
    let (mut bars, mut offsets) = (Vec::new(), Vec::new());
    r.read_to_end(&mut bars, &mut offsets).expect("read");
    assert!(r.eof());
    (bars, offsets)
}

/// Byte offsets of the starts of the lines after the first.
fn row_starts(text: &[u8]) -> Vec<u64> {
    let mut v: Vec<u64> = text
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c == b'\n')
        .map(|(i, _)| i as u64 + 1)
        .collect();
    v.pop_if(|&mut last| last == text.len() as u64);
    v
}

/// python3 with NumPy and pandas, or `None` with a note (outside CI only).
fn python() -> Option<Command> {
    let ok = Command::new("python3")
        .args(["-c", "import numpy, pandas"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        let mut c = Command::new("python3");
        c.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/csv_oracle.py"));
        return Some(c);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but python3 with numpy and pandas is not available"
    );
    eprintln!("SKIP: python3 with numpy and pandas not available");
    None
}

fn run(mut cmd: Command, args: &[&dyn AsRef<std::ffi::OsStr>]) {
    for a in args {
        cmd.arg(a);
    }
    let out = cmd.output().expect("run python3");
    assert!(
        out.status.success(),
        "python3 failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_bin(path: &Path, bars: &[Bar]) {
    let bytes: Vec<u8> = bars.iter().flat_map(|b| b.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("write records");
}

fn read_bin(path: &Path) -> Vec<Bar> {
    let bytes = std::fs::read(path).expect("read records");
    assert_eq!(bytes.len() % 64, 0);
    bytes
        .chunks_exact(64)
        .map(|c| Bar::from_le_bytes(c.try_into().expect("64 bytes")))
        .collect()
}

const GOLDEN: &str = "time,open,high,low,close,volume\n\
                      2005-01-03 00:00:00,1.35464,1.3556,1.35464,1.35548,7598.0\n\
                      2005-01-03 00:15:00,0.000202,0.000202,0.000202,0.000202,1e-05\n";

fn golden_bars() -> Vec<Bar> {
    vec![
        Bar::new(1_104_710_400_000, 1.35464, 1.3556, 1.35464, 1.35548, 7598.0),
        Bar::new(
            1_104_711_300_000,
            0.000202,
            0.000202,
            0.000202,
            0.000202,
            1e-05,
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Golden rows, round trips, line endings
// ---------------------------------------------------------------------------------------------

#[test]
fn golden_rows_from_the_reference() {
    let d = TempDir::new("golden");
    let p = d.join("g.csv");
    write_csv(&p, &golden_bars());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), GOLDEN);
    assert_eq!(HEADER.len(), 32);

    let (bars, offsets) = read_csv(&p);
    assert_same_bars(&bars, &golden_bars());
    assert_eq!(offsets, [32, 32 + 58]);

    // The building blocks agree with the files.
    let mut text = Vec::new();
    csv::format_rows(&golden_bars(), SubSecond::Reject, LineEnding::Lf, &mut text).unwrap();
    assert_eq!(text, &GOLDEN.as_bytes()[32..]);
    let (mut b, mut o) = (Vec::new(), Vec::new());
    let parsed = csv::parse_rows(&text, 32, 2, usize::MAX, &mut b, &mut o).unwrap();
    assert_eq!((parsed.rows, parsed.consumed), (2, text.len()));
    assert_same_bars(&b, &golden_bars());
    assert_eq!(o, offsets);
}

#[test]
fn round_trip_reproduces_the_bytes() {
    let d = TempDir::new("roundtrip");
    for (name, bars) in [
        ("fx", fx_bars(20_000, 1)),
        ("awkward", awkward_bars(20_000, 2)),
    ] {
        let a = d.join(&format!("{name}-a.csv"));
        let b = d.join(&format!("{name}-b.csv"));
        write_csv(&a, &bars);
        let (read, offsets) = read_csv(&a);
        assert_same_bars(&read, &bars);
        let text = std::fs::read(&a).unwrap();
        assert_eq!(offsets, row_starts(&text));
        write_csv(&b, &read);
        assert!(std::fs::read(&b).unwrap() == text, "{name}: bytes differ");
    }
    // NaN is written as an empty field, as pandas does, and read back as NaN.
    let mut text = Vec::new();
    let bar = Bar::new(0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 1e16);
    csv::format_rows(&[bar], SubSecond::Reject, LineEnding::Lf, &mut text).unwrap();
    assert_eq!(text, b"1970-01-01 00:00:00,,inf,-inf,-0.0,1e+16\n");
}

#[test]
fn crlf_and_missing_final_newline_are_read() {
    let lf = GOLDEN.as_bytes().to_vec();
    let crlf = GOLDEN.replace('\n', "\r\n").into_bytes();
    let no_final = lf[..lf.len() - 1].to_vec();
    let crlf_no_final = crlf[..crlf.len() - 2].to_vec();
    for (name, text, offsets) in [
        ("lf", lf, [32u64, 90]),
        ("crlf", crlf, [33, 92]),
        ("lf-no-final", no_final, [32, 90]),
        ("crlf-no-final", crlf_no_final, [33, 92]),
    ] {
        let len = text.len() as u64;
        let mut r = CsvReader::from_bytes(name, text).unwrap();
        assert_eq!(r.format(), Format::Csv);
        assert_eq!(r.data_start(), offsets[0], "{name}");
        let (mut bars, mut offs) = (Vec::new(), Vec::new());
        assert_eq!(r.read_batch(10, &mut bars, &mut offs).unwrap(), 2, "{name}");
        assert_same_bars(&bars, &golden_bars());
        assert_eq!(offs, offsets, "{name}");
        assert_eq!(r.tell(), len, "{name}");
        assert!(r.eof());
        assert_eq!(r.read_batch(10, &mut bars, &mut offs).unwrap(), 0);
    }
    // Empty series: a header alone, with or without its line end, in either ending.
    for text in [
        &b"time,open,high,low,close,volume\n"[..],
        b"time,open,high,low,close,volume\r\n",
        b"time,open,high,low,close,volume",
    ] {
        let mut r = CsvReader::from_bytes("h", text.to_vec()).unwrap();
        assert!(r.eof());
        let (mut b, mut o) = (Vec::new(), Vec::new());
        assert_eq!(r.read_to_end(&mut b, &mut o).unwrap(), 0);
    }
    // Special float spellings pandas also reads.
    let text = b"time,open,high,low,close,volume\n\
                 2005-01-03 00:00:00,NaN,-nan,Infinity,+inf,-INF\n\
                 2005-01-03 00:01:00,1.,.5,+2,1E3,-0\r\n"
        .to_vec();
    let mut r = CsvReader::from_bytes("special", text).unwrap();
    let (mut b, mut o) = (Vec::new(), Vec::new());
    r.read_to_end(&mut b, &mut o).unwrap();
    assert!(b[0].open.is_nan() && b[0].high.is_nan());
    assert_eq!(
        [b[0].low, b[0].close, b[0].volume],
        [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY]
    );
    assert_eq!(
        [b[1].open, b[1].high, b[1].low, b[1].close],
        [1.0, 0.5, 2.0, 1000.0]
    );
    assert!(b[1].volume == 0.0 && b[1].volume.is_sign_negative());
}

// ---------------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------------

/// (name, file content, line, column text expected in the message, what is wrong)
const MALFORMED: &[(&str, &str, u64, &str, &str)] = &[
    (
        "empty",
        "",
        1,
        "column 1 (time)",
        "empty file without header",
    ),
    (
        "no-header",
        "2005-01-03 00:00:00,1,1,1,1,1\n",
        1,
        "column 1 (time)",
        "wrong header",
    ),
    (
        "header-case",
        "time,Open,high,low,close,volume\n",
        1,
        "column 2 (open)",
        "wrong header",
    ),
    (
        "header-spaces",
        "time, open, high, low, close, volume\n",
        1,
        "column 2 (open)",
        "wrong header",
    ),
    (
        "header-short",
        "time,open,high,low,close\n",
        1,
        "column 6 (volume)",
        "wrong header",
    ),
    (
        "header-extra",
        "time,open,high,low,close,volume,x\n",
        1,
        "column 7:",
        "wrong header",
    ),
    (
        "too-few",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4\n",
        2,
        "column 6 (volume)",
        "wrong column count: row has 5 fields, expected 6",
    ),
    (
        "too-few-at-eof",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2",
        2,
        "column 4 (low)",
        "wrong column count: row has 3 fields, expected 6",
    ),
    (
        "time-only",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00\n",
        2,
        "column 2 (open)",
        "wrong column count: row has 1 fields, expected 6",
    ),
    (
        "too-many",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4,5\n\
         2005-01-03 00:01:00,1,2,3,4,5,6\n",
        3,
        "column 7:",
        "wrong column count: more than 6 fields",
    ),
    (
        "blank-line",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4,5\n\n",
        3,
        "column 1 (time)",
        "wrong column count: empty line",
    ),
    (
        "bad-month",
        "time,open,high,low,close,volume\n2005-13-03 00:00:00,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "nul-date",
        "time,open,high,low,close,volume\n\0\0\0\0\0\0\0\0\0\0 00:00:00,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "epoch-then-nul",
        "time,open,high,low,close,volume\n1970-01-01 00:00:00,1,2,3,4,5\n\
         1970-01-01 00:00:0\0,1,2,3,4,5\n",
        3,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "iso-t",
        "time,open,high,low,close,volume\n2005-01-03T00:00:00,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "date-only",
        "time,open,high,low,close,volume\n2005-01-03,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "millis",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00.500,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "before-epoch",
        "time,open,high,low,close,volume\n1969-12-31 23:59:00,1,2,3,4,5\n",
        2,
        "column 1 (time)",
        "bad timestamp",
    ),
    (
        "letters",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,abc,4,5\n",
        2,
        "column 4 (low)",
        "not a number: found \"abc\"",
    ),
    (
        "space",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00, 1,2,3,4,5\n",
        2,
        "column 2 (open)",
        "not a number: found \" 1\"",
    ),
    (
        "two-points",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4.5.6,5\n",
        2,
        "column 5 (close)",
        "not a number: found \"4.5.6\"",
    ),
    (
        "dangling-exponent",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4,5e\n",
        2,
        "column 6 (volume)",
        "not a number: found \"5e\"",
    ),
    (
        "lone-cr",
        "time,open,high,low,close,volume\n2005-01-03 00:00:00,1,2,3,4,5\r2005-01-03 00:01:00,1,2,3,4,5\n",
        2,
        "column 6 (volume)",
        "not a number",
    ),
    (
        "late-row",
        "time,open,high,low,close,volume\r\n2005-01-03 00:00:00,1,2,3,4,5\r\n\
         2005-01-03 00:01:00,1,2,3,4,5\r\n2005-01-03 00:02:00,1,x2,3,4,5\r\n",
        4,
        "column 3 (high)",
        "not a number: found \"x2\"",
    ),
];

#[test]
fn malformed_input_names_file_line_column_and_problem() {
    let d = TempDir::new("malformed");
    for &(name, content, line, column, what) in MALFORMED {
        let p = d.join(&format!("{name}.csv"));
        std::fs::write(&p, content).unwrap();
        let err = match CsvReader::open(&p) {
            Err(e) => e,
            Ok(mut r) => {
                let (mut b, mut o) = (vec![golden_bars()[0]], vec![7]);
                let e = r.read_to_end(&mut b, &mut o).expect_err(name);
                // Nothing is consumed or appended by a failed read.
                assert_eq!((b.len(), o.len()), (1, 1), "{name}");
                assert_eq!(r.tell(), r.data_start(), "{name}");
                e
            }
        };
        assert_eq!(err.kind(), ErrorKind::Parse, "{name}: {err}");
        let msg = err.to_string();
        assert!(msg.contains(&format!("{name}.csv")), "{name}: {msg}");
        assert!(msg.contains(&format!("line {line}, ")), "{name}: {msg}");
        assert!(msg.contains(column), "{name}: {msg}");
        assert!(msg.contains(what), "{name}: {msg}");
        // Reading never changes the file.
        assert_eq!(std::fs::read(&p).unwrap(), content.as_bytes(), "{name}");
    }
}

#[test]
fn chunk_parser_reports_structured_errors() {
    let text = b"2005-01-03 00:00:00,1,2,3,4,5\n2005-01-03 00:01:00,1,2,3,4\n";
    let (mut b, mut o) = (Vec::new(), Vec::new());
    let e = csv::parse_rows(text, 1000, 10, usize::MAX, &mut b, &mut o).unwrap_err();
    assert_eq!(e.line, 11);
    assert_eq!(e.offset, 1030);
    assert_eq!(e.column, 6);
    assert_eq!(e.column_name(), Some("volume"));
    assert_eq!(e.problem, Problem::TooFewFields { found: 5 });
    assert!(b.is_empty() && o.is_empty());
    // max_rows stops early and says how far it got.
    let p = csv::parse_rows(text, 1000, 10, 1, &mut b, &mut o).unwrap();
    assert_eq!((p.rows, p.consumed), (1, 30));
    assert_eq!(o, [1000]);
    // The header check alone.
    assert_eq!(csv::header_len(HEADER), Ok(32));
    assert_eq!(
        csv::header_len(b"").unwrap_err().problem,
        Problem::EmptyFile
    );
    // No input panics: every truncation and single-byte corruption of a valid file either
    // parses or returns a Parse error.
    let good = GOLDEN.as_bytes();
    for cut in 0..good.len() {
        let _ = CsvReader::from_bytes("cut", good[..cut].to_vec())
            .and_then(|mut r| r.read_to_end(&mut Vec::new(), &mut Vec::new()));
    }
    // Random multi-byte damage to a longer file, read in small batches.
    let mut base = HEADER.to_vec();
    let bars = awkward_bars(50, 21);
    csv::format_rows(&bars, SubSecond::Reject, LineEnding::Lf, &mut base).unwrap();
    let mut rng = Rng(22);
    let bytes = b"0123456789.,-+eE\r\n :naifNIF\x00\xff";
    for _ in 0..5000 {
        let mut t = base.clone();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(t.len() as u64) as usize;
            match rng.below(3) {
                0 => t[i] = bytes[rng.below(bytes.len() as u64) as usize],
                1 => {
                    t.remove(i);
                }
                _ => t.insert(i, bytes[rng.below(bytes.len() as u64) as usize]),
            }
        }
        if let Ok(mut r) = CsvReader::from_bytes("random", t) {
            let (mut b, mut o) = (Vec::new(), Vec::new());
            loop {
                match r.read_batch(7, &mut b, &mut o) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
                        break;
                    }
                }
            }
            assert_eq!(b.len(), o.len());
        }
    }
    for i in 0..good.len() {
        for c in [b'\n', b'\r', b',', b'9', b'e', b'-', b'.', b' ', 0xff, b'a'] {
            let mut t = good.to_vec();
            t[i] = c;
            if let Err(e) = CsvReader::from_bytes("corrupt", t)
                .and_then(|mut r| r.read_to_end(&mut Vec::new(), &mut Vec::new()))
            {
                assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reader positioning
// ---------------------------------------------------------------------------------------------

#[test]
fn reader_seek_tell_eof_and_batches() {
    let d = TempDir::new("seek");
    let p = d.join("s.csv");
    let bars = fx_bars(1000, 3);
    write_csv(&p, &bars);
    let text = std::fs::read(&p).unwrap();
    let starts = row_starts(&text);

    let mut r = CsvReader::open(&p).unwrap();
    assert_eq!(r.path(), p.as_path());
    assert_eq!(
        (r.tell(), r.data_start(), r.len_bytes()),
        (32, 32, text.len() as u64)
    );
    // Batches concatenate to the whole file.
    let (mut b, mut o) = (Vec::new(), Vec::new());
    let mut sizes = Vec::new();
    while !r.eof() {
        sizes.push(r.read_batch(333, &mut b, &mut o).unwrap());
    }
    assert_eq!(sizes, [333, 333, 333, 1]);
    assert_same_bars(&b, &bars);
    assert_eq!(o, starts);

    // Seek to any row start (or the end) and read from there.
    for i in [0usize, 1, 500, 999] {
        r.seek(starts[i]).unwrap();
        assert_eq!(r.tell(), starts[i]);
        let (mut b, mut o) = (Vec::new(), Vec::new());
        assert_eq!(r.read_batch(2, &mut b, &mut o).unwrap(), 2.min(1000 - i));
        assert_same_bars(&b, &bars[i..(i + 2).min(1000)]);
        assert_eq!(o, starts[i..(i + 2).min(1000)]);
    }
    r.seek(text.len() as u64).unwrap();
    assert!(r.eof());
    assert_eq!(r.read_batch(5, &mut b, &mut o).unwrap(), 0);

    // Anything else is refused, and the position stays.
    r.seek(starts[10]).unwrap();
    for bad in [
        0,
        1,
        31,
        starts[10] + 1,
        starts[20] - 1,
        text.len() as u64 + 1,
        u64::MAX,
    ] {
        let e = r.seek(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
        assert!(e.to_string().contains(&format!("byte {bad}")), "{e}");
        assert!(e.to_string().contains("s.csv"), "{e}");
        assert_eq!(r.tell(), starts[10]);
    }
}

#[test]
fn reader_errors_for_missing_file() {
    let d = TempDir::new("missing");
    let e = CsvReader::open(d.join("nope.csv")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("nope.csv"));
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

#[test]
fn writer_creates_header_and_never_truncates_on_open() {
    let d = TempDir::new("writer-open");
    let p = d.join("w.csv");
    {
        let w = CsvWriter::open(&p).unwrap();
        assert_eq!((w.tell(), w.data_start(), w.len_bytes()), (32, 32, 32));
        assert_eq!(w.format(), Format::Csv);
        assert_eq!(w.line_ending(), LineEnding::Lf);
    }
    assert_eq!(std::fs::read(&p).unwrap(), HEADER);

    // An existing empty file also gets the header.
    let e = d.join("empty.csv");
    std::fs::write(&e, b"").unwrap();
    drop(CsvWriter::open(&e).unwrap());
    assert_eq!(std::fs::read(&e).unwrap(), HEADER);

    // Opening an existing file keeps every byte and starts after the header.
    std::fs::write(&p, GOLDEN).unwrap();
    let mut w = CsvWriter::open(&p).unwrap();
    assert_eq!((w.tell(), w.len_bytes()), (32, GOLDEN.len() as u64));
    w.flush(true).unwrap();
    drop(w);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), GOLDEN);

    // A file that is not ours is refused and left alone.
    for (name, content) in [
        (
            "bad.csv",
            &b"date,open,high,low,close,volume\n2005-01-03,1,1,1,1,1\n"[..],
        ),
        ("noeol.csv", b"time,open,high,low,close,volume"),
    ] {
        let q = d.join(name);
        std::fs::write(&q, content).unwrap();
        let err = CsvWriter::open(&q).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Parse, "{err}");
        assert!(
            err.to_string().contains(name) && err.to_string().contains("line 1"),
            "{err}"
        );
        assert_eq!(std::fs::read(&q).unwrap(), content);
    }
}

#[test]
fn writer_is_exclusive_and_can_seek_to_the_end() {
    let d = TempDir::new("writer-lock");
    let p = d.join("l.csv");
    std::fs::write(&p, GOLDEN).unwrap();
    let mut w = CsvWriter::open(&p).unwrap();
    let e = CsvWriter::open(&p).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
    assert!(e.to_string().contains("l.csv"), "{e}");
    assert_eq!(w.seek_end().unwrap(), GOLDEN.len() as u64);
    let mut more = golden_bars();
    for b in &mut more {
        b.ts += 86_400_000;
    }
    w.append(&more).unwrap();
    drop(w);
    let (got, _) = read_csv(&p);
    let mut want = golden_bars();
    want.extend_from_slice(&more);
    assert_same_bars(&got, &want);
    // The lock goes with the writer, or with finalize.
    let mut w = CsvWriter::open(&p).unwrap();
    w.finalize().unwrap();
    let w2 = CsvWriter::open(&p).unwrap();
    drop((w, w2));
    // A last row without its line end is no place to append.
    let q = d.join("noeol.csv");
    let text = &GOLDEN.as_bytes()[..GOLDEN.len() - 1];
    std::fs::write(&q, text).unwrap();
    let mut w = CsvWriter::open(&q).unwrap();
    let e = w.seek_end().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    assert_eq!(w.tell(), 32);
    let e = w.write_at(text.len() as u64, &more).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    drop(w);
    assert_eq!(std::fs::read(&q).unwrap(), text);
}

#[test]
fn writer_follows_the_pipelines_incremental_protocol() {
    // One-shot output vs the resample loop: truncate(out_pos), write all but the last bar,
    // flush, commit tell(), write the held-back bar; then a "restart" reopens and repeats.
    let d = TempDir::new("writer-protocol");
    let bars = fx_bars(5000, 4);
    let once = d.join("once.csv");
    write_csv(&once, &bars);

    let inc = d.join("inc.csv");
    let mut out_pos = 0u64;
    let mut next = 0; // first bar not yet committed
    let mut runs = 0;
    let mut w = loop {
        let batch = &bars[next..(next + 700).min(bars.len())];
        let mut w = CsvWriter::open(&inc).unwrap();
        if out_pos == 0 {
            out_pos = w.tell();
        }
        assert_eq!(w.tell(), 32, "a reopened writer starts after the header");
        w.truncate(out_pos).unwrap();
        let (last, head) = batch.split_last().unwrap();
        let end = w.write_at(out_pos, head).unwrap();
        w.flush(false).unwrap();
        assert_eq!(end, w.tell());
        out_pos = w.tell();
        w.write_at(out_pos, std::slice::from_ref(last)).unwrap();
        next += head.len();
        runs += 1;
        if next + 1 == bars.len() {
            break w;
        }
        // Dropping hands the held-back row to the OS; the next run truncates it away.
    };
    assert_eq!(runs, 8);
    w.finalize().unwrap();
    assert!(std::fs::read(&inc).unwrap() == std::fs::read(&once).unwrap());
    // A finalized writer refuses further use.
    assert_eq!(
        w.append(&bars[..1]).unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}

#[test]
fn writer_positions_must_be_row_boundaries() {
    let d = TempDir::new("writer-bounds");
    let p = d.join("b.csv");
    let bars = fx_bars(10, 5);
    write_csv(&p, &bars);
    let before = std::fs::read(&p).unwrap();
    let starts = row_starts(&before);

    let mut w = CsvWriter::open(&p).unwrap();
    for bad in [0, 31, starts[3] + 2, before.len() as u64 + 1] {
        let e = w.write_at(bad, &bars[..1]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}: {e}");
        assert!(e.to_string().contains(&format!("byte {bad}")), "{e}");
        let e = w.truncate(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}: {e}");
    }
    // Overwriting a row with a row of another length would leave a partial row.
    let mut longer = bars[3];
    longer.volume = 123_456_789.125;
    let e = w.write_at(starts[3], &[longer]).unwrap_err();
    assert!(e.to_string().contains("inside an existing row"), "{e}");
    w.flush(true).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), before);

    // Same-length overwrites and overwrites running past the end are fine.
    let mut same = bars[3];
    same.ts += 1000;
    assert_eq!(w.write_at(starts[3], &[same]).unwrap(), starts[4]);
    w.write_at(starts[8], &bars[..5]).unwrap();
    w.finalize().unwrap();
    let (got, _) = read_csv(&p);
    let mut want = bars.clone();
    want[3] = same;
    want.truncate(8);
    want.extend_from_slice(&bars[..5]);
    assert_same_bars(&got, &want);
}

#[test]
fn writer_refuses_sub_second_timestamps_unless_told() {
    let d = TempDir::new("writer-ms");
    let p = d.join("ms.csv");
    let mut bars = golden_bars();
    bars[1].ts += 250;
    let mut w = CsvWriter::open(&p).unwrap();
    w.append(&bars[..1]).unwrap();
    w.flush(true).unwrap();
    let before = std::fs::read(&p).unwrap();
    let e = w.append(&bars).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidData);
    let msg = e.to_string();
    assert!(
        msg.contains("ms.csv") && msg.contains("bar 1") && msg.contains("whole second"),
        "{msg}"
    );
    assert_eq!(w.tell(), before.len() as u64);
    w.flush(true).unwrap();
    assert_eq!(
        std::fs::read(&p).unwrap(),
        before,
        "nothing of the batch is written"
    );
    // Past year 9999 is refused whatever the policy.
    let far = Bar::new(csv::MAX_TS_MS + 1, 1.0, 1.0, 1.0, 1.0, 1.0);
    assert_eq!(w.append(&[far]).unwrap_err().kind(), ErrorKind::InvalidData);
    drop(w);

    let q = d.join("truncate.csv");
    let opts = WriteOptions {
        sub_second: SubSecond::Truncate,
        ..WriteOptions::default()
    };
    let mut w = CsvWriter::open_with(&q, opts).unwrap();
    w.append(&bars).unwrap();
    w.finalize().unwrap();
    assert_eq!(std::fs::read_to_string(&q).unwrap(), GOLDEN);
}

#[test]
fn writer_keeps_a_files_crlf_line_ending() {
    let d = TempDir::new("writer-crlf");
    let p = d.join("crlf.csv");
    let opts = WriteOptions {
        line_ending: LineEnding::CrLf,
        ..WriteOptions::default()
    };
    let mut w = CsvWriter::open_with(&p, opts).unwrap();
    assert_eq!(w.data_start(), 33);
    w.append(&golden_bars()[..1]).unwrap();
    w.finalize().unwrap();
    // Reopened with default options, the file's own ending wins.
    let mut w = CsvWriter::open(&p).unwrap();
    assert_eq!(w.line_ending(), LineEnding::CrLf);
    let end = w.len_bytes();
    w.write_at(end, &golden_bars()[1..]).unwrap();
    w.finalize().unwrap();
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        GOLDEN.replace('\n', "\r\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Python, NumPy and pandas
// ---------------------------------------------------------------------------------------------

#[test]
fn float_text_matches_python_repr_and_numpy_on_200k_doubles() {
    let Some(py) = python() else { return };
    let d = TempDir::new("py-repr");
    let mut rng = Rng(11);
    let mut values: Vec<f64> = vec![
        0.0,
        -0.0,
        7598.0,
        1.35548,
        0.000202,
        2.02e-05,
        1e-05,
        1e16,
        1.2345678901234568e16,
        1e15,
        9999999999999998.0,
        1e-4,
        9.999999999999999e-05,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        -f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.1,
        0.30000000000000004,
        123456789012345.6,
        1e22,
        1e23,
    ];
    for p in -330..=310 {
        values.push(10f64.powi(p));
        values.push(-1.5 * 10f64.powi(p));
    }
    for _ in 0..100_000 {
        values.push(f64::from_bits(rng.next_u64()));
    }
    for _ in 0..100_000 {
        values.push(rng.decimal());
    }
    let bits: Vec<u8> = values
        .iter()
        .flat_map(|v| v.to_bits().to_le_bytes())
        .collect();
    let (inp, out) = (d.join("bits"), d.join("repr.txt"));
    std::fs::write(&inp, bits).unwrap();
    run(py, &[&"repr", &inp, &out]);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), values.len());
    let mut buf = pyfloat::Buffer::new();
    let mut mismatches = 0;
    for (v, line) in values.iter().zip(&lines) {
        let (py_repr, np_str) = line.split_once('\t').unwrap();
        let ours = buf.format(*v);
        if ours != py_repr || ours != np_str {
            mismatches += 1;
            eprintln!(
                "{:#018x}: ours {ours:?}, repr {py_repr:?}, numpy {np_str:?}",
                v.to_bits()
            );
        }
        // And Python's text parses back to the same double.
        if !v.is_nan() {
            assert_eq!(
                pyfloat::parse(py_repr.as_bytes()).map(f64::to_bits),
                Some(v.to_bits())
            );
        }
    }
    assert_eq!(mismatches, 0, "of {} values", values.len());
}

#[test]
fn writer_output_equals_pandas_to_csv_on_200k_bars() {
    let Some(py) = python() else { return };
    let d = TempDir::new("py-to-csv");
    let mut bars = awkward_bars(100_000, 12);
    bars.extend(fx_bars(100_000, 13));
    let (bin, theirs, ours) = (d.join("bars.bin"), d.join("pandas.csv"), d.join("ours.csv"));
    write_bin(&bin, &bars);
    run(py, &[&"to_csv", &bin, &theirs]);
    write_csv(&ours, &bars);
    let (a, b) = (
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap(),
    );
    if a != b {
        let (la, lb) = (a.split(|&c| c == b'\n'), b.split(|&c| c == b'\n'));
        for (i, (x, y)) in la.zip(lb).enumerate() {
            assert_eq!(
                String::from_utf8_lossy(x),
                String::from_utf8_lossy(y),
                "line {}",
                i + 1
            );
        }
        panic!("lengths differ: ours {} bytes, pandas {}", a.len(), b.len());
    }
    // pandas on Windows (\r\n) too.
    let (theirs, ours) = (d.join("pandas-crlf.csv"), d.join("ours-crlf.csv"));
    run(python().unwrap(), &[&"to_csv", &bin, &theirs, &"crlf"]);
    let opts = WriteOptions {
        line_ending: LineEnding::CrLf,
        ..WriteOptions::default()
    };
    let mut w = CsvWriter::open_with(&ours, opts).unwrap();
    w.append(&bars).unwrap();
    w.finalize().unwrap();
    assert!(std::fs::read(&theirs).unwrap() == std::fs::read(&ours).unwrap());
}

#[test]
fn reader_matches_pandas_read_csv() {
    let Some(py) = python() else { return };
    let d = TempDir::new("py-read-csv");
    let mut bars = awkward_bars(100_000, 14);
    bars.extend(fx_bars(100_000, 15));
    // A pandas-written file, read by pandas (the pipeline's read_csv) and by us.
    let (bin, csv_path, back) = (d.join("bars.bin"), d.join("pandas.csv"), d.join("back.bin"));
    write_bin(&bin, &bars);
    run(py, &[&"to_csv", &bin, &csv_path]);
    run(python().unwrap(), &[&"read_csv", &csv_path, &back]);
    let theirs = read_bin(&back);
    let (ours, offsets) = read_csv(&csv_path);
    assert_same_bars(&ours, &theirs);
    assert_same_bars(&ours, &bars);
    assert_eq!(offsets, row_starts(&std::fs::read(&csv_path).unwrap()));
    // Also hand-written decimals with more digits than repr would print.
    let long = d.join("long.csv");
    let mut rng = Rng(16);
    let mut text = String::from("time,open,high,low,close,volume\n");
    let mut number = || {
        let n = 1 + rng.below(25);
        let digits: String = (0..n)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect();
        let point = 1 + rng.below(n) as usize;
        let exp = rng.below(40) as i64 - 20;
        format!("{}.{}e{exp}", &digits[..point], &digits[point..])
    };
    for _ in 0..20_000 {
        let fields: Vec<String> = (0..5).map(|_| number()).collect();
        text.push_str(&format!("2005-01-03 00:00:00,{}\n", fields.join(",")));
    }
    std::fs::write(&long, &text).unwrap();
    run(python().unwrap(), &[&"read_csv", &long, &back]);
    let (ours, _) = read_csv(&long);
    assert_same_bars(&ours, &read_bin(&back));
}
