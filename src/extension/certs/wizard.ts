/**
 * Host side of the certificate wizard: inspect → request → import & verify → files → deploy (ESX(i)
 * over SSH) or the vCenter checklist. One module per step under `steps/`, each returning the handlers
 * of its requests over one {@link WizardStore} (what is persisted, and where secrets go: see store.ts).
 * The work is done by src/core/certs and src/core/esxi, loaded lazily.
 *
 * The webview state holds only {host, port, conn, kind, step}; everything else is re-read on `load`.
 */
import * as vscode from 'vscode';
import { certsCore } from '../../core/certs/lazy';
import type { InventoryServices } from '../inventory/services';
import type { PanelController, PanelDefinition, PanelHost } from '../panels/panelHost';
import type { CertWizardProtocol, CertWizardState } from '../../webview/certs/protocol';
import { hostId, WizardStore } from './store';
import { uiStrings } from './strings';
import type { WizardContext } from './steps/context';
import { deployHandlers } from './steps/deploy';
import { filesHandlers } from './steps/files';
import { importHandlers } from './steps/importVerify';
import { inspectHandlers } from './steps/inspect';
import { overviewHandlers } from './steps/overview';
import { requestHandlers } from './steps/request';
import { routeHandlers } from './steps/route';

export const VIEW_TYPE = 'vsphereLab.certWizard';

export function isWizardState(s: unknown): s is CertWizardState {
  if (!s || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return typeof o.host === 'string' && typeof o.port === 'number' && (o.kind === 'esx' || o.kind === 'vcenter') && typeof o.step === 'number';
}

export function certWizardDefinition(context: vscode.ExtensionContext, inventory: InventoryServices): PanelDefinition<CertWizardProtocol, CertWizardState> {
  const store = new WizardStore(context, inventory);
  const strings = uiStrings();
  return {
    viewType: VIEW_TYPE,
    bundle: 'certs',
    key: (s) => hostId(s.host, s.port),
    title: (s) => vscode.l10n.t('Certificate: {0}', hostId(s.host, s.port)),
    strings: uiStrings,
    controller(panel: PanelHost<CertWizardProtocol, CertWizardState>): PanelController<CertWizardProtocol> {
      const ctx: WizardContext = { panel, store, strings, pfxPassword: certsCore.files().VCENTER_PFX_PASSWORD };
      return {
        handlers: {
          ...overviewHandlers(ctx),
          ...inspectHandlers(ctx),
          ...requestHandlers(ctx),
          ...importHandlers(ctx),
          ...filesHandlers(ctx),
          ...deployHandlers(ctx),
          ...routeHandlers(ctx),
        },
      };
    },
  };
}
