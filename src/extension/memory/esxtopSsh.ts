/**
 * "Capture esxtop over SSH…" on a host node: runs `esxtop -b -a -d D -n N` on the host over SSH
 * (host key pinned like the backup log fetch: asked once, kept in globalState; the password kept in
 * SecretStorage), streams the CSV into the parser and to a file (the user's, or the extension's
 * storage), then opens it in the memory panel as an esxtop capture.
 * Loaded on first use (the command imports it lazily).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { askToTrustHostKey } from '../ssh/trustPrompt';
import { isCancellation } from '../../core/errors';
import { parseSshTarget } from '../../core/esxi/ssh';
import type { EsxtopCapture } from '../../core/memory/esxtop';
import type { InventoryServices } from '../inventory/services';
import type { Node } from '../inventory/provider';
import { log } from '../log';

const PINS_KEY = 'vsphereLab.memory.sshHostKeys';
const LAST_KEY = 'vsphereLab.memory.esxtopSsh.last';
/** Captures kept in the extension's storage when the user does not save them elsewhere. */
const KEEP_IN_STORAGE = 10;

const passwordSecret = (user: string, host: string, port: number): string => `vsphereLab.memory.ssh.${user}@${host}:${port}.password`;

/** Arguments for scripted use (tests, other commands): every prompt they answer is skipped. */
export interface EsxtopSshArgs {
  /** `HOST[:PORT]`. */
  sshHost?: string;
  username?: string;
  password?: string;
  samples?: number;
  delaySeconds?: number;
  /** A file URI to save the CSV to; `false` keeps it in the extension's storage only. */
  save?: string | false;
  /** Pinned fingerprint to use (SHA256:…); otherwise the stored pin, or the user is asked. */
  hostKey?: string;
}

export interface EsxtopSshResult {
  uri: vscode.Uri;
  name: string;
  capture: EsxtopCapture;
}

const stamp = (d = new Date()): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Asks for what `args` does not give; undefined when the user cancels. */
async function ask(context: vscode.ExtensionContext, defaultHost: string, lastKey: string, args: EsxtopSshArgs) {
  const last = context.globalState.get<Record<string, { sshHost: string; username: string }>>(LAST_KEY, {})[lastKey];
  const sshHostText = args.sshHost ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Capture esxtop over SSH'),
    prompt: vscode.l10n.t('SSH address of the host (HOST or HOST:PORT). ESXi needs SSH enabled (Host > Configuration > Security Profile, or the DCUI).'),
    value: last?.sshHost ?? defaultHost,
    validateInput: (v) => (parseSshTarget(v) ? undefined : vscode.l10n.t('Enter HOST or HOST:PORT.')),
    ignoreFocusOut: true,
  });
  if (sshHostText === undefined) return undefined;
  const target = parseSshTarget(sshHostText);
  if (!target) throw new Error(vscode.l10n.t('"{0}" is not HOST or HOST:PORT.', sshHostText));
  const username = args.username ?? await vscode.window.showInputBox({
    title: vscode.l10n.t('Capture esxtop over SSH'),
    prompt: vscode.l10n.t('User name on {0}', target.host),
    value: last?.username ?? 'root',
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a user name.')),
    ignoreFocusOut: true,
  });
  if (!username) return undefined;
  let samples = args.samples;
  let delaySeconds = args.delaySeconds;
  if (samples === undefined || delaySeconds === undefined) {
    const presets = [
      { label: vscode.l10n.t('1 minute'), description: vscode.l10n.t('{0} samples every {1} s', '30', '2'), samples: 30, delay: 2 },
      { label: vscode.l10n.t('5 minutes'), description: vscode.l10n.t('{0} samples every {1} s', '150', '2'), samples: 150, delay: 2 },
      { label: vscode.l10n.t('15 minutes'), description: vscode.l10n.t('{0} samples every {1} s', '180', '5'), samples: 180, delay: 5 },
      { label: vscode.l10n.t('1 hour'), description: vscode.l10n.t('{0} samples every {1} s', '360', '10'), samples: 360, delay: 10 },
    ];
    const pick = await vscode.window.showQuickPick(presets, { title: vscode.l10n.t('How long to capture'), ignoreFocusOut: true });
    if (!pick) return undefined;
    samples ??= pick.samples;
    delaySeconds ??= pick.delay;
  }
  let save = args.save;
  if (save === undefined) {
    const keep = { label: vscode.l10n.t('Open in the memory panel'), save: false };
    const saveAs = { label: vscode.l10n.t('Open, and save the CSV…'), save: true };
    const pick = await vscode.window.showQuickPick([keep, saveAs], { title: vscode.l10n.t('Capture esxtop over SSH'), ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.save) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = `esxtop-${target.host}-${stamp()}.csv`;
      const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { [vscode.l10n.t('esxtop batch capture')]: ['csv'] }, saveLabel: vscode.l10n.t('Save') });
      if (!uri) return undefined;
      save = uri.toString();
    } else save = false;
  }
  return { target, username: username.trim(), samples, delaySeconds, save };
}

/** Runs the capture; resolves undefined when the user cancels anywhere. */
export async function captureEsxtopOverSshCommand(context: vscode.ExtensionContext, inventory: InventoryServices, arg: Node | EsxtopSshArgs | undefined): Promise<EsxtopSshResult | undefined> {
  const node = arg && 'type' in arg && arg.type === 'item' ? arg : undefined;
  const args: EsxtopSshArgs = node ? {} : ((arg as EsxtopSshArgs | undefined) ?? {});
  const item = node ? inventory.provider.item(node) : undefined;
  const defaultHost = item?.kind === 'host' ? item.name : '';
  const lastKey = node ? `${node.conn}/${node.key}` : '';
  const answers = await ask(context, defaultHost, lastKey, args);
  if (!answers) return undefined;
  const { target, username, samples, delaySeconds } = answers;
  const [{ SshSession, SshAuthError, hostKeyFile }, { captureEsxtopOverSsh, checkEsxtopRun }] = await Promise.all([
    import('../../core/esxi/ssh'), import('../../core/memory/esxtopSsh'),
  ]);
  const problem = checkEsxtopRun({ samples, delaySeconds });
  if (problem) throw new Error(problem);

  // Where the CSV goes: the user's file, or the extension's storage (so a restored panel can reread it).
  let out: vscode.Uri;
  if (answers.save) {
    out = vscode.Uri.parse(answers.save);
    if (out.scheme !== 'file') throw new Error(vscode.l10n.t('The capture can only be saved to a local file, not {0}.', out.toString()));
  } else {
    const dir = vscode.Uri.joinPath(context.globalStorageUri, 'esxtop');
    await fs.promises.mkdir(dir.fsPath, { recursive: true });
    out = vscode.Uri.joinPath(dir, `${target.host.replace(/[^\w.-]/g, '_')}-${stamp()}.csv`);
  }

  const pins = context.globalState.get<Record<string, string>>(PINS_KEY, {});
  const pinKey = `${target.host}:${target.port}`;
  let hostKey = args.hostKey ?? pins[pinKey];
  const secretKey = passwordSecret(username, target.host, target.port);
  let password = args.password ?? (await context.secrets.get(secretKey));
  const storedPassword = args.password === undefined && password !== undefined;
  if (password === undefined) {
    password = await vscode.window.showInputBox({
      title: vscode.l10n.t('Capture esxtop over SSH'),
      prompt: vscode.l10n.t('Password for {0}@{1} (kept in VS Code\'s secret storage)', username, target.host),
      password: true, ignoreFocusOut: true,
    });
    if (password === undefined) return undefined;
  }

  const name = path.basename(out.fsPath);
  return vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: vscode.l10n.t('esxtop on {0}', target.host),
    cancellable: true,
  }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    const part = `${out.fsPath}.part`;
    let fd: fs.promises.FileHandle | undefined;
    let session: import('../../core/esxi/ssh').SshSession | undefined;
    try {
      progress.report({ message: vscode.l10n.t('Connecting to {0}:{1}…', target.host, String(target.port)) });
      const connect = () => SshSession.connect({ host: target.host, port: target.port, username, password, hostKey, signal: ac.signal });
      try {
        session = await connect();
      } catch (e) {
        if (e instanceof SshAuthError && storedPassword) await context.secrets.delete(secretKey);
        // A caller that named the key to trust (scripts, tests) gets the refusal, not a prompt.
        if (args.hostKey !== undefined) throw e;
        const accepted = await askToTrustHostKey(e, `${target.host}:${target.port}`, vscode.l10n.t('the host\'s console (DCUI, or the ESXi Shell)'), hostKeyFile);
        if (!accepted) return undefined;
        hostKey = accepted;
        session = await connect();
      }
      await context.globalState.update(PINS_KEY, { ...pins, [pinKey]: session.hostKey });
      if (!storedPassword && args.password === undefined) await context.secrets.store(secretKey, password);
      if (node) {
        const last = context.globalState.get<Record<string, { sshHost: string; username: string }>>(LAST_KEY, {});
        await context.globalState.update(LAST_KEY, { ...last, [lastKey]: { sshHost: target.port === 22 ? target.host : `${target.host}:${target.port}`, username } });
      }

      fd = await fs.promises.open(part, 'w', 0o644);
      const file = fd;
      let reported = 0;
      progress.report({ message: vscode.l10n.t('sample {0} of {1}', '0', String(samples)) });
      const r = await captureEsxtopOverSsh(session, {
        samples, delaySeconds, signal: ac.signal,
        sink: async (chunk) => { await file.write(chunk); },
        onProgress: (p) => {
          if (p.rows === reported) return;
          progress.report({ message: vscode.l10n.t('sample {0} of {1}', String(p.rows), String(p.samples)), increment: ((p.rows - reported) / p.samples) * 100 });
          reported = p.rows;
        },
      });
      await fd.close();
      fd = undefined;
      await fs.promises.rename(part, out.fsPath);
      log().info(`esxtop over SSH: ${r.capture.rows} samples (${r.bytes} bytes) from ${target.host}:${target.port} in ${r.ms} ms → ${out.fsPath}`);
      if (!answers.save) await pruneStorage(path.dirname(out.fsPath));
      return { uri: out, name, capture: r.capture };
    } catch (e) {
      if (isCancellation(e) || ac.signal.aborted) return undefined;
      throw e;
    } finally {
      sub.dispose();
      session?.close();
      await fd?.close().catch(() => undefined);
      // Written beside the target and renamed into place: a cancelled or failed run leaves nothing.
      await fs.promises.rm(part, { force: true }).catch(() => undefined);
    }
  });
}

/** Keeps the newest captures in the extension's storage. */
async function pruneStorage(dir: string): Promise<void> {
  try {
    const files = (await fs.promises.readdir(dir)).filter((f) => f.endsWith('.csv'));
    const withTimes = await Promise.all(files.map(async (f) => ({ f, t: (await fs.promises.stat(path.join(dir, f))).mtimeMs })));
    withTimes.sort((a, b) => b.t - a.t);
    for (const { f } of withTimes.slice(KEEP_IN_STORAGE)) await fs.promises.rm(path.join(dir, f), { force: true });
  } catch (e) {
    log().warn(`esxtop over SSH: could not prune ${dir}: ${(e as Error).message}`);
  }
}
