// A regency officer (DP3A) at work, JavaScript off: signs in, records a training event by form (fixing a
// refused date first), sees the public regency and province pages count it on the next request, records a
// service unit by spreadsheet (fixing a rejected row first), and finds both in the change history.
//
// This file runs in its own Playwright project after the public-page projects (see playwright.config.mjs),
// because the records it writes change the figures those specs check. scripts/test.sh creates the account
// (`pantau-kla user add`) and passes it in E2E_USER / E2E_PASSWORD.
import { test, expect } from '@playwright/test';
import { REGENCY, PROVINCE } from './expected.mjs';
import { expectNoSeriousAxeViolations, figure } from './helpers.mjs';

const USER = process.env.E2E_USER;
const PASSWORD = process.env.E2E_PASSWORD;

test.describe.configure({ mode: 'serial' });

function number(text) {
  return Number(text.replace(/\./g, '').replace(/[^0-9]/g, ''));
}

async function figureNumber(page, label) {
  return number(await figure(page, label).locator('.value').innerText());
}

async function signIn(page) {
  await page.goto('/kelola');
  // Signed out, the management page sends to the sign-in form and back.
  await expect(page).toHaveURL(/\/masuk\?kembali=%2Fkelola$/);
  await page.getByLabel('Nama pengguna').fill(USER);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/kelola$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Kelola data — ${REGENCY.code} ${REGENCY.name}`);
}

test('a wrong password is refused with a message and the user name kept', async ({ page }) => {
  expect(USER, 'E2E_USER is set by scripts/test.sh').toBeTruthy();
  await page.goto('/masuk');
  await page.getByLabel('Nama pengguna').fill(USER);
  await page.getByLabel('Kata sandi').fill('bukan-kata-sandinya');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.getByRole('alert')).toContainText('Nama pengguna atau kata sandi salah');
  await expect(page.getByLabel('Nama pengguna')).toHaveValue(USER);
  await expect(page.getByLabel('Kata sandi')).toHaveValue('');
});

test('a training event entered by form is counted on the public pages at once', async ({ page }) => {
  await page.goto(REGENCY.path);
  const eventsBefore = await figureNumber(page, 'Kegiatan pelatihan KHA');
  await page.goto(PROVINCE.path);
  const participantsBefore = await figureNumber(page, 'Peserta');

  await signIn(page);
  await page.getByRole('link', { name: 'Tambah kegiatan' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tambah kegiatan');
  await expect(page.getByLabel('Penyelenggara (kode wilayah)')).toHaveValue(REGENCY.code);
  await page.getByLabel('Judul kegiatan').fill('Pelatihan KHA bagi guru PAUD se-Tanah Bumbu');
  await page.getByLabel('Jenis', { exact: true }).selectOption('pelatihan');
  await page.getByLabel('Tanggal mulai').fill('2026-03-10');
  await page.getByLabel('Tanggal selesai').fill('2026-03-01');
  await page.getByLabel(/^Moda/).selectOption('luring');
  await page.getByLabel(/^Peserta luring/).fill('37');
  await page.getByLabel(/^Jumlah lembaga asal peserta/).fill('21');
  await page.getByRole('button', { name: 'Simpan' }).click();

  // Refused: the error stands beside the date, everything typed is still there.
  await expect(page.getByRole('alert')).toContainText('Tanggal selesai');
  await expect(page.locator('#e-end_date')).toHaveText('tanggal selesai sebelum tanggal mulai');
  await expect(page.getByLabel('Judul kegiatan')).toHaveValue('Pelatihan KHA bagi guru PAUD se-Tanah Bumbu');
  await expect(page.getByLabel(/^Peserta luring/)).toHaveValue('37');
  await page.getByLabel('Tanggal selesai').fill('2026-03-12');
  await page.getByRole('button', { name: 'Simpan' }).click();

  await expect(page.getByRole('status')).toHaveText('Data tersimpan. Halaman publik sudah menampilkannya.');
  await expect(page.getByRole('row', { name: /Pelatihan KHA bagi guru PAUD se-Tanah Bumbu/ })).toBeVisible();

  await page.goto(REGENCY.path);
  expect(await figureNumber(page, 'Kegiatan pelatihan KHA')).toBe(eventsBefore + 1);
  await page.goto(PROVINCE.path);
  expect(await figureNumber(page, 'Peserta')).toBe(participantsBefore + 37);
});

test('a service unit imported from a spreadsheet, after fixing a rejected row', async ({ page }) => {
  await page.goto(REGENCY.path);
  await signIn(page);
  await page.getByRole('link', { name: 'Impor spreadsheet' }).click();
  const header = 'regency_code,kind,name,total_staff,certified_staff,latest_certificate_year,certificate_issuer\n';
  const upload = async (rows) => {
    await page.getByLabel('Berkas').setInputFiles({ name: 'unit.csv', mimeType: 'text/csv', buffer: Buffer.from(header + rows) });
    await page.getByRole('button', { name: 'Periksa berkas' }).click();
  };
  await upload(`${REGENCY.code},paud,PAUD Pelangi Kusan Hilir,20,25,2025,DP3A\n`);
  await expect(page.getByRole('alert')).toContainText('1 kesalahan');
  const row = page.getByRole('row', { name: /certified_staff/ });
  await expect(row.getByRole('rowheader')).toHaveText('2');
  await expect(row).toContainText('melebihi jumlah SDM (20)');

  await upload(`${REGENCY.code},paud,PAUD Pelangi Kusan Hilir,20,12,2025,DP3A\n`);
  await expect(page.getByRole('status')).toContainText('1 baris Satuan layanan siap disimpan');
  await page.getByRole('button', { name: 'Simpan 1 baris' }).click();
  await expect(page.getByRole('status')).toHaveText('1 baris diimpor. Halaman publik sudah menampilkannya.');
  await expect(page.getByRole('row', { name: /PAUD Pelangi Kusan Hilir/ })).toBeVisible();
});

test('everything the officer did is in the change history', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Riwayat perubahan wilayah ini' }).click();
  const table = page.getByRole('table');
  await expect(table.getByRole('row', { name: /Pelatihan KHA bagi guru PAUD se-Tanah Bumbu/ })).toContainText('dibuat · formulir');
  await expect(table.getByRole('row', { name: /PAUD Pelangi Kusan Hilir/ })).toContainText('dibuat · impor');
  await expect(table.getByRole('row', { name: /PAUD Pelangi Kusan Hilir/ })).toContainText(USER);
});

test('another regency’s data is out of reach', async ({ page }) => {
  await signIn(page);
  const res = await page.goto('/kelola?wilayah=63.72');
  expect(res.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tidak berwenang');
});

test.describe('accessibility of the data-entry pages (axe-core; JavaScript on only for axe)', () => {
  test.use({ javaScriptEnabled: true });
  test('no critical or serious violations on sign-in, lists, a refused form, import and history', async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    const audit = (what) => expectNoSeriousAxeViolations(page, testInfo, what);
    await page.goto('/masuk');
    await audit('sign-in');
    await signIn(page);
    await audit('manage');
    await page.getByRole('link', { name: 'Tambah kegiatan' }).click();
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await audit('refused-form');
    await page.goto('/kelola/impor');
    await audit('import');
    await page.goto('/kelola/riwayat');
    await audit('history');
    await page.goto('/akun');
    await audit('account');
  });
});
