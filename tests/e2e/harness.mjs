// Shared set-up for the end-to-end tests: serve dist/ on 127.0.0.1 and drive Debian's
// Chromium with playwright-core (never a downloaded browser).
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dist = join(root, 'dist');
export const screenshots = join(root, 'tests', 'e2e', 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves dist/ on a free port of 127.0.0.1; resolves to { url, close }. */
export async function serveDist() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Launches headless Chromium with the flags this closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the app, collecting console errors and uncaught exceptions. */
export async function openApp(browser, url, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(url);
  await page.locator('svg.topology').waitFor({ state: 'visible', timeout: 30_000 });
  return { page, errors };
}

/** Saves a screenshot (the whole page unless `fullPage` is false) to tests/e2e/screenshots/NAME.png. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  // A whole-page picture is taken as one tall window: the sticky transport bar would float
  // where the real window's bottom was, over the drawing, so it is shown in its own place.
  const unstick = fullPage
    ? await page.addStyleTag({ content: '.playback { position: static !important; }' })
    : null;
  await page.screenshot({ path, fullPage });
  if (unstick) await unstick.evaluate((tag) => tag.remove());
  return path;
}

/** Serves dist/ and launches Chromium once for the calling test file; closes both after. */
export function useApp() {
  const ctx = { url: '', browser: null };
  let server;
  before(async () => {
    server = await serveDist();
    ctx.url = server.url;
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await server?.close();
  });
  return ctx;
}

/** Chooses a preset by its name and waits until the page shows its run. */
export async function choosePreset(page, name) {
  await page.getByLabel('Scenario', { exact: true }).selectOption({ label: name });
  await page.locator('.scenario-description strong', { hasText: name }).waitFor();
}

/** Moves the play position to `ms` and waits for the clock to show it. */
export async function seekTo(page, ms) {
  // Set the scrubber without focusing it (a focused scrubber keeps the page scrolled to it).
  await page.getByLabel('Play position').evaluate((el, us) => {
    el.value = String(us);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms * 1000);
  await page.locator('output.clock', { hasText: new RegExp(`^${ms}\\.000ms`) }).waitFor();
}

/** Waits until the engine's re-run after an edit has finished (the panels that read the
 *  whole run — verdict, lanes, trace — show the previous run, dimmed, until then). */
export async function settled(page) {
  await page.locator('main.stage[aria-busy="true"]').waitFor({ state: 'detached', timeout: 30_000 });
}
