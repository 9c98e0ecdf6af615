/**
 * Backup readiness and Data Recovery log analysis, on the backup diagnostics' core (the rules of
 * core/backup/rules.ts, the facts of a live VM or a .vmx, the streamed log analyzer). A finding keeps
 * its evidence: the .vmx or log line (a link that opens at the line), the API property, the source.
 */
import { promises as fsp } from 'node:fs';
import { LabError } from '../../errors';
import { bulkFixForRule } from '../../backup/bulkFix';
import { readDescriptors } from '../../backup/descriptors';
import type { Evidence as BackupEvidence } from '../../backup/evidence';
import { factsFromVmxDocument, type VmFacts } from '../../backup/facts';
import { sweepBackupReadiness, type SweepVm } from '../../backup/sweep';
import { fixLabel } from '../../backup/fixes';
import { analyzeLogFiles, type LogAnalysis } from '../../backup/logs';
import { diagnose, type Finding } from '../../backup/rules';
import { VmxDocument } from '../../vmx/document';
import type { MoRef } from '../../vsphere/decode';
import { getInventory, type Inventory } from '../../vsphere/inventory';
import { findVm, objectLabel } from '../lookup';
import type { CommonInput, Evidence, Fact, ToolConnection, ToolContext, ToolResult } from '../types';

/** Bounds: VMs per subtree check, files per call, bytes of a .vmx. */
export const MAX_VMS = 50;
export const MAX_FILES = 20;
export const MAX_VMX_BYTES = 4 << 20;

export function toEvidence(e: BackupEvidence, object?: string): Evidence {
  switch (e.kind) {
    case 'vmx': return { kind: 'file', file: e.file, line: e.line, text: `${e.key} = "${e.value}"` };
    case 'log': return { kind: 'file', file: e.file, line: e.line, text: e.text };
    case 'api': return { kind: 'api', object: object ?? 'VirtualMachine', path: e.path, value: e.value };
    case 'option': return { kind: 'source', title: `${e.name} = ${e.value} (given)` };
  }
}

export function findingFact(f: Finding, object?: string): Fact {
  const who = f.vm ?? f.vms?.join(', ');
  const fixes = (f.fix ?? []).map((x) => fixLabel(x).replace(/\.+$/, ''));
  return {
    text: `${who ? `[${who}] ` : ''}${f.title} (${f.id}). ${f.explanation}${fixes.length ? ` Fix: ${fixes.join('; ')}.` : ''}${bulkFixForRule(f.id) ? ` (vsphere_backup_fix applies it: fix "${bulkFixForRule(f.id)}".)` : ''}`,
    severity: f.severity,
    evidence: [...f.evidence.map((e) => toEvidence(e, object)), ...f.source.map((s): Evidence => ({ kind: 'source', title: s }))],
  };
}

function count(findings: readonly Finding[]): string {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return `${c.error} error(s), ${c.warning} warning(s), ${c.info} note(s)`;
}

export interface BackupReadinessInput extends CommonInput {
  vm?: string;
  under?: string;
  vmxFiles?: string[];
  logFiles?: string[];
}

/** The container named by `under`: a datacenter, folder, cluster or host (name or inventory path). */
function container(inv: Inventory, under: string): MoRef {
  const seg = under.replace(/\/+$/, '');
  const all = [...inv.datacenters, ...inv.folders, ...inv.computeResources, ...inv.hosts];
  const hit = all.find((e) => inv.pathOf(e.ref) === seg || inv.pathOf(e.ref) === `/${seg}`) ?? all.find((e) => e.name === seg);
  if (!hit) throw new LabError('notFound', `No datacenter, folder, cluster or host "${under}"; known: ${all.slice(0, 10).map((e) => `"${e.name}"`).join(', ')}.`);
  return hit.ref;
}

/** Live VMs through the readiness sweep (core/backup/sweep.ts): one retrieve, each host's generation, vmware.log evidence. */
async function sweepLive(ctx: ToolContext, i: BackupReadinessInput): Promise<{ vms: SweepVm[]; conn: ToolConnection; inv: Inventory }> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  const opts = i.vm ? { under: inv.pathOf(findVm(inv, i.vm).ref) } : { root: container(inv, i.under!) };
  const r = await sweepBackupReadiness(conn.client, { ...opts, signal: ctx.signal, maxLogReads: MAX_VMS });
  if (r.vms.length > MAX_VMS) throw new LabError('tooLarge', `${r.vms.length} VMs under "${i.under}": check at most ${MAX_VMS} at a time (name a smaller folder, cluster or host).`);
  return { vms: r.vms, conn, inv };
}

/** A datastore file (`[ds] dir/vmware.log`) as a link the host opens, when it can. */
function datastoreHref(ctx: ToolContext, conn: ToolConnection, inv: Inventory, vm: SweepVm, e: Evidence): Evidence {
  if (e.kind !== 'file' || !/^\[[^\]]+\]/.test(e.file) || !ctx.datastoreLink) return e;
  const dc = inv.datacenters.map((d) => inv.pathOf(d.ref)).find((p) => vm.path.startsWith(`${p}/`));
  const href = dc ? ctx.datastoreLink(conn.id, dc, e.file, e.line) : undefined;
  return href ? { ...e, href } : e;
}

async function vmxFacts(ctx: ToolContext, files: readonly string[]): Promise<VmFacts[]> {
  const out: VmFacts[] = [];
  for (const f of files) {
    const abs = ctx.resolveFile(f);
    const st = await fsp.stat(abs);
    if (st.size > MAX_VMX_BYTES) throw new LabError('tooLarge', `${f} is ${st.size} bytes; a .vmx is a few KB (at most ${MAX_VMX_BYTES}).`);
    const doc = VmxDocument.parse(await fsp.readFile(abs));
    out.push(factsFromVmxDocument(doc, abs, { descriptors: await readDescriptors(doc, abs) }));
  }
  return out;
}

function checkFiles(files: readonly string[] | undefined): void {
  if ((files?.length ?? 0) > MAX_FILES) throw new LabError('tooLarge', `At most ${MAX_FILES} files per call.`);
}

export async function backupReadiness(i: BackupReadinessInput, ctx: ToolContext): Promise<ToolResult> {
  if (!i.vm && !i.under && !i.vmxFiles?.length) throw new LabError('invalidInput', 'Name a VM ("vm"), a subtree ("under": a folder, cluster or host) or .vmx files ("vmxFiles").');
  checkFiles(i.vmxFiles);
  checkFiles(i.logFiles);
  const live = i.vm || i.under ? await sweepLive(ctx, i) : undefined;
  const fromVmx = await vmxFacts(ctx, i.vmxFiles ?? []);
  const logs = i.logFiles?.length ? await analyzeLogFiles(i.logFiles.map((f) => ctx.resolveFile(f)), { signal: ctx.signal }) : undefined;
  const fileFindings = fromVmx.length || logs ? diagnose({ facts: fromVmx, logs }) : [];
  const facts: Fact[] = [];
  for (const v of live?.vms ?? []) {
    for (const f of v.findings) {
      const fact = findingFact({ ...f, vm: f.vm ?? v.name }, objectLabel(v.ref, v.name));
      facts.push({ ...fact, evidence: fact.evidence.map((e) => datastoreHref(ctx, live!.conn, live!.inv, v, e)) });
    }
  }
  facts.push(...fileFindings.map((f) => findingFact(f)));
  const findings = [...(live?.vms ?? []).flatMap((v) => v.findings.map((f) => ({ ...f, vm: f.vm ?? v.name }))), ...fileFindings];
  const names = [...(live?.vms ?? []).map((v) => v.name), ...fromVmx.map((f) => f.name ?? '(unnamed)')];
  const bad = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.vm ?? f.vms?.join(', ') ?? ''))].filter(Boolean);
  return {
    summary: `Backup readiness of ${names.length} VM(s) (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}): ${count(findings)}${bad.length ? `; not ready: ${bad.join(', ')}` : ''}.${live ? ' Findings marked with a bulk fix can be applied with vsphere_backup_fix.' : ''}`,
    facts: facts.sort((x, y) => SEVERITY[x.severity ?? 'info'] - SEVERITY[y.severity ?? 'info']),
    details: {
      vms: (live?.vms ?? []).map((v) => ({ name: v.name, path: v.path, generation: v.generation, log: v.log, findings: v.findings.map((f) => ({ id: f.id, severity: f.severity, bulkFix: bulkFixForRule(f.id) })) })),
      files: fileFindings.map((f) => ({ id: f.id, severity: f.severity, vm: f.vm, vms: f.vms, fix: f.fix })), logs: logs && logSummary(logs),
    },
  };
}

const SEVERITY = { error: 0, warning: 1, info: 2 } as const;

function logSummary(a: LogAnalysis): unknown {
  return {
    files: a.files.map((f) => ({ file: f.file, lines: f.lines })),
    jobs: a.jobs.map((j) => ({ name: j.name, vms: j.vms, outcome: j.outcome, start: j.start.time && new Date(j.start.time).toISOString(), at: `${j.start.file}:${j.start.line}` })),
    errors: a.errors.map((g) => ({ code: g.code, meaning: g.meaning, count: g.count, vms: g.vms, first: `${g.first.file}:${g.first.line}` })),
  };
}

export interface LogAnalysisInput extends CommonInput {
  files: string[];
}

export async function backupLogs(i: LogAnalysisInput, ctx: ToolContext): Promise<ToolResult> {
  checkFiles(i.files);
  if (!i.files.length) throw new LabError('invalidInput', 'Give at least one log file.');
  const logs = await analyzeLogFiles(i.files.map((f) => ctx.resolveFile(f)), { signal: ctx.signal });
  const findings = diagnose({ logs });
  const failed = logs.jobs.filter((j) => j.outcome !== 'completed' && j.outcome !== 'running');
  const facts: Fact[] = findings.map((f) => findingFact(f));
  for (const j of failed) {
    const at = j.evidence ?? { ...j.start, text: j.name };
    facts.push({ text: `Job "${j.name}" ${j.outcome}${j.vms.length ? ` (VMs: ${j.vms.join(', ')})` : ''}${j.errorKeys.length ? `; errors: ${j.errorKeys.join(', ')}` : ''}`, severity: 'warning', evidence: [{ kind: 'file', file: at.file, line: at.line, text: at.text }] });
  }
  for (const g of logs.errors) {
    facts.push({ text: `${g.count}× ${g.code ? `error ${g.code}` : g.key.replace(/^msg:/, '')}${g.meaning ? ` (${g.meaning})` : ''}${g.vms.length ? ` for ${g.vms.join(', ')}` : ''}`, evidence: [{ kind: 'file', file: g.first.file, line: g.first.line, text: g.first.text }, ...(g.count > 1 ? [{ kind: 'file' as const, file: g.last.file, line: g.last.line, text: g.last.text }] : [])] });
  }
  return {
    summary: `${logs.files.length} log file(s), ${logs.lines.total} lines: ${logs.jobs.length} job run(s), ${failed.length} not completed; ${logs.errors.length} error kind(s); findings: ${count(findings)}.`,
    facts,
    details: logSummary(logs),
  };
}
