/**
 * The Certificates board: "Show Certificates" on a connection or a host node opens the board of
 * that connection (every host's certificate and the vCenter's, sorted by expiry, CSV export,
 * rotation of the selected hosts); host nodes get an expiry badge at the `warnDays` thresholds.
 *
 * Arguments for scripts and tests: a tree node, or `{ conn: 'connection id' }`. Returns the panel
 * (a PanelHost) so tests can drive its handlers with `call()`.
 */
import * as vscode from 'vscode';
import { LabError } from '../../core/errors';
import { isCertBoardState } from '../../webview/certBoard/protocol';
import { commandArgs, registerCommand } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { PanelHost } from '../panels/panelHost';
import { CertificateExpiry, certificateDecorator } from './badges';
import { certBoardDefinition } from './panel';

export function registerCertBoard(context: vscode.ExtensionContext, inventory: InventoryServices): CertificateExpiry {
  const expiry = new CertificateExpiry(inventory);
  context.subscriptions.push(expiry, inventory.decorations.register(certificateDecorator(expiry)));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('vsphereLab.certificates.warnDays')) expiry.redraw();
  }));
  const def = certBoardDefinition(inventory, expiry);
  PanelHost.registerSerializer(context, def, isCertBoardState);
  registerCommand(context, 'vsphereLab.showCertificates', (...raw: unknown[]) => {
    const { node, options } = commandArgs<{ conn: string }>(raw);
    const conn = node?.conn ?? (typeof options?.conn === 'string' ? options.conn : undefined);
    const saved = conn ? inventory.store.get(conn) : undefined;
    if (!conn || !saved) throw new LabError('invalidArgument', vscode.l10n.t('Show Certificates works on a connection or a host: right-click one in the vSphere Lab inventory.'));
    return PanelHost.show(context, def, { conn, name: saved.label ?? saved.url });
  }, { what: vscode.l10n.t('Show Certificates') });
  return expiry;
}
