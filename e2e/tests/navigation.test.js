// Every link a role is offered on its workbench (main menu and 常用功能) leads somewhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, DEMO_USERS } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

async function offeredLinks(page) {
  const hrefs = await page.$$eval('header nav a, main .shortcuts a', (as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs)].filter((h) => h && h.startsWith('/'));
}

test('every link on each role\'s workbench opens without an error', withPage(env, async ({ page, context }) => {
  const broken = [];
  let checked = 0;
  for (const username of Object.keys(DEMO_USERS)) {
    await context.clearCookies();
    await login(page, username);
    assert.equal(new URL(page.url()).pathname, '/workbench', `${username} starts on the workbench`);
    for (const href of await offeredLinks(page)) {
      checked += 1;
      const res = await page.request.get(href, { maxRedirects: 0 });
      if (res.status() !== 200) broken.push(`${username}: ${href} → ${res.status()}`);
    }
  }
  assert.ok(checked >= Object.keys(DEMO_USERS).length, `only ${checked} links were checked`);
  assert.deepEqual(broken, [], `links that do not open:\n${broken.join('\n')}`);
}));

test('the 政策计算器 link (/calculator) opens the calculator', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  const link = page.locator('header nav a[href="/calculator"]');
  assert.equal(await link.count(), 1, 'the menu offers the calculator');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  assert.equal(new URL(page.url()).pathname, '/calculator');
  assert.equal(await page.getAttribute('header nav a[href="/calculator"]', 'aria-current'), 'page');
  assert.equal((await page.textContent('main h1')).trim(), '政策计算器');
  assert.equal(await page.locator('form.calc-form').count(), 1);
}));
