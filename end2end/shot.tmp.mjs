import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--no-first-run','--disable-quic'] });
const base = process.env.BASE || 'http://127.0.0.1:3923';
const url = process.argv[2]; const name = process.argv[3];
for (const w of [360, 1280]) {
  const p = await b.newPage({ viewport: { width: w, height: 900 }, javaScriptEnabled: false });
  await p.goto(base + url);
  const sw = await p.evaluate(() => document.documentElement.scrollWidth);
  console.log(w, 'scrollWidth', sw);
  await p.screenshot({ path: `/tmp/i16-banding/${name}-${w}.png`, fullPage: true });
  await p.close();
}
await b.close();
