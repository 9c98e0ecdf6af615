/**
 * `vlab memory overhead --mem MB --vcpus N [--table 4.0|6.5] [--json]`: the documented per-VM memory
 * overhead (exact, interpolated between two known rows, or unknown — never extrapolated).
 * `vlab memory esxtop FILE [--json]`: per-VM summary of an esxtop batch capture (streamed): peak
 * balloon, peak swapped and when, page-sharing savings. Exit 1 when a VM swapped.
 * `vlab memory esxtop --ssh HOST[:PORT] --user U [--password-env VAR] [--samples N] [--delay S]
 * [--host-key SHA256:…] [--out FILE] [--json]`: the same summary of a capture taken now over SSH
 * (`esxtop -b -a`), streamed; `--out` also saves the CSV (written beside, renamed into place).
 * With `--generation G` the esxtop summary also gives the host's worst memory state under that
 * generation's table (core/memory/state.ts).
 * `vlab memory state --generation G --host-mb N --free-mb N [--json]`: minFree, every state's
 * threshold (MB), the state for that free memory and what it triggers, with the table's sources.
 * An unknown generation is a usage error (exit 2) that lists the known ones.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireInputFile } from '../files';
import { sshCredentialOptions, sshCredentials } from '../ssh';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionString as str, positiveNumber, UsageError } from '../command';
import { estimateOverhead, OVERHEAD_TABLES, type OverheadTableId } from '../../core/memory/overhead';
import { EsxtopFormatError, parseEsxtopFile, summarizeCapture, type EsxtopSummary } from '../../core/memory/esxtop';
import { stateModel, stateReport, type MemoryState, type StateReport } from '../../core/memory/state';
import { KNOWN_GENERATIONS, knownGeneration, type Generation } from '../../core/vsphere/generation';

/** `--generation G`: one of the known generations, else a usage error listing them (exit 2). */
function generationOption(inv: CliInvocation, required: boolean): Generation | undefined {
  const text = str(inv, 'generation');
  if (text === undefined) {
    if (required) throw new UsageError(`--generation is required: one of ${KNOWN_GENERATIONS.join(', ')}`);
    return undefined;
  }
  const g = knownGeneration(text);
  if (!g) throw new UsageError(`unknown generation "${text}": known generations are ${KNOWN_GENERATIONS.join(', ')}`);
  return g;
}

/** The JSON document of `memory state` (and the `memoryState` part of `memory esxtop --generation`). */
export interface StateJson {
  generation: string;
  table: string;
  hostMB: number;
  freeMB: number;
  minFreeMB: number;
  thresholds: Partial<Record<MemoryState, number>>;
  state: MemoryState;
  triggers: string;
  active: string[];
  sources: Array<{ title: string; url?: string }>;
  notes: string[];
}

const mb2 = (v: number) => Math.round(v * 100) / 100;

function stateJson(g: Generation, hostMB: number, freeMB: number, r: StateReport): StateJson {
  return {
    generation: g.known ?? g.version, table: r.model.label, hostMB, freeMB, minFreeMB: mb2(r.minFreeMB),
    thresholds: Object.fromEntries(r.thresholds.map((t) => [t.state, mb2(t.mb)])),
    state: r.state.state, triggers: r.state.triggers, active: r.state.active,
    sources: r.model.sources, notes: r.model.notes,
  };
}

function renderState(j: StateJson): string {
  const w = Math.max(...Object.keys(j.thresholds).map((k) => k.length));
  return [
    `ESX(i) ${j.generation} (${j.table} table), host ${j.hostMB} MB, free ${j.freeMB} MB`,
    `minFree: ${j.minFreeMB.toFixed(2)} MB`,
    'thresholds (a state begins below its threshold):',
    ...Object.entries(j.thresholds).map(([k, v]) => `  ${k.padEnd(w)}  ${v.toFixed(2).padStart(10)} MB${k === j.state ? '   ← now' : ''}`),
    `state: ${j.state} — ${j.triggers}`,
    ...j.notes.map((n) => `note: ${n}`),
    'sources:',
    ...j.sources.map((s) => `  ${s.title}${s.url ? ` <${s.url}>` : ''}`),
  ].join('\n');
}

function nonNegativeNumber(v: unknown, flag: string): number {
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${flag} is required`);
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a number of MB (0 or more), got "${v}"`);
  return n;
}

const state: CliCommand = {
  path: ['memory', 'state'],
  summary: 'The host memory state for a generation, host size and free memory: minFree, thresholds, what it triggers.',
  synopsis: `--generation ${KNOWN_GENERATIONS.join('|')} --host-mb N --free-mb N [--json]`,
  options: {
    generation: { type: 'string', valueName: 'G', description: `ESX(i) generation: ${KNOWN_GENERATIONS.join(', ')}` },
    'host-mb': { type: 'string', valueName: 'N', description: 'host memory in MB' },
    'free-mb': { type: 'string', valueName: 'N', description: 'free host memory in MB' },
  },
  positionals: { min: 0, max: 0 },
  async run(inv: CliInvocation): Promise<number> {
    const g = generationOption(inv, true)!;
    const hostMB = positiveNumber(inv.values['host-mb'], 'host-mb');
    const freeMB = nonNegativeNumber(inv.values['free-mb'], 'free-mb');
    if (freeMB > hostMB) throw new UsageError(`--free-mb (${freeMB}) cannot exceed --host-mb (${hostMB})`);
    const j = stateJson(g, hostMB, freeMB, stateReport(stateModel(g), hostMB, freeMB));
    emit(inv, j, () => renderState(j));
    return EXIT_OK;
  },
};

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

function renderEsxtop(file: string, s: EsxtopSummary, ms?: StateJson): string {
  const lines = [
    `${file}: host ${s.host || '?'}, ${s.rows} samples${s.intervalSeconds ? ` every ${s.intervalSeconds} s` : ''}${s.start ? `, ${s.start} → ${s.end}` : ''}`,
  ];
  const host: string[] = [];
  if (s.hostMinFreeMB !== undefined) host.push(`min free ${s.hostMinFreeMB.toFixed(0)} MB`);
  if (s.hostMaxBalloonMB !== undefined) host.push(`max balloon ${s.hostMaxBalloonMB.toFixed(0)} MB`);
  if (s.hostMaxSwapUsedMB !== undefined) host.push(`max swap used ${s.hostMaxSwapUsedMB.toFixed(0)} MB`);
  if (host.length) lines.push(`host: ${host.join(', ')}`);
  if (ms) lines.push(`worst state (ESX(i) ${ms.generation}, ${ms.table} table, minFree ${ms.minFreeMB.toFixed(0)} MB of ${ms.hostMB.toFixed(0)} MB): ${ms.state} — ${ms.triggers}`);
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


/** `--ssh HOST[:PORT]` ([v6]:port accepted). */
function sshTarget(text: string): { host: string; port: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseSshTarget } = require('../../core/esxi/ssh') as typeof import('../../core/esxi/ssh');
  const target = parseSshTarget(text);
  if (!target) throw new UsageError(`--ssh must be HOST or HOST:PORT, got "${text}"`);
  return target;
}

async function esxtopOverSsh(inv: CliInvocation, sshText: string, gen: Generation | undefined): Promise<number> {
  if (inv.positionals.length) throw new UsageError('give either FILE or --ssh HOST, not both');
  const target = sshTarget(sshText);
  const user = str(inv, 'user');
  if (!user) throw new UsageError('--user is required with --ssh');
  const samples = str(inv, 'samples') === undefined ? 30 : positiveNumber(inv.values.samples, 'samples', true);
  const delaySeconds = str(inv, 'delay') === undefined ? 2 : positiveNumber(inv.values.delay, 'delay');
  // Loaded on use (ssh2 comes with the SSH module): other vlab commands do not pay for them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { captureEsxtopOverSsh, checkEsxtopRun, EsxtopRunError } = require('../../core/memory/esxtopSsh') as typeof import('../../core/memory/esxtopSsh');
  const problem = checkEsxtopRun({ samples, delaySeconds });
  if (problem) throw new UsageError(problem.replace(/^samples/, '--samples').replace(/^delay/, '--delay'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SshSession, SshError, UnknownHostKeyError } = require('../../core/esxi/ssh') as typeof import('../../core/esxi/ssh');
  const { hostKey, password } = sshCredentials(inv);
  const outText = str(inv, 'out');
  const out = outText ? path.resolve(inv.io.cwd, outText) : undefined;
  const part = out ? `${out}.part` : undefined;
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let fd: number | undefined;
  let session: import('../../core/esxi/ssh').SshSession | undefined;
  try {
    try {
      session = await SshSession.connect({ host: target.host, port: target.port, username: user, password, hostKey, signal: ac.signal });
    } catch (e) {
      if (e instanceof UnknownHostKeyError) {
        throw new CliFailure(`${e.message}\nIf it matches the host's key, run again with --host-key ${e.fingerprint}`, 'unknown-host-key');
      }
      if (e instanceof SshError) throw new CliFailure(e.message, e.code);
      throw e;
    }
    if (part) fd = fs.openSync(part, 'w', 0o644);
    let last = -1;
    const r = await captureEsxtopOverSsh(session, {
      samples, delaySeconds, signal: ac.signal,
      sink: fd === undefined ? undefined : (chunk) => { fs.writeSync(fd!, chunk); },
      onProgress: (p) => {
        if (inv.json || p.rows === last) return;
        last = p.rows;
        inv.io.stderr(`\r${target.host}: sample ${p.rows}/${p.samples}`);
      },
    }).catch((e: unknown) => {
      if (e instanceof EsxtopRunError) throw new CliFailure(e.message, `esxtop-${e.code}`);
      if (e instanceof EsxtopFormatError) throw new CliFailure(`${target.host}: ${e.message}`, 'bad-format');
      if (e instanceof SshError) throw new CliFailure(e.message, e.code);
      throw e;
    });
    if (!inv.json) inv.io.stderr('\n');
    if (fd !== undefined) {
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(part!, out!);
    }
    const summary = summarizeCapture(r.capture);
    const label = out ? outText! : `${target.host} (esxtop over SSH)`;
    const ms = esxtopState(summary, gen);
    emit(inv, { ...(out ? { file: outText } : {}), ssh: `${target.host}:${target.port}`, command: r.command, ...summary, ...(ms ? { memoryState: ms } : {}) }, () => renderEsxtop(label, summary, ms));
    return summary.vms.some((v) => v.maxSwappedMB > 0) ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    process.removeListener('SIGINT', onSigint);
    session?.close();
    if (fd !== undefined) fs.closeSync(fd);
    if (part) fs.rmSync(part, { force: true });
  }
}

const esxtop: CliCommand = {
  path: ['memory', 'esxtop'],
  summary: 'Summarise an esxtop batch capture (a file, or one taken now over SSH): balloon, swap and page sharing per VM.',
  synopsis: 'FILE [--generation G] [--json] | --ssh HOST[:PORT] --user USER [--password-env VAR] [--samples N] [--delay S] [--host-key SHA256:…] [--out FILE] [--json]',
  options: {
    ssh: { type: 'string', valueName: 'HOST[:PORT]', description: 'run esxtop -b -a on this host over SSH instead of reading FILE' },
    user: { type: 'string', valueName: 'USER', description: 'SSH user (e.g. root)' },
    ...sshCredentialOptions,
    samples: { type: 'string', valueName: 'N', description: 'number of samples (default 30)' },
    delay: { type: 'string', valueName: 'S', description: 'seconds between samples, at least 2 (default 2)' },
    out: { type: 'string', valueName: 'FILE', description: 'also save the CSV to FILE' },
    generation: { type: 'string', valueName: 'G', description: `also give the host's worst memory state under this generation's table: ${KNOWN_GENERATIONS.join(', ')}` },
  },
  positionals: { min: 0, max: 1 },
  async run(inv: CliInvocation): Promise<number> {
    const ssh = str(inv, 'ssh');
    const gen = generationOption(inv, false);
    if (ssh !== undefined) return esxtopOverSsh(inv, ssh, gen);
    if (inv.positionals.length !== 1) throw new UsageError('give the capture FILE, or --ssh HOST to take one now');
    const file = inv.positionals[0];
    const abs = await requireInputFile(inv, file);
    let summary: EsxtopSummary;
    try {
      summary = summarizeCapture(await parseEsxtopFile(abs));
    } catch (e) {
      if (e instanceof EsxtopFormatError) throw new CliFailure(`${file}: ${e.message}`, 'bad-format');
      throw e;
    }
    const ms = esxtopState(summary, gen);
    emit(inv, { file, ...summary, ...(ms ? { memoryState: ms } : {}) }, () => renderEsxtop(file, summary, ms));
    return summary.vms.some((v) => v.maxSwappedMB > 0) ? EXIT_FINDINGS : EXIT_OK;
  },
};

/** The worst state of a capture (least free memory) under a generation; undefined without one or without the figures. */
function esxtopState(s: EsxtopSummary, gen: Generation | undefined): StateJson | undefined {
  if (!gen || s.hostMB === undefined || s.hostMinFreeMB === undefined || s.hostMB <= 0) return undefined;
  return stateJson(gen, s.hostMB, s.hostMinFreeMB, stateReport(stateModel(gen), s.hostMB, s.hostMinFreeMB));
}

export const commands: CliCommand[] = [overhead, esxtop, state];
