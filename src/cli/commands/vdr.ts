/**
 * `vlab vdr analyze LOG… [--vmx FILE…] [--api FILE…] [--json]`: why did VMware Data Recovery not
 * back these VMs up properly? Reads the appliance logs (streaming), optional VM configurations,
 * runs the backup rules and prints findings plus a job summary. Exit 1 when an error-level
 * finding exists.
 */
import { requireInputFile } from '../files';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, emit, EXIT_FINDINGS, EXIT_OK, optionList as list, UsageError } from '../command';
import { VmxDocument } from '../../core/vmx/document';
import type { ApiVmConfig, FactHints, VmFacts } from '../../core/backup/facts';
import { factsFromApi, factsFromVmxDocument, formatEvidence } from '../../core/backup/facts';
import type { LogAnalysis } from '../../core/backup/logs';
import { analyzeLogFiles } from '../../core/backup/logs';
import type { Finding, Fix } from '../../core/backup/rules';
import { diagnose } from '../../core/backup/rules';
import { readDescriptors } from '../../core/backup/descriptors';

function describeFix(f: Fix): string {
  switch (f.kind) {
    case 'setConfig':
      return `set ${f.key} = "${f.value}"${f.requiresPoweredOff ? ' (with the VM powered off)' : ''}${f.note ? ` — ${f.note}` : ''}`;
    case 'upgradeHardware': return `upgrade the virtual hardware to version ${f.version} (VM powered off, VMware Tools first)`;
    case 'upgradeTools': return 'upgrade VMware Tools';
    case 'consolidateDisks': return 'consolidate the VM\'s disks';
    case 'enableCbt': return 'turn changed block tracking on (config.changeTrackingEnabled; effective after a snapshot create/delete or a power cycle)';
    case 'deleteSnapshots': return 'delete the VM\'s snapshots';
    case 'manual': return f.steps.join(' ');
  }
}

function iso(t: number | undefined): string {
  return t === undefined ? '?' : new Date(t).toISOString().replace('.000Z', 'Z');
}

function wrap(text: string, indent: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && indent.length + cur.length + 1 + w.length > width) { lines.push(indent + cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines.join('\n');
}

export function renderReport(findings: Finding[], logs: LogAnalysis | undefined, facts: VmFacts[]): string {
  const out: string[] = [];
  if (logs) {
    const l = logs.lines;
    out.push(`Read ${logs.files.length} log file(s), ${l.total} lines (${l.raw} not in a known shape).`);
  }
  if (facts.length) out.push(`Checked ${facts.length} VM configuration(s): ${facts.map((f) => f.name ?? '(unnamed)').join(', ')}.`);
  out.push('');
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  out.push(`Findings: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s)`);
  if (!findings.length) out.push('  Nothing wrong found.');
  for (const f of findings) {
    out.push('');
    const who = f.vm ?? f.vms?.join(', ');
    out.push(`  ${f.severity.toUpperCase().padEnd(7)} ${who ? `[${who}] ` : ''}${f.title}  (${f.id})`);
    out.push(wrap(f.explanation, '          '));
    for (const e of f.evidence) out.push(`          evidence: ${formatEvidence(e)}`);
    for (const x of f.fix ?? []) out.push(wrap(`fix: ${describeFix(x)}`, '          '));
  }
  if (logs) {
    out.push('');
    out.push(`Jobs (${logs.jobs.length}${logs.jobsDropped ? `, ${logs.jobsDropped} older runs not kept` : ''})`);
    for (const j of logs.jobs) {
      out.push(`  ${iso(j.start.time)} → ${j.end ? iso(j.end.time) : '…'}  ${j.outcome.padEnd(23)} ${j.name}`);
    }
    out.push('');
    out.push(`Errors by code (${logs.errors.length})`);
    for (const g of logs.errors) {
      const what = g.code ? `${g.source === 'vcbAPI' ? 'vcbAPI ' : ''}${g.code}${g.meaning ? ` ${g.meaning}` : ''}` : g.key.replace(/^msg:/, '');
      out.push(`  ${String(g.count).padStart(6)}×  ${what}`);
      out.push(`           first ${path.basename(g.first.file)}:${g.first.line} ${iso(g.first.time)}, last ${path.basename(g.last.file)}:${g.last.line} ${iso(g.last.time)}${g.vms.length ? `, VMs: ${g.vms.join(', ')}` : ''}${g.duringRuns.length ? `, during job runs of: ${g.duringRuns.map((d) => `${d.vm} (${d.lines})`).join(', ')}` : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

async function runAnalyze(inv: CliInvocation): Promise<number> {
  const logFiles = await Promise.all(inv.positionals.map((f) => requireInputFile(inv, f)));
  const hints: FactHints = {};
  const createdOn = inv.values['created-on'];
  if (typeof createdOn === 'string') {
    if (!/^\d+(\.\d+)*$/.test(createdOn)) throw new UsageError(`--created-on expects a version such as 4.1, not "${createdOn}"`);
    hints.createdOnVersion = createdOn;
  }
  const vddk = inv.values.vddk;
  if (vddk !== undefined && (typeof vddk !== 'string' || !/^\d+(\.\d+)*$/.test(vddk))) throw new UsageError('--vddk expects a version such as 1.1.1');

  const facts: VmFacts[] = [];
  for (const f of list(inv.values.vmx)) {
    const abs = await requireInputFile(inv, f);
    const doc = VmxDocument.parse(await fsp.readFile(abs));
    facts.push(factsFromVmxDocument(doc, f, { ...hints, descriptors: await readDescriptors(doc, abs, f) }));
  }
  for (const f of list(inv.values.api)) {
    const abs = await requireInputFile(inv, f);
    let obj: unknown;
    try {
      obj = JSON.parse(await fsp.readFile(abs, 'utf8'));
    } catch (e) {
      throw new CliFailure(`${f}: not JSON (${(e as Error).message})`, 'bad-json');
    }
    if (!obj || typeof obj !== 'object') throw new CliFailure(`${f}: expected a JSON object with config/runtime/guest`, 'bad-json');
    facts.push(factsFromApi(obj as ApiVmConfig, hints));
  }

  // Show log paths as the user gave them.
  const shown = new Map(logFiles.map((abs, i) => [abs, inv.positionals[i]]));
  const logs = logFiles.length ? await analyzeLogFiles(logFiles) : undefined;
  if (logs) relabel(logs, shown);
  const findings = diagnose({ facts, logs, vddkVersion: typeof vddk === 'string' ? vddk : undefined });
  emit(inv, { findings, jobs: logs?.jobs ?? [], errors: logs?.errors ?? [], vms: logs?.vms ?? [], lines: logs?.lines, files: logs?.files ?? [] },
    () => renderReport(findings, logs, facts));
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

/** Replaces absolute paths by the ones the user typed, everywhere a position appears. */
function relabel(logs: LogAnalysis, shown: Map<string, string>): void {
  const fix = (p: { file: string }) => { p.file = shown.get(p.file) ?? p.file; };
  logs.files.forEach(fix);
  logs.rawSample.forEach(fix);
  for (const j of logs.jobs) { fix(j.start); if (j.end) fix(j.end); if (j.evidence) fix(j.evidence); }
  for (const v of logs.vms) if (v.last) fix(v.last.pos);
  for (const g of logs.errors) { fix(g.first); fix(g.last); g.samples.forEach(fix); }
}

export const commands: CliCommand[] = [
  {
    path: ['vdr', 'analyze'],
    summary: 'Diagnose VMware Data Recovery backups from appliance logs and VM configurations',
    synopsis: 'LOG… [--vmx FILE…] [--api FILE…] [--created-on VERSION] [--vddk VERSION] [--json]',
    positionals: { min: 0 },
    options: {
      vmx: { type: 'string', multiple: true, valueName: 'FILE', description: 'a VM\'s .vmx file (repeatable)' },
      api: { type: 'string', multiple: true, valueName: 'FILE', description: 'a VM\'s properties as JSON (ApiVmConfig shape; repeatable)' },
      'created-on': { type: 'string', valueName: 'VERSION', description: 'vSphere version the VMs were created on, e.g. 4.1' },
      vddk: { type: 'string', valueName: 'VERSION', description: 'VDDK version inside the Data Recovery appliance, if known' },
    },
    async run(inv) {
      if (!inv.positionals.length && !list(inv.values.vmx).length && !list(inv.values.api).length) {
        throw new UsageError('give at least one log file, --vmx FILE or --api FILE');
      }
      return runAnalyze(inv);
    },
  },
];
