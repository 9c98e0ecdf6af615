/**
 * Journey 1 through the real UI of the packaged extension: Add Connection (address, user,
 * password), review the self-signed certificate in the modal and trust it, and the tree fills with
 * a few hundred VMs from vcsim.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { withLab } from '../lab/index';
import { REPO } from '../rig/codeServer';
import { openPackagedWorkbench, widenSidebar, Workbench } from './helpers';

/**
 * Answers one step of a multi-step input. The widget is reused from step to step, so wait for this
 * step's own title first: typing earlier would land in the previous step.
 */
async function answerInput(page: Page, title: string | RegExp, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.filter({ hasText: title }).waitFor({ state: 'visible', timeout: 20_000 });
  const input = widget.locator('input').first();
  await input.fill(text);
  await input.press('Enter');
}

describe('e2e: add a connection and browse the inventory (journey 1)', function () {
  this.timeout(240_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 2, host: 4, vm: 120, standaloneHost: 1, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let wb: Workbench;
  before(async () => {
    wb = await openPackagedWorkbench(join(REPO, 'test', 'fixtures', 'workspace'));
  });
  lab.beforeStop(async () => {
    await wb?.close();
  });

  it('adds the vCenter through the welcome button, trusts its certificate and shows hundreds of VMs', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    const add = page.locator('.welcome-view-content .monaco-button', { hasText: 'Add Connection' });
    await add.waitFor({ timeout: 30_000 });
    await add.click();
    await answerInput(page, 'Add Connection (1/3)', lab.vcsim.sdkUrl.replace('https://', ''));
    await answerInput(page, 'Add Connection (2/3)', lab.vcsim.username);
    await answerInput(page, /Password for/, lab.vcsim.password);
    // The certificate is self-signed: the modal shows it and asks.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, /No trusted authority vouches/);
    assert.match(text, /1024 bits/);
    assert.ok(text.replace(/\s/g, '').includes(lab.vcsim.thumbprintSha256), 'the SHA-256 thumbprint is shown');
    await wb.screenshot('e2e-trust-certificate');
    await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).click();

    const connRow = page.locator('.part.sidebar .monaco-list-row', { hasText: '127.0.0.1' }).first();
    await connRow.waitFor({ timeout: 60_000 });
    // Adding reveals and expands the new connection by itself (a click now would expand it twice).
    await page.waitForFunction("!document.querySelector('.monaco-dialog-box')", undefined, { timeout: 30_000 });
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0' }).first().waitFor({ timeout: 60_000 });
    const started = Date.now();
    // Expand down to a host with its VMs.
    for (const label of ['DC0', 'DC0_C0', 'DC0_C0_H0']) {
      const row = page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ timeout: 60_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    await page.locator('.part.sidebar .monaco-list-row', { hasText: /DC0_C0_RP0_VM\d+/ }).first().waitFor({ timeout: 60_000 });
    console.log(`      expanding to the first VMs took ${Date.now() - started} ms`);
    const connText = await connRow.innerText();
    const vms = Number(/(\d+) VMs/.exec(connText)?.[1]);
    const labVms = (await lab.vcsim.listVms()).length;
    assert.equal(vms, labVms, `the connection shows all ${labVms} VMs`);
    assert.ok(labVms >= 200, 'a few hundred VMs');
    await widenSidebar(page);
    await page.mouse.move(900, 500);
    await page.waitForTimeout(500);
    await wb.screenshot('e2e-inventory-tree');
  });
});
