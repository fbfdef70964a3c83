// 政策计算器 (/calculator): public, works anonymously; the result cites articles whose text
// opens on a click; a bad date is reported next to its field with everything else kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, withPage, screenshot } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

/** Fill the form for CASES.md's first case: a doctor recruited on 2015-01-10. */
async function fillDoctor(page, { start = '2015-01-10' } = {}) {
  await page.selectOption('#degree', 'doctor');
  await page.check('#full_time');
  await page.selectOption('#title', 'none');
  await page.check('#research_results');
  await page.selectOption('#employer', 'city_unit');
  await page.selectOption('#mode', 'recruit');
  await page.fill('#start', start);
  await page.fill('#assessments', '合格');
  await page.fill('#as_of', '2016-06-30');
}

async function submit(page) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form.calc-form button[type="submit"]'),
  ]);
}

test('an anonymous visitor computes a doctor\'s entitlements and reads the cited article', withPage(env, async ({ page }) => {
  const res = await page.goto('/calculator');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('header .who a[href="/login"]').count(), 1, 'not logged in');
  const today = await page.inputValue('#as_of');
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/, 'as_of defaults to today');

  await fillDoctor(page);
  await submit(page);

  const url = new URL(page.url());
  assert.equal(url.pathname, '/calculator');
  assert.equal(url.searchParams.get('start'), '2015-01-10', 'the result is a link');
  assert.equal((await page.textContent('#coverage')).trim(), '属于本办法的引进范围。');
  assert.equal((await page.textContent('#category')).trim(), '第四类');

  const subsidy = page.locator('table.entitlements tbody tr', { hasText: '生活补贴' });
  await assert.doesNotReject(subsidy.waitFor());
  const row = await subsidy.innerText();
  assert.match(row, /每月 2,000 元/);
  assert.match(row, /24,000 元/);
  assert.match(row, /13\(2\)/);
  assert.match(await page.textContent('#total-due'), /124,000 元/);

  // The article's text is hidden until its number is clicked.
  const article = subsidy.locator('details.article').first();
  const text = article.locator('.article-text');
  assert.equal(await text.isVisible(), false);
  await article.locator('summary').click();
  assert.equal(await text.isVisible(), true);
  assert.match(await text.innerText(), /补贴期限最长为五年/);
  assert.match(await text.innerText(), /第十三条第㈡项/);

  await screenshot(page, 'calculator');
}));

test('a date that does not exist is reported next to its field, nothing typed is lost', withPage(env, async ({ page }) => {
  await page.goto('/calculator');
  await fillDoctor(page, { start: '2015-02-30' });
  await page.fill('#service_months', '');
  await submit(page);

  const error = (await page.textContent('#start-error')).trim();
  assert.match(error, /2015-02-30 不存在/);
  assert.equal(await page.getAttribute('#start', 'aria-invalid'), 'true');
  assert.equal((await page.textContent('#as_of-error')).trim(), '');
  assert.equal(await page.locator('#result').count(), 0, 'no result for bad input');

  assert.equal(await page.inputValue('#start'), '2015-02-30');
  assert.equal(await page.inputValue('#degree'), 'doctor');
  assert.equal(await page.inputValue('#mode'), 'recruit');
  assert.equal(await page.inputValue('#assessments'), '合格');
  assert.equal(await page.inputValue('#as_of'), '2016-06-30');
  assert.equal(await page.isChecked('#research_results'), true);
  assert.equal(await page.isChecked('#full_time'), true);

  // Correcting the date alone is enough.
  await page.fill('#start', '2015-01-10');
  await submit(page);
  assert.equal((await page.textContent('#category')).trim(), '第四类');
}));

test('the calculator works without JavaScript', async () => {
  const context = await env.browser.newContext({ baseURL: env.server.baseUrl, locale: 'zh-CN', javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto('/calculator');
    await fillDoctor(page);
    await submit(page);
    assert.equal((await page.textContent('#category')).trim(), '第四类');
    const article = page.locator('table.entitlements details.article').first();
    await article.locator('summary').click();
    assert.equal(await article.locator('.article-text').isVisible(), true, 'details/summary needs no script');
  } finally {
    await context.close();
  }
});

// 政策原文 (/policy): reached from the menu by anyone; a chapter link lands on its first
// article; on a phone (390 px) nothing is wider than the screen.
test('anyone reads the measures in full from the menu, also on a phone', withPage(env, async ({ page }) => {
  await page.goto('/calculator');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('nav a[href="/policy"]')]);
  assert.equal(new URL(page.url()).pathname, '/policy');
  assert.equal(await page.locator('.measures-chapter h2').count(), 7, 'seven chapters');
  assert.equal(await page.locator('.measures-article').count(), 30, 'thirty articles');
  assert.match(await page.textContent('#art-27'), /追究单位领导和有关责任人的责任/);
  await page.click('.measures-toc a:has-text("第五章")');
  assert.equal(new URL(page.url()).hash, '#art-21');

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a 390 px screen`);
  await screenshot(page, 'policy-390');
}));
