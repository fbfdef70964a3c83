// The bank's payment file (issue 12). 高峰 (demo) has a certified installment waiting for
// finance: in a new batch he is named as missing a bank account; he records it on 我的人才档案
// (shown masked from then on); the batch's Excel file then carries, for the bank, the payee,
// ID number, 开户行, account in full and the amount, with a 合计 row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { useServerAndBrowser, withPage, login } from '../lib/server.js';

const env = useServerAndBrowser({ before, after });

/** The text of one file inside a zip (an .xlsx), read through the central directory. */
function zipEntry(bytes, name) {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'a zip file');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  for (let i = 0; i < count; i += 1) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    if (bytes.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    }
    at += 46 + skip;
  }
  throw new Error(`${name} is not in the workbook`);
}

const ACCOUNT = '6217 0000 8888 4321';

test('a payee without an account is named; with it the bank file has what a bank needs', withPage(env, async ({ page }) => {
  await login(page, 'finance');
  await page.goto('/fund/batches');
  const row = page.locator('#releasable tbody tr', { hasText: '高峰' }).first();
  await row.locator('input[name="installment"]').check();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#new-batch button[type="submit"]')]);
  const batch = new URL(page.url()).pathname;
  assert.match(batch, /^\/fund\/batches\/\d+$/);
  assert.match(await page.textContent('#missing-accounts'), /缺少银行账户：高峰/);

  await login(page, 'gaofeng');
  await page.goto('/me/talent');
  await page.fill('#bank_name', '中国建设银行阿拉山口分行');
  await page.fill('#account', ACCOUNT);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#bank-form button[type="submit"]')]);
  assert.equal((await page.textContent('#bank-account')).trim(), '**** **** **** 4321');
  assert.doesNotMatch(await page.content(), /6217000088884321|6217 0000 8888 4321/, 'masked after saving');

  await login(page, 'finance');
  await page.goto(batch);
  assert.equal(await page.locator('#missing-accounts').count(), 0, 'nobody is missing now');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const bytes = await readFile(await download.path());
  const strings = zipEntry(bytes, 'xl/sharedStrings.xml');
  for (const heading of ['收款人', '身份证号', '开户行', '银行账号', '金额（元）', '合计']) {
    assert.ok(strings.includes(heading), `the column ${heading}`);
  }
  assert.ok(strings.includes('6217000088884321'), 'the account in full, for the bank');
  assert.ok(strings.includes('中国建设银行阿拉山口分行'), 'the bank');
  const sheet = zipEntry(bytes, 'xl/worksheets/sheet1.xml');
  assert.match(sheet, /<f>SUM\(F2:F\d+\)<\/f>/, 'the amounts are summed as numbers');
}));
