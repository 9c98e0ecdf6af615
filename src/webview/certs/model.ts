/**
 * The certificate wizard's browser-side state, apart from rendering: what the host sent (`snap`), what
 * each step fetched or the user typed, and which actions are running. Step modules read and change it,
 * then call {@link render}; main.ts installs the renderer. Only `state` (identifiers) is saved for restore.
 */
import { PanelClient } from '../shared/rpc';
import type {
  CaInstructionsView, CertWizardProtocol, CertWizardState, DeployView, FilesView, HostKeyView, ImportView,
  InspectionView, PickedFile, RequestForm, RequestView, StepView, WizardSnapshot,
} from './protocol';

export const client = new PanelClient<CertWizardProtocol, CertWizardState>();

export interface WizardModel {
  snap?: WizardSnapshot;
  state: CertWizardState;
  inspection?: InspectionView;
  inspectError?: string;
  request?: RequestView;
  form: RequestForm;
  keyStore: 'secret' | 'file';
  /** api route: the host puts its management IP in the CN. */
  useIpCn?: boolean;
  formTouched: boolean;
  instructions?: CaInstructionsView;
  imported?: ImportView;
  certInput?: PickedFile | { name: string; text: string };
  certPaste: string;
  chainInputs: PickedFile[];
  chainPaste: string;
  files?: FilesView;
  pfxPassword: string;
  ssh: { sshHost: string; sshPort: number; user: string; password: string; savePassword: boolean };
  hostKey?: HostKeyView;
  deploySteps: StepView[];
  deployResult?: DeployView;
}

// `state` and `form` are set from the init message and the first `load` before anything renders.
export const m: WizardModel = {
  state: undefined as unknown as CertWizardState,
  form: undefined as unknown as RequestForm,
  keyStore: 'secret',
  formTouched: false,
  certPaste: '',
  chainInputs: [],
  chainPaste: '',
  pfxPassword: 'testpassword',
  ssh: { sshHost: '', sshPort: 22, user: 'root', password: '', savePassword: false },
  deploySteps: [],
};
/** Actions in flight ('inspect', 'generate', 'verify', 'files', 'hostkey', 'deploy'). */
export const busy = new Set<string>();
/** Error banner per step ('step2'…'step5'). */
export const errors = new Map<string, string>();

/** The UI strings come with `init` (the definition's `strings`, see src/extension/certs/strings.ts). */
export { t } from '../shared/l10n';

let renderer: () => void = () => undefined;
/** Redraws the wizard from the model. */
export function render(): void {
  renderer();
}
export function setRenderer(r: () => void): void {
  renderer = r;
}

/** Re-reads the snapshot from the host (after a change the host owns: key, pin, password). */
export async function reload(): Promise<void> {
  const snap = await client.request('load', {});
  m.snap = snap;
  m.state = { ...snap.state, step: m.state?.step ?? snap.state.step, kind: m.state?.kind ?? snap.state.kind };
  client.saveState(m.state);
  m.request = snap.request;
  if (!m.form || !m.request) m.form = snap.defaults;
  if (m.request) m.form = m.request.form;
  if (snap.imported && !m.imported) m.imported = snap.imported;
  if (!m.ssh.sshHost) m.ssh = { ...m.ssh, sshHost: snap.ssh.sshHost, sshPort: snap.ssh.sshPort, user: snap.ssh.user };
  m.pfxPassword = snap.pfxPassword;
  render();
}
