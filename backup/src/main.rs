//! `neonhub-age`: the age file format (<https://age-encryption.org/v1>) for backups, without the
//! `age` CLI. `scripts/db-backup.sh` runs it when `age` is not installed (or when
//! `BACKUP_AGE_BIN` names it); its files and the CLI's are interchangeable.
//!
//! ```text
//! neonhub-age keygen -o identity.txt            # a new identity (0600); prints its public key
//! neonhub-age recipient -i identity.txt         # the public key of an identity file
//! neonhub-age encrypt -r age1… -o x.dump.age x.dump
//! neonhub-age decrypt -i identity.txt -o x.dump x.dump.age
//! ```
//!
//! Input is a file or stdin (`-` or none), output `-o FILE` or stdout (never a terminal).
//! Output files are created 0600 and appear only when complete. Identities are read from
//! files only (`-i FILE`): a key on a command line would be visible in `ps`. With `-o`, one
//! summary line on stdout; exits non-zero with `error: …` on stderr on failure.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result, bail};
use backup::Output;
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    version,
    about = "age encryption for backups: keygen, encrypt to public keys, decrypt with identity files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a new identity (private key) to FILE (created 0600, never overwritten) and print
    /// its public key (the recipient to encrypt to).
    Keygen {
        /// The identity file to create.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the public key of each identity in an identity file (`age-keygen -y`).
    Recipient {
        /// The identity file.
        #[arg(short, long)]
        identity: PathBuf,
    },
    /// Encrypt INPUT (default stdin) to one or more public keys.
    Encrypt {
        /// A recipient's public key (age1…); repeat for several.
        #[arg(short, long = "recipient", required = true)]
        recipients: Vec<String>,
        /// Output file (created 0600, replaced only once complete); default stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The file to encrypt; `-` or none for stdin.
        input: Option<PathBuf>,
    },
    /// Decrypt INPUT (default stdin) with the identities of one or more identity files; an
    /// altered or truncated file is refused and nothing is written.
    Decrypt {
        /// An identity file (as age-keygen or `neonhub-age keygen` writes it); repeatable.
        #[arg(short, long = "identity", required = true)]
        identities: Vec<PathBuf>,
        /// Output file (created 0600, replaced only once complete); default stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The age file; `-` or none for stdin.
        input: Option<PathBuf>,
    },
}

fn main() {
    if let Err(err) = run(Cli::parse()) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

/// Binary data never goes to a terminal.
fn refuse_terminal(output: Option<&PathBuf>) -> Result<()> {
    if output.is_none_or(|p| p.as_os_str() == "-") && std::io::stdout().is_terminal() {
        bail!("refusing to write binary data to the terminal: pass -o FILE or redirect stdout");
    }
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Keygen { output } => {
            let recipient = backup::keygen(&output)?;
            println!("{recipient}");
        }
        Command::Recipient { identity } => {
            for recipient in backup::recipients_of(&identity)? {
                println!("{recipient}");
            }
        }
        Command::Encrypt {
            recipients,
            output,
            input,
        } => {
            refuse_terminal(output.as_ref())?;
            let (name, mut reader) = backup::open_input(input.as_deref())?;
            let sink = Output::open(output.as_deref())?;
            let bytes = backup::encrypt(&recipients, &mut reader, sink)
                .with_context(|| format!("encrypting {name}"))?;
            if let Some(out) = output.filter(|p| p.as_os_str() != "-") {
                println!(
                    "encrypted {name} ({bytes} bytes) to {} ({} recipient{})",
                    out.display(),
                    recipients.len(),
                    if recipients.len() == 1 { "" } else { "s" }
                );
            }
        }
        Command::Decrypt {
            identities,
            output,
            input,
        } => {
            refuse_terminal(output.as_ref())?;
            let (name, reader) = backup::open_input(input.as_deref())?;
            let sink = Output::open(output.as_deref())?;
            let bytes = backup::decrypt(&identities, &name, reader, sink)?;
            if let Some(out) = output.filter(|p| p.as_os_str() != "-") {
                println!("decrypted {name} to {} ({bytes} bytes)", out.display());
            }
        }
    }
    Ok(())
}
