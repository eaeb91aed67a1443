import { test, expect, Page } from '@playwright/test';
import { logIn, editorReady } from './helpers';

async function openEditor(page: Page) {
  await page.getByRole('link', { name: 'New article' }).click();
  await editorReady(page);
}

test('an anonymous visitor to /admin is sent to the login page', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await expect(page.getByRole('heading', { name: 'Staff log in' })).toBeVisible();
  await page.goto('/admin/articles/new');
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('a wrong password gets a generic error and no session', async ({ page }) => {
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill('editor@example.com');
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText("That email and password don't match an account.");
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
});

test('an editor creates an article with two FAQ items and publishes it', async ({ page, browser }) => {
  const title = `Harbour reopens after storm ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await openEditor(page);
  await page.getByLabel('Headline').fill(title);
  await page.getByLabel('Dek (standfirst)').fill('Ferries run again on Monday.');
  await page.getByLabel('Body (Markdown)').fill('The harbour **reopened** today.\n\nCrews worked overnight.');
  await page.getByLabel('Key Takeaways (one per line)').fill('Ferries resume Monday\nNo injuries reported');
  await page.getByLabel('Editor’s Analysis & Impact (Markdown)').fill('A quick recovery for the port.');
  await page.getByRole('button', { name: 'Add question' }).click();
  await page.getByRole('button', { name: 'Add question' }).click();
  const questions = page.getByLabel('Question');
  const answers = page.getByLabel('Answer (Markdown)');
  await questions.nth(0).fill('When do ferries run?');
  await answers.nth(0).fill('From Monday morning.');
  await questions.nth(1).fill('Was anyone hurt?');
  await answers.nth(1).fill('No injuries were reported.');
  // Reorder: the injury question goes first.
  await page.locator('[data-test-faq-edit]').nth(1).getByRole('button', { name: 'Move up' }).click();
  await page.getByLabel('AI involvement').selectOption('none');
  await page.getByLabel('Statement shown to readers').fill('Written and edited by our staff.');
  await page.getByLabel('Tags (comma-separated)').fill('Transport, Weather');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published.' })).toBeVisible();
  await expect(page.locator('[data-test-status]')).toHaveText('Published');

  const reader = await browser.newPage();
  await reader.goto('/');
  await reader.getByRole('link', { name: title }).click();
  await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(reader.locator('.article-body strong')).toHaveText('reopened');
  await expect(reader.getByRole('region', { name: 'Key Takeaways' }).getByRole('listitem')).toHaveCount(2);
  const faq = reader.locator('section.faq details summary');
  await expect(faq).toHaveText(['Was anyone hurt?', 'When do ferries run?']);
  await expect(reader.getByText('By Erin Editor')).toBeVisible();
  await reader.close();
});

test('a saved draft is never shown to readers', async ({ page, browser }) => {
  const title = `Draft budget leak ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await openEditor(page);
  await page.getByLabel('Headline').fill(title);
  await page.getByLabel('Body (Markdown)').fill('Not ready yet.');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/articles\/\d+$/);

  const reader = await browser.newPage();
  await reader.goto('/');
  await expect(reader.getByRole('link', { name: title })).toHaveCount(0);
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const res = await reader.goto(`/articles/${slug}`);
  expect(res?.status()).toBe(404);
  await reader.close();

  await page.goto('/admin');
  await expect(page.getByRole('row', { name: new RegExp(title) })).toContainText('Draft');
});

test('an empty headline is refused with a clear message', async ({ page }) => {
  await logIn(page, 'editor@example.com');
  await openEditor(page);
  await page.getByLabel('Body (Markdown)').fill('Body without a headline.');
  await page.getByLabel('Headline').evaluate((el) => el.removeAttribute('required'));
  await page.getByRole('button', { name: 'Save draft' }).click();
  // The editor's own message region (the pictures panel has a status line of its own).
  await expect(page.locator('.editor-message[role="status"]')).toHaveText('The headline is required.');
});

test('an author can save but is not offered Publish', async ({ page }) => {
  await logIn(page, 'author@example.com');
  await openEditor(page);
  await expect(page.getByRole('button', { name: 'Save draft' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Publish' })).toHaveCount(0);
});

test('logging out ends the session', async ({ page }) => {
  await logIn(page, 'editor@example.com');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/admin\/login\?logged_out=1$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
});
