/**
 * The backup readiness matrix (extension side): one panel per connection and container. The
 * controller runs the sweep (core/backup/sweep.ts) and the bulk fix (core/backup/bulkFix.ts) with
 * the handler's AbortSignal (the webview's Cancel, or closing the panel, stops them), posts their
 * progress, keeps the last result for re-checks and feeds the tree's badges (./results.ts).
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import type { Evidence } from '../../core/backup/evidence';
import type { SweepResult, SweepVm } from '../../core/backup/sweep';
import type { EvidenceCell, MatrixView, ReadinessPanelState, ReadinessProtocol } from '../../webview/readiness/protocol';
import type { InventoryServices } from '../inventory/services';
import { DATASTORE_SCHEME } from '../inventory/datastoreFs';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import { saveExport } from '../panels/save';
import { readinessResults } from './results';
import { webviewStrings } from './strings';

export const READINESS_VIEW_TYPE = 'vsphereLab.backupReadiness';
export const core = {
  sweep: lazy(() => require('../../core/backup/sweep') as typeof import('../../core/backup/sweep')),
  bulk: lazy(() => require('../../core/backup/bulkFix') as typeof import('../../core/backup/bulkFix')),
  readiness: lazy(() => require('../../core/backup/readiness') as typeof import('../../core/backup/readiness')),
};
export type ReadinessHost = PanelHost<ReadinessProtocol, ReadinessPanelState, ReadinessController>;

/** A `[ds] dir/file` evidence file as a vsphere-ds: URI of the VM's datacenter. */
function evidenceUri(conn: string, vm: SweepVm, file: string): string | undefined {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(file);
  if (!m || !vm.datacenter) return undefined;
  return vscode.Uri.from({ scheme: DATASTORE_SCHEME, authority: conn, path: `/${encodeURIComponent(vm.datacenter)}/${m[1]}/${m[2]}` }).toString();
}

function evidenceCell(conn: string, vm: SweepVm, e: Evidence): EvidenceCell {
  switch (e.kind) {
    case 'log': { const uri = evidenceUri(conn, vm, e.file); return { label: `${e.file.split('/').pop() ?? e.file}:${e.line}`, text: e.text, ...(uri ? { uri, line: e.line } : {}) }; }
    case 'vmx': return { label: `${e.file}:${e.line}`, text: `${e.key} = "${e.value}"` };
    case 'api': return { label: e.path, text: e.value };
    case 'option': return { label: e.name, text: e.value };
  }
}

/** The matrix as the webview draws it. */
export function matrixView(conn: string, r: SweepResult): MatrixView {
  const { READINESS_RULES } = core.readiness();
  const { BULK_FIXES } = core.bulk();
  return {
    vms: r.vms.map((v) => ({
      ref: v.ref.value, name: v.name, path: v.path, powerState: v.powerState, generation: v.generation,
      findings: v.findings.map((f) => ({ code: f.id, severity: f.severity, title: f.title, explanation: f.explanation, source: f.source, evidence: f.evidence.map((e) => evidenceCell(conn, v, e)) })),
      ...(v.log ? { log: v.log.state, ...(v.log.message ? { logMessage: v.log.message } : {}) } : {}),
    })),
    rules: READINESS_RULES.map((x) => ({
      code: x.code, label: x.label, generations: x.generations, guests: x.guests, source: [...x.source],
      ...(x.bulkFix ? { fix: { kind: x.bulkFix, label: BULK_FIXES[x.bulkFix].label, requiresPoweredOff: BULK_FIXES[x.bulkFix].requiresPoweredOff } } : {}),
    })),
    counts: r.counts, logs: r.logs, ms: r.totalMs,
  };
}

/** Feeds the tree's badges from a result. */
export function publishResults(conn: string, vms: readonly SweepVm[]): void {
  const { bulkFixForRule } = core.bulk();
  readinessResults.set(conn, vms.map((v) => ({
    ref: v.ref.value, name: v.name, codes: v.findings.map((f) => f.id),
    errors: v.findings.filter((f) => f.severity === 'error').length,
    warnings: v.findings.filter((f) => f.severity === 'warning').length,
    titles: v.findings.map((f) => f.title),
    fixable: v.findings.map((f) => f.id).filter((c) => bulkFixForRule(c) !== undefined),
  })));
}

function recount(r: SweepResult): void {
  for (const k of Object.keys(r.counts)) r.counts[k] = 0;
  for (const v of r.vms) for (const f of v.findings) r.counts[f.id] = (r.counts[f.id] ?? 0) + 1;
}

export class ReadinessController implements PanelController<ReadinessProtocol> {
  /** The last sweep (re-checked VMs updated in place). */
  result?: SweepResult;

  constructor(private readonly host: ReadinessHost, private readonly inventory: InventoryServices) {}

  readonly handlers: Handlers<ReadinessProtocol> = {
    sweep: async (_p, signal) => {
      const s = this.host.state;
      const client = await this.inventory.sessions.client(s.conn);
      const root = s.root ? { type: s.root.type, value: s.root.value } : undefined;
      const cfg = vscode.workspace.getConfiguration('vsphereLab.backup');
      const r = await core.sweep().sweepBackupReadiness(client, {
        ...(root ? { root } : {}), signal,
        maxLogReads: cfg.get<number>('maxLogReads', 50),
        readiness: { maxSnapshotAgeDays: cfg.get<number>('snapshotMaxAgeDays', 3), maxSnapshotDepth: cfg.get<number>('snapshotMaxDepth', 3) },
        onProgress: (p) => void this.host.post('progress', p),
      });
      this.result = r;
      publishResults(s.conn, r.vms);
      log().info(`backup readiness: ${r.vms.length} VMs under ${s.name} in ${r.totalMs} ms (retrieve ${r.retrieveMs} ms; vmware.log read ${r.logs.read})`);
      return matrixView(s.conn, r);
    },
    fix: async ({ kind, vms, mode, concurrency }, signal) => {
      const r = this.result;
      if (!r) throw new Error(vscode.l10n.t('Run the check first.'));
      const outcomes = await this.applyFix(kind, vms, mode, concurrency, signal);
      recount(r);
      publishResults(this.host.state.conn, r.vms.filter((v) => vms.includes(v.ref.value)));
      return { outcomes, view: matrixView(this.host.state.conn, r) };
    },
    openEvidence: async ({ uri, line }) => {
      const u = vscode.Uri.parse(uri);
      if (u.scheme !== DATASTORE_SCHEME && u.scheme !== 'file') throw new Error(vscode.l10n.t('Only datastore and local files open from here.'));
      const pos = new vscode.Position(Math.max(0, (line ?? 1) - 1), 0);
      await vscode.window.showTextDocument(u, { selection: new vscode.Range(pos, pos), preview: true });
    },
    exportCsv: ({ csv, suggestedName }) => saveExport(new TextEncoder().encode(csv), { suggestedName, filters: { [vscode.l10n.t('CSV')]: ['csv'] }, what: 'backup readiness' }),
  };

  /** The bulk fix on VMs of the last sweep; re-checked VMs get their new findings. */
  async applyFix(kind: string, vms: string[], mode: 'poweredOffOnly' | 'shutdownApplyPowerOn', concurrency: number, signal?: AbortSignal) {
    const r = this.result;
    const bulk = core.bulk();
    if (!r || !(kind in bulk.BULK_FIXES)) throw new Error(vscode.l10n.t('Unknown fix {0}.', kind));
    const client = await this.inventory.sessions.client(this.host.state.conn);
    const targets = r.vms.filter((v) => vms.includes(v.ref.value)).map((v) => bulk.bulkTarget(v.ref.value, v.name));
    const out = await bulk.bulkFix(client, targets, {
      kind: kind as keyof typeof bulk.BULK_FIXES, mode, concurrency: Math.max(1, Math.min(8, concurrency)), signal,
      onStep: (st) => void this.host.post('step', st),
    });
    for (const o of out) {
      const v = r.vms.find((x) => x.ref.value === o.vm);
      if (v && o.findings) v.findings = o.findings;
      log().info(`backup fix ${kind} on ${o.name}: ${o.state}${o.reason ? ` (${o.reason})` : ''}`);
    }
    return out.map((o) => ({ vm: o.vm, name: o.name, state: o.state, ...(o.reason ? { reason: o.reason } : {}) }));
  }
}

export function readinessPanelDefinition(inventory: InventoryServices): PanelDefinition<ReadinessProtocol, ReadinessPanelState, ReadinessController> {
  return {
    viewType: READINESS_VIEW_TYPE,
    bundle: 'readiness',
    key: (s) => `${s.conn}/${s.root?.value ?? ''}`,
    title: (s) => vscode.l10n.t('Backup readiness: {0}', s.name),
    strings: webviewStrings,
    controller: (host) => new ReadinessController(host, inventory),
  };
}
