// Open data, as a visitor and a script meet it: the footer of every page links the bulk download, which is
// a ZIP named for the day it was built, holding a README and one CSV per figure; the API's index links the
// OpenAPI document, which is served as JSON and describes the download too. JavaScript off, as everywhere.
import { test, expect } from '@playwright/test';
import fs from 'node:fs/promises';

const ZIP_NAME = /^pantau-kla-semua-angka-\d{4}-\d{2}-\d{2}\.zip$/;

for (const [path, name] of [
  ['/', /Unduh semua angka/],
  ['/provinsi/63?lang=en', /Download all figures/],
]) {
  test(`the footer of ${path} links the download of every figure, and it arrives as a ZIP`, async ({ page }) => {
    await page.goto(path);
    const link = page.getByRole('contentinfo').getByRole('link', { name });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', '/api/v1/semua-angka.zip');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(ZIP_NAME);
    const bytes = await fs.readFile(await download.path());
    expect(bytes.subarray(0, 4).toString('binary'), 'a ZIP file').toBe('PK\x03\x04');
    // The README travels first among the names the archive lists at its end (the central directory).
    const text = bytes.toString('latin1');
    expect(text).toContain('README.md');
    expect(text).toContain('nasional/pelatihan-per-tahun.csv');
    expect(text).toContain('kabkota/63.10/nilai-per-tahap.csv');
  });
}

test('the API index links the OpenAPI document, served as JSON describing every endpoint', async ({ request }) => {
  const index = await request.get('/api/v1');
  expect(index.ok()).toBeTruthy();
  const { openapi, bulk_download: bulk, endpoints } = await index.json();
  expect(bulk).toBe('/api/v1/semua-angka.zip');
  const res = await request.get(openapi);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toBe('application/json');
  const doc = await res.json();
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(endpoints);
  expect(doc.paths['/api/v1/semua-angka.zip'].get.responses['200'].content).toHaveProperty('application/zip');
  expect(doc.paths['/api/v1/nasional/{file}'].get.responses['200'].content).toHaveProperty('text/csv');
  expect(doc.components.schemas.TrainingTotals.additionalProperties).toBe(false);
});
