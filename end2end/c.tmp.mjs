import { chromium } from '@playwright/test';
const b = await chromium.launch({executablePath:'/usr/bin/chromium', args:['--no-sandbox','--disable-gpu','--no-first-run','--disable-quic']});
const [url, name, w, h, y] = [process.argv[2], process.argv[3], +process.argv[4], +process.argv[5], +process.argv[6]];
const p = await b.newPage({ viewport: { width: w, height: h }, javaScriptEnabled: false });
await p.goto(url);
await p.screenshot({ path: `/tmp/shot/${name}.png`, clip: { x: 0, y, width: w, height: h }, fullPage: true });
await b.close();
