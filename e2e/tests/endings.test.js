// Art. 27 (ADR 0010): ending a relation for cause is a proposal the leading group decides in a
// meeting, not a button. The coordination office drafts it from the demo talent 赵雪's
// evaluations page (a refusal keeps what was typed), submits it; the leader has no approve
// button outside the meeting; the meeting approves it with a 批复文号; the proposal then shows
// the recovery, and the unit's 弄虚作假 shows on the unit's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot, apiToken } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

function beijingToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

async function apiGetJson(path, token) {
  const res = await fetch(`${env.server.baseUrl}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

const RUN = Date.now().toString(36).slice(-5);
const TODAY = beijingToday();
const RESOLUTION = `阿人才领字〔${TODAY.slice(0, 4)}〕J${RUN}号`;
const flow = {};

test('the coordination office drafts an ending for 赵雪 and submits it', withPage(env, async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/talents?name=赵雪');
  await submit(page, 'main a:has-text("赵雪")');
  await submit(page, '#evaluations-link');
  assert.match(await text(page, '#endings'), /领导小组在会议上批准后/);
  await submit(page, '#propose-ending');
  await page.check('#cause-unit_fraud');
  await page.fill('#ended_on', TODAY);
  await page.fill('#reason', '单位伪造该人才的年度考核材料，经市协调办核实');
  await page.fill('#basis', `市协调办核实报告（E2E-${RUN}）`);
  await submit(page, '#ending-form button[type="submit"]');
  assert.match(await text(page, '.alert.error'), /责任人：用人单位弄虚作假须写明单位领导和有关责任人/);
  assert.equal(await page.inputValue('#basis'), `市协调办核实报告（E2E-${RUN}）`, 'what was typed is kept');
  await page.fill('#responsible', '李某（主任）、周某（人事科科长）');
  await submit(page, '#ending-form button[type="submit"]');
  flow.path = new URL(page.url()).pathname;
  assert.match(flow.path, /^\/endings\/\d+$/);
  assert.match(await text(page, '#state'), /协调办核实拟议/);
  assert.match(await text(page, '#recovery'), /领导小组批准后解除/);
  await screenshot(page, 'ending-01-draft-coord');
  await submit(page, 'main form.act-form button[name="action"][value="submit"]');
  assert.match(await text(page, '#state'), /领导小组审批/);
  const token = await apiToken(env.server.baseUrl, 'coord');
  const ending = await apiGetJson(`/endings/${flow.path.split('/')[2]}`, token);
  flow.item = ending.item_id;
  flow.org = ending.org_id;
  assert.equal(ending.state, 'group_decision');
}));

test('the leader has no way to approve it outside a meeting', withPage(env, async ({ page }) => {
  assert.ok(flow.item, 'the first step submitted the proposal');
  await login(page, 'leader');
  await page.goto(`/workflow/${flow.item}`);
  assert.equal(await page.locator('form.act-form button[value="approve"]').count(), 0);
  assert.match(await text(page, 'main'), /会议/);
}));

test('the meeting approves it; the benefits end and the unit is recorded', withPage(env, async ({ page }) => {
  assert.ok(flow.item, 'the first step submitted the proposal');
  await login(page, 'coord');
  await page.goto('/meetings');
  await page.fill('#number', `E2E-J${RUN}`);
  await page.fill('#title', '人才工作领导小组会议（因故解除，端到端测试）');
  await page.fill('#held_on', TODAY);
  await submit(page, '#new-meeting button[type="submit"]');
  flow.meeting = new URL(page.url()).pathname;
  await page.check(`#item-${flow.item}`);
  await submit(page, '#add-agenda button[type="submit"]');
  const n = /#agenda-(\d+)$/.exec(page.url())[1];
  assert.match(await text(page, `#agenda-${n}`), /因故解除/);

  await login(page, 'leader');
  await page.goto(flow.meeting);
  await page.fill(`#res-${n}`, RESOLUTION);
  await submit(page, `#agenda-${n} button[name="action"][value="approve"]`);
  assert.equal(await text(page, `#agenda-${n} .resolution`), RESOLUTION);
  assert.match(await text(page, `#agenda-${n}`), /已批准解除/);
  await screenshot(page, 'ending-02-meeting-leader');

  await login(page, 'coord');
  await page.goto(flow.path);
  assert.match(await text(page, '#state'), /已批准解除/);
  assert.equal(await text(page, '#resolution'), RESOLUTION);
  assert.match(await text(page, '#recovery'), /追回记录 \d+/);
  await page.goto(`/orgs/${flow.org}`);
  const record = await text(page, '#misconduct');
  assert.match(record, /周某（人事科科长）/);
  assert.match(record, new RegExp(RESOLUTION.replace(/[〔〕]/g, '.')));
  await screenshot(page, 'ending-03-unit-record-coord');
}));
