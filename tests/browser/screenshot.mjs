// README's picture of a report's overview (make screenshot): the page from
// its top to the end of the overview section, 1280 px wide, light, in
// Debian's headless chromium.
//
//   node tests/browser/screenshot.mjs REPORT.html OUT.png
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, out] = process.argv.slice(2);
if (!file || !out) {
  console.error('usage: node screenshot.mjs REPORT.html OUT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  await page.goto(pathToFileURL(path.resolve(file)).href);
  const box = await page.locator('section.overview').boundingBox();
  if (!box) throw new Error(`${file} has no overview section`);
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) } });
  console.log(`screenshot: ${out}`);
} finally {
  await browser.close();
}
