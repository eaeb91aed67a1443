import { expect, APIRequestContext, Page } from '@playwright/test';

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

/** Publishes one authored, tagged article through the admin API, as the editor would. */
export async function publishTaggedArticle(api: APIRequestContext): Promise<string> {
  const existing = '/articles/night-trains-return-to-the-valley-line';
  if ((await api.get(existing)).status() === 200) {
    return existing;
  }
  const login = await api.post('/admin/login', {
    form: { email: 'editor@example.com', password: 'correct horse battery' },
    maxRedirects: 0,
  });
  expect(login.status()).toBe(303);
  const draft = {
    title: 'Night trains return to the valley line',
    dek: 'Sleeper services resume after a decade.',
    body: 'The first **sleeper** left at ten.\n\nTickets sold out within hours.',
    takeaways: ['Service runs nightly', 'Fares start low'],
    analysis: 'Rail demand keeps growing.',
    faq: [{ question: 'When does it run?', answer: 'Every night at ten.' }],
    disclosure: { level: 'none', statement: 'Reported by our staff.', tool: null, reviewer: null },
    tags: ['Rail Travel'],
  };
  const saved = await api.post('/api/save_article', {
    data: { id: null, base_version: null, draft },
    headers: { Accept: 'application/json' },
  });
  expect(saved.status()).toBe(200);
  const s = await saved.json();
  const published = await api.post('/api/publish_article', {
    data: { id: s.id, version: s.version },
    headers: { Accept: 'application/json' },
  });
  expect(published.status()).toBe(200);
  return `/articles/${s.slug}`;
}

