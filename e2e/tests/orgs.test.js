// Organisations: a unit user sees only its own unit; the system admin creates one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, apiToken, apiGet, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

const OWN_UNIT = '阿拉山口市口岸经济研究中心'; // the demo `unit` account's organisation

test('a unit user sees only its own unit, and another unit is a Chinese 404', withPage(env, async ({ page, baseUrl }) => {
  // Another unit's id, looked up through the API as the coordination office.
  const token = await apiToken(baseUrl, 'coord');
  const units = await apiGet(baseUrl, token, '/api/orgs?kind=city_unit');
  assert.ok(units.rows.length > 1, 'the demo data has several city units');
  const own = units.rows.find((r) => r.name === OWN_UNIT);
  const other = units.rows.find((r) => r.name !== OWN_UNIT);
  assert.ok(own, `${OWN_UNIT} is among the city units`);

  await login(page, 'unit');
  const res = await page.goto('/orgs');
  assert.equal(res.status(), 200);
  const rows = page.locator('table#orgs tbody tr');
  assert.equal(await rows.count(), 1, 'the unit user sees exactly one organisation');
  assert.match(await rows.first().textContent(), new RegExp(OWN_UNIT));
  assert.equal(await page.locator('a[href="/orgs/new"]').count(), 0, 'no 新建机构 for a unit user');

  // Its own unit opens ...
  const ownRes = await page.goto(`/orgs/${own.id}`);
  assert.equal(ownRes.status(), 200);
  assert.match(await page.textContent('main'), new RegExp(OWN_UNIT));

  // ... another unit does not exist for it.
  const otherRes = await page.goto(`/orgs/${other.id}`);
  assert.equal(otherRes.status(), 404);
  assert.equal((await page.textContent('.error-page h1')).trim(), '404');
  const message = await page.textContent('.error-page .alert');
  assert.match(message, /[\u4e00-\u9fff]/, `the 404 message is in Chinese: ${message}`);
  assert.doesNotMatch(await page.textContent('body'), new RegExp(other.name), 'the other unit\'s name leaks');
}));

test('sysadmin creates an organisation; an invalid credit code is refused first', withPage(env, async ({ page }) => {
  const name = '阿拉山口市端到端测试中心';
  await login(page, 'sysadmin');
  await page.goto('/orgs/new');
  assert.equal((await page.textContent('main h1')).trim(), '新建机构');

  // Wrong check character.
  await page.fill('#name', name);
  await page.selectOption('#kind', 'city_unit');
  await page.fill('#credit_code', '91110108MA01C3K5XX');
  const [bad] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.equal(bad.status(), 422);
  assert.match(await page.textContent('main .alert.error'), /统一社会信用代码/);
  assert.match(await page.locator('#credit_code ~ small.field-error').first().textContent(), /统一社会信用代码/);
  assert.equal(await page.inputValue('#name'), name, 'the typed name is kept');
  assert.equal(await page.inputValue('#credit_code'), '91110108MA01C3K5XX', 'the typed code is kept to be corrected');

  // Corrected.
  await page.fill('#credit_code', '91110108MA01C3K5XA');
  const [good] = await Promise.all([page.waitForNavigation(), page.click('main form button[type="submit"]')]);
  assert.equal(good.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/orgs\/\d+$/, `saved and shown at ${page.url()}`);
  assert.equal(await page.locator('main .alert.error').count(), 0);
  assert.match(await page.textContent('main'), /已保存/);
  assert.match(await page.textContent('main'), new RegExp(name));
  assert.match(await page.textContent('main'), /91110108MA01C3K5XA/);
  await screenshot(page, 'org-created');

  // And it is in the list.
  await page.goto(`/orgs?q=${encodeURIComponent(name)}`);
  assert.equal(await page.locator('table#orgs tbody tr').count(), 1);
}));
