/**
 * Journey 4 on the packaged .vsix: a host short of memory (soft state, two VMs ballooning, one
 * swapping, from samples injected into vcsim), its memory chart and a VM's chart with overhead
 * measured vs documented, then an esxtop capture with a swap spike at 02:10.
 * Screenshots: test-results/memory-host.png, memory-vm.png, memory-esxtop.png.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { withLab, startEsxi } from '../lab/index';
import { writeCapture } from '../fixtures/esxtop/generate';
import { VimClient } from '../../src/core/vsphere/client';
import { runTask } from '../../src/core/vsphere/tasks';
import { chooseFromContextMenu, closeMenus, openPackagedWorkbench, widenSidebar, type Workbench } from './helpers';

const PASS_ENV = 'VLAB_E2E_MEMORY_PASSWORD';

/** A smooth ramp of n samples from a to b (KB), never 0 (vcsim omits zero samples). */
function ramp(n: number, a: number, b: number, wobble = 0.03): number[] {
  return Array.from({ length: n }, (_, i) => Math.max(1, Math.round((a + ((b - a) * i) / (n - 1)) * (1 + Math.sin(i / 3) * wobble))));
}

function panelFrame(page: Page, title: string): FrameLocator {
  // The webview of the active editor: outer iframe.webview, then the #active-frame inside it.
  return page.frameLocator(`iframe.webview.ready[title="${title}"], iframe.webview.ready`).last().frameLocator('#active-frame');
}

async function showMemoryOn(page: Page, rowText: string | RegExp): Promise<void> {
  await chooseFromContextMenu(page, () => page.locator('.part.sidebar .monaco-list-row', { hasText: rowText }).first(), 'Show Memory');
}

describe('e2e: is the host short of memory? (journey 4)', function () {
  this.timeout(300_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 3, username: 'administrator@vsphere.local', password: 'Lab-pass.1' } });
  let wb: Workbench;
  let tmp: string;
  let vmNames: string[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vlab-e2e-mem-'));
    const vms = (await lab.vcsim.listVms()).filter((v) => v.hostName === 'DC0_C0_H0' && v.powerState === 'poweredOn');
    assert.ok(vms.length >= 2, 'two VMs on DC0_C0_H0');
    vmNames = vms.map((v) => v.name);
    // Give the VMs realistic sizes (vcsim's default is 32 MB).
    const client = await VimClient.connect({ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, trust: { mode: 'pinned', sha256: lab.vcsim.thumbprintSha256 }, keepAliveMs: 0 });
    const sizes = [[4096, 2], [2048, 1], [8192, 4]];
    for (const [i, v] of vms.entries()) await runTask(client, 'ReconfigVM_Task', { type: 'VirtualMachine', value: v.moref }, [['spec', { memoryMB: sizes[i % 3][0], numCPUs: sizes[i % 3][1] }]]);
    await client.close();
    const host = vms[0].host;
    const n = 180;
    // Host: 4 GB of which 97 % in use at the end (≈ 123 MB free) → soft state under both the 4.x table
    // (soft below 157 MB, hard below 79 MB) and the 6.0+ table of the lab's default 6.5 (the same
    // minFree at 4 GB); page sharing saves ~600 MB.
    const hostKB = 4096 * 1024;
    await lab.vcsim.injectPerf(
      { entity: host, counter: 'mem.consumed.average', values: ramp(n, hostKB * 0.86, hostKB * 0.97, 0.002) },
      { entity: host, counter: 'mem.shared.average', values: ramp(n, 900 * 1024, 1000 * 1024) },
      { entity: host, counter: 'mem.sharedcommon.average', values: ramp(n, 380 * 1024, 400 * 1024) },
      { entity: host, counter: 'mem.vmmemctl.average', values: ramp(n, 1, 900 * 1024) },
      { entity: vms[0].moref, counter: 'mem.vmmemctl.average', values: ramp(n, 1, 620 * 1024) },
      { entity: vms[0].moref, counter: 'mem.vmmemctltarget.average', values: ramp(n, 200 * 1024, 700 * 1024) },
      { entity: vms[0].moref, counter: 'mem.consumed.average', values: ramp(n, 3900 * 1024, 3200 * 1024) },
      { entity: vms[0].moref, counter: 'mem.granted.average', values: ramp(n, 4000 * 1024, 3400 * 1024, 0.01) },
      { entity: vms[0].moref, counter: 'mem.active.average', values: ramp(n, 900 * 1024, 1300 * 1024, 0.1) },
      { entity: vms[0].moref, counter: 'mem.shared.average', values: ramp(n, 450 * 1024, 480 * 1024) },
      { entity: vms[0].moref, counter: 'mem.overhead.average', values: ramp(n, 190 * 1024, 196 * 1024, 0.005) },
      { entity: vms[1].moref, counter: 'mem.vmmemctl.average', values: ramp(n, 1, 280 * 1024) },
      { entity: vms[1].moref, counter: 'mem.consumed.average', values: ramp(n, 1900 * 1024, 1500 * 1024) },
      { entity: vms[1].moref, counter: 'mem.granted.average', values: ramp(n, 2000 * 1024, 1650 * 1024, 0.01) },
      { entity: vms[1].moref, counter: 'mem.active.average', values: ramp(n, 700 * 1024, 1100 * 1024, 0.1) },
      { entity: vms[1].moref, counter: 'mem.shared.average', values: ramp(n, 150 * 1024, 160 * 1024) },
      { entity: vms[1].moref, counter: 'mem.overhead.average', values: ramp(n, 128 * 1024, 131 * 1024, 0.005) },
      { entity: vms[1].moref, counter: 'mem.swapped.average', values: ramp(n, 1, 96 * 1024, 0.2) },
      { entity: vms[1].moref, counter: 'mem.swapinRate.average', values: ramp(n, 1, 300, 0.8) },
      { entity: vms[1].moref, counter: 'mem.swapoutRate.average', values: ramp(n, 1, 900, 0.8) },
    );
    const file = join(tmp, 'esx01-night.csv');
    // 00:00 → 04:00 at 2 s; the squeeze starts at 01:30, the spike peaks at 02:10.
    writeCapture(file, {
      host: 'esx01.lab.local', names: ['exch01', 'sql01', 'web01', 'file01', 'dc01'], samples: 7200,
      start: new Date(Date.UTC(2010, 8, 14, 0, 0, 0)), balloonFrom: 2700, spikeAt: 3900, spikeWidth: 150, swapVms: [1], hostMemoryMB: 24576,
      // 12 % free until 01:30, down to the soft state, a dip into hard at 02:10, back to soft.
      freePct: (s) => (s < 2700 ? 12 - s / 2700 : s < 3300 ? 11 - (6 * (s - 2700)) / 600 : 5 - 2.4 * Math.exp(-(((s - 3900) / 260) ** 2))) + 0.05 * Math.sin(s / 17),
    });
    process.env[PASS_ENV] = lab.vcsim.password;
    wb = await openPackagedWorkbench(tmp, {
      'vsphereLab.connections': [{ url: lab.vcsim.sdkUrl, username: lab.vcsim.username, label: 'lab-vcsim', thumbprintSha256: lab.vcsim.thumbprintSha256, passwordEnv: PASS_ENV }],
      'vsphereLab.inventory.autoRefreshSeconds': 0,
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`memory-failed-${this.currentTest.title.slice(0, 20).replace(/\W+/g, '-')}`);
  });
  lab.beforeStop(async () => {
    await wb?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the host chart: soft state, the ladder, the VMs that balloon and swap', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
    const conn = page.locator('.part.sidebar .monaco-list-row', { hasText: 'lab-vcsim' }).first();
    await conn.waitFor({ timeout: 60_000 });
    if ((await conn.getAttribute('aria-expanded')) !== 'true') await conn.click();
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0' }).first().waitFor({ timeout: 60_000 });
    // Go to VM reveals the VM under its host (expanding datacenter, cluster and host).
    await page.locator('.part.sidebar .action-label[aria-label*="Go to VM"]').first().click();
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill(vmNames[0]);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: vmNames[0] }).first().waitFor({ timeout: 20_000 });
    await input.press('Enter');
    await page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0_C0_H0' }).first().waitFor({ timeout: 30_000 });
    await widenSidebar(page, 430);
    await showMemoryOn(page, 'DC0_C0_H0');
    const frame = panelFrame(page, 'Memory: DC0_C0_H0');
    await frame.locator('.chart canvas').first().waitFor({ timeout: 60_000 });
    const state = await frame.locator('h1 .state').getAttribute('data-state');
    assert.equal(state, 'soft');
    const rows = await frame.locator('table[data-list="reclaiming"] tbody tr').count();
    assert.equal(rows, 2, 'two VMs reclaimed from');
    assert.match(await frame.locator('.step[data-step="balloon"]').innerText(), /now/);
    // A soft host does not trigger swapping: the swapped VM is "seen", not "now", and swap stays "next".
    const swapStep = await frame.locator('.step[data-step="swap"]').innerText();
    assert.doesNotMatch(swapStep, /\bnow\b/, 'a soft host does not swap now');
    assert.match(swapStep, /seen on 1 VM/, 'the VM with swapped memory is seen on the swap step');
    assert.match(swapStep, /next/);
    assert.match(await frame.locator('.step[data-step="swap"] .tag-seen').getAttribute('title') ?? '', /VM memory limit/);
    assert.ok(await frame.locator('[data-chart="vmBalloon"] canvas').count());
    await page.waitForTimeout(800);
    const shot = await wb.screenshot('memory-host');
    assert.ok(statSync(shot).size > 20_000);
    // The tree marks the VMs that balloon or swap.
    const vmRow = page.locator('.part.sidebar .monaco-list-row', { hasText: /balloon \d+ MB/ });
    assert.ok(await vmRow.count() >= 2, 'warnings in the tree');
  });

  it('the context menus of a host and a VM offer their panels and commands; screenshots', async () => {
    const { page } = wb;
    const menuLabels = async (row: string | RegExp, shot: string): Promise<string[]> => {
      await closeMenus(page);
      await page.locator('.part.sidebar .monaco-list-row', { hasText: row }).first().click({ button: 'right' });
      const items = page.locator('.context-view .monaco-menu .action-item .action-label');
      await items.first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(600); // every extension's items resolved
      await wb.screenshot(shot);
      const labels = (await items.allInnerTexts()).map((l) => l.trim()).filter(Boolean);
      await closeMenus(page);
      return labels;
    };
    const host = await menuLabels('DC0_C0_H0', 'menu-host');
    for (const want of ['Show Memory', 'Capture esxtop over SSH…', 'Replace Certificate…']) assert.ok(host.includes(want), `host menu: ${host.join(' | ')}`);
    const vm = await menuLabels(vmNames[0], 'menu-vm');
    for (const want of ['Open .vmx', 'Boot from USB Key…', 'Diagnose Backups…', 'Show Memory']) assert.ok(vm.includes(want), `VM menu: ${vm.join(' | ')}`);
  });

  it('a VM chart: stacked memory, overhead measured vs the documented tables', async () => {
    const { page } = wb;
    await showMemoryOn(page, /swapped \d+ MB/);
    const frame = panelFrame(page, 'Memory');
    await frame.locator('[data-chart="vmStack"] canvas').first().waitFor({ timeout: 60_000 });
    const overhead = await frame.locator('table.overhead').innerText();
    assert.match(overhead, /Measured/);
    assert.match(overhead, /vSphere 4\.0 table/);
    await page.waitForTimeout(800);
    await wb.screenshot('memory-vm');
  });

  it('an esxtop capture from last night shows the swap spike at 02:10', async () => {
    const { page } = wb;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('>vSphere Lab: Open esxtop Capture');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open esxtop Capture' }).first().click();
    // The open dialog (VS Code's simple file dialog in code-server) starts in the workspace.
    const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'esx01-night.csv' }).first();
    await entry.waitFor({ timeout: 20_000 });
    await entry.click();
    const ok = page.locator('.quick-input-widget .monaco-button', { hasText: 'Open Capture' });
    if (await ok.isVisible().catch(() => false)) await ok.click({ timeout: 3_000 }).catch(() => undefined);
    const frame = panelFrame(page, 'esxtop: esx01-night.csv');
    await frame.locator('[data-chart="vmSwapped"] canvas').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(800);
    await wb.screenshot('memory-esxtop');
  });

  it('Capture esxtop over SSH… on a host: address, user, preset, password, the unknown host key, then the charts; screenshots', async () => {
    const { page } = wb;
    // An ESXi shell paired with this lab.vcsim; its clock runs 50× fast so the "1 minute" preset takes ~1 s.
    const esxi = await startEsxi({ vcsim: lab.vcsim, password: 'Ssh-pass.1', esxtopTimeScale: 0.02 });
    try {
      await chooseFromContextMenu(page, () => page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC0_C0_H0' }).first(), 'Capture esxtop over SSH…');
      const input = page.locator('.quick-input-widget input').first();
      const answer = async (title: RegExp, value?: string): Promise<void> => {
        await page.locator('.quick-input-widget', { hasText: title }).first().waitFor({ timeout: 15_000 });
        if (value !== undefined) await input.fill(value);
        await input.press('Enter');
      };
      await answer(/SSH address of the host/, `${esxi.host}:${esxi.port}`);
      await answer(/User name on/); // root is offered
      await answer(/How long to capture/); // 1 minute: 30 samples every 2 s
      await answer(/Capture esxtop over SSH/); // open in the memory panel
      await answer(/Password for root@/, esxi.password);
      // First contact: the host key is shown, with the file to compare it with for its type.
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 30_000 });
      const text = await dialog.innerText();
      assert.match(text, /presents an SSH host key vSphere Lab has not seen before/);
      assert.ok(text.includes(esxi.hostKeySha256), text);
      assert.match(text, /ssh_host_ed25519_key\.pub/);
      await wb.screenshot('memory-esxtop-ssh-hostkey');
      await dialog.locator('.monaco-button', { hasText: 'Trust and Connect' }).click();
      // The capture opens in its own panel, named after the CSV kept in the extension's storage.
      const tab = page.locator('.tabs-container .tab', { hasText: /esxtop: 127\.0\.0\.1-/ });
      await tab.waitFor({ timeout: 60_000 });
      const frame = panelFrame(page, (await tab.innerText()).trim());
      await frame.locator('h1', { hasText: /127\.0\.0\.1-/ }).waitFor({ timeout: 60_000 });
      await frame.locator('[data-chart="vmBalloon"] canvas').first().waitFor({ timeout: 30_000 });
      assert.ok(esxi.commands.some((c) => /^esxtop -b -a -d 2 -n 30$/.test(c)), esxi.commands.join(' | '));
      await page.waitForTimeout(800);
      await wb.screenshot('memory-esxtop-ssh');
    } finally {
      await esxi.stop();
    }
  });
});
