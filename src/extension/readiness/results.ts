/**
 * The last backup readiness sweep's findings per connection and VM, for the inventory tree: a VM
 * with a backup error carries an error badge, its findings in the tooltip, and the `backupError`
 * (and `backupFix` when one of its findings has a fix) context flags for the "Fix Backup Finding…"
 * command on its node. Filled by the matrix panel's sweeps and fixes.
 */
import * as vscode from 'vscode';
import type { InventoryDecorator } from '../inventory/decorations';

export interface VmReadiness {
  name: string;
  errors: number;
  warnings: number;
  /** Finding titles, errors first. */
  titles: string[];
  /** Codes of the findings that have a fix the extension applies. */
  fixable: string[];
  /** Every finding code. */
  codes: string[];
}

class ReadinessResults {
  private readonly byConn = new Map<string, Map<string, VmReadiness>>();
  private readonly emitter = new vscode.EventEmitter<string>();
  readonly onDidChange = this.emitter.event;

  get(conn: string, vm: string): VmReadiness | undefined {
    return this.byConn.get(conn)?.get(vm);
  }

  /** Records VMs' results (a VM given without findings loses its entry). */
  set(conn: string, vms: ReadonlyArray<{ ref: string } & VmReadiness>): void {
    let m = this.byConn.get(conn);
    if (!m) this.byConn.set(conn, (m = new Map()));
    for (const v of vms) {
      if (v.codes.length) m.set(v.ref, { name: v.name, errors: v.errors, warnings: v.warnings, titles: v.titles, fixable: v.fixable, codes: v.codes });
      else m.delete(v.ref);
    }
    this.emitter.fire(conn);
  }

  clear(conn: string): void {
    this.byConn.delete(conn);
    this.emitter.fire(conn);
  }
}

export const readinessResults = new ReadinessResults();

/** VMs with a backup error after a sweep: error badge, findings in the tooltip, context flags. */
export const readinessDecorator: InventoryDecorator = {
  id: 'backupReadiness',
  decorate(conn, item) {
    if (item.kind !== 'vm') return undefined;
    const r = readinessResults.get(conn, item.ref.value);
    if (!r || r.errors === 0) return undefined;
    return {
      description: vscode.l10n.t('backup: {0} error(s)', String(r.errors)),
      tooltip: [vscode.l10n.t('**Backup readiness**'), ...r.titles.slice(0, 6).map((t) => `- ${t}`)],
      badge: { icon: 'error', color: 'problemsErrorIcon.foreground' },
      contextFlags: r.fixable.length ? ['backupError', 'backupFix'] : ['backupError'],
    };
  },
  onDidChange: readinessResults.onDidChange,
};
