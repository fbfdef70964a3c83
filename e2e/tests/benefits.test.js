// Issue 5: the benefit pages walked in the browser, role by role. A talent in service for a
// year → coordination office sees the installments due city-wide (到期待遇), the unassessed
// ones refused with the reason → unit records the year's assessment, the office files it →
// the office starts the release of one installment and puts it on a leading-group meeting →
// the leading group approves it with a 批复文号 → the office issues the certificate (证明,
// A4) → finance sees the fund (budgets, growth, balances), puts the installment in a payment
// batch, pays it and exports the batch to Excel → the 10-year projection with a departure
// rate (and a bad rate refused) → the talent sees 我的待遇 → the office's housing register
// refuses a unit smaller than the talent's entitlement.
//
// The demo has nothing due that is not released yet (高峰's years 1-2 are released, later
// years are not due), so the first step makes a talent of its own over the JSON API, fast:
// a plan with one position (through 主管部门, 协调办 and a meeting), a candidate with a
// provincial honour (第十条第（二）项) who applies, is passed, accepts the letter, is decided
// in the meeting, and whose contract started a year and a week ago — so the first service
// year's money is due today. Everything after that is done in the browser.
//
// Each step is its own test on a fresh browser context; they share what earlier steps
// created (ids) and are skipped once a step has failed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { useServerAndBrowser, withPage, login, screenshot, apiToken, DEMO_PASSWORD } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

// ---- helpers ---------------------------------------------------------------------------

/** A 身份证号 with the GB 11643 check character computed for the 17 given digits. */
function citizenId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** Today in Beijing, YYYY-MM-DD (the server's "today"). */
function beijingToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** An ISO date plus some days / years (UTC arithmetic on a civil date). */
function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function addYears(iso, years) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

/** Click something that submits a form and wait for the page that comes back. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Press a workflow button (the `_workflow_panel.html` form) inside `scope`. */
async function act(page, action, scope = 'main') {
  await submit(page, `${scope} form.act-form button[name="action"][value="${action}"]`);
}

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

/** A table row's cells, each trimmed, joined with " | ". */
async function rowText(locator) {
  return (await locator.locator(':scope > td').allTextContents()).map((c) => c.replace(/\s+/g, ' ').trim()).join(' | ');
}

/** A regular expression matching `s` literally. */
function re(s) {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** A JSON API call with a bearer token; throws with the answer unless it is 2xx. */
async function api(method, path, token, body) {
  const res = await fetch(`${env.server.baseUrl}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.text();
  if (!res.ok) throw new Error(`${method} /api${path}: ${res.status} ${answer}`);
  return answer ? JSON.parse(answer) : null;
}

// ---- what the walk creates, shared by the steps -------------------------------------------

const RUN = Date.now().toString(36).slice(-5);
const TODAY = beijingToday();
const YEAR = Number(TODAY.slice(0, 4));
// Service started a year and a week ago: the first service year's money fell due a week ago.
const START = addDays(addYears(TODAY, -1), -7);
const TALENT = { username: `e2e.han.${RUN}`, name: '韩立新', password: 'Talent#2026xy' };
const ASSESSMENT_DOC = `口岸研考〔${YEAR}〕E${RUN}号`;
const MEETING_NUMBER = `E2E-B${RUN}`;
const RELEASE_RESOLUTION = `阿人才领字〔${YEAR}〕R${RUN}号`;
const HOUSE = `阿拉山口市友谊路 8 号人才公寓 3 栋 ${RUN} 室`;

const flow = {};
let failed = false;

/** A step of the walk: skipped once an earlier step failed. */
function step(name, body) {
  test(name, async (t) => {
    if (failed) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await withPage(env, body)(t);
    } catch (err) {
      failed = true;
      throw err;
    }
  });
}

// ---- the walk ----------------------------------------------------------------------------

step('0 (setup over the API) a talent whose first service year fell due a week ago', async () => {
  const [unit, dept, coord, leader] = await Promise.all(
    ['unit', 'dept', 'coord', 'leader'].map((u) => apiToken(env.server.baseUrl, u, DEMO_PASSWORD)),
  );
  // A plan with one position, through 主管部门 and 协调办, decided in a meeting, published.
  let plan = await api('POST', '/plans', unit, {
    year: YEAR,
    title: `端到端测试待遇计划 ${RUN}`,
    note: '端到端测试',
    positions: [{
      title: `口岸物流首席研究员 ${RUN}`, openings: 1, field: '物流工程', mode: 'recruit',
      min_degree: 'master', majors: '物流工程', min_title: 'none',
    }],
  });
  const actOnPlan = async (token, action) => {
    const p = await api('GET', `/plans/${plan.id}`, token);
    await api('POST', `/workflow/${p.workflow_item_id}/act`, token, { action, version: p.workflow_version });
  };
  await actOnPlan(unit, 'submit');
  await actOnPlan(dept, 'approve');
  await actOnPlan(coord, 'approve');
  const meeting = await api('POST', '/meetings', coord, {
    number: `E2E-S${RUN}`, title: '人才工作领导小组会议（端到端测试准备）', held_on: TODAY,
  });
  const decide = async (workflowItem, resolution) => {
    const agenda = await api('POST', `/meetings/${meeting.id}/agenda`, coord, { items: [workflowItem] });
    await api('POST', `/meetings/${meeting.id}/agenda/${agenda.id}/decision`, leader, {
      action: 'approve', resolution_number: resolution,
    });
  };
  plan = await api('GET', `/plans/${plan.id}`, coord);
  await decide(plan.workflow_item_id, `阿人才领字〔${YEAR}〕P${RUN}号`);
  plan = await api('GET', `/plans/${plan.id}`, coord);
  await api('PUT', `/plans/${plan.id}/announcement`, coord, {
    title: `端到端测试引进公告 ${RUN}`, body: '端到端测试：面向社会公开引进口岸物流人才。',
    open_date: TODAY, close_date: addDays(TODAY, 30), version: plan.version,
  });
  await actOnPlan(coord, 'publish');
  const position = (await api('GET', `/plans/${plan.id}`, coord)).positions[0];

  // The candidate: 985 doctor, 副高, 省部级有突出贡献的专家 (第十条第（二）项).
  await api('POST', '/auth/register', null, {
    username: TALENT.username, display_name: TALENT.name, password: TALENT.password, password_confirm: TALENT.password,
  });
  const me = await apiToken(env.server.baseUrl, TALENT.username, TALENT.password);
  await api('PUT', '/me/profile', me, {
    name: TALENT.name, id_type: 'citizen_id', id_number: citizenId('65270219850611031'), phone: '13955551234',
    email: 'hanlixin@example.com', gender: 'male',
    education: [{
      degree: 'doctor', institution: '武汉大学', major: '物流工程', full_time: true, school_tier: '985',
      graduation_year: '2012',
    }],
    title: 'vice_senior', honours: ['provincial_expert'], projects: '口岸物流数字化研究',
  });
  const application = (await api('POST', '/applications', me, { position_id: position.id })).id;
  assert.equal((await api('GET', `/applications/${application}`, coord)).category, 2);
  const actOnApplication = async (token, action) => {
    const a = await api('GET', `/applications/${application}`, token);
    await api('POST', `/workflow/${a.item_id}/act`, token, { action, version: a.item_version });
  };
  const items = Object.fromEntries(
    ['identity', 'degree', 'title', 'qualifications', 'no_record'].map((k) => [k, { checked: true, note: '' }]),
  );
  await api('PUT', `/applications/${application}/checklist`, coord, { items });
  await actOnApplication(coord, 'approve');
  await api('POST', `/applications/${application}/letter`, coord, {});
  await actOnApplication(coord, 'submit');
  const mine = (await api('GET', '/me/applications', me)).find((a) => a.id === application);
  await api('POST', `/workflow/${mine.item_id}/act`, me, { action: 'approve', version: mine.item_version });
  await decide(mine.item_id, `阿人才领字〔${YEAR}〕H${RUN}号`);
  await api('PUT', `/applications/${application}/procedure`, unit, {
    contract_number: `口岸研聘〔${YEAR - 1}〕E${RUN}号`, signed_on: addDays(START, -10), start_date: START,
    end_date: addDays(addYears(START, 5), -1), term_years: '5', probation_months: '6',
  });
  await actOnApplication(unit, 'submit');
  await actOnApplication(coord, 'approve');

  const benefits = await api('GET', '/me/benefits', me);
  flow.talentId = benefits.talent_id;
  const rows = benefits.installments.map((i) => ({ ...i.installment, stage: i.stage }));
  const year1 = rows.filter((i) => i.service_year === 1);
  flow.living = year1.find((i) => i.benefit_code === 'living_subsidy')?.id;
  flow.settlement = year1.find((i) => i.benefit_code === 'settlement_allowance')?.id;
  assert.ok(flow.talentId && flow.living && flow.settlement,
    `the talent has year-1 生活补贴 and 安家费: ${JSON.stringify(rows.map((i) => i.benefit_code))}`);
  assert.deepEqual(year1.map((i) => i.stage), ['due', 'due']);
});

step('1 coordination office: 到期待遇 lists the due installments, the unassessed ones refused with why', async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/benefits/due');
  assert.equal(await text(page, 'main h1'), '到期待遇');
  for (const id of [flow.living, flow.settlement]) {
    const row = `#installment-${id}`;
    const cells = await rowText(page.locator(row));
    assert.match(cells, re(TALENT.name));
    assert.match(cells, /第 1 年/);
    assert.match(cells, /待年度考核/);
    assert.match(cells, /未提请/);
    assert.equal(await page.locator(`${row} input[name="installment"]`).count(), 0, 'no box to tick');
    const why = await page.getAttribute(`${row} span[title]`, 'title');
    assert.match(why, /考核：第 1 个服务年度的考核结果尚未录入备案/, `the reason is given: ${why}`);
  }
  assert.match(await rowText(page.locator(`#installment-${flow.living}`)), /生活补贴 \| 第十三条第㈡项 .* \| 24,000\.00 \|/);
  assert.match(await rowText(page.locator(`#installment-${flow.settlement}`)), /安家费 \| 第十四条第㈢项 .* \| 100,000\.00 \|/);
  await screenshot(page, 'benefits-01-due-coord');

  // Asking for a release with nothing ticked is refused, in Chinese, on the same page.
  await submit(page, '#start-releases button[type="submit"]');
  assert.equal(pathOf(page), '/benefits/releases');
  assert.match(await text(page, '#start-releases small.field-error'), /待遇：请至少选择一笔到期待遇/);
});

step('2 unit (李华) records the first service year\'s assessment', async ({ page }) => {
  await login(page, 'unit');
  await page.goto('/assessments');
  // A service year out of range: refused next to the field, the rest kept.
  await page.selectOption('#talent_id', String(flow.talentId));
  await page.fill('#service_year', '0');
  await page.selectOption('#result', 'passed');
  await page.fill('#document_number', ASSESSMENT_DOC);
  await page.fill('#document_date', TODAY);
  await submit(page, '#assessment-form button[type="submit"]');
  assert.match(await text(page, '#service_year ~ small.field-error'), /服务年度：请填写 1 到 30 之间的整数/);
  assert.equal(await page.getAttribute('#service_year', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#document_number'), ASSESSMENT_DOC);

  await page.fill('#service_year', '1');
  await submit(page, '#assessment-form button[type="submit"]');
  assert.equal(pathOf(page), '/assessments');
  const row = page.locator('table#assessments tbody tr', { hasText: ASSESSMENT_DOC });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /韩立新.*第 1 年.*合格.*单位已录入，待协调办备案/s);
  await screenshot(page, 'benefits-02-assessments-unit');
});

step('3 coordination office files the assessment and starts the release of the 生活补贴', async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/assessments?status=recorded');
  const row = page.locator('table#assessments tbody tr', { hasText: ASSESSMENT_DOC });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), row.locator('button[type="submit"]').click()]);
  await page.goto('/assessments');
  assert.match(await page.locator('table#assessments tbody tr', { hasText: ASSESSMENT_DOC }).textContent(),
    /协调办已备案/);

  await page.goto('/benefits/due');
  for (const id of [flow.living, flow.settlement]) {
    assert.match(await text(page, `#installment-${id}`), /应发放/);
    assert.equal(await page.locator(`#installment-${id} input[name="installment"]`).count(), 1);
  }
  await page.check(`#installment-${flow.living} input[name="installment"]`);
  await submit(page, '#start-releases button[type="submit"]');
  const outcome = await text(page, '#outcomes');
  assert.match(outcome, new RegExp(`待遇 ${flow.living}：已提请`), outcome);
  const href = await page.getAttribute('#outcomes a[href^="/workflow/"]', 'href');
  flow.releaseItem = Number(/\/workflow\/(\d+)/.exec(href)[1]);
  assert.match(await text(page, `#installment-${flow.living}`), /协调办提请/);
  // The 安家费 was not ticked: it can still be started.
  assert.equal(await page.locator(`#installment-${flow.settlement} input[name="installment"]`).count(), 1);
});

step('4 coordination office puts the release on a leading-group meeting\'s agenda', async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/meetings');
  await page.fill('#number', MEETING_NUMBER);
  await page.fill('#title', '人才工作领导小组会议（审定待遇发放，端到端测试）');
  await page.fill('#held_on', TODAY);
  await submit(page, '#new-meeting button[type="submit"]');
  const m = /^\/meetings\/(\d+)$/.exec(pathOf(page));
  assert.ok(m, `the new meeting opens its page, not ${page.url()}`);
  flow.meetingId = Number(m[1]);

  await page.check(`#item-${flow.releaseItem}`);
  await submit(page, '#add-agenda button[type="submit"]');
  const a = /#agenda-(\d+)$/.exec(page.url());
  assert.ok(a, `back on the meeting at the new agenda item, not ${page.url()}`);
  flow.agenda = Number(a[1]);
  const agenda = await text(page, `#agenda-${flow.agenda}`);
  assert.match(agenda, /待遇发放审批/);
  assert.match(agenda, /待决定/);
});

step('5 leading group (刘强) approves the release with a 批复文号', async ({ page }) => {
  await login(page, 'leader');
  await page.goto(`/meetings/${flow.meetingId}`);
  const agenda = `#agenda-${flow.agenda}`;
  assert.match(await text(page, agenda), /领导小组审议/);
  await page.fill(`#res-${flow.agenda}`, RELEASE_RESOLUTION);
  await page.fill(`#reason-${flow.agenda}`, '第一个服务年度考核合格，同意兑现');
  await submit(page, `${agenda} button[name="action"][value="approve"]`);
  assert.equal(await text(page, `${agenda} .resolution`), RELEASE_RESOLUTION);
  assert.match(await text(page, `${agenda} .decision`), /同意/);
  assert.match(await text(page, agenda), /已批复，待出具证明/);
  await screenshot(page, 'benefits-03-meeting-leader');
});

step('6 coordination office issues the certificate (证明): number, article, amount on an A4 sheet', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/workflow/${flow.releaseItem}`);
  assert.equal(await text(page, '#wf-state'), '已批复，待出具证明');
  assert.match(await text(page, '#workflow'), re(RELEASE_RESOLUTION));
  await act(page, 'submit');
  assert.equal(await text(page, '#wf-state'), '已出具证明');

  await page.goto('/benefits/due');
  const row = `#installment-${flow.living}`;
  assert.match(await text(page, row), re(RELEASE_RESOLUTION));
  const link = page.locator(`${row} a[href="/installments/${flow.living}/certificate"]`);
  flow.certificateNumber = (await link.textContent()).trim();
  assert.match(flow.certificateNumber, new RegExp(`^阿人才证〔${YEAR}〕\\d+号$`));
  await Promise.all([page.waitForNavigation(), link.click()]);

  assert.equal(pathOf(page), `/installments/${flow.living}/certificate`);
  assert.equal(await text(page, '#certificate h1'), '证明');
  assert.equal(await text(page, '#certificate-number'), flow.certificateNumber);
  const sheet = await text(page, '#certificate');
  assert.match(sheet, re(TALENT.name));
  assert.match(sheet, /阿拉山口市口岸经济研究中心/);
  assert.match(sheet, /第十三条第㈡项/, 'the article in Chinese');
  assert.match(sheet, /第 1 个服务年度.*考核合格/);
  assert.match(sheet, re(RELEASE_RESOLUTION));
  assert.equal(await text(page, '#amount'), '人民币 24,000.00 元（大写：贰万肆仟元整）');
  // An A4 sheet: 210 mm wide at 96 dpi.
  const box = await page.locator('#certificate').boundingBox();
  assert.ok(Math.abs(box.width - 793.7) < 2, `the sheet is 210 mm wide, not ${box.width}px`);
  await screenshot(page, 'benefits-04-certificate');
});

step('7 finance (孙丽) sees the fund, batches the certified installment, pays it and exports the batch', async ({ page }) => {
  await login(page, 'finance');
  await page.goto('/fund');
  const budgets = page.locator('table#budgets tbody tr');
  const yearRow = (y) => budgets.filter({ has: page.locator('td:first-child', { hasText: String(y) }) });
  const thisYear = (await yearRow(YEAR).textContent()).replace(/\s+/g, ' ');
  assert.match(thisYear, /20,000,000\.00/, 'this year\'s budget');
  assert.match(thisYear, /4,000,000\.00（25\.00%）/, 'growth over last year');
  assert.match((await yearRow(YEAR - 1).textContent()).replace(/\s+/g, ' '), /16,000,000\.00/);
  // The leading group's approval committed the money against the budget of the year it fell due.
  const cells = async (y) => (await yearRow(y).locator('td').allTextContents()).map((c) => c.trim());
  const dueYear = Number(addYears(START, 1).slice(0, 4));
  const fen = (s) => Number(s.replace(/[,.]/g, ''));
  const balances = async () => {
    const [, budget, , committed, paid, available] = (await cells(dueYear)).map(fen);
    assert.equal(available, budget - committed - paid, `${dueYear}: available = budget − committed − paid`);
    return { committed, paid };
  };
  const before = await balances();
  assert.ok(before.committed >= 2_400_000, `the approved 24,000.00 is committed in ${dueYear}`);
  await screenshot(page, 'benefits-05-fund-finance');

  await page.goto('/fund/batches');
  const box = `input[name="installment"][value="${flow.living}"]`;
  assert.match(await rowText(page.locator('#releasable tbody tr', { has: page.locator(box) })),
    new RegExp(`${TALENT.name} .* \\| 24,000\\.00 \\| ${re(RELEASE_RESOLUTION).source} \\| ${re(flow.certificateNumber).source}$`));
  await page.check(`#releasable ${box}`);
  await page.fill('#note', `端到端测试支付批次 ${RUN}`);
  await submit(page, '#new-batch button[type="submit"]');
  const b = /^\/fund\/batches\/(\d+)$/.exec(pathOf(page));
  assert.ok(b, `the new batch opens its page, not ${page.url()}`);
  flow.batchId = Number(b[1]);
  const items = await text(page, '#batch-items');
  assert.match(items, re(TALENT.name));
  assert.match(items, /24,000\.00/);
  assert.match(items, re(flow.certificateNumber));

  // Paying asks first, with what it will pay; dismissing the question pays nothing.
  let question = '';
  page.once('dialog', (d) => { question = d.message(); d.dismiss(); });
  await page.click('#pay-batch button[type="submit"]');
  await page.waitForTimeout(300);
  assert.match(question, /确定支付本批次？将逐笔支付尚未支付的 1 笔，合计 ¥24,000\.00；支付后不能撤销。/);
  assert.equal(pathOf(page), `/fund/batches/${flow.batchId}`);
  assert.doesNotMatch(await text(page, '#batch-items'), /已支付/, 'nothing paid after 取消');
  page.once('dialog', (d) => d.accept());
  await submit(page, '#pay-batch button[type="submit"]');
  assert.match(await text(page, '#pay-result'), /本次支付 1 笔，合计 ¥24,000\.00/);
  assert.match(await text(page, '#batch-items'), /已支付/);
  assert.equal(await page.locator('#pay-batch').count(), 0, 'nothing left to pay');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const bytes = await readFile(await download.path());
  assert.ok(bytes.length > 100, `the workbook has content (${bytes.length} bytes)`);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip file');

  // Paid: the commitment became a payment.
  await page.goto('/fund');
  const afterPay = await balances();
  assert.deepEqual(afterPay, { committed: before.committed - 2_400_000, paid: before.paid + 2_400_000 });
});

step('8 finance opens the 10-year projection with a departure rate; a bad rate is refused', async ({ page }) => {
  await login(page, 'finance');
  await page.goto('/fund');
  await submit(page, 'main a[href="/fund/projection"]');
  assert.equal(pathOf(page), '/fund/projection');
  const rate = '#projection-form input[name="departure_rate"]';
  await page.fill(rate, '50');
  await submit(page, '#projection-form button[type="submit"]');
  assert.equal(new URL(page.url()).searchParams.get('departure_rate'), '50');
  assert.equal(await page.inputValue(rate), '50');
  assert.match(await text(page, 'ul.figures'), /年离职率 50 ‰/);
  // ECharts draws the chart (this page uses its SVG renderer) from the JSON in the page.
  await page.waitForSelector('#projection-chart svg');
  assert.ok(await page.evaluate(() => Boolean(window.echarts?.getInstanceByDom(document.getElementById('projection-chart')))),
    'an ECharts instance on #projection-chart');
  assert.equal(await page.locator('#projection-years tbody tr').count(), 10, 'ten years');
  assert.match(await text(page, '#projection-years tbody tr:first-child'), new RegExp(`^${YEAR} `));
  assert.match(await text(page, '#projection-kinds'), /生活补贴/);
  assert.match(await text(page, '#projection-units'), /阿拉山口市口岸经济研究中心/);
  await screenshot(page, 'benefits-06-projection');

  await page.fill(rate, '2000');
  await submit(page, '#projection-form button[type="submit"]');
  assert.match(await text(page, '#departure_rate-error'), /年离职率：“2000”超出范围，请填写 0 至 1000 之间的整数/);
  assert.equal(await page.getAttribute(rate, 'aria-invalid'), 'true');
  assert.equal(await page.inputValue(rate), '2000', 'the typed value is kept');
  assert.equal(await page.locator('#projection-chart').count(), 0, 'no chart for a refused rate');
});

step('9 the talent sees 我的待遇: paid, due and not yet due, with the articles', async ({ page }) => {
  await login(page, TALENT.username, TALENT.password);
  await page.goto('/me/benefits');
  const summary = await page.locator('#summary tbody td').allTextContents();
  // 5 × 24,000 生活补贴 + 100,000 安家费; year 1's 生活补贴 paid, its 安家费 due, years 2-5 pending.
  assert.deepEqual(summary.map((s) => s.trim()), ['220,000.00 元', '100,000.00 元', '24,000.00 元', '96,000.00 元']);
  const rows = page.locator('#installments tbody tr');
  const paid = rows.filter({ hasText: '已发放' });
  assert.equal(await paid.count(), 1);
  assert.match(await paid.textContent(), /生活补贴.*第十三条第㈡项.*第 1 年/s);
  assert.equal((await paid.locator('a').textContent()).trim(), flow.certificateNumber);
  const due = rows.filter({ hasText: '已到期，待发放' });
  assert.equal(await due.count(), 1);
  assert.match(await due.textContent(), /安家费.*第十四条第㈢项/s);
  assert.equal(await rows.filter({ hasText: '未到期' }).count(), 4);
  assert.match(await text(page, '#other-benefits'), /（第十五条）/);
  await screenshot(page, 'benefits-07-me-benefits-talent');

  // The talent can open their own certificate.
  await Promise.all([page.waitForNavigation(), paid.locator('a').click()]);
  assert.equal(await text(page, '#certificate-number'), flow.certificateNumber);
});

step('10 coordination office: the housing register lists units; a too-small unit is refused', async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/housing');
  await page.fill('#address', HOUSE);
  await page.fill('#area', '90');
  await page.fill('#note', '端到端测试');
  await submit(page, '#unit-form button[type="submit"]');
  const added = new URL(page.url()).searchParams.get('added');
  assert.ok(added, `back on the register after adding, not ${page.url()}`);
  const unit = page.locator('#housing-units tbody tr', { hasText: HOUSE });
  assert.equal(await unit.count(), 1, 'the unit is listed');
  assert.match(await rowText(unit), /\| 90 \| 空闲 \|/);

  // 韩立新 (第十条第（二）项) is entitled to 120 m²: a 90 m² unit is refused, and says why.
  await page.selectOption('#unit_id', added);
  await page.selectOption('#talent_id', String(flow.talentId));
  await page.fill('#start_date', TODAY);
  await submit(page, '#allocate-form button[type="submit"]');
  const err = await text(page, '#unit_id ~ small.field-error');
  assert.match(err, new RegExp(`住房：${re(HOUSE).source} 面积 90 平方米，小于 ${TALENT.name} 按第十四条.*应享受的 120 平方米`), err);
  assert.equal(await page.getAttribute('#unit_id', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#talent_id'), String(flow.talentId), 'the typed talent is kept');
  assert.equal(await page.locator('#housing-allocations tbody tr', { hasText: HOUSE }).count(), 0, 'nothing allocated');
  await screenshot(page, 'benefits-08-housing-coord');
});

// The demo's 高峰 (gaofeng, category 4 on the reviewer's finding of research results) has
// money at every stage: year 1 paid in a batch, year 2 certified, later years scheduled.
test('高峰 (demo) sees money at every stage on 我的待遇', withPage(env, async ({ page }) => {
  await login(page, 'gaofeng');
  await page.goto('/me/benefits');
  await screenshot(page, 'benefits-09-me-benefits-gaofeng');
  const [entitled, due, paid, pending] = (await page.locator('#summary tbody td').allTextContents()).map((s) => s.trim());
  assert.notEqual(entitled, '0.00 元', 'entitled');
  assert.notEqual(paid, '0.00 元', 'year 1 paid');
  assert.notEqual(due, '0.00 元', 'year 2 certified, waiting for finance');
  assert.notEqual(pending, '0.00 元', 'later years scheduled');
}));
