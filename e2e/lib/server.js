// Test harness: start the yincai binary on a fresh data directory, launch the
// system Chromium through playwright-core, and log in through the real form.
//
// Nothing here downloads a browser: CI installs Debian's chromium with apt and
// playwright-core only drives it (CHROMIUM_PATH overrides /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where screenshots go (gitignored; CI keeps the folder as artefacts). */
export const ARTIFACTS_DIR = path.join(E2E_DIR, 'artifacts');

/** Password of every demo account (`serve --demo`). */
export const DEMO_PASSWORD = 'Yincai@Demo2026';

/** The demo accounts: user name → display name shown in the header. */
export const DEMO_USERS = {
  talent: '张明',
  unit: '李华',
  unit2: '李雷',
  dept: '王芳',
  coord: '赵敏',
  leader: '刘强',
  assessor: '陈静',
  finance: '孙丽',
  mayor: '周涛',
  service: '吴昊',
  sysadmin: '郑伟',
  secadmin: '冯雪',
  auditor: '蒋琳',
};

/**
 * The demo's applicants (`crates/app/src/demo_cases.rs`): user name → name. Each has a
 * registration form and an application in some state (王磊 an intent letter to accept,
 * 李娜 a 补正 to make); the account `talent` stays blank for a newcomer.
 */
export const DEMO_APPLICANTS = {
  hemin: '何敏',
  wanglei: '王磊',
  lina: '李娜',
  chenchen: '陈晨',
  liuyang: '刘洋',
  zhaoxue: '赵雪',
  sunjianguo: '孙建国',
  zhoujie: '周杰',
};

/** The desktop every staff journey runs at (issue 12: 1366 px, the office's common screen). */
export const DESKTOP_VIEWPORT = { width: 1366, height: 900 };

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

function binaryPath() {
  const fromEnv = process.env.YINCAI_BIN;
  // A relative YINCAI_BIN is taken from where the command was typed: `npm test --prefix e2e`
  // runs the script inside e2e/ but records the caller's directory in INIT_CWD.
  if (fromEnv) return path.resolve(process.env.INIT_CWD || process.cwd(), fromEnv);
  return path.resolve(E2E_DIR, '../target/debug/yincai');
}

/**
 * Start `yincai serve --demo` on a fresh data directory and an ephemeral port.
 * Resolves once the server prints its `listening on` line.
 * @returns {Promise<{ baseUrl: string, stop: () => Promise<void> }>}
 */
export async function startServer() {
  const bin = binaryPath();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'yincai-e2e-data-'));
  const child = spawn(bin, ['serve', '--demo', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });

  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8');
  child.stdout.setEncoding('utf8');
  // Keep draining both pipes for the server's whole life, so it never blocks on a full pipe.
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let baseUrl;
  try {
    baseUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`yincai did not print "listening on" within ${START_TIMEOUT_MS / 1000} s\n` +
          `binary: ${bin}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, START_TIMEOUT_MS);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not start ${bin}: ${err.message} (build it with \`cargo build -p yincai\` or set YINCAI_BIN)`));
      });
      child.stdout.on('data', (chunk) => {
        stdout = (stdout + chunk).slice(-20_000);
        const m = /listening on (http:\/\/\S+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1].replace(/\/$/, ''));
        }
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`yincai exited before listening (code ${code}, signal ${signal})\n` +
          `binary: ${bin}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  let stopping;
  async function stop() {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise((r) => setTimeout(() => r(true), STOP_TIMEOUT_MS).unref()),
        ]);
        if (timedOut) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  return { baseUrl, stop, dataDir, stderr: () => stderr };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch the system Chromium with a fresh temporary profile.
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchBrowser() {
  // playwright-core gives every launch its own temporary --user-data-dir and removes it on close.
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Log in through the login form and wait for the page the server sends us to.
 * Works from any page: it navigates to /login first (relative to the context's baseURL).
 */
export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

/** A file-name-safe version of a test name (keeps CJK characters). */
export function artifactName(name) {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 150) || 'test';
}

/** Save a full-page screenshot as e2e/artifacts/<name>.png; returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${artifactName(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Wrap a node:test body: gives it a fresh browser context (own cookies) and page
 * pointed at the server, fails it on any 5xx answer or uncaught page error,
 * and on failure saves a full-page screenshot as artifacts/<test-name>.png.
 *
 * Usage: test('name', withPage(env, async ({ page, baseUrl }) => { ... }))
 * where env is an object whose `server` and `browser` are set in before().
 */
export function withPage(env, body) {
  return async (t) => {
    // Staff journeys at the width of the office's most common screen (1366 px); the phone
    // tests set their own width.
    const context = await env.browser.newContext({
      baseURL: env.server.baseUrl,
      locale: 'zh-CN',
      viewport: DESKTOP_VIEWPORT,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const serverErrors = [];
    const pageErrors = [];
    page.on('response', (res) => {
      if (res.status() >= 500) serverErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    // The pages' Content-Security-Policy allows no inline script: anything it blocks
    // (an inline handler, a style htmx or ECharts needs) shows in the console.
    const cspViolations = [];
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
    });
    try {
      await body({ page, context, baseUrl: env.server.baseUrl, t });
      if (serverErrors.length) throw new Error(`server answered 5xx:\n${serverErrors.join('\n')}`);
      if (cspViolations.length) throw new Error(`CSP violations:\n${cspViolations.join('\n')}`);
      if (pageErrors.length) throw new Error(`uncaught errors in the page:\n${pageErrors.join('\n')}`);
    } catch (err) {
      try {
        const file = await screenshot(page, t.name);
        t.diagnostic(`screenshot: ${file}`);
      } catch (shotErr) {
        t.diagnostic(`could not save a screenshot: ${shotErr.message}`);
      }
      throw err;
    } finally {
      await context.close();
    }
  };
}

/**
 * Register before()/after() hooks that start one server and one browser for the
 * calling test file. Returns the env object that withPage() reads.
 */
export function useServerAndBrowser({ before, after }) {
  const env = { server: null, browser: null };
  before(async () => {
    // Start both at once; keep whichever started even if the other failed, so after() can stop it.
    const [server, browser] = await Promise.allSettled([startServer(), launchBrowser()]);
    if (server.status === 'fulfilled') env.server = server.value;
    if (browser.status === 'fulfilled') env.browser = browser.value;
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
  });
  after(async () => {
    await Promise.allSettled([env.browser?.close(), env.server?.stop()]);
  });
  return env;
}

/** Log in through the JSON API and return a bearer token. */
export async function apiToken(baseUrl, username, password = DEMO_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`API login as ${username}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  if (!body.token) throw new Error(`API login as ${username}: no token in ${JSON.stringify(body)}`);
  return body.token;
}

/** GET a JSON API path with a bearer token. */
export async function apiGet(baseUrl, token, pathAndQuery) {
  const res = await fetch(`${baseUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  return res.json();
}
