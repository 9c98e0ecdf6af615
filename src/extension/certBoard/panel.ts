/**
 * The Certificates board (extension side): one panel per connection. `CertBoardController` reads
 * the board (rows stream to the webview as they come), saves the CSV through the save dialog, and
 * runs the rotation of the hosts selected on the board (./rotation). Owned by its PanelHost.
 */
import * as vscode from 'vscode';
import { lazy } from '../../core/lazy';
import type { CertBoardProtocol, CertBoardState, SaveResult } from '../../webview/certBoard/protocol';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import { warnDays, type CertificateExpiry } from './badges';
import { requestCsrsFromBoard, rotateFromBoard } from './rotation';
import { boardStrings } from './strings';

export const CERT_BOARD_VIEW_TYPE = 'vsphereLab.certificates';
const atomic = lazy(() => require('../../core/fs/atomic') as typeof import('../../core/fs/atomic'));
export type CertBoardHost = PanelHost<CertBoardProtocol, CertBoardState, CertBoardController>;

async function saveCsv(csv: string, suggestedName: string, target?: string): Promise<SaveResult> {
  let uri: vscode.Uri | undefined;
  if (target) uri = vscode.Uri.parse(target);
  else {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggestedName) : undefined,
      filters: { [vscode.l10n.t('CSV')]: ['csv'] },
      saveLabel: vscode.l10n.t('Export'),
    });
  }
  if (!uri) return { saved: false };
  const bytes = new TextEncoder().encode(csv);
  if (uri.scheme === 'file') await atomic().writeFileAtomic(uri.fsPath, bytes);
  else await vscode.workspace.fs.writeFile(uri, bytes);
  log().info(`certificates: exported the board to ${uri.toString(true)}`);
  return { saved: true, path: uri.scheme === 'file' ? uri.fsPath : uri.toString() };
}

export class CertBoardController implements PanelController<CertBoardProtocol> {
  constructor(private readonly host: CertBoardHost, private readonly inventory: InventoryServices, private readonly expiry: CertificateExpiry) {}

  readonly handlers: Handlers<CertBoardProtocol> = {
    load: async (_p, signal) => {
      const conn = this.host.state.conn;
      const board = await this.expiry.read(conn, signal, (row, done, total) => void this.host.post('row', { row, done, total }));
      return { board, warnDays: warnDays() };
    },
    exportCsv: ({ csv, suggestedName, target }) => saveCsv(csv, suggestedName, target),
    requestCsrs: ({ hosts, target }, signal) => requestCsrsFromBoard({ host: this.host, inventory: this.inventory, expiry: this.expiry, hostIds: hosts, target, signal }),
    rotate: async ({ hosts, sources, concurrency }, signal) => {
      const r = await rotateFromBoard({ host: this.host, inventory: this.inventory, expiry: this.expiry, hostIds: hosts, sources, concurrency, signal, onHost: (h) => void this.host.post('rotation', h) });
      // What the hosts serve now: the board again (the badges follow).
      if (!r.cancelled) this.expiry.read(this.host.state.conn).catch((e: unknown) => log().info(`certificates: re-reading the board after the rotation failed: ${(e as Error).message}`));
      return r;
    },
  };
}

export function certBoardDefinition(inventory: InventoryServices, expiry: CertificateExpiry): PanelDefinition<CertBoardProtocol, CertBoardState, CertBoardController> {
  return {
    viewType: CERT_BOARD_VIEW_TYPE,
    bundle: 'certBoard',
    key: (s) => s.conn,
    title: (s) => vscode.l10n.t('Certificates: {0}', s.name),
    strings: boardStrings,
    controller: (host) => new CertBoardController(host, inventory, expiry),
  };
}
