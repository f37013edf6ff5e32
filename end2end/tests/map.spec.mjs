// The maps as a reader uses them: every kab/kota on the map is a link to its page, without JavaScript.
import { test, expect } from '@playwright/test';
import { PROVINCE, REGENCY } from './expected.mjs';

test('clicking a kab/kota on the national map opens its page', async ({ page }) => {
  await page.goto('/');
  const map = page.locator('figure#peta-predikat svg');
  await expect(map).toBeVisible();
  await expect(map.locator('a')).toHaveCount(514);
  // Tanah Bumbu is small at national scale: follow its link from focus. (The shapes are out of the tab
  // order — a keyboard user takes the data table's links, see charts.spec.mjs.)
  await map.locator(`a[href="${REGENCY.path}"]`).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(REGENCY.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(REGENCY.name);
});

test('clicking a kab/kota on the province map opens its page', async ({ page }) => {
  await page.goto(PROVINCE.path);
  const area = page.locator(`figure#peta-predikat svg a[href="${REGENCY.path}"]`);
  await expect(area).toHaveCount(1);
  await area.locator('polygon').first().click();
  await expect(page).toHaveURL(REGENCY.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(REGENCY.name);
});
