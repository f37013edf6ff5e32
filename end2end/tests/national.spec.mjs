// The national page, as a visitor first sees it.
import { test, expect } from '@playwright/test';
import { NATIONAL, PROVINCE, UI } from './expected.mjs';
import { expectFigure, expectBreadcrumbs, expectNoStreamingLeftovers, expectRow } from './helpers.mjs';

const t = UI.id;

test.describe('national page', () => {
  test('shows the title, headline figures and charts', async ({ page }) => {
    const response = await page.goto(NATIONAL.path);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/html');
    expectNoStreamingLeftovers(await response.text());

    await expect(page).toHaveTitle(`${NATIONAL.title} · Pantau KLA`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(NATIONAL.title);
    await expect(page.locator('html')).toHaveAttribute('lang', 'id');
    await expectBreadcrumbs(page, t.breadcrumbs, [], 'Indonesia');
    await expect(page.getByText(t.allYearsNote)).toBeVisible();

    await expectFigure(page, t.events, NATIONAL.events);
    await expectFigure(page, t.participants, NATIONAL.participants, NATIONAL.participantsNote);
    await expectFigure(page, t.institutions, NATIONAL.institutions);
    await expectFigure(page, t.certifiedShare, NATIONAL.certifiedShare, NATIONAL.certifiedNote);
    await expectFigure(page, t.withPredicate, NATIONAL.withPredicate);

    // The charts are inline SVG images with a name (role="img"), drawn on the server twice — for a wide
    // screen and for a phone — of which the reader's screen shows one.
    const trainings = page.getByRole('figure', { name: new RegExp(t.trainingsChart) });
    await expect(trainings.getByRole('img', { name: new RegExp(`${t.trainingsChart} — Indonesia`) })).toBeVisible();
    await expect(trainings.locator('svg[role="img"]')).toHaveCount(2);
    await expect(trainings.locator('svg[role="img"]:visible')).toHaveCount(1);

    await expect(page.getByText(/Loading|Memuat/)).toHaveCount(0);
  });

  test('lists the 38 provinces, each linking to its page', async ({ page }) => {
    await page.goto(NATIONAL.path);
    const table = page.getByRole('table', { name: t.provincesCaption });
    await expect(table).toBeVisible();
    const rows = table.getByRole('row').filter({ has: page.getByRole('rowheader') });
    await expect(rows).toHaveCount(NATIONAL.provinces);
    const links = table.getByRole('rowheader').getByRole('link');
    await expect(links).toHaveCount(NATIONAL.provinces);
    const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const href of hrefs) expect(href).toMatch(/^\/provinsi\/\d{2}$/);
    expect(new Set(hrefs).size).toBe(NATIONAL.provinces);

    // Kalimantan Selatan's row carries the province's figures.
    await expectRow(table, PROVINCE.name, PROVINCE.nationalRow);
  });

  test('answers /healthz with JSON', async ({ request }) => {
    const response = await request.get('/healthz');
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ok', database: 'reachable' });
    // scripts/test.sh runs this suite once per database engine and says which in E2E_ENGINE.
    if (process.env.E2E_ENGINE) expect(body.engine).toBe(process.env.E2E_ENGINE);
    else expect(['sqlite', 'postgres']).toContain(body.engine);
  });
});
