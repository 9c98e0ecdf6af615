/**
 * A VM's console, two ways, each with the reason when it cannot be had:
 *
 * - **VMware Remote Console (VMRC)**: `SessionManager.AcquireCloneTicket` gives a one-time ticket that
 *   clones our session (valid once, only on the server that issued it, until our session ends); VMRC
 *   opens `vmrc://clone:TICKET@HOST[:PORT]/?moid=vm-N` (the form govc's `vm.console` prints and VMRC
 *   registers as its URL handler). It works on a powered-off VM too (VMRC shows its screen once on).
 * - **HTML5 console (WebMKS)**: `VirtualMachine.AcquireTicket('webmks')`, vSphere API 6.0 and later
 *   (VirtualMachineTicketType `webmks`, "Since vSphere API 6.0"): a ticket for
 *   `wss://{host}:{port}/ticket/{ticket}` (7.0+ also returns the `url`), for a WebMKS client. The VM
 *   must be powered on. Older servers and vcsim (which does not implement AcquireTicket) have none.
 */
import type { VimClient } from './client';
import { asNumber, asObject, asString, type MoRef } from './decode';
import { VimFaultError, VsphereError } from './errors';
import type { Generation } from './generation';

/** Why a console way is not available, as data (the UI words it). */
export type ConsoleUnavailable =
  | { readonly reason: 'poweredOff'; readonly message: string }
  | { readonly reason: 'unsupported'; readonly message: string }
  | { readonly reason: 'refused'; readonly message: string };

export interface ConsoleLinks {
  /** `vmrc://clone:…`, or why not. */
  readonly vmrc: { readonly url: string } | ConsoleUnavailable;
  /** `wss://host:port/ticket/…`, or why not. */
  readonly webmks: { readonly url: string; readonly host: string; readonly port: number } | ConsoleUnavailable;
}

/** `vmrc://clone:TICKET@HOST[:PORT]/?moid=MOID`; the port only when it is not 443. */
export function vmrcUrl(ticket: string, endpoint: { host: string; port: number }, vm: MoRef): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  const port = endpoint.port === 443 ? '' : `:${endpoint.port}`;
  return `vmrc://clone:${encodeURIComponent(ticket)}@${host}${port}/?moid=${encodeURIComponent(vm.value)}`;
}

/** A one-time ticket that clones the client's session. */
export async function acquireCloneTicket(client: VimClient, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const sm = client.serviceContent.sessionManager;
  if (!sm) throw new VsphereError('noSessionManager', `${client.endpoint.display} has no SessionManager; it is not a vCenter or ESXi SDK endpoint.`);
  const v = asString(await client.invoke('AcquireCloneTicket', sm, [], 'xsd:string', { signal: opts.signal }));
  if (!v) throw new VsphereError('protocol', `AcquireCloneTicket on ${client.endpoint.display} returned no ticket.`);
  return v;
}

/** Faults that mean "this server has no such method or ticket type". */
const UNSUPPORTED_FAULTS: ReadonlySet<string> = new Set(['MethodNotFound', 'NotSupported', 'NotImplemented', 'InvalidArgument']);

/** The WebMKS ticket's URL; undefined fields mean the server gave none. */
export async function acquireWebmksTicket(client: VimClient, vm: MoRef, opts: { signal?: AbortSignal } = {}): Promise<{ url: string; host: string; port: number }> {
  const t = asObject(await client.invoke('AcquireTicket', vm, [['ticketType', 'webmks']], 'VirtualMachineTicket', { signal: opts.signal }));
  const ticket = asString(t?.ticket);
  if (!ticket) throw new VsphereError('protocol', `AcquireTicket(webmks) on ${client.endpoint.display} returned no ticket.`);
  const host = asString(t?.host) ?? client.endpoint.host;
  const port = asNumber(t?.port) ?? 443;
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return { url: asString(t?.url) ?? `wss://${bracketed}:${port}/ticket/${encodeURIComponent(ticket)}`, host, port };
}

/**
 * Both console links for a VM. Never throws for an unavailable way (it says why in the result);
 * throws only for a cancellation or a failure of the session itself.
 */
export async function consoleLinks(client: VimClient, vm: MoRef, opts: { powerState?: string; generation?: Generation; signal?: AbortSignal } = {}): Promise<ConsoleLinks> {
  let vmrc: ConsoleLinks['vmrc'];
  try {
    vmrc = { url: vmrcUrl(await acquireCloneTicket(client, opts), client.endpoint, vm) };
  } catch (e) {
    if (!(e instanceof VimFaultError)) throw e;
    vmrc = { reason: UNSUPPORTED_FAULTS.has(e.faultType) ? 'unsupported' : 'refused', message: `The server refused a clone ticket for VMRC: ${e.message}` };
  }
  let webmks: ConsoleLinks['webmks'];
  const gen = opts.generation ?? client.generation;
  if (gen && !gen.hasWebmksTicket) {
    webmks = { reason: 'unsupported', message: `The HTML5 console (WebMKS) needs vSphere API 6.0 or later; ${client.endpoint.display} runs ${gen.label}.` };
  } else if (opts.powerState !== undefined && opts.powerState !== 'poweredOn') {
    webmks = { reason: 'poweredOff', message: 'The HTML5 console needs the VM powered on. Power it on, then open the console again.' };
  } else {
    try {
      webmks = await acquireWebmksTicket(client, vm, opts);
    } catch (e) {
      if (!(e instanceof VimFaultError)) throw e;
      webmks = UNSUPPORTED_FAULTS.has(e.faultType)
        ? { reason: 'unsupported', message: `${client.endpoint.display} does not offer the HTML5 console ticket (${e.faultType}); vcsim, for one, does not implement AcquireTicket. Use VMRC.` }
        : e.faultType === 'InvalidPowerState' || e.code === 'invalidState'
          ? { reason: 'poweredOff', message: 'The HTML5 console needs the VM powered on. Power it on, then open the console again.' }
          : { reason: 'refused', message: `The server refused the HTML5 console ticket: ${e.message}` };
    }
  }
  return { vmrc, webmks };
}
