/**
 * Backup readiness and Data Recovery log analysis, on the backup diagnostics' core (the rules of
 * core/backup/rules.ts, the facts of a live VM or a .vmx, the streamed log analyzer). A finding keeps
 * its evidence: the .vmx or log line (a link that opens at the line), the API property, the source.
 */
import { promises as fsp } from 'node:fs';
import { LabError } from '../../errors';
import { readRunningHostProduct, readVmForBackup } from '../../backup/api';
import { inferCreatedOn } from '../../backup/createdOn';
import { readDescriptors } from '../../backup/descriptors';
import type { Evidence as BackupEvidence } from '../../backup/evidence';
import { factsFromApi, factsFromVmxDocument, parseHardwareVersion, type VmFacts } from '../../backup/facts';
import { fixLabel } from '../../backup/fixes';
import { analyzeLogFiles, type LogAnalysis } from '../../backup/logs';
import { diagnose, type Finding } from '../../backup/rules';
import { VmxDocument } from '../../vmx/document';
import { getInventory, type Inventory, type VmInfo } from '../../vsphere/inventory';
import { findVm, objectLabel } from '../lookup';
import type { CommonInput, Evidence, Fact, ToolContext, ToolResult } from '../types';

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
    text: `${who ? `[${who}] ` : ''}${f.title} (${f.id}). ${f.explanation}${fixes.length ? ` Fix: ${fixes.join('; ')}.` : ''}`,
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

/** A VM is under a datacenter / folder in its path, its host, or its host's cluster. */
function isUnder(inv: Inventory, vm: VmInfo, seg: string): boolean {
  if (`${inv.pathOf(vm.ref)}/`.includes(`/${seg}/`)) return true;
  const host = vm.host && inv.hosts.find((h) => h.ref.value === vm.host!.value);
  if (!host) return false;
  if (host.name === seg || inv.pathOf(host.ref) === `/${seg}`) return true;
  return inv.computeResources.some((c) => (c.name === seg || inv.pathOf(c.ref) === `/${seg}`) && c.hosts.some((h) => h.value === host.ref.value));
}

async function liveFacts(ctx: ToolContext, i: BackupReadinessInput): Promise<{ facts: VmFacts; label: string }[]> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  let vms: VmInfo[];
  if (i.vm) vms = [findVm(inv, i.vm)];
  else {
    const seg = i.under!.replace(/^\/+|\/+$/g, '');
    vms = inv.vms.filter((v) => !v.template && isUnder(inv, v, seg));
    if (!vms.length) throw new LabError('notFound', `No VM under "${i.under}" (a datacenter, folder, cluster or host name, or an inventory path).`);
    if (vms.length > MAX_VMS) throw new LabError('tooLarge', `${vms.length} VMs under "${i.under}": check at most ${MAX_VMS} at a time (name a smaller folder, cluster or host).`);
  }
  const out: { facts: VmFacts; label: string }[] = [];
  for (const vm of vms) {
    const apiVm = await readVmForBackup(conn.client, vm.ref, { signal: ctx.signal });
    const createdOn = inferCreatedOn({ hardwareVersion: parseHardwareVersion(apiVm.config?.version), host: await readRunningHostProduct(conn.client, vm.ref, { signal: ctx.signal }) });
    out.push({ facts: factsFromApi(apiVm, createdOn ? { createdOn } : {}), label: objectLabel(vm.ref, vm.name) });
  }
  return out;
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
  const live = i.vm || i.under ? await liveFacts(ctx, i) : [];
  const fromVmx = await vmxFacts(ctx, i.vmxFiles ?? []);
  const logs = i.logFiles?.length ? await analyzeLogFiles(i.logFiles.map((f) => ctx.resolveFile(f)), { signal: ctx.signal }) : undefined;
  const all = [...live.map((l) => l.facts), ...fromVmx];
  const findings = diagnose({ facts: all, logs });
  const labelOf = new Map(live.map((l) => [l.facts.name, l.label]));
  const names = all.map((f) => f.name ?? '(unnamed)');
  const bad = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.vm ?? f.vms?.join(', ') ?? ''))].filter(Boolean);
  return {
    summary: `Backup readiness of ${names.length} VM(s) (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}): ${count(findings)}${bad.length ? `; not ready: ${bad.join(', ')}` : ''}.`,
    facts: findings.map((f) => findingFact(f, f.vm ? labelOf.get(f.vm) : undefined)),
    details: { findings: findings.map((f) => ({ id: f.id, severity: f.severity, vm: f.vm, vms: f.vms, fix: f.fix })), logs: logs && logSummary(logs) },
  };
}

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
    facts.push({ text: `${g.count}× ${g.code ? `error ${g.code}${g.meaning ? ` (${g.meaning})` : ''}` : g.key.replace(/^msg:/, '')}${g.vms.length ? ` for ${g.vms.join(', ')}` : ''}`, evidence: [{ kind: 'file', file: g.first.file, line: g.first.line, text: g.first.text }, ...(g.count > 1 ? [{ kind: 'file' as const, file: g.last.file, line: g.last.line, text: g.last.text }] : [])] });
  }
  return {
    summary: `${logs.files.length} log file(s), ${logs.lines.total} lines: ${logs.jobs.length} job run(s), ${failed.length} not completed; ${logs.errors.length} error kind(s); findings: ${count(findings)}.`,
    facts,
    details: logSummary(logs),
  };
}
