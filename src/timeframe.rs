//! Timeframes: the rule specs of the pipeline and of pandas, and the bin math of pandas'
//! `DataFrame.resample(rule, closed=..., label=..., origin=...)` for millisecond timestamps.
//!
//! `no_std`, allocation-free, and free of panics: every arithmetic step is checked, and a bin
//! whose label or edge cannot be expressed as `u64` epoch milliseconds is an error.
//!
//! # Rules
//!
//! | spec                                   | rule                                   |
//! |----------------------------------------|----------------------------------------|
//! | `N` × `ms`, `s`/`S`, `m`/`min`/`T`, `h`/`H`, `d`/`D` (`5m`, `15min`, `5 min`, `4H`, `1D`) | fixed length (`1d` is 24 h, as pandas 2's `1D`) |
//! | `1W` (pipeline id)                     | weeks starting Monday (`W-MON`)        |
//! | `W-MON` … `W-SUN`, `1W-MON` …          | weeks starting on that day             |
//! | `W` (pandas)                           | `W-SUN`                                |
//! | `1M` (pipeline id), `MS`, `1MS`        | calendar months                        |
//! | `1Y` (pipeline id), `YS`, `AS`, `YS-JAN`, `AS-JAN` | calendar years             |
//!
//! Note the two traps: the pipeline's `1W` is `W-MON` while pandas' `1W` is `W-SUN`, and `m` is
//! a minute while `M` is a month. Multiples of calendar rules (`2W-MON`, `3MS`) are rejected:
//! pandas anchors them to the first bin of the data, not to a fixed grid. Bare `M`/`Y` (pandas'
//! month and year *ends*) are rejected too.
//!
//! # Options
//!
//! A spec may carry options after commas: `4h,origin=03:00,closed=right,label=right`.
//! [`Timeframe`]'s `Display` writes this canonical form back, so it round-trips through
//! [`Timeframe::parse`].
//!
//! * `closed` and `label` default to `left` for every rule, as in the pipeline. (pandas' own
//!   default for `W-*`, `ME`, `YE`… is `right`/`right`; for `MS`, `YS` and fixed rules `left`.)
//! * `origin` applies to fixed rules only: `epoch` (the default), a time of day `HH:MM[:SS]`
//!   (taken on 1970-01-01, so the result never depends on the run date), or an explicit instant
//!   in epoch milliseconds (may be negative). Calendar rules ignore the origin in pandas; here a
//!   non-`epoch` origin on a calendar rule is rejected as contradictory.
//!
//! # Bin math (verified against pandas)
//!
//! * Fixed rules, period `P`, origin `o`: the nominal bin edges are `o + k·P`. With
//!   `closed=left` a bin is `[e, e+P)`, with `closed=right` it is `(e, e+P]`. The label is the
//!   left edge `e` or the right edge `e+P`.
//! * `W-<day>`: edges are that weekday at 00:00. `closed=left`: `[e, e+7d)`. `closed=right`:
//!   pandas moves the edges of `W-*` rules to the *end* of the edge day (`e + 1d - 1 unit`), so
//!   with millisecond timestamps a bin is `[e+1d, e+8d)` while its labels stay `e` / `e+7d`.
//! * `MS` / `YS`: edges are the first of the month / year at 00:00; `closed=left`: `[e, next)`,
//!   `closed=right`: `(e, next]`. Labels are `e` / `next`.
//!
//! A [`Bin`] describes a bin by the closed range of timestamps it holds (`first..=last`), which
//! is all the resample kernel needs, plus its label.

use crate::error::ErrorKind;
use core::fmt;
use core::str::FromStr;

/// Milliseconds in a second.
pub const SECOND_MS: u64 = 1_000;
/// Milliseconds in a minute.
pub const MINUTE_MS: u64 = 60 * SECOND_MS;
/// Milliseconds in an hour.
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
/// Milliseconds in a day (24 h).
pub const DAY_MS: u64 = 24 * HOUR_MS;

const DAY: i128 = DAY_MS as i128;
const U64_MAX: i128 = u64::MAX as i128;

/// A side of a bin: which end is closed, or which edge labels it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Side {
    /// The left (earlier) end. The pipeline's choice for both `closed` and `label`.
    #[default]
    Left,
    /// The right (later) end.
    Right,
}

impl Side {
    /// `"left"` or `"right"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = TimeframeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "left" => Ok(Side::Left),
            "right" => Ok(Side::Right),
            other => Err(TimeframeError::InvalidOption(SpecText::new(other))),
        }
    }
}

/// A day of the week, Monday first (pandas' `dayofweek` numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weekday {
    /// Monday (0).
    Mon,
    /// Tuesday (1).
    Tue,
    /// Wednesday (2).
    Wed,
    /// Thursday (3).
    Thu,
    /// Friday (4).
    Fri,
    /// Saturday (5).
    Sat,
    /// Sunday (6).
    Sun,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday … 6 for Sunday.
    #[must_use]
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// The day with this index (0 = Monday), if `index < 7`.
    #[must_use]
    pub const fn from_index(index: u8) -> Option<Self> {
        match index {
            0 => Some(Weekday::Mon),
            1 => Some(Weekday::Tue),
            2 => Some(Weekday::Wed),
            3 => Some(Weekday::Thu),
            4 => Some(Weekday::Fri),
            5 => Some(Weekday::Sat),
            6 => Some(Weekday::Sun),
            _ => None,
        }
    }

    /// pandas' three-letter upper-case name (`"MON"`).
    #[must_use]
    pub const fn abbrev(self) -> &'static str {
        match self {
            Weekday::Mon => "MON",
            Weekday::Tue => "TUE",
            Weekday::Wed => "WED",
            Weekday::Thu => "THU",
            Weekday::Fri => "FRI",
            Weekday::Sat => "SAT",
            Weekday::Sun => "SUN",
        }
    }

    /// The weekday of day number `days` since 1970-01-01 (a Thursday).
    #[must_use]
    pub const fn of_epoch_day(days: i64) -> Self {
        match Weekday::from_index(((days.rem_euclid(7) + 3) % 7) as u8) {
            Some(d) => d,
            None => Weekday::Mon, // rem_euclid(7) is always in 0..7
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbrev())
    }
}

impl FromStr for Weekday {
    type Err = TimeframeError;

    /// Accepts the three-letter names in any case (`MON`, `mon`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Weekday::ALL
            .iter()
            .copied()
            .find(|d| d.abbrev().eq_ignore_ascii_case(t))
            .ok_or(TimeframeError::InvalidOption(SpecText::new(t)))
    }
}

/// What divides the time line into bins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Bins of a fixed number of milliseconds (never zero), aligned to the origin.
    Fixed {
        /// Bin length in milliseconds.
        ms: u64,
    },
    /// Calendar weeks whose edges fall on `anchor` at 00:00 (pandas `W-<anchor>`).
    Week {
        /// The day the week's edges fall on.
        anchor: Weekday,
    },
    /// Calendar months (pandas `MS`).
    MonthStart,
    /// Calendar years (pandas `YS`, formerly `AS`).
    YearStart,
}

/// Where the grid of a fixed rule is anchored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Origin {
    /// 1970-01-01 00:00 (pandas `origin="epoch"`).
    #[default]
    Epoch,
    /// A time of day, in seconds after midnight (`< 86_400`), taken on 1970-01-01.
    TimeOfDay {
        /// Seconds after midnight.
        seconds: u32,
    },
    /// An explicit instant in epoch milliseconds (may precede 1970).
    Timestamp {
        /// Epoch milliseconds.
        ms: i64,
    },
}

impl Origin {
    /// Parses `epoch`, `HH:MM`, `HH:MM:SS` (hour 0–23, one or two digits) or an integer number of
    /// epoch milliseconds (optionally negative).
    pub fn parse(s: &str) -> Result<Self, TimeframeError> {
        let t = s.trim();
        let err = || TimeframeError::InvalidOrigin(SpecText::new(t));
        if t == "epoch" {
            return Ok(Origin::Epoch);
        }
        if t.contains(':') {
            let mut parts = t.split(':');
            let h = parts.next().and_then(|p| parse_clock_field(p, 1, 23));
            let m = parts.next().and_then(|p| parse_clock_field(p, 2, 59));
            let sec = match parts.next() {
                None => Some(0),
                Some(p) => parse_clock_field(p, 2, 59),
            };
            return match (h, m, sec, parts.next()) {
                (Some(h), Some(m), Some(sec), None) => Ok(Origin::TimeOfDay {
                    seconds: h * 3600 + m * 60 + sec,
                }),
                _ => Err(err()),
            };
        }
        let (neg, digits) = match t.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, t),
        };
        let v = parse_u64(digits).ok_or_else(err)?;
        let ms = if neg {
            0i64.checked_sub_unsigned(v)
        } else {
            i64::try_from(v).ok()
        };
        Ok(Origin::Timestamp {
            ms: ms.ok_or_else(err)?,
        })
    }

    /// The origin as an instant in epoch milliseconds.
    #[must_use]
    pub const fn epoch_ms(self) -> i64 {
        match self {
            Origin::Epoch => 0,
            Origin::TimeOfDay { seconds } => seconds as i64 * SECOND_MS as i64,
            Origin::Timestamp { ms } => ms,
        }
    }
}

/// One clock field of `HH:MM[:SS]`: `min_digits..=2` ASCII digits, at most `max`.
fn parse_clock_field(p: &str, min_digits: usize, max: u32) -> Option<u32> {
    if p.len() < min_digits || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v = p.bytes().fold(0u32, |a, b| a * 10 + u32::from(b - b'0'));
    (v <= max).then_some(v)
}

/// A non-empty run of ASCII digits as `u64`; `None` on anything else or on overflow.
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |a, b| {
        if b.is_ascii_digit() {
            a.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

impl FromStr for Origin {
    type Err = TimeframeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Origin::parse(s)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Origin::Epoch => f.write_str("epoch"),
            Origin::TimeOfDay { seconds } => {
                let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
                if s == 0 {
                    write!(f, "{h:02}:{m:02}")
                } else {
                    write!(f, "{h:02}:{m:02}:{s:02}")
                }
            }
            Origin::Timestamp { ms } => write!(f, "{ms}"),
        }
    }
}

/// A short copy of the offending part of a spec, for error messages without allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecText {
    buf: [u8; SpecText::CAP],
    len: u8,
    truncated: bool,
}

impl SpecText {
    /// How many bytes are kept; longer text is cut at a character boundary.
    pub const CAP: usize = 32;

    /// Copies up to [`SpecText::CAP`] bytes of `s`.
    #[must_use]
    pub fn new(s: &str) -> Self {
        let mut n = s.len().min(Self::CAP);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        let mut buf = [0u8; Self::CAP];
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), s.as_bytes().get(..n)) {
            dst.copy_from_slice(src);
        }
        SpecText {
            buf,
            len: n as u8,
            truncated: n < s.len(),
        }
    }

    /// The kept text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.buf
            .get(..usize::from(self.len))
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl fmt::Display for SpecText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        if self.truncated {
            f.write_str("...")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SpecText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())?;
        if self.truncated {
            f.write_str("...")?;
        }
        Ok(())
    }
}

/// Why a timeframe spec was rejected, or why a bin cannot be expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeframeError {
    /// The spec is empty.
    Empty,
    /// The rule is not one this crate knows.
    UnknownRule(SpecText),
    /// A pandas rule deliberately not supported (month/year *end* rules).
    UnsupportedRule(SpecText),
    /// A multiple of a calendar rule (`2W-MON`, `3MS`): pandas anchors those to the data's first
    /// bin rather than to a fixed grid, so they are not supported.
    CalendarMultiple(SpecText),
    /// The length is zero.
    ZeroLength(SpecText),
    /// The length does not fit in `u64` milliseconds.
    TooLong(SpecText),
    /// The origin is not `epoch`, `HH:MM[:SS]` or an integer number of milliseconds.
    InvalidOrigin(SpecText),
    /// A non-`epoch` origin was given for a calendar rule, which pandas would silently ignore.
    OriginWithCalendarRule,
    /// A week anchor was given for a rule that is not weekly.
    AnchorWithoutWeeks,
    /// An option is unknown or has a bad value (`closed=middle`).
    InvalidOption(SpecText),
    /// An option was given twice.
    DuplicateOption(SpecText),
    /// The bin holding timestamp `ts` has a label or edge before 1970-01-01.
    BeforeEpoch {
        /// The input timestamp (epoch ms).
        ts: u64,
    },
    /// The bin holding timestamp `ts` has a label or edge past `u64::MAX` milliseconds.
    PastMax {
        /// The input timestamp (epoch ms).
        ts: u64,
    },
}

impl TimeframeError {
    /// The crate-wide category: `InvalidTimeframe` for specs, `Overflow` for unrepresentable
    /// bins.
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        match self {
            TimeframeError::BeforeEpoch { .. } | TimeframeError::PastMax { .. } => {
                ErrorKind::Overflow
            }
            _ => ErrorKind::InvalidTimeframe,
        }
    }
}

impl fmt::Display for TimeframeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeframeError::Empty => f.write_str("empty timeframe spec"),
            TimeframeError::UnknownRule(t) => write!(
                f,
                "unknown timeframe rule `{t}`: expected N followed by ms, s, m/min/T, h/H or d/D \
                 (e.g. 5m, 15min, 4h), 1W, W, W-MON..W-SUN, 1M, MS, 1Y, YS or AS"
            ),
            TimeframeError::UnsupportedRule(t) => write!(
                f,
                "timeframe rule `{t}` is not supported: month/year-end rules are not \
                 implemented (use MS, YS, or the pipeline ids 1M, 1Y)"
            ),
            TimeframeError::CalendarMultiple(t) => write!(
                f,
                "timeframe rule `{t}`: multiples of calendar rules are not supported (pandas \
                 anchors them to the data's first bin); use a count of 1"
            ),
            TimeframeError::ZeroLength(t) => write!(f, "timeframe `{t}` has zero length"),
            TimeframeError::TooLong(t) => {
                write!(
                    f,
                    "timeframe `{t}` is too long (overflows u64 milliseconds)"
                )
            }
            TimeframeError::InvalidOrigin(t) => write!(
                f,
                "invalid origin `{t}`: expected epoch, HH:MM, HH:MM:SS or epoch milliseconds"
            ),
            TimeframeError::OriginWithCalendarRule => f.write_str(
                "an origin other than epoch was given for a calendar rule (W-*, MS, YS), which \
                 pandas ignores; remove it",
            ),
            TimeframeError::AnchorWithoutWeeks => {
                f.write_str("a week anchor was given for a rule that is not weekly")
            }
            TimeframeError::InvalidOption(t) => write!(
                f,
                "invalid timeframe option `{t}`: expected origin=..., closed=left|right or \
                 label=left|right"
            ),
            TimeframeError::DuplicateOption(t) => write!(f, "timeframe option `{t}` given twice"),
            TimeframeError::BeforeEpoch { ts } => write!(
                f,
                "the bin holding timestamp {ts} ms has a label or edge before 1970-01-01"
            ),
            TimeframeError::PastMax { ts } => write!(
                f,
                "the bin holding timestamp {ts} ms has a label or edge past u64::MAX ms"
            ),
        }
    }
}

impl core::error::Error for TimeframeError {}

#[cfg(feature = "std")]
impl From<TimeframeError> for crate::error::Error {
    fn from(e: TimeframeError) -> Self {
        crate::error::Error::new(e.kind(), std::format!("{e}"))
    }
}

/// One bin of a [`Timeframe`]: the input timestamps it holds and its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Bin {
    /// Smallest timestamp in the bin (epoch ms; clamped to 0 for bins starting before 1970).
    pub first: u64,
    /// Largest timestamp in the bin (clamped to `u64::MAX`).
    pub last: u64,
    /// The bin's label: the `ts` of the bar it produces.
    pub label: u64,
}

impl Bin {
    /// Whether `ts` falls in the bin.
    #[must_use]
    pub const fn contains(&self, ts: u64) -> bool {
        self.first <= ts && ts <= self.last
    }

    /// The first timestamp of the following bin (the next bin edge as a timestamp), or `None`
    /// if the bin reaches `u64::MAX`.
    #[must_use]
    pub const fn next_first(&self) -> Option<u64> {
        self.last.checked_add(1)
    }
}

/// A bin's nominal edges and member range, before range checks.
#[derive(Clone, Copy, Debug)]
struct RawBin {
    left: i128,
    right: i128,
    first: i128,
    last: i128,
}

/// A resample timeframe: rule, origin, closed side and label side. Plain `Copy` data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timeframe {
    rule: Rule,
    origin: Origin,
    closed: Side,
    label: Side,
    /// Fixed rules: the origin modulo the period, in `0..period`. Zero for calendar rules.
    phase: u64,
}

impl Timeframe {
    /// Fixed-length bins of `ms` milliseconds, epoch origin, closed and labelled left.
    pub fn fixed(ms: u64) -> Result<Self, TimeframeError> {
        if ms == 0 {
            return Err(TimeframeError::ZeroLength(SpecText::new("0ms")));
        }
        Ok(Self::with_rule(Rule::Fixed { ms }))
    }

    /// Calendar weeks with edges on `anchor` (pandas `W-<anchor>`), closed and labelled left.
    #[must_use]
    pub const fn weekly(anchor: Weekday) -> Self {
        Self::with_rule(Rule::Week { anchor })
    }

    /// Calendar months (pandas `MS`), closed and labelled left.
    #[must_use]
    pub const fn month_start() -> Self {
        Self::with_rule(Rule::MonthStart)
    }

    /// Calendar years (pandas `YS`/`AS`), closed and labelled left.
    #[must_use]
    pub const fn year_start() -> Self {
        Self::with_rule(Rule::YearStart)
    }

    const fn with_rule(rule: Rule) -> Self {
        Timeframe {
            rule,
            origin: Origin::Epoch,
            closed: Side::Left,
            label: Side::Left,
            phase: 0,
        }
    }

    /// Parses a spec: a rule (see the [module docs](self)) optionally followed by
    /// `,origin=...`, `,closed=left|right`, `,label=left|right`.
    pub fn parse(spec: &str) -> Result<Self, TimeframeError> {
        let mut parts = spec.split(',');
        let rule = parts.next().unwrap_or("").trim();
        if rule.is_empty() {
            return Err(TimeframeError::Empty);
        }
        let mut tf = Self::with_rule(parse_rule(rule)?);
        let (mut seen_origin, mut seen_closed, mut seen_label) = (false, false, false);
        for opt in parts {
            let opt = opt.trim();
            let (key, value) = opt
                .split_once('=')
                .ok_or(TimeframeError::InvalidOption(SpecText::new(opt)))?;
            let seen = match key.trim() {
                "origin" => {
                    tf = tf.with_origin(Origin::parse(value)?)?;
                    &mut seen_origin
                }
                "closed" => {
                    tf = tf.with_closed(value.parse()?);
                    &mut seen_closed
                }
                "label" => {
                    tf = tf.with_label(value.parse()?);
                    &mut seen_label
                }
                _ => return Err(TimeframeError::InvalidOption(SpecText::new(opt))),
            };
            if *seen {
                return Err(TimeframeError::DuplicateOption(SpecText::new(key.trim())));
            }
            *seen = true;
        }
        Ok(tf)
    }

    /// The same timeframe with another origin. Calendar rules accept only [`Origin::Epoch`]; a
    /// time of day must be below 24 h.
    pub fn with_origin(mut self, origin: Origin) -> Result<Self, TimeframeError> {
        match self.rule {
            Rule::Fixed { ms } => {
                if let Origin::TimeOfDay { seconds } = origin
                    && seconds >= 86_400
                {
                    return Err(TimeframeError::InvalidOrigin(SpecText::new(
                        "time of day past 24:00",
                    )));
                }
                let phase = i128::from(origin.epoch_ms()).rem_euclid(i128::from(ms));
                self.phase = u64::try_from(phase).unwrap_or(0);
                self.origin = origin;
                Ok(self)
            }
            _ if origin == Origin::Epoch => Ok(self),
            _ => Err(TimeframeError::OriginWithCalendarRule),
        }
    }

    /// The same timeframe with another closed side.
    #[must_use]
    pub const fn with_closed(mut self, closed: Side) -> Self {
        self.closed = closed;
        self
    }

    /// The same timeframe with another label side.
    #[must_use]
    pub const fn with_label(mut self, label: Side) -> Self {
        self.label = label;
        self
    }

    /// The same weekly timeframe anchored on another day; an error for other rules.
    pub const fn with_week_anchor(mut self, anchor: Weekday) -> Result<Self, TimeframeError> {
        match self.rule {
            Rule::Week { .. } => {
                self.rule = Rule::Week { anchor };
                Ok(self)
            }
            _ => Err(TimeframeError::AnchorWithoutWeeks),
        }
    }

    /// The rule.
    #[must_use]
    pub const fn rule(&self) -> Rule {
        self.rule
    }

    /// The origin (always [`Origin::Epoch`] for calendar rules).
    #[must_use]
    pub const fn origin(&self) -> Origin {
        self.origin
    }

    /// Which end of a bin is closed.
    #[must_use]
    pub const fn closed(&self) -> Side {
        self.closed
    }

    /// Which edge labels a bin.
    #[must_use]
    pub const fn label(&self) -> Side {
        self.label
    }

    /// The bin length in milliseconds for fixed rules; `None` for calendar rules.
    #[must_use]
    pub const fn period_ms(&self) -> Option<u64> {
        match self.rule {
            Rule::Fixed { ms } => Some(ms),
            _ => None,
        }
    }

    /// Whether the rule follows the calendar (weeks, months, years).
    #[must_use]
    pub const fn is_calendar(&self) -> bool {
        !matches!(self.rule, Rule::Fixed { .. })
    }

    /// The bin holding timestamp `ts`. Fails if the bin's label cannot be expressed as `u64`
    /// epoch milliseconds.
    pub fn bin(&self, ts: u64) -> Result<Bin, TimeframeError> {
        let raw = self.raw_bin(ts);
        let label = match self.label {
            Side::Left => raw.left,
            Side::Right => raw.right,
        };
        Ok(Bin {
            first: raw.first.clamp(0, U64_MAX) as u64,
            last: raw.last.clamp(0, U64_MAX) as u64,
            label: to_u64(label, ts)?,
        })
    }

    /// The label of the bin holding `ts`.
    pub fn label_of(&self, ts: u64) -> Result<u64, TimeframeError> {
        self.bin(ts).map(|b| b.label)
    }

    /// The nominal left edge of the bin holding `ts` (its label with `label=left`).
    pub fn bin_start(&self, ts: u64) -> Result<u64, TimeframeError> {
        to_u64(self.raw_bin(ts).left, ts)
    }

    /// The nominal right edge of the bin holding `ts` (its label with `label=right`). With
    /// `closed=left` it is also the first timestamp of the next bin.
    pub fn bin_end(&self, ts: u64) -> Result<u64, TimeframeError> {
        to_u64(self.raw_bin(ts).right, ts)
    }

    /// The bin after `bin` (a bin of this timeframe): `Ok(None)` if `bin` reaches `u64::MAX`, an
    /// error if the next bin's label cannot be expressed.
    pub fn next_bin(&self, bin: &Bin) -> Result<Option<Bin>, TimeframeError> {
        let Some(first) = bin.next_first() else {
            return Ok(None);
        };
        match self.constant_successor(bin) {
            Some(next) => Ok(Some(next)),
            None => self.bin(first).map(Some),
        }
    }

    /// For rules of constant length (fixed rules and weeks), the bin after `bin`, computed without
    /// division; `None` for months and years, at the end of the `u64` range, or if the label
    /// overflows (callers then fall back to [`Timeframe::bin`], which reports the error).
    #[inline]
    pub(crate) fn constant_successor(&self, bin: &Bin) -> Option<Bin> {
        let period = match self.rule {
            Rule::Fixed { ms } => ms,
            Rule::Week { .. } => 7 * DAY_MS,
            Rule::MonthStart | Rule::YearStart => return None,
        };
        Some(Bin {
            first: bin.last.checked_add(1)?,
            last: bin.last.saturating_add(period),
            label: bin.label.checked_add(period)?,
        })
    }

    fn raw_bin(&self, ts: u64) -> RawBin {
        let t = i128::from(ts);
        let right_closed = self.closed == Side::Right;
        match self.rule {
            Rule::Fixed { ms } => {
                // closed=right bins are (e, e+P]: find the left-closed bin of ts - 1.
                let x = if right_closed {
                    ts.checked_sub(1)
                } else {
                    Some(ts)
                };
                let left = match x {
                    Some(x) if x >= self.phase => i128::from(x - (x - self.phase) % ms),
                    // x < phase (< P), or x = -1: the bin began at phase - P, before 1970.
                    _ => i128::from(self.phase) - i128::from(ms),
                };
                let right = left + i128::from(ms);
                let shift = i128::from(right_closed);
                RawBin {
                    left,
                    right,
                    first: left + shift,
                    last: right - 1 + shift,
                }
            }
            Rule::Week { anchor } => {
                // pandas moves W-* edges to the end of the edge day when closed=right.
                let shift = if right_closed { DAY } else { 0 };
                let day = floor_day(t - shift);
                let back = (Weekday::of_epoch_day(day).index() as i64 - anchor.index() as i64)
                    .rem_euclid(7);
                let left = i128::from(day - back) * DAY;
                let right = left + 7 * DAY;
                RawBin {
                    left,
                    right,
                    first: left + shift,
                    last: right - 1 + shift,
                }
            }
            Rule::MonthStart | Rule::YearStart => {
                let shift = i128::from(right_closed);
                let day = floor_day(t - shift);
                let (y, m, d) = civil_from_days(day);
                let (left_day, right_day) = if self.rule == Rule::MonthStart {
                    let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                    (day - i64::from(d - 1), days_from_civil(next.0, next.1, 1))
                } else {
                    (days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1))
                };
                let left = i128::from(left_day) * DAY;
                let right = i128::from(right_day) * DAY;
                RawBin {
                    left,
                    right,
                    first: left + shift,
                    last: right - 1 + shift,
                }
            }
        }
    }
}

/// `floor(t / DAY)` for `t >= -DAY` (the only negative values the bin math produces).
fn floor_day(t: i128) -> i64 {
    if t >= 0 {
        // t <= u64::MAX, so the quotient is below 2^38 and fits i64.
        (t / DAY) as i64
    } else {
        -1
    }
}

/// A label or edge as `u64` epoch ms, or the error naming the input timestamp.
fn to_u64(v: i128, ts: u64) -> Result<u64, TimeframeError> {
    if v < 0 {
        Err(TimeframeError::BeforeEpoch { ts })
    } else {
        u64::try_from(v).map_err(|_| TimeframeError::PastMax { ts })
    }
}

/// Day number since 1970-01-01 of the proleptic Gregorian date `y-m-d` (`m` in 1..=12).
///
/// Counts in 400-year eras of 146,097 days, with years starting on March 1 so the leap day
/// ends the year.
pub(crate) const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400; // 0..=399
    let month_from_march = (m as i64 + 9) % 12; // March = 0 … February = 11
    let day_of_year = (153 * month_from_march + 2) / 5 + d as i64 - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468 // 719,468 days from 0000-03-01 to 1970-01-01
}

/// The proleptic Gregorian date `(year, month, day)` of day number `days` since 1970-01-01.
pub(crate) const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097; // 0..=146096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Parses the rule part of a spec (already trimmed, non-empty).
fn parse_rule(rule: &str) -> Result<Rule, TimeframeError> {
    let text = || SpecText::new(rule);
    let split = rule
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rule.len());
    let (digits, unit) = rule.split_at_checked(split).unwrap_or((rule, ""));
    let unit = unit.trim_start();
    let count = if digits.is_empty() {
        None
    } else {
        Some(parse_u64(digits).ok_or(TimeframeError::TooLong(text()))?)
    };
    let unit_ms = match unit {
        "ms" => Some(1),
        "s" | "S" => Some(SECOND_MS),
        "m" | "min" | "T" => Some(MINUTE_MS),
        "h" | "H" => Some(HOUR_MS),
        "d" | "D" => Some(DAY_MS),
        _ => None,
    };
    if let Some(unit_ms) = unit_ms {
        let n = count.unwrap_or(1);
        if n == 0 {
            return Err(TimeframeError::ZeroLength(text()));
        }
        let ms = n
            .checked_mul(unit_ms)
            .ok_or(TimeframeError::TooLong(text()))?;
        return Ok(Rule::Fixed { ms });
    }
    // Calendar rules: only a count of 1 (or none) makes sense.
    let calendar = |r: Rule| match count {
        None | Some(1) => Ok(r),
        Some(0) => Err(TimeframeError::ZeroLength(text())),
        Some(_) => Err(TimeframeError::CalendarMultiple(text())),
    };
    match unit {
        // Pipeline ids: 1W = W-MON, 1M = MS, 1Y = YS. Bare W is pandas' W-SUN; bare M and Y are
        // pandas' (deprecated) month-end and year-end rules.
        "W" if count == Some(1) => Ok(Rule::Week {
            anchor: Weekday::Mon,
        }),
        "W" => calendar(Rule::Week {
            anchor: Weekday::Sun,
        }),
        "M" | "Y" if count == Some(1) => Ok(if unit == "M" {
            Rule::MonthStart
        } else {
            Rule::YearStart
        }),
        "M" | "Y" if count.is_none_or(|n| n == 0) => Err(match count {
            Some(0) => TimeframeError::ZeroLength(text()),
            _ => TimeframeError::UnsupportedRule(text()),
        }),
        "M" | "Y" => Err(TimeframeError::CalendarMultiple(text())),
        "MS" => calendar(Rule::MonthStart),
        "YS" | "AS" | "YS-JAN" | "AS-JAN" => calendar(Rule::YearStart),
        "ME" | "YE" | "A" | "BM" | "BME" | "BMS" | "SM" | "SMS" | "Q" | "QE" | "QS" | "BA"
        | "BY" | "BYS" | "BAS" => Err(TimeframeError::UnsupportedRule(text())),
        _ => match unit.strip_prefix("W-") {
            Some(day) => {
                let anchor = Weekday::ALL
                    .iter()
                    .copied()
                    .find(|d| d.abbrev().eq_ignore_ascii_case(day))
                    .ok_or(TimeframeError::UnknownRule(text()))?;
                calendar(Rule::Week { anchor })
            }
            None => Err(TimeframeError::UnknownRule(text())),
        },
    }
}

impl FromStr for Timeframe {
    type Err = TimeframeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timeframe::parse(s)
    }
}

impl fmt::Display for Timeframe {
    /// The canonical spec: `5m`, `4h`, `1d`, `90s`, `W-MON`, `MS`, `YS`, followed by the
    /// non-default options (`,origin=03:00`, `,closed=right`, `,label=right`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rule {
            Rule::Fixed { ms } => {
                let (n, unit) = [
                    (DAY_MS, "d"),
                    (HOUR_MS, "h"),
                    (MINUTE_MS, "m"),
                    (SECOND_MS, "s"),
                ]
                .iter()
                .find(|(u, _)| ms % u == 0)
                .map_or((ms, "ms"), |&(u, name)| (ms / u, name));
                write!(f, "{n}{unit}")?;
            }
            Rule::Week { anchor } => write!(f, "W-{anchor}")?,
            Rule::MonthStart => f.write_str("MS")?,
            Rule::YearStart => f.write_str("YS")?,
        }
        if self.origin != Origin::Epoch {
            write!(f, ",origin={}", self.origin)?;
        }
        if self.closed == Side::Right {
            f.write_str(",closed=right")?;
        }
        if self.label == Side::Right {
            f.write_str(",label=right")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    const MIN: u64 = MINUTE_MS;
    const HOUR: u64 = HOUR_MS;

    fn tf(s: &str) -> Timeframe {
        Timeframe::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    /// Epoch ms of a UTC date and time.
    fn at(y: i64, mo: u32, d: u32, h: u64, mi: u64) -> u64 {
        let days = days_from_civil(y, mo, d);
        u64::try_from(days).unwrap() * DAY_MS + h * HOUR + mi * MIN
    }

    #[test]
    fn parses_pipeline_ids_and_pandas_aliases() {
        for (spec, rule) in [
            ("5m", Rule::Fixed { ms: 5 * MIN }),
            ("15m", Rule::Fixed { ms: 15 * MIN }),
            ("30m", Rule::Fixed { ms: 30 * MIN }),
            ("1h", Rule::Fixed { ms: HOUR }),
            ("4h", Rule::Fixed { ms: 4 * HOUR }),
            ("1d", Rule::Fixed { ms: DAY_MS }),
            (
                "1W",
                Rule::Week {
                    anchor: Weekday::Mon,
                },
            ),
            ("1M", Rule::MonthStart),
            ("1Y", Rule::YearStart),
            ("5min", Rule::Fixed { ms: 5 * MIN }),
            ("5 min", Rule::Fixed { ms: 5 * MIN }),
            ("5T", Rule::Fixed { ms: 5 * MIN }),
            ("min", Rule::Fixed { ms: MIN }),
            ("4H", Rule::Fixed { ms: 4 * HOUR }),
            ("1D", Rule::Fixed { ms: DAY_MS }),
            ("2d", Rule::Fixed { ms: 2 * DAY_MS }),
            ("30s", Rule::Fixed { ms: 30_000 }),
            ("30S", Rule::Fixed { ms: 30_000 }),
            ("250ms", Rule::Fixed { ms: 250 }),
            ("  15min  ", Rule::Fixed { ms: 15 * MIN }),
            (
                "W",
                Rule::Week {
                    anchor: Weekday::Sun,
                },
            ),
            (
                "W-MON",
                Rule::Week {
                    anchor: Weekday::Mon,
                },
            ),
            (
                "W-wed",
                Rule::Week {
                    anchor: Weekday::Wed,
                },
            ),
            (
                "1W-SUN",
                Rule::Week {
                    anchor: Weekday::Sun,
                },
            ),
            ("MS", Rule::MonthStart),
            ("1MS", Rule::MonthStart),
            ("AS", Rule::YearStart),
            ("YS", Rule::YearStart),
            ("YS-JAN", Rule::YearStart),
            ("AS-JAN", Rule::YearStart),
        ] {
            let t = tf(spec);
            assert_eq!(t.rule(), rule, "{spec}");
            assert_eq!(
                (t.closed(), t.label(), t.origin()),
                (Side::Left, Side::Left, Origin::Epoch)
            );
        }
    }

    #[test]
    fn rejects_bad_specs_with_clear_errors() {
        use TimeframeError as E;
        type Check = fn(&E) -> bool;
        let cases: &[(&str, Check)] = &[
            ("", |e| *e == E::Empty),
            ("   ", |e| *e == E::Empty),
            (",closed=left", |e| *e == E::Empty),
            ("0m", |e| matches!(e, E::ZeroLength(_))),
            ("0W", |e| matches!(e, E::ZeroLength(_))),
            ("0M", |e| matches!(e, E::ZeroLength(_))),
            ("5x", |e| matches!(e, E::UnknownRule(_))),
            ("5", |e| matches!(e, E::UnknownRule(_))),
            ("m5", |e| matches!(e, E::UnknownRule(_))),
            ("-5m", |e| matches!(e, E::UnknownRule(_))),
            ("1.5h", |e| matches!(e, E::UnknownRule(_))),
            ("W-FOO", |e| matches!(e, E::UnknownRule(_))),
            ("YS-JUL", |e| matches!(e, E::UnknownRule(_))),
            ("3MS", |e| matches!(e, E::CalendarMultiple(_))),
            ("2W-MON", |e| matches!(e, E::CalendarMultiple(_))),
            ("2W", |e| matches!(e, E::CalendarMultiple(_))),
            ("5M", |e| matches!(e, E::CalendarMultiple(_))),
            ("2Y", |e| matches!(e, E::CalendarMultiple(_))),
            ("2YS", |e| matches!(e, E::CalendarMultiple(_))),
            ("M", |e| matches!(e, E::UnsupportedRule(_))),
            ("Y", |e| matches!(e, E::UnsupportedRule(_))),
            ("ME", |e| matches!(e, E::UnsupportedRule(_))),
            ("99999999999999999999m", |e| matches!(e, E::TooLong(_))),
            ("999999999999999999d", |e| matches!(e, E::TooLong(_))),
            ("5m,origin=25:00", |e| matches!(e, E::InvalidOrigin(_))),
            ("5m,origin=3:7", |e| matches!(e, E::InvalidOrigin(_))),
            ("5m,origin=start_day", |e| matches!(e, E::InvalidOrigin(_))),
            ("5m,origin=", |e| matches!(e, E::InvalidOrigin(_))),
            ("5m,origin=9223372036854775808", |e| {
                matches!(e, E::InvalidOrigin(_))
            }),
            ("5m,origin=-9223372036854775809", |e| {
                matches!(e, E::InvalidOrigin(_))
            }),
            ("5m,origin=--5", |e| matches!(e, E::InvalidOrigin(_))),
            ("W-MON,origin=03:00", |e| *e == E::OriginWithCalendarRule),
            ("MS,origin=0", |e| *e == E::OriginWithCalendarRule),
            ("5m,closed=middle", |e| matches!(e, E::InvalidOption(_))),
            ("5m,colour=red", |e| matches!(e, E::InvalidOption(_))),
            ("5m,right", |e| matches!(e, E::InvalidOption(_))),
            ("5m,label=left,label=right", |e| {
                matches!(e, E::DuplicateOption(_))
            }),
        ];
        for (spec, ok) in cases {
            let e = Timeframe::parse(spec).expect_err(spec);
            assert!(ok(&e), "{spec}: unexpected {e:?}");
            assert_eq!(e.kind(), ErrorKind::InvalidTimeframe);
            assert!(!e.to_string().is_empty());
        }
        let e = Timeframe::parse("5x").unwrap_err();
        assert!(e.to_string().contains("`5x`"), "{e}");
        let long = "x".repeat(100);
        let e = Timeframe::parse(&long).unwrap_err();
        assert!(e.to_string().contains(&"x".repeat(SpecText::CAP)), "{e}");
        assert!(e.to_string().contains("..."), "{e}");
        // Truncation respects character boundaries.
        let e = Timeframe::parse(&"é".repeat(40)).unwrap_err();
        assert!(e.to_string().contains(&"é".repeat(16)), "{e}");
        assert!(matches!(
            Timeframe::fixed(0),
            Err(TimeframeError::ZeroLength(_))
        ));
        assert_eq!(
            Timeframe::month_start().with_week_anchor(Weekday::Tue),
            Err(TimeframeError::AnchorWithoutWeeks)
        );
        assert!(matches!(
            tf("5m").with_origin(Origin::TimeOfDay { seconds: 86_400 }),
            Err(TimeframeError::InvalidOrigin(_))
        ));
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        for (spec, canon) in [
            ("5min", "5m"),
            ("60m", "1h"),
            ("1D", "1d"),
            ("48h", "2d"),
            ("36h", "36h"),
            ("90s", "90s"),
            ("1500ms", "1500ms"),
            ("1W", "W-MON"),
            ("W", "W-SUN"),
            ("1M", "MS"),
            ("AS", "YS"),
            ("4h,origin=03:00", "4h,origin=03:00"),
            ("4h, origin = 3:00:30 ", "4h,origin=03:00:30"),
            ("1h,origin=-1000", "1h,origin=-1000"),
            ("5m,origin=epoch,closed=left", "5m"),
            (
                "W-MON,label=right,closed=right",
                "W-MON,closed=right,label=right",
            ),
            ("MS,origin=epoch", "MS"),
        ] {
            let t = tf(spec);
            assert_eq!(t.to_string(), canon, "{spec}");
            assert_eq!(tf(&t.to_string()), t, "{spec}");
            assert_eq!(canon.parse::<Timeframe>(), Ok(t));
        }
        assert_eq!(
            Timeframe::weekly(Weekday::Mon)
                .with_week_anchor(Weekday::Fri)
                .unwrap()
                .to_string(),
            "W-FRI"
        );
        assert_eq!(Origin::parse("12:34:56").unwrap().to_string(), "12:34:56");
        assert_eq!("right".parse::<Side>(), Ok(Side::Right));
        assert_eq!("thu".parse::<Weekday>(), Ok(Weekday::Thu));
    }

    #[test]
    fn civil_calendar_matches_day_by_day_count() {
        // Walk day by day from 1900-01-01 through 2200 and compare both conversions.
        let mut days = days_from_civil(1900, 1, 1);
        assert_eq!(days, -25_567);
        for y in 1900..2200 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for m in 1..=12u32 {
                let len = match m {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                for d in 1..=len {
                    assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
                    assert_eq!(civil_from_days(days), (y, m, d));
                    days += 1;
                }
            }
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(Weekday::of_epoch_day(0), Weekday::Thu);
        assert_eq!(Weekday::of_epoch_day(-1), Weekday::Wed);
        assert_eq!(
            Weekday::of_epoch_day(i64::MAX),
            Weekday::of_epoch_day(i64::MAX % 7)
        );
        assert_eq!(
            Weekday::of_epoch_day(i64::MIN),
            Weekday::of_epoch_day(i64::MIN % 7 + 7)
        );
        // The far end of the u64 range still converts both ways.
        let far = (u64::MAX / DAY_MS) as i64;
        let (y, m, d) = civil_from_days(far);
        assert_eq!(days_from_civil(y, m, d), far);
    }

    #[test]
    fn fixed_bins_follow_origin_closed_and_label() {
        // 4h with origin 03:00 gives bins at 03, 07, 11, 15, 19, 23.
        let t = tf("4h,origin=03:00");
        let day = at(2025, 1, 6, 0, 0);
        let mut starts = std::collections::BTreeSet::new();
        for h in 0..24 {
            let label = t.label_of(day + h * HOUR).unwrap();
            // 00:00..02:59 belong to the bin that began at 23:00 the day before.
            let want = if h < 3 {
                day - HOUR
            } else {
                day + ((h - 3) / 4 * 4 + 3) * HOUR
            };
            assert_eq!(label, want, "hour {h}");
            starts.insert((label + HOUR - day) / HOUR);
        }
        // bins at 23 (the day before), 03, 07, 11, 15, 19, 23 (shifted by one hour)
        assert_eq!(
            starts.into_iter().collect::<std::vec::Vec<_>>(),
            [0, 4, 8, 12, 16, 20, 24]
        );
        assert_eq!(t.label_of(day).unwrap(), day - HOUR);
        assert_eq!(t.label_of(day + 3 * HOUR).unwrap(), day + 3 * HOUR);
        assert_eq!(t.label_of(day + 23 * HOUR).unwrap(), day + 23 * HOUR);

        // 1D with origin 02:30 gives days starting at 02:30.
        let t = tf("1D,origin=02:30");
        assert_eq!(
            t.label_of(day + 2 * HOUR).unwrap(),
            day - DAY_MS + 150 * MIN
        );
        assert_eq!(t.label_of(day + 150 * MIN).unwrap(), day + 150 * MIN);
        assert_eq!(
            t.bin(day + 150 * MIN).unwrap(),
            Bin {
                first: day + 150 * MIN,
                last: day + DAY_MS + 150 * MIN - 1,
                label: day + 150 * MIN
            }
        );

        // closed/label combinations on a 5-minute grid.
        let five = 5 * MIN;
        let base = day;
        for (closed, label, ts, want_first, want_label) in [
            (Side::Left, Side::Left, base, base, base),
            (Side::Left, Side::Right, base, base, base + five),
            (Side::Right, Side::Left, base, base - five + 1, base - five),
            (Side::Right, Side::Right, base, base - five + 1, base),
            (Side::Right, Side::Right, base + 1, base + 1, base + five),
        ] {
            let t = tf("5m").with_closed(closed).with_label(label);
            let b = t.bin(ts).unwrap();
            assert_eq!(
                (b.first, b.last - b.first + 1, b.label),
                (want_first, five, want_label)
            );
            assert!(b.contains(ts));
            assert_eq!(b.next_first(), Some(b.last + 1));
            assert_eq!(t.bin_end(ts).unwrap() - t.bin_start(ts).unwrap(), five);
        }

        // An explicit timestamp origin, before 1970, aligns the grid like a time of day.
        let t = tf("1h,origin=-1800000");
        assert_eq!(t.label_of(day + 10 * MIN).unwrap(), day - 30 * MIN);
        assert_eq!(t.label_of(day + 30 * MIN).unwrap(), day + 30 * MIN);
    }

    #[test]
    fn week_month_year_bins_match_pandas() {
        // W-MON, closed left: a Sunday 2025-01-05 23:00 bar lands in the week of 2024-12-30;
        // Monday 2025-01-13 00:00 opens a new week.
        let w = tf("1W");
        assert_eq!(
            w.label_of(at(2025, 1, 5, 23, 0)).unwrap(),
            at(2024, 12, 30, 0, 0)
        );
        assert_eq!(
            w.label_of(at(2025, 1, 12, 23, 59)).unwrap(),
            at(2025, 1, 6, 0, 0)
        );
        assert_eq!(
            w.label_of(at(2025, 1, 13, 0, 0)).unwrap(),
            at(2025, 1, 13, 0, 0)
        );
        // Right label: the following Monday.
        let wr = w.with_label(Side::Right);
        assert_eq!(
            wr.label_of(at(2025, 1, 5, 23, 0)).unwrap(),
            at(2025, 1, 6, 0, 0)
        );
        // closed=right: pandas' W-* edges move to the end of Monday, so Monday still belongs to
        // the previous week and Tuesday 00:00 opens the new one.
        let wc = w.with_closed(Side::Right);
        let mon = at(2025, 1, 6, 0, 0);
        for (ts, label) in [
            (mon - 1, at(2024, 12, 30, 0, 0)),
            (mon, at(2024, 12, 30, 0, 0)),
            (mon + DAY_MS - 1, at(2024, 12, 30, 0, 0)),
            (mon + DAY_MS, mon),
            (mon + 7 * DAY_MS, mon),
            (mon + 8 * DAY_MS, mon + 7 * DAY_MS),
        ] {
            assert_eq!(wc.label_of(ts).unwrap(), label);
            assert_eq!(
                wc.with_label(Side::Right).label_of(ts).unwrap(),
                label + 7 * DAY_MS
            );
        }
        assert_eq!(
            wc.bin(mon + DAY_MS).unwrap(),
            Bin {
                first: mon + DAY_MS,
                last: mon + 8 * DAY_MS - 1,
                label: mon
            }
        );
        // Other anchors: W-SUN weeks start on Sunday.
        let sun = tf("W");
        assert_eq!(
            sun.label_of(at(2025, 1, 8, 12, 0)).unwrap(),
            at(2025, 1, 5, 0, 0)
        );

        // Months and years.
        let ms = tf("1M");
        assert_eq!(
            ms.label_of(at(2024, 2, 29, 23, 59)).unwrap(),
            at(2024, 2, 1, 0, 0)
        );
        assert_eq!(
            ms.bin_end(at(2024, 2, 10, 0, 0)).unwrap(),
            at(2024, 3, 1, 0, 0)
        );
        assert_eq!(
            ms.label_of(at(2024, 12, 31, 0, 0)).unwrap(),
            at(2024, 12, 1, 0, 0)
        );
        assert_eq!(
            ms.with_label(Side::Right)
                .label_of(at(2024, 12, 31, 0, 0))
                .unwrap(),
            at(2025, 1, 1, 0, 0)
        );
        let msr = ms.with_closed(Side::Right);
        assert_eq!(
            msr.label_of(at(2025, 2, 1, 0, 0)).unwrap(),
            at(2025, 1, 1, 0, 0)
        );
        assert_eq!(
            msr.label_of(at(2025, 2, 1, 0, 0) + 1).unwrap(),
            at(2025, 2, 1, 0, 0)
        );
        let ys = tf("1Y");
        assert_eq!(
            ys.label_of(at(2023, 7, 4, 12, 0)).unwrap(),
            at(2023, 1, 1, 0, 0)
        );
        assert_eq!(
            ys.with_closed(Side::Right)
                .label_of(at(2023, 1, 1, 0, 0))
                .unwrap(),
            at(2022, 1, 1, 0, 0)
        );
    }

    #[test]
    fn labels_outside_u64_are_errors_not_wraps() {
        // The bin of ts=0 with origin 03:00 starts at 1969-12-31 23:00.
        let t = tf("4h,origin=03:00");
        assert_eq!(t.label_of(0), Err(TimeframeError::BeforeEpoch { ts: 0 }));
        assert_eq!(t.bin_start(0), Err(TimeframeError::BeforeEpoch { ts: 0 }));
        assert_eq!(t.bin(0).unwrap_err().kind(), ErrorKind::Overflow);
        // ...but the right label of that bin is fine, and the bin's range is clamped at 0.
        let b = t.with_label(Side::Right).bin(0).unwrap();
        assert_eq!(
            b,
            Bin {
                first: 0,
                last: 3 * HOUR - 1,
                label: 3 * HOUR
            }
        );
        // closed=right puts ts=0 in the bin (-5m, 0].
        let r = tf("5m,closed=right");
        assert_eq!(r.label_of(0), Err(TimeframeError::BeforeEpoch { ts: 0 }));
        assert_eq!(r.with_label(Side::Right).label_of(0), Ok(0));
        // 1970-01-01 is a Thursday: its W-MON week began in 1969.
        assert_eq!(
            tf("1W").label_of(0),
            Err(TimeframeError::BeforeEpoch { ts: 0 })
        );
        assert_eq!(
            tf("1W,closed=right").label_of(0),
            Err(TimeframeError::BeforeEpoch { ts: 0 })
        );
        assert_eq!(
            tf("MS,closed=right").label_of(0),
            Err(TimeframeError::BeforeEpoch { ts: 0 })
        );
        assert_eq!(tf("MS").label_of(0), Ok(0));
        // At the top of the range, right labels overflow and are reported.
        for spec in ["5m", "1W", "MS", "YS", "7ms,origin=3"] {
            let t = tf(spec).with_label(Side::Right);
            assert_eq!(
                t.label_of(u64::MAX),
                Err(TimeframeError::PastMax { ts: u64::MAX }),
                "{spec}"
            );
            let b = tf(spec).bin(u64::MAX).unwrap();
            assert_eq!(b.last, u64::MAX, "{spec}");
            assert_eq!(b.next_first(), None);
            assert!(b.contains(u64::MAX));
            for closed in [Side::Left, Side::Right] {
                for ts in [0, 1, u64::MAX - 1, u64::MAX] {
                    // Never panics, whatever the outcome.
                    let _ = tf(spec).with_closed(closed).bin(ts);
                    let _ = tf(spec).with_closed(closed).bin_end(ts);
                }
            }
        }
        // A huge period: every timestamp falls in the first bin.
        let t = Timeframe::fixed(u64::MAX).unwrap();
        assert_eq!(
            t.bin(123).unwrap(),
            Bin {
                first: 0,
                last: u64::MAX - 1,
                label: 0
            }
        );
        assert_eq!(t.bin(u64::MAX).unwrap().label, u64::MAX);
    }

    #[test]
    fn successors_match_bin_math() {
        for spec in [
            "5m",
            "4h,origin=03:00",
            "1d,origin=02:30,closed=right",
            "7ms,label=right",
            "W-MON",
            "W-THU,closed=right,label=right",
            "MS",
            "YS,closed=right",
        ] {
            let t = tf(spec);
            let mut b = t.bin(1_700_000_000_000).unwrap();
            for _ in 0..300 {
                let next = t.next_bin(&b).unwrap().unwrap();
                assert_eq!(next.first, b.last + 1, "{spec}");
                assert_eq!(t.bin(next.first).unwrap(), next, "{spec}");
                assert_eq!(t.bin(next.last).unwrap(), next, "{spec}");
                assert_eq!(
                    t.constant_successor(&b).is_some(),
                    !matches!(t.rule(), Rule::MonthStart | Rule::YearStart)
                );
                b = next;
            }
        }
        let t = tf("5m");
        let top = t.bin(u64::MAX).unwrap();
        assert_eq!(t.constant_successor(&top), None);
        assert_eq!(t.next_bin(&top), Ok(None));
        let tr = t.with_label(Side::Right);
        let mut b = tr.bin(u64::MAX - 20 * MIN).unwrap();
        let end = loop {
            match tr.next_bin(&b) {
                Ok(Some(n)) => b = n,
                other => break other,
            }
        };
        assert_eq!(end, Err(TimeframeError::PastMax { ts: b.last + 1 }));
    }

    #[test]
    fn arbitrary_specs_and_timestamps_never_panic() {
        let mut seed = 0x1234_5678_9ABC_DEF0u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"0123456789 ,=:-msSTHhDdWMYAEQLinotrgclabefpuyWEDTHUFRSAN\xc3\xa9";
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let bytes: std::vec::Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let spec = std::string::String::from_utf8_lossy(&bytes);
            if let Ok(t) = Timeframe::parse(&spec) {
                assert_eq!(Timeframe::parse(&t.to_string()), Ok(t), "{spec:?}");
            }
        }
        let specs = [
            "1ms",
            "7ms,origin=-3",
            "5m",
            "4h,origin=23:59:59",
            "1d,origin=-9223372036854775808",
            "36h,origin=9223372036854775807",
            "W-MON",
            "W-SUN",
            "MS",
            "YS",
        ];
        let extremes = [
            0,
            1,
            DAY_MS - 1,
            DAY_MS,
            u64::MAX - DAY_MS,
            u64::MAX - 1,
            u64::MAX,
        ];
        for spec in specs {
            for closed in [Side::Left, Side::Right] {
                for label in [Side::Left, Side::Right] {
                    let t = tf(spec).with_closed(closed).with_label(label);
                    let stamps = extremes.iter().copied().chain((0..300).map(|_| next()));
                    for ts in stamps {
                        let (start, end) = (t.bin_start(ts), t.bin_end(ts));
                        match t.bin(ts) {
                            Ok(b) => {
                                assert!(b.contains(ts), "{spec} {ts} {b:?}");
                                let want = if label == Side::Left { start } else { end };
                                assert_eq!(Ok(b.label), want, "{spec} {ts}");
                                if let Ok(Some(n)) = t.next_bin(&b) {
                                    assert_eq!(n.first, b.last + 1);
                                    assert!(n.label > b.label);
                                }
                            }
                            Err(e) => assert_eq!(e.kind(), ErrorKind::Overflow),
                        }
                    }
                }
            }
        }
    }
}
