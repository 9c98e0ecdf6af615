/**
 * Memory benchmark, two measures in the same run:
 *   memory-queryperf – 100 VMs × 8 memory counters over 1 h of real-time samples (180 × 20 s) from a
 *     vcsim with injected samples: ours = queryMemory (one QueryPerf for every VM and counter);
 *     peer = one QueryPerf per VM (what a per-VM loop does). Calls made, median time of N runs.
 *   memory-render – a 24 h esxtop capture at 2 s (43,200 samples × 12 series) drawn by uPlot in
 *     headless Chromium (playwright-core + /usr/bin/chromium, the rig's flags): ours = min/max
 *     decimation to the plot width, then first draw plus a zoom in and out; peer = the same on the
 *     undecimated series.
 * Run: npx tsx bench/memory.ts [--runs N]
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { startVcsim, REPO_ROOT } from '../test/lab/vcsim';
import { launchBrowser } from '../test/rig/codeServer';
import { VimClient } from '../src/core/vsphere/client';
import { getPerfCatalog } from '../src/core/vsphere/perf';
import { queryMemory, type MetricKey } from '../src/core/memory/counters';

const COUNTERS: Array<[MetricKey, string]> = [
  ['consumed', 'mem.consumed.average'], ['granted', 'mem.granted.average'], ['active', 'mem.active.average'], ['shared', 'mem.shared.average'],
  ['balloon', 'mem.vmmemctl.average'], ['swapped', 'mem.swapped.average'], ['overhead', 'mem.overhead.average'], ['compressed', 'mem.compressed.average'],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function benchQueryPerf(runs: number): Promise<{ ours: number; peer: number; oursCalls: number; peerCalls: number; vms: number; samples: number }> {
  const sim = await startVcsim({ dc: 1, cluster: 1, host: 4, vm: 100, timeoutMs: 120000 });
  try {
    const client = await VimClient.connect({ url: sim.sdkUrl, username: sim.username, password: sim.password, trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 120000 });
    const vms = (await sim.listVms()).slice(0, 100);
    // One hour of samples per counter, nonzero (vcsim omits zeros).
    await sim.injectPerf(...COUNTERS.map(([, counter], i) => ({ entity: 'VirtualMachine', counter, values: Array.from({ length: 180 }, (_, k) => 1024 * (100 + i * 10 + (k % 17))) })));
    const catalog = await getPerfCatalog(client);
    const entities = vms.map((v) => ({ ref: { type: 'VirtualMachine', value: v.moref }, kind: 'vm' as const }));
    const metrics = COUNTERS.map(([k]) => k);
    const ours: number[] = [];
    const peer: number[] = [];
    let oursCalls = 0;
    let peerCalls = 0;
    let samples = 0;
    for (let r = 0; r < runs + 1; r++) {
      // Interleaved so both see the same server state; the first round warms up.
      let t = performance.now();
      const a = await queryMemory(client, catalog, { entities, range: 'realtime', metrics });
      const dOurs = performance.now() - t;
      t = performance.now();
      const b = await queryMemory(client, catalog, { entities, range: 'realtime', metrics, maxMetricsPerCall: metrics.length });
      const dPeer = performance.now() - t;
      if (r === 0) {
        oursCalls = a.calls;
        peerCalls = b.calls;
        samples = a.series.get(vms[0].moref)?.t.length ?? 0;
        // Same answer both ways.
        for (const v of vms) {
          const x = JSON.stringify(a.series.get(v.moref)?.values.balloon);
          if (x !== JSON.stringify(b.series.get(v.moref)?.values.balloon)) throw new Error(`batched and per-VM answers differ for ${v.name}`);
        }
        continue;
      }
      ours.push(dOurs);
      peer.push(dPeer);
    }
    await client.close();
    return { ours: median(ours), peer: median(peer), oursCalls, peerCalls, vms: vms.length, samples };
  } finally {
    await sim.stop();
  }
}

async function benchRender(runs: number): Promise<{ ours: number; peer: number; points: number; drawn: number }> {
  const decimate = await esbuild.build({
    stdin: { contents: "export { decimateMinMax } from './src/core/memory/decimate';", resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true, format: 'iife', globalName: 'Dec', write: false, platform: 'browser', target: 'es2022',
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent('<!DOCTYPE html><html><body style="margin:0"><div id="c"></div></body></html>');
    await page.addScriptTag({ path: path.join(REPO_ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.iife.min.js') });
    await page.addStyleTag({ path: path.join(REPO_ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css') });
    await page.addScriptTag({ content: decimate.outputFiles[0].text });
    // 24 h at 2 s, 12 series (host free + 11 VMs' balloon / swapped), with a swap spike.
    await page.evaluate(() => {
      const n = 43200;
      const x = new Float64Array(n);
      const t0 = Date.UTC(2010, 8, 14) / 1000;
      for (let i = 0; i < n; i++) x[i] = t0 + i * 2;
      const ys: number[][] = [];
      for (let s = 0; s < 12; s++) {
        const y = new Array<number>(n);
        for (let i = 0; i < n; i++) y[i] = 500 + s * 80 + Math.sin(i / (200 + s * 13)) * 60 + ((i * 7919 + s * 104729) % 97) / 4 + (s === 3 && Math.abs(i - 3900 * 8) < 40 ? 800 : 0);
        ys.push(y);
      }
      (globalThis as unknown as { benchData: unknown }).benchData = { x: Array.from(x), ys };
    });
    const render = (decimated: boolean) => page.evaluate(async (dec: boolean) => {
      // Runs in the page: the DOM is there, but this file is type-checked without DOM types.
      const w = globalThis as unknown as {
        benchData: { x: number[]; ys: number[][] };
        uPlot: new (o: unknown, d: unknown, el: unknown) => { destroy(): void; width: number };
        Dec: { decimateMinMax(x: number[], ys: number[][], b: number): { x: number[]; ys: Array<Array<number | null>> } };
        document: { getElementById(id: string): { textContent: string } | null };
      };
      const el = w.document.getElementById('c')!;
      el.textContent = '';
      const width = 1200;
      const t = performance.now();
      let data: unknown[];
      let drawn: number;
      if (dec) {
        const d = w.Dec.decimateMinMax(w.benchData.x, w.benchData.ys, width);
        data = [d.x, ...d.ys];
        drawn = d.x.length;
      } else {
        data = [w.benchData.x, ...w.benchData.ys];
        drawn = w.benchData.x.length;
      }
      const u = new w.uPlot({
        width, height: 300, series: [{}, ...w.benchData.ys.map((_, i) => ({ stroke: `hsl(${i * 30},70%,50%)`, width: 1 }))],
        scales: { x: { time: true } },
      }, data, el);
      // uPlot draws on commit (a queued microtask): the awaits below run after it.
      await Promise.resolve();
      // Then a zoom in and out, as a user does.
      const x0 = w.benchData.x[0];
      const x1 = w.benchData.x[w.benchData.x.length - 1];
      (u as unknown as { setScale(k: string, s: { min: number; max: number }): void }).setScale('x', { min: x0 + (x1 - x0) * 0.4, max: x0 + (x1 - x0) * 0.6 });
      (u as unknown as { setScale(k: string, s: { min: number; max: number }): void }).setScale('x', { min: x0, max: x1 });
      await Promise.resolve();
      const ms = performance.now() - t;
      u.destroy();
      return { ms, drawn };
    }, decimated);
    const ours: number[] = [];
    const peer: number[] = [];
    let drawn = 0;
    for (let r = 0; r < runs + 1; r++) {
      const a = await render(true);
      const b = await render(false);
      if (r === 0) {
        drawn = a.drawn;
        continue;
      }
      ours.push(a.ms);
      peer.push(b.ms);
    }
    return { ours: median(ours), peer: median(peer), points: 43200, drawn };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
  const q = await benchQueryPerf(runs);
  console.log(`queryperf: ${q.vms} VMs × ${COUNTERS.length} counters × ${q.samples} real-time samples; batched ${q.oursCalls} call(s) ${q.ours.toFixed(1)} ms, per VM ${q.peerCalls} calls ${q.peer.toFixed(1)} ms (median of ${runs})`);
  const r = await benchRender(runs);
  console.log(`render: ${r.points} samples × 12 series; decimated to ${r.drawn} points ${r.ours.toFixed(1)} ms, undecimated ${r.peer.toFixed(1)} ms (median of ${runs})`);
  console.log(`BENCH memory-queryperf ours=${q.ours.toFixed(1)}ms peer=${q.peer.toFixed(1)}ms ratio=${(q.ours / q.peer).toFixed(3)}`);
  console.log(`BENCH memory-render ours=${r.ours.toFixed(1)}ms peer=${r.peer.toFixed(1)}ms ratio=${(r.ours / r.peer).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
