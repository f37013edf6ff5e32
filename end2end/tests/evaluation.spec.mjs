// Evaluation preparation, as the three people involved click through it with JavaScript off: the
// administrator opens the 2026 cycle; the regency officer (DP3A Tanah Bumbu) prepares indicator 2 — a file
// refused by its content, then a PDF, a training event already in Pantau KLA, a self-assessment score — sees
// the simulator and submits; the province officer verifies the evidence, records the administrative score,
// finishes and publishes; the regency sees the verified score; the public page shows completeness per cluster.
//
// Its own Playwright project, after data entry (see playwright.config.mjs). scripts/test.sh creates the
// accounts: E2E_USER (regency 63.10), E2E_PROVINCE_USER (province 63) and E2E_ADMIN_USER, one password.
import { test, expect } from '@playwright/test';
import { REGENCY } from './expected.mjs';
import { expectNoSeriousAxeViolations, figure } from './helpers.mjs';

const PASSWORD = process.env.E2E_PASSWORD;
const SHEET = `/kelola/evaluasi/2026/${REGENCY.code}`;

test.describe.configure({ mode: 'serial' });

async function signIn(page, user) {
  await page.goto('/masuk');
  await page.getByLabel('Nama pengguna').fill(user);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/kelola$/);
}

function item(page, code) {
  return page.locator('section.evidence-item', { has: page.getByRole('heading', { name: new RegExp(`^${code.replace('.', '\\.')} `) }) });
}

test('the administrator opens the 2026 evaluation cycle', async ({ page }) => {
  expect(process.env.E2E_ADMIN_USER, 'E2E_ADMIN_USER is set by scripts/test.sh').toBeTruthy();
  await signIn(page, process.env.E2E_ADMIN_USER);
  await page.getByRole('link', { name: 'Persiapan evaluasi KLA' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Persiapan evaluasi KLA');
  await page.getByLabel('Tahun penghargaan').fill('2026');
  await page.getByLabel('Tahun data').fill('2025');
  await page.getByLabel('Batas evaluasi mandiri').fill('2026-03-31');
  await page.getByLabel('Batas verifikasi provinsi').fill('2026-03-01');
  await page.getByRole('button', { name: 'Buat siklus' }).click();
  // Refused: the verification deadline is before the self-assessment one; the input is kept.
  await expect(page.getByRole('alert')).toContainText('Batas verifikasi provinsi');
  await expect(page.getByLabel('Tahun penghargaan')).toHaveValue('2026');
  await page.getByLabel('Batas verifikasi provinsi').fill('2026-04-30');
  await page.getByRole('button', { name: 'Buat siklus' }).click();
  await expect(page.getByRole('status')).toHaveText('Siklus evaluasi dibuat.');
  await expect(page.getByText('Penghargaan 2026, data tahun 2025.')).toBeVisible();
});

test('the regency prepares indicator 2, sees what it is worth, and submits', async ({ page }) => {
  await signIn(page, process.env.E2E_USER);
  await page.getByRole('link', { name: 'Persiapan evaluasi KLA' }).click();
  await page.getByRole('link', { name: `${REGENCY.code} ${REGENCY.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`${SHEET}$`));
  await expect(figure(page, 'Proyeksi nilai mandiri').locator('.value')).toHaveText('0,00');
  await expect(page.getByText('Bobot asumsi.')).toBeVisible();
  await page.getByRole('link', { name: /^2\. Kelembagaan KLA/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Indikator 2. Kelembagaan KLA (Gugus Tugas dan RAD)');

  // A text file named .pdf is refused by its content, beside the field.
  const sk = item(page, '2.a');
  await sk.getByLabel('Berkas untuk butir 2.a').setInputFiles({ name: 'SK Gugus Tugas.pdf', mimeType: 'application/pdf', buffer: Buffer.from('bukan PDF') });
  await sk.getByRole('button', { name: 'Unggah' }).click();
  await expect(page.getByRole('alert')).toContainText('Berkas');
  await expect(item(page, '2.a').locator('.field-error')).toContainText('jenis berkas tidak diterima');

  // The real PDF.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  await item(page, '2.a').getByLabel('Berkas untuk butir 2.a').setInputFiles({ name: 'SK Gugus Tugas KLA 2025.pdf', mimeType: 'application/pdf', buffer: pdf });
  await item(page, '2.a').getByLabel(/^Tahun dokumen/).fill('2025');
  await item(page, '2.a').getByRole('button', { name: 'Unggah' }).click();
  await expect(page.getByRole('status')).toHaveText('Berkas tersimpan sebagai bukti.');
  await expect(item(page, '2.a').getByRole('link', { name: 'SK Gugus Tugas KLA 2025.pdf' })).toBeVisible();
  await expect(item(page, '2.a')).toContainText('terunggah');

  // A 2025 training event already in Pantau KLA serves as 2.c without an upload.
  await item(page, '2.c').getByLabel(/Sosialisasi KHA untuk guru PAUD/).check();
  await item(page, '2.c').getByRole('button', { name: 'Simpan pilihan' }).click();
  await expect(item(page, '2.c')).toContainText('terunggah');

  await page.getByLabel('Nilai mandiri').fill('35');
  await page.getByRole('button', { name: 'Simpan skor' }).click();
  await expect(page.getByRole('status')).toHaveText('Data tersimpan. Halaman publik sudah menampilkannya.');

  // The simulator: 35 points, and 35 × 1/3 at risk because 2.b is still missing.
  await page.getByRole('link', { name: /Evaluasi KLA 2026/ }).click();
  await expect(figure(page, 'Proyeksi nilai mandiri').locator('.value')).toHaveText('35,00');
  await expect(figure(page, 'Poin berisiko').locator('.value')).toHaveText('11,67');
  await expect(figure(page, 'Menuju predikat berikutnya').locator('.value')).toHaveText('465,00');
  // The evidence pack for the ministry's application.
  const [pack] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Unduh paket bukti (ZIP)' }).click()]);
  expect(pack.suggestedFilename()).toBe(`bukti-kla-2026-${REGENCY.code}.zip`);
  await page.getByRole('button', { name: 'Ajukan ke provinsi' }).click();
  await expect(page.getByRole('status')).toHaveText('Lembar diajukan ke provinsi.');
  await expect(page.locator('.lead')).toContainText('diajukan, menunggu verifikasi');
});

test('the province verifies the evidence and returns a score the regency sees', async ({ page, browser }) => {
  await signIn(page, process.env.E2E_PROVINCE_USER);
  await page.getByRole('link', { name: 'Persiapan evaluasi KLA' }).click();
  const row = page.getByRole('row', { name: new RegExp(`${REGENCY.code} ${REGENCY.name}`) });
  await expect(row).toContainText('diajukan, menunggu verifikasi');
  await row.getByRole('link').click();
  await page.getByRole('link', { name: /^2\. Kelembagaan KLA/ }).click();
  for (const code of ['2.a', '2.c']) {
    await item(page, code).getByLabel(`Keputusan untuk butir ${code}`).selectOption('verify');
    await item(page, code).getByRole('button', { name: 'Simpan keputusan' }).click();
    await expect(page.getByRole('status')).toHaveText('Keputusan verifikasi tersimpan.');
    await expect(item(page, code)).toContainText('terverifikasi');
  }
  await page.getByLabel('Tahap').selectOption('administrative');
  await page.getByLabel('Skor terverifikasi').fill('33');
  await page.getByRole('button', { name: 'Simpan skor' }).click();
  await expect(page.getByRole('row', { name: /Verifikasi administrasi/ })).toContainText('33,00');
  await page.getByRole('link', { name: /Evaluasi KLA 2026/ }).click();
  await page.getByRole('button', { name: 'Selesaikan verifikasi' }).click();
  await expect(page.getByRole('status')).toHaveText('Verifikasi selesai.');
  await expect(page.locator('.lead')).toContainText('terverifikasi');
  await page.getByRole('button', { name: 'Terbitkan skor' }).click();
  await expect(page.getByText('Skor terverifikasi tampil di halaman publik kab/kota.')).toBeVisible();

  // The regency sees the verified score and its ledger.
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'id-ID' });
  const regency = await context.newPage();
  await signIn(regency, process.env.E2E_USER);
  await regency.goto(`${SHEET}/2`);
  await expect(regency.getByRole('row', { name: /Verifikasi administrasi/ })).toContainText('33,00');
  await expect(regency.getByRole('row', { name: /Evaluasi mandiri/ })).toContainText('35,00');
  await context.close();

  // The public page: completeness per cluster, never the document.
  await page.goto(REGENCY.path);
  const section = page.locator('section.evaluation');
  await expect(section.getByRole('heading', { name: 'Persiapan evaluasi KLA 2026' })).toBeVisible();
  await expect(section.getByRole('row', { name: /^Kelembagaan/ })).toContainText('28,6% (2/7)');
  await expect(page.getByText('SK Gugus Tugas KLA 2025.pdf')).toHaveCount(0);
});

test.describe('accessibility of the evaluation pages (axe-core; JavaScript on only for axe)', () => {
  test.use({ javaScriptEnabled: true });
  test('no critical or serious violations on the dashboard, a sheet and an indicator', async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const audit = (what) => expectNoSeriousAxeViolations(page, testInfo, what);
    await signIn(page, process.env.E2E_PROVINCE_USER);
    await page.goto('/kelola/evaluasi');
    await audit('evaluation-dashboard');
    await page.goto(SHEET);
    await audit('evaluation-sheet');
    await page.goto(`${SHEET}/2`);
    await audit('evaluation-indicator');
    await page.goto(REGENCY.path);
    await audit('public-regency-with-evaluation');
  });
});
