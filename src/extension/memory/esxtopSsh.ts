/**
 * "Capture esxtop over SSH…" on a host node: runs `esxtop -b -a -d D -n N` on the host over SSH
 * (connected by the SSH service, ../ssh: one host-key pin store for every feature, the password
 * remembered only when the user chooses), streams the CSV into the parser and to a file (the user's,
 * or the extension's storage), then opens it in the memory panel as an esxtop capture.
 * Loaded on first use (the command imports it lazily).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isCancellation } from '../../core/errors';
import { parseSshTarget } from '../../core/esxi/ssh';
import { withCancellableProgress, type ProgressReporter } from '../commands';
import { pinKey, sshService, type SshSession, type SshTarget } from '../ssh';
import type { EsxtopCapture } from '../../core/memory/esxtop';
import type { InventoryServices } from '../inventory/services';
import type { Node } from '../inventory/provider';
import { log } from '../log';

const LAST_KEY = 'vsphereLab.memory.esxtopSsh.last';
/** Captures kept in the extension's storage when the user does not save them elsewhere. */
const KEEP_IN_STORAGE = 10;

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

interface Answers {
  target: SshTarget;
  username: string;
  samples: number;
  delaySeconds: number;
  /** A file URI to save to, or false (the extension's storage). */
  save: string | false;
}

type LastUsed = Record<string, { sshHost: string; username: string }>;

async function askTarget(context: vscode.ExtensionContext, defaultHost: string, lastKey: string, args: EsxtopSshArgs): Promise<{ target: SshTarget; username: string } | undefined> {
  const last = context.globalState.get<LastUsed>(LAST_KEY, {})[lastKey];
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
  return username ? { target, username: username.trim() } : undefined;
}

async function askDuration(args: EsxtopSshArgs): Promise<{ samples: number; delaySeconds: number } | undefined> {
  if (args.samples !== undefined && args.delaySeconds !== undefined) return { samples: args.samples, delaySeconds: args.delaySeconds };
  const presets = [
    { label: vscode.l10n.t('1 minute'), description: vscode.l10n.t('{0} samples every {1} s', '30', '2'), samples: 30, delay: 2 },
    { label: vscode.l10n.t('5 minutes'), description: vscode.l10n.t('{0} samples every {1} s', '150', '2'), samples: 150, delay: 2 },
    { label: vscode.l10n.t('15 minutes'), description: vscode.l10n.t('{0} samples every {1} s', '180', '5'), samples: 180, delay: 5 },
    { label: vscode.l10n.t('1 hour'), description: vscode.l10n.t('{0} samples every {1} s', '360', '10'), samples: 360, delay: 10 },
  ];
  const pick = await vscode.window.showQuickPick(presets, { title: vscode.l10n.t('How long to capture'), ignoreFocusOut: true });
  return pick ? { samples: args.samples ?? pick.samples, delaySeconds: args.delaySeconds ?? pick.delay } : undefined;
}

/** A file URI to save the CSV to, false for the extension's storage; undefined when the user cancels. */
async function askSave(target: SshTarget, args: EsxtopSshArgs): Promise<string | false | undefined> {
  if (args.save !== undefined) return args.save;
  const keep = { label: vscode.l10n.t('Open in the memory panel'), save: false };
  const saveAs = { label: vscode.l10n.t('Open, and save the CSV…'), save: true };
  const pick = await vscode.window.showQuickPick([keep, saveAs], { title: vscode.l10n.t('Capture esxtop over SSH'), ignoreFocusOut: true });
  if (!pick) return undefined;
  if (!pick.save) return false;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `esxtop-${target.host}-${stamp()}.csv`;
  const uri = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined, filters: { [vscode.l10n.t('esxtop batch capture')]: ['csv'] }, saveLabel: vscode.l10n.t('Save') });
  return uri?.toString();
}

/** Asks for what `args` does not give; undefined when the user cancels. */
async function ask(context: vscode.ExtensionContext, defaultHost: string, lastKey: string, args: EsxtopSshArgs): Promise<Answers | undefined> {
  const who = await askTarget(context, defaultHost, lastKey, args);
  if (!who) return undefined;
  const duration = await askDuration(args);
  if (!duration) return undefined;
  const save = await askSave(who.target, args);
  if (save === undefined) return undefined;
  return { ...who, ...duration, save };
}

/** Where the CSV goes: the user's file, or the extension's storage (so a restored panel can reread it). */
async function outputUri(context: vscode.ExtensionContext, answers: Answers): Promise<vscode.Uri> {
  if (answers.save) {
    const out = vscode.Uri.parse(answers.save);
    if (out.scheme !== 'file') throw new Error(vscode.l10n.t('The capture can only be saved to a local file, not {0}.', out.toString()));
    return out;
  }
  const dir = vscode.Uri.joinPath(context.globalStorageUri, 'esxtop');
  await fs.promises.mkdir(dir.fsPath, { recursive: true });
  return vscode.Uri.joinPath(dir, `${answers.target.host.replace(/[^\w.-]/g, '_')}-${stamp()}.csv`);
}

/** Runs the capture; resolves undefined when the user cancels anywhere. */
export async function captureEsxtopOverSshCommand(context: vscode.ExtensionContext, inventory: InventoryServices, arg: Node | EsxtopSshArgs | undefined): Promise<EsxtopSshResult | undefined> {
  const node = arg && 'type' in arg && arg.type === 'item' ? arg : undefined;
  const args: EsxtopSshArgs = node ? {} : ((arg as EsxtopSshArgs | undefined) ?? {});
  const item = node ? inventory.provider.item(node) : undefined;
  const lastKey = node ? `${node.conn}/${node.key}` : '';
  const answers = await ask(context, item?.kind === 'host' ? item.name : '', lastKey, args);
  if (!answers) return undefined;
  const { checkEsxtopRun } = await import('../../core/memory/esxtopSsh');
  const problem = checkEsxtopRun(answers);
  if (problem) throw new Error(problem);
  const out = await outputUri(context, answers);
  const { target, username } = answers;
  let session: SshSession | undefined;
  try {
    return await withCancellableProgress({ title: vscode.l10n.t('esxtop on {0}', target.host) }, async (signal, progress) => {
      progress.report({ message: vscode.l10n.t('Connecting to {0}:{1}…', target.host, String(target.port)) });
      session = await sshService(context).connect(target, {
        purpose: 'esxtop', username, signal, title: vscode.l10n.t('Capture esxtop over SSH'),
        ...(args.password !== undefined ? { password: args.password } : {}),
        ...(args.hostKey !== undefined ? { hostKey: args.hostKey } : {}),
      });
      if (node) {
        const last = context.globalState.get<LastUsed>(LAST_KEY, {});
        await context.globalState.update(LAST_KEY, { ...last, [lastKey]: { sshHost: target.port === 22 ? target.host : pinKey(target), username } });
      }
      const r = await streamCapture(session, answers, out, progress, signal);
      log().info(`esxtop over SSH: ${r.capture.rows} samples (${r.bytes} bytes) from ${pinKey(target)} in ${r.ms} ms → ${out.fsPath}`);
      if (!answers.save) await pruneStorage(path.dirname(out.fsPath));
      return { uri: out, name: path.basename(out.fsPath), capture: r.capture };
    });
  } catch (e) {
    if (isCancellation(e)) return undefined;
    throw e;
  } finally {
    session?.close();
  }
}

/**
 * Streams `esxtop -b` into a `.part` file beside `out` and renames it into place: a cancelled or
 * failed run leaves nothing.
 */
async function streamCapture(session: SshSession, answers: Answers, out: vscode.Uri, progress: ProgressReporter, signal: AbortSignal) {
  const { captureEsxtopOverSsh } = await import('../../core/memory/esxtopSsh');
  const part = `${out.fsPath}.part`;
  let fd: fs.promises.FileHandle | undefined;
  try {
    fd = await fs.promises.open(part, 'w', 0o644);
    const file = fd;
    let reported = 0;
    progress.report({ message: vscode.l10n.t('sample {0} of {1}', '0', String(answers.samples)) });
    const r = await captureEsxtopOverSsh(session, {
      samples: answers.samples, delaySeconds: answers.delaySeconds, signal,
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
    return r;
  } finally {
    await fd?.close().catch(() => undefined);
    await fs.promises.rm(part, { force: true }).catch(() => undefined);
  }
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
