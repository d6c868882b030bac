//! The pipeline's CSV dialect, byte for byte.
//!
//! ```text
//! time,open,high,low,close,volume
//! 2005-01-03 00:00:00,1.35464,1.3556,1.35464,1.35548,7598.0
//! 2005-01-03 00:15:00,0.000202,0.000202,0.000202,0.000202,1e-05
//! ```
//!
//! * The header is exactly `time,open,high,low,close,volume` and its line end: 32 bytes with
//!   `\n`, so the first data row is at byte 32 (33 with `\r\n`).
//! * `time` is `%Y-%m-%d %H:%M:%S`, the bar's epoch-millisecond timestamp formatted as if it
//!   were UTC (the pipeline's naive server time), years 1970 to 9999.
//! * Prices and volume are written as pandas `to_csv` writes float64 columns: Python's
//!   `repr(float)` (see [`crate::pyfloat`]), with NaN as an **empty field** and infinities as
//!   `inf`/`-inf`. Our output is byte-identical to the pipeline's
//!   `df.index = idx.strftime('%Y-%m-%d %H:%M:%S'); df.index.name = 'time'; df.to_csv(path)`.
//! * Rows end with `\n` (`\r\n` is read, and written when appending to a file whose header
//!   ends with `\r\n`). The last row may lack its line end.
//!
//! Reading is strict: anything else is an [`ErrorKind::Parse`] error naming the file, the
//! 1-based line, the column (number and name) and what is wrong, and nothing is consumed. In
//! particular a 0-byte file is an error (it has no header; a header-only file is an empty
//! series), blank lines are errors (pandas would skip them, but then its rows and the
//! pipeline's byte offsets disagree), and fields may not carry spaces. An empty float field is
//! NaN (what pandas writes for NaN); `nan`, `inf`, `infinity` (any case, signed) are accepted
//! too. Floats are parsed to the correctly rounded double, which is what pandas `read_csv`
//! gives with its default converter.
//!
//! Writing refuses (with [`ErrorKind::InvalidData`], writing nothing of the batch) a bar whose
//! timestamp is not a whole second, because the text form cannot hold milliseconds and pandas
//! would silently drop them; [`SubSecond::Truncate`] opts into pandas' behaviour.
//!
//! Besides [`CsvReader`] and [`CsvWriter`] (the [`BarReader`]/[`BarWriter`] implementations),
//! the module has file-free building blocks: [`header_len`], [`parse_rows`], [`format_rows`],
//! [`parse_time`] and [`format_time`].

use super::{BarReader, BarWriter, Format};
use crate::pyfloat;
use crate::{Bar, Error, ErrorKind, Result};
use core::fmt;
use std::borrow::ToOwned;
use std::format;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::string::String;
use std::vec::Vec;

/// The header line, with its `\n`: 32 bytes.
pub const HEADER: &[u8; 32] = b"time,open,high,low,close,volume\n";

/// The column names, in file order.
pub const COLUMNS: [&str; 6] = ["time", "open", "high", "low", "close", "volume"];

/// The header line without its line end.
const HEADER_LINE: &[u8] = b"time,open,high,low,close,volume";

/// The largest timestamp the text form can hold: 9999-12-31 23:59:59.999 (epoch ms).
pub const MAX_TS_MS: u64 = 253_402_300_799_999;

/// Days from 1970-01-01 to 0000-03-01 in the proleptic Gregorian calendar (negated).
const EPOCH_SHIFT: u64 = 719_468;
const DAYS_PER_400Y: u64 = 146_097;
const MS_PER_DAY: u64 = 86_400_000;

/// How many bytes of a bad field an error message quotes.
const QUOTE_MAX: usize = 48;

/// Two ASCII digits for every number below 100.
const DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

// ---------------------------------------------------------------------------------------------
// Civil dates
// ---------------------------------------------------------------------------------------------

fn is_leap(y: u64) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a valid date in 1970..=9999.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    // Count in years that start on March 1st, so the leap day is the last day of the year.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y % 400;
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * DAYS_PER_400Y + doe - EPOCH_SHIFT
}

/// `(year, month, day)` of a day count since 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + EPOCH_SHIFT;
    let era = z / DAYS_PER_400Y;
    let doe = z % DAYS_PER_400Y;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = era * 400 + yoe + u64::from(m <= 2);
    (y, m, d)
}

/// Two ASCII digits as a number, or `None`.
#[inline]
fn two(a: u8, b: u8) -> Option<u64> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (a <= 9 && b <= 9).then_some(u64::from(a) * 10 + u64::from(b))
}

/// Days since the epoch of `YYYY-MM-DD` (10 bytes), if valid and in 1970..=9999.
fn parse_date(s: &[u8; 10]) -> Option<u64> {
    if s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let y = two(s[0], s[1])? * 100 + two(s[2], s[3])?;
    let m = two(s[5], s[6])?;
    let d = two(s[8], s[9])?;
    let valid = y >= 1970 && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
    valid.then(|| days_from_civil(y, m, d))
}

/// Milliseconds into the day of ` HH:MM:SS` (9 bytes, leading space), if valid.
#[inline]
fn parse_clock(s: &[u8; 9]) -> Option<u64> {
    if s[0] != b' ' || s[3] != b':' || s[6] != b':' {
        return None;
    }
    let h = two(s[1], s[2])?;
    let m = two(s[4], s[5])?;
    let sec = two(s[7], s[8])?;
    (h < 24 && m < 60 && sec < 60).then_some(((h * 60 + m) * 60 + sec) * 1000)
}

/// Parses `YYYY-MM-DD HH:MM:SS` (exactly 19 bytes) into epoch milliseconds. Returns `None`
/// for any other text, an impossible date or time (month 13, February 30, hour 24, second
/// 60), or a year outside 1970..=9999.
#[must_use]
pub fn parse_time(s: &[u8]) -> Option<u64> {
    let s: &[u8; 19] = s.try_into().ok()?;
    let (date, clock) = s.split_at(10);
    let days = parse_date(date.try_into().ok()?)?;
    let ms = parse_clock(clock.try_into().ok()?)?;
    Some(days * MS_PER_DAY + ms)
}

/// Formats epoch milliseconds as `YYYY-MM-DD HH:MM:SS`, dropping any milliseconds as pandas
/// `strftime` does. Returns `None` past [`MAX_TS_MS`] (a year beyond 9999).
#[must_use]
pub fn format_time(ts_ms: u64) -> Option<[u8; 19]> {
    let mut f = TimeFormatter::new();
    (ts_ms <= MAX_TS_MS).then(|| f.format(ts_ms))
}

/// Formats timestamps, remembering the last day's `YYYY-MM-DD ` (bars come in time order).
struct TimeFormatter {
    day: u64,
    text: [u8; 19],
}

impl TimeFormatter {
    fn new() -> Self {
        TimeFormatter {
            day: u64::MAX,
            text: *b"1970-01-01 00:00:00",
        }
    }

    /// `ts_ms` must be at most [`MAX_TS_MS`].
    #[inline]
    fn format(&mut self, ts_ms: u64) -> [u8; 19] {
        let day = ts_ms / MS_PER_DAY;
        if day != self.day {
            let (y, m, d) = civil_from_days(day);
            // y <= 9999, so y / 100 < 100.
            let t = &mut self.text;
            t[0..2].copy_from_slice(&DIGITS2[(y / 100) as usize]);
            t[2..4].copy_from_slice(&DIGITS2[(y % 100) as usize]);
            t[5..7].copy_from_slice(&DIGITS2[m as usize]);
            t[8..10].copy_from_slice(&DIGITS2[d as usize]);
            self.day = day;
        }
        let sod = (ts_ms % MS_PER_DAY) / 1000;
        let t = &mut self.text;
        t[11..13].copy_from_slice(&DIGITS2[(sod / 3600) as usize]);
        t[14..16].copy_from_slice(&DIGITS2[(sod / 60 % 60) as usize]);
        t[17..19].copy_from_slice(&DIGITS2[(sod % 60) as usize]);
        self.text
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// What is wrong with a line of CSV text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The data is empty: not even a header.
    EmptyFile,
    /// The first line is not `time,open,high,low,close,volume`.
    WrongHeader,
    /// A line is empty.
    EmptyLine,
    /// A row ends before its sixth field; `found` fields were present.
    TooFewFields {
        /// How many fields the row has.
        found: usize,
    },
    /// A row has more than six fields.
    TooManyFields,
    /// The `time` field is not a valid `YYYY-MM-DD HH:MM:SS` in 1970..=9999.
    BadTimestamp,
    /// A price or volume field is not a number.
    NotANumber,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::EmptyFile => write!(
                f,
                "empty file without header (expected \"time,open,high,low,close,volume\")"
            ),
            Problem::WrongHeader => {
                write!(
                    f,
                    "wrong header (expected \"time,open,high,low,close,volume\")"
                )
            }
            Problem::EmptyLine => write!(f, "wrong column count: empty line, expected 6 fields"),
            Problem::TooFewFields { found } => {
                write!(f, "wrong column count: row has {found} fields, expected 6")
            }
            Problem::TooManyFields => write!(f, "wrong column count: more than 6 fields"),
            Problem::BadTimestamp => write!(
                f,
                "bad timestamp (expected a valid YYYY-MM-DD HH:MM:SS from 1970 to 9999)"
            ),
            Problem::NotANumber => write!(f, "not a number"),
        }
    }
}

/// A malformed line: where it is, which column, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number (the header is line 1).
    pub line: u64,
    /// Byte offset of the start of the line.
    pub offset: u64,
    /// 1-based column number (`time` is 1, `volume` 6; 7 for an extra field).
    pub column: usize,
    /// What is wrong.
    pub problem: Problem,
    /// The offending text (at most 48 bytes of it, lossily decoded), or empty.
    pub text: String,
}

impl RowError {
    fn new(offset: usize, column: usize, problem: Problem, text: &[u8]) -> Self {
        let text = &text[..text.len().min(QUOTE_MAX)];
        RowError {
            line: 0,
            offset: offset as u64,
            column,
            problem,
            text: String::from_utf8_lossy(text).into_owned(),
        }
    }

    /// The column's name (`time` … `volume`), if it is one of the six.
    #[must_use]
    pub fn column_name(&self) -> Option<&'static str> {
        self.column
            .checked_sub(1)
            .and_then(|i| COLUMNS.get(i))
            .copied()
    }

    /// This error as a crate [`Error`] of kind [`ErrorKind::Parse`] naming `path`.
    #[must_use]
    pub fn into_error(self, path: &Path) -> Error {
        Error::new(ErrorKind::Parse, format!("{}: {self}", path.display()))
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if let Some(name) = self.column_name() {
            write!(f, " ({name})")?;
        }
        write!(f, ": {}", self.problem)?;
        let quoted = matches!(
            self.problem,
            Problem::NotANumber | Problem::BadTimestamp | Problem::WrongHeader
        );
        if quoted || !self.text.is_empty() {
            write!(f, ": found {:?}", self.text)?;
        }
        Ok(())
    }
}

impl std::error::Error for RowError {}

/// Checks the header at the start of `data` and returns its length in bytes (32 with `\n`,
/// 33 with `\r\n`, 31 for a header-only file without line end). The error's line is 1.
pub fn header_len(data: &[u8]) -> core::result::Result<usize, RowError> {
    let fail = |column, problem, text: &[u8]| {
        let mut e = RowError::new(0, column, problem, text);
        e.line = 1;
        e
    };
    if data.is_empty() {
        return Err(fail(1, Problem::EmptyFile, b""));
    }
    let (line, len) = match data.iter().position(|&c| c == b'\n') {
        Some(nl) => {
            let line = &data[..nl];
            (line.strip_suffix(b"\r").unwrap_or(line), nl + 1)
        }
        None => (data, data.len()),
    };
    if line == HEADER_LINE {
        return Ok(len);
    }
    // Name the first column that differs.
    let mut got = line.split(|&c| c == b',');
    let mut column = 1;
    for want in COLUMNS {
        match got.next() {
            Some(g) if g == want.as_bytes() => column += 1,
            _ => break,
        }
    }
    Err(fail(column, Problem::WrongHeader, line))
}

/// Result of [`parse_rows`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// Rows parsed (bars appended).
    pub rows: usize,
    /// Bytes consumed: the parsed rows with their line ends.
    pub consumed: usize,
}

/// The last date parsed and its day number, so rows of the same day skip the calendar.
struct DateCache {
    text: [u8; 10],
    days: u64,
}

impl DateCache {
    fn new() -> Self {
        // Start from a valid pair, so only that exact text can hit the cache unchecked.
        DateCache {
            text: *b"1970-01-01",
            days: 0,
        }
    }

    /// Epoch ms of a 19-byte `YYYY-MM-DD HH:MM:SS`.
    #[inline]
    fn parse(&mut self, s: &[u8; 19]) -> Option<u64> {
        let (date, clock) = s.split_at(10);
        let date: &[u8; 10] = date.try_into().ok()?;
        if *date != self.text {
            self.days = parse_date(date)?;
            self.text = *date;
        }
        let ms = parse_clock(clock.try_into().ok()?)?;
        Some(self.days * MS_PER_DAY + ms)
    }
}

/// Parses data rows (no header) from the start of `data` into `bars` and `offsets`, stopping
/// after `max_rows` rows or at the end of `data`. A last row without line end is a row: pass
/// `data` that ends at a line end or at the end of the file.
///
/// Each row's offset is `base_offset` plus its position in `data`; error line numbers count
/// from `first_line`, the line number of `data`'s first byte (2 right after the header).
/// On error `bars` and `offsets` are left as they were on entry.
pub fn parse_rows(
    data: &[u8],
    base_offset: u64,
    first_line: u64,
    max_rows: usize,
    bars: &mut Vec<Bar>,
    offsets: &mut Vec<u64>,
) -> core::result::Result<Parsed, RowError> {
    let (bars_len, offsets_len) = (bars.len(), offsets.len());
    let mut p = 0;
    let mut rows = 0;
    let mut dates = DateCache::new();
    while rows < max_rows && p < data.len() {
        match parse_row(data, p, &mut dates) {
            Ok((bar, next)) => {
                bars.push(bar);
                offsets.push(base_offset + p as u64);
                p = next;
                rows += 1;
            }
            Err(mut e) => {
                bars.truncate(bars_len);
                offsets.truncate(offsets_len);
                e.line = first_line + rows as u64;
                e.offset += base_offset;
                return Err(e);
            }
        }
    }
    Ok(Parsed { rows, consumed: p })
}

/// Parses the row starting at `data[start]` and returns it with the offset of the next row.
#[inline]
fn parse_row(
    data: &[u8],
    start: usize,
    dates: &mut DateCache,
) -> core::result::Result<(Bar, usize), RowError> {
    let ts = data
        .get(start..start + 20)
        .filter(|s| s[19] == b',')
        .and_then(|s| dates.parse(s[..19].try_into().ok()?));
    let Some(ts) = ts else {
        return Err(time_error(data, start));
    };
    let mut p = start + 20;
    let mut v = [0.0f64; 5];
    for (k, slot) in v.iter_mut().enumerate() {
        let last = k == 4;
        // Fast path: a plain number followed by the right delimiter.
        if let Some((x, n)) = pyfloat::parse_prefix(&data[p..]) {
            let q = p + n;
            let next = if last {
                match data.get(q) {
                    None => Some(q),
                    Some(b'\n') => Some(q + 1),
                    Some(b'\r') if data.get(q + 1) == Some(&b'\n') => Some(q + 2),
                    Some(_) => None,
                }
            } else {
                (data.get(q) == Some(&b',')).then_some(q + 1)
            };
            if let Some(next) = next {
                *slot = x;
                p = next;
                continue;
            }
        }
        let (x, next) = slow_field(data, start, p, k)?;
        *slot = x;
        p = next;
    }
    Ok((Bar::new(ts, v[0], v[1], v[2], v[3], v[4]), p))
}

/// End of the field starting at `p` (the next `,` or `\n`, or the end of data), and the
/// field without a `\r` that belongs to a `\r\n` line end.
fn field_at(data: &[u8], p: usize) -> (usize, &[u8]) {
    let end = data[p..]
        .iter()
        .position(|&c| c == b',' || c == b'\n')
        .map_or(data.len(), |i| p + i);
    let field = &data[p..end];
    let field = if data.get(end) == Some(&b'\n') {
        field.strip_suffix(b"\r").unwrap_or(field)
    } else {
        field
    };
    (end, field)
}

/// The error for a row whose `time` field is not followed by a parseable timestamp and `,`.
fn time_error(data: &[u8], start: usize) -> RowError {
    let (end, field) = field_at(data, start);
    if field.is_empty() && data.get(end) != Some(&b',') {
        return RowError::new(start, 1, Problem::EmptyLine, b"");
    }
    if parse_time(field).is_none() {
        return RowError::new(start, 1, Problem::BadTimestamp, field);
    }
    // A valid timestamp that is the whole line.
    RowError::new(start, 2, Problem::TooFewFields { found: 1 }, b"")
}

/// Field `k` (0 = open) of the row at `start`, beginning at `p`, when the fast path failed:
/// special values, empty (NaN) fields, or the precise error.
fn slow_field(
    data: &[u8],
    start: usize,
    p: usize,
    k: usize,
) -> core::result::Result<(f64, usize), RowError> {
    let column = k + 2;
    let (end, field) = field_at(data, p);
    let x = if field.is_empty() {
        f64::NAN
    } else {
        pyfloat::parse(field)
            .ok_or_else(|| RowError::new(start, column, Problem::NotANumber, field))?
    };
    let last = k == 4;
    match data.get(end) {
        Some(b',') if !last => Ok((x, end + 1)),
        Some(b',') => Err(RowError::new(start, 7, Problem::TooManyFields, b"")),
        _ if last => Ok((x, (end + 1).min(data.len()))),
        _ => Err(RowError::new(
            start,
            column + 1,
            Problem::TooFewFields { found: column },
            b"",
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/// What to do with a bar whose timestamp is not a whole second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SubSecond {
    /// Refuse the batch with [`ErrorKind::InvalidData`] (the default): the text cannot hold
    /// the milliseconds.
    #[default]
    Reject,
    /// Drop the milliseconds, as the pipeline's pandas `strftime` does.
    Truncate,
}

/// Line terminator of written rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`, as pandas writes on Unix (the default).
    #[default]
    Lf,
    /// `\r\n`, as pandas writes on Windows.
    CrLf,
}

impl LineEnding {
    fn bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
        }
    }
}

/// Options for [`CsvWriter`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Policy for timestamps that are not whole seconds.
    pub sub_second: SubSecond,
    /// Line ending for a new file. A file that already has a header keeps its own.
    pub line_ending: LineEnding,
}

/// Why [`format_rows`] refused a bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarError {
    /// Index of the bar in the slice.
    pub index: usize,
    /// Its timestamp (epoch ms).
    pub ts: u64,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for BarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bar {} (ts {} ms): {}", self.index, self.ts, self.reason)
    }
}

impl std::error::Error for BarError {}

/// Checks every timestamp of `bars` against the text form's limits.
fn check_bars(bars: &[Bar], sub_second: SubSecond) -> core::result::Result<(), BarError> {
    let bad = |ts: u64| {
        if ts > MAX_TS_MS {
            Some("timestamp after 9999-12-31 23:59:59.999, which %Y cannot write in 4 digits")
        } else if sub_second == SubSecond::Reject && !ts.is_multiple_of(1000) {
            Some(
                "timestamp is not a whole second; the CSV time format would drop the \
                 milliseconds (use SubSecond::Truncate to accept that)",
            )
        } else {
            None
        }
    };
    match bars.iter().position(|b| bad(b.ts).is_some()) {
        Some(index) => Err(BarError {
            index,
            ts: bars[index].ts,
            reason: bad(bars[index].ts).unwrap_or_default(),
        }),
        None => Ok(()),
    }
}

/// Longest row: 19 + 1 + 5 × 24 + 4 + 2 bytes.
const MAX_ROW: usize = 146;

/// Formats rows, reusing the day text and float scratch space between calls.
struct RowFormatter {
    time: TimeFormatter,
    float: pyfloat::Buffer,
}

impl RowFormatter {
    fn new() -> Self {
        RowFormatter {
            time: TimeFormatter::new(),
            float: pyfloat::Buffer::new(),
        }
    }

    /// Appends the rows of `bars` (already checked) to `out`.
    fn push_rows(&mut self, bars: &[Bar], eol: LineEnding, out: &mut Vec<u8>) {
        let eol = eol.bytes();
        out.reserve(bars.len() * 64);
        // Room for the last float's whole 32-byte destination.
        let mut row = [0u8; MAX_ROW + 32];
        for bar in bars {
            row[..19].copy_from_slice(&self.time.format(bar.ts));
            let mut n = 19;
            for v in [bar.open, bar.high, bar.low, bar.close, bar.volume] {
                row[n] = b',';
                n += 1;
                // pandas writes NaN as an empty field.
                if !v.is_nan()
                    && let Some(dst) = row[n..].first_chunk_mut::<32>()
                {
                    n += self.float.format_into(v, dst);
                }
            }
            row[n..n + eol.len()].copy_from_slice(eol);
            n += eol.len();
            out.extend_from_slice(&row[..n]);
        }
    }
}

/// Appends `bars` as CSV rows (no header) to `out`, exactly as pandas `to_csv` would write
/// them. If any bar cannot be written (see [`SubSecond`]; timestamps past [`MAX_TS_MS`]),
/// nothing is appended and the first such bar is reported.
pub fn format_rows(
    bars: &[Bar],
    sub_second: SubSecond,
    line_ending: LineEnding,
    out: &mut Vec<u8>,
) -> core::result::Result<(), BarError> {
    check_bars(bars, sub_second)?;
    RowFormatter::new().push_rows(bars, line_ending, out);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

enum Data {
    Map(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Data {
    fn bytes(&self) -> &[u8] {
        match self {
            Data::Map(m) => m,
            Data::Owned(v) => v,
        }
    }
}

/// Reads a CSV bar file through a read-only memory map, parsing rows in place.
///
/// The map is taken when the file is opened: bytes appended later are not seen, and, as with
/// any memory map, another process truncating the file while it is open makes reads fault.
/// The pipeline never shrinks a file that is being read.
pub struct CsvReader {
    path: PathBuf,
    data: Data,
    start: usize,
    pos: usize,
}

impl fmt::Debug for CsvReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvReader")
            .field("path", &self.path)
            .field("len", &self.data.bytes().len())
            .field("pos", &self.pos)
            .finish()
    }
}

impl CsvReader {
    /// Opens `path`, checks its header and positions at the first data row.
    ///
    /// Errors: [`ErrorKind::NotFound`]/[`ErrorKind::Io`] from the OS; [`ErrorKind::Parse`]
    /// for a 0-byte file or a wrong header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| Error::io(path, "open", e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(path, "stat", e))?
            .len();
        let data = if len == 0 {
            // A 0-byte file cannot be mapped; it is reported as missing its header below.
            Data::Owned(Vec::new())
        } else {
            // SAFETY: the file is mapped read-only and privately for this reader's lifetime.
            // The slice stays valid while the mapping lives; its contents can change only if
            // another process writes or truncates the file meanwhile, which the type's
            // documentation excludes (the pipeline only ever appends to or replaces files).
            let map =
                unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, "mmap", e))?;
            Data::Map(map)
        };
        Self::new(path.to_owned(), data)
    }

    /// A reader over CSV text already in memory; `name` is used in messages.
    pub fn from_bytes(name: impl AsRef<Path>, data: Vec<u8>) -> Result<Self> {
        Self::new(name.as_ref().to_owned(), Data::Owned(data))
    }

    fn new(path: PathBuf, data: Data) -> Result<Self> {
        let start = header_len(data.bytes()).map_err(|e| e.into_error(&path))?;
        Ok(CsvReader {
            path,
            data,
            start,
            pos: start,
        })
    }

    /// The whole file's bytes.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        self.data.bytes()
    }

    /// Reads every remaining row.
    pub fn read_to_end(&mut self, bars: &mut Vec<Bar>, offsets: &mut Vec<u64>) -> Result<usize> {
        self.read_batch(usize::MAX, bars, offsets)
    }

    /// 1-based line number of the byte at `offset` (error path only: counts line ends).
    fn line_of(&self, offset: usize) -> u64 {
        let before = &self.data.bytes()[..offset.min(self.data.bytes().len())];
        before.iter().filter(|&&c| c == b'\n').count() as u64 + 1
    }
}

impl BarReader for CsvReader {
    fn path(&self) -> &Path {
        &self.path
    }

    fn format(&self) -> Format {
        Format::Csv
    }

    fn read_batch(
        &mut self,
        max: usize,
        bars: &mut Vec<Bar>,
        offsets: &mut Vec<u64>,
    ) -> Result<usize> {
        let data = self.data.bytes();
        let rest = &data[self.pos..];
        // Reserve for the rows expected, judging by the first row's length (+1/8 slack), so
        // large reads do not regrow the vectors several times.
        let first = rest
            .iter()
            .take(256)
            .position(|&c| c == b'\n')
            .map_or(64, |i| i + 1);
        let expected = max.min(rest.len() / first + rest.len() / first / 8 + 1);
        bars.reserve(expected);
        offsets.reserve(expected);
        match parse_rows(rest, self.pos as u64, 0, max, bars, offsets) {
            Ok(parsed) => {
                self.pos += parsed.consumed;
                Ok(parsed.rows)
            }
            Err(mut e) => {
                // `offset` is the failing line's start; count lines only now.
                e.line = self.line_of(e.offset as usize);
                Err(e.into_error(&self.path))
            }
        }
    }

    fn seek(&mut self, pos: u64) -> Result<()> {
        let data = self.data.bytes();
        let ok = usize::try_from(pos).is_ok_and(|p| {
            p >= self.start && p <= data.len() && (p == self.start || data[p - 1] == b'\n')
        });
        if !ok {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: seek to byte {pos}: not the start of a data row or the end of the file \
                     (data rows start at byte {}, file length {})",
                    self.path.display(),
                    self.start,
                    data.len()
                ),
            ));
        }
        self.pos = pos as usize;
        Ok(())
    }

    fn tell(&self) -> u64 {
        self.pos as u64
    }

    fn eof(&self) -> bool {
        self.pos >= self.data.bytes().len()
    }

    fn len_bytes(&self) -> u64 {
        self.data.bytes().len() as u64
    }

    fn data_start(&self) -> u64 {
        self.start as u64
    }
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

/// Bytes buffered before they are handed to the OS.
const CHUNK: usize = 1 << 20;
/// Bars formatted per step while appending.
const BARS_PER_STEP: usize = 8192;

/// Writes CSV bar files with the pipeline's `rb+` semantics: opening never truncates; a new
/// or empty file gets the header; the position starts right after the header.
///
/// Rows written at the end of the file are buffered (1 MiB) and handed to the OS by
/// [`BarWriter::flush`], [`BarWriter::finalize`], any non-append operation, or drop (which
/// cannot report errors: call `flush` or `finalize` to see them).
///
/// Every position must be a row boundary: the end of the header, a byte right after a line
/// end, or the end of the file. Rows have different lengths, so overwriting inside the file
/// is accepted only if the new rows end exactly where an old row ended; otherwise
/// [`BarWriter::truncate`] first, as the pipeline does.
pub struct CsvWriter {
    path: PathBuf,
    file: File,
    options: WriteOptions,
    eol: LineEnding,
    start: u64,
    pos: u64,
    /// Logical file length, including `pending`.
    len: u64,
    /// Bytes not yet written, belonging at `len - pending.len()` (only ever at the end).
    pending: Vec<u8>,
    rows: RowFormatter,
    finalized: bool,
}

impl fmt::Debug for CsvWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvWriter")
            .field("path", &self.path)
            .field("pos", &self.pos)
            .field("len", &self.len)
            .field("pending", &self.pending.len())
            .finish()
    }
}

impl CsvWriter {
    /// Opens (creating if needed) `path` with default options.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, WriteOptions::default())
    }

    /// Opens `path` for writing without truncating it, creating it if missing. An empty file
    /// gets the header (with `options.line_ending`). A non-empty file must start with the
    /// header (`\n` or `\r\n`; later rows use the same ending), else [`ErrorKind::Parse`]
    /// and the file is left untouched. The position is the end of the header, as in the
    /// pipeline; [`CsvWriter::seek_end`] moves it to the end.
    ///
    /// The writer holds an exclusive advisory lock on the file for its whole life: a second
    /// writer on the same file, in this process or another, fails with [`ErrorKind::Busy`].
    pub fn open_with(path: impl AsRef<Path>, options: WriteOptions) -> Result<Self> {
        let path = path.as_ref();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io(path, "open for writing", e))?;
        super::binary::lock_exclusive(path, &file)?;
        let len = file
            .metadata()
            .map_err(|e| Error::io(path, "stat", e))?
            .len();
        let (start, eol) = if len == 0 {
            let eol = options.line_ending;
            let mut header = HEADER_LINE.to_vec();
            header.extend_from_slice(eol.bytes());
            file.write_all(&header)
                .map_err(|e| Error::io(path, "write header", e))?;
            (header.len() as u64, eol)
        } else {
            let mut head = Vec::with_capacity(34);
            (&mut file)
                .take(34)
                .read_to_end(&mut head)
                .map_err(|e| Error::io(path, "read header", e))?;
            let n = header_len(&head).map_err(|e| e.into_error(path))?;
            let eol = match head[..n].last() {
                Some(b'\n') if head[..n].ends_with(b"\r\n") => LineEnding::CrLf,
                Some(b'\n') => LineEnding::Lf,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Parse,
                        format!(
                            "{}: line 1: header has no line end; cannot append rows",
                            path.display()
                        ),
                    ));
                }
            };
            (n as u64, eol)
        };
        let len = len.max(start);
        Ok(CsvWriter {
            path: path.to_owned(),
            file,
            options,
            eol,
            start,
            pos: start,
            len,
            pending: Vec::with_capacity(CHUNK + BARS_PER_STEP * MAX_ROW),
            rows: RowFormatter::new(),
            finalized: false,
        })
    }

    /// Moves the position to the end of the file (after any rows not yet handed to the OS)
    /// and returns it. The end must be a row boundary, which it is unless the file's last row
    /// lacks its line end; then [`ErrorKind::InvalidArgument`] and the position stays.
    pub fn seek_end(&mut self) -> Result<u64> {
        self.check_open()?;
        if self.pos != self.len {
            self.drain()?;
            if !self.is_boundary(self.len)? {
                return Err(self.not_boundary("seek to end", self.len));
            }
            self.pos = self.len;
        }
        Ok(self.pos)
    }

    /// The line ending rows are written with.
    #[must_use]
    pub fn line_ending(&self) -> LineEnding {
        self.eol
    }

    /// The file's length in bytes, including rows not yet handed to the OS.
    #[must_use]
    pub fn len_bytes(&self) -> u64 {
        self.len
    }

    fn check_open(&self) -> Result<()> {
        if self.finalized {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{}: writer already finalized", self.path.display()),
            ));
        }
        Ok(())
    }

    /// Writes `bytes` at `at` on disk.
    fn write_disk(&mut self, at: u64, bytes: &[u8]) -> Result<()> {
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.write_all(bytes))
            .map_err(|e| Error::io(&self.path, &format!("write at byte {at}"), e))
    }

    /// Hands the pending bytes to the OS.
    fn drain(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let at = self.len - self.pending.len() as u64;
        let pending = core::mem::take(&mut self.pending);
        let r = self.write_disk(at, &pending);
        self.pending = pending;
        if r.is_ok() {
            self.pending.clear();
        }
        r
    }

    /// The byte at `at` on disk (pending must be empty).
    fn byte_at(&mut self, at: u64) -> Result<u8> {
        let mut b = [0u8; 1];
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut b))
            .map_err(|e| Error::io(&self.path, &format!("read byte {at}"), e))?;
        Ok(b[0])
    }

    /// True when `at` is the start of a row or the end of the file (pending must be empty).
    fn is_boundary(&mut self, at: u64) -> Result<bool> {
        Ok(at == self.start
            || (at > self.start && at <= self.len && self.byte_at(at - 1)? == b'\n'))
    }

    fn not_boundary(&self, what: &str, at: u64) -> Error {
        Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{}: {what} at byte {at}: not a row boundary (rows start at byte {}, file \
                 length {})",
                self.path.display(),
                self.start,
                self.len
            ),
        )
    }
}

impl BarWriter for CsvWriter {
    fn path(&self) -> &Path {
        &self.path
    }

    fn format(&self) -> Format {
        Format::Csv
    }

    fn write_at(&mut self, pos: u64, bars: &[Bar]) -> Result<u64> {
        self.check_open()?;
        check_bars(bars, self.options.sub_second).map_err(|e| {
            Error::new(
                ErrorKind::InvalidData,
                format!(
                    "{}: cannot write {} bars at byte {pos}: {e}; nothing written",
                    self.path.display(),
                    bars.len()
                ),
            )
        })?;
        // The current position is always a row boundary; anything else is checked.
        if pos != self.pos || pos != self.len {
            self.drain()?;
            if !self.is_boundary(pos)? {
                return Err(self.not_boundary("write", pos));
            }
        }
        if pos == self.len {
            // Append: format in steps into the pending buffer, handing it to the OS in chunks.
            self.pos = pos;
            for step in bars.chunks(BARS_PER_STEP) {
                let before = self.pending.len();
                self.rows.push_rows(step, self.eol, &mut self.pending);
                let added = (self.pending.len() - before) as u64;
                self.len += added;
                self.pos += added;
                if self.pending.len() >= CHUNK {
                    self.drain()?;
                }
            }
            return Ok(self.pos);
        }
        // Overwrite inside the file: the new rows must end on an old row boundary or past
        // the old end, so no partial row survives.
        let mut text = Vec::new();
        self.rows.push_rows(bars, self.eol, &mut text);
        let end = pos + text.len() as u64;
        if end < self.len && !self.is_boundary(end)? {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: writing {} bytes at byte {pos} would end at byte {end}, inside an \
                     existing row; truncate first",
                    self.path.display(),
                    text.len()
                ),
            ));
        }
        self.write_disk(pos, &text)?;
        self.pos = end;
        self.len = self.len.max(end);
        Ok(end)
    }

    fn append(&mut self, bars: &[Bar]) -> Result<u64> {
        self.write_at(self.pos, bars)
    }

    fn truncate(&mut self, len: u64) -> Result<()> {
        self.check_open()?;
        self.drain()?;
        if len > self.len {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "{}: truncate to {len} bytes: longer than the file ({} bytes)",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        if !self.is_boundary(len)? {
            return Err(self.not_boundary("truncate", len));
        }
        self.file
            .set_len(len)
            .map_err(|e| Error::io(&self.path, &format!("truncate to {len} bytes"), e))?;
        self.len = len;
        self.pos = self.pos.min(len);
        Ok(())
    }

    fn tell(&self) -> u64 {
        self.pos
    }

    fn flush(&mut self, sync: bool) -> Result<()> {
        self.check_open()?;
        self.drain()?;
        self.file
            .flush()
            .map_err(|e| Error::io(&self.path, "flush", e))?;
        if sync {
            self.file
                .sync_data()
                .map_err(|e| Error::io(&self.path, "fdatasync", e))?;
        }
        Ok(())
    }

    /// Flushes, syncs, and releases the file's lock; later calls fail.
    fn finalize(&mut self) -> Result<()> {
        self.flush(true)?;
        self.finalized = true;
        self.file
            .unlock()
            .map_err(|e| Error::io(&self.path, "unlock", e))
    }

    fn data_start(&self) -> u64 {
        self.start
    }
}

impl Drop for CsvWriter {
    fn drop(&mut self) {
        // Best effort; `flush`/`finalize` report errors.
        let _ = self.drain();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_a_day_by_day_calendar() {
        let (mut y, mut m, mut d) = (1970u64, 1u64, 1u64);
        let mut days = 0u64;
        while y <= 9999 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
            days += 1;
        }
        assert_eq!(days * MS_PER_DAY - 1, MAX_TS_MS);
    }

    #[test]
    fn time_text_round_trips() {
        assert_eq!(parse_time(b"2005-01-03 00:00:00"), Some(1_104_710_400_000));
        assert_eq!(parse_time(b"1970-01-01 00:00:00"), Some(0));
        assert_eq!(parse_time(b"9999-12-31 23:59:59"), Some(MAX_TS_MS - 999));
        assert_eq!(
            format_time(1_104_711_300_000),
            Some(*b"2005-01-03 00:15:00")
        );
        assert_eq!(
            format_time(1_104_711_300_999),
            Some(*b"2005-01-03 00:15:00")
        );
        assert_eq!(format_time(MAX_TS_MS), Some(*b"9999-12-31 23:59:59"));
        assert_eq!(format_time(MAX_TS_MS + 1), None);
        assert_eq!(parse_time(b"2024-02-29 12:34:56"), Some(1_709_210_096_000));
        for bad in [
            &b"1969-12-31 23:59:59"[..],
            b"2023-02-29 00:00:00",
            b"2024-13-01 00:00:00",
            b"2024-00-01 00:00:00",
            b"2024-01-00 00:00:00",
            b"2024-04-31 00:00:00",
            b"2024-01-01 24:00:00",
            b"2024-01-01 00:60:00",
            b"2024-01-01 00:00:60",
            b"2024-01-01T00:00:00",
            b"2024/01/01 00:00:00",
            b"2024-01-01 00:00",
            b"2024-01-01 00:00:00.000",
            b"2024-1-01 00:00:000",
            b"+024-01-01 00:00:00",
            b"",
        ] {
            assert_eq!(parse_time(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        let mut f = TimeFormatter::new();
        let mut ts = 0u64;
        while ts < MAX_TS_MS {
            let text = f.format(ts);
            assert_eq!(
                parse_time(&text),
                Some(ts),
                "{}",
                String::from_utf8_lossy(&text)
            );
            ts += 997_000 * 61 + 13_000; // crosses days irregularly
        }
    }
}
