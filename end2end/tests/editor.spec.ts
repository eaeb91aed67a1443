import { test, expect, Page } from '@playwright/test';
import { logIn, editorReady } from './helpers';

async function newArticle(page: Page, title: string, body: string) {
  await page.goto('/admin/articles/new');
  await editorReady(page);
  await page.getByLabel('Headline').fill(title);
  await page.getByLabel('Body (Markdown)').fill(body);
}

test('the editor previews the body as it is typed, rendered as readers will see it', async ({ page }) => {
  await logIn(page, 'author@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  await page
    .getByLabel('Body (Markdown)')
    .fill('A **bold** claim, <script>alert(1)</script> and a [source](https://example.com/report).');
  const preview = page.locator('[data-test-preview]');
  await expect(preview.locator('strong')).toHaveText('bold');
  await expect(preview.getByRole('link', { name: 'source' })).toHaveAttribute('href', 'https://example.com/report');
  await expect(preview.locator('script')).toHaveCount(0);
  await page.getByLabel('Body (Markdown)').fill('## A section\n\nNew text.');
  await expect(preview.getByRole('heading', { name: 'A section' })).toBeVisible();
  await expect(preview.locator('strong')).toHaveCount(0);
});

test('a draft saves itself a few seconds after typing stops', async ({ page }) => {
  const title = `Autosaved council notes ${Date.now()}`;
  await logIn(page, 'author@example.com');
  await newArticle(page, title, 'Typed, never saved by hand.');
  await expect(page.getByRole('status').filter({ hasText: 'Saved automatically.' })).toBeVisible({ timeout: 10_000 });
  await expect(page).toHaveURL(/\/admin\/articles\/\d+$/);
  await page.getByLabel('Body (Markdown)').fill('Typed, never saved by hand. Then more.');
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes.' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Saved automatically.' })).toBeVisible({ timeout: 10_000 });

  await page.reload();
  await editorReady(page);
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue('Typed, never saved by hand. Then more.');
  await expect(page.getByText('This browser kept changes')).toHaveCount(0);
  await page.goto(`${page.url()}/history`);
  await expect(page.getByRole('cell', { name: 'Arlo Author (autosave)' })).toHaveCount(1);
});

test('unsaved text comes back after the browser tab crashes', async ({ page, context }) => {
  const title = `Ferry timetable ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await newArticle(page, title, 'The published text.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.locator('[data-test-status]')).toHaveText('Published');
  const url = page.url();
  // Published articles are never autosaved: only this browser holds the edit.
  await page.getByLabel('Body (Markdown)').fill('An edit the crash would have lost.');
  await page.close({ runBeforeUnload: false });

  const again = await context.newPage();
  await again.goto(url);
  await editorReady(again);
  await expect(again.getByLabel('Body (Markdown)')).toHaveValue('The published text.');
  const banner = again.getByRole('alert').filter({ hasText: 'This browser kept changes' });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Restore them' }).click();
  await expect(again.getByLabel('Body (Markdown)')).toHaveValue('An edit the crash would have lost.');
  await expect(banner).toHaveCount(0);

  // Logging out (past the unsaved-changes warning) clears what this browser kept.
  again.on('dialog', (dialog) => dialog.accept());
  await again.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(again).toHaveURL(/logged_out=1/);
  const kept = await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('gazette-draft')));
  expect(kept).toEqual([]);
});
