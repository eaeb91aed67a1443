import { test, expect, Page } from '@playwright/test';
import { logIn } from './helpers';

/** Puts the publication's name, language and time zone back for the other specs. */
async function restore(page: Page) {
  await page.goto('/admin/settings');
  await expect(page.locator('form.settings-form')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Publication name').fill('Gazette');
  await page.getByLabel('Language').fill('en');
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
}

test('an admin renames the publication; a bad time zone is shown on its field first', async ({ page }) => {
  await logIn(page, 'admin@example.com');
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await expect(page.locator('form.settings-form')).toHaveAttribute('data-hydrated', 'true');
  try {
    await page.getByLabel('Publication name').fill('The Harbour Herald');
    await page.getByLabel('Language').fill('de-CH');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const zone = page.getByLabel('Time zone');
    await expect(zone).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('[data-test-problem="timezone"]')).toContainText('IANA');
    await expect(page.getByRole('status').filter({ hasText: 'Nothing was saved' })).toBeVisible();
    await page.screenshot({ path: 'test-results/settings-refused.png', fullPage: true });
    await page.goto('/');
    await expect(page.locator('a.brand')).toHaveText('Gazette');

    await page.goto('/admin/settings');
    await expect(page.locator('form.settings-form')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Publication name').fill('The Harbour Herald');
    await page.getByLabel('Language').fill('de-CH');
    await page.getByLabel('Time zone').fill('Europe/Zurich');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    await expect(page.getByLabel('Time zone')).not.toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: 'test-results/settings-saved.png', fullPage: true });

    await page.goto('/');
    await expect(page.locator('a.brand')).toHaveText('The Harbour Herald');
    await expect(page).toHaveTitle('The Harbour Herald — latest news');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de-CH');
  } finally {
    await restore(page);
  }
});

test('an editor has no settings link and is refused the settings page', async ({ page }) => {
  await logIn(page, 'editor@example.com');
  await expect(page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' })).toHaveCount(0);
  const response = await page.goto('/admin/settings');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('not allowed');
});
