// The page's tests in a real browser: Debian's Chromium, headless, driven
// by puppeteer-core (scripts/puppeteer.sh installs it). One test a call, as
// CTest runs them (tests/CMakeLists.txt):
//   node web/tests/browser.mjs TEST --site DIR [--lenet1 FILE --data DIR] [--driver DIR]
// TEST: loads | train | draw | bad-weights | bad-data. --site is the built page
// (scripts/web.sh build). The train test takes --seed S --passes N too
// (default 7 and 1), and prints both programs' times: docs/browser.md's. Every wait is for an event or a condition of the
// page, with a timeout far above what a slow machine needs.
import {execFileSync} from 'node:child_process';
import {accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {delimiter, dirname, extname, join, normalize, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const minutes = 60_000;

function options(argv) {
  const [test, ...rest] = argv;
  const values = {test, driver: join(root, '.cache/puppeteer'), chromium: process.env.CHROMIUM || 'chromium'};
  for (let i = 0; i < rest.length; i += 2) values[rest[i].replace(/^--/, '')] = rest[i + 1];
  if (!['loads', 'train', 'draw', 'bad-weights', 'bad-data'].includes(test) || !values.site)
    throw new Error('usage: node web/tests/browser.mjs loads|train|draw|bad-weights|bad-data --site DIR [--lenet1 FILE --data DIR]');
  return values;
}

// A command's file, from PATH unless it is a path already.
function findCommand(name) {
  const candidates = name.includes('/') ? [name] : (process.env.PATH || '').split(delimiter).map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(`expected the browser \`${name}\` (apt-get install chromium), found none`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const contentTypes = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.npy': 'application/octet-stream', '.safetensors': 'application/octet-stream',
};

// The site's files over HTTP on a free port of 127.0.0.1, as any static
// server would; and under /broken-data/, a data folder whose files are text.
function serve(site) {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://host').pathname));
    if (path.startsWith('/broken-data/')) {
      response.writeHead(200, {'Content-Type': 'application/octet-stream'});
      response.end('this is not a .npy file');
      return;
    }
    const file = join(site, path.endsWith('/') ? `${path}index.html` : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, {'Content-Type': contentTypes[extname(file)] || 'application/octet-stream'});
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

// A browser on the page, recording every console error, uncaught exception,
// failed request and HTTP error, of the page and of its worker.
async function openPage(puppeteer, settings, url, {expectStart = true} = {}) {
  const browser = await puppeteer.launch({
    executablePath: findCommand(settings.chromium),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],  // --no-sandbox: Chromium refuses to run as root otherwise
    protocolTimeout: 10 * minutes,
  });
  const page = await browser.newPage();
  const problems = [];
  const onConsole = (origin) => (message) => {
    if (message.type() === 'error') problems.push(`${origin} console error: ${message.text()}`);
  };
  page.on('console', onConsole('page'));
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('workercreated', (worker) => worker.on('console', onConsole('worker')));
  await page.setViewport({width: 1100, height: 1400, hasTouch: true});  // a finger as well as a mouse
  await page.goto(url);
  await page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state), {timeout: 5 * minutes});
  const state = await page.evaluate(() => document.body.dataset.state);
  if (expectStart) check(state === 'ready', `the page did not start: ${await page.$eval('#message', (m) => m.textContent)}`);
  return {browser, page, problems};
}

async function shippedWeightsLoaded(page) {
  await page.waitForFunction(() => document.body.dataset.weights, {timeout: 5 * minutes});
  const weights = await page.evaluate(() => document.body.dataset.weights);
  check(weights === 'loaded', `the shipped weights did not load: ${await page.$eval('#message', (m) => m.textContent)}`);
}

// Strokes of a digit, as points in the pad's 280x280 pixels.
function ellipse(cx, cy, rx, ry, steps = 48) {
  return Array.from({length: steps + 1}, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / steps),
                                                     cy - ry * Math.cos((2 * Math.PI * i) / steps)]);
}
const digits = {
  0: [ellipse(140, 140, 65, 100)],
  1: [[[150, 40], [145, 140], [140, 240]]],
  7: [[[70, 50], [210, 50], [160, 140], [120, 240]]],
};

// Replays the strokes as a mouse would draw them, or a finger with `touch`
// (pointer events on the pad either way), then waits for the page's answer.
async function draw(page, strokes, {touch = false} = {}) {
  await page.click('#clear-button');
  await page.waitForFunction(() => document.querySelector('#answer').textContent === '–');
  const box = await (await page.$('#pad')).boundingBox();
  const at = ([x, y]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
  const pen = touch
    ? {down: (x, y) => page.touchscreen.touchStart(x, y), move: (x, y) => page.touchscreen.touchMove(x, y),
       up: () => page.touchscreen.touchEnd()}
    : {down: async (x, y) => { await page.mouse.move(x, y); await page.mouse.down(); },
       move: (x, y) => page.mouse.move(x, y), up: () => page.mouse.up()};
  for (const stroke of strokes) {
    await pen.down(...at(stroke[0]));
    for (let i = 1; i < stroke.length; ++i) {
      const [x0, y0] = stroke[i - 1], [x1, y1] = stroke[i];
      const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 8));
      for (let s = 1; s <= steps; ++s) await pen.move(...at([x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps]));
    }
    await pen.up();
  }
  await page.waitForFunction(() => document.querySelector('#answer').textContent !== '–', {timeout: minutes});
  return Number(await page.$eval('#answer', (answer) => answer.textContent));
}

// `lenet1 train`'s eval lines for one pass: {train: {loss, misses}, test: {...}}.
function nativeRun(settings, seed, passes) {
  // One evaluation thread, as the page has.
  const run = (kernels) => execFileSync(settings.lenet1, ['train', '--data', settings.data, '--seed', String(seed),
                                                          '--passes', String(passes), '--kernels', kernels, '--threads', '1'],
                                        {encoding: 'utf8'});
  let output;
  try {
    output = run('sse2');  // the set the page runs, translated to WebAssembly (docs/browser.md)
  } catch {
    console.log('native: this build has no sse2 kernel set; comparing with its widest');
    output = run('auto');
  }
  const result = {};
  for (const [, split, loss, misses] of output.matchAll(/^eval: split (\w+)\s*\. loss (\S+)\. error \S+\. misses: (\d+)$/gm))
    result[split] = {loss: Number(loss), misses: Number(misses)};
  check(result.train && result.test, `expected lenet1's eval lines, found:\n${output}`);
  result.done = output.match(/^done: .*$/m)?.[0];
  return result;
}

const tests = {
  async loads({page, problems}) {
    await shippedWeightsLoaded(page);
    check(problems.length === 0, `expected no errors while loading, found:\n${problems.join('\n')}`);
    check(await page.$eval('#message', (m) => m.hidden), 'expected no message after loading');
    console.log(`loaded: ${await page.$eval('#kernels', (k) => k.textContent)}`);
  },

  async train({page, problems}, settings) {
    const seed = Number(settings.seed ?? 7), passes = Number(settings.passes ?? 1);
    check(settings.lenet1 && settings.data, 'the train test needs --lenet1 FILE --data DIR');
    const native = nativeRun(settings, seed, passes);
    await page.$eval('#seed', (input, value) => { input.value = value; }, String(seed));
    await page.$eval('#passes', (input, value) => { input.value = value; }, String(passes));
    await page.click('#train-button');
    await page.waitForFunction(() => ['trained', 'failed'].includes(document.body.dataset.state) ||
                                     !document.querySelector('#message').hidden, {timeout: 30 * minutes});
    check(await page.$eval('#message', (m) => m.hidden), `training failed: ${await page.$eval('#message', (m) => m.textContent)}`);
    const browser = await page.$eval(`tr[data-pass="${passes}"]`, (row) => ({...row.dataset}));
    console.log(`seed ${seed}, ${passes} pass: native train misses ${native.train.misses} loss ${native.train.loss}, ` +
                `test misses ${native.test.misses} loss ${native.test.loss}; browser train misses ` +
                `${browser.trainMisses} loss ${browser.trainLoss}, test misses ${browser.testMisses} loss ${browser.testLoss}`);
    const steps = passes * Number(browser.trainCount);
    console.log(`native ${native.done}`);
    console.log(`browser: ${steps} steps in ${Number(browser.seconds).toFixed(2)} s (${Number(browser.stepSeconds).toFixed(2)} s ` +
                `training, evaluation excluded; ${(1e6 * browser.stepSeconds / steps).toFixed(1)} us a step)`);
    check(Number(browser.trainMisses) === native.train.misses && Number(browser.testMisses) === native.test.misses,
          'expected the browser\'s error counts to equal the native program\'s');
    check(problems.length === 0, `expected no errors, found:\n${problems.join('\n')}`);
  },

  async draw({page, problems}) {
    await shippedWeightsLoaded(page);
    for (const [digit, strokes] of Object.entries(digits)) {
      const answer = await draw(page, strokes);
      console.log(`drew a ${digit}: the page answers ${answer}`);
      check(answer === Number(digit), `expected the drawn ${digit} to be classified ${digit}, found ${answer}`);
    }
    const byFinger = await draw(page, digits[7], {touch: true});
    console.log(`drew a 7 with a finger: the page answers ${byFinger}`);
    check(byFinger === 7, `expected the 7 drawn by touch to be classified 7, found ${byFinger}`);
    const planes = await page.$$eval('#h1 canvas, #h2 canvas', (canvases) => canvases.length);
    check(planes === 24, `expected 12 H1 and 12 H2 planes on the page, found ${planes}`);
    check(problems.length === 0, `expected no errors, found:\n${problems.join('\n')}`);
  },

  async 'bad-weights'({page}, settings) {
    await shippedWeightsLoaded(page);
    const folder = mkdtempSync(join(tmpdir(), 'ctgrad-web-'));
    try {
      const file = join(folder, 'broken.safetensors');
      writeFileSync(file, 'these are not weights');
      await (await page.$('#weights-file')).uploadFile(file);
      await page.waitForFunction(() => document.body.dataset.weights === 'error', {timeout: minutes});
    } finally {
      rmSync(folder, {recursive: true});
    }
    const message = await page.$eval('#message', (m) => (m.hidden ? '' : m.textContent));
    console.log(`message: ${message}`);
    check(/broken\.safetensors/.test(message) && /expected/.test(message),
          `expected a message naming broken.safetensors and what was expected, found '${message}'`);
    // The weights loaded before are kept.
    check(await draw(page, digits[1]) === 1, 'expected the shipped weights to be kept after a bad file');

    // Shipped weights that are not there: a message, not a blank page.
    const {browser, page: other} = await openPage(settings.puppeteer, settings, `${settings.url}?weights=missing.safetensors`);
    try {
      await other.waitForFunction(() => document.body.dataset.weights === 'error', {timeout: 5 * minutes});
      const missing = await other.$eval('#message', (m) => (m.hidden ? '' : m.textContent));
      console.log(`message: ${missing}`);
      check(/missing\.safetensors/.test(missing) && /404/.test(missing),
            `expected a message naming missing.safetensors and the server's 404, found '${missing}'`);
    } finally {
      await browser.close();
    }
  },

  // Data the page cannot read: a message naming the file, for a folder the
  // server lacks and for files that are not .npy.
  async 'bad-data'(opened, settings) {
    for (const [folder, expected] of [['missing-data', /missing-data\/train_images\.npy.*404/],
                                      ['broken-data', /data\/train_images\.npy: expected/]]) {
      const {browser, page} = await openPage(settings.puppeteer, settings, `${settings.url}?data=${folder}`,
                                             {expectStart: false});
      try {
        check(await page.evaluate(() => document.body.dataset.state) === 'failed', `expected ?data=${folder} to fail`);
        const message = await page.$eval('#message', (m) => (m.hidden ? '' : m.textContent));
        console.log(`message: ${message}`);
        check(expected.test(message), `expected a message matching ${expected}, found '${message}'`);
      } finally {
        await browser.close();
      }
    }
  },
};

const settings = options(process.argv.slice(2));
const require = createRequire(join(resolve(settings.driver), 'package.json'));
try {
  settings.puppeteer = require('puppeteer-core');
} catch {
  console.error(`${settings.test}: FAILED: expected puppeteer-core in ${settings.driver}, found none (bash scripts/puppeteer.sh)`);
  process.exit(1);
}
const server = await serve(resolve(settings.site));
settings.url = `http://127.0.0.1:${server.address().port}/`;
let opened;
try {
  opened = await openPage(settings.puppeteer, settings, settings.url);
  await tests[settings.test](opened, settings);
  console.log(`${settings.test}: passed`);
} catch (error) {
  console.error(`${settings.test}: FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  await opened?.browser.close();
  server.closeAllConnections();
  server.close();
}
