import { test, expect, Page, request as playwrightRequest } from '@playwright/test';
import { logIn, editorReady, publishTaggedArticle } from './helpers';

const SEED_PATH = '/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions';

/** Every script and WebAssembly request a page makes, and every CSP complaint. */
function watch(page: Page) {
  const code: string[] = [];
  const violations: string[] = [];
  page.on('request', (r) => {
    const url = r.url();
    if (url.endsWith('.js') || url.endsWith('.wasm') || r.resourceType() === 'script') code.push(url);
  });
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy|Refused to (execute|load)/i.test(m.text())) violations.push(m.text());
  });
  page.on('pageerror', (e) => violations.push(String(e)));
  return { code, violations };
}

test.beforeAll(async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({ baseURL });
  await publishTaggedArticle(api);
  await api.dispose();
});

for (const path of ['/', '/tags/rail-travel', '/authors/erin-editor', '/search?q=cooperation', '/corrections', '/no/such/page']) {
  test(`${path} loads no JavaScript and no WebAssembly`, async ({ page }) => {
    const seen = watch(page);
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    expect(seen.code).toEqual([]);
    expect(seen.violations).toEqual([]);
  });
}

test('the article hydrates its FAQ under a CSP without unsafe-inline scripts', async ({ page }) => {
  const seen = watch(page);
  const res = await page.goto(SEED_PATH);
  const csp = res!.headers()['content-security-policy'];
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(scriptSrc).toMatch(/'sha256-[A-Za-z0-9+/=]+'/);
  await expect(page.getByRole('button', { name: 'Expand all' })).toBeVisible();
  await page.getByRole('button', { name: 'Expand all' }).click();
  const summaries = page.locator('.faq-item summary');
  const n = await summaries.count();
  for (let i = 0; i < n; i++) await expect(summaries.nth(i)).toHaveAttribute('aria-expanded', 'true');
  // The readers' bundle only: nothing of the newsroom's islands.
  expect(seen.code.length).toBeGreaterThan(0);
  expect(seen.code.every((u) => /\/pkg\/reader\.[0-9a-f]{16}\.(js|wasm)$/.test(u))).toBe(true);
  expect(seen.violations).toEqual([]);
});

test('hashed assets are served compressed and cached forever', async ({ page, request }) => {
  const seen = watch(page);
  await page.goto(SEED_PATH);
  await page.waitForLoadState('networkidle');
  const js = seen.code.find((u) => u.endsWith('.js'))!;
  const res = await request.get(js, { headers: { 'Accept-Encoding': 'br' } });
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(res.headers()['content-encoding']).toBe('br');
  const icon = await request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
});

test('the editor hydrates from the newsroom bundle under the same policy', async ({ page }) => {
  const seen = watch(page);
  await logIn(page, 'editor@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  expect(seen.code.some((u) => /\/pkg\/gazette\.[0-9a-f]{16}\.js$/.test(u))).toBe(true);
  expect(seen.violations).toEqual([]);
});
