// Logging in through the form, and every demo account's main page (工作台).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot, DEMO_USERS } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

test('coord logs in and lands on the workbench', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  assert.equal(new URL(page.url()).pathname, '/workbench');
  assert.equal((await page.textContent('main h1')).trim(), '工作台');
  assert.match(await page.textContent('header .user'), /赵敏/);
  assert.match(await page.textContent('main .lead'), /赵敏，您好/);
  await screenshot(page, 'workbench-coord');
}));

test('wrong password shows a Chinese error and keeps the user name', withPage(env, async ({ page }) => {
  await login(page, 'coord', 'not-the-password');
  assert.equal(new URL(page.url()).pathname, '/login');
  const error = page.locator('#login-error');
  await error.waitFor();
  assert.match(await error.textContent(), /用户名或密码错误/);
  assert.equal(await page.inputValue('#username'), 'coord');
  assert.equal(await page.inputValue('#password'), '', 'the password must not be sent back');
  // Still not logged in.
  await page.goto('/workbench');
  assert.equal(new URL(page.url()).pathname, '/login');
}));

for (const [username, displayName] of Object.entries(DEMO_USERS)) {
  test(`demo account ${username} sees its workbench`, withPage(env, async ({ page }) => {
    await login(page, username);
    // login() followed the redirect; /workbench is where every account should start
    // (no demo account has to change its password first).
    assert.equal(new URL(page.url()).pathname, '/workbench', `after login ${username} is on ${page.url()}`);
    const res = await page.goto('/workbench');
    assert.ok(res.status() < 500, `/workbench answered ${res.status()}`);
    assert.equal(res.status(), 200);
    assert.equal((await page.textContent('main h1')).trim(), '工作台');
    assert.match(await page.textContent('header .user'), new RegExp(displayName));
    if (username === 'auditor') {
      // The audit admin's only permission is the audit log: a workbench without tasks,
      // with the audit log as its entry point.
      assert.equal(await page.locator('#tasks').count(), 0);
      assert.match(await page.textContent('main'), /暂无待办/);
      assert.equal(await page.locator('main .shortcuts a[href="/audit"]').count(), 1);
    }
    await screenshot(page, `workbench-${username}`);
  }));
}

test('logging out ends the session', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  const [res] = await Promise.all([
    page.waitForNavigation(),
    page.click('header form[action="/logout"] button'),
  ]);
  assert.equal(res.status(), 200, `POST /logout led to ${res.status()} at ${page.url()}`);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.match(await page.textContent('main'), /已安全退出/);
  await page.goto('/workbench');
  assert.equal(new URL(page.url()).pathname, '/login');
}));

// The pages' Content-Security-Policy is enforced: an inline script does not run and the
// browser reports it in the console (which withPage() turns into a failure on every page).
test('an inline script on a page is blocked by the CSP and reported', async () => {
  const context = await env.browser.newContext({ baseURL: env.server.baseUrl, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const console = [];
    page.on('console', (msg) => console.push(msg.text()));
    await page.goto('/login');
    const ran = await page.evaluate(() => {
      window.__inlineRan = false;
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true;';
      document.body.appendChild(s);
      return window.__inlineRan;
    });
    assert.equal(ran, false, 'the inline script did not run');
    assert.ok(console.some((m) => /Content Security Policy/i.test(m)), `reported: ${console.join(' | ')}`);
  } finally {
    await context.close();
  }
});
