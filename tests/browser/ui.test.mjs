// Drives Debian's chromium through the web status page of a running vaultkeeper (started by
// tests/integration/test_web_ui.py with sync jobs "origin", "east", "west" on the sims; "west" holds deletes;
// snapshot job "snap" of the origin vault with allow_restore; emissary job "render-stuck" with a template
// waiting for a missing secret and one that cannot be written; keeper job "keeper" that initialised a 3-node
// vault-sim and keeps it unsealed).
// Env: VK_URL (http://127.0.0.1:port), VK_TOKEN, VK_SHOTS (directory for the screenshots).
// Prints one line per step; exits 1 at the first failed step.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const url = process.env.VK_URL;
const token = process.env.VK_TOKEN;
const readToken = process.env.VK_READ_TOKEN;  // a token with only the read scope, named "grafana"
const shots = process.env.VK_SHOTS || '.';
const STEP_MS = 20000;
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.VK_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
  timeout: 60000,
});
const problems = [];  // uncaught page errors and CSP violations: any is a failure
let page;

async function step(name, fn) {
  try {
    await fn();
    console.log('ok   ' + name);
  } catch (e) {
    console.log('FAIL ' + name + ': ' + (e && e.message ? e.message.split('\n')[0] : e));
    if (page) await page.screenshot({ path: join(shots, 'ui-failure.png'), fullPage: true }).catch(() => {});
    await browser.close();
    process.exit(1);
  }
}

function expect(cond, what) { if (!cond) throw new Error(what); }

const job = (name) => page.locator(`article[data-job="${name}"]`);
const topCycle = async (name) => Number(await job(name).locator('tr[data-cycle]').first().getAttribute('data-cycle'));
async function waitFor(fn, what) {
  const deadline = Date.now() + STEP_MS;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error('timed out: ' + what);
    await page.waitForTimeout(100);
  }
}

// A screenshot of one job's card. The page replaces every card on each refresh (every 5 s): a card replaced
// while it is being captured is captured again, a bounded number of times.
async function jobShot(name, file) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job(name).screenshot({ path: join(shots, file) });
    } catch (e) {
      if (attempt === 5 || !/not attached|detached/i.test(String(e && e.message))) throw e;
    }
  }
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1500, height: 1100 } });
  const p = await context.newPage();
  p.setDefaultTimeout(STEP_MS);
  p.on('pageerror', (e) => problems.push('page error: ' + e.message));
  p.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push('console: ' + m.text()); });
  return p;
}

page = await newPage();

await step('the page loads and asks for the token', async () => {
  const res = await page.goto(url + '/ui/');
  expect(res.status() === 200, 'status ' + res.status());
  expect((res.headers()['content-security-policy'] || '').includes("frame-ancestors 'none'"), 'CSP header');
  await page.locator('#login').waitFor({ state: 'visible' });
});

await step('a wrong token is refused', async () => {
  await page.fill('#token', 'not-the-admin-token-000');
  await page.click('#login-form button[type=submit]');
  await page.locator('#login-error', { hasText: 'refused' }).waitFor();
  expect(await page.locator('article[data-job]').count() === 0, 'no job shown with a wrong token');
  expect(await page.evaluate(() => sessionStorage.length) === 0, 'the wrong token is not kept');
  await page.screenshot({ path: join(shots, 'ui-wrong-token.png') });
});

await step('a read-only token sees every job and may change nothing, and the page says why', async () => {
  await page.fill('#token', readToken);
  await page.click('#login-form button[type=submit]');
  for (const name of ['origin', 'east', 'west', 'snap', 'keeper']) await job(name).waitFor();
  await page.locator('#whoami', { hasText: 'grafana (read)' }).waitFor();
  await job('west').locator('button[data-action="approve-deletes"]').waitFor();
  await job('keeper').locator('button[data-action="rekey"]').waitFor();
  await job('snap').locator('button[data-action="snapshots"]').click();
  await job('snap').locator('[data-list="disk"]').waitFor();  // its restore buttons, if any, are checked too
  const mutations = page.locator(['trigger', 'halt', 'resume', 'approve-deletes', 'rekey', 'restore', 'drill']
    .map((a) => `button[data-action="${a}"]`).join(', '));
  const count = await mutations.count();
  expect(count >= 7 * 3 + 2, 'every job has its controls (' + count + ')');
  for (let i = 0; i < count; i++) {
    const b = mutations.nth(i);
    expect(await b.isDisabled(), (await b.getAttribute('data-action')) + ' is disabled');
    expect(/grafana\) lacks the "(operate|approve|rekey|restore)" scope/.test(await b.getAttribute('title') || ''),
      (await b.getAttribute('data-action')) + ' says which scope it lacks');
  }
  await page.screenshot({ path: join(shots, 'ui-read-only.png'), fullPage: true });
  await job('snap').locator('button[data-action="snapshots"]').click();  // closed again, as the next steps expect
  await page.click('#forget');
  await page.locator('#login').waitFor({ state: 'visible' });
});

await step('the right token shows every job', async () => {
  await page.fill('#token', token);
  await page.click('#login-form button[type=submit]');
  for (const name of ['origin', 'east', 'west']) await job(name).waitFor();
  expect(await page.locator('#login').isHidden(), 'login hidden');
  expect((await job('origin').textContent()).includes('origin'), 'origin role shown');
  expect(await job('origin').locator('dd[data-lock="off"]').textContent() === '— (no HA)', 'no HA: holder says so');
  expect(await page.locator('#replicas').isHidden(), 'no HA: no replicas panel');
  await job('west').locator('[data-field="held-deletes"]', { hasText: '5' }).waitFor();
  await page.screenshot({ path: join(shots, 'ui-jobs.png'), fullPage: true });
});

await step('a destination whose origin never published waits, not fails', async () => {
  const north = job('north');
  await north.waitFor();
  await north.locator('[data-field="waiting"]').waitFor();
  const text = await north.locator('[data-field="waiting"]').textContent();
  expect(text.includes('origin has not published'), 'the reason is shown: ' + text);
  expect((await north.textContent()).includes('waiting'), 'a waiting badge');
  await waitFor(async () => (await north.locator('tr[data-cycle]').count()) > 0, 'a cycle row of north');
  const row = await north.locator('tr[data-cycle]').first().textContent();
  expect(row.includes('ok') && !row.includes('error'), 'its cycle is ok, not failed: ' + row);
  await jobShot('north', 'ui-waiting.png');
});

await step('the token stays for the browser session only', async () => {
  await page.reload();
  await job('origin').waitFor();
  const other = await newPage();
  await other.goto(url + '/ui/');
  await other.locator('#login').waitFor({ state: 'visible' });
  await other.context().close();
});

await step('trigger a cycle and see it appear', async () => {
  const before = await topCycle('east');
  await job('east').locator('button[data-action="trigger"]').click();
  await waitFor(async () => (await topCycle('east')) > before, 'a new cycle row of east');
  await waitFor(async () => (await job('east').locator('tbody tr').first().textContent()).includes('ok'),
    'the new cycle ends ok');
});

await step('halt asks first; dismissing it does nothing', async () => {
  page.once('dialog', (d) => d.dismiss());
  await job('east').locator('button[data-action="halt"]').click();
  await page.waitForTimeout(300);
  expect(await job('east').getAttribute('data-state') !== 'halted', 'not halted after dismissing');
});

await step('halt and resume', async () => {
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await job('east').locator('button[data-action="halt"]').click();
  await page.locator('article[data-job="east"][data-state="halted"]').waitFor();
  expect(asked.includes('Halt job "east"'), 'confirmation text: ' + asked);
  await page.screenshot({ path: join(shots, 'ui-halted.png'), fullPage: true });
  await job('east').locator('button[data-action="resume"]').click();
  await waitFor(async () => ['idle', 'running'].includes(await job('east').getAttribute('data-state')), 'east resumed');
});

await step('the plan shows the held deletes', async () => {
  await job('west').locator('button[data-action="plan"]').click();
  const plan = page.locator('[data-plan="west"]');
  await plan.waitFor();
  const text = await plan.textContent();
  expect(text.includes('5 to delete') && text.includes('deletion guard would hold'), 'plan text: ' + text);
  await page.screenshot({ path: join(shots, 'ui-held-deletes.png'), fullPage: true });
});

await step('approve the held deletes', async () => {
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.accept(); });
  await job('west').locator('button[data-action="approve-deletes"]').click();
  await job('west').locator('[data-field="held-deletes"]', { hasText: /^0$/ }).waitFor();
  expect(asked.startsWith('Approve 5 deletes'), 'confirmation text: ' + asked);
  await waitFor(async () => (await job('west').locator('[data-count="secrets"]').textContent().catch(() => '')) === '5',
    'the approved cycle deleted 5 of the 10 secrets');
  expect(await job('west').locator('button[data-action="approve-deletes"]').count() === 0, 'approve button gone');
  await page.screenshot({ path: join(shots, 'ui-approved.png'), fullPage: true });
});

await step('a triggered snapshot shows in the section and in the list', async () => {
  const before = await topCycle('snap');
  await job('snap').locator('button[data-action="trigger"]').click();
  await waitFor(async () => (await topCycle('snap')) > before, 'a new cycle row of snap');
  await waitFor(async () => (await job('snap').locator('tr[data-cycle]').first().textContent()).includes('ok'),
    'the snapshot cycle ends ok');
  const last = job('snap').locator('[data-field="last-name"]');
  await waitFor(async () => (await last.count()) > 0 && (await last.textContent()).startsWith('raft-snapshot-'),
    'the last snapshot shown');
  const name = await last.textContent();
  expect(/^[0-9a-f]{12}…$/.test(await job('snap').locator('[data-field="last-sha256"]').textContent()), 'short sha256');
  expect((await job('snap').locator('tr[data-storage="disk"]').textContent()).includes('ok'), 'disk outcome ok');
  await job('snap').locator('button[data-action="snapshots"]').click();
  await job('snap').locator(`[data-list="disk"] tr[data-snapshot="${name}"]`).waitFor();
  await page.screenshot({ path: join(shots, 'ui-snapshots.png'), fullPage: true });
});

await step('drill the newest snapshot: verified without asking, nothing restored', async () => {
  let asked = false;
  const onDialog = (d) => { asked = true; d.dismiss(); };
  page.on('dialog', onDialog);
  const name = await job('snap').locator('[data-field="last-name"]').textContent();
  await job('snap').locator(`tr[data-snapshot="${name}"] button[data-action="drill"]`).click();
  await page.locator('#message', { hasText: 'snap drill: verified ' + name }).waitFor();
  expect((await page.locator('#message').textContent()).includes('Vault received nothing'), 'the drill says so');
  page.off('dialog', onDialog);
  expect(!asked, 'a drill asks nothing');
});

await step('restore asks first; dismissing it does nothing', async () => {
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await job('snap').locator('button[data-action="restore"]').first().click();
  await page.waitForTimeout(300);
  expect(asked.startsWith('Restore snapshot "raft-snapshot-') && asked.includes('cannot be undone'), 'asked: ' + asked);
  expect(!(await page.locator('#message').textContent()).includes('snap restore'), 'nothing restored');
});

await step('restore the newest snapshot', async () => {
  page.once('dialog', (d) => d.accept());
  const name = await job('snap').locator('[data-field="last-name"]').textContent();
  await job('snap').locator(`tr[data-snapshot="${name}"] button[data-action="restore"]`).click();
  await page.locator('#message', { hasText: 'snap restore: done' }).waitFor();
  await page.screenshot({ path: join(shots, 'ui-restored.png'), fullPage: true });
});

await step('the emissary section shows a waiting template with its missing reference and a failed one', async () => {
  const missing = job('render-stuck').locator('tr[data-state="waiting"] [data-missing] li');
  await missing.first().waitFor();
  expect((await missing.first().textContent()).includes('secret/app/missing'), 'missing reference shown');
  await job('render-stuck').locator('tr[data-state="error"]').waitFor();
  expect((await job('render-stuck').locator('[data-field="waiting"]').textContent()).startsWith('1 of 2'), 'waiting count');
  await jobShot('render-stuck', 'ui-emissary.png');
});

const keeperField = (field) => job('keeper').locator(`[data-field="${field}"]`).textContent();

await step('the keeper section shows every node unsealed, every store usable, the sets per store', async () => {
  const nodes = job('keeper').locator('tr[data-node]');
  await waitFor(async () => (await nodes.count()) === 3, 'three node rows');
  expect(await job('keeper').locator('tr[data-node][data-state="unsealed"]').count() === 3, 'every node unsealed');
  expect((await keeperField('unsealed')).startsWith('3 of 3'), 'unsealed count');
  const current = job('keeper').locator('tr[data-set][data-role="current"]');
  await current.waitFor();
  const id = await current.getAttribute('data-set');
  expect((await keeperField('current')).startsWith(id + ' (3 of 6)'), 'current set with its threshold');
  // alice holds the sixth share, encrypted to her; the test fetched it before the page loaded.
  const alice = job('keeper').locator('tr[data-custodian="alice"]');
  expect(await alice.getAttribute('data-fetched') === 'true', 'alice fetched her share');
  const aliceRow = await alice.textContent();
  expect(aliceRow.includes('held, encrypted to them') && aliceRow.includes('by admin'), 'alice row: ' + aliceRow);
  // The other 5 shards over 3 stores, none holding the threshold (3).
  const counts = (await current.locator('td[data-store]').allTextContents()).map(Number);
  expect(counts.length === 3 && counts.every((c) => c > 0 && c < 3) && counts.reduce((a, b) => a + b) === 5,
    'per-store counts: ' + counts);
  expect(await keeperField('step') === 'idle', 'procedure idle');
  expect(await job('keeper').locator('tr[data-store][data-usable="true"]').count() === 3, 'every store usable');
  expect(await job('keeper').locator('[data-field="stopped"]').count() === 0, 'not stopped');
  expect(!(await job('keeper').textContent()).match(/"key"|shard [0-9a-f]{20}/), 'no shard on the page');
  await jobShot('keeper', 'ui-keeper.png');
});

await step('"Rekey now" asks first, is queued and ends with a new current set', async () => {
  const old = await job('keeper').locator('tr[data-set][data-role="current"]').getAttribute('data-set');
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await job('keeper').locator('button[data-action="rekey"]').click();
  await waitFor(async () => asked !== '', 'the confirmation');
  expect(asked.startsWith('Rekey the Vault of keeper "keeper" now?') && asked.includes(old), 'asked: ' + asked);
  expect(!(await page.locator('#message').textContent()).includes('keeper rekey'), 'nothing sent when dismissed');
  page.once('dialog', (d) => d.accept());
  await job('keeper').locator('button[data-action="rekey"]').click();
  await page.locator('#message', { hasText: 'keeper rekey: queued' }).waitFor();
  const deadline = Date.now() + 60000;
  for (;;) {
    await page.click('#refresh');
    const row = job('keeper').locator('tr[data-set][data-role="current"]');
    const now = (await row.count()) ? await row.getAttribute('data-set') : old;
    const audited = (await keeperField('last-audit')).startsWith(now + ',');
    if (now !== old && (await keeperField('step')) === 'idle' && audited) break;
    expect(Date.now() < deadline, 'timed out: the rekey did not finish with a new audited current set');
    await page.waitForTimeout(250);
  }
  expect(await job('keeper').locator('tr[data-node][data-state="unsealed"]').count() === 3, 'every node unsealed');
  await jobShot('keeper', 'ui-rekeyed.png');
});

await step('no page error and no CSP violation', async () => {
  expect(problems.length === 0, problems.join('; '));
});

await browser.close();
