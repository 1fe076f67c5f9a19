// Shared pieces of the end-to-end tests: a static server for dist/, Debian's Chromium
// driven by playwright-core, the skyhex CLI for expected numbers, and page helpers.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const DIST = join(ROOT, 'dist');
export const REAL = join(ROOT, 'tests', 'data', 'real');
export const OUTPUT = join(ROOT, 'tests', 'e2e', 'output');
export const SKYHEX = process.env.SKYHEX_BIN ?? join(ROOT, 'target', 'release', 'skyhex');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.parquet': 'application/octet-stream',
};

/**
 * Serves `root` on a free loopback port, with HEAD and single byte-range requests as static
 * hosts do; with `cors`, to pages of any origin. Resolves to { url, close, servedBytes }
 * (bytes sent per path, for range tests).
 */
export function serveStatic(root = DIST, { cors = false } = {}) {
  const servedBytes = new Map();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    const size = statSync(file).size;
    const headers = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'accept-ranges': 'bytes',
      ...(cors ? { 'access-control-allow-origin': '*' } : {}),
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] !== '' ? Math.min(Number(range[2]), size - 1) : size - 1;
    response.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': String(end - start + 1),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    servedBytes.set(path, (servedBytes.get(path) ?? 0) + end - start + 1);
    createReadStream(file, { start, end }).pipe(response);
  });
  return new Promise((ready) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ready({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)), servedBytes });
    });
  });
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page that fails the test on any uncaught page error or console error. */
export async function newPage(browser, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return page;
}

/** Runs the skyhex CLI; returns { status, stdout, stderr }. */
export function skyhex(...args) {
  const run = spawnSync(SKYHEX, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.error) throw run.error;
  return run;
}

/** Waits until the page has read everything and shows results. */
export async function waitReady(page, state = 'ready') {
  await page.waitForSelector(`[data-testid=status][data-state=${state}]`, { timeout: 60_000 });
}

/** The raw number a stat carries in `data-value`. */
export async function stat(page, name) {
  return Number(await page.getAttribute(`[data-testid=stat-${name}]`, 'data-value'));
}

/** Clicks export-csv and returns the downloaded text. */
export async function exportCsv(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const { readFile } = await import('node:fs/promises');
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

/** Saves a screenshot under tests/e2e/output/ (kept for people to look at). */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens a tab of the side panel (`data`, `layers`, `filters`, `inspect`). */
export async function openTab(page, name) {
  await page.getByTestId(`tab-${name}`).click();
}

/** Sets the resolution control the way a user does (keyboard on the slider). */
export async function setResolution(page, resolution) {
  const slider = page.getByTestId('resolution');
  await slider.focus();
  const current = Number(await slider.inputValue());
  const key = resolution > current ? 'ArrowRight' : 'ArrowLeft';
  for (let step = 0; step < Math.abs(resolution - current); step += 1) await slider.press(key);
}
