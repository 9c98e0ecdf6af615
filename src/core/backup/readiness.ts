/**
 * Backup readiness: "which of my VMs will not back up properly tonight, and why?" for every vSphere
 * generation and every backup product that uses the vSphere snapshot + VADP path (Veeam, Nakivo,
 * Commvault, Veritas… and, on 4.x/5.x, VMware Data Recovery).
 *
 * Each rule in `READINESS_RULES` is a row that says which generations (`generations` in words,
 * `appliesTo` through the generation model — no version strings here) and which guests it concerns,
 * and where its facts come from (`source`). The generation is the one of the host running the VM
 * (its `summary.config.product`), else the connection's. The Data Recovery diagnostics (rules.ts)
 * are untouched: the 4.x Windows 2008 case below *is* the Data Recovery rule, reused as it is.
 *
 * Log rules: the VM's own vmware.log (classify.ts `VMWARE_LOG_PATTERNS`, read only for VMs with a
 * snapshot finding) adds `backup.log.quiesce` with the lines as evidence.
 */
import type { Evidence } from './evidence';
import type { VmFacts } from './facts';
import { isWindows2008Family } from './facts';
import type { LogAnalysis, ErrorGroup } from './logs';
import { groupEvidence, ruleWin2008Uuid, type Finding, type Fix } from './rules';
import type { Severity } from './severity';
import { Generation } from '../vsphere/generation';

/** What the sweep knows of one VM beyond `VmFacts`. */
export interface ReadinessVm {
  facts: VmFacts;
  /** The generation of the host running the VM (else the connection's); undefined when unknown. */
  generation?: Generation;
  /** Every snapshot, flattened, with its depth in the tree (1 = a root snapshot). */
  snapshots: { name: string; createTime?: number; depth: number }[];
  /** `config.keyId` is set: the VM is encrypted. */
  encrypted?: boolean;
  /** A VirtualTPM device is present. */
  vtpm?: boolean;
  /** The analysis of the VM's vmware.log, when it was read. */
  log?: LogAnalysis;
}

export interface ReadinessOptions {
  /** Epoch ms (default now). */
  now?: number;
  /** A snapshot older than this many days is a finding (default 3: VMware KB 1025279, "no more than 72 hours"). */
  maxSnapshotAgeDays?: number;
  /** A chain deeper than this is a finding (default 3: KB 1025279 advises 2–3 for performance). */
  maxSnapshotDepth?: number;
}

type Draft = Pick<Finding, 'severity' | 'title' | 'explanation' | 'evidence'> & { fix?: Fix[] };

export interface ReadinessRule {
  code: string;
  /** Short name for the matrix column. */
  label: string;
  /** The generations it concerns, in words. */
  generations: string;
  /** The guests it concerns, in words. */
  guests: string;
  source: string[];
  /** The fix the bulk fixer can apply, when there is one. */
  bulkFix?: BulkFixKind;
  /** True when the rule concerns this generation (unknown generation: rules for every generation only). */
  appliesTo(gen: Generation | undefined): boolean;
  check(vm: ReadinessVm, o: Required<ReadinessOptions>): Draft | undefined;
}

/** The fixes the bulk fixer (bulkFix.ts) applies over the API. */
export type BulkFixKind = 'enableUuidTrue' | 'enableUuidFalse' | 'consolidate' | 'enableCbt';

export const READINESS_SOURCES = {
  VDR_GUIDE: 'VMware Data Recovery 2.0 Administration Guide: quiescing mechanisms by guest OS (application-consistent on Windows 2008 needs disk.EnableUUID)',
  KB1028881: 'VMware KB 1028881: disk.EnableUUID = FALSE turns application-consistent quiescing off (file-system consistent only)',
  VDDK_GUIDE: 'Virtual Disk Development Kit Programming Guide: snapshots, changed block tracking, HotAdd needs virtual hardware 7+, independent and physical RDM disks are not in snapshots',
  KB1025279: 'VMware KB 1025279: best practices for snapshots (no more than 72 hours, 2–3 in a chain, 32 at most)',
  KB2003638: 'VMware KB 2003638: consolidating snapshots (runtime.consolidationNeeded, vSphere 5.0+)',
  KB2136854: 'VMware KB 2136854 (CBT in ESXi 6.0 may return wrong changed areas) and KB 2139574 (resetting CBT)',
  VDDK65_ENC: 'VDDK 6.5 Programming Guide, "Encrypted virtual machines" (no SAN transport; HotAdd through an encrypted proxy, else NBDSSL)',
  VTPM67: 'vSphere 6.7 Security guide, "Virtual Trusted Platform Module" (the VM is encrypted; its keys come from the key provider)',
  TOOLS: 'vSphere Virtual Machine Administration guide: quiesced snapshots need VMware Tools running in the guest',
  API: 'vSphere Web Services API reference: GuestInfo.toolsRunningStatus / toolsVersionStatus2, VirtualMachineConfigInfo.changeTrackingEnabled, keyId',
} as const;

const DAY = 86_400_000;
const every = (): boolean => true;

/** Windows Server 2008 or later: the guests VSS quiesces application-consistently. */
export function isWindowsServer2008Plus(f: VmFacts): boolean {
  if (isWindows2008Family(f.guestFamily)) return true;
  const id = f.guestIdApi ?? f.guestIdVmx ?? '';
  return /^windows(?:8|9|2019|2022|\d*)Server|^windows\d*srv|^windows20\d\d/i.test(id) && !/winNet/i.test(id);
}

/**
 * Is disk.EnableUUID in effect? TRUE/FALSE when set; when absent, TRUE for a VM created on 4.1 or
 * later (the default then), unknown otherwise.
 */
function enableUuid(f: VmFacts, createdOn: Generation | undefined): boolean | undefined {
  if (f.diskEnableUuid !== undefined) return f.diskEnableUuid;
  if (createdOn) return createdOn.hasWindowsAppQuiesce;
  return undefined;
}

function snapshotEvidence(vm: ReadinessVm): Evidence[] {
  return vm.facts.evidence.snapshotCount ?? [];
}

function logGroups(log: LogAnalysis | undefined): ErrorGroup[] {
  return (log?.errors ?? []).filter((g) => g.source === 'vmware');
}


const S = READINESS_SOURCES;
const TOOLS_OUTDATED = new Set(['guestToolsNeedUpgrade', 'guestToolsTooOld', 'guestToolsSupportedOld', 'guestToolsBlacklisted']);

function createdOnGen(vm: ReadinessVm): Generation | undefined {
  return vm.facts.createdOnVersion ? Generation.fromAbout({ version: vm.facts.createdOnVersion }) : undefined;
}

/** Quiescing rules: disk.EnableUUID per generation, and the vmware.log lines. */
function quiesceRules(): ReadinessRule[] {
  return [
    {
      code: 'backup.quiesce.vddk11', label: 'App quiesce (4.x)', bulkFix: 'enableUuidFalse',
      generations: 'ESX/ESXi 4.1 and other 4.x (the Data Recovery / VDDK 1.1 era)', guests: 'Windows Server 2008 and 2008 R2',
      source: [S.VDR_GUIDE, 'VDDK 1.1.1 release notes', 'vknowledge.wordpress.com 2010-08-18'],
      appliesTo: (g) => !!g && g.vddk11BackupEra && g.hasWindowsAppQuiesce,
      check: (vm) => {
        // The Data Recovery rule itself, so the 4.1 case stays exactly as rules.ts decides it.
        const [f] = ruleWin2008Uuid(vm.facts, {});
        return f ? { severity: f.severity, title: f.title, explanation: f.explanation, evidence: f.evidence, fix: f.fix } : undefined;
      },
    },
    {
      code: 'backup.quiesce.enableuuid', label: 'App-consistent', bulkFix: 'enableUuidTrue',
      generations: 'vSphere 5.0 and later (VADP backups read application-consistent snapshots)', guests: 'Windows Server 2008 and later',
      source: [S.VDR_GUIDE, S.KB1028881],
      appliesTo: (g) => !!g && !g.vddk11BackupEra,
      check: (vm) => {
        const f = vm.facts;
        if (!isWindowsServer2008Plus(f)) return undefined;
        const on = enableUuid(f, createdOnGen(vm));
        if (on !== false) return undefined;
        const why = f.diskEnableUuid === false
          ? 'disk.EnableUUID is FALSE'
          : `disk.EnableUUID is not set and the VM was created on vSphere ${f.createdOnVersion}, before 4.1, where it is off by default`;
        return {
          severity: 'warning',
          title: 'Backups are only file-system consistent (disk.EnableUUID off)',
          explanation: `This Windows Server guest gets no application-consistent (VSS) quiescing because ${why}. Databases and mail stores are then ` +
            'backed up as after a crash. Set disk.EnableUUID = TRUE with the VM powered off (the backup products of this generation read such snapshots).',
          evidence: [...(f.evidence.guestId ?? []), ...(f.evidence.diskEnableUuid ?? f.evidence.createdOnVersion ?? [])],
          fix: [{ kind: 'setConfig', key: 'disk.EnableUUID', value: 'TRUE', requiresPoweredOff: true }],
        };
      },
    },
    {
      code: 'backup.log.quiesce', label: 'Quiesce log',
      generations: 'every generation (the VM\'s own vmware.log)', guests: 'every guest',
      source: ['Bacula vSphere plugin guide, "Quiescing Guests" (ESXi quiesce messages)', 'IBM support document swg21678788 (frozen I/O time limit)', 'no complete vmware.log line sample found: the message texts are matched anywhere in a line'],
      appliesTo: every,
      check: (vm) => {
        const groups = logGroups(vm.log);
        if (!groups.length) return undefined;
        const parts = groups.map((g) => `${g.meaning ?? g.key} (${g.count}×, last at line ${g.last.line})`);
        return {
          severity: 'error',
          title: 'vmware.log shows failed quiesced snapshots',
          explanation: `The VM's vmware.log records: ${parts.join('; ')}. A backup's quiesced snapshot fails the same way. Check that VMware Tools runs and is current, ` +
            'the guest\'s VSS writers (vssadmin list writers) or pre-freeze scripts, and the I/O load at backup time.',
          evidence: groups.flatMap((g) => groupEvidence(g, 5)).sort((x, y) => (x.kind === 'log' && y.kind === 'log' ? x.line - y.line : 0)).slice(0, 8),
        };
      },
    },
  ];
}

/** Snapshot rules: consolidation, age, depth. */
function snapshotRules(): ReadinessRule[] {
  return [
    {
      code: 'backup.snapshot.consolidate', label: 'Consolidation', bulkFix: 'consolidate',
      generations: 'vSphere 5.0 and later (4.x cannot report it)', guests: 'every guest', source: [S.KB2003638, S.API],
      appliesTo: (g) => !!g && g.reportsConsolidationNeeded,
      check: (vm) => vm.facts.consolidationNeeded !== true ? undefined : {
        severity: 'error',
        title: 'The VM needs disk consolidation',
        explanation: 'An earlier snapshot removal (often a backup that did not finish) left redo logs behind. The next backup snapshot stacks on them, ' +
          'the chain grows and backups slow down or fail. Consolidate the disks (it runs with the VM on; it is I/O heavy).',
        evidence: vm.facts.evidence.consolidationNeeded ?? [],
        fix: [{ kind: 'consolidateDisks' }],
      },
    },
    {
      code: 'backup.snapshot.old', label: 'Old snapshot',
      generations: 'every generation', guests: 'every guest', source: [S.KB1025279],
      appliesTo: every,
      check: (vm, o) => {
        const limit = o.now - o.maxSnapshotAgeDays * DAY;
        const old = vm.snapshots.filter((s) => s.createTime !== undefined && s.createTime < limit);
        if (!old.length) return undefined;
        const oldest = Math.min(...old.map((s) => s.createTime!));
        const days = Math.floor((o.now - oldest) / DAY);
        return {
          severity: 'warning',
          title: `${old.length} snapshot${old.length === 1 ? '' : 's'} older than ${o.maxSnapshotAgeDays} days (oldest ${days} days)`,
          explanation: `Snapshots kept for days (${old.map((s) => `"${s.name}"`).slice(0, 5).join(', ')}) grow their redo logs; each backup snapshot is added on top ` +
            'and its removal has more to merge. Delete the snapshots that are no longer needed (leftovers of backups first).',
          evidence: old.slice(0, 5).map((s) => ({ kind: 'api', path: `snapshot "${s.name}".createTime`, value: new Date(s.createTime!).toISOString() })),
          fix: [{ kind: 'deleteSnapshots' }],
        };
      },
    },
    {
      code: 'backup.snapshot.deep', label: 'Snapshot chain',
      generations: 'every generation', guests: 'every guest', source: [S.KB1025279],
      appliesTo: every,
      check: (vm, o) => {
        const depth = Math.max(0, ...vm.snapshots.map((s) => s.depth));
        if (depth <= o.maxSnapshotDepth) return undefined;
        const full = depth >= 31;
        return {
          severity: full ? 'error' : 'warning',
          title: `Snapshot chain ${depth} deep`,
          explanation: full
            ? `The chain is ${depth} deep; a chain holds 32 at most, so the backup snapshot cannot be added. Delete snapshots.`
            : `The chain is ${depth} deep (more than ${o.maxSnapshotDepth}). Every level slows disk I/O and the backup snapshot's removal. Delete the ones not needed.`,
          evidence: snapshotEvidence(vm),
          fix: [{ kind: 'deleteSnapshots' }],
        };
      },
    },
  ];
}

/** Disk rules: CBT, independent disks, physical RDMs, hardware version. */
function diskRules(): ReadinessRule[] {
  const indep = (vm: ReadinessVm) => vm.facts.disks.filter((d) => d.rdm !== 'physical' && (d.mode ?? '').toLowerCase().startsWith('independent'));
  const prdm = (vm: ReadinessVm) => vm.facts.disks.filter((d) => d.rdm === 'physical');
  const list = (ds: { id: string; fileName?: string }[]) => ds.map((d) => (d.fileName ? `${d.id} (${d.fileName})` : d.id)).join(', ');
  return [
    {
      code: 'backup.hw.old', label: 'Hardware version',
      generations: 'every generation (virtual hardware 7 came with 4.0)', guests: 'every guest', source: [S.VDDK_GUIDE],
      appliesTo: every,
      check: (vm) => {
        const hw = vm.facts.hardwareVersion;
        if (hw === undefined || hw >= 7) return undefined;
        return {
          severity: 'warning',
          title: `Virtual hardware ${hw}: no changed block tracking, no HotAdd`,
          explanation: `Virtual hardware ${hw} has neither changed block tracking nor HotAdd transport (both need 7 or later): every backup reads whole disks over the network. Upgrade the virtual hardware with the VM powered off (VMware Tools first).`,
          evidence: vm.facts.evidence.hardwareVersion ?? [],
          fix: [{ kind: 'upgradeHardware', version: 7, requiresPoweredOff: true }],
        };
      },
    },
    {
      code: 'backup.cbt.off', label: 'CBT', bulkFix: 'enableCbt',
      generations: 'every generation (virtual hardware 7+)', guests: 'every guest', source: [S.VDDK_GUIDE, S.API],
      appliesTo: every,
      check: (vm) => {
        const f = vm.facts;
        if (f.ctkEnabled === true || (f.hardwareVersion !== undefined && f.hardwareVersion < 7)) return undefined;
        return {
          severity: 'warning',
          title: 'Changed block tracking is off',
          explanation: 'Without changed block tracking every incremental backup reads each disk in full. Turn it on; it takes effect at the next stun/unstun (a snapshot create/delete, as the next backup does, or a power cycle).',
          evidence: f.evidence.ctkEnabled ?? [{ kind: 'api', path: 'config.changeTrackingEnabled', value: 'unset' }],
          fix: [{ kind: 'enableCbt' }],
        };
      },
    },
    {
      code: 'backup.cbt.reset', label: 'CBT reset (6.0)',
      generations: 'ESXi 6.0 (before the KB 2136854 fix)', guests: 'every guest', source: [S.KB2136854],
      appliesTo: (g) => !!g && g.cbtResetAdvised,
      check: (vm) => vm.facts.ctkEnabled !== true ? undefined : {
        severity: 'warning',
        title: 'Reset changed block tracking (ESXi 6.0 CBT issue)',
        explanation: 'On ESXi 6.0 before the fix of KB 2136854 CBT could report wrong changed areas, so incremental backups may miss data. After patching the host, reset CBT (KB 2139574) and take a full backup.',
        evidence: [...(vm.facts.evidence.ctkEnabled ?? [])],
        fix: [{ kind: 'manual', steps: ['Patch the host (KB 2136854), then reset CBT: turn it off, snapshot create/delete, turn it on, snapshot create/delete (KB 2139574); then run a full backup.'] }],
      },
    },
    {
      code: 'backup.disk.independent', label: 'Independent disk',
      generations: 'every generation', guests: 'every guest', source: [S.VDDK_GUIDE],
      appliesTo: every,
      check: (vm) => {
        const ds = indep(vm);
        return !ds.length ? undefined : {
          severity: 'error',
          title: ds.length === 1 ? 'An independent disk is not backed up' : `${ds.length} independent disks are not backed up`,
          explanation: `${list(ds)} ${ds.length === 1 ? 'is' : 'are'} independent: snapshots leave such disks out, so backups silently miss their data. Make them dependent (persistent) with the VM powered off, or back them up by other means.`,
          evidence: ds.flatMap((d) => d.evidence),
          fix: [{ kind: 'manual', steps: ['Edit the VM settings: set each disk\'s mode to Dependent with the VM powered off.'] }],
        };
      },
    },
    {
      code: 'backup.disk.physical-rdm', label: 'Physical RDM',
      generations: 'every generation', guests: 'every guest', source: [S.VDDK_GUIDE],
      appliesTo: every,
      check: (vm) => {
        const ds = prdm(vm);
        return !ds.length ? undefined : {
          severity: 'error',
          title: 'Physical-mode raw device mapping',
          explanation: `${list(ds)} ${ds.length === 1 ? 'is a raw device mapping' : 'are raw device mappings'} in physical compatibility mode: it cannot be snapshotted, so image backups skip it (independent) or fail. Use virtual compatibility mode, or protect that LUN by storage means.`,
          evidence: ds.flatMap((d) => d.evidence),
          fix: [{ kind: 'manual', steps: ['Re-create the mapping in virtual compatibility mode, or back the LUN up by other means.'] }],
        };
      },
    },
  ];
}

/** VMware Tools, encryption and vTPM. */
function guestRules(): ReadinessRule[] {
  return [
    {
      code: 'backup.tools.not-running', label: 'Tools running',
      generations: 'every generation', guests: 'every guest', source: [S.TOOLS, S.API],
      appliesTo: every,
      check: (vm) => {
        const f = vm.facts;
        if (f.powerState !== 'poweredOn') return undefined;
        const missing = f.toolsVersionStatus === 'guestToolsNotInstalled';
        if (!missing && (f.toolsRunningStatus === undefined || f.toolsRunningStatus === 'guestToolsRunning')) return undefined;
        return {
          severity: 'error',
          title: missing ? 'VMware Tools is not installed' : 'VMware Tools is not running',
          explanation: `The VM is powered on and VMware Tools is ${missing ? 'not installed' : 'not running'}, so the guest cannot be quiesced: quiesced backup snapshots fail, ` +
            'or the product falls back to crash-consistent copies. Start (or install) VMware Tools in the guest.',
          evidence: [...(f.evidence.toolsRunningStatus ?? []), ...(f.evidence.toolsVersionStatus ?? []), ...(f.evidence.powerState ?? [])],
          fix: [{ kind: 'manual', steps: ['Start the VMware Tools service in the guest, or install VMware Tools.'] }],
        };
      },
    },
    {
      code: 'backup.tools.outdated', label: 'Tools version',
      generations: 'every generation', guests: 'every guest', source: [S.TOOLS, S.API],
      appliesTo: every,
      check: (vm) => {
        const st = vm.facts.toolsVersionStatus;
        return !st || !TOOLS_OUTDATED.has(st) ? undefined : {
          severity: 'warning',
          title: 'VMware Tools is out of date',
          explanation: `vSphere reports the Tools version status as ${st}. Old Tools carry quiescing (VSS provider) bugs fixed in later releases; upgrade Tools to the host's version.`,
          evidence: [...(vm.facts.evidence.toolsVersionStatus ?? []), ...(vm.facts.evidence.toolsVersion ?? [])],
          fix: [{ kind: 'upgradeTools' }],
        };
      },
    },
    {
      code: 'backup.encrypted', label: 'Encrypted',
      generations: 'vSphere 6.5 and later (VM Encryption)', guests: 'every guest', source: [S.VDDK65_ENC, S.API],
      appliesTo: (g) => !!g && g.hasVmEncryption,
      check: (vm) => !vm.encrypted ? undefined : {
        severity: 'info',
        title: 'Encrypted VM: SAN transport is not possible',
        explanation: 'The VM is encrypted (config.keyId). Backups cannot use SAN transport; HotAdd works only through a backup proxy VM that is itself encrypted, otherwise NBDSSL is used. The backup copy is not encrypted by vSphere: protect the backup store.',
        evidence: [{ kind: 'api', path: 'config.keyId', value: 'set' }],
      },
    },
    {
      code: 'backup.vtpm', label: 'vTPM',
      generations: 'vSphere 6.7 Update 1 and later (vTPM 2.0)', guests: 'Windows 10 / Server 2016 and later, Linux with a TPM', source: [S.VTPM67],
      appliesTo: (g) => !!g && g.hasVirtualTpm,
      check: (vm) => !vm.vtpm ? undefined : {
        severity: 'warning',
        title: 'Virtual TPM: a restore needs the same key provider',
        explanation: 'The VM has a virtual TPM, so its home files are encrypted. A restored copy starts only where the key provider (KMS or native key provider) that holds its key is available; keep that key provider backed up with the VM.',
        evidence: [{ kind: 'api', path: 'config.hardware.device[VirtualTPM]', value: 'present' }],
      },
    },
  ];
}

/** Every readiness rule, in matrix column order. */
export const READINESS_RULES: readonly ReadinessRule[] = [...quiesceRules(), ...snapshotRules(), ...diskRules(), ...guestRules()];

/** Rules whose findings call for the VM's vmware.log (the sweep reads it only for those VMs). */
export const SNAPSHOT_FINDINGS = new Set(['backup.snapshot.consolidate', 'backup.snapshot.old', 'backup.snapshot.deep', 'backup.quiesce.vddk11']);

export function readinessRule(code: string): ReadinessRule | undefined {
  return READINESS_RULES.find((r) => r.code === code);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Runs every rule that concerns the VM's generation; findings sorted errors first, then rule order. */
export function checkReadiness(vm: ReadinessVm, opts: ReadinessOptions = {}): Finding[] {
  const o: Required<ReadinessOptions> = { now: opts.now ?? Date.now(), maxSnapshotAgeDays: opts.maxSnapshotAgeDays ?? 3, maxSnapshotDepth: opts.maxSnapshotDepth ?? 3 };
  const out: Finding[] = [];
  for (const r of READINESS_RULES) {
    if (!r.appliesTo(vm.generation)) continue;
    const d = r.check(vm, o);
    if (!d) continue;
    const f: Finding = { id: r.code, severity: d.severity, title: d.title, explanation: d.explanation, evidence: d.evidence, source: [...r.source] };
    if (d.fix) f.fix = d.fix;
    if (vm.facts.name !== undefined) f.vm = vm.facts.name;
    out.push(f);
  }
  return out.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i).map(({ f }) => f);
}
