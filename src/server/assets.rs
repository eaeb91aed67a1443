//! The built assets' content-hashed names (from `pkg/assets.txt`, written by
//! `scripts/finish-build.mjs`), the inline boot scripts that hydrate the islands of each
//! bundle (readers' and newsroom's), and the Content-Security-Policy that trusts exactly
//! those scripts by their hashes.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The inline scripts leptos itself appends to every page (its resource tables, empty
/// here: no island reads server resources). The policy trusts them by hash.
pub const LEPTOS_SCRIPTS: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// One island bundle: its files and the inline script that starts it.
#[derive(Debug)]
pub struct Bundle {
    /// URL of the bundle's JavaScript glue, e.g. `/pkg/reader.3f2a….js`.
    pub js: String,
    /// URL of the bundle's WebAssembly.
    pub wasm: String,
    /// The inline module script that loads the bundle when the browser is idle and
    /// hydrates every island on the page.
    pub boot: String,
}

impl Bundle {
    fn new(js: &str, wasm: &str) -> Self {
        let boot = format!(
            "const idle=window.requestIdleCallback||(f=>setTimeout(f,1));\
             idle(()=>import({js:?}).then(m=>m.default({{module_or_path:{wasm:?}}}).then(()=>{{\
             m.hydrate();\
             for(const el of document.querySelectorAll(\"leptos-island\")){{\
             const f=m[el.dataset.component];\
             if(f){{f(el)}}else{{console.warn(\"no island \"+el.dataset.component)}}\
             }}}})));"
        );
        Bundle {
            js: js.to_string(),
            wasm: wasm.to_string(),
            boot,
        }
    }
}

/// The island bundles and everything that refers to them, fixed for the life of the
/// process.
#[derive(Debug)]
pub struct Assets {
    /// The readers' bundle: the FAQ island only.
    pub reader: Bundle,
    /// The newsroom's bundle: every island, for the staff pages.
    pub staff: Bundle,
    /// The `Content-Security-Policy` header value: no inline script but the two boot
    /// scripts and leptos's resource tables, each trusted by its hash.
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
        let bundle = |stem: &str| {
            Bundle::new(
                &format!("/pkg/{}", name(&format!("{stem}.js"))),
                &format!("/pkg/{}", name(&format!("{stem}.wasm"))),
            )
        };
        Self::new(bundle("reader"), bundle("gazette"), https)
    }

    pub fn new(reader: Bundle, staff: Bundle, https: bool) -> Self {
        let hashes: Vec<String> = [reader.boot.as_str(), staff.boot.as_str()]
            .into_iter()
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
        Assets { reader, staff, csp }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_trusts_the_boot_scripts_by_hash_and_nothing_inline() {
        let a = Assets::new(
            Bundle::new("/pkg/reader.abc.js", "/pkg/reader.abc.wasm"),
            Bundle::new("/pkg/gazette.def.js", "/pkg/gazette.def.wasm"),
            false,
        );
        assert!(a.reader.boot.contains("\"/pkg/reader.abc.js\""));
        assert!(a.reader.boot.contains("\"/pkg/reader.abc.wasm\""));
        let script_src = a
            .csp
            .split(';')
            .find(|d| d.trim_start().starts_with("script-src"))
            .unwrap();
        assert!(!script_src.contains("unsafe-inline"), "{script_src}");
        for boot in [&a.reader.boot, &a.staff.boot] {
            let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(boot));
            assert!(script_src.contains(&format!("'sha256-{expected}'")));
        }
        assert!(a.csp.contains("object-src 'none'"));
        assert!(a.csp.contains("base-uri 'none'"));
    }
}
