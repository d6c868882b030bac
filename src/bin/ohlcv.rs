//! `ohlcv`: convert, inspect, verify and resample the pipeline's bar files.

use ohlcv::engine::{self, Config, Durability, Layout, Progress};
use ohlcv::io::csv::{LineEnding, SubSecond, format_rows, format_time};
use ohlcv::io::{self, Format};
use ohlcv::{Bar, Error, ErrorKind, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const USAGE: &str = "\
ohlcv: 64-byte OHLCV bar files, the pipeline's CSV, resampling

USAGE:
    ohlcv demo [DIR] [--symbols N] [--years Y] [--jobs N] [--quiet]
        Generate the standard synthetic workload (default 42 symbols x 1 year of FX-like
        1-minute bars) into DIR (default ./demo-data), convert it to CSV, resample it in both
        modes, and report what it did and how fast.
    ohlcv resample DATA_DIR [--timeframes 5m,15m,...] [--mode bin|csv] [--jobs N]
                   [--batch-size ROWS] [--durability full|process] [--rebuild] [--quiet]
        Run the pipeline's cascade (5m<-1m ... 1Y<-1M) incrementally over
        DATA_DIR/aggregate/1m/*.{bin,csv} into DATA_DIR/resample/{tf}/.
    ohlcv generate DIR [--symbols N] [--years Y] [--mode bin|csv] [--jobs N]
        Write the synthetic workload (as in demo) as DIR/aggregate/1m/SYMnn.{bin,csv}.
    ohlcv convert IN OUT
        Convert between binary (.bin) and CSV (.csv); OUT is replaced atomically.
    ohlcv inspect FILE [--head N] [--tail N]
        Count, first/last timestamps, and the first and last rows.
    ohlcv verify FILE...
        Check structure and OHLC sanity; exit status 1 with a report on failure.
    ohlcv repair FILE.bin
        Truncate a torn binary file to its last whole record, reporting what was removed.
    ohlcv version
";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("ohlcv: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage_error(msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidArgument, format!("{msg}\n\n{USAGE}"))
}

fn arg_error(e: lexopt::Error) -> Error {
    usage_error(e)
}

fn run() -> Result<ExitCode> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let cmd = match parser.next().map_err(arg_error)? {
        Some(Value(v)) => v.string().map_err(arg_error)?,
        Some(Long("help") | Short('h')) | None => {
            print!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(Long("version")) => "version".to_owned(),
        Some(other) => return Err(usage_error(other.unexpected())),
    };
    match cmd.as_str() {
        "demo" => demo(parser),
        "generate" => generate(parser),
        "resample" => resample(parser),
        "convert" => convert(parser),
        "inspect" => inspect(parser),
        "verify" => verify(parser),
        "repair" => repair(parser),
        "version" => {
            println!(
                "ohlcv {} (SIMD backend: {})",
                env!("CARGO_PKG_VERSION"),
                ohlcv::simd::backend()
            );
            Ok(ExitCode::SUCCESS)
        }
        "help" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(usage_error(format!("unknown command {other:?}"))),
    }
}

fn parse_num<T: std::str::FromStr>(parser: &mut lexopt::Parser, flag: &str) -> Result<T> {
    let v = parser.value().map_err(arg_error)?;
    let s = v.to_string_lossy();
    s.parse()
        .map_err(|_| usage_error(format!("--{flag}: not a valid number: {s:?}")))
}

// ------------------------------------------------------------------------------------------
// resample
// ------------------------------------------------------------------------------------------

struct ResampleArgs {
    dir: PathBuf,
    format: Format,
    timeframes: Option<Vec<String>>,
    jobs: usize,
    batch: usize,
    durability: Durability,
    rebuild: bool,
    quiet: bool,
}

fn resample(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let mut a = ResampleArgs {
        dir: PathBuf::new(),
        format: Format::Binary,
        timeframes: None,
        jobs: 0,
        batch: 250_000,
        durability: Durability::Full,
        rebuild: false,
        quiet: false,
    };
    let mut dir = None;
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Long("mode") => {
                let v = parser
                    .value()
                    .map_err(arg_error)?
                    .string()
                    .map_err(arg_error)?;
                a.format = Format::from_mode(&v).ok_or_else(|| {
                    usage_error(format!("--mode: expected bin or csv, got {v:?}"))
                })?;
            }
            Long("timeframes") => {
                let v = parser
                    .value()
                    .map_err(arg_error)?
                    .string()
                    .map_err(arg_error)?;
                a.timeframes = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            Long("jobs") | Short('j') => a.jobs = parse_num(&mut parser, "jobs")?,
            Long("batch-size") => a.batch = parse_num(&mut parser, "batch-size")?,
            Long("durability") => {
                let v = parser
                    .value()
                    .map_err(arg_error)?
                    .string()
                    .map_err(arg_error)?;
                a.durability = match v.as_str() {
                    "full" => Durability::Full,
                    "process" => Durability::Process,
                    _ => {
                        return Err(usage_error(format!(
                            "--durability: expected full or process, got {v:?}"
                        )));
                    }
                };
            }
            Long("rebuild") => a.rebuild = true,
            Long("quiet") | Short('q') => a.quiet = true,
            Value(v) if dir.is_none() => dir = Some(PathBuf::from(v)),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    a.dir = dir.ok_or_else(|| usage_error("resample: DATA_DIR is required"))?;
    if a.batch == 0 {
        return Err(usage_error("--batch-size must be at least 1"));
    }
    let (summary, config) = run_resample(&a)?;
    if !a.quiet {
        print_summary(&summary, &config, a.format);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_resample(a: &ResampleArgs) -> Result<(engine::Summary, Config)> {
    let layout = Layout::new(&a.dir, a.format)?;
    let mut config = Config::pipeline(a.format);
    if let Some(tfs) = &a.timeframes {
        let names: Vec<&str> = tfs.iter().map(String::as_str).collect();
        config.steps = engine::select_steps(&config.steps, &names)?;
    }
    config.jobs = a.jobs;
    config.batch_rows = a.batch;
    config.durability = a.durability;
    if a.rebuild {
        for sym in layout.symbols()? {
            engine::reset_symbol(&layout, &config, &sym)?;
        }
    }
    let progress = Progress::default();
    let show = !a.quiet && std::io::stderr().is_terminal();
    let done = std::sync::atomic::AtomicBool::new(false);
    let summary = std::thread::scope(|s| {
        if show {
            s.spawn(|| progress_bar(&progress, &done));
        }
        let r = engine::run(&layout, &config, &progress);
        done.store(true, Ordering::Relaxed);
        r
    })?;
    Ok((summary, config))
}

/// Redraws a one-line progress bar on stderr until `done`.
fn progress_bar(p: &Progress, done: &std::sync::atomic::AtomicBool) {
    let start = Instant::now();
    let mut drawn = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() < Duration::from_millis(300) {
            continue; // short runs stay quiet
        }
        let total = p.symbols_total.load(Ordering::Relaxed).max(1);
        let n = p.symbols_done.load(Ordering::Relaxed);
        let width = 30;
        let filled = width * n / total;
        let rows = p.rows_in.load(Ordering::Relaxed);
        eprint!(
            "\r[{}{}] {n}/{total} symbols, {:.1} M rows, {:.1} s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            rows as f64 / 1e6,
            start.elapsed().as_secs_f64()
        );
        drawn = true;
    }
    if drawn {
        eprint!("\r{}\r", " ".repeat(79));
    }
}

fn print_summary(s: &engine::Summary, config: &Config, format: Format) {
    let root = s.root_rows_in(&config.steps);
    let secs = s.elapsed.as_secs_f64();
    let recomputed: usize = s.symbols.iter().map(|r| r.full_recomputes).sum();
    println!(
        "resampled {} symbols x {} timeframes ({} mode): {} 1m bars in, {} bars read by all \
         steps, {} bars out, {:.3} s ({:.1} M 1m bars/s)",
        s.symbols.len(),
        config.steps.len(),
        match format {
            Format::Binary => "bin",
            Format::Csv => "csv",
        },
        root,
        s.rows_in(),
        s.bars_out(),
        secs,
        root as f64 / secs.max(1e-9) / 1e6
    );
    if recomputed > 0 {
        println!(
            "note: {recomputed} step(s) recomputed from the start because new input rows belonged \
             to bars already written (input stepping back in time)"
        );
    }
}

// ------------------------------------------------------------------------------------------
// demo
// ------------------------------------------------------------------------------------------

fn demo(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let (mut dir, mut symbols, mut years, mut jobs, mut quiet) =
        (PathBuf::from("demo-data"), 42usize, 1.0f64, 0usize, false);
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Long("symbols") => symbols = parse_num(&mut parser, "symbols")?,
            Long("years") => years = parse_num(&mut parser, "years")?,
            Long("jobs") | Short('j') => jobs = parse_num(&mut parser, "jobs")?,
            Long("quiet") | Short('q') => quiet = true,
            Value(v) => dir = PathBuf::from(v),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    if !(years > 0.0 && years <= 100.0) || symbols == 0 {
        return Err(usage_error(
            "demo: need --symbols >= 1 and 0 < --years <= 100",
        ));
    }
    let threads = if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    };
    let bin_dir = dir.join("bin");
    let csv_dir = dir.join("csv");
    for d in [&bin_dir, &csv_dir] {
        if d.exists() {
            std::fs::remove_dir_all(d).map_err(|e| Error::io(d, "remove old demo data", e))?;
        }
    }
    println!(
        "ohlcv demo: {symbols} symbols x {years} year(s) of FX-like 1m bars in {}",
        dir.display()
    );

    let t = Instant::now();
    let bars = ohlcv::demo::generate(&bin_dir, symbols, years, threads)?;
    println!(
        "  generated {bars} bars ({:.0} MiB binary) in {:.2} s",
        bars as f64 * 64.0 / (1 << 20) as f64,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let csv_root = csv_dir.join("aggregate").join("1m");
    std::fs::create_dir_all(&csv_root).map_err(|e| Error::io(&csv_root, "create", e))?;
    let names: Vec<String> = (0..symbols).map(ohlcv::demo::symbol_name).collect();
    parallel(&names, threads, |name| {
        convert_file(
            &bin_dir.join("aggregate/1m").join(format!("{name}.bin")),
            &csv_root.join(format!("{name}.csv")),
        )
        .map(|_| ())
    })?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "  converted to CSV in {secs:.2} s ({:.1} M rows/s)",
        bars as f64 / secs.max(1e-9) / 1e6
    );

    for (format, d) in [(Format::Binary, &bin_dir), (Format::Csv, &csv_dir)] {
        let args = ResampleArgs {
            dir: d.clone(),
            format,
            timeframes: None,
            jobs,
            batch: 250_000,
            durability: Durability::Process,
            rebuild: false,
            quiet,
        };
        let (summary, config) = run_resample(&args)?;
        print!("  ");
        print_summary(&summary, &config, format);
    }
    println!(
        "  (durability \"process\": the pipeline's fsync-off default; `ohlcv resample` defaults to \
         full durability)\n  outputs: {}/resample/ and {}/resample/",
        bin_dir.display(),
        csv_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn generate(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let (mut dir, mut symbols, mut years, mut jobs, mut format) =
        (None, 42usize, 1.0f64, 0usize, Format::Binary);
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Long("symbols") => symbols = parse_num(&mut parser, "symbols")?,
            Long("years") => years = parse_num(&mut parser, "years")?,
            Long("jobs") | Short('j') => jobs = parse_num(&mut parser, "jobs")?,
            Long("mode") => {
                let v = parser
                    .value()
                    .map_err(arg_error)?
                    .string()
                    .map_err(arg_error)?;
                format = Format::from_mode(&v).ok_or_else(|| {
                    usage_error(format!("--mode: expected bin or csv, got {v:?}"))
                })?;
            }
            Value(v) if dir.is_none() => dir = Some(PathBuf::from(v)),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    let dir: PathBuf = dir.ok_or_else(|| usage_error("generate: DIR is required"))?;
    if !(years > 0.0 && years <= 100.0) || symbols == 0 {
        return Err(usage_error(
            "generate: need --symbols >= 1 and 0 < --years <= 100",
        ));
    }
    let threads = if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    };
    let bars = ohlcv::demo::generate(&dir, symbols, years, threads)?;
    if format == Format::Csv {
        let root = dir.join("aggregate").join("1m");
        let names: Vec<String> = (0..symbols).map(ohlcv::demo::symbol_name).collect();
        parallel(&names, threads, |n| {
            let bin = root.join(format!("{n}.bin"));
            convert_file(&bin, &root.join(format!("{n}.csv")))?;
            std::fs::remove_file(&bin).map_err(|e| Error::io(&bin, "remove", e))
        })?;
    }
    println!(
        "{symbols} symbols, {bars} bars, {:.0} MiB binary",
        bars as f64 * 64.0 / (1 << 20) as f64
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `f` over `items` on `threads` threads; the first error wins.
fn parallel<T: Sync>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> Result<()> + Sync,
) -> Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let err = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| {
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(e) = f(item) {
                        err.lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .get_or_insert(e);
                    }
                }
            });
        }
    });
    match err.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

// ------------------------------------------------------------------------------------------
// convert / inspect / verify / repair
// ------------------------------------------------------------------------------------------

fn two_paths(mut parser: lexopt::Parser, cmd: &str) -> Result<(PathBuf, PathBuf)> {
    use lexopt::prelude::*;
    let mut paths = Vec::new();
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Value(v) => paths.push(PathBuf::from(v)),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    match <[PathBuf; 2]>::try_from(paths) {
        Ok([a, b]) => Ok((a, b)),
        Err(_) => Err(usage_error(format!("{cmd}: expected two paths"))),
    }
}

fn convert(parser: lexopt::Parser) -> Result<ExitCode> {
    let (input, output) = two_paths(parser, "convert")?;
    let n = convert_file(&input, &output)?;
    println!(
        "converted {n} bars: {} -> {}",
        input.display(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Streams `input` into a temp file beside `output` in batches, then renames it over `output`
/// (crash-safe: `output` is either the old file or the complete new one).
fn convert_file(input: &Path, output: &Path) -> Result<u64> {
    let out_format = io::factory::format_from_extension(output).ok_or_else(|| {
        Error::new(
            ErrorKind::UnknownFormat,
            format!("{}: output needs a .bin or .csv name", output.display()),
        )
    })?;
    if input == output {
        return Err(usage_error("convert: input and output are the same file"));
    }
    let mut reader = io::factory::open_reader(input)?;
    let mut tmp_name = output.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".converting");
    let tmp = output.with_file_name(tmp_name);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut writer = io::factory::open_writer(&tmp, Some(out_format))?;
        let (mut bars, mut offs) = (Vec::new(), Vec::new());
        let mut n = 0u64;
        writer.truncate(writer.data_start())?;
        let mut pos = writer.data_start();
        loop {
            bars.clear();
            offs.clear();
            let k = reader.read_batch(1 << 16, &mut bars, &mut offs)?;
            if k == 0 {
                break;
            }
            pos = writer.write_at(pos, &bars)?;
            n += k as u64;
        }
        writer.finalize()?;
        drop(writer);
        std::fs::rename(&tmp, output).map_err(|e| Error::io(output, "rename into place", e))?;
        Ok(n)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// All bars of a file (binary zero-copy is not needed for the small commands).
fn read_all(path: &Path) -> Result<(Vec<Bar>, Vec<u64>, Format)> {
    let mut reader = io::factory::open_reader(path)?;
    let (mut bars, mut offs) = (Vec::new(), Vec::new());
    while reader.read_batch(1 << 20, &mut bars, &mut offs)? > 0 {}
    Ok((bars, offs, reader.format()))
}

fn time_text(ts: u64) -> String {
    match format_time(ts) {
        Some(t) if ts.is_multiple_of(1000) => String::from_utf8_lossy(&t).into_owned(),
        Some(t) => format!("{}.{:03}", String::from_utf8_lossy(&t), ts % 1000),
        None => format!("{ts} ms (beyond year 9999)"),
    }
}

fn print_rows(bars: &[Bar]) {
    let mut out = Vec::new();
    for b in bars {
        if format_rows(
            std::slice::from_ref(b),
            SubSecond::Truncate,
            LineEnding::Lf,
            &mut out,
        )
        .is_err()
        {
            out.extend_from_slice(format!("{b:?}\n").as_bytes());
        }
    }
    let _ = std::io::stdout().write_all(&out);
}

fn inspect(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let (mut path, mut head, mut tail) = (None, 5usize, 5usize);
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Long("head") => head = parse_num(&mut parser, "head")?,
            Long("tail") => tail = parse_num(&mut parser, "tail")?,
            Value(v) if path.is_none() => path = Some(PathBuf::from(v)),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    let path = path.ok_or_else(|| usage_error("inspect: FILE is required"))?;
    let (bars, _, format) = read_all(&path)?;
    let size = std::fs::metadata(&path)
        .map_err(|e| Error::io(&path, "stat", e))?
        .len();
    println!("file:    {}", path.display());
    println!(
        "format:  {}",
        if format == Format::Binary {
            "binary (64-byte records)"
        } else {
            "csv"
        }
    );
    println!("size:    {size} bytes");
    println!("bars:    {}", bars.len());
    if let (Some(f), Some(l)) = (bars.first(), bars.last()) {
        println!("first:   {}", time_text(f.ts));
        println!("last:    {}", time_text(l.ts));
        println!("-- head --");
        print_rows(&bars[..head.min(bars.len())]);
        println!("-- tail --");
        print_rows(&bars[bars.len() - tail.min(bars.len())..]);
    }
    Ok(ExitCode::SUCCESS)
}

fn verify(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let mut paths = Vec::new();
    while let Some(arg) = parser.next().map_err(arg_error)? {
        match arg {
            Value(v) => paths.push(PathBuf::from(v)),
            other => return Err(usage_error(other.unexpected())),
        }
    }
    if paths.is_empty() {
        return Err(usage_error("verify: at least one FILE is required"));
    }
    let mut all_ok = true;
    for path in &paths {
        all_ok &= verify_file(path);
    }
    Ok(if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints a report for one file; returns whether it is clean.
fn verify_file(path: &Path) -> bool {
    const SHOWN: usize = 20;
    let (bars, offs, format) = match read_all(path) {
        Ok(x) => x,
        Err(e) => {
            println!("FAIL {}: {e}", path.display());
            return false;
        }
    };
    let mut lines = Vec::new();
    let n = ohlcv::bar::validate_each(&bars, None, |issue| {
        if lines.len() < SHOWN {
            let i = issue.index;
            let pos = match format {
                Format::Binary => format!("record {i} (byte {})", offs[i]),
                Format::Csv => format!("line {} (byte {})", i + 2, offs[i]),
            };
            lines.push(format!(
                "  {pos}, {}: {}",
                time_text(bars[i].ts),
                issue.violation.describe()
            ));
        }
    });
    if n == 0 {
        println!("ok   {}: {} bars", path.display(), bars.len());
        return true;
    }
    println!(
        "FAIL {}: {n} problem(s) in {} bars",
        path.display(),
        bars.len()
    );
    for l in &lines {
        println!("{l}");
    }
    if n > SHOWN {
        println!("  ... and {} more", n - SHOWN);
    }
    false
}

fn repair(mut parser: lexopt::Parser) -> Result<ExitCode> {
    use lexopt::prelude::*;
    let path = match parser.next().map_err(arg_error)? {
        Some(Value(v)) => PathBuf::from(v),
        _ => return Err(usage_error("repair: FILE is required")),
    };
    let r = io::binary::repair(&path)?;
    if r.bytes_removed == 0 {
        println!(
            "{}: already whole ({} records); nothing removed",
            path.display(),
            r.records_kept
        );
    } else {
        println!(
            "{}: removed {} stray byte(s) after record {}; {} whole records kept",
            path.display(),
            r.bytes_removed,
            r.records_kept,
            r.records_kept
        );
    }
    Ok(ExitCode::SUCCESS)
}
