// An officer of Kabupaten Tanah Bumbu finds the step their regency is on and what the regencies that made it
// did: from the regency page's "Langkah berikutnya" to that step's table on /jalur, JavaScript off. With the
// fixtures Tanah Bumbu was Madya in 2023 and again in 2025 (604.10 is in the Madya band): a stayer of the
// step Madya → Nindya, which nobody in the fixtures made.
import { test, expect } from '@playwright/test';
import { REGENCY } from './expected.mjs';

test('regency page → its next step → the step on /jalur', async ({ page }) => {
  await page.goto(REGENCY.path);
  const next = page.getByRole('region', { name: 'Langkah berikutnya' });
  await expect(next).toBeVisible();
  await expect(next).toContainText('berpredikat Madya (penghargaan 2025), jadi langkah berikutnya Madya → Nindya');
  await expect(next).toContainText('0 kab/kota pernah menempuh langkah ini dan 1 tetap');
  await expect(next).toContainText('bukan sebab-akibat');

  await next.getByRole('link', { name: 'Lihat kab/kota yang menempuh langkah Madya → Nindya' }).click();
  await expect(page).toHaveURL(/\/jalur#madya-nindya$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Jalur antarpredikat');
  const step = page.getByRole('region', { name: 'Langkah Madya → Nindya' });
  await expect(step).toBeVisible();
  const table = step.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'Naik ke Nindya atau lebih' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Tetap Madya' })).toBeVisible();
  // Tanah Bumbu alone stayed: one regency, flagged as a small group, every figure with its n.
  await expect(table.getByRole('row', { name: /^Kab\/kota/ })).toContainText('1 — kelompok kecil (kurang dari 5)');
  await expect(page.getByRole('region', { name: 'Yang tidak dibuktikan angka ini' })).toContainText('bukan sebab-akibat');
  // The chart and its data, downloadable.
  await expect(page.getByRole('img', { name: /Pelatihan sebelum langkah antarpredikat/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'CSV', exact: true })).toHaveAttribute('href', /\/api\/v1\/jalur\/jalur-predikat\.csv/);
});

test('the award-year form narrows the pairs without JavaScript, in English too', async ({ page }) => {
  await page.goto('/jalur?lang=en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pathways between predicates');
  await page.getByLabel('Award year of the step').selectOption('2025');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/tahun=2025/);
  await expect(page.getByRole('region', { name: 'Step Madya → Nindya' })).toContainText('Award years of the pairs counted: 2025');
});
