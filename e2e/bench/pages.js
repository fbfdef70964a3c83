// Page-time benchmark (issue 12: "no page's server time exceeds 50 ms with the demo").
//
// Starts `yincai serve --demo` on a fresh data directory, logs in as every demo role and
// crawls the pages that role reaches from its workbench (one page of each kind, as the
// Chinese-pages test does), reading each page ROUNDS times and taking the server's own time
// from the `Server-Timing: app;dur=…` header (from the first byte of the request to the
// response head, the page rendered). Prints the slowest pages and a summary line; exits 1
// when a page's median exceeds the budget.
//
//   cargo build --release -p yincai
//   YINCAI_BIN=target/release/yincai node e2e/bench/pages.js
//
// Environment: ROUNDS (default 7), BUDGET_MS (default 50).
import { startServer, launchBrowser, login, DEMO_USERS } from '../lib/server.js';
import os from 'node:os';

const ROUNDS = Number(process.env.ROUNDS || 7);
const BUDGET_MS = Number(process.env.BUDGET_MS || 50);
const MAX_PAGES_PER_ROLE = 120;

/** /talents/7?x=1 and /talents/8 are one kind of page. */
function kindOf(path) {
  return path
    .split('?')[0]
    .split('/')
    .map((s) => (/^\d+$/.test(s) ? '{n}' : s))
    .join('/');
}

/** The same-site page links worth reading (no downloads, exports, logout or API). */
function links(html) {
  const out = [];
  for (const m of html.matchAll(/href="(\/[^"]*)"/g)) {
    const path = m[1].replace(/&amp;/g, '&').split('#')[0];
    const file = path.split('?')[0];
    const skip = file.startsWith('/api') || path.startsWith('/assets') || path.startsWith('/logout') ||
      file.includes('/download') || file.includes('.') || file.includes('/export');
    if (!skip && path) out.push(path);
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function serverMillis(response) {
  const m = /app;dur=([\d.]+)/.exec(response.headers()['server-timing'] || '');
  if (!m) throw new Error(`no Server-Timing on ${response.url()}`);
  return Number(m[1]);
}

const server = await startServer();
const browser = await launchBrowser();
const results = [];
try {
  for (const username of Object.keys(DEMO_USERS)) {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    await login(page, username);
    const queue = ['/workbench', '/', '/calculator', '/policy'];
    const seen = new Set();
    while (queue.length && seen.size < MAX_PAGES_PER_ROLE) {
      const path = queue.shift();
      const kind = kindOf(path);
      if (seen.has(kind)) continue;
      seen.add(kind);
      const times = [];
      let html = '';
      for (let i = 0; i < ROUNDS; i++) {
        const res = await context.request.get(path, { maxRedirects: 0 });
        if (res.status() !== 200 || !(res.headers()['content-type'] || '').includes('text/html')) break;
        times.push(serverMillis(res));
        if (i === 0) html = await res.text();
      }
      if (!times.length) continue;
      results.push({ username, path, median: median(times), max: Math.max(...times) });
      queue.push(...links(html));
    }
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}

results.sort((a, b) => b.median - a.median);
console.log(`pages read: ${results.length} (role × kind of page), ${ROUNDS} rounds each`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${process.env.YINCAI_BIN || 'target/debug/yincai'}`);
console.log('slowest pages (server time, median / max of the rounds):');
for (const r of results.slice(0, 12)) {
  console.log(`  ${r.median.toFixed(1).padStart(6)} ms / ${r.max.toFixed(1).padStart(6)} ms  ${r.username.padEnd(10)} ${r.path}`);
}
const all = results.map((r) => r.median).sort((a, b) => a - b);
const p50 = all[Math.floor(all.length / 2)];
const worst = results[0];
console.log(`median of medians ${p50.toFixed(1)} ms; slowest median ${worst.median.toFixed(1)} ms (${worst.username} ${worst.path}); budget ${BUDGET_MS} ms`);
if (worst.median > BUDGET_MS) {
  console.error(`FAILED: ${results.filter((r) => r.median > BUDGET_MS).length} page(s) over ${BUDGET_MS} ms`);
  process.exit(1);
}
