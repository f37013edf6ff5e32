import { chromium } from '@playwright/test';
const b = await chromium.launch({executablePath:'/usr/bin/chromium', args:['--no-sandbox','--disable-gpu','--no-first-run','--disable-quic']});
const [url, name] = [process.argv[2], process.argv[3]];
for (const w of [360, 1280]) {
  const p = await b.newPage({ viewport: { width: w, height: 900 }, javaScriptEnabled: false });
  await p.goto(url);
  await p.screenshot({ path: `/tmp/shot/${name}-${w}.png`, fullPage: true });
  await p.close();
}
await b.close();
