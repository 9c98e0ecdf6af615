/**
 * "Fetch Data Recovery logs over SSH": connects to the appliance with the project's SSH client
 * (host keys pinned: an unknown key is shown and asked about, a changed one stops), copies
 * datarecovery-*.log and vcbAPI-*.log into a local folder and returns their URIs. The password is
 * asked each time and never stored; the host key fingerprint (not a secret) is kept in globalState.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { askToTrustHostKey } from '../ssh/trustPrompt';
import { isCancellation } from '../../core/errors';
import { parseSshTarget } from '../../core/esxi/ssh';
import { log } from '../log';

export interface FetchLogsArgs {
  host: string;
  port?: number;
  username?: string;
  password?: string;
  /** `SHA256:…` to pin (as a user who checked it on the console would). */
  hostKey?: string;
  /** Remote directories (default: the appliance's two log folders). */
  dirs?: string[];
  /** Local folder to save into. */
  dest?: vscode.Uri;
}

const PINS_KEY = 'vsphereLab.backup.sshHostKeys';

function parseHost(text: string): { host: string; port: number } {
  const target = parseSshTarget(text);
  if (!target) throw new Error(vscode.l10n.t('"{0}" is not a host name or address.', text));
  return target;
}

export async function fetchLogsOverSsh(context: vscode.ExtensionContext, args?: FetchLogsArgs): Promise<vscode.Uri[] | undefined> {
  let host = args?.host;
  if (!host) {
    host = await vscode.window.showInputBox({
      title: vscode.l10n.t('Fetch Data Recovery Logs (1/3): appliance'),
      prompt: vscode.l10n.t('Address of the Data Recovery appliance (host or host:port); SSH must be enabled on it.'),
      placeHolder: 'vdr.lab.local', ignoreFocusOut: true,
      validateInput: (v) => { try { parseHost(v); return undefined; } catch (e) { return (e as Error).message; } },
    });
    if (!host) return undefined;
  }
  const target = args?.port ? { host, port: args.port } : parseHost(host);
  const username = args?.username ?? await vscode.window.showInputBox({ title: vscode.l10n.t('Fetch Data Recovery Logs (2/3): user'), value: 'root', ignoreFocusOut: true });
  if (!username) return undefined;
  const password = args?.password ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Fetch Data Recovery Logs (3/3): password for {0}@{1}', username, target.host),
    password: true, ignoreFocusOut: true, prompt: vscode.l10n.t('Used for this connection only; not stored.'),
  });
  if (password === undefined) return undefined;

  const pinKey = `${target.host}:${target.port}`;
  const pins = context.globalState.get<Record<string, string>>(PINS_KEY) ?? {};
  let hostKey = args?.hostKey ?? pins[pinKey];
  const [{ SshSession, hostKeyFile }, { fetchRemoteLogs, VDR_LOG_DIRS }] = await Promise.all([import('../../core/esxi/ssh'), import('../../core/backup/fetch')]);

  return vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification, cancellable: true,
    title: vscode.l10n.t('Fetching Data Recovery logs from {0}', target.host),
  }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      const connect = () => SshSession.connect({ host: target.host, port: target.port, username, password, hostKey, signal: ac.signal });
      let session;
      try {
        session = await connect();
      } catch (e) {
        // A caller that named the key to trust (scripts, tests) gets the refusal, not a prompt.
        if (args?.hostKey !== undefined) throw e;
        const accepted = await askToTrustHostKey(e, pinKey, vscode.l10n.t('the appliance\'s console'), hostKeyFile);
        if (!accepted) return undefined;
        hostKey = accepted;
        session = await connect();
      }
      await context.globalState.update(PINS_KEY, { ...pins, [pinKey]: session.hostKey });
      const base = args?.dest ?? vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? context.globalStorageUri, '.vsphere-lab', 'vdr-logs', target.host.replace(/[^\w.-]/g, '_'));
      // Each log streams into a temp file beside its destination and is renamed into place (memory stays
      // flat on logs of hundreds of MB). A destination that is not a local folder gets local copies first.
      const local = base.scheme === 'file' ? base.fsPath : await mkdtemp(join(tmpdir(), 'vlab-vdr-logs-'));
      try {
        progress.report({ message: vscode.l10n.t('Reading the log files…') });
        const mb = (n: number) => (n / 1048576).toFixed(1);
        let shown = 0;
        let lastAt = 0;
        const logs = await fetchRemoteLogs(session, local, {
          dirs: args?.dirs ?? [...VDR_LOG_DIRS], signal: ac.signal,
          onProgress: (p) => {
            const now = Date.now();
            if (now - lastAt < 200 && p.bytes !== 0 && p.bytes < p.size) return;
            lastAt = now;
            // Overall fraction: whole files done plus this one's share.
            const fraction = (p.index + (p.size ? Math.min(1, p.bytes / p.size) : 1)) / p.files;
            progress.report({
              message: vscode.l10n.t('{0} ({1} of {2}): {3} of {4} MB', p.remote.split('/').pop() ?? p.remote, String(p.index + 1), String(p.files), mb(p.bytes), mb(p.size)),
              increment: Math.max(0, fraction * 100 - shown),
            });
            shown = Math.max(shown, fraction * 100);
          },
        });
        if (!logs.length) {
          void vscode.window.showWarningMessage(vscode.l10n.t('No datarecovery-*.log or vcbAPI-*.log on {0} in {1}.', target.host, (args?.dirs ?? [...VDR_LOG_DIRS]).join(', ')));
          return [];
        }
        const out: vscode.Uri[] = [];
        if (base.scheme !== 'file') await vscode.workspace.fs.createDirectory(base);
        for (const l of logs) {
          const u = vscode.Uri.joinPath(base, l.name);
          if (base.scheme !== 'file') await vscode.workspace.fs.copy(vscode.Uri.file(l.file), u, { overwrite: true });
          out.push(u);
        }
        log().info(`backup: fetched ${out.length} Data Recovery log(s) (${mb(logs.reduce((n, l) => n + l.bytes, 0))} MB) from ${pinKey} into ${base.toString()}`);
        return out;
      } finally {
        session.close();
        if (base.scheme !== 'file') await rm(local, { recursive: true, force: true });
      }
    } catch (e) {
      if (isCancellation(e)) return undefined;
      const msg = vscode.l10n.t('Could not fetch the Data Recovery logs from {0}: {1}', target.host, (e as Error).message);
      log().warn(msg);
      void vscode.window.showErrorMessage(msg);
      return undefined;
    } finally {
      sub.dispose();
    }
  });
}
