// The applicant's side (issue 12): the progress of a first application reads 提交报名 (not
// “发起 | 待提交（补正）”) at 390 px, with one number, the application's; the letter offers
// 接受 and 放弃 without the staff's comment box; and a form sent after the session expired
// keeps what was typed: the login brings the user back and the page fills it in again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot, DEMO_PASSWORD } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

test('at 390 px the first progress row reads 提交报名, with the application’s number only', withPage(env, async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'hemin');
  await page.goto('/me/applications');
  const card = page.locator('article.application').first();
  const first = card.locator('#workflow .history tbody tr').first();
  const row = (await first.textContent()).replace(/\s+/g, ' ');
  assert.match(row, /提交报名/);
  assert.doesNotMatch(row, /发起|待提交（补正）/);
  const number = (await card.locator('.application-number').textContent()).trim();
  assert.match(number, /^\d+$/);
  const text = await card.textContent();
  assert.doesNotMatch(text, /事项\s*#/, 'no second number');
  const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(width <= 390, `the page fits the phone (${width} px)`);
  await screenshot(page, 'mobile-390-applicant-progress');
}));

test('the letter offers 接受 and 放弃, never the staff comment box', withPage(env, async ({ page }) => {
  await login(page, 'wanglei');
  await page.goto('/me/applications');
  assert.equal(await page.locator('#wf-reason').count(), 0, 'no staff comment box');
  assert.equal(await page.locator('form.act-form button[value="approve"]').count(), 1, '接受意向书');
  await page.click('details.decline summary');
  assert.ok(await page.locator('#wf-decline-reason').isVisible(), '放弃 has its own reason');
}));

/** Clears the session cookie (as an expiry does), sends the form, logs in on the login page it lands on. */
async function expireSendAndLogIn(page, context, button, username) {
  await context.clearCookies();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(button)]);
  assert.equal(new URL(page.url()).pathname, '/login', 'the expired session asks to log in');
  assert.ok(await page.locator('#kept-form-notice').isVisible(), 'the login page says the content is kept');
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
}

test('the 登记表 sent after the session expired is filled in again after login', withPage(env, async ({ page, context }) => {
  await login(page, 'talent');
  await page.goto('/me/profile');
  await page.fill('#name', '林晓');
  await page.fill('#phone', '13812345678');
  await page.fill('#qualifications', '注册会计师');
  await page.fill('#projects', '口岸物流研究，三年');
  await expireSendAndLogIn(page, context, 'form[action="/me/profile"] button[type="submit"]', 'talent');
  assert.equal(new URL(page.url()).pathname, '/me/profile', 'back on the form');
  assert.ok(await page.locator('#kept-form-restored').isVisible(), 'the page says it filled the form in');
  assert.equal(await page.inputValue('#name'), '林晓');
  assert.equal(await page.inputValue('#phone'), '13812345678');
  assert.equal(await page.inputValue('#qualifications'), '注册会计师');
  assert.equal(await page.inputValue('#projects'), '口岸物流研究，三年');
  // Once only: the next visit shows the stored form.
  await page.goto('/me/profile');
  assert.equal(await page.locator('#kept-form-restored').count(), 0);
}));

test('the plan form sent after the session expired is filled in again after login', withPage(env, async ({ page, context }) => {
  await login(page, 'unit');
  await page.goto('/plans/new');
  await page.fill('#title', '会话超时测试计划');
  await page.fill('#note', '超时前填写的说明');
  await page.locator('input[name="pos_title"]').first().fill('跨境电商分析师');
  await expireSendAndLogIn(page, context, 'form.card button[type="submit"]', 'unit');
  assert.equal(new URL(page.url()).pathname, '/plans/new', 'back on the form');
  assert.ok(await page.locator('#kept-form-restored').isVisible());
  assert.equal(await page.inputValue('#title'), '会话超时测试计划');
  assert.equal(await page.inputValue('#note'), '超时前填写的说明');
  assert.equal(await page.locator('input[name="pos_title"]').first().inputValue(), '跨境电商分析师');
}));
