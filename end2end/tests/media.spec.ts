import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { deflateSync } from 'node:zlib';
import { logIn, editorReady } from './helpers';

/** CRC-32 as PNG chunks need it. */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A width × height PNG made here (no binary fixtures): warm left half, cool right. */
function png(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const t = (x * 7 + y * 13) % 23;
      const px = x < width / 2 ? [200 + t, 40 + t, 40] : [40, 70 + t, 200 + t];
      rows.set(px, row + 1 + x * 3);
    }
  }
  const chunk = (kind: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(kind, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Cumulative layout shift while `page` loads `path` and settles. */
async function layoutShift(page: Page, path: string): Promise<number> {
  await page.addInitScript(() => {
    (window as any).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(path);
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => (window as any).__cls);
}

test('a picture uploaded in the editor leads the published article and the front page', async ({ page, browser }) => {
  const title = `Harbour at dawn ${Date.now()}`;
  await logIn(page, 'editor@example.com');
  await page.goto('/admin/articles/new');
  await editorReady(page);
  await page.getByLabel('Headline').fill(title);
  await page.getByLabel('Dek (standfirst)').fill('The first boats leave before sunrise.');
  await page.getByLabel('Body (Markdown)').fill('The quay was busy by five.');

  await page.getByLabel('Add pictures').setInputFiles([
    { name: 'dawn.png', mimeType: 'image/png', buffer: png(1600, 900) },
    { name: 'chart.png', mimeType: 'image/png', buffer: png(640, 400) },
  ]);
  const transfers = page.locator('.transfers li');
  await expect(transfers).toHaveCount(2);
  await expect(transfers.locator('progress').first()).toBeVisible();
  await expect(transfers.filter({ hasText: 'Ready.' })).toHaveCount(2, { timeout: 30_000 });

  await page.locator('.uploaded li').first().getByRole('button', { name: 'Use as lead image' }).click();
  const preview = page.locator('[data-test-lead-preview]');
  await expect(preview).toBeVisible();
  await page.locator('.uploaded li').nth(1).getByRole('button', { name: 'Insert in body' }).click();
  await expect(page.getByLabel('Body (Markdown)')).toHaveValue(/!\[.*\]\(media:\d+ ""\)/);

  // Publishing without alt text is refused on the field.
  await page.getByLabel('Lead image alt text (required to publish)').fill('');
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.locator('#ed-lead-alt-error')).toContainText('alt text is required');
  await expect(page.getByLabel('Lead image alt text (required to publish)')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Lead image alt text (required to publish)').fill('Fishing boats leaving the harbour at dawn');
  await page.getByLabel('Caption').fill('The first boats.');
  await page.getByLabel('Credit').fill('Ada Photographer');
  const box = (await preview.boundingBox())!;
  await preview.click({ position: { x: box.width * 0.2, y: box.height * 0.5 } });
  await expect(page.getByText('Focal point set: 20% across')).toBeVisible();
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect(page.locator('[data-test-status]')).toHaveText('Published');

  await page.getByRole('link', { name: 'View article' }).click();
  const lead = page.locator('figure.lead-image');
  await expect(lead.locator('picture source[type="image/webp"]')).toHaveCount(1);
  await expect(lead.locator('img')).toHaveAttribute('alt', 'Fishing boats leaving the harbour at dawn');
  await expect(lead.locator('figcaption')).toContainText('Ada Photographer');
  await expect(page.locator('.article-body figure img')).toHaveAttribute('loading', 'lazy');
  const url = page.url();

  const readerContext = await browser.newContext();
  const reader = await readerContext.newPage();
  expect(await layoutShift(reader, new URL(url).pathname)).toBe(0);
  const results = await new AxeBuilder({ page: reader }).analyze();
  expect(results.violations).toEqual([]);
  await reader.goto('/');
  const card = reader.locator('.card-lead', { hasText: title });
  await expect(card.locator('picture img')).toBeVisible();
  expect((await new AxeBuilder({ page: reader }).analyze()).violations).toEqual([]);
  await readerContext.close();
});

test('the media library finds pictures by their words and refuses to delete used ones', async ({ page }) => {
  await logIn(page, 'editor@example.com');
  await page.goto('/admin/media');
  // The uploader only sees the chosen file once its island is live (the bundle loaded).
  await page.waitForLoadState('networkidle');
  const before = await page.locator('.media-card').count();
  // The library reloads once the upload is stored; the new picture is then listed first.
  const reloaded = page.waitForEvent('load', { timeout: 30_000 });
  await page.getByLabel('Add pictures').setInputFiles({ name: 'lib.png', mimeType: 'image/png', buffer: png(480, 320) });
  await reloaded;
  await expect(page.locator('.media-card')).toHaveCount(before + 1);
  const card = page.locator('.media-card').first();
  await expect(card.getByText('Not used yet.')).toBeVisible();
  await expect(card).toHaveAttribute('data-hydrated', 'true');
  const id = Number(await card.getAttribute('data-test-media'));
  const credit = `Library Credit ${Date.now()}`;
  await card.getByLabel('Credit').fill(credit);
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('status')).toHaveText('Saved.');
  await page.getByLabel('Search alt text, captions and credits').fill(credit.toLowerCase());
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/admin\/media\?q=library\+credit/);
  await expect(page.locator('.media-card')).toHaveCount(1);
  await expect(page.locator(`[data-test-media="${id}"]`)).toBeVisible();
  await page.getByLabel('Search alt text, captions and credits').fill(`no such words ${Date.now()}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.media-card')).toHaveCount(0);
  await expect(page.getByText(/No pictures match/)).toBeVisible();

  // Used as a draft's lead image, it can't be deleted; the card says where it is used.
  const title = `Uses library picture ${id}`;
  const res = await page.request.post('/api/save_article', {
    data: {
      id: null,
      base_version: null,
      draft: {
        title, dek: '', body: 'Text.', takeaways: [], analysis: '', faq: [], disclosure: null,
        tags: [], slug: '', bylines: [],
        lead_image: { media_id: id, alt: 'A library picture', caption: '', credit: '' },
      },
    },
    headers: { Accept: 'application/json' },
  });
  expect(res.status(), await res.text()).toBe(200);
  await page.goto(`/admin/media?q=${encodeURIComponent(credit)}`);
  const used = page.locator(`[data-test-media="${id}"]`);
  await expect(used).toHaveAttribute('data-hydrated', 'true');
  await expect(used.locator('.media-use')).toContainText(title);
  await used.getByRole('button', { name: 'Delete' }).click();
  await expect(used.getByRole('status')).toContainText('still used by');
  await page.reload();
  await expect(page.locator(`[data-test-media="${id}"]`)).toBeVisible();
});
