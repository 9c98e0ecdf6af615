/**
 * Facts an admin looks for on a VM or host node, read from properties the inventory retrieves (its
 * decorators name them): overall status (green / yellow / red / gray), triggered alarms, and for a
 * VM its guest IP addresses, guest host name and VMware Tools status. Pure: no I/O.
 *
 * Sources: vim.ManagedEntity `overallStatus` (ManagedEntityStatus) and `triggeredAlarmState`
 * (AlarmState: alarm, entity, overallStatus, time, acknowledged); vim.vm.GuestInfo `ipAddress`,
 * `net[].ipAddress[]`, `hostName`, `toolsRunningStatus` (guestToolsRunning / guestToolsNotRunning /
 * guestToolsExecutingScripts), `toolsVersionStatus2` (guestToolsCurrent, guestToolsNeedUpgrade,
 * guestToolsNotInstalled, guestToolsUnmanaged…).
 */
import { asArray, asBoolean, asMoRef, asObject, asString, type MoRef, type VimValue } from './decode';

/** The properties these facts come from, by managed object type. */
export const FACT_PATHS = {
  VirtualMachine: ['overallStatus', 'triggeredAlarmState', 'guest.ipAddress', 'guest.net', 'guest.hostName', 'guest.toolsRunningStatus', 'guest.toolsVersionStatus2'],
  HostSystem: ['overallStatus', 'triggeredAlarmState'],
} as const;

export type EntityStatus = 'green' | 'yellow' | 'red' | 'gray';

export interface TriggeredAlarm {
  alarm: MoRef;
  status: EntityStatus;
  time?: string;
  acknowledged: boolean;
}

export interface EntityFacts {
  status?: EntityStatus;
  alarms: TriggeredAlarm[];
}

export interface VmFacts extends EntityFacts {
  /** Every guest IP address (IPv4 first), without duplicates. */
  ips: string[];
  hostName?: string;
  toolsRunning?: string;
  toolsVersion?: string;
}

function status(v: VimValue | undefined): EntityStatus | undefined {
  const s = asString(v);
  return s === 'green' || s === 'yellow' || s === 'red' || s === 'gray' ? s : undefined;
}

export function entityFacts(extra: Readonly<Record<string, VimValue>> | undefined): EntityFacts {
  const alarms: TriggeredAlarm[] = [];
  for (const a of asArray(extra?.triggeredAlarmState)) {
    const o = asObject(a);
    const alarm = asMoRef(o?.alarm);
    if (!o || !alarm) continue;
    alarms.push({ alarm, status: status(o.overallStatus) ?? 'gray', time: asString(o.time), acknowledged: asBoolean(o.acknowledged) === true });
  }
  return { status: status(extra?.overallStatus), alarms };
}

const isV4 = (ip: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);

export function vmFacts(extra: Readonly<Record<string, VimValue>> | undefined): VmFacts {
  const ips: string[] = [];
  const add = (v: VimValue | undefined): void => {
    const s = asString(v)?.trim();
    if (s && !ips.includes(s)) ips.push(s);
  };
  add(extra?.['guest.ipAddress']);
  for (const nic of asArray(extra?.['guest.net'])) for (const ip of asArray(asObject(nic)?.ipAddress)) add(ip);
  ips.sort((a, b) => Number(isV4(b)) - Number(isV4(a)));
  return {
    ...entityFacts(extra),
    ips,
    hostName: asString(extra?.['guest.hostName']) || undefined,
    toolsRunning: asString(extra?.['guest.toolsRunningStatus']) || undefined,
    toolsVersion: asString(extra?.['guest.toolsVersionStatus2']) || undefined,
  };
}
