// Charts and maps as a reader meets them on a 360 px phone and a 1280 px screen: every chart text large
// enough to read, the map crossed in a few tab stops with focus visible, each map shape named with its
// predicate and year.
//
// The measurements run in the page (the rendered size of SVG text is the font size times the drawing's
// scale), so this file turns JavaScript on; the pages themselves carry no script.
import { test, expect } from '@playwright/test';
import { NATIONAL, PROVINCE, REGENCY } from './expected.mjs';

test.use({ javaScriptEnabled: true });

const pages = [NATIONAL.path, PROVINCE.path, REGENCY.path];

/** The smallest rendered text size (px) in each visible chart, with the chart's name. */
async function smallestChartText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('svg.chart')]
      .filter((svg) => svg.getBoundingClientRect().width > 0)
      .map((svg) => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const sizes = [...svg.querySelectorAll('text')]
          .filter((t) => t.textContent.trim() !== '')
          .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
        return { chart: svg.getAttribute('aria-label'), px: sizes.length ? Math.min(...sizes) : Infinity };
      }),
  );
}

for (const lang of ['id', 'en']) {
  for (const path of pages) {
    test(`every chart text on ${path} (${lang}) reads at 11 px or more on a phone, 12 px on a wide screen`, async ({ page }, testInfo) => {
      const width = testInfo.project.use.viewport.width;
      const least = width <= 400 ? 11 : 12;
      await page.goto(`${path}?lang=${lang}`);
      const charts = await smallestChartText(page);
      expect(charts.length, 'charts shown').toBeGreaterThan(0);
      for (const c of charts) {
        expect(c.px, `smallest text in "${c.chart}" at ${width} px`).toBeGreaterThanOrEqual(least);
      }
      // One drawing of each chart is shown: the phone's rows on a phone, the wide one otherwise.
      const shown = page.locator(width <= 400 ? '.svg.narrow svg' : '.svg.wide svg');
      await expect(shown.first()).toBeVisible();
      await expect(page.locator(width <= 400 ? '.svg.wide svg' : '.svg.narrow svg').first()).toBeHidden();
    });
  }
}

test('the national map costs one tab stop, and its table links every kab/kota', async ({ page }) => {
  // Up to 40 key presses, each with a look at the focus, then 514 links counted: the configured 90 s is
  // for tests like this one on two busy cores.
  await page.goto(NATIONAL.path);
  const figure = page.locator('figure#peta-predikat');
  // From the top of the page, tab until focus is past the map's figure.
  const stops = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const el = document.activeElement;
      const fig = el.closest('figure#peta-predikat');
      return { inMap: !!fig, inSvg: !!el.closest('svg'), tag: el.tagName, cls: el.className?.baseVal ?? el.className };
    });
    stops.push(where);
    if (stops.some((s) => s.inMap) && !where.inMap) break;
  }
  const inMap = stops.filter((s) => s.inMap);
  expect(stops.some((s) => s.inSvg), 'no shape of the map is a tab stop').toBe(false);
  expect(inMap.length, `tab stops in the map's figure: ${JSON.stringify(inMap)}`).toBeGreaterThan(0);
  expect(inMap.length).toBeLessThanOrEqual(4);
  expect(stops.length, 'the map is passed within the first stops of the page').toBeLessThan(25);
  // The keyboard's path to a kab/kota: the data table's link.
  await figure.locator('summary').first().click();
  const link = figure.getByRole('link', { name: REGENCY.name, exact: true });
  await expect(link).toHaveAttribute('href', REGENCY.path);
  await expect(figure.locator('table a[href^="/kabkota/"]')).toHaveCount(514);
});

test('a map shape is named with its predicate and year and shows focus', async ({ page }) => {
  await page.goto(PROVINCE.path);
  const shape = page.locator(`figure#peta-predikat svg a[href="${REGENCY.path}"]`);
  await expect(shape.locator('title')).toHaveText(new RegExp(`^${REGENCY.name} — (Pratama|Madya|Nindya|Utama|KLA|Belum berpredikat), \\d{4}$`));
  // Shapes with no record say so.
  await expect(page.locator('figure#peta-predikat svg a title').filter({ hasText: '— Belum ada catatan' }).first()).toBeAttached();
  const before = await shape.locator('polygon').first().evaluate((p) => getComputedStyle(p).strokeWidth);
  await shape.focus();
  const after = await shape.locator('polygon').first().evaluate((p) => getComputedStyle(p).strokeWidth);
  expect(parseFloat(after), `focus outline (${before} → ${after})`).toBeGreaterThan(parseFloat(before) + 1);
});

test('no record and no predicate differ by pattern as well as colour', async ({ page }) => {
  await page.goto(NATIONAL.path);
  const map = page.locator('figure#peta-predikat svg');
  await expect(map.locator('pattern')).toHaveCount(1);
  await expect(map.locator('polygon[fill^="url(#"]').first()).toBeAttached();
  const legend = page.locator('figure#peta-predikat ul.legend li');
  await expect(legend).toHaveCount(7);
  const background = await legend.first().locator('.swatch').evaluate((s) => getComputedStyle(s).backgroundImage);
  expect(background).toContain('repeating-linear-gradient');
});
