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

// The coordination office has about twenty menu entries: grouped by area, the header stays
// one line at 1366 px, every entry is one click away under its area, and the area of the
// page shown is marked. Staff tables fit a 1280 px screen.
test('a long menu is grouped by area and the header stays one line', withPage(env, async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await login(page, 'coord');
  await page.goto('/housing');
  const header = await page.locator('header.top').boundingBox();
  assert.ok(header.height < 80, `the header is ${header.height} px high`);
  const area = page.locator('header nav details.menu-group', { hasText: '待遇兑现' });
  assert.equal(await area.locator('summary.active').count(), 1, 'the area of the page shown is marked');
  assert.equal(await page.locator('header nav a[href="/fund"]').isVisible(), false, 'closed until opened');
  await area.locator('summary').click();
  assert.equal(await page.locator('header nav a[href="/fund"]').isVisible(), true);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('header nav a[href="/fund"]')]);
  assert.equal(new URL(page.url()).pathname, '/fund');
  for (const path of ['/benefits/due', '/talents', '/fund/batches', '/meetings', '/applications']) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow} px wider than 1280 px`);
  }
}));

test('a short menu stays flat', withPage(env, async ({ page }) => {
  await login(page, 'talent');
  assert.equal(await page.locator('header nav details').count(), 0);
  assert.equal(await page.locator('header nav a[href="/me/benefits"]').isVisible(), true);
}));
