import { expect, Page } from '@playwright/test';

/** The password start-server.sh gives every staff account. */
export const PASSWORD = 'correct horse battery';

/** Logs in through the form and waits for the admin home. */
export async function logIn(page: Page, email: string) {
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** Waits until the editor island has hydrated (clicks before that would be lost). */
export async function editorReady(page: Page) {
  await expect(page.locator('form.editor')).toHaveAttribute('data-hydrated', 'true');
}
