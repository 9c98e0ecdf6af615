/**
 * Backup readiness on the packaged .vsix: "Check Backup Readiness…" on a datacenter of a vcsim 8.0 with
 * VMs in faults (disk.EnableUUID off on Windows 2008 R2, consolidation needed, an old snapshot with
 * quiesce failures in its vmware.log, an independent disk, Tools not running), the matrix, a cell's
 * details with its vmware.log evidence, and a bulk fix of disk.EnableUUID.
 * Screenshots: test-results/readiness-matrix.png, readiness-detail.png, readiness-fixed.png.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { withLab, setVmState, faultVm } from '../lab/index';
import { VimClient } from '../../src/core/vsphere/client';
import { parseDatastorePath, uploadFile } from '../../src/core/vsphere/datastore';
import { moref } from '../../src/core/vsphere/decode';
import { powerOff } from '../../src/core/vsphere/vm';
import { chooseFromContextMenu, openPackagedWorkbench, widenSidebar, type Workbench } from './helpers';

const PASS_ENV = 'VLAB_E2E_READINESS_PASSWORD';

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

describe('e2e: which VMs will not back up tonight? (backup readiness)', function () {
  this.timeout(300_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 6, generation: '8.0', username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let wb: Workbench;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vlab-e2e-ready-'));
    const client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'insecure' }, keepAliveMs: 0 });
    const all = await lab.vcsim.listVms();
    await setVmState(lab.vcsim, ...all.map((v) => ({ vm: v.moref, toolsRunningStatus: 'guestToolsRunning' as const, toolsVersionStatus2: 'guestToolsCurrent' as const })));
    for (const v of all) await faultVm(client, v.moref, { changeTracking: true });
    const vms = all.filter((v) => v.name.startsWith('DC0_C0_'));
    for (const v of vms.slice(0, 3)) await faultVm(client, v.moref, { guestId: 'windows7Server64Guest', extraConfig: { 'disk.EnableUUID': 'FALSE' } });
    for (const v of vms.slice(0, 2)) await powerOff(client, moref('VirtualMachine', v.moref));
    await setVmState(lab.vcsim, { vm: vms[3].moref, consolidationNeeded: true, toolsVersionStatus2: 'guestToolsNeedUpgrade' });
    await faultVm(client, vms[4].moref, { snapshots: 2 });
    await setVmState(lab.vcsim, { vm: vms[4].moref, snapshotAgeDays: 9 });
    const ds = parseDatastorePath(vms[4].vmxPath)!;
    await uploadFile(client, { datacenter: 'DC0', datastore: ds.datastore, path: `${ds.path.split('/')[0]}/vmware.log` }, Buffer.from([
      '2024-03-05T02:00:01.120Z| vmx| I005: (lab sample built from the message texts the rule cites)',
      '2024-03-05T02:00:09.004Z| vmx| I005: Msg_Post: The guest OS has reported an error during quiescing. Error code was: 2 the error message was: custom quiesce script failed.',
      '2024-03-05T02:00:09.010Z| vmx| I005: An error occurred while saving the snapshot: Failed to quiesce the virtual machine.', ''].join('\n')));
    await setVmState(lab.vcsim, { vm: vms[5].moref, diskMode: 'independent_persistent', toolsRunningStatus: 'guestToolsNotRunning' });
    await client.close();
    process.env[PASS_ENV] = lab.vcsim.password;
    wb = await openPackagedWorkbench(tmp, {
      'vsphereLab.connections': [{ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, label: 'lab-vcsim', thumbprintSha256: lab.vcsim.thumbprintSha256, passwordEnv: PASS_ENV }],
      'vsphereLab.inventory.autoRefreshSeconds': 0,
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`readiness-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`);
  });
  lab.beforeStop(async () => {
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('Check Backup Readiness… on the datacenter: the matrix with counts per rule; a cell shows its vmware.log evidence', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    const conn = page.locator('.part.sidebar .monaco-list-row', { hasText: 'lab-vcsim' }).first();
    await conn.waitFor({ timeout: 60_000 });
    if ((await conn.getAttribute('aria-expanded')) !== 'true') await conn.click();
    const dc = page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0' }).first();
    await dc.waitFor({ timeout: 60_000 });
    await widenSidebar(page, 380);
    // Under load a menu choice is sometimes lost: choose again until the panel's tab shows.
    const tab = page.locator('.tabs-container .tab', { hasText: 'Backup readiness' });
    for (let attempt = 1; attempt <= 3 && !(await tab.count()); attempt++) {
      await chooseFromContextMenu(page, () => dc, 'Check Backup Readiness…');
      await tab.first().waitFor({ timeout: 20_000 }).catch(() => undefined);
    }
    const frame = panelFrame(page);
    await frame.locator('#matrix tbody tr').first().waitFor({ timeout: 60_000 });
    const summary = await frame.locator('#summary').innerText();
    assert.match(summary, /12 VMs checked · 6 with findings/);
    assert.equal(await frame.locator('#matrix tbody tr').count(), 6);
    for (const code of ['backup.quiesce.enableuuid', 'backup.snapshot.consolidate', 'backup.snapshot.old', 'backup.log.quiesce', 'backup.disk.independent', 'backup.tools.not-running', 'backup.tools.outdated']) {
      assert.ok(await frame.locator(`thead th[data-sort="${code}"]`).count(), code);
    }
    await page.waitForTimeout(600);
    assert.ok(statSync(await wb.screenshot('readiness-matrix')).size > 20_000);
    await frame.locator('td.cell[data-rule="backup.log.quiesce"][data-severity]').first().click();
    await frame.locator('#detail').waitFor();
    assert.match(await frame.locator('#detail').innerText(), /error during quiescing/);
    assert.ok(await frame.locator('#detail a[data-evidence]').count() >= 2, 'log lines are links');
    await page.waitForTimeout(400);
    await wb.screenshot('readiness-detail');
    await frame.locator('#detail a[data-evidence]').first().click();
    await page.locator('.tabs-container .tab', { hasText: 'vmware.log' }).waitFor({ timeout: 30_000 });
  });

  it('bulk fix: select the VMs with disk.EnableUUID off, shut down / apply / power on, all green', async () => {
    const { page } = wb;
    await page.locator('.tabs-container .tab', { hasText: 'Backup readiness' }).first().click();
    const frame = panelFrame(page);
    await frame.locator('thead th[data-sort="backup.quiesce.enableuuid"] .n').click();
    await frame.locator('#fix-mode').click();
    await frame.locator('#fix-mode li[role="option"]', { hasText: 'Shut down guest, apply, power on' }).first().click();
    await frame.locator('#apply').click();
    await frame.locator('#outcomes li').first().waitFor({ timeout: 90_000 });
    const states = await frame.locator('#outcomes li').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    assert.deepEqual(states, ['fixed', 'fixed', 'fixed']);
    assert.equal(await frame.locator('thead th[data-sort="backup.quiesce.enableuuid"]').count(), 0, 'the column is gone: no VM has it');
    await page.waitForTimeout(600);
    await wb.screenshot('readiness-fixed');
    // The tree badge of a VM in error is checked by test/integration/readiness (the rig leaves DC0 collapsed here).
  });
});
