/**
 * The connection commands: add, edit, remove, connect, retry, disconnect, enter a password, trust a
 * certificate, refresh. Each takes a connection as a tree node, `{ conn }`, or a connection id;
 * without one, the selected node's, the only connection, or a quick pick.
 */
import * as vscode from 'vscode';
import { LabError } from '../../../core/errors';
import { commandArgs, registerCommand } from '../../commands';
import { log } from '../../log';
import { hostOf, normaliseUrl } from '../connections';
import type { InventoryServices } from '../services';
import { connectAndLoad, normaliseThumbDisplay, trustCertificate } from './connect';

/** Arguments accepted by the connection commands when run from scripts or tests (no prompts). */
export interface AddConnectionArgs {
  url: string;
  username: string;
  password: string;
  label?: string;
  /** Pin this SHA-256 thumbprint (as a user who checked it out of band would). */
  thumbprint?: string;
}

/** The connection a command is about (see the module comment); undefined when the user gives up. */
async function connOf(inv: InventoryServices, raw: unknown[], placeHolder: string): Promise<string | undefined> {
  const { conn } = commandArgs(raw);
  if (conn) return conn;
  const selected = inv.view.selection[0];
  if (selected) return selected.conn;
  const list = inv.store.list();
  if (list.length === 1) return list[0].id;
  const pick = await vscode.window.showQuickPick(
    list.map((c) => ({ label: c.label ?? hostOf(c.url), description: c.username, id: c.id })), { placeHolder });
  return pick?.id;
}

function askPassword(user: string, host: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Password for {0} on {1}', user, host),
    password: true, ignoreFocusOut: true,
    prompt: vscode.l10n.t('Stored in the operating system\'s secret storage, never in settings.'),
  });
}

function validUrl(v: string): string | undefined {
  try {
    normaliseUrl(v);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The three questions of Add Connection; undefined when the user cancels one. */
async function askNewConnection(): Promise<{ url: string; username: string; password: string; label?: string } | undefined> {
  const rawUrl = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Connection (1/3): address'),
    placeHolder: 'vcenter.lab.local, esx01.lab.local:443, https://10.0.0.5/sdk',
    prompt: vscode.l10n.t('vCenter Server or ESXi host'),
    ignoreFocusOut: true,
    validateInput: validUrl,
  });
  if (rawUrl === undefined) return undefined;
  const url = normaliseUrl(rawUrl);
  const user = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Connection (2/3): user'),
    value: 'root', prompt: vscode.l10n.t('For example root (ESXi) or administrator@vsphere.local (vCenter)'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a user name.')),
  });
  if (user === undefined) return undefined;
  const password = await askPassword(user.trim(), hostOf(url));
  return password === undefined ? undefined : { url, username: user.trim(), password };
}

/** A script's `AddConnectionArgs`, checked. */
function scriptedConnection(args: Partial<AddConnectionArgs>): { url: string; username: string; password: string; label?: string } {
  const { url, username, password, label } = args;
  if (typeof url !== 'string' || typeof username !== 'string' || typeof password !== 'string') {
    throw new LabError('invalidArgument', 'vsphereLab.addConnection takes { url, username, password, label?, thumbprint? } (strings).');
  }
  return { url: normaliseUrl(url), username, password, label: typeof label === 'string' ? label : undefined };
}

/** Adds a connection (asking, or from script arguments), connects and reveals it. Returns its id. */
async function addConnection(inv: InventoryServices, args: Partial<AddConnectionArgs> | undefined): Promise<string | undefined> {
  const scripted = typeof args?.url === 'string';
  const answers = scripted ? scriptedConnection(args!) : await askNewConnection();
  if (!answers) return undefined;
  const { url, username, password, label } = answers;
  const duplicate = inv.store.list().find((c) => c.url === url && c.username === username);
  if (duplicate) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} on {1} is already in the list.', username, hostOf(url)));
    return duplicate.id;
  }
  const thumbprintSha256 = scripted && typeof args?.thumbprint === 'string' ? normaliseThumbDisplay(args.thumbprint) : undefined;
  const conn = await inv.store.add({ url, username, label, thumbprintSha256 }, password);
  log().info(`added connection ${hostOf(url)} as ${username}`);
  await connectAndLoad(inv, conn.id, !scripted);
  await inv.view.reveal(inv.provider.connectionNode(conn.id), { expand: true, select: true }).then(undefined, () => undefined);
  return conn.id;
}

async function editConnection(inv: InventoryServices, raw: unknown[]): Promise<void> {
  const id = await connOf(inv, raw, vscode.l10n.t('Connection to edit'));
  const conn = id ? inv.store.get(id) : undefined;
  if (!conn) return;
  const rawUrl = await vscode.window.showInputBox({ title: vscode.l10n.t('Edit Connection: address'), value: conn.url, ignoreFocusOut: true, validateInput: validUrl });
  if (rawUrl === undefined) return;
  const user = await vscode.window.showInputBox({ title: vscode.l10n.t('Edit Connection: user'), value: conn.username, ignoreFocusOut: true });
  if (user === undefined) return;
  const label = await vscode.window.showInputBox({ title: vscode.l10n.t('Edit Connection: name shown in the tree (optional)'), value: conn.label ?? '', ignoreFocusOut: true });
  if (label === undefined) return;
  const url = normaliseUrl(rawUrl);
  if (user.trim() !== conn.username || url !== conn.url) {
    const password = await askPassword(user.trim(), hostOf(url));
    if (password === undefined) return;
    await inv.store.setPassword(conn.id, password);
  }
  await inv.store.update(conn.id, { url, username: user.trim(), label: label.trim() || undefined });
  await inv.sessions.reset(conn.id);
  await connectAndLoad(inv, conn.id, true);
}

/** Removes a connection and its password; `{ confirm: false }` skips the question (scripts). */
async function removeConnection(inv: InventoryServices, raw: unknown[]): Promise<void> {
  const id = await connOf(inv, raw, vscode.l10n.t('Connection to remove'));
  const conn = id ? inv.store.get(id) : undefined;
  if (!conn) return;
  if (commandArgs<{ confirm: boolean }>(raw).options?.confirm !== false) {
    const remove = vscode.l10n.t('Remove');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Remove the connection to {0}? Its stored password is deleted too.', conn.label ?? hostOf(conn.url)), { modal: true }, remove);
    if (answer !== remove) return;
  }
  if (conn.fromSettings) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is declared in the vsphereLab.connections setting: remove it there.', conn.label ?? hostOf(conn.url)));
    await vscode.commands.executeCommand('workbench.action.openSettingsJson');
    return;
  }
  await inv.sessions.forget(conn.id);
  await inv.store.remove(conn.id);
}

/** Stores a new password (asked, or the second argument of a script) and reconnects. */
async function enterPassword(inv: InventoryServices, raw: unknown[]): Promise<boolean> {
  const id = await connOf(inv, raw, vscode.l10n.t('Connection'));
  const conn = id ? inv.store.get(id) : undefined;
  if (!conn) return false;
  const given = typeof raw[1] === 'string' ? raw[1] : undefined;
  if (given === undefined && conn.passwordEnv && !inv.store.passwordEnvAllowed(conn.id)) {
    // A setting may name any variable (a token, say): read it only once the user says so, here.
    const allow = vscode.l10n.t('Allow {0}', conn.passwordEnv);
    const type = vscode.l10n.t('Type the Password');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('The connection {0} reads its password from the environment variable {1}. Send the value of {1} to {2} as the password of {3}?', conn.label ?? hostOf(conn.url), conn.passwordEnv, hostOf(conn.url), conn.username),
      { modal: true }, allow, type);
    if (pick === undefined) return false;
    if (pick === allow) {
      await inv.store.allowPasswordEnv(conn.id);
      await inv.sessions.reset(conn.id);
      return connectAndLoad(inv, conn.id, true);
    }
  }
  const pw = given ?? await askPassword(conn.username, hostOf(conn.url));
  if (pw === undefined) return false;
  await inv.store.setPassword(conn.id, pw);
  await inv.sessions.reset(conn.id);
  return connectAndLoad(inv, conn.id, given === undefined);
}

export function registerConnectionCommands(context: vscode.ExtensionContext, inv: InventoryServices): void {
  const { sessions, store, provider } = inv;
  const connection = (raw: unknown[]) => connOf(inv, raw, vscode.l10n.t('Connection'));
  registerCommand(context, 'vsphereLab.addConnection', (...raw: unknown[]) => addConnection(inv, commandArgs<AddConnectionArgs>(raw).options));
  registerCommand(context, 'vsphereLab.editConnection', (...raw: unknown[]) => editConnection(inv, raw));
  registerCommand(context, 'vsphereLab.removeConnection', (...raw: unknown[]) => removeConnection(inv, raw));
  registerCommand(context, 'vsphereLab.connect', async (...raw: unknown[]) => {
    const id = await connection(raw);
    return id ? connectAndLoad(inv, id, true) : false;
  });
  registerCommand(context, 'vsphereLab.retryConnection', async (...raw: unknown[]) => {
    const id = await connection(raw);
    if (!id) return false;
    await sessions.reset(id);
    return connectAndLoad(inv, id, true);
  });
  registerCommand(context, 'vsphereLab.disconnect', async (...raw: unknown[]) => {
    const id = await connection(raw);
    if (id) await sessions.disconnect(id);
  });
  registerCommand(context, 'vsphereLab.enterPassword', (...raw: unknown[]) => enterPassword(inv, raw));
  registerCommand(context, 'vsphereLab.trustCertificate', async (...raw: unknown[]) => {
    const id = await connection(raw);
    const thumbprint = commandArgs<{ thumbprint: string }>(raw).options?.thumbprint;
    return id ? trustCertificate(inv, id, typeof thumbprint === 'string' ? thumbprint : undefined) : false;
  });
  registerCommand(context, 'vsphereLab.refresh', async () => {
    for (const c of store.list()) {
      if (sessions.state(c.id).status === 'error') await sessions.reset(c.id);
      else sessions.invalidate(c.id);
    }
    provider.refresh();
  });
}
