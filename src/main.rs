use clap::Parser;

fn main() {
    let cli = sluice::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SLUICE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = sluice::commands::run(cli) {
        eprintln!("error[{}]: {e}", e.class());
        std::process::exit(e.exit_code());
    }
}
