// Comparing regions (/banding), as a visitor would with JavaScript off: from a regency page to its
// neighbours' comparison, then down to three regions through the form, and the link to share.
import { test, expect } from '@playwright/test';
import { REGENCY, BANJARBARU } from './expected.mjs';

test('a regency page → Bandingkan → three regions side by side → the link to share', async ({ page }) => {
  await page.goto(REGENCY.path);
  await page.getByRole('link', { name: /^Bandingkan dengan/ }).click();
  await expect(page).toHaveURL(new RegExp(`/banding\\?kode=${REGENCY.code.replace('.', '\\.')},`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bandingkan wilayah');
  const compared = page.getByRole('list', { name: 'Wilayah yang dibandingkan' });
  await expect(compared.getByRole('listitem')).toHaveCount(6);
  await expect(compared.getByRole('listitem').first()).toContainText(REGENCY.name);

  // Keep the regency, put Banjarbaru second and Kalimantan Selatan third; empty the other fields.
  await page.getByLabel('Wilayah 2', { exact: true }).fill(BANJARBARU.code);
  await page.getByLabel('Wilayah 3', { exact: true }).fill('63');
  for (const n of [4, 5, 6]) {
    await page.getByLabel(`Wilayah ${n}`, { exact: true }).fill('');
  }
  await page.getByRole('button', { name: 'Bandingkan' }).click();
  const path = `/banding?kode=${REGENCY.code},${BANJARBARU.code},63`;
  await expect(page).toHaveURL(path);
  await expect(compared.getByRole('listitem')).toHaveCount(3);

  // The three measures side by side, one row per region, in the order chosen.
  const summary = page.getByRole('region', { name: 'Ketiga ukuran berdampingan' });
  await expect(summary.getByRole('rowheader')).toHaveText([`1 ${REGENCY.name}`, `2 ${BANJARBARU.name}`, '3 Kalimantan Selatan']);
  await expect(summary.getByRole('row').filter({ hasText: REGENCY.name })).toContainText(REGENCY.participants);
  for (const title of ['Kegiatan pelatihan KHA per tahun', 'Peserta pelatihan KHA per tahun', 'Satuan layanan dengan SDM bersertifikat KHA', 'Predikat KLA per tahun penghargaan']) {
    const figure = page.getByRole('figure', { name: title });
    await expect(figure.getByRole('img', { name: title }).first()).toBeAttached();
    await expect(figure.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', new RegExp(`kode=${REGENCY.code},${BANJARBARU.code},63`));
  }

  // Copy the link and open it elsewhere: the same comparison.
  const link = await page.getByLabel('Tautan perbandingan ini').inputValue();
  expect(link).toBe(path);
  await page.goto('/');
  await page.goto(link);
  await expect(compared.getByRole('listitem')).toHaveCount(3);

  // Take one out by its link.
  await compared.getByRole('link', { name: `Keluarkan ${BANJARBARU.name}` }).click();
  await expect(page).toHaveURL(`/banding?kode=${REGENCY.code},63`);
  await expect(compared.getByRole('listitem')).toHaveCount(2);
});

test('a code that is not a region is refused, naming kode', async ({ page }) => {
  const res = await page.goto('/banding?kode=63.10,banjar');
  expect(res.status()).toBe(400);
  await expect(page.getByText(/kode: .*banjar/)).toBeVisible();
});
