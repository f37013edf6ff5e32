//! `pantau-kla`: parses the command line and runs the command; everything else lives in the library.

use clap::Parser;
use pantau_kla::config::{Cli, Command};
use pantau_kla::{commands, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // `serve` is the default command: parse again with it named, so PANTAU_ADDR and its flags apply.
        cli = Cli::parse_from(std::env::args_os().chain([std::ffi::OsString::from("serve")]));
    }
    telemetry::init();
    let result = match &cli.command {
        None => unreachable!("serve is filled in above"),
        Some(Command::Serve(args)) => commands::serve(&cli.db, args).await,
        Some(Command::Import(args)) => commands::import(&cli.db, args).await,
        Some(Command::Demo(args)) => commands::demo(&cli.db, args).await,
        Some(Command::User(cmd)) => commands::user(&cli.db, cmd).await,
        Some(Command::Instrument(cmd)) => commands::instrument(&cli.db, cmd).await,
        Some(Command::Storage(cmd)) => commands::storage(&cli.db, cmd).await,
        Some(Command::Backup(args)) => commands::backup(&cli.db, args).await,
        Some(Command::Check(args)) => commands::check(&cli.db, args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pantau-kla: {e:#}");
            ExitCode::FAILURE
        }
    }
}
