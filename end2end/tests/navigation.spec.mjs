// Following the links from the national page down to one regency, as a visitor would.
import { test, expect } from '@playwright/test';
import { NATIONAL, PROVINCE, REGENCY, UI } from './expected.mjs';
import { expectFigure, expectBreadcrumbs, expectRow, openDataTable } from './helpers.mjs';

const t = UI.id;

test('national → Kalimantan Selatan → Kabupaten Tanah Bumbu', async ({ page }) => {
  await page.goto(NATIONAL.path);

  // National table → province.
  await page.getByRole('table', { name: t.provincesCaption }).getByRole('link', { name: PROVINCE.name, exact: true }).click();
  await expect(page).toHaveURL(PROVINCE.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PROVINCE.name);
  await expect(page).toHaveTitle(`${PROVINCE.name} · Pantau KLA`);
  await expectBreadcrumbs(page, t.breadcrumbs, [['Indonesia', '/']], PROVINCE.name);
  await expectFigure(page, t.events, PROVINCE.events);
  await expectFigure(page, t.participants, PROVINCE.participants, PROVINCE.participantsNote);
  await expectFigure(page, t.institutions, PROVINCE.institutions);
  await expectFigure(page, t.certifiedShare, PROVINCE.certifiedShare, PROVINCE.certifiedNote);
  await expectFigure(page, t.withPredicate, PROVINCE.withPredicate);
  await expect(page.getByText(PROVINCE.ownEvents, { exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: new RegExp(`${t.trainingsChart} — ${PROVINCE.name}`) })).toBeVisible();

  const regencies = page.getByRole('table', { name: t.regenciesCaption });
  await expect(regencies.getByRole('rowheader').getByRole('link')).toHaveCount(PROVINCE.regencies);
  await expectRow(regencies, REGENCY.name, REGENCY.provinceRow);

  // Province table → regency.
  await regencies.getByRole('link', { name: REGENCY.name, exact: true }).click();
  await expect(page).toHaveURL(REGENCY.path);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(REGENCY.name);
  await expectBreadcrumbs(page, t.breadcrumbs, [['Indonesia', '/'], [PROVINCE.name, PROVINCE.path]], REGENCY.name);
  await expectFigure(page, t.events, REGENCY.events);
  await expectFigure(page, t.participants, REGENCY.participants, REGENCY.participantsNote);
  await expectFigure(page, t.provincialPart, REGENCY.provincialPart, REGENCY.provincialPartNote);
  await expectFigure(page, t.certifiedShare, REGENCY.certifiedShare, REGENCY.certifiedNote);
  await expectFigure(page, t.latestPredicate, REGENCY.latestPredicate, REGENCY.latestPredicateNote);

  // The predicate history: a chart, and its data table behind "Tabel data" (a <details>, no script needed).
  const scores = page.getByRole('figure', { name: new RegExp(t.scoresChart) });
  await expect(scores.getByRole('img', { name: new RegExp(`${t.scoresChart} — ${REGENCY.name}`) })).toBeVisible();
  await expect(scores.getByRole('table')).toBeHidden();
  const history = await openDataTable(page, new RegExp(t.scoresChart), t.dataTable);
  for (const [awardYear, cells] of Object.entries(REGENCY.predicateHistory)) {
    await expectRow(history, awardYear, cells);
  }

  // Service units by kind (the data table of their chart).
  const units = await openDataTable(page, new RegExp(t.unitsByKindChart), t.dataTable);
  await expectRow(units, REGENCY.puskesmas.kind, REGENCY.puskesmas.cells);

  // The events the regency organised, newest first.
  await expect(page.getByRole('heading', { name: t.eventsHeading })).toBeVisible();
  const events = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Kegiatan', exact: true }) });
  await expect(events.getByRole('rowheader')).toHaveText(REGENCY.eventTitles);

  // And back up through the breadcrumbs.
  await page.getByRole('navigation', { name: t.breadcrumbs }).getByRole('link', { name: PROVINCE.name }).click();
  await expect(page).toHaveURL(PROVINCE.path);
  await page.getByRole('navigation', { name: t.breadcrumbs }).getByRole('link', { name: 'Indonesia' }).click();
  await expect(page).toHaveURL(NATIONAL.path);
});
