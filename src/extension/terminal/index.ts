/**
 * "Open SSH Terminal" on an ESXi host node (or a connection node: its server's address): a VS Code
 * terminal whose Pseudoterminal is an interactive shell over SSH (core `SshSession.shell`), connected
 * through the SSH service (../ssh: the one host-key pin store, the password prompt with "remember").
 * Keystrokes go to the shell, its output to the terminal (UTF-8 decoded across chunks), a resize of
 * the panel to the host (`window-change`); closing the terminal ends the session, and the shell
 * ending (`exit`) closes the terminal with its exit code.
 *
 * A host that refuses the connection has SSH stopped: the message says how to start it — vSphere
 * Client: Host → Configure → System → Services → SSH → Start (5.x/6.x Windows client: Configuration →
 * Security Profile → Services → Properties); Host Client: Host → Actions → Services → Enable Secure
 * Shell (SSH); DCUI: F2 → Troubleshooting Options → Enable SSH; from the ESXi Shell on the console:
 * `vim-cmd hostsvc/enable_ssh && vim-cmd hostsvc/start_ssh` (vSphere Security, "ESXi Shell"
 * and "Enable Access to the ESXi Shell", docs.vmware.com).
 */
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { errorCode, isCancellation, LabError } from '../../core/errors';
import { parseSshTarget, type SshShell } from '../../core/esxi/ssh';
import { commandArgs, registerCommand, withCancellableProgress } from '../commands';
import { hostOf } from '../inventory/connections';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { pinKey, sshService, type SshSession, type SshTarget } from '../ssh';

const LAST_KEY = 'vsphereLab.terminal.last';
/** Output kept for `output()` (tests, scripts): the last 64 KiB. */
const KEEP_OUTPUT = 64 * 1024;

/** What scripts and tests pass instead of answering prompts. */
export interface SshTerminalArgs {
  /** `HOST[:PORT]`. */
  sshHost?: string;
  username?: string;
  password?: string;
  /** The host key to trust (`SHA256:…`). */
  hostKey?: string;
}

/** What the command returns: the terminal, and for tests what it showed and a way to type. */
export interface SshTerminalHandle {
  readonly terminal: vscode.Terminal;
  readonly target: string;
  output(): string;
  send(text: string): void;
  /** Resolves with the shell's exit code when it ends. */
  readonly closed: Promise<number | undefined>;
}

type LastUsed = Record<string, { sshHost: string; username: string }>;

/** The default address: a host node's name, or a connection's server. */
function defaultHost(inv: InventoryServices, node: Node | undefined): { host: string; key: string } | undefined {
  if (!node) return undefined;
  if (node.type === 'connection') {
    const c = inv.store.get(node.conn);
    return c ? { host: hostOf(c.url), key: node.conn } : undefined;
  }
  if (node.type !== 'item') return undefined;
  const it = inv.provider.item(node);
  return it?.kind === 'host' ? { host: it.name, key: `${node.conn}/${node.key}` } : undefined;
}

async function ask(context: vscode.ExtensionContext, def: { host: string; key: string } | undefined, args: SshTerminalArgs): Promise<{ target: SshTarget; username: string } | undefined> {
  const last = def ? context.globalState.get<LastUsed>(LAST_KEY, {})[def.key] : undefined;
  const title = vscode.l10n.t('Open SSH Terminal');
  const text = args.sshHost ?? await vscode.window.showInputBox({
    title, prompt: vscode.l10n.t('SSH address of the host (HOST or HOST:PORT).'), value: last?.sshHost ?? def?.host ?? '', ignoreFocusOut: true,
    validateInput: (v) => (parseSshTarget(v) ? undefined : vscode.l10n.t('Enter HOST or HOST:PORT.')),
  });
  if (text === undefined) return undefined;
  const target = parseSshTarget(text);
  if (!target) throw new Error(vscode.l10n.t('"{0}" is not HOST or HOST:PORT.', text));
  const username = args.username ?? await vscode.window.showInputBox({
    title, prompt: vscode.l10n.t('User name on {0}', target.host), value: last?.username ?? 'root', ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a user name.')),
  });
  if (!username) return undefined;
  if (def) {
    const all = context.globalState.get<LastUsed>(LAST_KEY, {});
    await context.globalState.update(LAST_KEY, { ...all, [def.key]: { sshHost: target.port === 22 ? target.host : pinKey(target), username: username.trim() } });
  }
  return { target, username: username.trim() };
}

/** The refused-connection message: SSH is stopped on the host, and how to start it. */
function sshStoppedMessage(target: SshTarget): string {
  return vscode.l10n.t('{0} refused the SSH connection: the SSH service is stopped on the host. Start it in the vSphere Client (Host → Configure → Services → SSH → Start), the Host Client (Actions → Services → Enable Secure Shell), the DCUI (F2 → Troubleshooting Options → Enable SSH), or from the ESXi Shell on the console: vim-cmd hostsvc/enable_ssh && vim-cmd hostsvc/start_ssh', pinKey(target));
}

/** A Pseudoterminal over an SSH session's shell; owns the session from `open` on. */
function shellPty(session: SshSession, label: string, keep: { text: string }, onEnd: (code: number | undefined) => void): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  const decoder = new StringDecoder('utf8');
  let shell: SshShell | undefined;
  let pending: vscode.TerminalDimensions | undefined;
  const show = (s: string): void => {
    keep.text = (keep.text + s).slice(-KEEP_OUTPUT);
    write.fire(s);
  };
  const end = (code: number | undefined): void => {
    session.close();
    onEnd(code);
    close.fire(code);
  };
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open(dims) {
      session.shell({ cols: dims?.columns ?? 80, rows: dims?.rows ?? 24 }).then((s) => {
        shell = s;
        s.onData((d) => show(decoder.write(d)));
        s.onClose((code) => {
          show(`${decoder.end()}\r\n${vscode.l10n.t('[Connection to {0} closed]', label)}\r\n`);
          end(code);
        });
        if (pending) s.resize(pending.columns, pending.rows);
      }, (e: unknown) => {
        show(`${String((e as Error).message ?? e)}\r\n`);
        end(1);
      });
    },
    handleInput: (data) => shell?.write(data),
    setDimensions(dims) {
      if (shell) shell.resize(dims.columns, dims.rows);
      else pending = dims;
    },
    close() {
      shell?.close();
      session.close();
    },
  };
}

async function openTerminal(context: vscode.ExtensionContext, inv: InventoryServices, raw: unknown[]): Promise<SshTerminalHandle | undefined> {
  const { node, options } = commandArgs<SshTerminalArgs>(raw);
  const args: SshTerminalArgs = options ?? {};
  const answers = await ask(context, defaultHost(inv, node ?? inv.view.selection[0]), args);
  if (!answers) return undefined;
  const { target, username } = answers;
  const label = `${username}@${pinKey(target)}`;
  let session: SshSession;
  try {
    session = await withCancellableProgress({ title: vscode.l10n.t('Connecting to {0}…', label) }, (signal) => sshService(context).connect(target, {
      purpose: 'terminal', username, signal, title: vscode.l10n.t('Open SSH Terminal'),
      ...(args.password !== undefined ? { password: args.password } : {}),
      ...(args.hostKey !== undefined ? { hostKey: args.hostKey } : {}),
    }));
  } catch (e) {
    if (isCancellation(e)) return undefined;
    if (errorCode(e) === 'refused') throw new LabError('refused', sshStoppedMessage(target), { cause: e });
    throw e;
  }
  const keep = { text: '' };
  let resolveClosed: (code: number | undefined) => void = () => undefined;
  const closed = new Promise<number | undefined>((r) => { resolveClosed = r; });
  const pty = shellPty(session, label, keep, (code) => {
    log().info(`terminal: ${label} closed${code !== undefined ? ` (exit ${code})` : ''}`);
    resolveClosed(code);
  });
  const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('SSH {0}', label), pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show();
  log().info(`terminal: ${label} opened (host key ${session.hostKey})`);
  return { terminal, target: label, output: () => keep.text, send: (text) => terminal.sendText(text, false), closed };
}

export function registerSshTerminal(context: vscode.ExtensionContext, inventory: InventoryServices): void {
  registerCommand(context, 'vsphereLab.openSshTerminal', (...raw: unknown[]) => openTerminal(context, inventory, raw), { what: vscode.l10n.t('Open SSH Terminal') });
}
