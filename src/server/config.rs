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
    /// Memory budget of the page cache in bytes (`GAZETTE_PAGE_CACHE_MB`, default 32;
    /// 0 turns the cache off).
    pub page_cache_bytes: u64,
    /// Addresses besides loopback allowed to read `/metrics` (`GAZETTE_METRICS_ALLOW`:
    /// addresses or CIDR ranges, comma-separated).
    pub metrics_allow: Vec<IpNet>,
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
            page_cache_bytes: 0,
            metrics_allow: Vec::new(),
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
    fn bad_proxy_entries_are_refused_with_the_entry_named() {
        let e = parse_proxies("10.0.0.1, nonsense").unwrap_err();
        assert!(e.contains("'nonsense'"), "{e}");
        assert_eq!(parse_proxies(" ").unwrap(), vec![]);
        assert_eq!(parse_proxies("::1").unwrap().len(), 1);
    }
}
