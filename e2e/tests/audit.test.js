// The audit admin's audit log: records are listed and the hash chain verifies (htmx).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

test('auditor sees the audit log and verifies its integrity', withPage(env, async ({ page }) => {
  await login(page, 'auditor');
  const res = await page.goto('/audit');
  assert.equal(res.status(), 200);
  assert.equal((await page.textContent('main h1')).trim(), '审计日志');

  // The demo load and this very login are recorded, one sentence each.
  const rows = page.locator('ol#audit li');
  assert.ok((await rows.count()) > 0, 'the audit log has no records');
  assert.match(await page.textContent('ol#audit'), /auditor|蒋琳/);

  await page.click('button:has-text("校验日志完整性")');
  const result = page.locator('#verify #verify-result');
  await result.waitFor();
  assert.match(await result.textContent(), /完整/);
  // htmx adds its own classes while swapping (htmx-added), so test membership, not equality.
  const classes = (await result.getAttribute('class')).split(/\s+/);
  assert.ok(classes.includes('info') && !classes.includes('error'), `verification reported a broken chain: ${classes}`);
  // The htmx swap replaced only the result box, not the page.
  assert.equal(new URL(page.url()).pathname, '/audit');
  await screenshot(page, 'audit-verified');
}));

test('the audit log reads as sentences whose object links to its page', withPage(env, async ({ page }) => {
  await login(page, 'auditor');
  await page.goto('/audit?object_type=plan');
  const line = page.locator('ol#audit li', { has: page.locator('a[href^="/plans/"]') }).first();
  // "2026-11-24 10:32 赵敏（用人单位）新建年度计划 — 年度计划 3：…"
  assert.match(await line.textContent(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} .+（.+）.+ — 年度计划 \d+/);
  const href = await line.locator('a').first().getAttribute('href');
  // The audit admin holds only the audit permission (三员分立): the link leads to the
  // record's page, which refuses them in Chinese rather than being missing.
  const refused = await Promise.all([page.waitForNavigation(), line.locator('a').first().click()]);
  assert.equal(new URL(page.url()).pathname, href);
  assert.equal(refused[0].status(), 403);
  // Whoever may read plans finds the record there.
  await login(page, 'coord');
  const res = await page.goto(href);
  assert.equal(res.status(), 200);
  assert.match(await page.textContent('main h1'), /年度引进计划/);
}));

test('the due list exports what it shows as an Excel file', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/benefits/due?status=paid');
  assert.match(await page.getAttribute('#export', 'href'), /^\/benefits\/due\/export\.xlsx\?status=paid$/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip file');
}));

test('a user without the audit permission cannot open /audit', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  const res = await page.goto('/audit');
  assert.equal(res.status(), 403);
  assert.equal(await page.locator('#audit').count(), 0);
  assert.match(await page.textContent('.error-page'), /[\u4e00-\u9fff]/, 'the refusal is in Chinese');
}));
