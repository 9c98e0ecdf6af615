/**
 * Everyday operations on the packaged .vsix: a VM's snapshot tree under its node (two branches,
 * "you are here" on the current one, the count on the VM), and an SSH terminal opened from a host's
 * context menu (address, user, password, the unknown host key) running `vmware -v` on the ESXi
 * simulator. Screenshots: test-results/ops-snapshots.png, ops-terminal.png.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLab, startEsxi } from '../lab/index';
import { VimClient } from '../../src/core/vsphere/client';
import { createSnapshot, revertToSnapshot } from '../../src/core/vsphere/snapshots';
import { chooseFromContextMenu, closeMenus, openPackagedWorkbench, widenSidebar, type Workbench } from './helpers';

const PASS_ENV = 'VLAB_E2E_OPS_PASSWORD';

describe('e2e: snapshots and the SSH terminal', function () {
  this.timeout(300_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 2, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let wb: Workbench;
  let tmp: string;
  let vmName = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vlab-e2e-ops-'));
    const vms = (await lab.vcsim.listVms()).sort((a, b) => a.name.localeCompare(b.name));
    vmName = vms[0].name;
    const vm = { type: 'VirtualMachine', value: vms[0].moref };
    const client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    const base = await createSnapshot(client, vm, { name: 'before upgrade', description: 'clean install, tools 12.3', quiesce: true });
    await createSnapshot(client, vm, { name: 'after patch 1', description: 'ESXi patch applied' });
    await revertToSnapshot(client, base!);
    await createSnapshot(client, vm, { name: 'test branch', description: 'trying the new agent' });
    await client.close();
    process.env[PASS_ENV] = lab.vcsim.password;
    wb = await openPackagedWorkbench(tmp, {
      'vsphereLab.connections': [{ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, label: 'lab-vcsim', thumbprintSha256: lab.vcsim.thumbprintSha256, passwordEnv: PASS_ENV }],
      'vsphereLab.inventory.autoRefreshSeconds': 0,
      'terminal.integrated.gpuAcceleration': 'off',
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`ops-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`);
  });
  lab.beforeStop(async () => {
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the snapshot tree under the VM: both branches, "you are here", the count; screenshot', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    const conn = page.locator('.part.sidebar .monaco-list-row', { hasText: 'lab-vcsim' }).first();
    await conn.waitFor({ timeout: 60_000 });
    if ((await conn.getAttribute('aria-expanded')) !== 'true') await conn.click();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.part.sidebar .action-label[aria-label*="Go to VM"]').first().click();
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(vmName);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: vmName }).first().waitFor({ timeout: 20_000 });
    await input.press('Enter');
    const vmRow = page.locator('.part.sidebar .monaco-list-row', { hasText: vmName }).first();
    await vmRow.waitFor({ timeout: 30_000 });
    await widenSidebar(page, 560);
    assert.match(await vmRow.innerText(), /3 snapshots/);
    if ((await vmRow.getAttribute('aria-expanded')) !== 'true') await vmRow.locator('.monaco-tl-twistie').click();
    const current = page.locator('.part.sidebar .monaco-list-row', { hasText: 'test branch' }).first();
    await current.waitFor({ timeout: 30_000 });
    assert.match(await current.innerText(), /you are here/);
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'after patch 1' }).first().waitFor({ timeout: 10_000 });
    const before = page.locator('.part.sidebar .monaco-list-row', { hasText: 'before upgrade' }).first();
    assert.doesNotMatch(await before.innerText(), /you are here/);
    // The snapshot's menu: Revert and Delete.
    await chooseFromContextMenu(page, () => before, 'Revert to Snapshot…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /Revert .* to "before upgrade"\?/);
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await closeMenus(page);
    await current.hover();
    await page.waitForTimeout(1500);
    const shot = await wb.screenshot('ops-snapshots');
    assert.ok(statSync(shot).size > 20_000);
  });

  it('Open SSH Terminal on a host: address, user, password, the host key, then `vmware -v`; screenshot', async () => {
    const { page } = wb;
    const esxi = await startEsxi({ vcsim: lab.vcsim, password: 'Ssh-pass.1', hostname: 'esx01.lab.local' });
    try {
      await chooseFromContextMenu(page, () => page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0_C0_H0' }).first(), 'Open SSH Terminal');
      const input = page.locator('.quick-input-widget input').first();
      const answer = async (title: RegExp, value?: string): Promise<void> => {
        await page.locator('.quick-input-widget', { hasText: title }).first().waitFor({ timeout: 15_000 });
        if (value !== undefined) await input.fill(value);
        await input.press('Enter');
      };
      await answer(/SSH address of the host/, `${esxi.host}:${esxi.port}`);
      await answer(/User name on/); // root is offered
      await answer(/Password for root@/, esxi.password);
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      assert.ok((await dialog.innerText()).includes(esxi.hostKeySha256));
      await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).click();
      const rows = page.locator('.terminal .xterm-rows');
      await rows.first().waitFor({ timeout: 30_000 });
      const shown = async (re: RegExp): Promise<string> => {
        const end = Date.now() + 30_000;
        for (;;) {
          const t = (await rows.first().innerText()).replace(/\u00a0/g, ' ');
          if (re.test(t)) return t;
          if (Date.now() > end) throw new Error(`the terminal never showed ${re}; it shows:\n${t}`);
          await page.waitForTimeout(250);
        }
      };
      await shown(/\[root@esx01:~\]/);
      await page.locator('.terminal .xterm-helper-textarea').first().focus();
      await page.keyboard.type('vmware -v');
      await page.keyboard.press('Enter');
      await shown(/VMware ESXi \d/);
      assert.ok(esxi.commands.includes('vmware -v'), esxi.commands.join(' | '));
      const text = (await rows.first().innerText()).replace(/\u00a0/g, ' ');
      assert.match(text, /\[root@esx01:~\] vmware -v/);
      await page.waitForTimeout(800);
      const shot = await wb.screenshot('ops-terminal');
      assert.ok(statSync(shot).size > 20_000);
    } finally {
      await esxi.stop();
    }
  });
});
