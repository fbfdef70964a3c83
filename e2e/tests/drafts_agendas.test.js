// Drafts and agendas (issue 12). A unit deletes its plan draft never submitted, after a
// confirmation; a plan withdrawn while on a meeting's agenda leaves it (shown 已撤下 with why),
// and the leading group is offered no 同意/不同意 for it. Demo data: the unit's
// “第二批引进计划（草稿）”, and the plan on meeting 第3次 (held today).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

test('the unit deletes its draft after a confirmation; 取消 keeps it', withPage(env, async ({ page }) => {
  await login(page, 'unit');
  await page.goto('/plans');
  const draft = page.locator('main a:has-text("第二批引进计划（草稿）")').first();
  const href = await draft.getAttribute('href');
  await page.goto(href);
  const remove = page.locator('#delete-draft button');
  assert.equal(await remove.count(), 1, 'a draft never submitted offers 删除草稿');

  let question = '';
  page.once('dialog', (d) => { question = d.message(); d.dismiss(); });
  await remove.click();
  await page.waitForTimeout(300);
  assert.match(question, /^确定删除草稿“.*第二批引进计划（草稿）”？删除后不能恢复。$/);
  assert.equal(new URL(page.url()).pathname, href, 'nothing happened');

  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), remove.click()]);
  assert.equal(new URL(page.url()).pathname, '/plans');
  assert.match(await page.textContent('main'), /草稿已删除/);
  assert.equal(await page.locator(`main a[href="${href}"]`).count(), 0, 'gone from the list');

  // A plan that went up the chain offers no deletion.
  await page.goto('/plans');
  const submitted = await page.locator('main a:has-text("人才引进计划")').first().getAttribute('href');
  await page.goto(submitted);
  assert.equal(await page.locator('#delete-draft').count(), 0);
}));

test('a plan withdrawn from 第3次 leaves its agenda; no 同意/不同意 is offered for it', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/meetings');
  await Promise.all([page.waitForNavigation(), page.locator('main a:has-text("第3次")').first().click()]);
  const meeting = new URL(page.url()).pathname;
  const item = page.locator('section.agenda-item:has(h3:has-text("年度引进计划审定"))');
  assert.equal(await item.count(), 1, 'the plan is on the agenda');
  const agendaId = await item.getAttribute('id');
  const record = await item.locator('a:has-text("审批记录")').first().getAttribute('href');

  await page.goto(record);
  await page.fill('#wf-reason', '单位申请调整岗位后再报');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form.act-form button[name="action"][value="withdraw"]'),
  ]);

  await page.goto(meeting);
  const removed = page.locator(`#${agendaId} .decision.removed`);
  assert.equal(await removed.count(), 1, 'the item is marked 已撤下');
  assert.match(await removed.textContent(), /已撤下.*单位申请调整岗位后再报/);

  await login(page, 'leader');
  await page.goto(meeting);
  assert.equal(await page.locator(`#${agendaId} form.decision-form`).count(), 0, 'no decision for it');
  assert.ok(await page.locator('form.decision-form').count() >= 1, 'the other items are still decided');
}));
