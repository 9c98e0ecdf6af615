/**
 * bench/tree: how long the first level of the Inventory tree takes to appear in the real VS Code
 * for a 5,500-VM vCenter (vcsim -dc 2 -cluster 10 -host 16 -vm 250), from the click on the
 * connection to the datacenter rows on screen — connect, login, the whole inventory retrieve, the
 * tree model and rendering. Peer, in the same run: the bare retrieve of the same inventory by our
 * client in Node (connect + login + getInventory), i.e. what the tree adds is the ratio.
 *
 *   npm run bench -- tree   (packs this tree's .vsix first: scripts/package.sh)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVcsim } from '../test/lab/index';
import { installVsix, launchBrowser, openWorkbench, REPO, startCodeServer } from '../test/rig/codeServer';
import { VimClient } from '../src/core/vsphere/client';
import { getInventory } from '../src/core/vsphere/inventory';
import { packageVsix, standalone, type Harness } from './harness';

/** bench/tree through the harness: one code-server, a fresh workbench page (its own extension host) per sample. */
export async function run(h: Harness): Promise<void> {
  const vsix = packageVsix();
  console.log('starting vcsim with 5,500 VMs (about 30 s)…');
  const lab = await startVcsim({ dc: 2, cluster: 10, host: 16, vm: 250, username: 'bench', password: 'bench-pw', timeoutMs: 600_000 });
  const ud = mkdtempSync(join(tmpdir(), 'vlab-bench-tree-'));
  try {
    const vms = (await lab.listVms()).length;
    h.note(`tree: vcsim with ${vms} VMs`);
    const ext = join(ud, 'extensions');
    mkdirSync(ext, { recursive: true });
    await installVsix(vsix, ext, ud);
    const workspace = join(REPO, 'test', 'fixtures', 'workspace');
    const server = await startCodeServer({
      workspace, userDataDir: join(ud, 'user'), extensionsDir: ext, env: { VLAB_BENCH_PW: 'bench-pw' },
      settings: { 'vsphereLab.connections': [{ label: 'bench', url: lab.sdkUrl, username: 'bench', thumbprintSha256: lab.thumbprintSha256, passwordEnv: 'VLAB_BENCH_PW' }] },
    });
    const browser = await launchBrowser();
    try {
      const treeOnce = async (): Promise<{ ms: number }> => {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        try {
          await openWorkbench(page, `${server.url}/?folder=${encodeURIComponent(workspace)}`);
          await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').click();
          const row = page.locator('.part.sidebar .monaco-list-row', { hasText: 'bench' }).first();
          await row.waitFor({ timeout: 60_000 });
          await page.waitForTimeout(1000);
          const t = performance.now();
          await row.click();
          await page.locator('.part.sidebar .monaco-list-row', { hasText: 'DC1' }).first().waitFor({ timeout: 120_000 });
          return { ms: performance.now() - t };
        } finally {
          await page.close();
        }
      };
      const clientOnce = async (): Promise<void> => {
        const c = await VimClient.connect({ url: lab.sdkUrl, username: 'bench', password: 'bench-pw', trust: { mode: 'pinned', sha256: lab.thumbprintSha256 } });
        const inv = await getInventory(c);
        await c.close();
        if (inv.vms.length !== vms) throw new Error(`peer saw ${inv.vms.length} VMs, vcsim has ${vms}`);
      };
      await h.bench({
        name: 'tree', what: `Inventory tree first level in VS Code (code-server), ${vms} VMs: click → datacenters shown`,
        ours: { label: 'click on the connection → DC rows on screen (a fresh workbench each round)', run: treeOnce },
        peer: { kind: 'peer', label: 'our client alone in Node: connect + login + getInventory', run: clientOnce },
        warmup: 1, target: { maxMs: 1000 },
        note: 'the target: the first level shows within a second of the click',
      });
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await lab.stop();
    rmSync(ud, { recursive: true, force: true });
  }
}

if (require.main === module) standalone('tree', run);
