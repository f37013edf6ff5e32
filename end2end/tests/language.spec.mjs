// Bahasa Indonesia is the default; the "English" link switches and the choice is remembered (a cookie).
import { test, expect } from '@playwright/test';
import { NATIONAL, PROVINCE, UI } from './expected.mjs';
import { expectFigure } from './helpers.mjs';

test('switching to English is remembered on the next page', async ({ page, context }) => {
  await page.goto(NATIONAL.path);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');

  await page.getByRole('link', { name: UI.id.otherLanguage, exact: true }).click();
  await expect(page).toHaveURL(/[?&]lang=en(&|$)/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(NATIONAL.titleEn);
  await expectFigure(page, UI.en.certifiedShare, NATIONAL.certifiedShareEn);
  await expectFigure(page, UI.en.participants, NATIONAL.participants);
  await expectFigure(page, UI.en.withPredicate, NATIONAL.withPredicate);
  await expect(page.getByText(NATIONAL.certifiedShare, { exact: true })).toHaveCount(0);

  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'lang')).toMatchObject({ value: 'en', path: '/' });

  // The next page, reached by an ordinary link without ?lang=, is still in English.
  await page.getByRole('table', { name: UI.en.provincesCaption }).getByRole('link', { name: PROVINCE.name, exact: true }).click();
  await expect(page).toHaveURL(PROVINCE.path);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('navigation', { name: UI.en.breadcrumbs })).toBeVisible();
  await expectFigure(page, UI.en.events, PROVINCE.events);
  await expectFigure(page, UI.en.certifiedShare, PROVINCE.certifiedShareEn);

  // And back to Bahasa Indonesia.
  await page.getByRole('link', { name: UI.en.otherLanguage, exact: true }).click();
  await expect(page).toHaveURL(/[?&]lang=id(&|$)/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await expectFigure(page, UI.id.certifiedShare, PROVINCE.certifiedShare);
  await page.getByRole('navigation', { name: UI.id.breadcrumbs }).getByRole('link', { name: 'Indonesia' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(NATIONAL.title);
});
