/**
 * What every step of the certificate wizard's host side is given: the panel (its identifiers and
 * events), the store (everything persisted), the UI strings, and what lives only as long as the panel.
 * Each step module returns the handlers of its requests; `../wizard.ts` joins them.
 */
import type { Handlers, PanelHost } from '../../panels/panelHost';
import type { RequestName } from '../../../webview/protocol';
import type { CertWizardProtocol, CertWizardState, RouteView } from '../../../webview/certs/protocol';
import type { WizardStore } from '../store';

export interface WizardContext {
  readonly panel: PanelHost<CertWizardProtocol, CertWizardState>;
  readonly store: WizardStore;
  readonly strings: Readonly<Record<string, string>>;
  /** Not persisted: the PFX password typed in step 4 (vCenter's `testpassword` until then). */
  pfxPassword: string;
  /** The route of the target, read once per target and kind (see route.ts). */
  route?: { key: string; view: RouteView; windowsVersion?: '4.0' | '4.1' | '5.0' | '5.1' };
}

/** The handlers of some of the wizard's requests. */
export type StepHandlers<K extends RequestName<CertWizardProtocol>> = Pick<Handlers<CertWizardProtocol>, K>;
