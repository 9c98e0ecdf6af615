/**
 * Memory benchmark, two measures in the same run:
 *   memory-queryperf – 100 VMs × 8 memory counters over 1 h of real-time samples (180 × 20 s) from a
 *     vcsim with injected samples: ours = queryMemory (one QueryPerf for every VM and counter);
 *     peer = one QueryPerf per VM (what a per-VM loop does). Calls made, median time of N runs.
 *   memory-render – a 24 h esxtop capture at 2 s (43,200 samples × 12 series) drawn by uPlot in
 *     headless Chromium (playwright-core + /usr/bin/chromium, the rig's flags): ours = min/max
 *     decimation to the plot width, then first draw plus a zoom in and out; peer = the same on the
 *     undecimated series.
 *   queryperf-calls-* – QueryPerf calls for real-time, day and week ranges (checked).
 * Run: npm run bench -- memory   (or npx tsx bench/memory.ts)
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { startVcsim, REPO_ROOT } from '../test/lab/vcsim';
import { launchBrowser } from '../test/rig/codeServer';
import { VimClient } from '../src/core/vsphere/client';
import { getPerfCatalog } from '../src/core/vsphere/perf';
import { queryMemory, type MetricKey } from '../src/core/memory/counters';
import { standalone, type Harness } from './harness';

const COUNTERS: Array<[MetricKey, string]> = [
  ['consumed', 'mem.consumed.average'], ['granted', 'mem.granted.average'], ['active', 'mem.active.average'], ['shared', 'mem.shared.average'],
  ['balloon', 'mem.vmmemctl.average'], ['swapped', 'mem.swapped.average'], ['overhead', 'mem.overhead.average'], ['compressed', 'mem.compressed.average'],
];

const VM_COUNT = 100;
/** vCenter's default `config.vpxd.stats.maxQueryMetrics` for historical intervals (see src/core/memory/counters.ts). */
const HISTORICAL_CAP = 64;

async function benchQueryPerf(h: Harness): Promise<void> {
  const sim = await startVcsim({ dc: 1, cluster: 1, host: 4, vm: VM_COUNT, timeoutMs: 120000 });
  try {
    const client = await VimClient.connect({ url: sim.sdkUrl, username: sim.username, password: sim.password, trust: { mode: 'pinned', sha256: sim.thumbprintSha256 }, keepAliveMs: 0, timeoutMs: 120000 });
    const vms = (await sim.listVms()).slice(0, VM_COUNT);
    // One hour of samples per counter, nonzero (vcsim omits zeros).
    await sim.injectPerf(...COUNTERS.map(([, counter], i) => ({ entity: 'VirtualMachine', counter, values: Array.from({ length: 180 }, (_, k) => 1024 * (100 + i * 10 + (k % 17))) })));
    const catalog = await getPerfCatalog(client);
    const entities = vms.map((v) => ({ ref: { type: 'VirtualMachine', value: v.moref }, kind: 'vm' as const }));
    const metrics = COUNTERS.map(([k]) => k);
    // Same answer both ways, and the calls each way makes.
    const a = await queryMemory(client, catalog, { entities, range: 'realtime', metrics });
    const b = await queryMemory(client, catalog, { entities, range: 'realtime', metrics, maxMetricsPerCall: metrics.length });
    for (const v of vms) {
      if (JSON.stringify(a.series.get(v.moref)?.values.balloon) !== JSON.stringify(b.series.get(v.moref)?.values.balloon)) throw new Error(`batched and per-VM answers differ for ${v.name}`);
    }
    const samples = a.series.get(vms[0].moref)?.t.length ?? 0;
    if (!samples) throw new Error('batched QueryPerf returned no samples');
    h.note(`memory-queryperf: ${vms.length} VMs × ${metrics.length} counters × ${samples} real-time samples; per VM = ${b.calls} calls`);
    await h.bench({
      name: 'memory-queryperf', what: `QueryPerf, ${vms.length} VMs × ${metrics.length} memory counters, 1 h real-time`,
      ours: { label: `queryMemory batched (${a.calls} call)`, run: () => queryMemory(client, catalog, { entities, range: 'realtime', metrics }) },
      peer: { kind: 'peer', label: `one QueryPerf per VM (${b.calls} calls)`, run: () => queryMemory(client, catalog, { entities, range: 'realtime', metrics, maxMetricsPerCall: metrics.length }) },
      warmup: 1, target: {},
    });
    for (const range of ['realtime', 'day', 'week'] as const) {
      const r = await queryMemory(client, catalog, { entities, range, metrics });
      const perVm = vms.length;
      const metricsAsked = vms.length * metrics.length;
      if (range === 'realtime') {
        h.check({ name: `queryperf-calls-${range}`, what: 'QueryPerf calls for 100 VMs, real-time', value: r.calls, unit: 'calls',
          target: `≤ ${perVm / 10} (≥ 10× fewer than ${perVm}, one per VM)`, ok: r.calls * 10 <= perVm,
          note: 'real-time statistics are served by the hosts: no per-query metric cap, so one call carries every VM and counter' });
      } else {
        const floor = Math.ceil(metricsAsked / HISTORICAL_CAP);
        h.check({ name: `queryperf-calls-${range}`, what: `QueryPerf calls for 100 VMs, ${range}`, value: r.calls, unit: 'calls',
          target: `= ${floor} (the cap's minimum; ${(perVm / floor).toFixed(1)}× fewer than ${perVm})`, ok: r.calls <= floor,
          note: `vCenter caps a historical query at config.vpxd.stats.maxQueryMetrics = ${HISTORICAL_CAP} entity × counter metrics by default: ${vms.length} VMs × ${metrics.length} counters = ${metricsAsked} metrics need at least ⌈${metricsAsked}/${HISTORICAL_CAP}⌉ = ${floor} calls, so ≥ 10× fewer than one per VM is impossible there; we make exactly that minimum` });
      }
    }
    await client.close();
  } finally {
    await sim.stop();
  }
}

async function benchRender(h: Harness): Promise<void> {
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
    const first = await render(true);
    h.note(`memory-render: 43,200 samples × 12 series (24 h at 2 s); decimated to ${first.drawn} points for a 1200 px plot`);
    await h.bench({
      name: 'memory-render', what: 'uPlot first draw + zoom in/out of a 24 h esxtop capture, headless Chromium',
      ours: { label: 'min/max decimation to the plot width, then draw', run: async () => ({ ms: (await render(true)).ms }) },
      peer: { kind: 'peer', label: 'the same on the undecimated series', run: async () => ({ ms: (await render(false)).ms }) },
      warmup: 1, target: {},
    });
  } finally {
    await browser.close();
  }
}

/** bench/memory through the harness. */
export async function run(h: Harness): Promise<void> {
  await benchQueryPerf(h);
  await benchRender(h);
}

if (require.main === module) standalone('memory', run);
