//! Typed configuration, read once from the environment (and `.env`), failing fast.

use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Where the SQLite database lives when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gazette.db";

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// The public base URL (`GAZETTE_PUBLIC_URL`), used for links printed and cookies.
    pub public_url: String,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`GAZETTE_TRUSTED_PROXIES`:
    /// addresses or CIDR ranges, comma-separated). Empty: the header is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// How often each instance looks for scheduled articles that are due
    /// (`GAZETTE_SCHEDULE_INTERVAL_MS`, default 5,000).
    pub schedule_interval: Duration,
    /// How long a client may take to send a request's headers before its connection is
    /// closed (`GAZETTE_HEADER_TIMEOUT_MS`, default 10,000).
    pub header_timeout: Duration,
    /// Memory budget of the page cache in bytes (`GAZETTE_PAGE_CACHE_MB`, default 32;
    /// 0 turns the cache off).
    pub page_cache_bytes: u64,
    /// Addresses besides loopback allowed to read `/metrics` (`GAZETTE_METRICS_ALLOW`:
    /// addresses or CIDR ranges, comma-separated).
    pub metrics_allow: Vec<IpNet>,
    /// The key TOTP secrets are encrypted with at rest (`GAZETTE_SECRET_KEY`: 32 bytes
    /// in base64). Without it they are stored as they are.
    pub secret_key: Option<SecretKey>,
}

/// A 32-byte key that never shows up in `Debug` output or logs.
#[derive(Clone)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    /// Parses `GAZETTE_SECRET_KEY` (standard base64 of exactly 32 bytes).
    pub fn parse(text: &str) -> Result<Self, String> {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(SecretKey)
            .ok_or_else(|| {
                "GAZETTE_SECRET_KEY must be 32 bytes in base64 (e.g. from `openssl rand -base64 32`)"
                    .to_string()
            })
    }
}

/// Refuses a plain-HTTP public URL on a listener other machines can reach: session
/// cookies would cross the network unencrypted. `insecure_http`
/// (`GAZETTE_INSECURE_HTTP=1`) allows it anyway, for a private network.
pub fn check_transport(
    public_url: &str,
    site_addr: SocketAddr,
    insecure_http: bool,
) -> Result<(), String> {
    if public_url.starts_with("https://") || site_addr.ip().is_loopback() || insecure_http {
        return Ok(());
    }
    Err(format!(
        "GAZETTE_PUBLIC_URL '{public_url}' is plain http:// but LEPTOS_SITE_ADDR {site_addr} \
         is reachable from other machines, so passwords and session cookies would cross the \
         network unencrypted. Set GAZETTE_PUBLIC_URL to the https:// address your TLS proxy \
         serves, listen on 127.0.0.1 behind that proxy, or set GAZETTE_INSECURE_HTTP=1 to \
         allow it anyway."
    ))
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
        let insecure_http = match std::env::var("GAZETTE_INSECURE_HTTP").as_deref() {
            Err(_) | Ok("") | Ok("0") => false,
            Ok("1") => true,
            Ok(other) => return Err(format!("GAZETTE_INSECURE_HTTP '{other}' must be 1 or 0")),
        };
        check_transport(&public_url, site_addr, insecure_http)?;
        let secret_key = match std::env::var("GAZETTE_SECRET_KEY") {
            Ok(text) if !text.trim().is_empty() => Some(SecretKey::parse(&text)?),
            _ => None,
        };
        let trusted_proxies =
            parse_proxies(&std::env::var("GAZETTE_TRUSTED_PROXIES").unwrap_or_default())?;
        let metrics_allow = parse_networks(
            "GAZETTE_METRICS_ALLOW",
            &std::env::var("GAZETTE_METRICS_ALLOW").unwrap_or_default(),
        )?;
        let schedule_interval = Duration::from_millis(number(
            "GAZETTE_SCHEDULE_INTERVAL_MS",
            5_000,
            100..=3_600_000,
        )?);
        let header_timeout =
            Duration::from_millis(number("GAZETTE_HEADER_TIMEOUT_MS", 10_000, 100..=600_000)?);
        let page_cache_bytes = number(
            "GAZETTE_PAGE_CACHE_MB",
            super::page_cache::DEFAULT_BUDGET_MB,
            0..=65_536,
        )? * 1024
            * 1024;
        Ok(Config {
            page_cache_bytes,
            metrics_allow,
            database_url,
            site_addr,
            public_url,
            trusted_proxies,
            schedule_interval,
            header_timeout,
            secret_key,
        })
    }

    /// The address a request came from. The peer, unless the peer is a trusted proxy:
    /// then the right-most `X-Forwarded-For` entry that is not itself a trusted proxy
    /// (entries further left are whatever the client chose to send, so never believed).
    pub fn client_ip(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer?;
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        let hops: Vec<_> = forwarded_for
            .iter()
            .flat_map(|v| v.split(','))
            .map(|hop| hop.trim().parse::<IpAddr>())
            .collect();
        let mut nearest = peer;
        for hop in hops.into_iter().rev() {
            match hop {
                Ok(ip) if self.is_trusted(ip) => nearest = ip,
                Ok(ip) => return Some(ip),
                // A malformed entry: nothing to its left can be believed.
                Err(_) => break,
            }
        }
        Some(nearest)
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }

    /// The public site's origin (`scheme://host[:port]`), which a browser sends as
    /// `Origin` on the site's own form posts and calls.
    pub fn public_origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(i) => &self.public_url[..after_scheme + i],
            None => &self.public_url,
        }
    }

    /// Cookies carry `Secure` whenever the public site is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// A whole number from the environment variable `name`, `default` when unset.
fn number(name: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> Result<u64, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                format!(
                    "{name} '{v}' must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            }),
    }
}

/// Parses `GAZETTE_TRUSTED_PROXIES`: `10.0.0.1, 192.168.0.0/16, ::1`.
pub fn parse_proxies(list: &str) -> Result<Vec<IpNet>, String> {
    parse_networks("GAZETTE_TRUSTED_PROXIES", list)
}

/// Parses a list of addresses and CIDR ranges read from the variable `name`.
fn parse_networks(name: &str, list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("{name}: '{entry}' is not an address or a range like 10.0.0.0/8")
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(proxies: &str) -> Config {
        Config {
            database_url: String::new(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            public_url: "http://127.0.0.1:3000".into(),
            trusted_proxies: parse_proxies(proxies).unwrap(),
            schedule_interval: Duration::from_secs(5),
            header_timeout: Duration::from_secs(10),
            page_cache_bytes: 0,
            metrics_allow: Vec::new(),
            secret_key: None,
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        let c = config("");
        assert_eq!(
            c.client_ip(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let c = config("10.0.0.0/8");
        assert_eq!(
            c.client_ip(ip("203.0.113.9"), &["1.2.3.4"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_entries_to_its_left_are_skipped() {
        let c = config("10.0.0.1, 10.0.1.0/24");
        // The client sent "6.6.6.6" itself; the proxies appended the real address.
        let chain = ["6.6.6.6, 198.51.100.7", "10.0.1.5"];
        assert_eq!(c.client_ip(ip("10.0.0.1"), &chain), ip("198.51.100.7"));
    }

    #[test]
    fn a_trusted_proxy_without_a_usable_header_is_the_client() {
        let c = config("10.0.0.1");
        assert_eq!(c.client_ip(ip("10.0.0.1"), &[]), ip("10.0.0.1"));
        assert_eq!(c.client_ip(ip("10.0.0.1"), &["not-an-ip"]), ip("10.0.0.1"));
    }

    #[test]
    fn the_public_origin_is_scheme_host_and_port_without_a_path() {
        let mut c = config("");
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        c.public_url = "https://news.example/edition".into();
        assert_eq!(c.public_origin(), "https://news.example");
    }

    #[test]
    fn plain_http_is_refused_on_a_listener_other_machines_reach() {
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let lan: SocketAddr = "192.168.1.5:3000".parse().unwrap();
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let local6: SocketAddr = "[::1]:3000".parse().unwrap();
        for addr in [any, lan] {
            let e = check_transport("http://news.example", addr, false).unwrap_err();
            assert!(
                e.contains("GAZETTE_PUBLIC_URL") && e.contains("LEPTOS_SITE_ADDR"),
                "{e}"
            );
            assert!(e.contains("GAZETTE_INSECURE_HTTP=1"), "{e}");
            assert!(check_transport("http://news.example", addr, true).is_ok());
            assert!(check_transport("https://news.example", addr, false).is_ok());
        }
        for addr in [local, local6] {
            assert!(check_transport("http://127.0.0.1:3000", addr, false).is_ok());
        }
    }

    #[test]
    fn the_secret_key_must_be_32_bytes_of_base64_and_never_prints() {
        let key = SecretKey::parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(..)");
        assert!(SecretKey::parse("c2hvcnQ=").is_err());
        assert!(SecretKey::parse("not base64!").is_err());
    }

    #[test]
    fn bad_proxy_entries_are_refused_with_the_entry_named() {
        let e = parse_proxies("10.0.0.1, nonsense").unwrap_err();
        assert!(e.contains("'nonsense'"), "{e}");
        assert_eq!(parse_proxies(" ").unwrap(), vec![]);
        assert_eq!(parse_proxies("::1").unwrap().len(), 1);
    }
}
