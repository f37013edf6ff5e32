import { chromium } from '@playwright/test';
const b = await chromium.launch({executablePath:'/usr/bin/chromium', args:['--no-sandbox','--disable-gpu','--disable-background-networking','--no-first-run','--disable-quic']});
const url = process.argv[2], name = process.argv[3];
for (const w of [360, 1280]) {
  const p = await b.newPage({ viewport: { width: w, height: 900 }, javaScriptEnabled: false });
  await p.goto(url);
  await p.screenshot({ path: `/tmp/shot/${name}-${w}.png`, fullPage: false });
  if (w === 1280) {
    const pdf = await p.pdf({ format: 'A4', path: `/tmp/shot/${name}.pdf` });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) || []).length;
    console.log(name, 'pages', pages, 'bytes', pdf.length);
  }
  await p.close();
}
await b.close();
