//! The `gazette` binary: parses the command line and hands off to the server.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than the system's allocator: requests allocate and free many small
/// buffers across the runtime's threads, which glibc's malloc serves slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "gazette", version, about = "Self-hosted news publishing")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default when no command is given).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import articles in the plain-text format.
    Import {
        /// Files to import; all are checked before any is written.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Publish the imported articles (otherwise they are drafts).
        #[arg(long)]
        publish: bool,
        /// Replace an existing article with the same headline instead of refusing.
        #[arg(long)]
        update: bool,
    },
    /// Write articles into DIR in the plain-text format, one file per article.
    Export {
        /// Folder to write `{slug}.txt` files into (created when missing).
        dir: PathBuf,
        /// Every article in any state, not only the published ones.
        #[arg(long)]
        all: bool,
    },
    /// Manage byline-only authors.
    Byline {
        #[command(subcommand)]
        command: BylineCommand,
    },
    /// Manage the media library.
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// Write a consistent copy of the SQLite database to PATH.
    Backup { path: PathBuf },
    /// Show or change the publication's settings (name, language, time zone, …).
    Settings {
        #[command(subcommand)]
        command: SettingsCommand,
    },
    /// Copy a whole site (users, articles, revisions) into an empty database.
    Copy {
        /// Source database URL (sqlite://… or postgres://…).
        #[arg(long)]
        from: String,
        /// Target database URL; must hold no users or articles yet.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum BylineCommand {
    /// Link byline-only author SLUG to a staff account: its articles are credited to the
    /// account, and its author page leads to the account's.
    Link {
        slug: String,
        /// The staff account's email.
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Store pictures (JPEG, PNG, WebP, AVIF, GIF); all are checked before any is stored.
    Add {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Alt text: what the pictures show.
        #[arg(long)]
        alt: String,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Print every setting and its value.
    Show,
    /// Change one setting: name, tagline, description, language (BCP 47), timezone
    /// (IANA), powered_by (true/false), same_as (URLs), contact, corrections_policy,
    /// ai_disclosure.
    Set { key: String, value: String },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    use gazette::server::{commands, settings, startup};
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Serve) {
        // A command's warnings and errors (why migrating failed, say) go to standard
        // error; the server sets up its own logging.
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| "warn,sqlx=error".into());
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_env_filter(filter)
            .init();
    }
    let result = match command {
        Command::Serve => startup::serve().await,
        Command::Migrate => commands::migrate().await,
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    password_stdin,
                },
        } => commands::user_add(&email, &name, &role, password_stdin).await,
        Command::Import {
            files,
            publish,
            update,
        } => commands::import(&files, publish, update).await,
        Command::Byline {
            command: BylineCommand::Link { slug, email },
        } => commands::byline_link(&slug, &email).await,
        Command::Export { dir, all } => commands::export(&dir, all).await,
        Command::Media {
            command: MediaCommand::Add { files, alt },
        } => commands::media_add(&files, &alt).await,
        Command::Backup { path } => commands::backup(&path).await,
        Command::Copy { from, to } => commands::copy(&from, &to).await,
        Command::Settings {
            command: SettingsCommand::Show,
        } => settings::show().await,
        Command::Settings {
            command: SettingsCommand::Set { key, value },
        } => settings::set(&key, &value).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
