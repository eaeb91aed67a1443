import { test, expect } from '@playwright/test';
import { createHmac } from 'crypto';
import { PASSWORD, logIn } from './helpers';

/** RFC 4648 base32 to bytes. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) an authenticator app would show at `ms`. */
function totp(secret: string, ms: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

test('TOTP enrolment with a QR code, then a login that needs the code', async ({ page }) => {
  await logIn(page, 'twofactor@example.com');
  await page.goto('/admin/account');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const qr = page.getByRole('img', { name: 'QR code for adding this account to an authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  const secret = (await page.locator('[data-test-totp-secret]').innerText()).trim();

  await page.getByLabel('Then enter the 6-digit code the app shows').fill('000000' === totp(secret, Date.now()) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('alert')).toContainText('That code was not right');

  await page.getByLabel('Then enter the 6-digit code the app shows').fill(totp(secret, Date.now()));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in is on' })).toBeVisible();
  await expect(page.locator('[data-test-recovery-code]')).toHaveCount(10);
  await page.getByRole('link', { name: /I have saved them/ }).click();
  await expect(page.locator('[data-test-two-factor="on"]')).toContainText('10 unused recovery codes');

  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await page.goto('/admin/login');
  await page.getByLabel('Email').fill('twofactor@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/admin\/login\/two-factor$/);
  // The password alone opened nothing.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login$/);
  await page.goto('/admin/login/two-factor');
  // The enrolment code is spent; the app's next code (30 s ahead) is accepted.
  await page.getByLabel('Authentication or recovery code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByText('Tess Twofactor (author)')).toBeVisible();
});
