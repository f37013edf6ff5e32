// The province report (/provinsi/{PP}/laporan) as its readers use it, JavaScript off: a visitor follows the
// link from the province page, reads one section per kab/kota, and prints it on A4 (at most 40 pages, no
// controls); the province's officer gets the same report with each kab/kota's evaluation preparation.
// Accounts as in evaluation.spec.mjs (E2E_PROVINCE_USER is the officer of province 63).
import { test, expect } from '@playwright/test';
import { PROVINCE } from './expected.mjs';

const REPORT = `${PROVINCE.path}/laporan`;

test('a visitor opens the province report from the province page', async ({ page }) => {
  await page.goto(PROVINCE.path);
  await page.getByRole('link', { name: /^Laporan untuk rapat koordinasi/ }).click();
  await expect(page).toHaveURL(new RegExp(`${REPORT}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Laporan KLA ${PROVINCE.name}`);
  await expect(page.getByText(/^Angka pelatihan: semua tahun\. · Versi publik/)).toBeVisible();
  // Every kab/kota of the province has its section, each reachable from the overview table.
  const sections = page.locator('section.report-regency');
  await expect(sections).toHaveCount(13);
  await page.getByRole('region', { name: 'Semua kabupaten/kota' }).getByRole('link', { name: 'Kabupaten Tanah Bumbu' }).click();
  await expect(page).toHaveURL(/#kk-63\.10$/);
  const tb = page.locator('#kk-63\\.10');
  await expect(tb.getByRole('heading', { level: 2 })).toHaveText('Kabupaten Tanah Bumbu 63.10');
  await expect(tb).toContainText('2 kegiatan · 160 peserta');
  await expect(tb).toContainText('50,0% (2 / 4 satuan layanan)');
  await expect(page.locator('.report-prep')).toHaveCount(0);
});

test('the report prints on A4 without controls, in at most 40 pages', async ({ page }) => {
  await page.goto(REPORT);
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['form.search', '.account', '.lang', 'nav.crumbs', '.screen-only']) {
    await expect(page.locator(hidden).first(), hidden).toBeHidden();
  }
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) || []).length;
  expect(pages, 'A4 pages').toBeGreaterThan(0);
  expect(pages, 'A4 pages').toBeLessThanOrEqual(40);
});

test('the report reads in English', async ({ page }) => {
  await page.goto(`${REPORT}?lang=en`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`KLA report: ${PROVINCE.name}`);
  await expect(page.locator('#kk-63\\.10')).toContainText('2 events · 160 participants');
});

test("the province's officer sees each kab/kota's evaluation preparation", async ({ page }) => {
  await page.goto('/masuk');
  await page.getByLabel('Nama pengguna').fill(process.env.E2E_PROVINCE_USER);
  await page.getByLabel('Kata sandi').fill(process.env.E2E_PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/kelola$/);
  await page.goto(REPORT);
  await expect(page.getByText(/Versi petugas/)).toBeVisible();
  // With a cycle open, each kab/kota's status; before any cycle, a sentence saying so — in every section.
  await expect(page.locator('section.report-regency .report-prep')).toHaveCount(13);
});
