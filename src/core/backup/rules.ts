/**
 * Backup diagnostics: "why did VMware Data Recovery not back this VM up properly?"
 *
 * Each rule looks at a VM's facts (facts.ts) and/or a log analysis (logs.ts) and returns findings
 * with the evidence it used, where the fact comes from, and — when a change would help — a fix
 * expressed as data, so the UI can offer to apply it.
 *
 * Sources (as collected in /work/shared/DOMAIN.md §1):
 *  - ADMIN_GUIDE: VMware Data Recovery 2.0 Administration Guide (pubs.vmware.com,
 *    datarecovery.admin.doc_20), "quiescing" table and the three conditions for application-consistent
 *    quiescing on Windows 2008 / 2008 R2 under ESX 4.1.
 *  - VDDK: Virtual Disk API Programming Guide and VDDK 1.1.1 release notes (the second redo log of the
 *    application-consistent quiesce cannot be opened by VDDK 1.1.x).
 *  - VKNOWLEDGE: vknowledge.wordpress.com, 2010-08-18 (disk.EnableUUID on VMs created on 4.1).
 *  - ELATOV_QUIESCE: elatov.github.io 2012-05, "quiesced snapshots failing" (floppy, Tools 8.3.7).
 *  - ELATOV_INTEGRITY: elatov.github.io 2012-09-01, VDR integrity check failures, appliance log files,
 *    datarecovery.ini options.
 *  - CONFIG_MAX: vSphere 4.1 Configuration Maximums (15 devices per SCSI controller, 4 controllers).
 */
import type { Evidence } from './evidence';
import type { FactName, VmFacts, DiskFacts } from './facts';
import { isWindows2008Family } from './facts';
import { Generation } from '../vsphere/generation';
import type { ErrorGroup, EvidenceLine, JobRun, LogAnalysis } from './logs';

import type { Severity } from './severity';
export type { Severity };

export type Fix =
  | { kind: 'setConfig'; key: string; value: string; requiresPoweredOff: boolean; note?: string }
  | { kind: 'upgradeHardware'; version: number; requiresPoweredOff: true }
  | { kind: 'upgradeTools' }
  | { kind: 'consolidateDisks' }
  /** config.changeTrackingEnabled = true through ReconfigVM_Task (takes effect at the next stun/unstun). */
  | { kind: 'enableCbt' }
  | { kind: 'deleteSnapshots' }
  | { kind: 'manual'; steps: string[] };

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  /** For the admin, in plain words: what is wrong and why it matters for backups. */
  explanation: string;
  evidence: Evidence[];
  /** Where the rule's facts come from. */
  source: string[];
  fix?: Fix[];
  /** The VM concerned, when known. */
  vm?: string;
  /** A log finding that concerns several VMs: their names (`vm` is then unset). */
  vms?: string[];
}

export interface DiagnoseInput {
  facts?: VmFacts | VmFacts[];
  logs?: LogAnalysis;
  /** The VDDK version inside the Data Recovery appliance, when known (e.g. "1.1.1", "1.2"). */
  vddkVersion?: string;
}

export const SOURCES = {
  ADMIN_GUIDE: 'VMware Data Recovery 2.0 Administration Guide (pubs.vmware.com, datarecovery.admin.doc_20): quiescing mechanisms by guest OS',
  VDDK: 'Virtual Disk API Programming Guide; VDDK 1.1.1 release notes',
  VKNOWLEDGE: 'vknowledge.wordpress.com, 2010-08-18 (disk.EnableUUID on VMs created on vSphere 4.1)',
  ELATOV_QUIESCE: 'elatov.github.io, 2012-05, "quiesced snapshots failing" (Windows 2008 R2: floppy device, Tools 8.3.7)',
  ELATOV_INTEGRITY: 'elatov.github.io, 2012-09-01, VDR appliance integrity check failures (log files, datarecovery.ini)',
  CONFIG_MAX: 'vSphere 4.1 Configuration Maximums (SCSI: 4 controllers per VM, 15 devices per controller)',
  CBT: 'DOMAIN.md §1: changed block tracking needs virtual hardware 7, ctkEnabled and per-disk scsiX:Y.ctkEnabled; effective after a stun/unstun',
  VMX_FAQ: 'sanbarrow.com vmx FAQ and key list (device keys, scsiX:Y.mode)',
} as const;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Usable units on one SCSI controller: 0–15 except 7, which the controller itself takes (CONFIG_MAX). */
export const SCSI_UNITS_PER_CONTROLLER = 15;

function versionAtLeast(v: string | undefined, min: string): boolean {
  if (!v) return false;
  const a = v.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

function logEvidence(l: EvidenceLine): Evidence {
  const e: Evidence = { kind: 'log', file: l.file, line: l.line, text: l.text };
  if (l.time !== undefined) e.time = l.time;
  return e;
}

/** First, a few samples and last line of a group, without repeats. */
export function groupEvidence(g: ErrorGroup, max = 4): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const l of [g.first, ...g.samples, g.last]) {
    const k = `${l.file}:${l.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(logEvidence(l));
    if (out.length >= max) break;
  }
  return out;
}

function diskList(disks: DiskFacts[]): string {
  return disks.map((d) => d.fileName ? `${d.id} (${d.fileName})` : d.id).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Config rules
// ---------------------------------------------------------------------------------------------

/** Whether the ADMIN_GUIDE conditions for application-consistent quiescing hold (UUID aside). */
export function appQuiesceLayout(f: VmFacts): { ok: boolean; ideDisks: DiskFacts[]; sataDisks: DiskFacts[]; freeScsiSlots: number; diskCount: number } {
  const ideDisks = f.disks.filter((d) => d.bus === 'ide');
  const sataDisks = f.disks.filter((d) => d.bus === 'sata' || d.bus === 'nvme');
  const scsiControllers = f.controllers.filter((c) => c.bus === 'scsi');
  let used = 0;
  for (const d of f.disks) if (d.bus === 'scsi') used++;
  used += f.otherScsiDevices.length;
  const freeScsiSlots = Math.max(0, scsiControllers.length * SCSI_UNITS_PER_CONTROLLER - used);
  const diskCount = f.disks.length;
  return { ok: ideDisks.length === 0 && sataDisks.length === 0 && freeScsiSlots >= diskCount, ideDisks, sataDisks, freeScsiSlots, diskCount };
}

function logGroup(logs: LogAnalysis | undefined, code: string): ErrorGroup | undefined {
  return logs?.errors.find((g) => g.code === code && g.source === 'datarecovery');
}

function vmJobRuns(logs: LogAnalysis | undefined, vm: string | undefined): JobRun[] {
  if (!logs || !vm) return [];
  const v = vm.toLowerCase();
  return logs.jobs.filter((j) => j.vms.some((x) => x.toLowerCase() === v));
}

export type ConfigRule = (f: VmFacts, input: DiagnoseInput) => Finding[];

/** One finding made from `items` when there are any; none otherwise. */
function whenAny<T>(items: T[], make: (items: T[]) => Finding): Finding[] {
  return items.length ? [make(items)] : [];
}

/**
 * A finding that follows from the facts with words of its own: a row of a table. `facts` name the
 * facts whose evidence it shows.
 */
interface FactFinding {
  id: string;
  applies: (f: VmFacts) => boolean;
  severity: Severity | ((f: VmFacts) => Severity);
  title: string | ((f: VmFacts) => string);
  explanation: string | ((f: VmFacts) => string);
  facts: FactName[];
  source: string;
  fix: Fix[];
}

/** A config rule made of rows: one finding per row that applies, in row order. */
function factFindings(rows: readonly FactFinding[]): ConfigRule {
  const text = (t: string | ((f: VmFacts) => string), f: VmFacts) => (typeof t === 'string' ? t : t(f));
  return (f) => rows.filter((r) => r.applies(f)).map((r) => ({
    id: r.id,
    severity: typeof r.severity === 'string' ? r.severity : r.severity(f),
    title: text(r.title, f),
    explanation: text(r.explanation, f),
    evidence: r.facts.flatMap((k) => f.evidence[k] ?? []),
    source: [r.source],
    fix: r.fix.map((x) => ({ ...x })),
  }));
}

export const ruleWin2008Uuid: ConfigRule = (f, input) => {
  if (!isWindows2008Family(f.guestFamily)) return [];
  // Through the generation model: VMs created on 4.1 or later have disk.EnableUUID on by default.
  const createdOn41 = f.createdOnVersion !== undefined && Generation.fromAbout({ version: f.createdOnVersion })?.hasWindowsAppQuiesce === true;
  const uuidOn = f.diskEnableUuid === true || (f.diskEnableUuidRaw === undefined && createdOn41);
  if (!uuidOn) return [];
  const layout = appQuiesceLayout(f);
  const fixedVddk = versionAtLeast(input.vddkVersion, '1.2');
  const evidence: Evidence[] = [...(f.evidence.guestId ?? []), ...(f.evidence.diskEnableUuid ?? f.evidence.createdOnVersion ?? [])];
  // Log lines only when the logs tie them to this VM: a -3960 logged while one of its job runs was
  // open (or naming it), and its runs that did not complete.
  const runs = vmJobRuns(input.logs, f.name);
  const g3960 = logGroup(input.logs, '-3960');
  const vmLower = f.name?.toLowerCase();
  const quiesceFailed = !!g3960 && (runs.some((r) => r.errorKeys.includes(g3960.key)) || g3960.vms.some((v) => v.toLowerCase() === vmLower));
  if (g3960 && quiesceFailed) evidence.push(...groupEvidence(g3960, 3));
  for (const run of runs) {
    if (run.outcome !== 'completed' && run.evidence) evidence.push(logEvidence(run.evidence));
  }
  const guest = f.guestFamily === 'windows2008r2' ? 'Windows Server 2008 R2' : 'Windows Server 2008';
  const inferred = f.diskEnableUuid !== true && f.createdOnInferred !== undefined;
  const how = f.diskEnableUuid === true
    ? 'disk.EnableUUID is TRUE'
    : inferred
      ? `disk.EnableUUID is not set and the VM was probably created on vSphere ${f.createdOnVersion} or later, where it is turned on by default. ` +
        `That version is inferred, not read: the vSphere API does not record where a VM was created (${f.createdOnInferred}). ` +
        'If the VM was created on 4.0 or earlier, this finding does not apply'
      : `disk.EnableUUID is not set and the VM was created on vSphere ${f.createdOnVersion}, where it is turned on by default`;
  // An inference alone is not enough for an error: a warning, unless the logs show this VM's quiesce failing.
  let severity: Severity = inferred && !quiesceFailed ? 'warning' : 'error';
  let tail = '';
  if (fixedVddk) {
    severity = 'info';
    tail = ` The appliance's VDDK (${input.vddkVersion}) is 1.2 or later, which can read those snapshots, so this is only a note.`;
  } else if (!layout.ok) {
    severity = 'warning';
    tail = ' Right now the disk layout rules application-consistent quiescing out (see the related finding), so the host falls back to file-system quiescing; the failure comes back as soon as the layout qualifies.';
  }
  return [{
    id: 'vdr.win2008-app-quiesce',
    severity,
    title: `${guest}: application-consistent quiescing that Data Recovery cannot back up`,
    explanation:
      `This is a ${guest} guest and ${how}. On ESX/ESXi 4.1 that makes the snapshot application-consistent (VSS), ` +
      'which leaves a second redo log that the VDDK 1.1.x inside this Data Recovery appliance cannot open, so the ' +
      'backup fails (typically "error -3960 cannot quiesce virtual machine"). This is a known issue. Either move to a ' +
      'Data Recovery build based on VDDK 1.2 or later, or set disk.EnableUUID to FALSE while the VM is powered off so ' +
      'the host uses file-system-consistent quiescing instead.' + tail,
    evidence,
    source: [SOURCES.ADMIN_GUIDE, SOURCES.VDDK, SOURCES.VKNOWLEDGE],
    fix: [
      { kind: 'setConfig', key: 'disk.EnableUUID', value: 'FALSE', requiresPoweredOff: true },
      { kind: 'manual', steps: ['Upgrade the Data Recovery appliance to a release built on VDDK 1.2 or later.'] },
    ],
  }];
};

const ruleAppQuiesceLayout: ConfigRule = (f) => {
  if (!isWindows2008Family(f.guestFamily)) return [];
  const layout = appQuiesceLayout(f);
  if (layout.ok || layout.diskCount === 0) return [];
  const reasons: string[] = [];
  const evidence: Evidence[] = [];
  if (layout.ideDisks.length) {
    reasons.push(`it has IDE disks (${diskList(layout.ideDisks)})`);
    for (const d of layout.ideDisks) evidence.push(...d.evidence.slice(0, 2));
  }
  if (layout.sataDisks.length) {
    reasons.push(`it has non-SCSI disks (${diskList(layout.sataDisks)})`);
    for (const d of layout.sataDisks) evidence.push(...d.evidence.slice(0, 2));
  }
  if (layout.freeScsiSlots < layout.diskCount) {
    reasons.push(`it has ${layout.freeScsiSlots} free SCSI slot(s) for ${layout.diskCount} disk(s)`);
    for (const c of f.controllers.filter((x) => x.bus === 'scsi')) evidence.push(...c.evidence);
  }
  return [{
    id: 'vdr.app-quiesce-layout',
    severity: 'warning',
    title: 'Application-consistent quiescing is not possible with this disk layout',
    explanation:
      `Windows Server 2008 guests get application-consistent backups only when every disk is SCSI and there are at least ` +
      `as many free SCSI slots as disks. Here ${reasons.join(' and ')}, so backups are at best file-system consistent: ` +
      'applications such as databases are not told to flush before the snapshot.',
    evidence,
    source: [SOURCES.ADMIN_GUIDE, SOURCES.CONFIG_MAX],
    fix: [{ kind: 'manual', steps: ['Move the disks to a SCSI controller (or add one) so that every disk is SCSI and enough SCSI slots stay free.'] }],
  }];
};

const ruleHardwareVersion = factFindings([{
  id: 'vdr.hw-version',
  applies: (f) => f.hardwareVersion !== undefined && f.hardwareVersion < 7,
  severity: 'warning',
  title: (f) => `Virtual hardware version ${f.hardwareVersion}: no changed block tracking`,
  explanation: (f) =>
    `This VM uses virtual hardware version ${f.hardwareVersion}. Changed block tracking needs version 7 or later, so ` +
    'every backup has to read each disk in full: jobs take much longer and are more likely to run past the backup window.',
  facts: ['hardwareVersion'],
  source: SOURCES.CBT,
  fix: [{ kind: 'upgradeHardware', version: 7, requiresPoweredOff: true }],
}]);

const ruleCbt: ConfigRule = (f) => {
  if (f.hardwareVersion !== undefined && f.hardwareVersion < 7) return []; // covered by vdr.hw-version
  const out: Finding[] = [];
  if (f.ctkEnabled !== true) {
    const explicit = f.ctkEnabled === false;
    const fixes: Fix[] = [{ kind: 'setConfig', key: 'ctkEnabled', value: 'TRUE', requiresPoweredOff: false, note: 'Takes effect after a stun/unstun: a snapshot create/delete or a power cycle.' }];
    for (const d of f.disks) if (d.ctkEnabled !== true && d.rdm !== 'physical') fixes.push({ kind: 'setConfig', key: `${d.id}.ctkEnabled`, value: 'TRUE', requiresPoweredOff: false });
    out.push({
      id: 'vdr.cbt-off',
      severity: explicit ? 'warning' : 'info',
      title: explicit ? 'Changed block tracking is turned off' : 'Changed block tracking is not turned on',
      explanation:
        (explicit ? 'ctkEnabled is FALSE' : 'The configuration has no ctkEnabled key') +
        ', so backups cannot ask which blocks changed since the last run and must read whole disks. Turning it on ' +
        'needs ctkEnabled and the per-disk ctkEnabled keys, and takes effect after the VM goes through a stun/unstun ' +
        '(a snapshot create/delete or a power cycle).',
      evidence: f.evidence.ctkEnabled ?? f.evidence.hardwareVersion ?? [],
      source: [SOURCES.CBT],
      fix: fixes,
    });
  } else {
    // Independent disks are not in snapshots and physical RDMs have no CBT: other rules cover them.
    const off = f.disks.filter((d) => d.ctkEnabled !== true && !(d.mode ?? '').startsWith('independent') && d.rdm !== 'physical');
    if (off.length) {
      out.push({
        id: 'vdr.cbt-disk-off',
        severity: 'warning',
        title: 'Changed block tracking is off for some disks',
        explanation:
          `Changed block tracking is on for the VM but not for ${diskList(off)}, so those disks are read in full at every backup.`,
        evidence: [...(f.evidence.ctkEnabled ?? []), ...off.flatMap((d) => d.evidence)],
        source: [SOURCES.CBT],
        fix: off.map((d) => ({ kind: 'setConfig' as const, key: `${d.id}.ctkEnabled`, value: 'TRUE', requiresPoweredOff: false })),
      });
    }
  }
  return out;
};

const ruleIndependent: ConfigRule = (f) => whenAny(f.disks.filter((d) => (d.mode ?? '').toLowerCase().startsWith('independent')), (ind) => ({
  id: 'vdr.independent-disk',
  severity: 'warning',
  title: ind.length === 1 ? 'A disk is independent and is not backed up' : `${ind.length} disks are independent and are not backed up`,
  explanation:
    `${diskList(ind)} ${ind.length === 1 ? 'is' : 'are'} in independent mode. Snapshots leave independent disks out, ` +
    'and Data Recovery backs up from a snapshot, so their data is silently missing from every restore point.',
  evidence: ind.flatMap((d) => d.evidence),
  source: [SOURCES.VMX_FAQ, 'DOMAIN.md §1: independent disks are skipped by snapshots'],
  fix: ind.map((d) => ({ kind: 'setConfig' as const, key: `${d.id}.mode`, value: 'persistent', requiresPoweredOff: true })),
}));

const rulePhysicalRdm: ConfigRule = (f) => whenAny(f.disks.filter((d) => d.rdm === 'physical' && !(d.mode ?? '').toLowerCase().startsWith('independent')), (prdm) => ({
  id: 'vdr.physical-rdm',
  severity: 'error',
  title: 'Physical-mode raw device mapping: the VM cannot be snapshotted',
  explanation:
    `${diskList(prdm)} ${prdm.length === 1 ? 'is a raw device mapping' : 'are raw device mappings'} in physical ` +
    'compatibility mode. Such disks cannot be part of a snapshot (virtual-mode mappings can), so the snapshot Data ' +
    'Recovery needs fails. (Physical mode was inferred from the `rawDisk` device type or the `-rdmp.vmdk` mapping file name when the source is a .vmx.)',
  evidence: prdm.flatMap((d) => d.evidence),
  source: ['DOMAIN.md §1: physical-mode RDMs cannot be snapshotted (virtual mode can)', SOURCES.VMX_FAQ],
  fix: [{ kind: 'manual', steps: [
    'Either re-create the mapping in virtual compatibility mode, so it can be snapshotted and backed up,',
    'or make the disk independent (it is then skipped) and back up that LUN by other means.',
  ] }],
}));

const ruleSnapshots = factFindings([
  {
    id: 'vdr.consolidation-needed',
    applies: (f) => f.consolidationNeeded === true,
    severity: 'warning',
    title: 'The VM needs disk consolidation',
    explanation:
      'vSphere reports that redo logs were left behind by an earlier snapshot removal (often a backup that did not finish). ' +
      'Until they are consolidated, new backup snapshots stack on top of them, grow the chain and may fail.',
    facts: ['consolidationNeeded'],
    source: 'DOMAIN.md §1: leftover snapshots / consolidation needed',
    fix: [{ kind: 'consolidateDisks' }],
  },
  {
    id: 'vdr.existing-snapshots',
    applies: (f) => f.snapshotCount !== undefined && f.snapshotCount > 0,
    severity: 'warning',
    title: (f) => `The VM has ${f.snapshotCount} snapshot${f.snapshotCount === 1 ? '' : 's'}`,
    explanation:
      'Existing snapshots (including ones a failed backup left behind) make backups slower and more fragile: the backup ' +
      'snapshot is added to a longer chain, and leftover backup snapshots are a sign earlier runs did not clean up.',
    facts: ['snapshotCount'],
    source: 'DOMAIN.md §1: leftover snapshots',
    fix: [{ kind: 'deleteSnapshots' }],
  },
]);

const TOOLS_OUTDATED = new Set(['guestToolsNeedUpgrade', 'guestToolsTooOld', 'guestToolsSupportedOld', 'guestToolsBlacklisted']);

const TOOLS_SOURCE = 'DOMAIN.md §1: VMware Tools not running or old (quiesce needs it)';

const ruleTools = factFindings([
  {
    id: 'vdr.tools-missing',
    applies: (f) => f.toolsVersionStatus === 'guestToolsNotInstalled',
    severity: 'error',
    title: 'VMware Tools is not installed',
    explanation: 'Quiescing the guest before the backup snapshot is done by VMware Tools. Without it backups are at best crash-consistent.',
    facts: ['toolsVersionStatus'],
    source: TOOLS_SOURCE,
    fix: [{ kind: 'upgradeTools' }],
  },
  {
    id: 'vdr.tools-not-running',
    applies: (f) => f.toolsVersionStatus !== 'guestToolsNotInstalled' && f.toolsRunningStatus !== undefined &&
      f.toolsRunningStatus !== 'guestToolsRunning' && f.powerState !== 'poweredOff',
    severity: (f) => (f.powerState === 'poweredOn' ? 'error' : 'warning'),
    title: 'VMware Tools is not running',
    explanation:
      'The VM is powered on but VMware Tools is not running, so the guest cannot be quiesced for the backup snapshot ' +
      '(quiesce errors such as -3960 follow). Start or reinstall VMware Tools in the guest.',
    facts: ['toolsRunningStatus', 'powerState'],
    source: TOOLS_SOURCE,
    fix: [{ kind: 'manual', steps: ['Start the VMware Tools service in the guest, or reinstall VMware Tools.'] }],
  },
  {
    id: 'vdr.tools-outdated',
    applies: (f) => !!f.toolsVersionStatus && TOOLS_OUTDATED.has(f.toolsVersionStatus),
    severity: 'warning',
    title: 'VMware Tools is out of date',
    explanation: (f) => `vSphere reports the Tools status as ${f.toolsVersionStatus}. Old Tools versions have quiescing (VSS) bugs; upgrade to the version that matches the host.`,
    facts: ['toolsVersionStatus', 'toolsVersion'],
    source: TOOLS_SOURCE,
    fix: [{ kind: 'upgradeTools' }],
  },
  {
    id: 'vdr.tools-837-2008r2',
    applies: (f) => f.guestFamily === 'windows2008r2' && f.toolsVersion === '8.3.7',
    severity: 'warning',
    title: 'VMware Tools 8.3.7 on Windows Server 2008 R2',
    explanation: 'Tools 8.3.7 is reported to break VSS quiescing on Windows Server 2008 R2; quiesced snapshots fail until Tools is upgraded.',
    facts: ['toolsVersion'],
    source: SOURCES.ELATOV_QUIESCE,
    fix: [{ kind: 'upgradeTools' }],
  },
]);

const ruleFloppy = factFindings([{
  id: 'vdr.floppy-2008r2',
  applies: (f) => f.guestFamily === 'windows2008r2' && f.floppyPresent === true,
  severity: 'warning',
  title: 'Floppy drive on a Windows Server 2008 R2 VM',
  explanation: 'A virtual floppy device has been reported to make VSS quiescing fail on Windows Server 2008 R2. Remove it unless it is needed.',
  facts: ['floppyPresent'],
  source: SOURCES.ELATOV_QUIESCE,
  fix: [{ kind: 'setConfig', key: 'floppy0.present', value: 'FALSE', requiresPoweredOff: true }],
}]);

export const CONFIG_RULES: readonly ConfigRule[] = [
  ruleWin2008Uuid, ruleAppQuiesceLayout, ruleHardwareVersion, ruleCbt, ruleIndependent, rulePhysicalRdm,
  ruleSnapshots, ruleTools, ruleFloppy,
];

// ---------------------------------------------------------------------------------------------
// Log rules
// ---------------------------------------------------------------------------------------------

/**
 * Which VMs a group's lines concern: those named on the lines, then those whose job runs were open
 * when lines naming no VM were logged. Returns the names and a sentence for the explanation.
 */
export function affectedVms(g: ErrorGroup): { vms: string[]; text: string } {
  const named = [...g.vms];
  const during = g.duringRuns.filter((d) => !named.some((n) => n.toLowerCase() === d.vm.toLowerCase()));
  const vms = [...named, ...during.map((d) => d.vm)];
  const parts: string[] = [];
  if (named.length) parts.push(`The lines name ${named.join(', ')}.`);
  if (g.duringRuns.length) {
    const list = g.duringRuns.map((d) => `${d.vm} (${d.lines} line${d.lines === 1 ? '' : 's'})`).join(', ');
    parts.push(`${named.length ? 'Other lines name no VM; they' : 'The lines name no VM; they'} were logged while the backup job run${g.duringRuns.length === 1 ? '' : 's'} of ${list} ${g.duringRuns.length === 1 ? 'was' : 'were'} open.`);
    if (g.linesSeveralVms) parts.push(`${g.linesSeveralVms} line${g.linesSeveralVms === 1 ? ' was' : 's were'} logged while runs of several VMs were open at once, so ${g.linesSeveralVms === 1 ? 'it cannot' : 'they cannot'} be pinned to one of them.`);
  }
  if (g.linesNoRun && g.duringRuns.length) parts.push(`${g.linesNoRun} line${g.linesNoRun === 1 ? ' was' : 's were'} logged while no backup run of a VM was open.`);
  return { vms, text: parts.join(' ') };
}

function countLine(g: ErrorGroup): string {
  const when = (t?: number) => (t === undefined ? '' : ` (${new Date(t).toISOString()})`);
  return `${g.count} time${g.count === 1 ? '' : 's'}, first at ${g.first.file}:${g.first.line}${when(g.first.time)}, last at ${g.last.file}:${g.last.line}${when(g.last.time)}`;
}

/** A log rule; `used` collects the error groups it explained, so `vdr.log.other-errors` lists only the rest. */
type LogRule = (logs: LogAnalysis, used: Set<string>) => Finding[];

const ruleQuiesce3960: LogRule = (logs, used) => {
  const g3960 = logGroup(logs, '-3960');
  if (!g3960) return [];
  used.add(g3960.key);
  const affected = affectedVms(g3960);
  const f: Finding = {
    id: 'vdr.log.quiesce-3960',
    severity: 'error',
    // The VM(s) go in `vm` / `vms` (shown beside the title) and in the explanation.
    title: 'Snapshots failed: the guest could not be quiesced (-3960)',
    explanation:
      `Data Recovery logged "cannot quiesce virtual machine" ${countLine(g3960)}.${affected.text ? ` ${affected.text}` : ''} The backup snapshot needs the guest to ` +
      'quiesce through VMware Tools. On Windows Server 2008 / 2008 R2 guests check disk.EnableUUID (application-consistent ' +
      'quiescing this appliance cannot handle); otherwise check that Tools runs and is current, and the guest\'s VSS writers.',
    evidence: groupEvidence(g3960),
    source: [SOURCES.ADMIN_GUIDE, SOURCES.ELATOV_QUIESCE, 'DOMAIN.md §1 error codes'],
  };
  if (affected.vms.length === 1) f.vm = affected.vms[0];
  else if (affected.vms.length > 1) f.vms = affected.vms;
  return [f];
};

const ruleReadErrors: LogRule = (logs, used) => {
  const g3956 = logGroup(logs, '-3956');
  const vcbRead = logs.errors.filter((g) => g.source === 'vcbAPI' && (g.code !== undefined || /read/i.test(g.key)));
  if (!g3956 && !vcbRead.length) return [];
  const evidence: Evidence[] = [];
  const parts: string[] = [];
  if (g3956) { used.add(g3956.key); evidence.push(...groupEvidence(g3956, 3)); parts.push(`"operation failed" (-3956) ${countLine(g3956)}`); }
  for (const g of vcbRead) {
    used.add(g.key);
    evidence.push(...groupEvidence(g, 2));
    parts.push(`VDDK read failure${g.code ? ` (vcbAPI error ${g.code})` : ''} ${countLine(g)}${g.vms.length ? ` on ${g.vms.join(', ')}` : ''}`);
  }
  return [{
    id: 'vdr.log.read-errors',
    severity: 'error',
    title: 'Read errors while backing up or checking the store',
    explanation:
      `Data Recovery could not read data it needed: ${parts.join('; ')}. "Trouble reading files" during an integrity check ` +
      'points at the deduplication store; vcbAPI read failures point at reading the VM\'s disks through VDDK (snapshot ' +
      'redo logs, storage access). Raise the VDDK log level with SetVCBLogging=6 in datarecovery.ini to see more.',
    evidence,
    source: [SOURCES.ELATOV_INTEGRITY, 'DOMAIN.md §1 error codes'],
    fix: [{ kind: 'manual', steps: [
      'Add SetVCBLogging=6 under [Options] in /var/vmware/datarecovery/datarecovery.ini and restart the Data Recovery service to get detailed vcbAPI logs.',
      'Check the datastore paths named in the vcbAPI lines and the destination store\'s health.',
    ] }],
  }];
};

const ruleRestorePoint2249: LogRule = (logs, used) => {
  const g2249 = logGroup(logs, '-2249');
  if (!g2249) return [];
  used.add(g2249.key);
  return [{
    id: 'vdr.log.restore-point-2249',
    severity: 'warning',
    title: 'A restore point could not be found (-2249)',
    explanation:
      `Data Recovery logged "could not find restore point" ${countLine(g2249)}. A restore point it expected in the ` +
      'deduplication store is missing or damaged; run an integrity check on the destination and mark or remove damaged restore points.',
    evidence: groupEvidence(g2249),
    source: [SOURCES.ELATOV_INTEGRITY, 'DOMAIN.md §1 error codes'],
  }];
};

/** The run's outcome line, or its first line when it has none. */
function runEvidence(j: JobRun): Evidence {
  return logEvidence(j.evidence ?? { ...j.start, text: j.name });
}

const ruleJobsIncomplete: LogRule = (logs) => whenAny(logs.jobs.filter((j) => j.outcome === 'incomplete' || j.outcome === 'failed'), (bad) => {
  const names = [...new Set(bad.map((j) => j.name))];
  return {
    id: 'vdr.log.jobs-incomplete',
    severity: bad.some((j) => j.outcome === 'failed') ? 'error' : 'warning',
    title: `${bad.length} job run${bad.length === 1 ? '' : 's'} did not complete`,
    explanation:
      `These jobs ended incomplete or failed: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}. ` +
      'An incomplete backup job leaves the VMs listed without a new restore point; an incomplete integrity check leaves the store unverified.',
    evidence: bad.slice(-6).map(runEvidence),
    source: ['DOMAIN.md §1 log shapes (Job "…" incomplete)'],
  };
});

const ruleStopTime: LogRule = (logs) => whenAny(logs.jobs.filter((j) => j.outcome === 'terminated-at-stop-time'), (stopped) => ({
  id: 'vdr.log.stop-time',
  severity: 'warning',
  title: 'Jobs were cut off at the end of the backup window',
  explanation:
    `${stopped.length} job run${stopped.length === 1 ? ' was' : 's were'} terminated at the specified stop time. The backup window ` +
    'is too short for the work: lengthen it, spread the VMs over more jobs, or make backups incremental (changed block tracking).',
  evidence: stopped.slice(-4).map(runEvidence),
  source: ['DOMAIN.md §1 log shapes (Job terminated at specified stop time)'],
  fix: [{ kind: 'manual', steps: ['Lengthen the backup window of the affected jobs or split them.'] }],
}));

/** Last: the error groups no rule above explained. */
const ruleOtherErrors: LogRule = (logs, used) => whenAny(logs.errors.filter((g) => !used.has(g.key)), (rest) => ({
  id: 'vdr.log.other-errors',
  severity: 'info',
  title: `${rest.length} other kind${rest.length === 1 ? '' : 's'} of error in the logs`,
  explanation: rest.slice(0, 5).map((g) => `${g.code ?? g.key.replace(/^msg:/, '')}${g.meaning ? ` (${g.meaning})` : ''}: ${g.count}×`).join('; ') +
    (rest.length > 5 ? '; …' : '') + '. They are shown as the log prints them; their meaning is not documented here.',
  evidence: rest.slice(0, 5).map((g) => logEvidence(g.first)),
  source: ['appliance logs'],
}));

export const LOG_RULES: readonly LogRule[] = [
  ruleQuiesce3960, ruleReadErrors, ruleRestorePoint2249, ruleJobsIncomplete, ruleStopTime, ruleOtherErrors,
];

function logRules(logs: LogAnalysis): Finding[] {
  const used = new Set<string>();
  return LOG_RULES.flatMap((rule) => rule(logs, used));
}

// ---------------------------------------------------------------------------------------------

/** Runs every rule; findings come back sorted by severity (errors first), in rule order within a severity. */
export function diagnose(input: DiagnoseInput): Finding[] {
  const out: Finding[] = [];
  const facts = input.facts === undefined ? [] : Array.isArray(input.facts) ? input.facts : [input.facts];
  for (const f of facts) {
    for (const rule of CONFIG_RULES) {
      for (const finding of rule(f, input)) {
        if (f.name !== undefined) finding.vm = f.name;
        out.push(finding);
      }
    }
  }
  if (input.logs) out.push(...logRules(input.logs));
  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}
