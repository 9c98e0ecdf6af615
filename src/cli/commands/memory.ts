/**
 * `vlab memory overhead --mem MB --vcpus N [--table 4.0|6.5] [--json]`: the documented per-VM memory
 * overhead (exact, interpolated between two known rows, or unknown — never extrapolated).
 * `vlab memory esxtop FILE [--json]`: per-VM summary of an esxtop batch capture (streamed): peak
 * balloon, peak swapped and when, page-sharing savings. Exit 1 when a VM swapped.
 * `vlab memory esxtop --ssh HOST[:PORT] --user U [--password-env VAR] [--samples N] [--delay S]
 * [--host-key SHA256:…] [--out FILE] [--json]`: the same summary of a capture taken now over SSH
 * (`esxtop -b -a`), streamed; `--out` also saves the CSV (written beside, renamed into place).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireInputFile } from '../files';
import { sshCredentialOptions, sshCredentials } from '../ssh';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionString as str, positiveNumber, UsageError } from '../command';
import { estimateOverhead, OVERHEAD_TABLES, type OverheadTableId } from '../../core/memory/overhead';
import { EsxtopFormatError, parseEsxtopFile, summarizeCapture, type EsxtopSummary } from '../../core/memory/esxtop';

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


/** `--ssh HOST[:PORT]` ([v6]:port accepted). */
function sshTarget(text: string): { host: string; port: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseSshTarget } = require('../../core/esxi/ssh') as typeof import('../../core/esxi/ssh');
  const target = parseSshTarget(text);
  if (!target) throw new UsageError(`--ssh must be HOST or HOST:PORT, got "${text}"`);
  return target;
}

async function esxtopOverSsh(inv: CliInvocation, sshText: string): Promise<number> {
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
    emit(inv, { ...(out ? { file: outText } : {}), ssh: `${target.host}:${target.port}`, command: r.command, ...summary }, () => renderEsxtop(label, summary));
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
  synopsis: 'FILE [--json] | --ssh HOST[:PORT] --user USER [--password-env VAR] [--samples N] [--delay S] [--host-key SHA256:…] [--out FILE] [--json]',
  options: {
    ssh: { type: 'string', valueName: 'HOST[:PORT]', description: 'run esxtop -b -a on this host over SSH instead of reading FILE' },
    user: { type: 'string', valueName: 'USER', description: 'SSH user (e.g. root)' },
    ...sshCredentialOptions,
    samples: { type: 'string', valueName: 'N', description: 'number of samples (default 30)' },
    delay: { type: 'string', valueName: 'S', description: 'seconds between samples, at least 2 (default 2)' },
    out: { type: 'string', valueName: 'FILE', description: 'also save the CSV to FILE' },
  },
  positionals: { min: 0, max: 1 },
  async run(inv: CliInvocation): Promise<number> {
    const ssh = str(inv, 'ssh');
    if (ssh !== undefined) return esxtopOverSsh(inv, ssh);
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
    emit(inv, { file, ...summary }, () => renderEsxtop(file, summary));
    return summary.vms.some((v) => v.maxSwappedMB > 0) ? EXIT_FINDINGS : EXIT_OK;
  },
};

export const commands: CliCommand[] = [overhead, esxtop];
