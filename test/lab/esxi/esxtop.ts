/**
 * `esxtop -b [-a] -d D -n N`: PDH-CSV with the host's memory columns and each powered-on VM's
 * Group Memory columns (the column set of a real ESXi 6 capture, DOMAIN.md §3, for every
 * generation: no capture of another generation is known). Balloon, swap and the other figures
 * come from the paired vcsim's injected perf samples (GET /lab/perf), KB → MB.
 */
import type { LabVm, PerfInjection } from '../vcsim';
import { vmid, type Host } from './host';
import { err, ok, type ExecResult } from './shell';

const VM_COLUMNS = ['Memory Size MBytes', 'Memory Granted Size MBytes', 'Memory Consumed Size MBytes', 'Memctl MBytes', 'Swapped MBytes', 'Shared MBytes', 'Zero MBytes', 'Overhead MBytes', 'Compressed Memory MBytes'];

function fmtCsvTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function perfValue(inj: PerfInjection[], vm: LabVm, counter: string, sample: number): number | undefined {
  const hit = inj.find((i) => i.entity === vm.moref && i.counter === counter) ?? inj.find((i) => i.entity === 'VirtualMachine' && i.counter === counter);
  if (!hit || hit.values.length === 0) return undefined;
  return hit.values[sample % hit.values.length];
}

function parseArgs(args: string[]): { delay: number; count: number } | ExecResult {
  let batch = false;
  let delay = 5;
  let count = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-b') batch = true;
    else if (a === '-d') delay = Number(args[++i]);
    else if (a === '-n') count = Number(args[++i]);
    else if (a === '-a') continue;
    else return err(`esxtop: unknown option '${a}'\n`);
  }
  if (!batch) return err('esxtop: interactive mode needs a terminal; this simulator supports batch mode (-b) only\n');
  if (!Number.isFinite(delay) || delay < 0 || !Number.isInteger(count) || count < 1) return err('esxtop: invalid -d or -n\n');
  return { delay, count };
}

/** One sample row: the host's figures, then each VM's. */
function sampleRow(host: Host, vms: LabVm[], inj: PerfInjection[], s: number, at: Date): string[] {
  const mb = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);
  const f = (n: number) => n.toFixed(2);
  let used = 1024; // VMkernel and friends
  let memctl = 0;
  let swapped = 0;
  const vmVals: string[] = [];
  for (const vm of vms) {
    const size = vm.memoryMB;
    const balloon = mb(perfValue(inj, vm, 'mem.vmmemctl.average', s)) ?? 0;
    const swap = mb(perfValue(inj, vm, 'mem.swapped.average', s)) ?? 0;
    const granted = mb(perfValue(inj, vm, 'mem.granted.average', s)) ?? size;
    const consumed = mb(perfValue(inj, vm, 'mem.consumed.average', s)) ?? Math.max(0, granted - balloon - swap) * 0.8;
    const shared = mb(perfValue(inj, vm, 'mem.shared.average', s)) ?? 0;
    const zero = mb(perfValue(inj, vm, 'mem.zero.average', s)) ?? 0;
    const overhead = mb(perfValue(inj, vm, 'mem.overhead.average', s)) ?? 20.29;
    const compressed = mb(perfValue(inj, vm, 'mem.compressed.average', s)) ?? 0;
    used += consumed + overhead;
    memctl += balloon;
    swapped += swap;
    vmVals.push(...[size, granted, consumed, balloon, swap, shared, zero, overhead, compressed].map(f));
  }
  const total = host.hostMemoryMB;
  return [fmtCsvTime(at), f(total), f(Math.max(0, total - used)), f(memctl), f(memctl), f(swapped), ...vmVals];
}

export async function esxtop(host: Host, args: string[]): Promise<ExecResult> {
  const parsed = parseArgs(args);
  if ('code' in parsed) return parsed;
  const { delay, count } = parsed;
  const vms = (await host.vcsim.listVms()).filter((v) => v.powerState === 'poweredOn');
  const inj = await host.vcsim.injectedPerf();
  const H = `\\\\${host.hostname}`;
  const header = [
    '(PDH-CSV 4.0) (UTC)(0)',
    `${H}\\Memory\\Machine MBytes`,
    `${H}\\Memory\\Free MBytes`,
    `${H}\\Memory\\Memctl Current MBytes`,
    `${H}\\Memory\\Memctl Target MBytes`,
    `${H}\\Memory\\Swap Used MBytes`,
  ];
  for (const vm of vms) for (const c of VM_COLUMNS) header.push(`${H}\\Group Memory(${1000000 + vmid(vm) * 100}:${vm.name})\\${c}`);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const rows = [header.map(q).join(',')];
  // Sample times follow the lab clock: `delay` apart even when esxtopTimeScale makes the wait shorter.
  const startedAt = Date.now();
  for (let s = 0; s < count; s++) {
    if (s > 0) await new Promise((r) => setTimeout(r, delay * 1000 * host.esxtopTimeScale));
    rows.push(sampleRow(host, vms, inj, s, new Date(startedAt + s * delay * 1000)).map(q).join(','));
  }
  return ok(rows.join('\r\n') + '\r\n');
}
