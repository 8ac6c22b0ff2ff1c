// Checks cpreport's HTML reports in Debian's headless chromium, driven by
// playwright-core (no browser download: Debian's /usr/bin/chromium).
//
//   node tests/browser/check.mjs --shots DIR [--no-charts NAME]... FILE=MIN-MAX[=FOOTER]...
//
// --no-charts NAME: the page whose file is called NAME has no charts (an
// index), so it is not asked for any.
// FILE is an HTML report; MIN-MAX the range of A4 pages its print to PDF must
// have; FOOTER, text the running footer of every printed page must hold
// (besides "Page N of M", always checked). No printed page but the last may
// have its lower half empty. At 360 and 1280 px wide, light
// and dark, the page must not scroll sideways, no element may stick out of
// the window unless a box of its own scrolls it, no text may overflow its
// box, and chart text must be at least 9 px; a screenshot of each goes to
// DIR. Prints one "ok - ..." or "not ok - ..." line per check ("# ..." lines
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
import { execFileSync } from 'node:child_process';

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
const noCharts = new Set();
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') {
    shots = args[++i];
    if (!shots) usage('--shots needs a folder');
    continue;
  }
  if (args[i] === '--no-charts') {
    if (!args[i + 1]) usage('--no-charts needs a file name');
    noCharts.add(args[++i]);
    continue;
  }
  const m = /^(.+?)=(\d+)-(\d+)(?:=(.*))?$/.exec(args[i]);
  if (!m) usage(`bad argument '${args[i]}'`);
  targets.push({ file: path.resolve(m[1]), min: Number(m[2]), max: Number(m[3]), footer: m[4] || '' });
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

// What sticks out at this width: the page's own scroll width, elements
// past the window's edges that no scrolling box of theirs clips, boxes
// whose text overflows them, and chart text smaller than 9 px.
function layoutProblems() {
  const vw = document.documentElement.clientWidth;
  const out = { scrollWidth: document.documentElement.scrollWidth, vw, wide: [], overflow: [], tiny: [] };
  const name = (e) => {
    const t = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return `<${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? ` class="${e.className}"` : ''}> "${t}"`;
  };
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible') {
        const r = a.getBoundingClientRect();
        return r.left >= -1 && r.right <= vw + 1;
      }
    }
    return false;
  };
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > vw + 1 || r.left < -1) && !clipped(e)) out.wide.push(`${name(e)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }
  for (const e of document.body.querySelectorAll('p,h1,h2,h3,h4,dt,dd,th,td,li,caption,figcaption,.chip')) {
    const cs = getComputedStyle(e);
    if (cs.overflowX !== 'visible') continue;
    if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) out.overflow.push(`${name(e)}: text ${e.scrollWidth} px in a box of ${e.clientWidth} px`);
  }
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const vb = svg.viewBox.baseVal;
    const scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 9) { out.tiny.push(`${name(t)} in "${svg.querySelector('title')?.textContent}" is ${px.toFixed(1)} px`); break; }
    }
  }
  return out;
}

// The layout checks at one width and colour scheme, with a screenshot.
async function checkLayout(page, name, base, width, scheme) {
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: scheme, media: 'screen' });
  const at = `${name} at ${width} px, ${scheme}`;
  const p = await page.evaluate(layoutProblems);
  if (p.scrollWidth <= p.vw && p.wide.length === 0) ok(`${at}: nothing wider than the window (${p.scrollWidth} px of ${p.vw})`);
  else notOk(`${at}: the page is ${p.scrollWidth} px wide in a ${p.vw} px window; ${p.wide.length} element(s) stick out`, p.wide.slice(0, 10));
  if (p.overflow.length === 0) ok(`${at}: no text overflows its box`);
  else notOk(`${at}: ${p.overflow.length} box(es) with text overflowing`, p.overflow.slice(0, 10));
  if (p.tiny.length === 0) ok(`${at}: chart text is at least 9 px`);
  else notOk(`${at}: chart text smaller than 9 px`, p.tiny.slice(0, 10));
  const shot = path.join(shots, `${base}-${width}-${scheme}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  note(`screenshot: ${shot}`);
}

// How far down each page of a PDF its content reaches, as a share of the
// part above the bottom margin (the running footer's words, in that
// margin, do not count): from the words' boxes of pdftotext -bbox.
function pdfFill(pdfPath) {
  const xml = execFileSync('pdftotext', ['-bbox', pdfPath, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return xml.split('<page ').slice(1).map((pg) => {
    const height = Number(/height="([\d.]+)"/.exec(pg)?.[1] || 842);
    const body = height - 14 / 25.4 * 72;   // the print style sheet's 14 mm bottom margin
    let low = 0;
    for (const m of pg.matchAll(/<word [^>]*yMax="([\d.]+)"/g)) {
      const y = Number(m[1]);
      if (y <= body && y > low) low = y;
    }
    return low / body;
  });
}

// The text of each page of a PDF, by pdftotext (poppler-utils).
function pdfPages(pdfPath) {
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const pages = text.split('\f');
  if (pages.length && pages[pages.length - 1].trim() === '') pages.pop();
  return pages;
}

async function checkReport({ file, min, max, footer }) {
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
  if (svgs.length === 0 && noCharts.has(name)) {
    ok(`${name}: has no charts, as expected`);
  } else if (svgs.length === 0) {
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

  // 7. Phone and desktop, light and dark: nothing sticks out.
  for (const width of [360, 1280])
    for (const scheme of ['light', 'dark'])
      await checkLayout(page, name, base, width, scheme);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light', media: null });

  // 8. Print to PDF (A4, print stylesheet) and count the pages; every page
  // has its number and the running footer.
  try {
    const pdfPath = path.join(shots, `${base}.pdf`);
    const pdf = await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
    const pages = pdfPageCount(pdf);
    const range = min === max ? `${min}` : `${min}-${max}`;
    note(`pdf: ${pdfPath} (${pages} pages, ${pdf.length} bytes)`);
    if (pages >= min && pages <= max) ok(`${name}: prints to ${pages} A4 pages (expected ${range})`);
    else notOk(`${name}: prints to ${pages} A4 pages, expected ${range}`,
      [`PDF kept in ${pdfPath}; if the report grew on purpose, update the range in tests/scripts/browser.sh`]);
    const texts = pdfPages(pdfPath);
    const bad = [];
    texts.forEach((t, i) => {
      const flat = t.replace(/\s+/g, ' ');
      if (!flat.includes(`Page ${i + 1} of ${texts.length}`)) bad.push(`page ${i + 1}: no "Page ${i + 1} of ${texts.length}"`);
      if (footer && !flat.includes(footer)) bad.push(`page ${i + 1}: no "${footer}"`);
    });
    const fill = pdfFill(pdfPath);
    const empty = fill.slice(0, -1).map((f, i) => [i + 1, f]).filter(([, f]) => f < 0.5);
    if (empty.length === 0)
      ok(`${name}: no printed page but the last is half empty (content reaches ${fill.map((f) => `${Math.round(f * 100)}%`).join(', ')})`);
    else notOk(`${name}: printed pages with their lower half empty`,
      empty.map(([i, f]) => `page ${i}: content ends at ${Math.round(f * 100)}% of the page`));
    if (texts.length === pages && bad.length === 0)
      ok(`${name}: every printed page has "Page N of ${texts.length}"${footer ? ` and "${footer}"` : ''} (pdftotext)`);
    else notOk(`${name}: the running footer is missing from printed pages`,
      [`pdftotext found ${texts.length} page(s), the PDF has ${pages}`, ...bad.slice(0, 10)]);
  } catch (e) {
    notOk(`${name}: prints to PDF with its footer`, [String(e.message || e)]);
  }

  await page.close();
}
