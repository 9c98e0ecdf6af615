/**
 * The mutating power tool: power on / off, reset, shut the guest down, on one VM. `plan` reads the
 * VM as it is now and says exactly what will change (the host asks for confirmation with it);
 * `run` does it and reports the power state read back afterwards.
 */
import { LabError } from '../../errors';
import { getInventory, type Inventory, type VmInfo } from '../../vsphere/inventory';
import { retrieveProperty } from '../../vsphere/property';
import { powerOff, powerOn, reset, shutdownGuest } from '../../vsphere/vm';
import { api, findVm, hostName } from '../lookup';
import type { CommonInput, PlannedChange, ToolConnection, ToolContext, ToolResult } from '../types';

export type PowerAction = 'powerOn' | 'powerOff' | 'reset' | 'shutdownGuest';

export interface PowerInput extends CommonInput {
  vm: string;
  action: PowerAction;
}

const WORDS: Record<PowerAction, { verb: string; want: string[]; effect: string; warning?: string }> = {
  powerOn: { verb: 'Power on', want: ['poweredOff', 'suspended'], effect: 'powered on' },
  powerOff: { verb: 'Power off', want: ['poweredOn', 'suspended'], effect: 'powered off at once (like pulling the plug)', warning: 'The guest is not shut down cleanly: unsaved work in it is lost.' },
  reset: { verb: 'Reset', want: ['poweredOn'], effect: 'reset (the guest restarts at once)', warning: 'The guest restarts without shutting down: unsaved work in it is lost.' },
  shutdownGuest: { verb: 'Shut down the guest of', want: ['poweredOn'], effect: 'asked to shut down through VMware Tools' },
};

async function target(i: PowerInput, ctx: ToolContext): Promise<{ conn: ToolConnection; inv: Inventory; vm: VmInfo }> {
  const conn = await ctx.connection(i.connection);
  const inv = await getInventory(conn.client, { signal: ctx.signal });
  return { conn, inv, vm: findVm(inv, i.vm) };
}

export async function planPower(i: PowerInput, ctx: ToolContext): Promise<PlannedChange> {
  const { conn, inv, vm } = await target(i, ctx);
  const w = WORDS[i.action];
  const now = vm.powerState ?? 'unknown';
  if (!w.want.includes(now)) {
    throw new LabError('invalidState', `${vm.name} is ${now}: ${w.verb.toLowerCase()} needs it ${w.want.join(' or ')}. Nothing was changed.`);
  }
  return {
    title: `${w.verb} ${vm.name}`,
    changes: [`VM "${vm.name}" (${inv.pathOf(vm.ref)}, ${vm.ref.value}) on host ${hostName(inv, vm.host) ?? '?'}, connection ${conn.label}: now ${now}, will be ${w.effect}.`],
    warning: w.warning,
  };
}

export async function runPower(i: PowerInput, ctx: ToolContext): Promise<ToolResult> {
  const plan = await planPower(i, ctx);
  const { conn, vm } = await target(i, ctx);
  const opts = { signal: ctx.signal, timeoutMs: 300_000 };
  if (i.action === 'shutdownGuest') await shutdownGuest(conn.client, vm.ref, { signal: ctx.signal });
  else await ({ powerOn, powerOff, reset } as const)[i.action](conn.client, vm.ref, opts);
  const after = String(await retrieveProperty(conn.client, vm.ref, 'runtime.powerState', { signal: ctx.signal }) ?? 'unknown');
  ctx.changed?.(conn.id);
  return {
    summary: `${plan.title}: done; ${vm.name} is now ${after}${i.action === 'shutdownGuest' && after === 'poweredOn' ? ' (the guest is shutting down; check again in a minute)' : ''}.`,
    facts: [{ text: `${vm.name} power state after ${i.action}: ${after}`, evidence: [api(vm.ref, vm.name, 'runtime.powerState', after)] }],
  };
}
