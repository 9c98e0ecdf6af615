/**
 * "Boot from USB Key…" and "Remove USB Boot Helper" on an open .vmx: the change is computed by the
 * core (src/core/vmx/usbBoot.ts), shown as a diff (the document beside the proposed text) with a
 * modal Apply / Cancel, and applied as ONE edit to the document (Ctrl+Z undoes it; the file is not
 * saved behind the user's back).
 *
 * Why not the refactor preview (WorkspaceEdit metadata `needsConfirmation`): VS Code 1.100 starts
 * such edits unticked and its diff shows only ticked edits, so the change is invisible until the
 * user ticks it — a preview that does not preview.
 *
 * Scripting and tests: both commands accept `(uri, args)` or `(args)` with
 * `args = { uri?, iso?, confirm?: boolean, route?, usb? }`; `confirm: false` skips the preview and
 * every dialog. They return a `UsbBootCommandResult`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VmxDocument } from '../../core/vmx/document';
import { minimalEdit, applyTextEdits } from '../../core/vmx/edit';
import { checkIsoImage, IsoImageError } from '../../core/vmx/iso';
import {
  applyUsbBootPlan,
  planUsbBoot,
  planUsbBootRemoval,
  preflightVmxFile,
  removeUsbBoot,
  USB_BOOT_UNDO_KEY,
  UsbBootError,
  vmFirmware,
  type UsbBootOptions,
  type UsbBootPlan,
} from '../../core/vmx/usbBoot';
import { DATASTORE_SCHEME, activeVmRefusal, datastoreUri, liveVmxOwner, parseDatastoreUri } from '../inventory/datastoreFs';
import type { Node } from '../inventory/provider';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { hasNonAscii, isUtf8Name, vscodeEncodingId } from '../../core/vmx/encodingIds';
import { controllerName, errorText, noteText } from './messages';

export const USB_BOOT_COMMAND = 'vsphereLab.usbBoot';
export const USB_BOOT_REMOVE_COMMAND = 'vsphereLab.usbBootRemove';
const ISO_SETTING = 'usbBoot.isoPath';
const APPLIED_CONTEXT = 'vsphereLab.usbBoot.applied';

export interface UsbBootCommandArgs {
  uri?: vscode.Uri | string;
  /** The boot manager ISO; skips the setting and the dialog. */
  iso?: string;
  /** false: no preview, no dialog (scripts, tests). Default true. */
  confirm?: boolean;
  route?: UsbBootOptions['route'];
  usb?: UsbBootOptions['usb'];
}

export interface UsbBootCommandResult {
  /** True when the edit was applied to the document. */
  applied: boolean;
  /** The user closed a dialog or discarded the preview. */
  cancelled?: boolean;
  route?: string;
  cdSlot?: string;
  controller?: string;
  iso?: string;
  /** Keys changed or restored. */
  keys?: string[];
  /** The message shown to the user (success or refusal). */
  message?: string;
  error?: { code: string; message: string };
}

/** The inventory (sessions, tree): resolves VM nodes and checks datastore VMs' power state live. */
let inventory: InventoryServices | undefined;

class Refusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function isNode(x: unknown): x is Node {
  return !!x && typeof x === 'object' && (x as Node).type === 'item' && typeof (x as { conn?: unknown }).conn === 'string' && typeof (x as { key?: unknown }).key === 'string';
}

/** A VM node of the inventory → the `vsphere-ds:` URI of its .vmx. */
async function vmNodeUri(node: Node): Promise<vscode.Uri> {
  const it = inventory?.provider.item(node);
  if (!inventory || it?.kind !== 'vm') throw new Refusal('no-vmx', vscode.l10n.t('select a virtual machine in the vSphere Lab inventory.'));
  if (!it.info.vmPathName) throw new Refusal('no-vmx', vscode.l10n.t('the server does not say where the .vmx of {0} is.', it.name));
  const snap = inventory.sessions.snapshot(node.conn) ?? await inventory.sessions.load(node.conn);
  const uri = datastoreUri(node.conn, snap.inventory, it.ref, it.info.vmPathName);
  if (!uri) throw new Refusal('no-vmx', vscode.l10n.t('cannot tell which datacenter holds {0}.', it.name));
  return uri;
}

function parseArgs(a: unknown, b: unknown): { uri?: vscode.Uri; node?: Node; args: UsbBootCommandArgs } {
  if (isNode(a)) return { node: a, args: b && typeof b === 'object' ? b as UsbBootCommandArgs : {} };
  const isPlain = (x: unknown): x is UsbBootCommandArgs => !!x && typeof x === 'object' && !(x instanceof vscode.Uri) && !Array.isArray(x);
  let uri: vscode.Uri | undefined;
  let args: UsbBootCommandArgs = {};
  if (a instanceof vscode.Uri) {
    uri = a;
    if (isPlain(b)) args = b;
  } else if (isPlain(a)) {
    args = a;
  }
  if (!uri && args.uri) uri = typeof args.uri === 'string' ? (/^[a-z][\w+.-]+:/i.test(args.uri) && !/^[a-z]:\\/i.test(args.uri) ? vscode.Uri.parse(args.uri) : vscode.Uri.file(args.uri)) : args.uri;
  if (!uri) {
    const active = vscode.window.activeTextEditor?.document;
    if (active && (active.languageId === 'vmx' || active.uri.path.toLowerCase().endsWith('.vmx'))) uri = active.uri;
  }
  return { uri, args };
}

/** Refuses while the VM runs (a *.lck beside the file) or when the file is read-only. */
async function preflight(uri: vscode.Uri): Promise<void> {
  if (uri.scheme === 'file') {
    await preflightVmxFile(uri.fsPath);
    return;
  }
  if (uri.scheme === 'untitled') return;
  if (uri.scheme === DATASTORE_SCHEME && inventory) {
    // the VM's power state now, from the server (a datastore of a running VM shows no *.lck on VMFS)
    const owner = await liveVmxOwner(inventory.sessions, parseDatastoreUri(uri));
    const refusal = activeVmRefusal(owner, 'retry');
    if (refusal) throw new Refusal('vm-running', refusal);
  }
  const dir = vscode.Uri.joinPath(uri, '..');
  let entries: [string, vscode.FileType][] = [];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    // a folder we cannot list: no lock information
  }
  const locks = entries.map(([n]) => n).filter((n) => n.toLowerCase().endsWith('.lck'));
  if (locks.length) throw new UsbBootError('vm-running', `the VM is running (lock ${locks.join(', ')})`, { locks });
  const st = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
  if (st?.permissions !== undefined && (st.permissions & vscode.FilePermission.Readonly) !== 0) {
    throw new UsbBootError('read-only', `${path.posix.basename(uri.path)} is read-only`, { file: uri.toString() });
  }
}

function nameOf(uri: vscode.Uri): string {
  return path.posix.basename(uri.path);
}

/** The edits as ONE edit (one step for Ctrl+Z), with the text they produce. */
function singleEdit(document: vscode.TextDocument, mutate: (d: VmxDocument) => void): { edit: vscode.WorkspaceEdit; newText: string; firstLine: number } {
  const text = document.getText();
  const doc = VmxDocument.fromText(text);
  const newText = applyTextEdits(text, doc.planWith(mutate));
  const e = minimalEdit({ line: 0, character: 0 }, text, newText);
  const edit = new vscode.WorkspaceEdit();
  if (e) edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  return { edit, newText, firstLine: e?.range.start.line ?? 0 };
}

/** Proposed texts for the preview diff, served read-only under our scheme. */
const PREVIEW_SCHEME = 'vsphere-lab-usbboot';
const previews = new Map<string, string>();
let previewSeq = 0;

/**
 * Shows the document next to the proposed text in a diff editor and asks to apply (a modal the
 * user confirms or cancels). The diff closes afterwards. True when confirmed.
 */
async function confirmInDiff(document: vscode.TextDocument, newText: string, firstLine: number, title: string, question: string, detail: string, applyLabel: string): Promise<boolean> {
  const id = `${++previewSeq}`;
  previews.set(id, newText);
  const proposed = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: document.uri.path, query: id });
  try {
    const line = Math.max(0, firstLine);
    await vscode.commands.executeCommand('vscode.diff', document.uri, proposed, title, { preview: true, selection: new vscode.Range(line, 0, line, 0) });
    const choice = await vscode.window.showInformationMessage(question, { modal: true, detail }, applyLabel);
    return choice === applyLabel;
  } finally {
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposed.toString()) await vscode.window.tabGroups.close(tab);
      }
    }
    previews.delete(id);
  }
}

async function applyEdit(document: vscode.TextDocument, edit: vscode.WorkspaceEdit, version: number): Promise<void> {
  if (document.version !== version) throw new UsbBootError('stale-plan', 'the document changed');
  if (!(await vscode.workspace.applyEdit(edit))) throw new Refusal('edit-failed', vscode.l10n.t('VS Code did not apply the edit; the file was left as it was.'));
  await vscode.window.showTextDocument(document, { preview: false });
}

async function askIso(current: string | undefined): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Choose the boot manager ISO (Plop: plpbt.iso)'),
    openLabel: vscode.l10n.t('Use This ISO'),
    canSelectMany: false,
    canSelectFolders: false,
    filters: { [vscode.l10n.t('ISO images')]: ['iso', 'ISO'] },
    defaultUri: current ? vscode.Uri.file(path.dirname(current)) : undefined,
  });
  return picked?.[0]?.fsPath;
}

/** The ISO: from the arguments, else the setting (validated), else asked once and remembered. */
async function resolveIso(args: UsbBootCommandArgs, interactive: boolean): Promise<string | undefined> {
  if (args.iso) {
    const iso = path.resolve(args.iso);
    await checkIsoImage(iso);
    return iso;
  }
  const config = vscode.workspace.getConfiguration('vsphereLab');
  const saved = (config.get<string>(ISO_SETTING) ?? '').trim();
  if (saved) {
    try {
      await checkIsoImage(saved);
      return saved;
    } catch (e) {
      if (!interactive) throw e;
      void vscode.window.showWarningMessage(vscode.l10n.t('The ISO in the setting vsphereLab.usbBoot.isoPath cannot be used: {0} Choose another one.', errorText(e)));
    }
  }
  if (!interactive) throw new UsbBootError('iso-required', 'no ISO');
  const chosen = await askIso(saved || undefined);
  if (!chosen) return undefined;
  await checkIsoImage(chosen);
  await config.update(ISO_SETTING, chosen, vscode.ConfigurationTarget.Global);
  log().info(`usb boot: ISO remembered in vsphereLab.${ISO_SETTING}: ${chosen}`);
  return chosen;
}

function refuse(uri: vscode.Uri | undefined, e: unknown, removing: boolean, interactive: boolean): UsbBootCommandResult {
  const code = e instanceof UsbBootError ? e.code : e instanceof IsoImageError ? (e.problem === 'missing' ? 'iso-missing' : e.problem === 'not-iso' ? 'not-iso' : 'iso-unreadable') : e instanceof Refusal ? e.code : 'failed';
  const reason = e instanceof Refusal ? e.message : errorText(e);
  const name = uri ? nameOf(uri) : '';
  const message = removing
    ? vscode.l10n.t('Cannot remove the USB boot helper from {0}: {1}', name, reason)
    : vscode.l10n.t('Cannot add the USB boot helper to {0}: {1}', name, reason);
  log().warn(`usb boot: ${removing ? 'remove' : 'apply'} refused for ${uri?.toString() ?? '(no file)'} [${code}]: ${e instanceof Error ? e.message : String(e)}`);
  const buttons: string[] = [];
  const showProblems = vscode.l10n.t('Show Problems');
  const removeIt = vscode.l10n.t('Remove USB Boot Helper');
  if (code === 'duplicate-keys') buttons.push(showProblems);
  if (code === 'already-applied') buttons.push(removeIt);
  void vscode.window.showErrorMessage(message, ...buttons).then((b) => {
    if (b === showProblems) void vscode.commands.executeCommand('workbench.actions.view.problems');
    if (b === removeIt && uri) void vscode.commands.executeCommand(USB_BOOT_REMOVE_COMMAND, uri, { confirm: interactive });
  });
  return { applied: false, message, error: { code, message: reason } };
}

/** The refusal for a non-ASCII value when the editor does not hold the file's declared encoding. */
type AsciiOnly = (value: string) => string;

/**
 * Opens the .vmx in the encoding its `.encoding` line declares (an all-ASCII windows-1252 file
 * otherwise opens as UTF-8, and an ISO path with accents would be saved as UTF-8 bytes that VMware
 * reads as mojibake). `asciiOnly` is set when the editor cannot hold that encoding (unknown to
 * VS Code, or a document with unsaved changes that cannot be reopened): values with non-ASCII
 * characters are then refused.
 */
async function openTarget(uri: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; asciiOnly?: AsciiOnly }> {
  if (!vscode.workspace.isTrusted) throw new Refusal('untrusted', vscode.l10n.t('vSphere Lab does not edit .vmx files in a restricted workspace; trust the workspace first.'));
  if (!uri) throw new Refusal('no-vmx', vscode.l10n.t('open a .vmx file first.'));
  let document = await vscode.workspace.openTextDocument(uri);
  const declared = VmxDocument.fromText(document.getText()).encoding;
  let asciiOnly: AsciiOnly | undefined;
  if (declared && !isUtf8Name(declared) && document.uri.scheme !== 'untitled') {
    const id = vscodeEncodingId(declared);
    if (id && document.encoding !== id) {
      try {
        document = await vscode.workspace.openTextDocument(document.uri, { encoding: id });
        log().info(`usb boot: reopened ${document.uri.toString()} as ${document.encoding} (.encoding = "${declared}")`);
      } catch (e) {
        log().info(`usb boot: could not reopen ${document.uri.toString()} as ${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (!id || document.encoding !== id) {
      const editorEncoding = document.encoding;
      asciiOnly = (value) => id
        ? vscode.l10n.t('the editor holds this file as {0}, not as {1} (its .encoding), and it has unsaved changes, so it cannot be reopened: the value {2} has characters that would be saved wrongly. Save or revert the file and try again, or use an ISO path with ASCII characters only.', editorEncoding, declared, value)
        : vscode.l10n.t('VS Code cannot write {1} (this file\'s .encoding); the editor holds it as {0}: the value {2} has characters that would be saved wrongly. Use an ISO path with ASCII characters only.', editorEncoding, declared, value);
    }
  }
  await vscode.window.showTextDocument(document, { preview: false });
  if (document.getText().includes('\uFFFD') && declared && !isUtf8Name(declared)) {
    // the editor decoded the bytes with another encoding: saving would replace characters
    throw new Refusal('editor-encoding', vscode.l10n.t('the editor did not decode this file as {0}, the encoding it declares (some characters show as �). Reopen it with that encoding (Reopen with Encoding) and try again.', declared));
  }
  return { document, asciiOnly };
}

/** Refuses values the editor would save in the wrong encoding (see `openTarget`). */
function checkAscii(asciiOnly: AsciiOnly | undefined, values: readonly (string | undefined)[]): void {
  if (!asciiOnly) return;
  const bad = values.find((v) => v !== undefined && hasNonAscii(v));
  if (bad !== undefined) throw new Refusal('editor-encoding', asciiOnly(`"${bad}"`));
}

function successMessage(name: string, plan: UsbBootPlan): string {
  const main = plan.route === 'plop'
    ? vscode.l10n.t('USB boot helper added to {0}: Plop CD-ROM on {1}, CD first in the boot order, {2} controller. Save the file, power on the VM, connect the USB key (VM > Removable Devices) and pick USB in Plop\'s menu.', name, plan.cdSlot ?? '?', controllerName(plan.controller))
    : vscode.l10n.t('USB boot helper added to {0} (UEFI firmware route): the VM enters the firmware setup at its next power-on, {1} controller. Save the file, power on, connect the USB key (VM > Removable Devices) and choose "EFI USB" in the boot manager.', name, controllerName(plan.controller));
  return [main, ...plan.notes.map(noteText)].join(' ');
}

/**
 * Saves the document after running the preflight again (the Save button of the success message
 * may be clicked long after the edit: the VM may have started meanwhile). False when refused.
 */
export async function saveAfterPreflight(document: vscode.TextDocument): Promise<boolean> {
  try {
    await preflight(document.uri);
  } catch (e) {
    const reason = e instanceof Refusal ? e.message : errorText(e);
    log().warn(`usb boot: save refused for ${document.uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} was not saved: {1}', nameOf(document.uri), reason));
    return false;
  }
  return document.save();
}

function offerSave(message: string, document: vscode.TextDocument): void {
  const save = vscode.l10n.t('Save');
  void vscode.window.showInformationMessage(message, save).then((b) => {
    if (b === save) void saveAfterPreflight(document);
  });
}

/** Opens the .vmx, refuses what the preflight refuses, and parses the editor's text as it is now. */
async function openForEdit(uri: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; version: number; doc: VmxDocument; asciiOnly?: AsciiOnly }> {
  const { document, asciiOnly } = await openTarget(uri);
  await preflight(document.uri);
  return { document, version: document.version, doc: VmxDocument.fromText(document.getText()), asciiOnly };
}

export async function usbBootCommand(a?: unknown, b?: unknown): Promise<UsbBootCommandResult> {
  const parsed = parseArgs(a, b);
  const { args } = parsed;
  let { uri } = parsed;
  const interactive = args.confirm !== false;
  try {
    if (parsed.node) uri = await vmNodeUri(parsed.node);
    const { document, version, doc, asciiOnly } = await openForEdit(uri);
    const options: UsbBootOptions = { route: args.route ?? 'auto', usb: args.usb ?? 'auto' };
    // refusals that do not depend on the ISO come before asking for it
    const route = options.route === 'auto' ? (vmFirmware(doc) === 'efi' ? 'firmware' : 'plop') : options.route;
    planUsbBoot(doc, { ...options, iso: route === 'plop' ? 'plpbt.iso' : undefined });
    if (route === 'plop') {
      const iso = await resolveIso(args, interactive);
      if (!iso) return { applied: false, cancelled: true };
      options.iso = iso;
    }
    if (document.version !== version) throw new UsbBootError('stale-plan', 'the document changed');
    const plan = planUsbBoot(doc, options);
    checkAscii(asciiOnly, plan.changes.map((c) => c.after));
    const { edit, newText, firstLine } = singleEdit(document, (d) => applyUsbBootPlan(d, plan));
    if (interactive) {
      const title = plan.route === 'plop'
        ? vscode.l10n.t('{0} ↔ with the USB boot helper (Plop route)', nameOf(document.uri))
        : vscode.l10n.t('{0} ↔ with the USB boot helper (UEFI firmware route)', nameOf(document.uri));
      const question = plan.route === 'plop'
        ? vscode.l10n.t('Add the USB boot helper to {0}? (Plop route: CD-ROM {1}, {2})', nameOf(document.uri), plan.cdSlot ?? '?', controllerName(plan.controller))
        : vscode.l10n.t('Add the USB boot helper to {0}? (UEFI firmware route, {1})', nameOf(document.uri), controllerName(plan.controller));
      const detail = [
        ...plan.changes.map((c) => `${c.key}: ${c.before === undefined ? '—' : c.before} → ${c.after}`),
        '',
        vscode.l10n.t('The change goes into the editor as one edit (Ctrl+Z undoes it); the file is saved only when you save it.'),
        ...plan.notes.map(noteText),
      ].join('\n');
      if (!(await confirmInDiff(document, newText, firstLine, title, question, detail, vscode.l10n.t('Apply')))) {
        log().info(`usb boot: preview cancelled for ${document.uri.toString()}`);
        return { applied: false, cancelled: true };
      }
    }
    await applyEdit(document, edit, version);
    const message = successMessage(nameOf(document.uri), plan);
    log().info(`usb boot: applied to ${document.uri.toString()} (${plan.route}${plan.cdSlot ? `, ${plan.cdSlot}` : ''}, ${plan.controller}; ${plan.changes.map((c) => c.key).join(', ')})`);
    offerSave(message, document);
    return { applied: true, route: plan.route, cdSlot: plan.cdSlot, controller: plan.controller, iso: plan.iso, keys: plan.changes.map((c) => c.key), message };
  } catch (e) {
    return refuse(uri, e, false, interactive);
  }
}

export async function usbBootRemoveCommand(a?: unknown, b?: unknown): Promise<UsbBootCommandResult> {
  const parsed = parseArgs(a, b);
  const { args } = parsed;
  let { uri } = parsed;
  const interactive = args.confirm !== false;
  try {
    if (parsed.node) uri = await vmNodeUri(parsed.node);
    const { document, version, doc, asciiOnly } = await openForEdit(uri);
    const plan = planUsbBootRemoval(doc);
    checkAscii(asciiOnly, plan.changes.map((c) => c.after));
    const { edit, newText, firstLine } = singleEdit(document, (d) => removeUsbBoot(d));
    if (interactive) {
      const detail = [
        ...plan.changes.map((c) => `${c.key}: ${c.before === undefined ? '—' : c.before} → ${c.after === undefined ? '—' : c.after}`),
        '',
        vscode.l10n.t('The change goes into the editor as one edit (Ctrl+Z undoes it); the file is saved only when you save it.'),
      ].join('\n');
      const ok = await confirmInDiff(
        document, newText, firstLine,
        vscode.l10n.t('{0} ↔ without the USB boot helper', nameOf(document.uri)),
        vscode.l10n.t('Remove the USB boot helper from {0}? {1} keys get their earlier values back.', nameOf(document.uri), String(plan.changes.length)),
        detail,
        vscode.l10n.t('Remove'),
      );
      if (!ok) return { applied: false, cancelled: true };
    }
    await applyEdit(document, edit, version);
    const drift = plan.drift.map((d) => vscode.l10n.t('{0} had changed since the helper was applied; it is back to its earlier value.', d.key));
    const message = [vscode.l10n.t('USB boot helper removed from {0}: {1} keys restored. Save the file to keep the change.', nameOf(document.uri), String(plan.changes.length)), ...drift].join(' ');
    log().info(`usb boot: removed from ${document.uri.toString()} (${plan.changes.map((c) => c.key).join(', ')})${plan.drift.length ? `; drift: ${plan.drift.map((d) => d.key).join(', ')}` : ''}`);
    offerSave(message, document);
    return { applied: true, route: plan.route, keys: plan.changes.map((c) => c.key), message };
  } catch (e) {
    return refuse(uri, e, true, interactive);
  }
}

const APPLIED_RE = new RegExp(`^[ \\t]*${USB_BOOT_UNDO_KEY.replace(/\./g, '\\.')}[ \\t]*=`, 'im');

/** Keeps `vsphereLab.usbBoot.applied` (for the editor title menu) in step with the active editor. */
function trackAppliedContext(context: vscode.ExtensionContext): void {
  let last: boolean | undefined;
  const update = () => {
    const d = vscode.window.activeTextEditor?.document;
    const applied = !!d && d.languageId === 'vmx' && APPLIED_RE.test(d.getText());
    if (applied !== last) {
      last = applied;
      void vscode.commands.executeCommand('setContext', APPLIED_CONTEXT, applied);
    }
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) update();
    }),
  );
  update();
}

export function registerUsbBoot(context: vscode.ExtensionContext, services?: InventoryServices): void {
  inventory = services;
  context.subscriptions.push(
    vscode.commands.registerCommand(USB_BOOT_COMMAND, usbBootCommand),
    vscode.commands.registerCommand(USB_BOOT_REMOVE_COMMAND, usbBootRemoveCommand),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, { provideTextDocumentContent: (uri) => previews.get(uri.query) ?? '' }),
  );
  trackAppliedContext(context);
}
