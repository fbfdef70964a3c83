// Issue 4, item 10: the whole introduction procedure walked in the browser, role by role.
// unit drafts a plan → 主管部门 → 协调办 → 领导小组 meeting (resolution number) → announcement
// → a new candidate registers, fills the 登记表 and applies → review returns it for 补正 →
// the candidate fixes and resubmits → passed → intent letter accepted → proposed-hire list
// decided → employment contract recorded → 协调办 confirms → the talent with entitlements.
//
// Each step is its own test on a fresh browser context; they share what earlier steps
// created (ids) and are skipped once a step has failed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, login, screenshot } from '../lib/server.js';

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

/** The workflow item id linked from the page's workflow panel. */
async function itemIdOn(page, scope = '#workflow') {
  const href = await page.getAttribute(`${scope} a[href^="/workflow/"] >> nth=0`, 'href');
  return Number(/\/workflow\/(\d+)/.exec(href)[1]);
}

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

/** A regular expression matching `s` literally. */
function re(s) {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

// ---- what the walk creates, shared by the steps -------------------------------------------

const RUN = Date.now().toString(36).slice(-5);
const PLAN_TITLE = `端到端测试引进计划 ${RUN}`;
const POSITION_TITLE = `口岸数字化研究员 ${RUN}`;
const ANNOUNCEMENT_TITLE = `口岸经济研究中心人才引进公告 ${RUN}`;
const MEETING_NUMBER = `E2E-${RUN}`;
const PLAN_RESOLUTION = `阿人才领字〔2026〕E${RUN}号`;
const HIRE_RESOLUTION = `阿人才领字〔2026〕H${RUN}号`;
const CANDIDATE = { username: `e2e.lin.${RUN}`, name: '林远航', password: 'Applicant#2026x' };
const ID_NUMBER = citizenId('65270219920315043');
const PHONE = '13766661234';
const TODAY = beijingToday();

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

step('1 unit (李华) drafts a plan with a position and submits it', async ({ page }) => {
  await login(page, 'unit');
  assert.equal(pathOf(page), '/workbench');
  await screenshot(page, 'intro-01-workbench-unit');

  await page.goto('/plans/new');
  await page.fill('#title', PLAN_TITLE);
  await page.fill('#note', '口岸数字化转型急需数据与物流复合型人才');
  const row = '#position-1';
  await page.fill(`${row} input[name="pos_title"]`, POSITION_TITLE);
  await page.fill(`${row} input[name="pos_openings"]`, '2');
  await page.fill(`${row} input[name="pos_field"]`, '口岸物流、数据分析');
  await page.selectOption(`${row} select[name="pos_mode"]`, 'recruit');
  await page.selectOption(`${row} select[name="pos_min_degree"]`, 'master');
  await page.fill(`${row} input[name="pos_majors"]`, '物流工程、统计学');
  await submit(page, 'main form button[type="submit"]');

  const m = /^\/plans\/(\d+)$/.exec(pathOf(page));
  assert.ok(m, `a saved plan opens its page, not ${page.url()}`);
  flow.planId = Number(m[1]);
  assert.equal(await text(page, '#plan-state'), '单位编制');
  assert.match(await text(page, 'table#positions'), new RegExp(POSITION_TITLE));
  flow.planItem = await itemIdOn(page);

  await act(page, 'submit');
  assert.equal(pathOf(page), `/plans/${flow.planId}`);
  assert.equal(await text(page, '#plan-state'), '主管部门审核');
  await screenshot(page, 'intro-02-plan-submitted');
});

step('2 department (王芳) approves the plan from its workbench task', async ({ page }) => {
  await login(page, 'dept');
  // The task opens the plan itself, its positions beside the decision.
  const task = page.locator(`#tasks a[href="/plans/${flow.planId}#workflow"]`);
  assert.equal(await task.count(), 1, 'the plan is a task on the department\'s workbench');
  await screenshot(page, 'intro-03-workbench-dept');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), task.click()]);
  assert.equal(pathOf(page), `/plans/${flow.planId}`);
  assert.match(await text(page, 'table#positions'), new RegExp(POSITION_TITLE));
  assert.equal(await text(page, '#wf-state'), '主管部门审核');
  await page.fill('#wf-reason', '岗位设置符合单位发展需要，同意上报');
  await act(page, 'approve');
  assert.equal(await text(page, '#wf-state'), '协调办初审');
});

step('3 coordination office (赵敏) approves the plan on its page', async ({ page }) => {
  await login(page, 'coord');
  assert.equal(await page.locator(`#tasks a[href="/plans/${flow.planId}#workflow"]`).count(), 1);
  await screenshot(page, 'intro-04-workbench-coord');
  await page.goto(`/plans/${flow.planId}`);
  assert.equal(await text(page, '#plan-state'), '协调办初审');
  await act(page, 'approve');
  assert.equal(await text(page, '#plan-state'), '领导小组审定');
});

step('4 coordination office convenes a meeting and puts the plan on its agenda', async ({ page }) => {
  await login(page, 'coord');
  await page.goto('/meetings');
  await page.fill('#number', MEETING_NUMBER);
  await page.fill('#title', '人才工作领导小组会议（端到端测试）');
  await page.fill('#held_on', TODAY);
  await submit(page, '#new-meeting button[type="submit"]');
  const m = /^\/meetings\/(\d+)$/.exec(pathOf(page));
  assert.ok(m, `the new meeting opens its page, not ${page.url()}`);
  flow.meetingId = Number(m[1]);
  assert.match(await text(page, 'main h1'), new RegExp(MEETING_NUMBER));

  await page.check(`#item-${flow.planItem}`);
  await page.fill('#agenda-title', `审定${PLAN_TITLE}`);
  await submit(page, '#add-agenda button[type="submit"]');
  const a = /#agenda-(\d+)$/.exec(page.url());
  assert.ok(a, `back on the meeting at the new agenda item, not ${page.url()}`);
  flow.planAgenda = Number(a[1]);
  assert.match(await text(page, `#agenda-${flow.planAgenda}`), /待决定/);
});

step('5 leading group (刘强) decides the plan: a resolution number is required', async ({ page }) => {
  await login(page, 'leader');
  await screenshot(page, 'intro-05-workbench-leader');
  await page.goto(`/meetings/${flow.meetingId}`);
  const agenda = `#agenda-${flow.planAgenda}`;
  assert.match(await text(page, agenda), new RegExp(PLAN_TITLE));

  // First without a number: the error sits next to the field, the reason typed is kept.
  await page.fill(`#reason-${flow.planAgenda}`, '同意该年度引进计划');
  await submit(page, `${agenda} button[name="action"][value="approve"]`);
  const err = await text(page, `#res-${flow.planAgenda} ~ small.field-error`);
  assert.match(err, /批复文号/, `the error names 批复文号: ${err}`);
  assert.equal(await page.getAttribute(`#res-${flow.planAgenda}`, 'aria-invalid'), 'true');
  assert.equal(await page.inputValue(`#reason-${flow.planAgenda}`), '同意该年度引进计划');
  assert.match(await text(page, agenda), /待决定/, 'nothing was decided');

  await page.fill(`#res-${flow.planAgenda}`, PLAN_RESOLUTION);
  await submit(page, `${agenda} button[name="action"][value="approve"]`);
  assert.equal(await text(page, `${agenda} .resolution`), PLAN_RESOLUTION);
  assert.match(await text(page, `${agenda} .decision`), /同意/);
  await screenshot(page, 'intro-06-meeting-plan-decided');

  // The plan shows the decision and its resolution number.
  await page.goto(`/plans/${flow.planId}`);
  assert.equal(await text(page, '#plan-state'), '已批准待发布');
  assert.match(await text(page, '#workflow'), re(PLAN_RESOLUTION));
});

step('6 coordination office sets the announcement and publishes it', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/plans/${flow.planId}`);
  await submit(page, `main a[href="/plans/${flow.planId}/announcement"]`);
  assert.equal(pathOf(page), `/plans/${flow.planId}/announcement`);
  await page.fill('#title', ANNOUNCEMENT_TITLE);
  await page.fill('#body', '面向海内外公开引进口岸数字化研究人才。报名请先注册并填写人才登记表。联系电话：0909-0000000。');
  await page.fill('#open_date', TODAY);
  await page.fill('#close_date', addDays(TODAY, 30));
  await submit(page, 'main form[action$="/announcement"] button[type="submit"]');
  assert.equal(pathOf(page), `/plans/${flow.planId}`);
  assert.match(await text(page, '#announcement'), new RegExp(ANNOUNCEMENT_TITLE));
  assert.match(await text(page, '#announcement'), /未发布/);

  await act(page, 'publish');
  assert.equal(await text(page, '#plan-state'), '已发布');
  assert.match(await text(page, '#announcement'), /已发布/);
  await screenshot(page, 'intro-07-plan-published');
});

step('7 the portal shows the announcement with its position open for applications', async ({ page }) => {
  await page.goto('/');
  const article = page.locator('#announcements article.announcement', { hasText: ANNOUNCEMENT_TITLE });
  assert.equal(await article.count(), 1, 'the announcement is listed on the portal');
  assert.match(await article.textContent(), /报名中/);
  const href = await article.locator('a[href^="/positions/"]').first().getAttribute('href');
  flow.positionId = Number(/\/positions\/(\d+)\/apply/.exec(href)[1]);

  await Promise.all([page.waitForNavigation(), article.locator(`a[href="/announcements/${flow.planId}"]`).click()]);
  assert.match(await text(page, 'main h1'), new RegExp(ANNOUNCEMENT_TITLE));
  assert.match(await text(page, 'table#positions'), new RegExp(POSITION_TITLE));
  await screenshot(page, 'intro-08-announcement');
});

step('8 a new candidate registers, fills the 登记表 and applies', async ({ page }) => {
  await page.goto('/register');
  await page.fill('#username', CANDIDATE.username);
  await page.fill('#display_name', CANDIDATE.name);
  await page.fill('#password', CANDIDATE.password);
  await page.fill('#password_confirm', CANDIDATE.password);
  await submit(page, 'form[action="/register"] button[type="submit"]');
  assert.equal(pathOf(page), '/workbench', 'registered and logged in');

  await page.goto('/me/profile');
  await page.fill('#name', CANDIDATE.name);
  await page.selectOption('#gender', 'male');
  await page.selectOption('#id_type', 'citizen_id');
  await page.fill('#id_number', ID_NUMBER);
  await page.fill('#phone', PHONE);
  await page.fill('#email', 'linyuanhang@example.com');
  await page.selectOption('select[name="edu_degree"] >> nth=0', 'doctor');
  await page.fill('input[name="edu_institution"] >> nth=0', '同济大学');
  await page.fill('input[name="edu_major"] >> nth=0', '交通运输工程');
  await page.selectOption('select[name="edu_full_time"] >> nth=0', 'yes');
  await page.selectOption('select[name="edu_tier"] >> nth=0', '985');
  await page.fill('input[name="edu_year"] >> nth=0', '2020');
  await page.selectOption('#title', 'none');
  await page.check('input[name="honours"][value="provincial_expert"]');
  await page.fill('#projects', '中欧班列口岸通关数据平台研究');
  await submit(page, 'form[action="/me/profile"] button[type="submit"]');
  assert.match(await text(page, 'main'), /已保存/);

  await page.goto(`/positions/${flow.positionId}/apply`);
  assert.match(await text(page, '#apply-status'), /报名/);
  await submit(page, `form[action="/positions/${flow.positionId}/apply"] button[type="submit"]`);
  assert.equal(pathOf(page), '/me/applications');
  const card = page.locator('article.application', { hasText: POSITION_TITLE });
  assert.equal(await card.count(), 1);
  flow.applicationId = Number((await card.getAttribute('id')).replace('application-', ''));
  assert.equal(await text(page, `#application-${flow.applicationId} .application-state`), '资格审查');
  await screenshot(page, 'intro-09-workbench-candidate-applied');
});

step('9 coordination office sees the category and returns the application for 补正', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/applications/${flow.applicationId}`);
  assert.equal(await text(page, '#application-state'), '资格审查');
  assert.match(await text(page, '#category-met'), /第十条/, 'the Art. 10 category is shown');
  assert.match(await text(page, '#category'), /省部级|第（二）项/);
  flow.applicationItem = await itemIdOn(page);

  // 补正 needs a reason: without one, the error names it.
  await act(page, 'return');
  assert.match(await text(page, '#wf-reason ~ small.field-error'), /理由|意见/);
  await page.fill('#wf-reason', '请补充专业技术职称（如有），并核对登记表');
  await act(page, 'return');
  assert.match(await text(page, '#wf-state'), /待提交/);
});

step('10 the candidate adds a title and resubmits from 我的报名', async ({ page }) => {
  await login(page, CANDIDATE.username, CANDIDATE.password);
  await page.goto('/me/applications');
  const card = `#application-${flow.applicationId}`;
  assert.match(await text(page, card), /请补充专业技术职称/, 'the reason of the 补正 is shown');

  await page.goto('/me/profile');
  assert.equal(await page.inputValue('#name'), CANDIDATE.name, 'the data is kept');
  await page.selectOption('#title', 'vice_senior');
  await submit(page, 'form[action="/me/profile"] button[type="submit"]');
  assert.match(await text(page, 'main'), /已保存/);

  await page.goto('/me/applications');
  await act(page, 'submit', card);
  assert.equal(pathOf(page), '/me/applications');
  assert.equal(await text(page, `${card} .application-state`), '资格审查');
});

// Passing before the checklist is complete is refused on the item's page, which says why.
step('10a passing the review before the checklist is complete says why', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/applications/${flow.applicationId}`);
  await act(page, 'approve');
  assert.match(await text(page, '#wf-state'), /资格审查/, 'the application is not passed');
  assert.match(await text(page, 'main'), /勾选审查清单/, 'the reason of the refusal is shown');
});

step('11 coordination office sees the change highlighted, ticks the checklist and passes', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/applications/${flow.applicationId}`);
  assert.match(await text(page, '#changes'), /职称/, 'the 补正 changes are listed');
  const changed = page.locator('#submitted-form tr.changed');
  assert.ok(await changed.count() >= 1);
  assert.match(await changed.first().locator('.diff-new').textContent(), /副高/);
  await screenshot(page, 'intro-10-review-highlighted-change');

  for (const box of await page.locator('#checklist input[type="checkbox"]').all()) await box.check();
  await page.fill('input[name="note_qualifications"]', '无');
  await submit(page, '#checklist form button[type="submit"]');
  assert.match(await text(page, 'main'), /审查清单已保存/);
  await act(page, 'approve');
  assert.equal(await text(page, '#application-state'), '审查通过待发意向书');
});

step('12 coordination office generates the intent letter, prints it and sends it', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/applications/${flow.applicationId}`);
  await submit(page, `#letter form[action="/applications/${flow.applicationId}/letter"] button`);
  assert.equal(pathOf(page), `/applications/${flow.applicationId}/letter`);
  assert.match(await text(page, '#letter h1'), /意向书/);
  assert.match(await text(page, '#letter'), new RegExp(CANDIDATE.name));
  flow.letterNumber = await text(page, '#letter-number');
  assert.ok(flow.letterNumber.length > 0, 'the letter has a number');
  await screenshot(page, 'intro-11-intent-letter');

  await page.goto(`/applications/${flow.applicationId}`);
  await act(page, 'submit');
  assert.equal(await text(page, '#application-state'), '意向书待确认');
});

step('13 the candidate accepts the intent letter', async ({ page }) => {
  await login(page, CANDIDATE.username, CANDIDATE.password);
  await page.goto('/me/applications');
  const card = `#application-${flow.applicationId}`;
  assert.match(await text(page, card), re(flow.letterNumber));
  await act(page, 'approve', card);
  assert.equal(await text(page, `${card} .application-state`), '待报领导小组');
});

step('14 coordination office puts the accepted candidate on the proposed-hire list', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/meetings/${flow.meetingId}`);
  await page.check(`#item-${flow.applicationItem}`);
  await submit(page, '#add-agenda button[type="submit"]');
  const a = /#agenda-(\d+)$/.exec(page.url());
  assert.ok(a, `back on the meeting at the new agenda item, not ${page.url()}`);
  flow.hireAgenda = Number(a[1]);
  assert.match(await text(page, `#agenda-${flow.hireAgenda}`), /领导小组审定拟聘名单/);
});

step('15 leading group approves the proposed-hire list with a resolution number', async ({ page }) => {
  await login(page, 'leader');
  await page.goto(`/meetings/${flow.meetingId}`);
  const agenda = `#agenda-${flow.hireAgenda}`;
  await page.fill(`#res-${flow.hireAgenda}`, HIRE_RESOLUTION);
  await submit(page, `${agenda} button[name="action"][value="approve"]`);
  assert.equal(await text(page, `${agenda} .resolution`), HIRE_RESOLUTION);
  await screenshot(page, 'intro-12-meeting-hire-list-decided');
});

step('16 unit records the employment contract and reports the procedure done', async ({ page }) => {
  await login(page, 'unit');
  assert.equal(await page.locator(`#tasks a[href="/applications/${flow.applicationId}#workflow"]`).count(), 1,
    'the procedure is a task on the unit\'s workbench');
  await page.goto(`/applications/${flow.applicationId}/procedure`);
  await page.fill('#contract_number', `HT-${RUN}`);
  await page.fill('#signed_on', TODAY);
  await page.fill('#start_date', TODAY);
  await page.fill('#term_years', '5');
  await page.fill('#end_date', addDays(addYears(TODAY, 5), -1));
  await page.fill('#probation_months', '0');
  await submit(page, `form[action="/applications/${flow.applicationId}/procedure"] button[type="submit"]`);
  assert.match(await text(page, 'main [role="status"]'), /已保存/);
  assert.match(await text(page, '#summary'), new RegExp(`HT-${RUN}`));

  await submit(page, '#state a[href^="/workflow/"]');
  assert.equal(pathOf(page), `/workflow/${flow.applicationItem}`);
  await act(page, 'submit');
  assert.equal(await text(page, '#wf-state'), '协调办确认入库');
});

step('17 coordination office confirms: the talent appears with entitlements and their articles', async ({ page }) => {
  await login(page, 'coord');
  await page.goto(`/applications/${flow.applicationId}`);
  await act(page, 'approve');
  assert.equal(await text(page, '#application-state'), '已引进');
  // The application leads to the talent record the confirmation created.
  await Promise.all([page.waitForNavigation(), page.click('#talent-record a')]);
  assert.match(pathOf(page), /^\/talents\/\d+$/);

  await page.goto(`/talents?name=${encodeURIComponent(CANDIDATE.name)}`);
  const row = page.locator('table#talents tbody tr', { hasText: CANDIDATE.name });
  assert.equal(await row.count(), 1, 'the talent is in the talent database');
  await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
  assert.match(await text(page, '#talent'), re(HIRE_RESOLUTION),
    'the hire decision\'s resolution number is shown');
  assert.match(await text(page, '#category'), /第2类/);
  const entitlements = await text(page, '#entitlements');
  assert.match(entitlements, /第(十三|13)/, `an Art. 13 entitlement: ${entitlements}`);
  assert.match(entitlements, /第(十四|14)/, `an Art. 14 entitlement: ${entitlements}`);
  await screenshot(page, 'intro-13-talent');
});

step('18 the candidate sees their talent record', async ({ page }) => {
  await login(page, CANDIDATE.username, CANDIDATE.password);
  await screenshot(page, 'intro-14-workbench-candidate-introduced');
  await page.goto('/me/talent');
  assert.equal(await page.locator('#no-talent').count(), 0);
  assert.match(await text(page, '#talent'), new RegExp(CANDIDATE.name));
  assert.ok(await page.locator('#entitlements tbody tr').count() >= 1);
  await screenshot(page, 'intro-15-me-talent');
});
