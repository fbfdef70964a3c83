// Every link a role is offered on its workbench (main menu and 常用功能) leads somewhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, DEMO_USERS } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

// KNOWN BUG: the menu (crates/web/src/layout.rs, Shown::Everyone) and every workbench's
// 常用功能 (crates/web/src/pages/workbench.rs) link to /calculator 政策计算器, but no route
// serves it: GET /calculator answers 404 「页面不存在」-style error page for every role.
// Expected: the policy calculator page (200). Checked separately in the todo below.
const NOT_YET_SERVED = new Set(['/calculator']);

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
      if (NOT_YET_SERVED.has(href)) continue;
      checked += 1;
      const res = await page.request.get(href, { maxRedirects: 0 });
      if (res.status() !== 200) broken.push(`${username}: ${href} → ${res.status()}`);
    }
  }
  assert.ok(checked >= Object.keys(DEMO_USERS).length, `only ${checked} links were checked`);
  assert.deepEqual(broken, [], `links that do not open:\n${broken.join('\n')}`);
}));

test.todo('the 政策计算器 link (/calculator) opens the calculator', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  assert.equal(await page.locator('a[href="/calculator"]').count() > 0, true);
  const res = await page.goto('/calculator');
  assert.equal(res.status(), 200, `/calculator answered ${res.status()}`);
}));
