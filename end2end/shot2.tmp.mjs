import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--no-first-run','--disable-quic'] });
const p = await b.newPage({ viewport: { width: 360, height: 900 }, javaScriptEnabled: false });
await p.goto('http://127.0.0.1:3923' + process.argv[2]);
const h = await p.evaluate(() => document.documentElement.scrollHeight);
for (let y = 0, i = 0; y < h && i < 8; y += 1400, i++) {
  await p.screenshot({ path: `/tmp/i16-banding/${process.argv[3]}-p${i}.png`, fullPage: true, clip: { x: 0, y, width: 360, height: Math.min(1400, h - y) } });
}
await b.close();
