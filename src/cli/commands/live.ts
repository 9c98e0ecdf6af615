/**
 * `vlab watch URL --user U … [--json]`: one line per change the live tree sees (JSON lines with
 * `--json`: `{ "time", "object", "name", "kind", "property", "value" }`), until Ctrl-C, which ends
 * cleanly (exit 0): the property collector, its filter and view are destroyed and the session logs out.
 *
 * `vlab events URL --user U … [--vm NAME] [--type T]… [--by USER]… [--limit N] [--follow] [--json]`:
 * the newest events (of one VM with --vm), newest first; with --follow, the newest then each new
 * one as it comes (JSON lines with --json), until Ctrl-C.
 *
 * Connection options as `vlab inventory` takes them (../vsphere.ts).
 */
import { lazy } from '../../core/lazy';
import type { MoRef, VimValue } from '../../core/vsphere/decode';
import type { EventRecord } from '../../core/vsphere/events';
import type { VimClient } from '../../core/vsphere/client';
import type { CliCommand, CliInvocation } from '../command';
import { CliFailure, EXIT_OK, optionList, optionString, positiveNumber } from '../command';
import { VSPHERE_OPTIONS, VSPHERE_SYNOPSIS, withVsphere } from '../vsphere';

const core = {
  live: lazy(() => require('../../core/vsphere/live') as typeof import('../../core/vsphere/live')),
  events: lazy(() => require('../../core/vsphere/events') as typeof import('../../core/vsphere/events')),
  property: lazy(() => require('../../core/vsphere/property') as typeof import('../../core/vsphere/property')),
  errors: lazy(() => require('../../core/vsphere/errors') as typeof import('../../core/vsphere/errors')),
};

/** Resolves when the signal aborts (never without one). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) { resolve(); return; }
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A value on one line: text as is, a reference as type:value, anything else as JSON. */
function show(v: VimValue | undefined): string {
  if (v === undefined) return '(removed)';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (!Array.isArray(v) && typeof v.type === 'string' && typeof v.value === 'string' && Object.keys(v).length === 2) return `${v.type}:${v.value}`;
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

async function watch(inv: CliInvocation): Promise<number> {
  const signal = inv.io.interrupted?.();
  return withVsphere(inv, 'watch', async (client) => {
    const live = await core.live().LiveInventory.start(client, {
      signal,
      onError: (e) => inv.io.stderr(`vlab watch: ${e.message} (retrying)\n`),
      onChange: (changes) => {
        for (const c of changes) {
          if (inv.json) {
            inv.io.stdout(JSON.stringify({ time: c.time, object: c.object.value, type: c.object.type, name: c.name, kind: c.kind, property: c.property, value: c.value }) + '\n');
          } else {
            const what = c.kind === 'changed' ? `${c.property} = ${show(c.value)}` : c.kind;
            inv.io.stdout(`${c.time}  ${c.name} (${c.object.type}:${c.object.value})  ${what}\n`);
          }
        }
      },
    });
    const n = live.inventory();
    inv.io.stderr(`vlab watch: watching ${n.hosts.length} hosts and ${n.vms.length} VMs on ${client.endpoint.display}; Ctrl-C to stop.\n`);
    await untilAborted(signal);
    await live.stop();
    return EXIT_OK;
  });
}

/** The VM called `name` (exactly one). */
async function findVm(client: VimClient, name: string): Promise<MoRef> {
  const vms = await core.property().retrieve(client, 'VirtualMachine', ['name']);
  const hits = vms.filter((o) => o.props.name === name);
  if (hits.length === 1) return hits[0].obj;
  if (!hits.length) throw new CliFailure(`no VM named "${name}" on ${client.endpoint.display}. Check the name with vlab inventory.`, 'notFound');
  throw new CliFailure(`${hits.length} VMs are named "${name}" (${hits.map((h) => h.obj.value).join(', ')}); events of one VM need a unique name.`, 'ambiguous');
}

function eventLine(inv: CliInvocation, e: EventRecord): string {
  if (inv.json) return JSON.stringify(e);
  return `${e.time}  ${(e.user || '(system)').padEnd(20)}  ${e.type.padEnd(24)}  ${e.message}`;
}

async function events(inv: CliInvocation): Promise<number> {
  const limit = optionString(inv, 'limit') === undefined ? 50 : positiveNumber(inv.values.limit, 'limit', true);
  const follow = inv.values.follow === true;
  const signal = follow ? inv.io.interrupted?.() : undefined;
  return withVsphere(inv, 'events', async (client) => {
    const vmName = optionString(inv, 'vm');
    const entity = vmName ? await findVm(client, vmName) : undefined;
    const col = await core.events().EventCollector.create(client, {
      entity, recursion: entity ? 'self' : 'all', types: optionList(inv.values.type), users: optionList(inv.values.by),
    }, { pageSize: Math.min(limit, 1000) });
    try {
      const list = await col.latest();
      while (list.length < limit && !col.atEnd) {
        const older = await col.older(Math.min(100, limit - list.length));
        if (!older.length) break;
        list.push(...older);
      }
      const shown = list.slice(0, limit);
      if (!follow) {
        if (inv.json) inv.io.stdout(JSON.stringify({ server: client.endpoint.display, vm: vmName, events: shown }, null, 2) + '\n');
        else inv.io.stdout(shown.length ? shown.map((e) => eventLine(inv, e)).join('\n') + '\n' : 'no events\n');
        return EXIT_OK;
      }
      // Following: oldest first, as a log reads, then each new one.
      for (const e of [...shown].reverse()) inv.io.stdout(eventLine(inv, e) + '\n');
      await col.follow((fresh) => { for (const e of [...fresh].reverse()) inv.io.stdout(eventLine(inv, e) + '\n'); }, {
        onError: (e) => inv.io.stderr(`vlab events: ${e.message} (retrying)\n`),
      });
      await untilAborted(signal);
      return EXIT_OK;
    } finally {
      await col.destroy();
    }
  });
}

export const commands: CliCommand[] = [{
  path: ['watch'],
  summary: 'Print every change of the inventory as it happens (power, names, hosts, VMs added and removed…), until Ctrl-C.',
  synopsis: `${VSPHERE_SYNOPSIS} [--json]`,
  positionals: { min: 1, max: 1 },
  options: VSPHERE_OPTIONS,
  run: watch,
}, {
  path: ['events'],
  summary: 'Print the newest events (of one VM with --vm), newest first; with --follow, then each new one until Ctrl-C.',
  synopsis: `${VSPHERE_SYNOPSIS} [--vm NAME] [--type T]… [--by USER]… [--limit N] [--follow] [--json]`,
  positionals: { min: 1, max: 1 },
  options: {
    ...VSPHERE_OPTIONS,
    vm: { type: 'string', description: 'only the events of this VM', valueName: 'NAME' },
    type: { type: 'string', multiple: true, description: 'only events of this type (e.g. VmPoweredOffEvent); repeatable', valueName: 'TYPE' },
    by: { type: 'string', multiple: true, description: 'only events by this user; repeatable', valueName: 'USER' },
    limit: { type: 'string', description: 'how many events (default 50)', valueName: 'N' },
    follow: { type: 'boolean', description: 'keep printing new events (JSON lines with --json) until Ctrl-C' },
  },
  run: events,
}];
