// The audit admin's audit log: records are listed and the hash chain verifies (htmx).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

test('auditor sees the audit log and verifies its integrity', withPage(env, async ({ page }) => {
  await login(page, 'auditor');
  const res = await page.goto('/audit');
  assert.equal(res.status(), 200);
  assert.equal((await page.textContent('main h1')).trim(), '审计日志');

  // The demo load and this very login are recorded.
  const rows = page.locator('table#audit tbody tr');
  assert.ok((await rows.count()) > 0, 'the audit table has no rows');
  assert.match(await page.textContent('table#audit'), /auditor|蒋琳/);

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

test('a user without the audit permission cannot open /audit', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  const res = await page.goto('/audit');
  assert.equal(res.status(), 403);
  assert.equal(await page.locator('table#audit').count(), 0);
  assert.match(await page.textContent('.error-page'), /[\u4e00-\u9fff]/, 'the refusal is in Chinese');
}));
