// After `cargo leptos build --release` and scripts/build-reader.sh: gives the two island
// bundles (the newsroom's `gazette`, the readers' `reader`) content-hashed names
// (listed in pkg/assets.txt for the server) and writes brotli and gzip copies of every
// built asset, so no static file is ever compressed per request.
// Usage: node scripts/finish-build.mjs SITE_ROOT
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, unlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const site = process.argv[2];
const pkg = join(site, 'pkg');
const hashed = /\.[0-9a-f]{16}\.(js|wasm|css)$/;

for (const name of readdirSync(pkg)) {
  if (hashed.test(name.replace(/\.(br|gz)$/, ''))) unlinkSync(join(pkg, name));
}
const manifest = [];
for (const name of ['gazette.js', 'gazette.wasm', 'gazette.css', 'reader.js', 'reader.wasm']) {
  let bytes;
  try {
    bytes = readFileSync(join(pkg, name));
  } catch {
    continue;
  }
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  const [stem, ext] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
  const target = `${stem}.${hash}.${ext}`;
  writeFileSync(join(pkg, target), bytes);
  manifest.push(`${name} ${target}`);
}
writeFileSync(join(pkg, 'assets.txt'), manifest.join('\n') + '\n');

const compressible = /\.(js|wasm|css|svg|txt|xml|json|ico|html)$/;
function precompress(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      precompress(path);
    } else if (compressible.test(name) && name !== 'assets.txt') {
      const bytes = readFileSync(path);
      writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
      }));
      writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    }
  }
}
precompress(site);
console.log(`assets: ${manifest.join(', ')}`);
