import { test, expect, Browser, Page, APIRequestContext } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logIn, editorReady } from './helpers';

/** A word no other test writes, so searches find only this test's articles. */
const word = (prefix: string) => `${prefix}${Date.now().toString(36)}`;

async function staffPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, email);
  return page;
}

type Saved = { id: number; version: number; slug: string };

/** Saves a new draft through the API as the page's signed-in user. */
async function createDraft(api: APIRequestContext, title: string, body: string, tags: string[] = []): Promise<Saved> {
  const draft = {
    title,
    dek: 'A short standfirst.',
    body,
    takeaways: [],
    analysis: '',
    faq: [],
    disclosure: { level: 'none', statement: 'Reported by our staff.', tool: null, reviewer: null },
    tags,
  };
  const res = await api.post('/api/save_article', {
    data: { id: null, base_version: null, draft },
    headers: { Accept: 'application/json' },
  });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function call(api: APIRequestContext, name: string, data: object): Promise<Saved> {
  const res = await api.post(`/api/${name}`, { data, headers: { Accept: 'application/json' } });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

test('the desk filters by status and words, and the filters live in the URL', async ({ page }) => {
  const key = word('deskkey');
  await logIn(page, 'editor@example.com');
  const draft = await createDraft(page.request, `Harbour dredging plan ${key}`, `Dredging starts in spring. ${key}`);
  const live = await createDraft(page.request, `Council rent vote ${key}`, `Rents rise again. ${key}`, ['Housing']);
  await call(page.request, 'publish_article', { id: live.id, version: live.version });

  await page.goto('/admin');
  const filters = page.getByRole('search', { name: 'Filter articles' });
  await filters.getByLabel('Search headlines and text').fill(`dredging ${key}`);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`q=dredging\\+${key}`));
  const rows = page.locator('table.desk-list tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Harbour dredging plan ${key}`);
  await expect(rows.first()).toContainText('Draft');

  // A status tab keeps the search and says how many articles it holds.
  await page.getByRole('search', { name: 'Filter articles' }).getByLabel('Search headlines and text').fill(key);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(2);
  const tabs = page.getByRole('navigation', { name: 'Articles by status' });
  await tabs.getByRole('link', { name: /^Published \d+/ }).click();
  await expect(page).toHaveURL(new RegExp(`status=published.*q=${key}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Council rent vote ${key}`);
  await expect(tabs.getByRole('link', { name: /^Published/ })).toHaveAttribute('aria-current', 'page');

  // A reload keeps everything, and the form shows what is applied.
  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(page.getByLabel('Search headlines and text')).toHaveValue(key);
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('published');

  // Tag filter by name, then clear.
  await page.getByRole('combobox', { name: 'Status' }).selectOption('');
  await page.getByLabel('Tag').fill('Housing');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // The form sends the name as typed; the desk finds the tag by it and links onwards by slug.
  await expect(page).toHaveURL(/tag=Housing/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Council rent vote ${key}`);
  await expect(page.getByLabel('Tag')).toHaveValue('Housing');
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('link', { name: `Harbour dredging plan ${key}` })).toBeVisible();
  expect(draft.id).toBeGreaterThan(0);
});

test('the review queue shows what authors submitted, longest waiting first', async ({ page, browser }) => {
  const key = word('queue');
  await logIn(page, 'author@example.com');
  for (const title of [`First in line ${key}`, `Second in line ${key}`]) {
    const a = await createDraft(page.request, title, 'Ready for an editor.');
    await call(page.request, 'submit_for_review', { id: a.id, version: a.version });
  }
  // Authors have no review queue.
  await expect(page.getByRole('link', { name: 'Review queue' })).toHaveCount(0);

  const editor = await staffPage(browser, 'editor@example.com');
  await editor.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Review queue' }).click();
  await expect(editor).toHaveURL(/view=review/);
  await expect(editor.getByRole('heading', { level: 1, name: 'Review queue' })).toBeVisible();
  await editor.getByLabel('Search headlines and text').fill(key);
  await editor.getByRole('button', { name: 'Apply filters' }).click();
  await expect(editor).toHaveURL(/view=review.*q=/);
  const headlines = editor.locator('table.desk-list tbody th');
  await expect(headlines).toHaveText([`First in line ${key}`, `Second in line ${key}`]);
  await expect(editor.getByRole('columnheader', { name: 'In review since' })).toBeVisible();
  await editor.context().close();
});

test('the editor says who else has the article open, and since when', async ({ page, browser }) => {
  await logIn(page, 'author@example.com');
  const a = await createDraft(page.request, `Shared desk story ${word('p')}`, 'Two people, one article.');
  // The first editor's page runs on a clock the test moves on, a heartbeat at a time
  // (PRESENCE_HEARTBEAT_SECS, 15 s), instead of waiting for it.
  await page.clock.install();
  await page.goto(`/admin/articles/${a.id}`);
  await editorReady(page);
  await expect(page.getByText('Also open:')).toHaveCount(0);
  const nextBeat = async (check: () => Promise<void>) =>
    expect(async () => {
      await page.clock.fastForward(16_000);
      await check();
    }).toPass({ timeout: 15_000 });

  const editor = await staffPage(browser, 'editor@example.com');
  await editor.goto(`/admin/articles/${a.id}`);
  await editorReady(editor);
  // The one who opens second learns at once; the first at their editor's next beat.
  const notice = editor.locator('.presence');
  await expect(notice).toContainText(/Arlo Author \(since \d\d:\d\d\) has this article open/);
  await nextBeat(() => expect(page.locator('.presence')).toContainText('Erin Editor', { timeout: 2_000 }));

  // Leaving the editor says goodbye, so the notice goes at the next beat.
  await editor.goto('/admin');
  await nextBeat(() => expect(page.locator('.presence')).toHaveCount(0, { timeout: 2_000 }));
  await editor.context().close();
});

test('Ctrl+S saves the article instead of opening the browser’s save dialog', async ({ page }) => {
  await logIn(page, 'editor@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  await page.getByLabel('Headline').fill(`Saved from the keyboard ${word('k')}`);
  await page.getByLabel('Body (Markdown)').fill('Typed, then Ctrl+S.');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/articles\/\d+$/);
  await page.getByLabel('Body (Markdown)').fill('A second edit.');
  await page.keyboard.press('Meta+s');
  await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  await page.reload();
  await editorReady(page);
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue('A second edit.');
});

test('the headline and dek counters warn past what search results show', async ({ page }) => {
  await logIn(page, 'author@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  const headline = page.getByLabel('Headline');
  await headline.fill('Short headline');
  await expect(headline).toHaveAccessibleDescription('14 / 70 characters');
  await headline.fill('x'.repeat(71));
  await expect(headline).toHaveAccessibleDescription(/71 \/ 70 characters — too long/);
  const dek = page.getByLabel('Dek (standfirst)');
  await dek.fill('y'.repeat(161));
  await expect(dek).toHaveAccessibleDescription(/161 \/ 160 characters — too long/);
});

test('on a wide screen the body is at least 70 characters wide with the preview beside it', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await logIn(page, 'editor@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  const body = page.getByLabel('Body (Markdown)');
  const chars = await body.evaluate((el) => {
    const probe = document.createElement('span');
    probe.style.font = getComputedStyle(el).font;
    probe.textContent = '0'.repeat(100);
    document.body.append(probe);
    const ch = probe.getBoundingClientRect().width / 100;
    probe.remove();
    return el.clientWidth / ch;
  });
  expect(chars).toBeGreaterThanOrEqual(70);
  const bodyBox = (await body.boundingBox())!;
  const previewBox = (await page.getByRole('region', { name: 'Preview' }).boundingBox())!;
  expect(previewBox.x).toBeGreaterThan(bodyBox.x + bodyBox.width);
  await page.screenshot({ path: 'test-results/editor-wide.png', fullPage: false });

  // The bar with status and actions stays in view while writing further down.
  await page.getByLabel('Tags (comma-separated)').scrollIntoViewIfNeeded();
  await expect(page.getByRole('button', { name: 'Save draft' })).toBeInViewport();

  // On a phone the fields stack and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const preview = (await page.getByRole('region', { name: 'Preview' }).boundingBox())!;
  const narrowBody = (await body.boundingBox())!;
  expect(preview.y).toBeGreaterThan(narrowBody.y);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'test-results/editor-phone.png', fullPage: true });
});

/** Every staff page, as its path, once the fixtures below exist. */
async function staffPages(page: Page): Promise<[string, string][]> {
  const draft = await createDraft(page.request, `Accessible draft ${word('a')}`, 'Some **text** for the preview.', ['Checks']);
  const live = await createDraft(page.request, `Accessible published ${word('b')}`, 'Published text.');
  const published = await call(page.request, 'publish_article', { id: live.id, version: live.version });
  const inReview = await createDraft(page.request, `Accessible review ${word('c')}`, 'Waiting.');
  await call(page.request, 'submit_for_review', { id: inReview.id, version: inReview.version });
  return [
    ['desk', '/admin'],
    ['desk filtered', '/admin?status=draft&q=accessible&sort=updated'],
    ['desk scheduled', '/admin?status=scheduled&sort=scheduled'],
    ['desk bad filter', '/admin?status=lost'],
    ['review queue', '/admin?view=review'],
    ['new article', '/admin/articles/new'],
    ['editor (draft)', `/admin/articles/${draft.id}`],
    ['editor (published)', `/admin/articles/${published.id}`],
    ['history', `/admin/articles/${draft.id}/history`],
    ['preview', `/admin/articles/${draft.id}/preview`],
    ['account', '/admin/account'],
    ['staff', '/admin/users'],
    ['audit log', '/admin/audit'],
  ];
}

test('every staff page has no accessibility violations, logged in', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'admin@example.com');
  for (const [name, path] of await staffPages(page)) {
    const res = await page.goto(path);
    expect(res?.status(), `${name} ${path}`).toBe(200);
    if (/^\/admin\/articles\/\d+$/.test(path)) {
      await editorReady(page);
      await expect(page.locator('[data-test-preview]')).not.toBeEmpty();
    }
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, `${name} ${path}: ${JSON.stringify(results.violations, null, 2)}`).toEqual([]);
  }
});

test('every staff page is valid HTML (Nu Html Checker), logged in', async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, 'admin@example.com');
  const dir = mkdtempSync(join(tmpdir(), 'gazette-staff-vnu-'));
  try {
    const files: string[] = [];
    for (const [name, path] of await staffPages(page)) {
      const res = await page.request.get(path);
      expect(res.status(), `${name} ${path}`).toBe(200);
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
      // Exit status 1 with JSON on stderr means it found errors; anything else is a failure to run.
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
