// Training effectiveness (issue 16): on the national, province and regency pages a visitor sees the
// pre/post-test figure — its heading, the plain-language line with the events behind it, the chart (or, when
// no event recorded both tests, the words saying so and no chart), its data table and downloads — with
// JavaScript off, in both languages, and the year filter changes it.
import { test, expect } from '@playwright/test';
import { EFFECTIVENESS, NATIONAL, PROVINCE, REGENCY } from './expected.mjs';

const cases = [
  ['national', NATIONAL.path, 'Indonesia', 'national'],
  ['province', PROVINCE.path, PROVINCE.name, 'province'],
  ['regency', REGENCY.path, REGENCY.name, 'regency'],
];

for (const lang of ['id', 'en']) {
  const t = EFFECTIVENESS[lang];
  const suffix = lang === 'en' ? '?lang=en' : '';
  for (const [kind, path, place, line] of cases) {
    test(`the ${kind} page shows training effectiveness (${lang})`, async ({ page }) => {
      await page.goto(`${path}${suffix}`);
      const fig = page.locator('figure#efektivitas-pelatihan');
      await expect(fig.getByRole('heading', { level: 2, name: t.heading(place), exact: true })).toBeVisible();
      await expect(fig.locator('p.desc')).toContainText(t[line]);
      // One drawing shows, the wide one or the phone's, named by the figure's title.
      await expect(fig.locator('div.svg:visible')).toHaveCount(1);
      await expect(fig.locator('div.svg:visible svg[role="img"]')).toHaveAttribute('aria-label', t.heading(place));
      // The data table opens without JavaScript and ends with every kind together.
      await fig.locator('summary').click();
      await expect(fig.getByRole('rowheader', { name: t.allKinds, exact: true })).toBeVisible();
      await expect(fig.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', /\/efektivitas-pelatihan\.csv/);
      const json = await (await page.request.get(await fig.getByRole('link', { name: 'JSON' }).getAttribute('href'))).json();
      expect(json.id).toBe('efektivitas-pelatihan');
      expect(json.rows.at(-1).tested_events).toBe(line === 'regency' ? 1 : 2);
    });
  }

  test(`a year without any test says so, with no chart and no zero (${lang})`, async ({ page }) => {
    await page.goto(`${REGENCY.path}?tahun=2025${lang === 'en' ? '&lang=en' : ''}`);
    const fig = page.locator('figure#efektivitas-pelatihan');
    await expect(fig.getByRole('heading', { level: 2, name: t.heading(REGENCY.name), exact: true })).toBeVisible();
    await expect(fig.locator('p.desc')).toHaveText(t.regency2025);
    await expect(fig.locator('svg')).toHaveCount(0);
    await fig.locator('summary').click();
    const total = fig.getByRole('row').filter({ has: page.getByRole('rowheader', { name: t.allKinds, exact: true }) });
    await expect(total.getByRole('cell')).toHaveText(['1', '0', lang === 'en' ? '0.0%' : '0,0%', '0', '–', '–', '–']);
  });
}
