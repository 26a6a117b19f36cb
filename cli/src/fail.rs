//! How the program ends: its exit codes (listed in `--help` and the README), and the one line on
//! stderr that says why it stopped.

use std::io::Write as _;
use std::process::ExitCode;

/// A run that finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Done,
    /// Exit 1: the `policy check` found a problem (printed as the check's answer).
    PolicyProblem,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        match s {
            Status::Done => ExitCode::SUCCESS,
            Status::PolicyProblem => ExitCode::from(1),
        }
    }
}

/// A run that stopped.
#[derive(Debug)]
pub enum Fail {
    /// Whoever read stdout stopped reading (`amscore season | head`): a quiet exit 0.
    ClosedPipe,
    /// Exit 2: the command line is wrong (`--date` that is not a date, ...).
    Usage(String),
    /// Exit 3: an input that cannot be read or used: `<what>: <why>`.
    Input(String),
    /// Exit 4: the output cannot be written.
    Output(String),
}

impl Fail {
    /// An input's problem: `<path or argument>: <why>`.
    pub fn input(what: impl std::fmt::Display, why: impl std::fmt::Display) -> Fail {
        Fail::Input(format!("{what}: {why}"))
    }

    /// An error writing `what`: a closed pipe ends the run quietly; anything else is exit 4.
    pub fn write(what: impl std::fmt::Display, e: &std::io::Error) -> Fail {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Fail::ClosedPipe
        } else {
            Fail::Output(format!("{what}: {e}"))
        }
    }

    /// Says why on stderr (one line) and gives the exit code.
    pub fn report(self) -> ExitCode {
        let (code, message) = match self {
            Fail::ClosedPipe => return ExitCode::SUCCESS,
            Fail::Usage(m) => (2, m),
            Fail::Input(m) => (3, m),
            Fail::Output(m) => (4, m),
        };
        say(&message);
        ExitCode::from(code)
    }
}

/// One line on stderr, `amscore: <message>` (a line break inside the message is written as a
/// space, so the line stays one line); a stderr that cannot be written is ignored.
pub fn say(message: &str) {
    let one_line = message.trim_end().replace('\n', " ");
    let _ = writeln!(std::io::stderr(), "amscore: {one_line}");
}

/// The end of a command line clap refused: `--help` and `--version` are printed (exit 0), any
/// other problem is clap's first line (exit 2).
pub fn usage(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            say(&format!("{} (see --help)", first.trim_start_matches("error: ")));
            ExitCode::from(2)
        }
    }
}
