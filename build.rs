//! Rebuilds when a migration changes: `sqlx::migrate!` embeds the migration files, and
//! cargo would otherwise only notice changes to Rust sources.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
