// The summary of scripts/lighthouse.sh: node summary.mjs TSV_OUT REPORT.json…
//
// Prints a Markdown table (one row per page and form factor: the four category scores as Lighthouse shows them,
// 0–100, and for every category under 100 the audits that cost it points, id and title), writes one TSV line
// per page, form factor and category to TSV_OUT (page, form factor, category, score, bar, PASS|MISS, the
// category's failing audits) and exits 1 when any category is under its bar: accessibility, best practices and
// SEO at 100, performance at 95. A report Lighthouse could not finish (a runtime error, a category without a
// score) counts as a MISS.
import { readFileSync, writeFileSync } from 'node:fs';

const CATEGORIES = [
  ['performance', 'performance', 95],
  ['accessibility', 'accessibility', 100],
  ['best-practices', 'best practices', 100],
  ['seo', 'SEO', 100],
];

const [tsvOut, ...files] = process.argv.slice(2);
if (!tsvOut || files.length === 0) {
  console.error('usage: node summary.mjs TSV_OUT REPORT.json…');
  process.exit(2);
}

const oneLine = (s) => String(s ?? '').replace(/[\t\r\n]+/g, ' ').trim();
const md = (s) => oneLine(s).replace(/\|/g, '\\|');

// The audits that cost a category points: scored (weight > 0), with a score under 1. For performance these are
// the metrics; their measured value is given with the score.
function failing(lhr, categoryId) {
  const category = lhr.categories[categoryId];
  if (!category) return [];
  const out = [];
  for (const ref of category.auditRefs) {
    if (!(ref.weight > 0)) continue;
    const audit = lhr.audits[ref.id];
    if (!audit || audit.score === null || audit.score >= 1) continue;
    if (!['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode)) continue;
    let text = `\`${ref.id}\` (${oneLine(audit.title).replace(/\.$/, '')}`;
    const items = audit.details?.items ?? [];
    if (categoryId === 'performance') {
      text += `: ${oneLine(audit.displayValue)}, score ${Math.round(audit.score * 100)}`;
    } else if (items.length) {
      // Where: the first two distinct elements (CSS selector and label) or URLs.
      const where = [...new Set(items.map((i) => i.node ? `\`${i.node.selector}\` "${oneLine(i.node.nodeLabel).slice(0, 40)}"` : i.url ?? i.source?.url).filter(Boolean))];
      text += `; ${items.length} item${items.length === 1 ? '' : 's'}${where.length ? `, e.g. ${where.slice(0, 2).join(', ')}` : ''}`;
    }
    out.push(text + ')');
  }
  return out;
}

const rows = [];
const tsv = [];
let miss = false;
let env = null;
for (const file of files) {
  const lhr = JSON.parse(readFileSync(file, 'utf8'));
  const url = new URL(lhr.requestedUrl);
  const page = url.pathname + url.search;
  const formFactor = lhr.configSettings.formFactor;
  env ??= lhr;
  const cells = [];
  const notes = [];
  if (lhr.runtimeError) notes.push(`runtime error ${oneLine(lhr.runtimeError.code)}: ${oneLine(lhr.runtimeError.message)}`);
  for (const [id, name, bar] of CATEGORIES) {
    const raw = lhr.categories[id]?.score;
    const score = typeof raw === 'number' ? Math.round(raw * 100) : null;
    const pass = score !== null && score >= bar;
    if (!pass) miss = true;
    const audits = score === null || score < 100 ? failing(lhr, id) : [];
    if (score === null) audits.unshift('no score (the run did not finish)');
    cells.push(score === null ? '**—**' : pass ? String(score) : `**${score}**`);
    if (audits.length) notes.push(`${name}: ${audits.join('; ')}`);
    tsv.push([page, formFactor, name, score ?? '—', bar, pass ? 'PASS' : 'MISS', audits.join('; ') || '—'].map(oneLine).join('\t'));
  }
  for (const w of lhr.runWarnings ?? []) notes.push(`warning: ${oneLine(w)}`);
  rows.push(`| \`${page}\` | ${formFactor} | ${cells.join(' | ')} | ${notes.map(md).join('<br>') || '—'} |`);
}

const describe = (lhr) => {
  const s = lhr.configSettings;
  const t = s.throttling;
  const throttling = s.throttlingMethod === 'simulate'
    ? `simulated throttling: ${t.cpuSlowdownMultiplier}× CPU slowdown, ${t.rttMs} ms RTT, ${Math.round(t.throughputKbps)} kbit/s`
    : `${s.throttlingMethod} throttling`;
  return `${s.formFactor} ${s.screenEmulation.width}×${s.screenEmulation.height} (${throttling})`;
};
const first = new Map();
const indexes = [];
for (const file of files) {
  const lhr = JSON.parse(readFileSync(file, 'utf8'));
  if (!first.has(lhr.configSettings.formFactor)) first.set(lhr.configSettings.formFactor, lhr);
  indexes.push(lhr.environment.benchmarkIndex);
}
const browser = env.environment.hostUserAgent.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0] ?? env.environment.hostUserAgent;
console.log(`Lighthouse ${env.lighthouseVersion}, ${oneLine(browser)}; ${[...first.values()].map(describe).join('; ')}. ` +
  'Bars: performance ≥ 95; accessibility, best practices and SEO 100. ' +
  `Lighthouse's benchmark index of the machine during the runs: ${Math.min(...indexes)}–${Math.max(...indexes)}.`);
console.log();
console.log('| page | form factor | performance | accessibility | best practices | SEO | what costs points |');
console.log('|---|---|---:|---:|---:|---:|---|');
for (const r of rows) console.log(r);
writeFileSync(tsvOut, tsv.join('\n') + '\n');
process.exit(miss ? 1 : 0);
