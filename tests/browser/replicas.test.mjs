// Drives Debian's chromium through the web page of one HA replica (started by tests/integration/
// test_ha_balance.py with three replicas sharing 12 jobs): the page lists every live replica with the jobs it
// holds and marks this one.
// Env: VK_URL, VK_TOKEN, VK_EXPECT (JSON {"<replica id>": <jobs>}), VK_SELF (this replica's id).
// Prints one line; exits 1 on failure.
import { chromium } from 'playwright-core';

const expected = JSON.parse(process.env.VK_EXPECT);
const browser = await chromium.launch({
  executablePath: process.env.VK_CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'], timeout: 60000,
});
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(20000);
  await page.goto(process.env.VK_URL + '/ui/');
  await page.fill('#token', process.env.VK_TOKEN);
  await page.click('#login-form button[type=submit]');
  await page.locator('#replicas li[data-replica]').first().waitFor();
  const shown = await page.locator('#replicas li[data-replica]').evaluateAll((items) =>
    Object.fromEntries(items.map((li) => [li.dataset.replica, Number(li.dataset.jobs)])));
  const self = await page.locator(`#replicas li[data-replica="${process.env.VK_SELF}"]`).textContent();
  const heading = await page.locator('#replicas h2').textContent();
  if (JSON.stringify(shown) !== JSON.stringify(expected)) throw new Error('replicas shown ' + JSON.stringify(shown));
  if (!self.includes('(this replica)')) throw new Error('this replica is not marked: ' + self);
  if (heading !== 'Replicas') throw new Error('heading ' + heading);
  console.log('ok   the page lists the replicas ' + JSON.stringify(shown));
} catch (e) {
  console.log('FAIL ' + (e && e.message ? e.message.split('\n')[0] : e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
