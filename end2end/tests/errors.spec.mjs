// Unknown places answer 404 with a page that says so; a malformed query parameter answers 400 naming it.
import { test, expect } from '@playwright/test';
import { NATIONAL, UI } from './expected.mjs';
import { expectNoStreamingLeftovers } from './helpers.mjs';

const t = UI.id;

for (const path of ['/kabkota/63.99', '/provinsi/99', '/kabkota/63', '/provinsi/63.10', '/tidak-ada']) {
  test(`${path} is not found (404)`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response.status()).toBe(404);
    expectNoStreamingLeftovers(await response.text());
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.notFoundTitle);
    await expect(page).toHaveTitle(`${t.notFoundTitle} · Pantau KLA`);
    await page.getByRole('main').getByRole('link', { name: t.backHome }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(NATIONAL.title);
  });
}

for (const path of ['/?tahun=abc', '/provinsi/63?tahun=abc', '/kabkota/63.10?tahun=1800']) {
  test(`${path} is a bad request (400) naming tahun`, async ({ page }) => {
    const response = await page.goto(path);
    expect(response.status()).toBe(400);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(t.badRequestTitle);
    await expect(page.getByRole('main')).toContainText('tahun');
  });
}

test('the error pages speak English too', async ({ page }) => {
  const notFound = await page.goto('/kabkota/63.99?lang=en');
  expect(notFound.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(UI.en.notFoundTitle);
  const bad = await page.goto('/?tahun=abc&lang=en');
  expect(bad.status()).toBe(400);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(UI.en.badRequestTitle);
  await expect(page.getByRole('main')).toContainText('tahun');
});
