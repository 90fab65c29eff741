//! Progress of a load: an indicatif bar (rows/s) on a terminal, plain log lines otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How a load reports its progress (on stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressMode {
    /// A bar when stderr is a terminal, log lines otherwise.
    #[default]
    Auto,
    /// An indicatif progress bar with rows/s and ETA.
    Bar,
    /// A plain line every few seconds and at the end of each table.
    Log,
    /// Nothing.
    Quiet,
}

/// Seconds between two log lines.
const LOG_EVERY: Duration = Duration::from_secs(3);

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    log: bool,
    started: Instant,
    last_log: Instant,
    total: u64,
    done: u64,
    table: &'static str,
    table_rows: u64,
    table_done: u64,
    table_started: Instant,
}

impl Progress {
    pub(crate) fn new(mode: ProgressMode, total: u64) -> Self {
        let mode = match mode {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bar,
            ProgressMode::Auto => ProgressMode::Log,
            other => other,
        };
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg:<16} [{bar:32}] {human_pos}/{human_len} rows, \
                     {per_sec}, eta {eta}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Self {
            bar,
            log: mode == ProgressMode::Log,
            started: now,
            last_log: now,
            total,
            done: 0,
            table: "",
            table_rows: 0,
            table_done: 0,
            table_started: now,
        }
    }

    /// A step that is not rows (dropping or building an index, vacuuming).
    pub(crate) fn note(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_owned());
        } else if self.log {
            eprintln!("synth: {message}");
        }
    }

    pub(crate) fn start_table(&mut self, table: &'static str, rows: u64) {
        self.table = table;
        self.table_rows = rows;
        self.table_done = 0;
        self.table_started = Instant::now();
        if let Some(bar) = &self.bar {
            bar.set_message(table);
        }
    }

    pub(crate) fn advance(&mut self, rows: u64) {
        self.done += rows;
        self.table_done += rows;
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        } else if self.log && self.last_log.elapsed() >= LOG_EVERY {
            self.last_log = Instant::now();
            let seconds = self.started.elapsed().as_secs_f64();
            eprintln!(
                "synth: {} {}/{} rows; all tables {}/{} rows, {:.0} rows/s",
                self.table,
                self.table_done,
                self.table_rows,
                self.done,
                self.total,
                self.done as f64 / seconds.max(1e-9)
            );
        }
    }

    pub(crate) fn finish_table(&mut self) {
        if self.log {
            let seconds = self.table_started.elapsed().as_secs_f64();
            eprintln!(
                "synth: {} done: {} rows in {seconds:.1} s ({:.0} rows/s)",
                self.table,
                self.table_done,
                self.table_done as f64 / seconds.max(1e-9)
            );
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar
            && !bar.is_finished()
        {
            bar.abandon();
        }
    }
}
