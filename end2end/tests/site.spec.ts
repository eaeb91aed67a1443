import { test, expect, request as playwrightRequest } from '@playwright/test';
import { publishTaggedArticle } from './helpers';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SEED_PATH = '/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions';
const TITLE = 'Night trains return to the valley line';
let articlePath = '';

test.beforeAll(async ({ baseURL }) => {
  const api = await playwrightRequest.newContext({ baseURL });
  articlePath = await publishTaggedArticle(api);
  await api.dispose();
});

/** Every page type checked: name, path and the status it must answer with. */
const pages = (): [string, string, number][] => [
  ['home', '/', 200],
  ['article', SEED_PATH, 200],
  ['authored article', articlePath, 200],
  ['tag', '/tags/rail-travel', 200],
  ['author', '/authors/erin-editor', 200],
  ['search', '/search?q=sleeper', 200],
  ['empty search', '/search?q=%22%2A', 200],
  ['not found', '/no/such/page', 404],
  ['admin login', '/admin/login', 200],
];

test('every public page type has no accessibility violations', async ({ page }) => {
  for (const [name, path, status] of pages()) {
    const res = await page.goto(path);
    expect(res?.status(), `${name} ${path}`).toBe(status);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, `${name} ${path}: ${JSON.stringify(results.violations, null, 2)}`).toEqual([]);
  }
});

test('every public page type is valid HTML (Nu Html Checker)', async ({ request }) => {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-vnu-'));
  try {
    const files: string[] = [];
    for (const [name, path, status] of pages()) {
      const res = await request.get(path);
      expect(res.status(), `${name} ${path}`).toBe(status);
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
      // The checker exits 1 when it found errors and prints them as JSON on stderr; any
      // other failure (no Java, a crash) must fail the test, not pass it as "no messages".
      output = String(e.stderr ?? '').trim();
      if (e.status !== 1 || !output.startsWith('{')) {
        throw new Error(`the HTML checker did not run: status ${e.status}, ${e.message}\n${output}`);
      }
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
