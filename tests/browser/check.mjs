// Checks cpreport's HTML reports in Debian's headless chromium, driven by
// playwright-core (no browser download: Debian's /usr/bin/chromium).
//
//   node tests/browser/check.mjs --shots DIR FILE=MIN-MAX...
//
// FILE is an HTML report; MIN-MAX the range of A4 pages its print to PDF must
// have. Prints one "ok - ..." or "not ok - ..." line per check ("# ..." lines
// are notes), as tests/run.sh reads them; exits 0 unless it could not run at
// all (the "not ok" lines carry the failures).
//
// Environment: CHROMIUM (default /usr/bin/chromium), BROWSER_TIMEOUT_MS
// (default 20000, per page action).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ok = (msg) => console.log(`ok - ${msg}`);
const notOk = (msg, notes = []) => {
  console.log(`not ok - ${msg}`);
  for (const n of notes) for (const l of String(n).split('\n')) console.log(`# ${l}`);
};
const note = (msg) => console.log(`# ${msg}`);

function usage(why) {
  console.error(`check.mjs: ${why}\nusage: node check.mjs --shots DIR FILE=MIN-MAX...`);
  process.exit(2);
}

// --- arguments ---------------------------------------------------------------
const args = process.argv.slice(2);
let shots = null;
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') {
    shots = args[++i];
    if (!shots) usage('--shots needs a folder');
    continue;
  }
  const m = /^(.+)=(\d+)-(\d+)$/.exec(args[i]);
  if (!m) usage(`bad argument '${args[i]}'`);
  targets.push({ file: path.resolve(m[1]), min: Number(m[2]), max: Number(m[3]) });
}
if (!shots || targets.length === 0) usage('nothing to check');
fs.mkdirSync(shots, { recursive: true });

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = Number(process.env.BROWSER_TIMEOUT_MS || 20000);

// Counts page objects in a PDF: "/Type /Page" but not "/Type /Pages".
// Chromium (Skia) writes page dictionaries uncompressed, so a byte scan sees
// them all.
function pdfPageCount(buf) {
  const m = buf.toString('latin1').match(/\/Type\s*\/Page(?![A-Za-z])/g);
  return m ? m.length : 0;
}

// --- the browser -------------------------------------------------------------
// The network is closed here: without these flags chromium keeps trying to
// reach Google's services. A fresh profile each run, removed afterwards.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cpreport-chromium-'));
let browser;
try {
  const t0 = Date.now();
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    timeout,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    // Scripts stay on so that a script error in the report would show as a
    // page error (the report needs none).
    javaScriptEnabled: true,
    offline: true,
  });
  note(`chromium ${browser.browser()?.version() ?? '?'} started in ${Date.now() - t0} ms`);
} catch (e) {
  notOk(`chromium starts headless (${executablePath})`, [String(e.message || e).split('\n').slice(0, 15).join('\n')]);
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(0);
}

try {
  for (const t of targets) await checkReport(t);
} finally {
  await browser.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}

async function checkReport({ file, min, max }) {
  const name = path.basename(file);
  const url = pathToFileURL(file).href;
  if (!fs.existsSync(file)) {
    notOk(`${name}: report exists`, [file]);
    return;
  }

  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  const consoleErrors = [];
  const pageErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      consoleErrors.push(`console.${msg.type()}: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => pageErrors.push(`page error: ${err.message}`));
  // Everything but the report itself is refused (and counted): the report
  // must stand alone. data: URLs are inline, never fetched, so they are fine.
  const seen = new Set();
  page.on('request', (req) => {
    const u = req.url();
    if (u !== url && !u.startsWith('data:')) seen.add(u);
  });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith('data:')) return route.continue();
    seen.add(u);
    return route.abort('blockedbyclient');
  });

  try {
    const resp = await page.goto(url, { waitUntil: 'load' });
    if (resp && !resp.ok() && resp.status() !== 0) throw new Error(`status ${resp.status()}`);
    // Late console messages (e.g. a failed lazy load) arrive after "load".
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
  } catch (e) {
    notOk(`${name}: loads in chromium`, [String(e.message || e)]);
    await page.close();
    return;
  }

  // 1. No console errors, no page errors.
  const errors = [...pageErrors, ...consoleErrors];
  if (errors.length === 0) ok(`${name}: loads with no console errors or page errors`);
  else notOk(`${name}: ${errors.length} console or page error(s) on load`, errors.slice(0, 20));

  // 2. Nothing fetched but the file itself.
  const foreign = [...seen];
  if (foreign.length === 0) ok(`${name}: self-contained, no request but the file itself`);
  else notOk(`${name}: ${foreign.length} request(s) to something other than the file (blocked)`, foreign.slice(0, 20));

  // 3. Every chart (outermost inline svg) has a non-empty box.
  const svgs = await page.evaluate(() =>
    [...document.querySelectorAll('svg')]
      .filter((s) => !s.parentElement || !s.parentElement.closest('svg'))
      .map((s, i) => {
        const r = s.getBoundingClientRect();
        const label = s.getAttribute('aria-label') || s.querySelector(':scope > title')?.textContent || s.id || '';
        return { i, w: r.width, h: r.height, label: label.trim().slice(0, 80) };
      }));
  if (svgs.length === 0) {
    notOk(`${name}: no svg element: the report has lost its charts`);
  } else {
    const empty = svgs.filter((s) => !(s.w > 0 && s.h > 0));
    if (empty.length === 0) ok(`${name}: all ${svgs.length} chart(s) (svg) have a non-empty box`);
    else notOk(`${name}: ${empty.length} of ${svgs.length} chart(s) (svg) have an empty box`,
      empty.map((s) => `svg #${s.i + 1} ${s.label ? `"${s.label}" ` : ''}is ${s.w}x${s.h}`));
  }

  // 4. Every table is visible.
  const tables = await page.evaluate(() =>
    [...document.querySelectorAll('table')].map((t, i) => {
      const r = t.getBoundingClientRect();
      const cs = getComputedStyle(t);
      const cap = t.caption?.textContent || t.previousElementSibling?.textContent || '';
      return { i, w: r.width, h: r.height, vis: cs.visibility, label: cap.trim().slice(0, 60) };
    }));
  if (tables.length === 0) {
    notOk(`${name}: has tables`, ['no table element: the report has lost its figures']);
  } else {
    const hidden = tables.filter((t) => !(t.w > 0 && t.h > 0 && t.vis !== 'hidden' && t.vis !== 'collapse'));
    if (hidden.length === 0) ok(`${name}: all ${tables.length} tables are visible`);
    else notOk(`${name}: ${hidden.length} of ${tables.length} tables are not visible`,
      hidden.map((t) => `table #${t.i + 1} ${t.label ? `(after "${t.label}") ` : ''}is ${t.w}x${t.h}, visibility ${t.vis}`));
  }

  // 5. Dark mode changes the page background.
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await bg();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bg();
  const base = name.replace(/\.html?$/i, '');
  const darkShot = path.join(shots, `${base}-dark.png`);
  await page.screenshot({ path: darkShot, fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  if (light !== dark) ok(`${name}: prefers-color-scheme dark changes the body background (${light} -> ${dark})`);
  else notOk(`${name}: prefers-color-scheme dark leaves the body background at ${light}`);

  // 6. Screenshot for the test log (light mode, whole page).
  const shot = path.join(shots, `${base}.png`);
  try {
    const png = await page.screenshot({ path: shot, fullPage: true });
    const w = png.readUInt32BE(16), h = png.readUInt32BE(20);
    note(`screenshot: ${shot}`);
    note(`screenshot: ${darkShot} (dark)`);
    ok(`${name}: full-page screenshot ${w}x${h} px, ${path.relative(process.cwd(), shot)}`);
  } catch (e) {
    notOk(`${name}: full-page screenshot`, [String(e.message || e)]);
  }

  // 7. Print to PDF (A4, print stylesheet) and count the pages.
  try {
    const pdfPath = path.join(shots, `${base}.pdf`);
    const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    const pages = pdfPageCount(pdf);
    const range = min === max ? `${min}` : `${min}-${max}`;
    note(`pdf: ${pdfPath} (${pages} pages, ${pdf.length} bytes)`);
    if (pages >= min && pages <= max) ok(`${name}: prints to ${pages} A4 pages (expected ${range})`);
    else notOk(`${name}: prints to ${pages} A4 pages, expected ${range}`,
      [`PDF kept in ${pdfPath}; if the report grew on purpose, update the range in tests/scripts/browser.sh`]);
  } catch (e) {
    notOk(`${name}: prints to PDF`, [String(e.message || e)]);
  }

  await page.close();
}
