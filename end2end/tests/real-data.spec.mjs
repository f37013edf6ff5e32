// Real data as sources publish it, entered by form with JavaScript off by the province's officer (DP3A
// Kalimantan Selatan): a news report of Kabupaten Tanah Laut's sosialisasi that gives no participant count,
// the province's hybrid training of officials "from every kab/kota" without per-regency numbers, and an award
// list of six predicates without scores or data years. A visitor then sees exactly that on the regency,
// province and national pages and in the API — unknown said to be unknown, never 0.
//
// Runs in its own Playwright project after evaluation preparation (see playwright.config.mjs): the records it
// writes change the province's figures the earlier specs check. Tanah Laut has no fixture data of its own.
import { test, expect } from '@playwright/test';
import { expectFigure, figure } from './helpers.mjs';

const PASSWORD = process.env.E2E_PASSWORD;
const TANAH_LAUT = { code: '63.01', path: '/kabkota/63.01', name: 'Kabupaten Tanah Laut' };
const AWARDS = [
  ['2017', 'pratama'],
  ['2018', 'pratama'],
  ['2019', 'madya'],
  ['2021', 'madya'],
  ['2022', 'nindya'],
  ['2023', 'nindya'],
];

test.describe.configure({ mode: 'serial' });

async function signIn(page) {
  await page.goto('/masuk');
  await page.getByLabel('Nama pengguna').fill(process.env.E2E_PROVINCE_USER);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page).toHaveURL(/\/kelola$/);
}

async function saved(page) {
  await expect(page).toHaveURL(/pesan=disimpan/);
}

test('an officer enters what the reports and the award list say, no more', async ({ page }) => {
  expect(process.env.E2E_PROVINCE_USER, 'E2E_PROVINCE_USER is set by scripts/test.sh').toBeTruthy();
  await signIn(page);

  // The sosialisasi from a news report: organiser, title, kind, date — the count fields stay empty.
  await page.goto('/kelola/kegiatan/baru');
  await page.getByLabel('Penyelenggara (kode wilayah)').selectOption(TANAH_LAUT.code);
  await page.getByLabel('Judul kegiatan').fill('Sosialisasi KHA bagi guru se-Kabupaten Tanah Laut');
  await page.getByLabel('Jenis', { exact: true }).selectOption('sosialisasi');
  await page.getByLabel('Tanggal mulai').fill('2025-07-08');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await saved(page);

  // The province's training of officials from every kab/kota, with what its report does carry.
  await page.goto('/kelola/kegiatan/baru');
  await page.getByLabel('Penyelenggara (kode wilayah)').selectOption('63');
  await page.getByLabel('Judul kegiatan').fill('Pelatihan KHA hybrid bagi OPD dari seluruh kab/kota');
  await page.getByLabel('Jenis', { exact: true }).selectOption('pelatihan');
  await page.getByLabel('Tanggal mulai').fill('2025-05-20');
  await page.getByLabel('Tanggal selesai').fill('2025-05-21');
  await page.getByLabel(/^Moda/).selectOption('hybrid');
  await page.getByLabel('Peserta per kabupaten/kota').fill('semua');
  await page.getByLabel('Narasumber/fasilitator').fill('Dosen Universitas Lambung Mangkurat');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await saved(page);

  // Six awards from the ministry's announcements: kab/kota, year, predicate — nothing else.
  for (const [year, predicate] of AWARDS) {
    await page.goto('/kelola/predikat/baru');
    await page.getByLabel('Kabupaten/kota', { exact: true }).selectOption(TANAH_LAUT.code);
    await page.getByLabel('Tahun penghargaan').fill(year);
    await page.getByLabel(/^Predikat/).selectOption(predicate);
    await page.getByRole('button', { name: 'Simpan' }).click();
    await saved(page);
  }
});

test('the regency page says what is unknown and draws the predicate history', async ({ page }) => {
  await page.goto(TANAH_LAUT.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TANAH_LAUT.name);
  await expectFigure(page, 'Kegiatan pelatihan KHA', '1');
  await expectFigure(page, 'Peserta', 'tidak dilaporkan');
  await expectFigure(page, 'Ikut kegiatan pelatihan provinsi', '1 kegiatan', 'Peserta: tidak dilaporkan');
  await expectFigure(page, 'Predikat terakhir', 'Nindya');
  await expect(figure(page, 'Peserta')).not.toContainText('0');
  const summary = page.getByRole('region', { name: 'Ringkasan' });
  await expect(summary).toContainText('jumlah pesertanya tidak dilaporkan');
  await expect(summary).toContainText('yang diselenggarakan provinsi');
  // The predicate history is a chart although no score was published, with all six awards in its table.
  const chart = page.getByRole('figure', { name: /Predikat dan nilai KLA per tahun penghargaan/ });
  await expect(chart.getByRole('img', { name: new RegExp(TANAH_LAUT.name) })).toBeVisible();
  await chart.getByText('Tabel data').click();
  const rows = chart.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(AWARDS.length + 1);
  await expect(chart.getByRole('table')).toContainText('Pratama');
  await expect(chart.getByRole('table')).not.toContainText('Belum ada data');
  // The event is listed without a count; the data table of trainings says how many events reported one.
  const events = page.getByRole('region', { name: 'Kegiatan pelatihan terbaru' });
  await expect(events.getByRole('row', { name: /Sosialisasi KHA bagi guru/ })).toContainText('tidak dilaporkan');
});

test('the province scorecard and the national page keep the unknown unknown', async ({ page }) => {
  // The scorecard judges the latest year with trainings unless a year is chosen; the data-entry spec adds a
  // 2026 event, so 2025, the year of the province's training, is chosen here.
  await page.goto('/provinsi/63?tahun=2025');
  const card = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: /Ikut kegiatan provinsi/ }) });
  await expect(card.getByRole('row', { name: new RegExp(TANAH_LAUT.name) }).getByRole('cell').nth(1)).toHaveText('1');
  await page.goto('/provinsi/63');
  await expect(page.getByText(/Tahun bertanda \* memiliki kegiatan yang tidak melaporkan jumlah peserta/).first()).toBeAttached();
  await page.goto('/');
  await expect(figure(page, 'Peserta').locator('.note')).toContainText('kegiatan yang melaporkan jumlah');
});

test('the API gives null where nothing was reported', async ({ request }) => {
  const res = await request.get(`/api/v1/kabkota/${TANAH_LAUT.code}`);
  expect(res.ok()).toBeTruthy();
  const { data } = await res.json();
  expect(data.trainings.events).toBe(1);
  expect(data.trainings.participant_events).toBe(0);
  expect(data.trainings.participants_offline).toBeNull();
  expect(data.provincial.events).toBe(1);
  expect(data.provincial.participants).toBeNull();
  expect(data.events[0].participants_offline).toBeNull();
  expect(data.predicates.map((p) => p.award_year)).toEqual(AWARDS.map(([y]) => Number(y)));
  expect(data.predicates.every((p) => p.score_final === null && p.data_year === null)).toBeTruthy();
});
