/**
 * e2e: the live tree, the Tasks view and the events panel in the packaged extension (code-server +
 * Chromium) against vcsim. Another SOAP client powers a VM off: the VM's row changes without a
 * refresh; the Tasks view lists the task; Show Events on the VM opens its events. Screenshots:
 * test-results/live-tasks.png, test-results/live-events.png.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { withLab } from '../lab';
import { VimClient } from '../../src/core/vsphere/client';
import { powerOff } from '../../src/core/vsphere/vm';
import { chooseFromContextMenu, openPackagedWorkbench, widenSidebar, type Workbench } from './helpers';

const PASS_ENV = 'VLAB_E2E_LIVE_PASSWORD';

function panelFrame(page: Page, title: string): FrameLocator {
  return page.frameLocator(`iframe.webview.ready[title="${title}"], iframe.webview.ready`).last().frameLocator('#active-frame');
}

describe('e2e: a change made elsewhere, the Tasks view and the events of a VM', function () {
  this.timeout(300_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 1, vm: 2, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let wb: Workbench;
  let tmp: string;
  let other: VimClient;

  before(async function () {
    this.timeout(240_000);
    tmp = mkdtempSync(join(tmpdir(), 'vlab-e2e-live-'));
    process.env[PASS_ENV] = lab.vcsim.password;
    wb = await openPackagedWorkbench(tmp, {
      'vsphereLab.connections': [{ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, label: 'lab-vcsim', thumbprintSha256: lab.vcsim.thumbprintSha256, passwordEnv: PASS_ENV }],
    });
    other = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`live-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`);
  });
  lab.beforeStop(async () => {
    await other?.close();
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a power-off by another client shows on the VM row; the Tasks view lists the task', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    await widenSidebar(page, 560);
    const rows = page.locator('.part.sidebar .monaco-list-row');
    const conn = rows.filter({ hasText: 'lab-vcsim' }).first();
    await conn.waitFor({ timeout: 60_000 });
    if ((await conn.getAttribute('aria-expanded')) !== 'true') await conn.click();
    // connection → DC0 → cluster → host → VMs
    for (const label of ['DC0', 'DC0_C0', 'DC0_C0_H0']) {
      const r = rows.filter({ hasText: label }).first();
      await r.waitFor({ timeout: 60_000 });
      if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
    }
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOn' && v.hostName === 'DC0_C0_H0')!;
    const vmRow = rows.filter({ hasText: vm.name }).first();
    await vmRow.waitFor({ timeout: 60_000 });
    await vmRow.locator('.codicon-vm-running').waitFor({ timeout: 30_000 });
    // Open the Tasks view (collapsed below the inventory).
    await page.locator('.part.sidebar .pane-header', { hasText: /Tasks/i }).first().click();
    await rows.filter({ hasText: /No recent tasks|Power/i }).first().waitFor({ timeout: 60_000 });
    await powerOff(other, { type: 'VirtualMachine', value: vm.moref });
    // No refresh: the live feed redraws the row.
    await vmRow.locator('.codicon-vm-outline').waitFor({ timeout: 20_000 });
    const taskRow = rows.filter({ hasText: /Power off/i }).first();
    await taskRow.waitFor({ timeout: 30_000 });
    assert.match(await taskRow.innerText(), new RegExp(vm.name));
    await page.mouse.move(1000, 600);
    await page.waitForTimeout(800);
    const shot = await wb.screenshot('live-tasks');
    assert.ok(statSync(shot).size > 20_000);
  });

  it('Show Events on the VM: its events, newest first, naming the user', async () => {
    const { page } = wb;
    const vm = (await lab.vcsim.listVms()).find((v) => v.powerState === 'poweredOff' && v.hostName === 'DC0_C0_H0')!;
    const vmRow = () => page.locator('.part.sidebar .monaco-list-row', { hasText: vm.name }).first();
    await chooseFromContextMenu(page, vmRow, 'Show Events');
    const frame = panelFrame(page, `Events: ${vm.name}`);
    const first = frame.locator('#events tbody tr').first();
    await first.waitFor({ timeout: 60_000 });
    const text = await frame.locator('#events tbody').innerText();
    assert.match(text, /VmPoweredOffEvent/);
    assert.match(text, /administrator@vsphere\.local/);
    await page.waitForTimeout(800);
    const shot = await wb.screenshot('live-events');
    assert.ok(statSync(shot).size > 20_000);
  });
});
