import { test, expect, request as playwrightRequest, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEED_PATH = '/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions';
const TITLE = 'Night trains return to the valley line';
let articlePath = '';

/** Publishes one authored, tagged article through the admin API, as the editor would. */
async function publishTaggedArticle(api: APIRequestContext) {
  const existing = '/articles/night-trains-return-to-the-valley-line';
  if ((await api.get(existing)).status() === 200) {
    articlePath = existing;
    return;
  }
  const login = await api.post('/admin/login', {
    form: { email: 'editor@example.com', password: 'correct horse battery' },
    maxRedirects: 0,
  });
  expect(login.status()).toBe(303);
  const draft = {
    title: TITLE,
    dek: 'Sleeper services resume after a decade.',
    body: 'The first **sleeper** left at ten.\n\nTickets sold out within hours.',
    takeaways: ['Service runs nightly', 'Fares start low'],
    analysis: 'Rail demand keeps growing.',
    faq: [{ question: 'When does it run?', answer: 'Every night at ten.' }],
    disclosure: { level: 'none', statement: 'Reported by our staff.', tool: null, reviewer: null },
    tags: ['Rail Travel'],
  };
  const saved = await api.post('/api/save_article', {
    data: { id: null, base_version: null, draft },
    headers: { Accept: 'application/json' },
  });
  expect(saved.status()).toBe(200);
  const s = await saved.json();
  const published = await api.post('/api/publish_article', {
    data: { id: s.id, version: s.version },
    headers: { Accept: 'application/json' },
  });
  expect(published.status()).toBe(200);
  articlePath = `/articles/${s.slug}`;
}

test.beforeAll(async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({ baseURL });
  await publishTaggedArticle(api);
  await api.dispose();
});

const pages = () => [
  ['home', '/'],
  ['article', SEED_PATH],
  ['authored article', articlePath],
  ['tag', '/tags/rail-travel'],
  ['author', '/authors/erin-editor'],
  ['search', '/search?q=sleeper'],
  ['empty search', '/search?q=%22%2A'],
  ['not found', '/no/such/page'],
  ['admin login', '/admin/login'],
];

test('every public page type has no accessibility violations', async ({ page }) => {
  for (const [name, path] of pages()) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, `${name} ${path}: ${JSON.stringify(results.violations, null, 2)}`).toEqual([]);
  }
});

test('every public page type is valid HTML (Nu Html Checker)', async ({ request }) => {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-vnu-'));
  try {
    const files: string[] = [];
    for (const [name, path] of pages()) {
      const res = await request.get(path);
      const file = join(dir, `${name.replace(/\W+/g, '-')}.html`);
      writeFileSync(file, await res.text());
      files.push(file);
    }
    const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
    let output = '';
    try {
      execFileSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e: any) {
      output = String(e.stderr || e.stdout || e);
    }
    const messages = output ? JSON.parse(output).messages : [];
    expect(messages, JSON.stringify(messages, null, 2)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the article page reads in order with the keyboard alone', async ({ page }) => {
  await page.goto(articlePath);
  await expect(page.locator('section.faq')).toHaveAttribute('data-hydrated', 'true');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  const expected: [string, string][] = [
    ['link', 'Erin Editor'],
    ['button', 'Expand all'],
    ['button', 'Collapse all'],
  ];
  for (const [role, name] of expected) {
    await page.keyboard.press('Tab');
    await expect(page.getByRole(role as 'link' | 'button', { name })).toBeFocused();
  }
  await page.keyboard.press('Tab');
  const summary = page.locator('section.faq summary').first();
  await expect(summary).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(summary).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Rail Travel' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/tags\/rail-travel$/);
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();
});

test('search highlights matches and survives odd queries', async ({ page }) => {
  await page.goto('/search');
  await page.getByLabel('Search articles').fill('sleeper');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/search\?q=sleeper$/);
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();
  await expect(page.locator('.snippet mark').first()).toHaveText(/sleeper/i);
  for (const q of ['"', '*', 'OR', '🚀🔥', 'x'.repeat(1000)]) {
    const res = await page.goto(`/search?q=${encodeURIComponent(q)}`);
    expect(res?.status(), q).toBe(200);
  }
});

test('the RSS feed lists the new article with its full text', async ({ request }) => {
  const res = await request.get('/feed.xml');
  expect(res.headers()['content-type']).toContain('application/rss+xml');
  const xml = await res.text();
  expect(xml).toContain(`<title>${TITLE}</title>`);
  expect(xml).toContain('Tickets sold out within hours.');
});
