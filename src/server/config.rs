//! Typed configuration, read once from the environment (and `.env`), failing fast.

use std::net::SocketAddr;

/// Where the SQLite database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gazette.db";

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// The public base URL (`GAZETTE_PUBLIC_URL`), used for links printed and cookies.
    pub public_url: String,
}

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let _ = dotenvy::dotenv();
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
        let addr = std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        let site_addr = addr.parse().map_err(|_| {
            format!("LEPTOS_SITE_ADDR '{addr}' is not an address like 127.0.0.1:3000")
        })?;
        let public_url = std::env::var("GAZETTE_PUBLIC_URL")
            .unwrap_or_else(|_| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_string();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "GAZETTE_PUBLIC_URL '{public_url}' must start with http:// or https://"
            ));
        }
        Ok(Config {
            database_url,
            site_addr,
            public_url,
        })
    }

    /// Cookies carry `Secure` whenever the public site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
