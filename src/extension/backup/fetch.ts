/**
 * "Fetch Data Recovery logs over SSH": connects to the appliance through the SSH service (../ssh: the
 * one host-key pin store, so a key pinned for esxtop or a certificate deploy is trusted here too; an
 * unknown key is shown and asked about, a changed one stops; the password remembered only when the
 * user chooses), copies datarecovery-*.log and vcbAPI-*.log into a local folder and returns their URIs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FetchProgress } from '../../core/backup/fetch';
import { errorMessage, isCancellation } from '../../core/errors';
import { parseSshTarget } from '../../core/esxi/ssh';
import { withCancellableProgress, type ProgressReporter } from '../commands';
import { log } from '../log';
import { pinKey, sshService, type SshSession, type SshTarget } from '../ssh';

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

function parseHost(text: string): SshTarget {
  const target = parseSshTarget(text);
  if (!target) throw new Error(vscode.l10n.t('"{0}" is not a host name or address.', text));
  return target;
}

/** The appliance and the user, from `args` or asked; undefined when the user cancels. */
async function askTarget(args?: FetchLogsArgs): Promise<{ target: SshTarget; username: string } | undefined> {
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
  return username ? { target, username } : undefined;
}

export async function fetchLogsOverSsh(context: vscode.ExtensionContext, args?: FetchLogsArgs): Promise<vscode.Uri[] | undefined> {
  const who = await askTarget(args);
  if (!who) return undefined;
  const { target, username } = who;
  try {
    return await withCancellableProgress({ title: vscode.l10n.t('Fetching Data Recovery logs from {0}', target.host) }, async (signal, progress) => {
      const session = await sshService(context).connect(target, {
        purpose: 'Data Recovery logs', username, signal,
        title: vscode.l10n.t('Fetch Data Recovery Logs (3/3): password for {0}@{1}', username, target.host),
        where: vscode.l10n.t('the appliance\'s console'),
        ...(args?.password !== undefined ? { password: args.password } : {}),
        ...(args?.hostKey !== undefined ? { hostKey: args.hostKey } : {}),
      });
      try {
        return await copyLogs(context, session, target, args, progress, signal);
      } finally {
        session.close();
      }
    });
  } catch (e) {
    if (isCancellation(e)) return undefined;
    const msg = vscode.l10n.t('Could not fetch the Data Recovery logs from {0}: {1}', target.host, errorMessage(e));
    log().warn(msg);
    void vscode.window.showErrorMessage(msg);
    return undefined;
  }
}

const mb = (n: number): string => (n / 1048576).toFixed(1);

/** Progress for the whole fetch (files done plus this one's share), at most every 200 ms. */
function reporter(progress: ProgressReporter): (p: FetchProgress) => void {
  let shown = 0;
  let lastAt = 0;
  return (p) => {
    const now = Date.now();
    if (now - lastAt < 200 && p.bytes !== 0 && p.bytes < p.size) return;
    lastAt = now;
    const fraction = (p.index + (p.size ? Math.min(1, p.bytes / p.size) : 1)) / p.files;
    progress.report({
      message: vscode.l10n.t('{0} ({1} of {2}): {3} of {4} MB', p.remote.split('/').pop() ?? p.remote, String(p.index + 1), String(p.files), mb(p.bytes), mb(p.size)),
      increment: Math.max(0, fraction * 100 - shown),
    });
    shown = Math.max(shown, fraction * 100);
  };
}

/**
 * Copies the logs into the destination folder. Each log streams into a temp file beside its destination
 * and is renamed into place (memory stays flat on logs of hundreds of MB); a destination that is not a
 * local folder gets local copies first.
 */
async function copyLogs(context: vscode.ExtensionContext, session: SshSession, target: SshTarget, args: FetchLogsArgs | undefined, progress: ProgressReporter, signal: AbortSignal): Promise<vscode.Uri[]> {
  const { fetchRemoteLogs, VDR_LOG_DIRS } = await import('../../core/backup/fetch');
  const dirs = args?.dirs ?? [...VDR_LOG_DIRS];
  const base = args?.dest ?? vscode.Uri.joinPath(
    vscode.workspace.workspaceFolders?.[0]?.uri ?? context.globalStorageUri, '.vsphere-lab', 'vdr-logs', target.host.replace(/[^\w.-]/g, '_'));
  const local = base.scheme === 'file' ? base.fsPath : await mkdtemp(join(tmpdir(), 'vlab-vdr-logs-'));
  try {
    progress.report({ message: vscode.l10n.t('Reading the log files…') });
    const logs = await fetchRemoteLogs(session, local, { dirs, signal, onProgress: reporter(progress) });
    if (!logs.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No datarecovery-*.log or vcbAPI-*.log on {0} in {1}.', target.host, dirs.join(', ')));
      return [];
    }
    const out: vscode.Uri[] = [];
    if (base.scheme !== 'file') await vscode.workspace.fs.createDirectory(base);
    for (const l of logs) {
      const u = vscode.Uri.joinPath(base, l.name);
      if (base.scheme !== 'file') await vscode.workspace.fs.copy(vscode.Uri.file(l.file), u, { overwrite: true });
      out.push(u);
    }
    log().info(`backup: fetched ${out.length} Data Recovery log(s) (${mb(logs.reduce((n, l) => n + l.bytes, 0))} MB) from ${pinKey(target)} into ${base.toString()}`);
    return out;
  } finally {
    if (base.scheme !== 'file') await rm(local, { recursive: true, force: true });
  }
}
