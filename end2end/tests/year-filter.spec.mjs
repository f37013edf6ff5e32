// The year filter is a plain GET form: it works with JavaScript off.
import { test, expect } from '@playwright/test';
import { NATIONAL, NATIONAL_2025, REGENCY, REGENCY_2025, UI } from './expected.mjs';
import { expectFigure } from './helpers.mjs';

const t = UI.id;

test('choosing 2025 on the national page shows that year’s training figures', async ({ page }) => {
  await page.goto(NATIONAL.path);
  const year = page.getByLabel(t.year, { exact: true });
  await expect(year).toHaveValue('');
  await year.selectOption(NATIONAL_2025.year);
  await page.getByRole('button', { name: t.apply }).click();

  await expect(page).toHaveURL(/[?&]tahun=2025(&|$)/);
  await expect(page.getByLabel(t.year, { exact: true })).toHaveValue(NATIONAL_2025.year);
  await expect(page.getByText(t.yearNote(NATIONAL_2025.year), { exact: true })).toBeVisible();
  await expectFigure(page, t.events, NATIONAL_2025.events);
  await expectFigure(page, t.participants, NATIONAL_2025.participants, NATIONAL_2025.participantsNote);
  await expectFigure(page, t.institutions, NATIONAL_2025.institutions);
  // Units and predicates are not per training year: they stay as they are.
  await expectFigure(page, t.certifiedShare, NATIONAL.certifiedShare);
  await expectFigure(page, t.withPredicate, NATIONAL.withPredicate);

  // "Semua tahun" brings the totals back.
  await page.getByLabel(t.year, { exact: true }).selectOption('');
  await page.getByRole('button', { name: t.apply }).click();
  await expectFigure(page, t.events, NATIONAL.events);
  await expectFigure(page, t.participants, NATIONAL.participants);
});

test('the filter works on a regency page too', async ({ page }) => {
  await page.goto(REGENCY.path);
  await page.getByLabel(t.year, { exact: true }).selectOption(REGENCY_2025.year);
  await page.getByRole('button', { name: t.apply }).click();
  await expect(page).toHaveURL(new RegExp(`${REGENCY.path.replace('.', '\\.')}\\?tahun=2025`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(REGENCY.name);
  await expectFigure(page, t.events, REGENCY_2025.events);
  await expectFigure(page, t.participants, REGENCY_2025.participants);
  await expect(page.getByRole('rowheader', { name: REGENCY.eventTitles[0], exact: true })).toBeVisible();
  await expect(page.getByRole('rowheader', { name: REGENCY.eventTitles[1], exact: true })).toHaveCount(0);
});
