/**
 * The Certificates board (extension side): one panel per connection. `CertBoardController` reads
 * the board (rows stream to the webview as they come), saves the CSV through the save dialog, and
 * runs the rotation of the hosts selected on the board (./rotation). Owned by its PanelHost.
 */
import * as vscode from 'vscode';
import type { CertBoardProtocol, CertBoardState } from '../../webview/certBoard/protocol';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import type { Handlers, PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import { saveExport } from '../panels/save';
import { warnDays, type CertificateExpiry } from './badges';
import { requestCsrsFromBoard, rotateFromBoard } from './rotation';
import { boardStrings } from './strings';

export const CERT_BOARD_VIEW_TYPE = 'vsphereLab.certificates';
export type CertBoardHost = PanelHost<CertBoardProtocol, CertBoardState, CertBoardController>;

export class CertBoardController implements PanelController<CertBoardProtocol> {
  constructor(private readonly host: CertBoardHost, private readonly inventory: InventoryServices, private readonly expiry: CertificateExpiry) {}

  readonly handlers: Handlers<CertBoardProtocol> = {
    load: async (_p, signal) => {
      const conn = this.host.state.conn;
      const board = await this.expiry.read(conn, signal, (row, done, total) => void this.host.post('row', { row, done, total }));
      return { board, warnDays: warnDays() };
    },
    exportCsv: ({ csv, suggestedName }) => saveExport(new TextEncoder().encode(csv), { suggestedName, filters: { [vscode.l10n.t('CSV')]: ['csv'] }, what: 'certificates board' }),
    requestCsrs: ({ hosts }, signal) => requestCsrsFromBoard({ host: this.host, inventory: this.inventory, expiry: this.expiry, hostIds: hosts, signal }),
    rotate: async ({ hosts, concurrency }, signal) => {
      const r = await rotateFromBoard({ host: this.host, inventory: this.inventory, expiry: this.expiry, hostIds: hosts, concurrency, signal, onHost: (h) => void this.host.post('rotation', h) });
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
