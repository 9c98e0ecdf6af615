/**
 * How a finding's fix can be applied to each kind of source: a .vmx (text edit) or a live VM
 * (ReconfigVM_Task extraConfig). Pure: the VS Code glue and the CLI decide how to run the plan.
 */
import type { Evidence } from './evidence';
import type { Finding, Fix } from './rules';

/** A finding's identity across re-checks: the rule and the VM it is about. */
export function findingKey(f: Pick<Finding, 'id' | 'vm'>): string {
  return f.vm === undefined ? f.id : `${f.id}@${f.vm}`;
}

/**
 * extraConfig keys that ReconfigVM_Task applies as written. Others in a `setConfig` fix
 * (`scsiX:Y.mode`, `floppy0.present`) describe devices: through the API they are device
 * changes, not advanced settings, so a VM from the inventory gets them as manual steps.
 */
const API_EXTRA_CONFIG = [/^disk\.enableuuid$/i, /^ctkenabled$/i, /^(?:scsi|sata|ide|nvme)\d+:\d+\.ctkenabled$/i];

export type FixPlan =
  | { kind: 'vmx'; changes: { key: string; value: string }[]; requiresPoweredOff: boolean }
  | { kind: 'extraConfig'; changes: Record<string, string>; requiresPoweredOff: boolean }
  | { kind: 'none'; reason: 'manual' | 'notViaApi' | 'notViaVmx' };

/** The plan for one fix of a finding, for a .vmx file or a VM read over the API. */
export function planFix(fix: Fix, target: 'vmx' | 'api'): FixPlan {
  if (fix.kind !== 'setConfig') {
    return { kind: 'none', reason: fix.kind === 'manual' ? 'manual' : target === 'vmx' ? 'notViaVmx' : 'notViaApi' };
  }
  if (target === 'vmx') return { kind: 'vmx', changes: [{ key: fix.key, value: fix.value }], requiresPoweredOff: fix.requiresPoweredOff };
  if (!API_EXTRA_CONFIG.some((re) => re.test(fix.key))) return { kind: 'none', reason: 'notViaApi' };
  return { kind: 'extraConfig', changes: { [fix.key]: fix.value }, requiresPoweredOff: fix.requiresPoweredOff };
}

/** Short label for a fix button or a quick fix. */
export function fixLabel(fix: Fix): string {
  switch (fix.kind) {
    case 'setConfig': return `Set ${fix.key} = "${fix.value}"`;
    case 'upgradeHardware': return `Upgrade virtual hardware to version ${fix.version}`;
    case 'upgradeTools': return 'Upgrade VMware Tools';
    case 'consolidateDisks': return 'Consolidate disks';
    case 'enableCbt': return 'Turn changed block tracking on';
    case 'deleteSnapshots': return 'Delete snapshots';
    case 'manual': return fix.steps.join(' ');
  }
}

/**
 * The line a finding is best shown on in `file` (0-based): the line of the key its first
 * `setConfig` fix changes, else the first evidence line in that file. Undefined when none of
 * its evidence is in the file.
 */
export function anchorLine(f: Finding, file: string): number | undefined {
  const inFile = f.evidence.filter((e): e is Extract<Evidence, { kind: 'vmx' | 'log' }> => (e.kind === 'vmx' || e.kind === 'log') && e.file === file);
  if (!inFile.length) return undefined;
  const keys = new Set((f.fix ?? []).filter((x): x is Extract<Fix, { kind: 'setConfig' }> => x.kind === 'setConfig').map((x) => x.key.toLowerCase()));
  const byKey = inFile.find((e) => e.kind === 'vmx' && keys.has(e.key.toLowerCase()));
  return (byKey ?? inFile[0]).line - 1;
}
