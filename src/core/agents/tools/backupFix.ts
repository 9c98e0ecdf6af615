/**
 * The mutating backup-fix tool, on the bulk fixer (core/backup/bulkFix.ts): one readiness fix
 * (disk.EnableUUID, consolidation, changed block tracking) applied to named VMs. `plan` reads each VM
 * now and says what happens to it: applied, skipped because it runs and the fix needs it off, or shut
 * down / applied / powered on again; `run` applies, re-checks each VM and reports the outcome.
 */
import { LabError } from '../../errors';
import { BULK_FIXES, bulkFix, type BulkMode } from '../../backup/bulkFix';
import type { BulkFixKind } from '../../backup/readiness';
import { getInventory, type Inventory, type VmInfo } from '../../vsphere/inventory';
import { api, findVm, hostName } from '../lookup';
import type { CommonInput, Fact, PlannedChange, ToolConnection, ToolContext, ToolResult } from '../types';

export const MAX_FIX_VMS = 20;

export interface BackupFixInput extends CommonInput {
  fix: BulkFixKind;
  vms: string[];
  mode?: BulkMode;
}

async function targets(i: BackupFixInput, ctx: ToolContext): Promise<{ conn: ToolConnection; inv: Inventory; vms: VmInfo[] }> {
  if (!i.vms.length || i.vms.length > MAX_FIX_VMS) throw new LabError('invalidInput', `Name 1 to ${MAX_FIX_VMS} VMs ("vms").`);
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  const vms = [...new Map(i.vms.map((n) => findVm(inv, n)).map((v) => [v.ref.value, v])).values()];
  return { conn, inv, vms };
}

function whatHappens(fix: BulkFixKind, mode: BulkMode, vm: VmInfo): string {
  const needsOff = BULK_FIXES[fix].requiresPoweredOff;
  if (!needsOff || vm.powerState === 'poweredOff') return `${BULK_FIXES[fix].label}`;
  if (mode === 'poweredOffOnly') return `skipped: it is ${vm.powerState} and this fix needs it powered off (mode "shutdownApplyPowerOn" shuts the guest down first)`;
  return `the guest is shut down through VMware Tools, then ${BULK_FIXES[fix].label}, then the VM is powered on again`;
}

export async function planBackupFix(i: BackupFixInput, ctx: ToolContext): Promise<PlannedChange> {
  const { conn, inv, vms } = await targets(i, ctx);
  const mode = i.mode ?? 'poweredOffOnly';
  return {
    title: `${BULK_FIXES[i.fix].label} on ${vms.length} VM(s)`,
    changes: vms.map((v) => `VM "${v.name}" (${inv.pathOf(v.ref)}, ${v.ref.value}) on host ${hostName(inv, v.host) ?? '?'}, connection ${conn.label}, now ${v.powerState}: ${whatHappens(i.fix, mode, v)}.`),
    warning: mode === 'shutdownApplyPowerOn' && BULK_FIXES[i.fix].requiresPoweredOff ? 'Running VMs are shut down (their services stop) and powered on again.' : undefined,
  };
}

export async function runBackupFix(i: BackupFixInput, ctx: ToolContext): Promise<ToolResult> {
  const { conn, vms } = await targets(i, ctx);
  const outcomes = await bulkFix(conn.client, vms.map((v) => ({ ref: v.ref, name: v.name })), { kind: i.fix, mode: i.mode ?? 'poweredOffOnly', signal: ctx.signal });
  ctx.changed?.(conn.id);
  const facts: Fact[] = outcomes.map((o) => {
    const vm = vms.find((v) => v.ref.value === o.vm)!;
    return {
      text: `${o.name}: ${o.state}${o.reason ? ` (${o.reason})` : ''}${o.findings?.length ? `; still found after the re-check: ${o.findings.map((f) => f.id).join(', ')}` : ''}`,
      severity: o.state === 'fixed' ? 'info' : o.state === 'skipped' ? 'warning' : 'error',
      evidence: [api(vm.ref, vm.name, 're-check of the readiness rules after the change', o.state)],
    };
  });
  const fixed = outcomes.filter((o) => o.state === 'fixed').length;
  return { summary: `${BULK_FIXES[i.fix].label}: ${fixed} of ${outcomes.length} VM(s) fixed and re-checked.`, facts };
}
