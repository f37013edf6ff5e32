// The public pages as laid out and printed: no page scrolls sideways on a 320 or 360 px phone in either
// language, the national page prints on A4 in at most 8 pages without controls, links away or disclosure
// widgets, and each page's structure holds what a screen reader or a search engine reads — chart titles as
// headings, data-table toggles named after their chart, one meta description of the page's own, and none of
// the renderer's hydration markers. JavaScript stays off.
import { test, expect } from '@playwright/test';
import { NATIONAL, PROVINCE, REGENCY } from './expected.mjs';

/** The public pages of every type, and the sign-in page. */
const PAGES = [NATIONAL.path, PROVINCE.path, `${PROVINCE.path}/laporan`, REGENCY.path, '/jalur', '/cari?q=banjar', '/masuk', '/banding?kode=63.10,63.72,63,nasional'];
/** The pages with charts. */
const CHART_PAGES = [NATIONAL.path, PROVINCE.path, REGENCY.path, '/banding?kode=63.10,63.72,63,nasional'];

/** `url` in `lang` (`?lang=` is always the last parameter, as the pages write it). */
function inLang(url, lang) {
  return `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`;
}

// Widths are the layout's business, not the device's: this file runs in the desktop project only
// (playwright.config.mjs), which has no mobile emulation to zoom a too-wide page out to fit.
test.describe('phone widths', () => {
  for (const width of [320, 360]) {
    for (const lang of ['id', 'en']) {
      test(`no page scrolls sideways at ${width} px (${lang})`, async ({ page }) => {
        await page.setViewportSize({ width, height: 800 });
        for (const url of PAGES) {
          await page.goto(inLang(url, lang));
          const overflow = await page.evaluate(() => {
            const doc = document.documentElement;
            const wide = [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 0.5 && !e.closest('.table-wrap'))
              .slice(0, 5)
              .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\s+/g, '.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`);
            return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
          });
          expect(overflow.scroll, `${url} (${lang}) at ${width} px is ${overflow.scroll} px wide; widest: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(overflow.client);
        }
      });
    }
  }

  test('the latest events are cards on a phone: the test gain in view, the title on a few lines', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(REGENCY.path);
    const events = page.getByRole('region', { name: 'Kegiatan pelatihan terbaru' });
    const title = events.getByRole('rowheader').first();
    const lines = await title.evaluate((th) => {
      const span = th.querySelector('span');
      return Math.round(span.getBoundingClientRect().height / parseFloat(getComputedStyle(span).lineHeight));
    });
    expect(lines, 'the first event title wraps to at most 3 lines').toBeLessThanOrEqual(3);
    const gain = events.locator('td[data-label="Tes awal → tes akhir"]').first();
    // Measured where it is laid out, without scrolling: in a table it sat past the screen's right edge.
    const right = await gain.evaluate((td) => td.getBoundingClientRect().right);
    expect(right, 'the test gain ends inside the screen').toBeLessThanOrEqual(360);
  });
});

test.describe('print', () => {
  test('the national page prints on at most 8 A4 pages', async ({ page }) => {
    await page.goto(NATIONAL.path);
    await page.emulateMedia({ media: 'print' });
    const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page(?!s)/g) || []).length;
    expect(pages, 'A4 pages').toBeGreaterThan(0);
    expect(pages, 'A4 pages').toBeLessThanOrEqual(8);
  });

  for (const url of [...CHART_PAGES, '/cari?q=banjar', '/masuk']) {
    test(`${url} prints without controls, links away or disclosure widgets`, async ({ page }) => {
      await page.goto(url);
      await page.emulateMedia({ media: 'print' });
      await expect(page.getByRole('link', { name: 'Masuk', exact: true })).toBeHidden();
      await expect(page.getByRole('link', { name: 'English', exact: true })).toBeHidden();
      await expect(page.getByRole('navigation', { name: 'Lokasi halaman' })).toBeHidden();
      await expect(page.getByRole('search')).toBeHidden();
      for (const summary of await page.locator('summary').all()) await expect(summary).toBeHidden();
      // A chart's data table is left to its download, whose address is printed instead.
      const notes = page.locator('figure.chart .print-only');
      for (const note of await notes.all()) await expect(note).toContainText('/api/v1/');
      if (CHART_PAGES.includes(url)) expect(await notes.count(), 'one address per chart').toBeGreaterThan(0);
    });
  }
});

test.describe('structure', () => {
  for (const url of CHART_PAGES) {
    test(`${url}: every chart title is a heading and every data-table toggle is named after its chart`, async ({ page }) => {
      await page.goto(url);
      const figures = page.locator('figure.chart');
      const count = await figures.count();
      expect(count).toBeGreaterThan(0);
      for (const fig of await figures.all()) {
        await expect(fig.getByRole('heading', { level: 2 })).toHaveCount(1);
      }
      const names = (await page.locator('summary').allTextContents()).map((s) => s.replace(/\s+/g, ' ').trim());
      expect(names.length).toBeGreaterThan(1);
      for (const n of names) expect(n).toMatch(/^Tabel data — \S/);
      expect(new Set(names).size, `toggle names are unique: ${names.join(' | ')}`).toBe(names.length);
    });
  }

  test('each page has one meta description, its own, and no hydration markers', async ({ request }) => {
    const seen = new Map();
    for (const url of [...PAGES, '/kabkota/63.99', inLang(PROVINCE.path, 'en')]) {
      const res = await request.get(url);
      const html = await res.text();
      expect(html, `${url}: leftover <!> markers`).not.toContain('<!>');
      expect(html, `${url}: leftover <!--HEAD--> marker`).not.toContain('<!--HEAD-->');
      const metas = html.match(/<meta name="description"[^>]*>/g) || [];
      expect(metas, `${url}: one meta description`).toHaveLength(1);
      const content = metas[0].match(/content="([^"]*)"/)[1];
      expect(content.length, `${url}: a description worth reading`).toBeGreaterThan(50);
      if (PAGES.includes(url)) {
        expect([...seen.entries()].filter(([, c]) => c === content).map(([u]) => u), `${url} shares its description`).toEqual([]);
        seen.set(url, content);
      }
    }
    expect(seen.get(PROVINCE.path)).toContain(PROVINCE.name);
    expect(seen.get(REGENCY.path)).toContain(REGENCY.name);
  });

  test('Indonesian data on English pages is marked as Indonesian', async ({ page }) => {
    await page.goto(inLang(REGENCY.path, 'en'));
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1 })).toHaveAttribute('lang', 'id');
    await expect(page.getByRole('link', { name: PROVINCE.name, exact: true })).toHaveAttribute('lang', 'id');
    const title = page.getByRole('region', { name: 'Latest training events' }).getByRole('rowheader').first().locator('span').first();
    await expect(title).toHaveAttribute('lang', 'id');
    // On Indonesian pages the data is in the page's language: no attribute.
    await page.goto(inLang(REGENCY.path, 'id'));
    await expect(page.getByRole('heading', { level: 1 })).not.toHaveAttribute('lang', /./);
  });
});
