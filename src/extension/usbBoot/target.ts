/**
 * Which .vmx a USB boot command works on, and whether it may be edited now: the arguments (a VM
 * node, a URI, script options, else the active .vmx editor), the preflight (VM running, read-only
 * file), and the editor holding the file in its declared encoding.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VmxDocument } from '../../core/vmx/document';
import { hasNonAscii, isUtf8Name, vscodeEncodingId } from '../../core/vmx/encodingIds';
import { preflightVmxFile, UsbBootError } from '../../core/vmx/usbBoot';
import { commandArgs } from '../commands';
import { DATASTORE_SCHEME, activeVmRefusal, datastoreUri, liveVmxOwner, parseDatastoreUri } from '../inventory/datastoreFs';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { Refusal, type UsbBootCommandArgs } from './shared';

/** What a command was started on: a VM node, or a .vmx URI (the active editor's by default). */
export interface UsbBootTarget {
  node?: Node;
  uri?: vscode.Uri;
  args: UsbBootCommandArgs;
}

export function usbBootTarget(raw: readonly unknown[]): UsbBootTarget {
  const { node, uri, options } = commandArgs<UsbBootCommandArgs>(raw);
  const args = (options ?? {}) as UsbBootCommandArgs;
  if (node) return { node, args };
  const active = vscode.window.activeTextEditor?.document;
  const activeVmx = active && (active.languageId === 'vmx' || active.uri.path.toLowerCase().endsWith('.vmx')) ? active.uri : undefined;
  return { uri: uri ?? activeVmx, args };
}

/** The `vsphere-ds:` URI of the target's .vmx (a VM node's, looked up in the inventory). */
export async function targetUri(target: UsbBootTarget, inventory: InventoryServices | undefined): Promise<vscode.Uri | undefined> {
  const { node } = target;
  if (!node) return target.uri;
  const it = inventory?.provider.item(node);
  if (!inventory || it?.kind !== 'vm') throw new Refusal('no-vmx', vscode.l10n.t('select a virtual machine in the vSphere Lab inventory.'));
  if (!it.info.vmPathName) throw new Refusal('no-vmx', vscode.l10n.t('the server does not say where the .vmx of {0} is.', it.name));
  const snap = inventory.sessions.snapshot(node.conn) ?? await inventory.sessions.load(node.conn);
  const uri = datastoreUri(node.conn, snap.inventory, it.ref, it.info.vmPathName);
  if (!uri) throw new Refusal('no-vmx', vscode.l10n.t('cannot tell which datacenter holds {0}.', it.name));
  return uri;
}

/**
 * Refuses while the VM runs (a *.lck beside the file, or — on a datastore — the VM's power state
 * now, from the server) or when the file is read-only.
 */
export async function preflight(uri: vscode.Uri, inventory: InventoryServices | undefined): Promise<void> {
  if (uri.scheme === 'file') {
    await preflightVmxFile(uri.fsPath);
    return;
  }
  if (uri.scheme === 'untitled') return;
  if (uri.scheme === DATASTORE_SCHEME && inventory) {
    // a datastore of a running VM shows no *.lck on VMFS
    const owner = await liveVmxOwner(inventory.sessions, parseDatastoreUri(uri));
    const refusal = activeVmRefusal(owner, 'retry');
    if (refusal) throw new Refusal('vm-running', refusal);
  }
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(uri, '..')).then((e) => e, () => [] as [string, vscode.FileType][]);
  const locks = entries.map(([n]) => n).filter((n) => n.toLowerCase().endsWith('.lck'));
  if (locks.length) throw new UsbBootError('vm-running', `the VM is running (lock ${locks.join(', ')})`, { locks });
  const st = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
  if (st?.permissions !== undefined && (st.permissions & vscode.FilePermission.Readonly) !== 0) {
    throw new UsbBootError('read-only', `${path.posix.basename(uri.path)} is read-only`, { file: uri.toString() });
  }
}

/** The refusal for a non-ASCII value when the editor does not hold the file's declared encoding. */
export type AsciiOnly = (value: string) => string;

/**
 * Reopens the document in the encoding its `.encoding` line declares, when VS Code knows it and can
 * (an all-ASCII windows-1252 file otherwise opens as UTF-8). Returns the document as held now.
 */
async function reopenInDeclared(document: vscode.TextDocument, id: string, declared: string): Promise<vscode.TextDocument> {
  if (document.encoding === id) return document;
  try {
    const reopened = await vscode.workspace.openTextDocument(document.uri, { encoding: id });
    log().info(`usb boot: reopened ${reopened.uri.toString()} as ${reopened.encoding} (.encoding = "${declared}")`);
    return reopened;
  } catch (e) {
    log().info(`usb boot: could not reopen ${document.uri.toString()} as ${id}: ${e instanceof Error ? e.message : String(e)}`);
    return document;
  }
}

function asciiOnlyRefusal(editorEncoding: string, declared: string, id: string | undefined): AsciiOnly {
  return (value) => id
    ? vscode.l10n.t('the editor holds this file as {0}, not as {1} (its .encoding), and it has unsaved changes, so it cannot be reopened: the value {2} has characters that would be saved wrongly. Save or revert the file and try again, or use an ISO path with ASCII characters only.', editorEncoding, declared, value)
    : vscode.l10n.t('VS Code cannot write {1} (this file\'s .encoding); the editor holds it as {0}: the value {2} has characters that would be saved wrongly. Use an ISO path with ASCII characters only.', editorEncoding, declared, value);
}

/**
 * Opens the .vmx in the encoding its `.encoding` line declares (an ISO path with accents would
 * otherwise be saved as UTF-8 bytes that VMware reads as mojibake). `asciiOnly` is set when the
 * editor cannot hold that encoding (unknown to VS Code, or a document with unsaved changes that
 * cannot be reopened): values with non-ASCII characters are then refused.
 */
async function openTarget(uri: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; asciiOnly?: AsciiOnly }> {
  if (!vscode.workspace.isTrusted) throw new Refusal('untrusted', vscode.l10n.t('vSphere Lab does not edit .vmx files in a restricted workspace; trust the workspace first.'));
  if (!uri) throw new Refusal('no-vmx', vscode.l10n.t('open a .vmx file first.'));
  let document = await vscode.workspace.openTextDocument(uri);
  const declared = VmxDocument.fromText(document.getText()).encoding;
  let asciiOnly: AsciiOnly | undefined;
  if (declared && !isUtf8Name(declared) && document.uri.scheme !== 'untitled') {
    const id = vscodeEncodingId(declared);
    if (id) document = await reopenInDeclared(document, id, declared);
    if (!id || document.encoding !== id) asciiOnly = asciiOnlyRefusal(document.encoding, declared, id);
  }
  await vscode.window.showTextDocument(document, { preview: false });
  if (document.getText().includes('\uFFFD') && declared && !isUtf8Name(declared)) {
    // the editor decoded the bytes with another encoding: saving would replace characters
    throw new Refusal('editor-encoding', vscode.l10n.t('the editor did not decode this file as {0}, the encoding it declares (some characters show as �). Reopen it with that encoding (Reopen with Encoding) and try again.', declared));
  }
  return { document, asciiOnly };
}

export interface EditTarget {
  document: vscode.TextDocument;
  /** The version the plan is made from; an edit to another version is refused. */
  version: number;
  doc: VmxDocument;
  asciiOnly?: AsciiOnly;
}

/** Opens the .vmx, refuses what the preflight refuses, and parses the editor's text as it is now. */
export async function openForEdit(uri: vscode.Uri | undefined, inventory: InventoryServices | undefined): Promise<EditTarget> {
  const { document, asciiOnly } = await openTarget(uri);
  await preflight(document.uri, inventory);
  return { document, version: document.version, doc: VmxDocument.fromText(document.getText()), asciiOnly };
}

/** Refuses values the editor would save in the wrong encoding (see `openTarget`). */
export function checkAscii(asciiOnly: AsciiOnly | undefined, values: readonly (string | undefined)[]): void {
  if (!asciiOnly) return;
  const bad = values.find((v) => v !== undefined && hasNonAscii(v));
  if (bad !== undefined) throw new Refusal('editor-encoding', asciiOnly(`"${bad}"`));
}
