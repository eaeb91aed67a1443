//! The built assets' content-hashed names (from `pkg/assets.txt`, written by
//! `scripts/finish-build.sh`), the inline boot script that hydrates the islands, and the
//! Content-Security-Policy that trusts exactly that script by its hash.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The inline scripts leptos itself appends to every page (its resource tables, empty
/// here: no island reads server resources). The policy trusts them by hash.
pub const LEPTOS_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// The island bundle and everything that refers to it, fixed for the life of the process.
#[derive(Debug)]
pub struct Assets {
    /// URL of the bundle's JavaScript glue, e.g. `/pkg/gazette.3f2a….js`.
    pub js: String,
    /// URL of the bundle's WebAssembly.
    pub wasm: String,
    /// The inline module script that loads the bundle when the browser is idle and
    /// hydrates every island on the page.
    pub boot: String,
    /// The `Content-Security-Policy` header value: no inline script but [`Self::boot`].
    pub csp: String,
}

impl Assets {
    /// Reads `{site_root}/pkg/assets.txt` (`gazette.js gazette.<hash>.js` per line);
    /// without it (a build that skipped the hashing step) the plain names are used.
    pub fn load(site_root: &str, https: bool) -> Self {
        let manifest =
            std::fs::read_to_string(format!("{site_root}/pkg/assets.txt")).unwrap_or_default();
        let name = |plain: &str| {
            manifest
                .lines()
                .filter_map(|l| l.split_once(' '))
                .find(|(from, _)| *from == plain)
                .map(|(_, to)| to.trim().to_string())
                .unwrap_or_else(|| plain.to_string())
        };
        Self::new(
            &format!("/pkg/{}", name("gazette.js")),
            &format!("/pkg/{}", name("gazette.wasm")),
            https,
        )
    }

    pub fn new(js: &str, wasm: &str, https: bool) -> Self {
        let boot = format!(
            "const idle=window.requestIdleCallback||(f=>setTimeout(f,1));\
             idle(()=>import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>{{\
             m.hydrate();\
             for(const el of document.querySelectorAll(\"leptos-island\")){{\
             const f=m[el.dataset.component];\
             if(f){{f(el)}}else{{console.warn(\"no island \"+el.dataset.component)}}\
             }}}})));"
        );
        let hashes: Vec<String> = std::iter::once(boot.as_str())
            .chain(LEPTOS_SCRIPTS)
            .map(|s| {
                let digest = Sha256::digest(s.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'{}",
            hashes.join(" "),
            if https {
                "; upgrade-insecure-requests"
            } else {
                ""
            }
        );
        Assets {
            js: js.to_string(),
            wasm: wasm.to_string(),
            boot,
            csp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_trusts_the_boot_script_by_hash_and_nothing_inline() {
        let a = Assets::new("/pkg/gazette.abc.js", "/pkg/gazette.abc.wasm", false);
        assert!(a.boot.contains("\"/pkg/gazette.abc.js\""));
        assert!(a.boot.contains("\"/pkg/gazette.abc.wasm\""));
        let script_src = a
            .csp
            .split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&a.boot));
        assert!(script_src.contains(&format!("'sha256-{expected}'")));
        assert!(a.csp.contains("object-src 'none'"));
        assert!(a.csp.contains("base-uri 'none'"));
    }
}
