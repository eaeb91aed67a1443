import { test, expect, Page, Browser } from '@playwright/test';
import { PASSWORD, logIn, editorReady } from './helpers';

async function newArticle(page: Page, title: string, body = 'Body text.') {
  await page.goto('/admin/articles/new');
  await editorReady(page);
  await page.getByLabel('Headline').fill(title);
  await page.getByLabel('Body (Markdown)').fill(body);
}

async function staffPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, email);
  return page;
}

const slugOf = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

test('an author drafts and submits; an editor reviews and publishes', async ({ page, browser }) => {
  const title = `Council approves cycle lanes ${Date.now()}`;
  await logIn(page, 'author@example.com');
  await newArticle(page, title, 'The vote was close.');
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await expect(page.locator('[data-test-status]')).toHaveText('In review');
  await expect(page.getByRole('button', { name: 'Publish' })).toHaveCount(0);

  const editor = await staffPage(browser, 'editor@example.com');
  await editor.getByRole('link', { name: title }).click();
  await editorReady(editor);
  await expect(editor.locator('[data-test-status]')).toHaveText('In review');
  await editor.getByRole('button', { name: 'Publish' }).click();
  await expect(editor.locator('[data-test-status]')).toHaveText('Published');

  const res = await page.goto(`/articles/${slugOf(title)}`);
  expect(res?.status()).toBe(200);
  await expect(page.getByText('By Arlo Author')).toBeVisible();
  await editor.context().close();
});

test('a scheduled article appears on time', async ({ page }) => {
  test.setTimeout(60_000);
  const title = `Embargoed budget figures ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await newArticle(page, title, 'Numbers under embargo.');
  // The picker is in the publication's time zone (UTC on the test site), whatever the
  // browser's own.
  const at = new Date(Date.now() + 8_000).toISOString().slice(0, 19);
  await page.getByLabel('or at (UTC time)').fill(at);
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expect(page.locator('[data-test-status]')).toHaveText('Scheduled');
  const path = `/articles/${slugOf(title)}`;
  expect((await page.request.get(path)).status()).toBe(404);
  await expect
    .poll(async () => (await page.request.get(path)).status(), { timeout: 40_000, intervals: [1_000] })
    .toBe(200);
});

test('two editors save the same article: the second gets the conflict and keeps their text', async ({ browser }) => {
  const title = `Harbour dispute ${Date.now()}`;
  const first = await staffPage(browser, 'editor@example.com');
  await newArticle(first, title, 'Original body.');
  await first.getByRole('button', { name: 'Save draft' }).click();
  await expect(first).toHaveURL(/\/admin\/articles\/\d+$/);
  const url = first.url();

  const second = await staffPage(browser, 'editor@example.com');
  await second.goto(url);
  await editorReady(second);

  await first.getByLabel('Body (Markdown)').fill('First editor body.');
  await first.getByRole('button', { name: 'Save draft' }).click();
  await expect(first.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();

  await second.getByLabel('Body (Markdown)').fill('Second editor body.');
  await second.getByRole('button', { name: 'Save draft' }).click();
  const conflict = second.getByRole('alert');
  await expect(second.getByText('Someone else saved this article')).toBeVisible();
  await expect(conflict.getByLabel('Or copy your text:')).toHaveValue('Second editor body.');
  await conflict.getByRole('button', { name: 'Keep mine (save over theirs)' }).click();
  await expect(second.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();

  await first.goto(`${url}/preview`);
  await expect(first.getByText('Second editor body.')).toBeVisible();
  await first.context().close();
  await second.context().close();
});

test('restoring a revision brings the old text back as a new revision', async ({ page }) => {
  const title = `Original headline ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await newArticle(page, title, 'Version one.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/admin\/articles\/\d+$/);
  await page.getByLabel('Body (Markdown)').fill('Version two.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  const editUrl = page.url();

  await page.goto(`${editUrl}/history`);
  await page.getByRole('link', { name: 'v1 → v2' }).click();
  await expect(page.locator('.diff-lines del')).toContainText('Version one.');
  await expect(page.locator('.diff-lines ins')).toContainText('Version two.');
  await page.getByRole('button', { name: 'Restore v1' }).click();
  await expect(page.locator('[data-test-revision="3"]')).toBeVisible();
  await page.goto(editUrl);
  await editorReady(page);
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue('Version one.');
});

test('an editor adds a correction that readers see on the article and the corrections page', async ({ page }) => {
  const title = `Bridge reopening ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await newArticle(page, title, 'The bridge reopens Monday.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.locator('[data-test-status]')).toHaveText('Published');
  await page.getByLabel('Correction note (shown to readers, never removed)').fill('The bridge reopens Tuesday, not Monday.');
  await page.getByRole('button', { name: 'Add correction' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Correction added.' })).toBeVisible();

  await page.goto(`/articles/${slugOf(title)}`);
  const corrections = page.getByRole('region', { name: 'Corrections' });
  await expect(corrections).toContainText('The bridge reopens Tuesday, not Monday.');
  await expect(page.getByText(/Updated/)).toBeVisible();
  await page.goto('/corrections');
  await expect(page.getByRole('link', { name: title })).toBeVisible();
});

test('repeated failed logins lock the account with 429 and Retry-After', async ({ page }) => {
  for (let i = 0; i < 5; i++) {
    await page.goto('/admin/login');
    await page.getByLabel('Email').fill('lockout@example.com');
    await page.getByLabel('Password').fill(`wrong guess number ${i}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert')).toHaveText("That email and password don't match an account.");
  }
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill('lockout@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/admin/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  expect(response.status()).toBe(429);
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
  await expect(page.getByRole('heading', { name: 'Too many attempts' })).toBeVisible();
});

test('a form posted from another origin is refused with 403', async ({ page, baseURL }) => {
  // A page on a second origin (served by Playwright) that posts to Gazette.
  const attacker = 'http://attacker.test';
  await page.route(`${attacker}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!DOCTYPE html><html><body>
        <form method="post" action="${baseURL}/admin/login">
          <input name="email" value="editor@example.com">
          <input name="password" value="correct horse battery">
          <button>Go</button>
        </form></body></html>`,
    }),
  );
  await page.goto(`${attacker}/page`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${baseURL}/admin/login` && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Go' }).click(),
  ]);
  expect(response.status()).toBe(403);
  expect(response.headers()['set-cookie']).toBeUndefined();
});
