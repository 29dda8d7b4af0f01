//! The command line: `buurt serve | migrate | admin … | config check`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::{LogFormat, MediaStorage, Settings};
use crate::db::models::local_user::Role;
use crate::domain::DomainError;
use crate::domain::accounts::{self, Registration};

#[derive(Debug, Parser)]
#[command(name = "buurt", version, about = "Buurt: the neighbourhood's one online place, federated")]
pub struct Cli {
    /// Configuration file (default: config/buurt.toml when it exists). Every key can also be
    /// set as BUURT_<SECTION>__<KEY>, e.g. BUURT_DATABASE__URL.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Copy the SQLite database to a new FILE while the server runs (PostgreSQL: use pg_dump;
    /// see docs/operating.md). Uploaded media files are not in it.
    Backup { file: PathBuf },
    /// Create an active account. The password is read from standard input when it is not a
    /// terminal, otherwise prompted for.
    CreateUser {
        name: String,
        #[arg(long)]
        email: String,
        /// Make the account an admin.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make the account a moderator (buurtverbinder).
        #[arg(long)]
        moderator: bool,
    },
    /// Set a new password (read like create-user's) and end the account's sessions.
    SetPassword { name: String },
    /// Set the role of an account: member, moderator or admin.
    SetRole { name: String, role: String },
    /// Make an API access token for an account (scopes read write follow push). The token is
    /// printed alone on the last line of standard output.
    CreateToken {
        name: String,
        /// What the token is for, shown to the account later.
        #[arg(long, default_value = "command line")]
        label: String,
    },
    /// Delete an account: its profile becomes a Tombstone and followers' servers are told.
    DeleteUser { name: String },
    /// Create a group (its name shares the namespace of usernames).
    CreateGroup {
        name: String,
        /// The name people see; defaults to NAME.
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// Import a municipality's neighbourhoods from a GeoJSON FeatureCollection of polygons
    /// (the CBS wijk- en buurtkaart exported as GeoJSON works as it is), in RD New (EPSG:28992)
    /// or WGS 84. A neighbourhood whose code was imported before gets the new name and
    /// boundary. All or nothing: a broken feature stops the import before anything is stored.
    ImportNeighbourhoods {
        file: PathBuf,
        /// The property with each neighbourhood's name.
        #[arg(long, default_value = "buurtnaam", value_name = "P")]
        name_property: String,
        /// The property with each neighbourhood's code.
        #[arg(long, default_value = "buurtcode", value_name = "C")]
        code_property: String,
        /// Only the features whose `gemeentecode` is this, e.g. GM0753.
        #[arg(long, value_name = "GMxxxx")]
        municipality: Option<String>,
        /// Print what would happen; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Block (suspend) another server, or with --limit limit (silence) it: it holds at once for
    /// this command's process and within a minute for a running server.
    BlockDomain {
        domain: String,
        /// Limit instead of block: its posts reach only its followers here.
        #[arg(long)]
        limit: bool,
        /// Do not fetch its media.
        #[arg(long)]
        reject_media: bool,
        /// Shown on the public list of limited and blocked servers.
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Lift every policy of another server.
    UnblockDomain { domain: String },
    /// Import a block list in Mastodon's CSV format (domain_blocks.csv). A file with a bad line
    /// stores nothing; every bad line is printed.
    ImportBlocklist {
        file: PathBuf,
        /// Print what would change; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the block list in Mastodon's CSV format.
    ExportBlocklist,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check the configuration and print it as it will be used.
    Check,
}

/// Parses the command line and runs the command.
pub fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref())?;
    init_logging(&settings);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings))
}

/// Caps glibc's malloc arenas at one per core (at least two). glibc gives threads that allocate
/// at the same time arenas of their own, up to eight per core, and an arena keeps what is freed
/// for its own reuse. SQLite's queries and the RSA signatures run on tokio's blocking threads, so
/// over hours each thread's arena filled and a server on SQLite kept growing (BENCHMARKS.md,
/// round 5: 42 → 51 MB in a 30-minute soak). `MALLOC_ARENA_MAX` in the environment still decides.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
        // SAFETY: mallopt only sets an allocator tunable; this runs first, before any other thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, i32::try_from(cores).unwrap_or(i32::MAX));
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let listener = crate::server::bind(&settings).await?;
            let state = crate::server::prepare(settings).await?;
            crate::server::serve(state, listener, crate::server::shutdown_signal()).await
        }
        Command::Migrate => {
            let applied = crate::db::migrate::run(&settings.database.url).await?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            let mut shown = settings.clone();
            if !shown.media.s3.secret_key.is_empty() {
                shown.media.s3.secret_key = "***".into();
            }
            shown.database.url = hide_password(&shown.database.url);
            print!("{}", toml::to_string_pretty(&shown)?);
            eprintln!("configuration is valid");
            Ok(())
        }
        Command::Admin(AdminCommand::Backup { file }) => {
            // Before `prepare`: a backup copies the database as it is, unmigrated.
            crate::db::backup::backup_sqlite(&settings.database.url, &file).await?;
            println!("backed up the database to {}", file.display());
            match settings.media.storage {
                MediaStorage::Local => println!("uploaded media are not in it: copy {} as well", settings.media.dir),
                MediaStorage::S3 => println!("uploaded media are not in it: they stay in the S3 bucket"),
            }
            Ok(())
        }
        Command::Admin(admin) => {
            let state = crate::server::prepare(settings).await?;
            let result = run_admin(admin, &state).await;
            state.pool.close();
            result
        }
    }
}

async fn run_admin(command: AdminCommand, state: &crate::state::AppState) -> anyhow::Result<()> {
    match command {
        AdminCommand::Backup { .. } => bail!("a backup is made without starting the instance"),
        AdminCommand::CreateUser { name, email, admin, moderator } => {
            let password = read_password(true)?;
            let role = if admin {
                Role::Admin
            } else if moderator {
                Role::Moderator
            } else {
                Role::Member
            };
            let form = Registration {
                username: name.clone(),
                email,
                password_confirm: password.clone(),
                password,
                ..Default::default()
            };
            let account =
                accounts::create_by_admin(&state.pool, &state.settings, &form, role).await.map_err(explain)?;
            // The key pair now, while nobody waits: made at the first fetch of the actor instead,
            // it holds up every read of the server for the fifth of a second it takes a core
            // (BENCHMARKS.md, "Read tail latency: the cold actor").
            crate::domain::actors::prepare_keys(&state.pool, &account.actor).await.map_err(explain)?;
            println!("created {} {name}", role.as_str());
        }
        AdminCommand::SetPassword { name } => {
            let password = read_password(true)?;
            accounts::set_password(&state.pool, &name, &password).await.map_err(explain)?;
            println!("password of {name} changed; all its sessions ended");
        }
        AdminCommand::SetRole { name, role } => {
            let Some(role) = Role::parse(&role) else {
                bail!("unknown role {role:?}: use member, moderator or admin");
            };
            accounts::set_role(&state.pool, &name, role).await.map_err(explain)?;
            println!("{name} is now {}", role.as_str());
        }
        AdminCommand::CreateToken { name, label } => {
            let account = {
                let mut conn = state.pool.get().await?;
                crate::db::models::local_user::Account::by_username(&mut conn, &name).await?
            }
            .ok_or_else(|| anyhow::anyhow!("no such account"))?;
            let token = crate::domain::oauth::admin_token(&state.pool, &account, &label).await.map_err(explain)?;
            println!("token for {}:", account.actor.username);
            println!("{token}");
        }
        AdminCommand::DeleteUser { name } => {
            let account = {
                let mut conn = state.pool.get().await?;
                crate::db::models::local_user::Account::by_username(&mut conn, &name).await?
            }
            .ok_or_else(|| anyhow::anyhow!("no such account"))?;
            crate::domain::profile::delete_account(state, &account).await.map_err(explain)?;
            // Deliver the Delete before exiting when the followers' servers answer quickly.
            let _ = crate::delivery::fan_out(state).await;
            println!("deleted {name}; followers' servers are told by the running server");
        }
        AdminCommand::CreateGroup { name, display_name } => {
            let group = crate::domain::groups::create_group(&state.pool, &state.settings, &name, &display_name)
                .await
                .map_err(explain)?;
            println!("created group {} at {}", group.username, group.ap_id);
        }
        AdminCommand::ImportNeighbourhoods { file, name_property, code_property, municipality, dry_run } => {
            use crate::domain::neighbourhoods::import::{self, ImportError, ImportOptions};
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let options = ImportOptions { name_property, code_property, municipality, dry_run };
            let report = import::import(&state.pool, &state.settings, &text, &options).await.map_err(|e| match e {
                ImportError::File(message) => anyhow::anyhow!("{}: {message}", file.display()),
                ImportError::Domain(e) => explain(e),
            })?;
            println!("{report}");
        }
        AdminCommand::BlockDomain { domain, limit, reject_media, comment } => {
            use crate::domain::federation::{PolicyInput, apply_policy};
            let severity = if limit { "silence" } else { "suspend" };
            let input = PolicyInput {
                domain,
                severity: severity.into(),
                reject_media,
                public_comment: comment,
                ..Default::default()
            };
            let instance = apply_policy(state, &input, "command line").await.map_err(explain)?;
            println!("{} is now {}", instance.domain, if limit { "limited" } else { "blocked" });
        }
        AdminCommand::UnblockDomain { domain } => {
            crate::domain::federation::lift_policy(state, &domain, "command line").await.map_err(|e| match e {
                DomainError::NotFound => anyhow::anyhow!("no such server"),
                other => explain(other),
            })?;
            println!("{domain} has no policy any more");
        }
        AdminCommand::ImportBlocklist { file, dry_run } => {
            use crate::domain::federation::csv;
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let report = csv::import_as(state, &bytes, dry_run, "command line").await.map_err(explain)?;
            for bad in &report.bad {
                let why = crate::i18n::Lang::En.t_args(bad.key, &[("value", bad.value.clone())]);
                println!("line {}: {why}", bad.line);
            }
            if !report.bad.is_empty() {
                bail!("{} bad line(s): nothing stored", report.bad.len());
            }
            for entry in &report.entries {
                println!("{} {} ({:?})", entry.domain, entry.policy.severity.as_str(), entry.change);
            }
            let done = if report.applied { "stored" } else { "checked; nothing stored" };
            println!("{} server(s) {done}", report.entries.len());
        }
        AdminCommand::ExportBlocklist => {
            let bytes = crate::domain::federation::csv::export_all(state).await.map_err(explain)?;
            print!("{}", String::from_utf8_lossy(&bytes));
        }
    }
    Ok(())
}

/// Turns a domain error into a message for the terminal (English; field messages by key).
fn explain(e: DomainError) -> anyhow::Error {
    match e {
        DomainError::Invalid(errors) => {
            let lines: Vec<String> =
                errors.0.iter().map(|fe| format!("{}: {}", fe.field, crate::i18n::Lang::En.t(fe.message))).collect();
            anyhow::anyhow!("{}", lines.join("\n"))
        }
        DomainError::NotFound => anyhow::anyhow!("no such account"),
        other => other.into(),
    }
}

fn read_password(confirm: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        if confirm && rpassword::prompt_password("Again: ")? != first {
            bail!("the passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            bail!("no password on standard input");
        }
        Ok(password)
    }
}

fn init_logging(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match settings.log.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// A database URL with its password replaced by `***`, for printing.
fn hide_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(super::hide_password("postgres://buurt:geheim@db:5432/buurt"), "postgres://buurt:***@db:5432/buurt");
        assert_eq!(super::hide_password("postgres://buurt@db/buurt"), "postgres://buurt@db/buurt");
        assert_eq!(super::hide_password("sqlite://data/buurt.sqlite"), "sqlite://data/buurt.sqlite");
    }
}
