/**
 * Step 5 (ESX(i)): the SSH host key checked and pinned, then the deploy over SSH (core
 * deployEsxCertificate: backup, install, restart, verify, rollback), with its steps streamed to the
 * webview as `deployStep` events. After a good deploy the inventory connection's pin follows.
 *
 * SSH goes through the one SSH service (../../ssh): its pin store, its password policy, its connect().
 * The webview shows the key and collects the password itself, so the deploy connects non-interactively
 * with the pinned key named.
 */
import * as vscode from 'vscode';
import { certsCore as core } from '../../../core/certs/lazy';
import type { EsxDeployResult, StepReport } from '../../../core/esxi/deploy';
import { withCancellableProgress } from '../../commands';
import { log } from '../../log';
import type { CertWizardState, DeployView, StepView } from '../../../webview/certs/protocol';
import { hostId } from '../store';
import type { StepHandlers, WizardContext } from './context';

type DeployParams = Parameters<StepHandlers<'deploy'>['deploy']>[0];

export function stepView(x: StepReport): StepView {
  return { id: x.id, phase: x.phase, title: x.title, status: x.status, ...(x.detail ? { detail: x.detail } : {}), ...(x.ms !== undefined ? { ms: x.ms } : {}) };
}

export function deployView(result: Pick<EsxDeployResult, 'ok' | 'rolledBack' | 'previousCertServed' | 'newSha256' | 'liveSha256' | 'previousSha256' | 'error' | 'steps'>, connectionPinUpdated: boolean): DeployView {
  return {
    ok: result.ok, rolledBack: result.rolledBack,
    ...(result.previousCertServed !== undefined ? { previousCertServed: result.previousCertServed } : {}),
    newSha256: result.newSha256,
    ...(result.liveSha256 ? { liveSha256: result.liveSha256 } : {}),
    ...(result.previousSha256 ? { previousSha256: result.previousSha256 } : {}),
    ...(result.error ? { error: result.error } : {}),
    steps: result.steps.map(stepView),
    connectionPinUpdated,
  };
}

/** Restarting hostd drops sessions: asked unless `confirm: false`. */
async function confirmDeploy(id: string): Promise<boolean> {
  const yes = vscode.l10n.t('Deploy and Restart');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('Replace the certificate of {0} and restart its management agent?', id),
    { modal: true, detail: vscode.l10n.t('hostd restarts: open vSphere Client sessions to this host drop; running VMs are not affected. The current files are backed up first and restored if anything fails.') }, yes);
  return answer === yes;
}

/** What a deploy needs, or the error that says which step to finish first. */
async function deployInputs(ctx: WizardContext, s: CertWizardState, p: DeployParams): Promise<{ cert: string; chain: string[]; key: string; hostKey: string }> {
  const saved = ctx.store.read(s);
  const key = await ctx.store.readKey(s, saved.request);
  if (!saved.imported) throw new Error(ctx.strings.needImport);
  if (!key) throw new Error(ctx.strings.keyMissing);
  const target = { host: p.sshHost, port: p.sshPort };
  // Only the pin the user made (the extension's own store): a key named by the webview is not taken.
  const hostKey = await ctx.store.ssh.pins.get(target);
  if (!hostKey) throw new Error(vscode.l10n.t('The SSH host key of {0}:{1} is not pinned yet: check it and pin it first.', p.sshHost, String(p.sshPort)));
  if (!p.password && (await ctx.store.password(p.user, target)) === undefined) throw new Error(vscode.l10n.t('Enter the SSH password of {0}.', p.user));
  return { cert: saved.imported.certPem, chain: saved.imported.chainPems, key, hostKey };
}

/** The inventory connection of this endpoint trusts the certificate it serves now. */
export async function followPin(ctx: WizardContext, s: CertWizardState, newSha256: string): Promise<boolean> {
  const conn = ctx.store.connectionFor(s);
  if (!conn) return false;
  const inventory = ctx.store.inventory;
  await inventory.store.update(conn, { thumbprintSha256: newSha256 });
  await inventory.sessions.reset(conn);
  inventory.provider.refresh(inventory.provider.connectionNode(conn));
  log().info(`certificate wizard: ${hostId(s.host, s.port)} serves ${newSha256}; connection pin updated`);
  return true;
}

export function deployHandlers(ctx: WizardContext): StepHandlers<'hostKey' | 'pinHostKey' | 'forgetPassword' | 'deploy'> {
  const { store, panel } = ctx;
  return {
    async hostKey({ sshHost, sshPort }, signal) {
      const found = await store.ssh.probeHostKey({ host: sshHost, port: sshPort }, signal);
      return { sshHost, sshPort, ...found };
    },

    async pinHostKey({ sshHost, sshPort }, signal) {
      // The key is read here and confirmed in the extension's own dialog: the webview names none.
      const found = await store.ssh.probeHostKey({ host: sshHost, port: sshPort }, signal);
      const fp = core.ssh().normaliseFingerprint(found.fingerprint);
      const yes = vscode.l10n.t('Pin This Key');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Pin the SSH host key of {0}:{1}?', sshHost, String(sshPort)),
        { modal: true, detail: vscode.l10n.t('{0} {1}\nCompare it with the key shown on the host\'s console before you pin it.', found.keyType ?? '', fp) }, yes);
      if (answer !== yes) return false;
      await store.ssh.pins.set({ host: sshHost, port: sshPort }, fp);
      log().info(`certificate wizard: pinned SSH host key of ${sshHost}:${sshPort} ${fp}`);
      return true;
    },

    async forgetPassword({ sshHost, sshPort, user }) {
      await store.forgetPassword(user ?? 'root', { host: sshHost, port: sshPort ?? 22 });
    },

    async deploy(p, outer) {
      const s = panel.state;
      const id = hostId(s.host, s.port);
      const input = await deployInputs(ctx, s, p);
      if (!(await confirmDeploy(id))) return undefined;
      await store.write(s, { ssh: { sshHost: p.sshHost, sshPort: p.sshPort, user: p.user } });
      const result = await withCancellableProgress({ title: vscode.l10n.t('Replacing the certificate of {0}', id), signal: outer }, (signal, progress) =>
        core.deploy().deployEsxCertificate({
          host: s.host, port: s.port,
          ssh: (sshSignal) => store.ssh.connect({ host: p.sshHost, port: p.sshPort }, {
            purpose: 'certificate deploy', username: p.user, hostKey: input.hostKey, interactive: false,
            ...(p.password ? { password: p.password, rememberPassword: p.savePassword === true } : {}), ...(sshSignal ? { signal: sshSignal } : {}),
          }),
          cert: input.cert, key: input.key, chain: input.chain,
          // 5.x+ without the API: rhttpproxy serves port 443, so it is restarted too (the route of the generation).
          ...(ctx.route?.view.method === 'ssh-rhttpproxy' ? { restart: 'rhttpproxy+hostd' as const } : {}),
          signal,
          onStep: (step) => {
            if (step.status === 'running') progress.report({ message: step.title });
            void panel.post('deployStep', stepView(step));
            if (step.status === 'failed') log().warn(`certificate deploy ${id}: ${step.phase}/${step.id} failed: ${step.detail ?? ''}`);
          },
        }));
      const connectionPinUpdated = result.ok ? await followPin(ctx, s, result.newSha256) : false;
      if (!result.ok) void vscode.window.showErrorMessage(result.error ?? ctx.strings.deployFailed);
      return deployView(result, connectionPinUpdated);
    },
  };
}
