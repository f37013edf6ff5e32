// axe-core on each page type, the search and sign-in pages included: a violation of any impact fails the
// test (each is listed in the output and attached to the report).
// With SCREENSHOT_DIR set, each page is also saved there as a full-page PNG (e2e-KIND-PROJECT.png) for a
// human look.
//
// axe runs inside the page, so this file alone turns JavaScript on: with it off, axe's evaluation never
// finishes. The pages carry no script of their own (only Leptos' two inert inline lines), so the DOM axe
// audits is the one a reader without JavaScript gets; every other spec keeps JavaScript off.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import path from 'node:path';
import { NATIONAL, PROVINCE, REGENCY } from './expected.mjs';

test.use({ javaScriptEnabled: true });

const pages = [
  ['national', NATIONAL.path],
  ['province', PROVINCE.path],
  ['regency', REGENCY.path],
  ['province-report', `${PROVINCE.path}/laporan`],
  ['compare', '/banding?kode=63.10,63.72,63,nasional'],
  ['compare-empty', '/banding'],
  ['pathways', '/jalur'],
  ['not-found', '/kabkota/63.99'],
  ['search', '/cari?q=banjar'],
  ['sign-in', '/masuk'],
];

for (const [kind, url] of pages) {
  test(`axe: no violations on the ${kind} page`, async ({ page }, testInfo) => {
    // The national map has 514 outlined regions: axe needs well over the default 30 s there on 2 busy cores.
    test.setTimeout(120_000);
    await page.goto(url);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
    const summary = results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
    if (summary.length) {
      console.log(`[axe ${testInfo.project.name} ${url}] ${summary.length} violation(s):`);
      for (const v of summary) console.log(`  ${v.impact}: ${v.id} (${v.nodes} node(s)) — ${v.help} — e.g. ${v.targets.join(' | ')}`);
    }
    await testInfo.attach('axe-violations.json', { body: JSON.stringify(summary, null, 2), contentType: 'application/json' });
    if (process.env.SCREENSHOT_DIR) {
      await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `e2e-${kind}-${testInfo.project.name}.png`), fullPage: true });
    }
    expect(summary, 'accessibility violations of any impact').toEqual([]);
  });
}
