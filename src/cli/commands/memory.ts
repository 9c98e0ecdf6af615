/**
 * `vlab memory overhead --mem MB --vcpus N [--table 4.0|6.5] [--json]`: the documented per-VM memory
 * overhead (exact, interpolated between two known rows, or unknown — never extrapolated).
 * `vlab memory esxtop FILE [--json]`: per-VM summary of an esxtop batch capture (streamed): peak
 * balloon, peak swapped and when, page-sharing savings. Exit 1 when a VM swapped.
 */
import { requireInputFile } from '../files';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, UsageError } from '../command';
import { estimateOverhead, OVERHEAD_TABLES, type OverheadTableId } from '../../core/memory/overhead';
import { EsxtopFormatError, parseEsxtopFile, summarizeCapture, type EsxtopSummary } from '../../core/memory/esxtop';

function positiveNumber(v: unknown, flag: string, integer = false): number {
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${flag} is required`);
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${v}"`);
  }
  return n;
}

const overhead: CliCommand = {
  path: ['memory', 'overhead'],
  summary: 'Documented memory overhead of a VM by its memory and vCPUs.',
  synopsis: '--mem MB --vcpus N [--table 4.0|6.5] [--json]',
  options: {
    mem: { type: 'string', description: 'configured VM memory in MB', valueName: 'MB' },
    vcpus: { type: 'string', description: 'number of virtual CPUs', valueName: 'N' },
    table: { type: 'string', description: 'vSphere table: 4.0 (default) or 6.5', valueName: 'ID' },
  },
  positionals: { min: 0, max: 0 },
  async run(inv: CliInvocation): Promise<number> {
    const mem = positiveNumber(inv.values.mem, 'mem');
    const vcpus = positiveNumber(inv.values.vcpus, 'vcpus', true);
    const table = (inv.values.table ?? '4.0') as string;
    if (!(table in OVERHEAD_TABLES)) throw new UsageError(`--table must be one of ${Object.keys(OVERHEAD_TABLES).join(', ')}, got "${table}"`);
    const e = estimateOverhead(mem, vcpus, table as OverheadTableId);
    emit(inv, e, () => {
      const head = e.overheadMB === undefined ? 'no estimate' : `${e.overheadMB.toFixed(2)} MB (${e.method})`;
      return `${mem} MB, ${vcpus} vCPU: ${head}\n  ${e.note}\n  table: ${OVERHEAD_TABLES[e.table].source}`;
    });
    return e.overheadMB === undefined ? EXIT_FINDINGS : EXIT_OK;
  },
};

function renderEsxtop(file: string, s: EsxtopSummary): string {
  const lines = [
    `${file}: host ${s.host || '?'}, ${s.rows} samples${s.intervalSeconds ? ` every ${s.intervalSeconds} s` : ''}${s.start ? `, ${s.start} → ${s.end}` : ''}`,
  ];
  const host: string[] = [];
  if (s.hostMinFreeMB !== undefined) host.push(`min free ${s.hostMinFreeMB.toFixed(0)} MB`);
  if (s.hostMaxBalloonMB !== undefined) host.push(`max balloon ${s.hostMaxBalloonMB.toFixed(0)} MB`);
  if (s.hostMaxSwapUsedMB !== undefined) host.push(`max swap used ${s.hostMaxSwapUsedMB.toFixed(0)} MB`);
  if (host.length) lines.push(`host: ${host.join(', ')}`);
  if (!s.vms.length) {
    lines.push('no VM memory columns (Group Memory) in this capture');
    return lines.join('\n');
  }
  const w = Math.max(4, ...s.vms.map((v) => v.name.length));
  lines.push(`${'VM'.padEnd(w)}  ${'balloon max'.padStart(11)}  ${'swapped max'.padStart(11)}  ${'shared saved'.padStart(12)}  swap peak at`);
  for (const v of s.vms) {
    const saved = v.sharedSavedMB !== undefined ? `${v.sharedSavedMB.toFixed(1)} MB` : v.sharedMB !== undefined ? `(shared ${v.sharedMB.toFixed(0)})` : '—';
    lines.push(`${v.name.padEnd(w)}  ${`${v.maxBalloonMB.toFixed(1)} MB`.padStart(11)}  ${`${v.maxSwappedMB.toFixed(1)} MB`.padStart(11)}  ${saved.padStart(12)}  ${v.swapPeakAt ?? '—'}`);
  }
  const swapping = s.vms.filter((v) => v.maxSwappedMB > 0).length;
  const ballooning = s.vms.filter((v) => v.maxBalloonMB > 0).length;
  lines.push(`${ballooning} VM(s) ballooned, ${swapping} swapped`);
  return lines.join('\n');
}

const esxtop: CliCommand = {
  path: ['memory', 'esxtop'],
  summary: 'Summarise an esxtop batch capture: balloon, swap and page sharing per VM.',
  synopsis: 'FILE [--json]',
  positionals: { min: 1, max: 1 },
  async run(inv: CliInvocation): Promise<number> {
    const file = inv.positionals[0];
    const abs = await requireInputFile(inv, file);
    let summary: EsxtopSummary;
    try {
      summary = summarizeCapture(await parseEsxtopFile(abs));
    } catch (e) {
      if (e instanceof EsxtopFormatError) throw new CliFailure(`${file}: ${e.message}`, 'bad-format');
      throw e;
    }
    emit(inv, { file, ...summary }, () => renderEsxtop(file, summary));
    return summary.vms.some((v) => v.maxSwappedMB > 0) ? EXIT_FINDINGS : EXIT_OK;
  },
};

export const commands: CliCommand[] = [overhead, esxtop];
