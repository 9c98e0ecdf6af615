/**
 * The demo: the lab (a vCenter simulator with 2 clusters × 4 hosts, an ESXi with its SSH shell)
 * and the packaged extension in a real VS Code (code-server) with a sample workspace and both lab
 * connections declared and pinned. Two generations side by side: the vCenter plays 8.0 (its hosts
 * ESXi 8.0), the standalone host ESXi 4.1 (vcsim -esx -generation 4.1, and its SSH shell).
 * Prints the URL and stays up until Ctrl-C.
 * With --screenshot FILE it opens the workbench in Chromium, expands the inventory, saves a
 * screenshot and exits.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startDemoLab } from '../test/lab/demo';
import { installVsix, launchBrowser, openWorkbench, REPO, startCodeServer } from '../test/rig/codeServer';
import { packagedVsix, widenSidebar } from '../test/e2e/helpers';
import { writeCapture } from '../test/fixtures/esxtop/generate';

/**
 * Sample files for the journeys that start from files (git-ignored, made anew each run): the Data
 * Recovery logs of a night the Windows 2008 R2 backup failed, and an esxtop capture of a night
 * with a memory squeeze (ballooning from 01:30, a swap spike at 02:10).
 */
function writeSamples(workspace: string): void {
  const vdr = join(workspace, 'datarecovery');
  mkdirSync(vdr, { recursive: true });
  for (const f of ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']) copyFileSync(join(REPO, 'test', 'fixtures', 'vdr', f), join(vdr, f));
  const esxtop = join(workspace, 'esxtop');
  mkdirSync(esxtop, { recursive: true });
  writeCapture(join(esxtop, 'esx01-night.csv'), {
    host: 'esx01.lab.local', names: ['exch01', 'sql01', 'web01', 'file01', 'dc01'], samples: 7200,
    start: new Date(Date.UTC(2010, 8, 14, 0, 0, 0)), balloonFrom: 2700, spikeAt: 3900, spikeWidth: 150, swapVms: [1], hostMemoryMB: 24576,
    freePct: (s) => (s < 2700 ? 12 - s / 2700 : s < 3300 ? 11 - (6 * (s - 2700)) / 600 : 5 - 2.4 * Math.exp(-(((s - 3900) / 260) ** 2))) + 0.05 * Math.sin(s / 17),
  });
}

async function expand(page: Page, label: string | RegExp): Promise<void> {
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await page.waitForTimeout(400);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { screenshot: { type: 'string' } } });
  console.log('starting the lab (vcsim + ESXi simulator)…');
  const lab = await startDemoLab({ vcenterGeneration: '8.0', esxGeneration: '4.1', backupFaults: true });
  const facts = lab.facts();
  const workspace = join(REPO, 'demo', 'workspace');
  writeSamples(workspace);
  const userDataDir = join(REPO, '.vscode-test', 'demo-user');
  rmSync(userDataDir, { recursive: true, force: true });
  const extensionsDir = join(userDataDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  await installVsix(packagedVsix(), extensionsDir, userDataDir);
  const server = await startCodeServer({
    workspace, userDataDir, extensionsDir,
    // The passwords reach the extension host as environment variables, never as settings.
    env: { VLAB_DEMO_VC_PASSWORD: facts.vcenter.password, VLAB_DEMO_ESX_PASSWORD: facts.esxiApi.password },
    settings: {
      'vsphereLab.connections': [
        { label: 'Lab vCenter 8.0 (vcsim)', url: facts.vcenter.sdkUrl, username: facts.vcenter.username, thumbprintSha256: facts.vcenter.thumbprintSha256, passwordEnv: 'VLAB_DEMO_VC_PASSWORD' },
        { label: 'Lab ESXi 4.1 host (vcsim -esx)', url: facts.esxiApi.sdkUrl, username: facts.esxiApi.username, thumbprintSha256: facts.esxiApi.thumbprintSha256, passwordEnv: 'VLAB_DEMO_ESX_PASSWORD' },
      ],
    },
  });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await lab.stop();
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  if (values.screenshot) {
    const browser = await launchBrowser();
    try {

      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openWorkbench(page, url);
      await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
      try {
        await expand(page, 'Lab ESXi 4.1 host (vcsim -esx)');
        await expand(page, 'Lab vCenter 8.0 (vcsim)');
        await expand(page, 'DC0');
        await expand(page, 'DC0_C0');
        await expand(page, 'DC0_C0_H0');
        await page.locator('.part.sidebar .monaco-list-row', { hasText: /_VM\d/ }).first().waitFor({ timeout: 30_000 });
      } catch (e) {
        await page.screenshot({ path: `${resolve(values.screenshot)}.failed.png` });
        throw e;
      }
      await widenSidebar(page, 470);
      // A .vmx from the sample workspace beside the tree, with its problems.
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('win2008r2.vmx');
      await page.waitForTimeout(600);
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
      await page.mouse.move(900, 700);
      await page.waitForTimeout(800);
      const out = resolve(values.screenshot);
      await page.screenshot({ path: out });
      console.log(`screenshot: ${out}`);
    } finally {
      await browser.close();
      await stop();
    }
    return;
  }
  console.log(`
vSphere Lab demo is running: ${url}

The lab (also declared in the Inventory view):
  vCenter 8.0  ${facts.vcenter.sdkUrl}  ${facts.vcenter.username} / ${facts.vcenter.password}  (${facts.vcenter.vms} VMs)
  ESXi 4.1 API ${facts.esxiApi.sdkUrl}  ${facts.esxiApi.username} / ${facts.esxiApi.password}
  ESXi 4.1 SSH ${facts.esxiSsh.host}:${facts.esxiSsh.port}  ${facts.esxiSsh.username} / ${facts.esxiSsh.password}

Sample files in the workspace: win2008r2.vmx (Diagnose Backups…, Boot from USB Key…),
datarecovery/*.log (select them with the .vmx for Diagnose Backups…), and
esxtop/esx01-night.csv (vSphere Lab: Open esxtop Capture…).

Ctrl-C stops everything.
`);
}

main().catch((e) => { console.error(e); process.exit(1); });
