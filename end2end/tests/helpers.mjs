// Small helpers that read a page as a person does: "the figure labelled X", "the table captioned Y".
import { expect } from '@playwright/test';

/** A regular expression matching exactly `text` (after trimming). */
export function exactly(text) {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** The value shown under the headline figure labelled `label` (a `<dt>`/`<dd>` pair). */
export function figure(page, label) {
  return page.getByRole('term').filter({ hasText: exactly(label) }).locator('xpath=following-sibling::dd[1]');
}

/** Checks that the headline figure labelled `label` shows `value` (and, if given, the note under it). */
export async function expectFigure(page, label, value, note) {
  const dd = figure(page, label);
  await expect(dd, `figure "${label}"`).toHaveCount(1);
  await expect(dd.getByText(value, { exact: true }), `figure "${label}" = ${value}`).toBeVisible();
  if (note !== undefined) {
    await expect(dd.getByText(note, { exact: true }), `note under "${label}"`).toBeVisible();
  }
}

/** The breadcrumb trail: its links by name, and the current page. */
export async function expectBreadcrumbs(page, nav, links, current) {
  const trail = page.getByRole('navigation', { name: nav });
  await expect(trail).toBeVisible();
  await expect(trail.getByRole('listitem')).toHaveCount(links.length + 1);
  for (const [name, href] of links) {
    await expect(trail.getByRole('link', { name, exact: true })).toHaveAttribute('href', href);
  }
  const here = trail.locator('[aria-current="page"]');
  await expect(here).toHaveText(current);
  await expect(here.getByRole('link')).toHaveCount(0);
}

/** The cells (after the row header) of the table row whose header is `rowHeader`. */
export function rowOf(table, rowHeader) {
  return table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name: rowHeader, exact: true }) });
}

/** Checks what a server-rendered page must never contain when JavaScript is off. */
export function expectNoStreamingLeftovers(html) {
  expect(html, 'out-of-order streaming leaves <template> chunks that need JavaScript').not.toContain('<template');
  expect(html, 'a Suspense fallback was sent instead of the data').not.toMatch(/Loading|Memuat/);
}

/** A column header's words, without sort arrows and extra spaces. */
function headerText(s) {
  return s.replace(/[▲▼↑↓↕⇅]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Checks cells of the row whose header is `rowHeader`, each found under its column header by name
 * (`{ 'Peserta': '160', … }`), so that a column added to the table does not break the test. The table
 * must be visible (open its "Tabel data" first when it sits in a closed <details>).
 */
export async function expectRow(table, rowHeader, expected) {
  await expect(table).toBeVisible();
  const headers = (await table.getByRole('columnheader').allInnerTexts()).map(headerText);
  const row = rowOf(table, rowHeader);
  await expect(row, `one row headed "${rowHeader}"`).toHaveCount(1);
  const cells = row.locator(':scope > th, :scope > td');
  for (const [column, value] of Object.entries(expected)) {
    const i = headers.indexOf(column);
    expect(i, `a column "${column}" among ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(0);
    await expect(cells.nth(i), `"${rowHeader}" under "${column}"`).toHaveText(value);
  }
}

/** Opens the "Tabel data" of the chart figure whose caption matches `caption`, and returns its table. */
export async function openDataTable(page, caption, dataTableLabel) {
  const fig = page.getByRole('figure', { name: caption });
  await expect(fig).toHaveCount(1);
  const table = fig.getByRole('table');
  if (!(await table.isVisible())) await fig.getByText(dataTableLabel, { exact: true }).click();
  await expect(table).toBeVisible();
  return table;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA, and best practice) on the page as it is, attaches the full result
 * to the report, prints minor findings, and fails on any critical or serious violation. Needs JavaScript
 * on for the page (axe runs in it); the pages themselves do not.
 */
export async function expectNoSeriousAxeViolations(page, testInfo, what) {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = (v) => v.impact === 'critical' || v.impact === 'serious';
  const bad = results.violations
    .filter(serious)
    .map((v) => `${v.impact}: ${v.id} — ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  const others = results.violations.filter((v) => !serious(v));
  if (others.length) console.log(`[axe ${what}] minor: ${others.map((v) => v.id).join(', ')}`);
  await testInfo.attach(`axe-${what}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  expect(bad, `axe on ${what}`).toEqual([]);
}
