/**
 * The Certificates board on the packaged .vsix (code-server + Chromium):
 * - the board of a mixed-generation lab (a vCenter 8.0 whose hosts are their own ESXi 4.1, 5.5,
 *   7.0 and 8.0 peers, certificates expiring in 5 to 200 days), opened from the connection's
 *   context menu: rows sorted by expiry, coloured at the thresholds (test-results/cert-board.png);
 * - a rotation from the board on an ESXi 8.0 connection: the host selected, "Request CSRs" into a
 *   folder (the host makes its own), the CSR signed by `openssl` as the CA, "Import and rotate"
 *   with the folder of signed files: the row says the new certificate is live and the host serves it
 *   (test-results/cert-board-rotation.png); the tree's host badges (test-results/cert-board-badges.png).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { servedThumbprints, startVcsim, withLab, type Vcsim } from '../lab/index';
import { makeTestCa, type TestCa } from '../peer/esxi/ca';
import { chooseFromContextMenu, closeMenus, openPackagedWorkbench, widenSidebar, type Workbench } from './helpers';

const PASS_ENV = 'VLAB_E2E_CERTBOARD_PASSWORD';
const PASSWORD = 'Lab-pass.1';

const rows = (page: Page): Locator => page.locator('.part.sidebar .monaco-list-row');
const row = (page: Page, text: string | RegExp): Locator => rows(page).filter({ hasText: text }).first();

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** The simple file dialog code-server shows for showOpenDialog: type the folder, press its accept button. */
async function pickFolder(page: Page, folder: string, accept: string): Promise<void> {
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  // The dialog may still be loading its default folder and put it back over what was typed: type
  // again until the value stays.
  for (let i = 0; i < 5; i++) {
    await input.fill(`${folder}/`);
    await page.waitForTimeout(1000);
    if ((await input.inputValue()) === `${folder}/`) break;
  }
  await page.locator('.quick-input-widget').getByRole('button', { name: accept }).click();
  await input.waitFor({ state: 'hidden', timeout: 20_000 });
}

describe('e2e: the Certificates board', function () {
  this.timeout(420_000);
  const lab = withLab({
    generation: '8.0', vcsim: { vm: 0, username: 'administrator@vsphere.local', password: PASSWORD },
    hosts: [{ generation: '4.1', certDays: 200 }, { generation: '5.5', certDays: 25 }, { generation: '7.0', certDays: 75 }, { generation: '8.0', certDays: 5 }],
  }, { timeoutMs: 180_000 });
  let esx: Vcsim;
  let wb: Workbench;
  let ca: TestCa;
  let tmp: string;

  before(async function () {
    this.timeout(300_000);
    tmp = mkdtempSync(join(tmpdir(), 'vlab-e2e-board-'));
    ca = makeTestCa('Lab Issuing CA');
    esx = await startVcsim({ esx: true, generation: '8.0', vm: 0, username: 'root', password: PASSWORD, certDays: 12, commonName: 'esx80.lab.test' });
    process.env[PASS_ENV] = PASSWORD;
    const settings = {
      'vsphereLab.connections': [
        { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, label: 'vc-mixed', thumbprintSha256: lab.vcsim.thumbprintSha256, passwordEnv: PASS_ENV },
        { url: esx.sdkUrl, username: 'root', label: 'esx-80', thumbprintSha256: esx.thumbprintSha256, passwordEnv: PASS_ENV },
      ],
      'vsphereLab.inventory.autoRefreshSeconds': 0,
    };
    // On a loaded machine the workbench page can miss the rig's 30 s navigation bound: one more try.
    wb = await openPackagedWorkbench(tmp, settings).catch((e: Error) => {
      console.log(`      opening the workbench: ${e.message.split('\n')[0]}; once more`);
      return openPackagedWorkbench(tmp, settings);
    });
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    await row(page, 'vc-mixed').waitFor({ timeout: 60_000 });
    await widenSidebar(page, 380);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`cert-board-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`);
  });
  lab.beforeStop(async () => {
    await wb?.close();
    await esx?.stop();
    ca?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the board of a mixed-generation vCenter: every host and the vCenter, sorted by expiry, coloured at the thresholds', async () => {
    const { page } = wb;
    const conn = row(page, 'vc-mixed');
    await conn.click();
    await conn.filter({ hasText: /\d+ hosts?/ }).waitFor({ timeout: 90_000 });
    await chooseFromContextMenu(page, () => row(page, 'vc-mixed'), 'Show Certificates');
    const frame = panelFrame(page);
    await frame.locator('#board tbody tr').nth(4).waitFor({ timeout: 90_000 });
    await frame.locator('#progress').waitFor({ state: 'detached', timeout: 90_000 });
    const levels = await frame.locator('#board tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
    assert.deepEqual(levels.slice(0, 5), ['critical', 'warning', 'notice', 'ok', 'ok'], levels.join());
    const first = await frame.locator('#board tbody tr').first().innerText();
    assert.match(first, /8\.0\.0/);
    await closeMenus(page);
    await page.waitForTimeout(600);
    await wb.screenshot('cert-board');

    // The tree: hosts within the thresholds carry the expiry badge (read by the board above).
    const badge = row(page, /cert 4 d/);
    for (let i = 0; i < 8 && !(await badge.isVisible()); i++) {
      const collapsed = rows(page).and(page.locator('[aria-expanded="false"]')).filter({ hasNotText: 'esx-80' }).first();
      if (await collapsed.isVisible()) await collapsed.click();
      await page.waitForTimeout(1500);
    }
    await badge.waitFor({ timeout: 30_000 });
    assert.ok(await row(page, /cert 24 d/).isVisible(), 'the 25-day host has its badge too');
    assert.equal(await row(page, /cert 199 d/).count(), 0, 'none beyond the largest threshold');
    await closeMenus(page);
    await wb.screenshot('cert-board-badges');
  });

  it('a rotation from the board: CSR on the host, signed, imported, deployed; the row says it is live', async () => {
    const { page } = wb;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('>View: Close All Editors');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Close All Editors' }).first().click();
    const conn = row(page, 'esx-80');
    await conn.click();
    await conn.filter({ hasText: /\d+ hosts?/ }).waitFor({ timeout: 90_000 });
    await chooseFromContextMenu(page, () => row(page, 'esx-80'), 'Show Certificates');
    const frame = panelFrame(page);
    const hostRow = frame.locator('#board tbody tr').first();
    await hostRow.locator('input[type=checkbox]').waitFor({ timeout: 90_000 });
    await frame.locator('#progress').waitFor({ state: 'detached', timeout: 60_000 });
    await hostRow.locator('input[type=checkbox]').check();

    const csrDir = join(tmp, 'csr');
    mkdirSync(csrDir);
    await frame.locator('#request-csrs').click();
    await pickFolder(page, csrDir, 'Save CSRs Here');
    await frame.locator('.flash').waitFor({ timeout: 60_000 });
    const csrFile = readdirSync(csrDir).find((f) => f.endsWith('.csr'))!;
    assert.ok(csrFile, 'a CSR was written');
    const signed = join(tmp, 'signed');
    mkdirSync(signed);
    writeFileSync(join(signed, 'esx80.cer'), ca.sign(readFileSync(join(csrDir, csrFile), 'utf8')));
    writeFileSync(join(signed, 'root.crt'), ca.certPem);

    const before = (await servedThumbprints(esx.host, esx.port)).sha256;
    await frame.locator('#rotate').click();
    await pickFolder(page, signed, 'Import and Rotate');
    await frame.locator('#run-summary').waitFor({ timeout: 120_000 });
    assert.match(await frame.locator('#run-summary').innerText(), /1 new, 0 rolled back/);
    const after = (await servedThumbprints(esx.host, esx.port)).sha256;
    assert.notEqual(after, before);
    await frame.locator('[data-rotation="new"]').first().waitFor({ timeout: 60_000 });
    // The board reads the host again: the new certificate's expiry (the CA signs for 365 days).
    await frame.locator('#progress').waitFor({ state: 'detached', timeout: 60_000 });
    assert.match(await frame.locator('#board tbody tr').first().locator('.days').first().innerText(), /^36\d d$/);
    await closeMenus(page);
    await page.waitForTimeout(800);
    await wb.screenshot('cert-board-rotation');
  });
});
