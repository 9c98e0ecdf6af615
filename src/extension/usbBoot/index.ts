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
 * Scripting and tests: both commands accept `(uri, args)`, `(node, args)` or `(args)` with
 * `args = { uri?, iso?, confirm?: boolean, route?, usb? }`; `confirm: false` skips the preview and
 * every dialog. They return a `UsbBootCommandResult`.
 *
 * Modules: target.ts (which file, preflight, encoding), iso.ts, preview.ts (one edit, diff, apply),
 * outcome.ts (success / refusal messages, save).
 */
import * as vscode from 'vscode';
import {
  applyUsbBootPlan, planUsbBoot, planUsbBootRemoval, removeUsbBoot, USB_BOOT_UNDO_KEY, UsbBootError, vmFirmware,
  type UsbBootOptions, type UsbBootPlan,
} from '../../core/vmx/usbBoot';
import { registerCommand } from '../commands';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { resolveIso } from './iso';
import { controllerName, noteText } from './messages';
import { offerSave, refuse, successMessage } from './outcome';
import { proposeAndApply, registerPreviewProvider, type Proposal } from './preview';
import { nameOf, USB_BOOT_COMMAND, USB_BOOT_REMOVE_COMMAND, type UsbBootCommandArgs, type UsbBootCommandResult } from './shared';
import { openForEdit, targetUri, usbBootTarget, type EditTarget } from './target';

export { saveAfterPreflight } from './outcome';
export { USB_BOOT_COMMAND, USB_BOOT_REMOVE_COMMAND, type UsbBootCommandArgs, type UsbBootCommandResult } from './shared';

const APPLIED_CONTEXT = 'vsphereLab.usbBoot.applied';

function addProposal(target: EditTarget, plan: UsbBootPlan): Proposal {
  const name = nameOf(target.document.uri);
  const plop = plan.route === 'plop';
  return {
    title: plop ? vscode.l10n.t('{0} ↔ with the USB boot helper (Plop route)', name) : vscode.l10n.t('{0} ↔ with the USB boot helper (UEFI firmware route)', name),
    question: plop
      ? vscode.l10n.t('Add the USB boot helper to {0}? (Plop route: CD-ROM {1}, {2})', name, plan.cdSlot ?? '?', controllerName(plan.controller))
      : vscode.l10n.t('Add the USB boot helper to {0}? (UEFI firmware route, {1})', name, controllerName(plan.controller)),
    changes: plan.changes, notes: plan.notes.map(noteText), applyLabel: vscode.l10n.t('Apply'),
  };
}

/** Plans the helper for the target (asking for the ISO on the Plop route); undefined when the user cancels. */
async function planFor(target: EditTarget, args: UsbBootCommandArgs, interactive: boolean): Promise<UsbBootPlan | undefined> {
  const options: UsbBootOptions = { route: args.route ?? 'auto', usb: args.usb ?? 'auto' };
  // refusals that do not depend on the ISO come before asking for it
  const route = options.route === 'auto' ? (vmFirmware(target.doc) === 'efi' ? 'firmware' : 'plop') : options.route;
  planUsbBoot(target.doc, { ...options, iso: route === 'plop' ? 'plpbt.iso' : undefined });
  if (route === 'plop') {
    options.iso = await resolveIso(args, interactive);
    if (!options.iso) return undefined;
  }
  if (target.document.version !== target.version) throw new UsbBootError('stale-plan', 'the document changed');
  return planUsbBoot(target.doc, options);
}

/**
 * The frame both commands share: resolve the target, open it for editing, run `edit`, and turn any
 * refusal into a shown message and a result.
 */
async function runEdit(
  inventory: InventoryServices | undefined, raw: readonly unknown[], removing: boolean,
  edit: (target: EditTarget, args: UsbBootCommandArgs, interactive: boolean) => Promise<UsbBootCommandResult>,
): Promise<UsbBootCommandResult> {
  const command = usbBootTarget(raw);
  const interactive = command.args.confirm !== false;
  let uri = command.uri;
  try {
    uri = await targetUri(command, inventory);
    return await edit(await openForEdit(uri, inventory), command.args, interactive);
  } catch (e) {
    return refuse(uri, e, removing, interactive);
  }
}

export function usbBootCommand(inventory: InventoryServices | undefined, ...raw: unknown[]): Promise<UsbBootCommandResult> {
  return runEdit(inventory, raw, false, async (target, args, interactive) => {
    const plan = await planFor(target, args, interactive);
    if (!plan) return { applied: false, cancelled: true };
    const uri = target.document.uri.toString();
    if (!(await proposeAndApply(target, plan.changes, (d) => applyUsbBootPlan(d, plan), interactive, () => addProposal(target, plan)))) {
      log().info(`usb boot: preview cancelled for ${uri}`);
      return { applied: false, cancelled: true };
    }
    const message = successMessage(nameOf(target.document.uri), plan);
    log().info(`usb boot: applied to ${uri} (${plan.route}${plan.cdSlot ? `, ${plan.cdSlot}` : ''}, ${plan.controller}; ${plan.changes.map((c) => c.key).join(', ')})`);
    offerSave(message, target.document, inventory);
    return { applied: true, route: plan.route, cdSlot: plan.cdSlot, controller: plan.controller, iso: plan.iso, keys: plan.changes.map((c) => c.key), message };
  });
}

export function usbBootRemoveCommand(inventory: InventoryServices | undefined, ...raw: unknown[]): Promise<UsbBootCommandResult> {
  return runEdit(inventory, raw, true, async (target, _args, interactive) => {
    const plan = planUsbBootRemoval(target.doc);
    const name = nameOf(target.document.uri);
    const proposal = (): Proposal => ({
      title: vscode.l10n.t('{0} ↔ without the USB boot helper', name),
      question: vscode.l10n.t('Remove the USB boot helper from {0}? {1} keys get their earlier values back.', name, String(plan.changes.length)),
      changes: plan.changes, applyLabel: vscode.l10n.t('Remove'),
    });
    if (!(await proposeAndApply(target, plan.changes, (d) => removeUsbBoot(d), interactive, proposal))) return { applied: false, cancelled: true };
    const drift = plan.drift.map((d) => vscode.l10n.t('{0} had changed since the helper was applied; it is back to its earlier value.', d.key));
    const message = [vscode.l10n.t('USB boot helper removed from {0}: {1} keys restored. Save the file to keep the change.', name, String(plan.changes.length)), ...drift].join(' ');
    log().info(`usb boot: removed from ${target.document.uri.toString()} (${plan.changes.map((c) => c.key).join(', ')})${plan.drift.length ? `; drift: ${plan.drift.map((d) => d.key).join(', ')}` : ''}`);
    offerSave(message, target.document, inventory);
    return { applied: true, route: plan.route, keys: plan.changes.map((c) => c.key), message };
  });
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

/** `inventory` resolves VM nodes and checks datastore VMs' power state live. */
export function registerUsbBoot(context: vscode.ExtensionContext, inventory?: InventoryServices): void {
  registerCommand(context, USB_BOOT_COMMAND, (...raw: unknown[]) => usbBootCommand(inventory, ...raw));
  registerCommand(context, USB_BOOT_REMOVE_COMMAND, (...raw: unknown[]) => usbBootRemoveCommand(inventory, ...raw));
  registerPreviewProvider(context);
  trackAppliedContext(context);
}
