import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const SEED_TITLE = 'China Proposes Global AI Cooperation Framework Amid Rising Tech Tensions';
const SEED_PATH = '/articles/china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions';

async function expectEverySection(page: Page) {
  await expect(page.getByRole('heading', { level: 1, name: SEED_TITLE })).toBeVisible();
  const body = page.locator('.article-body p');
  await expect(body).toHaveCount(3);
  await expect(body.first()).toContainText('China has officially signaled its intent');

  const takeaways = page.getByRole('region', { name: 'Key Takeaways' });
  await expect(takeaways.getByRole('listitem')).toHaveCount(3);
  await expect(takeaways.getByRole('listitem').first()).toContainText(
    'China is actively seeking to establish a global AI cooperation organization',
  );

  const analysis = page.getByRole('region', { name: 'Editor’s Analysis & Impact' });
  await expect(analysis).toContainText('strategic pivot in the ongoing');

  const faq = page.getByRole('region', { name: 'Frequently Asked Questions' });
  const items = faq.locator('details');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0).locator('summary')).toHaveText(
    "What is China's proposed 'AI Capacity Building for All' initiative?",
  );
  await expect(items.nth(1).locator('summary')).toHaveText(
    "How does China's approach to AI models differ from the U.S. approach?",
  );
  await expect(items.nth(0)).toContainText('helping developing nations gain access to AI technology');
  await expect(items.nth(1)).toContainText('fully downloadable AI models');

  const disclosure = page.getByRole('complementary', { name: 'AI Disclosure' });
  await expect(disclosure).toContainText('This article is based on verified data and official reports.');
  await expect(disclosure).toContainText('AI-assisted');
}

async function hydrated(page: Page) {
  await expect(page.locator('section.faq')).toHaveAttribute('data-hydrated', 'true');
}

test('the home page lists the seed article and links to it', async ({ page }) => {
  await page.goto('/');
  const link = page.getByRole('link', { name: SEED_TITLE });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(SEED_PATH);
  await expectEverySection(page);
});

test('a reader sees every section of the seed article', async ({ page }) => {
  const res = await page.goto(SEED_PATH);
  expect(res?.status()).toBe(200);
  await expect(page).toHaveTitle(new RegExp(SEED_TITLE));
  await expectEverySection(page);
});

test('an unknown article is a 404 page', async ({ page }) => {
  const res = await page.goto('/articles/no-such-article');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the whole article reads correctly and the FAQ still opens', async ({ page }) => {
    await page.goto(SEED_PATH);
    await expectEverySection(page);
    await expect(page.getByRole('button', { name: 'Expand all' })).toBeHidden();
    const first = page.locator('section.faq details').first();
    await expect(first).not.toHaveAttribute('open');
    await first.locator('summary').click();
    await expect(first).toHaveAttribute('open', '');
    await expect(first.locator('.faq-answer')).toBeVisible();
  });
});

test.describe('the FAQ island', () => {
  test('hydrates and keeps aria-expanded in sync on click', async ({ page }) => {
    await page.goto(SEED_PATH);
    await hydrated(page);
    const item = page.locator('section.faq details').first();
    const summary = item.locator('summary');
    await expect(summary).toHaveAttribute('aria-expanded', 'false');
    await summary.click();
    await expect(item).toHaveAttribute('open', '');
    await expect(summary).toHaveAttribute('aria-expanded', 'true');
    const id = await item.getAttribute('id');
    await expect(page).toHaveURL(new RegExp(`#${id}$`));
    await summary.click();
    await expect(summary).toHaveAttribute('aria-expanded', 'false');
    await expect(item).not.toHaveAttribute('open');
  });

  test('opens and closes with Enter and Space', async ({ page }) => {
    await page.goto(SEED_PATH);
    await hydrated(page);
    const item = page.locator('section.faq details').nth(1);
    const summary = item.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(item).toHaveAttribute('open', '');
    await expect(summary).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Space');
    await expect(item).not.toHaveAttribute('open');
    await expect(summary).toHaveAttribute('aria-expanded', 'false');
  });

  test('expand all and collapse all', async ({ page }) => {
    await page.goto(SEED_PATH);
    await hydrated(page);
    const items = page.locator('section.faq details');
    await page.getByRole('button', { name: 'Expand all' }).click();
    for (const i of [0, 1]) {
      await expect(items.nth(i)).toHaveAttribute('open', '');
      await expect(items.nth(i).locator('summary')).toHaveAttribute('aria-expanded', 'true');
    }
    await page.getByRole('button', { name: 'Collapse all' }).click();
    for (const i of [0, 1]) {
      await expect(items.nth(i)).not.toHaveAttribute('open');
      await expect(items.nth(i).locator('summary')).toHaveAttribute('aria-expanded', 'false');
    }
  });

  test('a deep link opens the named question and scrolls to it', async ({ page }) => {
    await page.setViewportSize({ width: 800, height: 500 });
    await page.goto(SEED_PATH);
    const second = page.locator('section.faq details').nth(1);
    const id = await second.getAttribute('id');
    expect(id).toMatch(/^faq-/);
    await page.goto('/');
    await page.goto(`${SEED_PATH}#${id}`);
    await hydrated(page);
    await expect(second).toHaveAttribute('open', '');
    await expect(second.locator('summary')).toHaveAttribute('aria-expanded', 'true');
    await expect(page.locator('section.faq details').first()).not.toHaveAttribute('open');
    await expect(second.locator('summary')).toBeInViewport();
  });
});

test('the article page and the home page have no accessibility violations', async ({ page }) => {
  for (const path of [SEED_PATH, '/']) {
    await page.goto(path);
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations, `${path}: ${JSON.stringify(results.violations, null, 2)}`).toEqual([]);
  }
});
