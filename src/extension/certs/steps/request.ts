/** Step 2: a new private key and CSR, and how to submit the CSR to a Microsoft CA. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { certsCore as core } from '../../../core/certs/lazy';
import { CancelledError } from '../../../core/errors';
import { log } from '../../log';
import type { CaInstructionsView, CertWizardState, RequestForm, RequestView } from '../../../webview/certs/protocol';
import { hostId, type SavedRequest, type WizardStore } from '../store';
import type { StepHandlers, WizardContext } from './context';

export function instructionsView(template: string, form: RequestForm | undefined): CaInstructionsView {
  const { microsoftCaInstructions, splitSans } = core.request();
  let san: { dns: string[]; ip: string[] } | undefined;
  try { san = form ? splitSans(form.sans) : undefined; } catch { san = undefined; }
  const name = template.trim() || 'WebServer';
  const ms = microsoftCaInstructions({ template: name, ...(san ? { sanAttribute: san } : {}) });
  return { template: name, submitCommand: ms.submitCommand, ...(ms.submitWithSanCommand ? { submitWithSanCommand: ms.submitWithSanCommand } : {}), webEnrollmentSteps: ms.webEnrollmentSteps, pendingSteps: ms.pendingSteps, notes: ms.notes };
}

export async function requestView(store: WizardStore, s: CertWizardState, req: SavedRequest): Promise<RequestView> {
  return {
    form: req.form, csrPem: req.csrPem, subject: req.subject, bits: req.bits, keyLocation: req.keyLocation,
    keyAvailable: req.keyLocation.kind === 'host' || (await store.readKey(s, req)) !== undefined, createdAt: req.createdAt,
    instructions: instructionsView(req.template, req.form),
  };
}

/** A key that may have signed a CSR already is replaced only when the user says so. */
async function confirmReplace(id: string): Promise<void> {
  const yes = vscode.l10n.t('Replace the Key');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('A private key for {0} already exists. A new key makes any certificate issued for the old CSR useless.', id),
    { modal: true }, yes);
  if (answer !== yes) throw new CancelledError('Replacing the key');
}

/** Where to write the key file: the extension's save dialog (a path never comes from the webview). */
async function chooseKeyFile(s: CertWizardState): Promise<string> {
  const uri = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the private key for {0}', hostId(s.host, s.port)),
    defaultUri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.env.HOME ?? '/', `${s.host}-rui.key`)),
    filters: { [vscode.l10n.t('Private key')]: ['key', 'pem'] },
  });
  if (!uri) throw new CancelledError('Saving the key');
  return uri.fsPath;
}

export function requestHandlers(ctx: WizardContext): StepHandlers<'generate' | 'instructions' | 'copy'> {
  const { store } = ctx;
  return {
    async generate({ form, template, store: where, replace }, signal) {
      const s = ctx.panel.state;
      const id = hostId(s.host, s.port);
      const saved = store.read(s);
      if (saved.request && (await store.readKey(s, saved.request)) !== undefined && replace !== true) await confirmReplace(id);
      const keyPath = where === 'file' ? await chooseKeyFile(s) : undefined;
      const generated = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Generating a {0}-bit RSA key and CSR for {1}…', String(form.bits), id) }, () =>
        core.request().createRequest({ ...form, bits: form.bits, sans: [...form.sans] }));
      if (signal.aborted) throw new CancelledError('Generating the key');
      const keyLocation = await store.storeKey(s, generated.keyPkcs1Pem, keyPath);
      const req: SavedRequest = {
        form: { ...form, sans: [...generated.sans.dns, ...generated.sans.ip] },
        csrPem: generated.csrPem, subject: generated.subject, bits: generated.bits, keyLocation,
        createdAt: new Date().toISOString(), template: template?.trim() || saved.request?.template || 'WebServer',
      };
      // A new key invalidates what was imported for the old one.
      await store.write(s, { request: req, imported: undefined });
      log().info(`certificate wizard: new ${generated.bits}-bit key and CSR for ${id} (key ${keyPath ? `in ${keyPath}` : 'in secret storage'})`);
      return requestView(store, s, req);
    },

    async instructions({ template }) {
      const s = ctx.panel.state;
      const saved = store.read(s);
      if (saved.request) await store.write(s, { request: { ...saved.request, template: template.trim() || 'WebServer' } });
      return instructionsView(template, saved.request?.form);
    },

    async copy({ text }) {
      await vscode.env.clipboard.writeText(text);
    },
  };
}
