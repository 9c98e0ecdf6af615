/**
 * The tree's status and VM facts, as an inventory decorator (../inventory/decorations): a node's
 * overall status tints its icon (yellow: warning colour, red: error colour) and heads its tooltip,
 * with the names of its triggered alarms; a VM's tooltip lists its guest IP addresses, guest host
 * name and VMware Tools status, and a VM with an address gets the `ip` menu flag (Copy IP Address).
 * The properties come with the inventory's one retrieve and its live updates (core/vsphere/facts.ts).
 * Alarm names are read once per alarm (one retrieve for all new ones) when an inventory arrives.
 */
import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import { entityFacts, FACT_PATHS, vmFacts, type EntityStatus, type EntityFacts } from '../../core/vsphere/facts';
import type { Inventory } from '../../core/vsphere/inventory';
import type { Decoration, InventoryDecorator } from '../inventory/decorations';
import type { InventoryServices } from '../inventory/services';
import { lazy } from '../../core/lazy';
import { log } from '../log';

const api = lazy(() => require('../inventory/vsphereApi') as typeof import('../inventory/vsphereApi'));

const COLOR: Partial<Record<EntityStatus, string>> = { yellow: 'problemsWarningIcon.foreground', red: 'problemsErrorIcon.foreground' };

function statusText(s: EntityStatus): string {
  switch (s) {
    case 'green': return vscode.l10n.t('green (normal)');
    case 'yellow': return vscode.l10n.t('yellow (warning)');
    case 'red': return vscode.l10n.t('red (alert)');
    default: return vscode.l10n.t('gray (unknown)');
  }
}

function toolsText(running: string | undefined, version: string | undefined): string {
  const r = running === 'guestToolsRunning' ? vscode.l10n.t('running')
    : running === 'guestToolsNotRunning' ? vscode.l10n.t('not running')
      : running === 'guestToolsExecutingScripts' ? vscode.l10n.t('running scripts') : running ?? '?';
  const v = version === 'guestToolsCurrent' ? vscode.l10n.t('current')
    : version === 'guestToolsNeedUpgrade' || version === 'guestToolsSupportedOld' ? vscode.l10n.t('upgrade available')
      : version === 'guestToolsNotInstalled' ? vscode.l10n.t('not installed')
        : version === 'guestToolsUnmanaged' ? vscode.l10n.t('managed by the guest (open-vm-tools)')
          : version === 'guestToolsTooOld' || version === 'guestToolsBlacklisted' ? vscode.l10n.t('too old') : version;
  return v ? `${r} · ${v}` : r;
}

function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Facts decorator; `names` gives an alarm's name when it has been read. */
export class FactsDecorator implements InventoryDecorator, vscode.Disposable {
  readonly id = 'facts';
  readonly properties = { VirtualMachine: [...FACT_PATHS.VirtualMachine], HostSystem: [...FACT_PATHS.HostSystem] };
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.emitter.event;
  /** Alarm names by connection, then alarm moref value ('' while being read). */
  private readonly alarmNames = new Map<string, Map<string, string>>();

  constructor(private readonly inventory: Pick<InventoryServices, 'sessions'>) {}

  loaded(conn: string, inv: Inventory): void {
    const names = this.alarmNames.get(conn) ?? new Map<string, string>();
    this.alarmNames.set(conn, names);
    const wanted = new Map<string, { type: string; value: string }>();
    for (const e of [...inv.vms, ...inv.hosts]) {
      for (const a of entityFacts(e.extra).alarms) if (!names.has(a.alarm.value)) wanted.set(a.alarm.value, a.alarm);
    }
    if (wanted.size) void this.readNames(conn, names, [...wanted.values()]);
  }

  private async readNames(conn: string, names: Map<string, string>, alarms: { type: string; value: string }[]): Promise<void> {
    for (const a of alarms) names.set(a.value, '');
    try {
      const client = await this.inventory.sessions.client(conn);
      const { retrievePropertiesEx } = api();
      const found = await retrievePropertiesEx(client, [{ propSet: { type: 'Alarm', pathSet: ['info.name'] }, objectSet: alarms.map((obj) => ({ obj, skip: false })) }], { timeoutMs: 30_000 });
      for (const o of found) if (typeof o.props['info.name'] === 'string') names.set(o.obj.value, o.props['info.name']);
      this.emitter.fire(conn);
    } catch (e) {
      log().debug(`alarm names of ${conn}: ${(e as Error).message}`);
    }
  }

  private alarmLines(conn: string, f: EntityFacts): string[] {
    const names = this.alarmNames.get(conn);
    return f.alarms.map((a) => `$(bell) ${vscode.l10n.t('Alarm')}: ${md(names?.get(a.alarm.value) || a.alarm.value)} (${statusText(a.status)})${a.acknowledged ? ` · ${vscode.l10n.t('acknowledged')}` : ''}`);
  }

  decorate(conn: string, item: InventoryItem): Decoration | undefined {
    if (item.kind !== 'vm' && item.kind !== 'host') return undefined;
    const lines: string[] = [];
    let facts: EntityFacts;
    let flags: string[] | undefined;
    if (item.kind === 'vm') {
      const f = vmFacts(item.info.extra);
      facts = f;
      if (f.ips.length) lines.push(`${vscode.l10n.t('IP addresses')}: ${f.ips.map((ip) => `\`${ip}\``).join(', ')}`);
      if (f.hostName) lines.push(`${vscode.l10n.t('Guest host name')}: ${md(f.hostName)}`);
      if (f.toolsRunning || f.toolsVersion) lines.push(`${vscode.l10n.t('VMware Tools')}: ${toolsText(f.toolsRunning, f.toolsVersion)}`);
      if (f.ips.length) flags = ['ip'];
    } else {
      facts = entityFacts(item.info.extra);
    }
    if (facts.status && facts.status !== 'green') lines.unshift(`${vscode.l10n.t('Status')}: ${statusText(facts.status)}`);
    lines.push(...this.alarmLines(conn, facts));
    const color = facts.status ? COLOR[facts.status] : undefined;
    if (!lines.length && !color && !flags) return undefined;
    return { tooltip: lines, badge: color ? { color } : undefined, contextFlags: flags };
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
