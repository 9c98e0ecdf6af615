/** How a USB boot command ends: the success message with Save, or the refusal with its fix-its. */
import * as vscode from 'vscode';
import { IsoImageError } from '../../core/vmx/iso';
import { UsbBootError, type UsbBootPlan } from '../../core/vmx/usbBoot';
import type { InventoryServices } from '../inventory/services';
import { log } from '../log';
import { controllerName, errorText, noteText } from './messages';
import { nameOf, Refusal, USB_BOOT_REMOVE_COMMAND, type UsbBootCommandResult } from './shared';
import { preflight } from './target';

function refusalCode(e: unknown): string {
  if (e instanceof UsbBootError || e instanceof Refusal) return e.code;
  if (e instanceof IsoImageError) return e.problem === 'missing' ? 'iso-missing' : e.problem === 'not-iso' ? 'not-iso' : 'iso-unreadable';
  return 'failed';
}

/** Logs and shows why the command refused (with Show Problems / Remove where they help); the result says the same. */
export function refuse(uri: vscode.Uri | undefined, e: unknown, removing: boolean, interactive: boolean): UsbBootCommandResult {
  const code = refusalCode(e);
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

export function successMessage(name: string, plan: UsbBootPlan): string {
  const main = plan.route === 'plop'
    ? vscode.l10n.t('USB boot helper added to {0}: Plop CD-ROM on {1}, CD first in the boot order, {2} controller. Save the file, power on the VM, connect the USB key (VM > Removable Devices) and pick USB in Plop\'s menu.', name, plan.cdSlot ?? '?', controllerName(plan.controller))
    : vscode.l10n.t('USB boot helper added to {0} (UEFI firmware route): the VM enters the firmware setup at its next power-on, {1} controller. Save the file, power on, connect the USB key (VM > Removable Devices) and choose "EFI USB" in the boot manager.', name, controllerName(plan.controller));
  return [main, ...plan.notes.map(noteText)].join(' ');
}

/**
 * Saves the document after running the preflight again (the Save button of the success message
 * may be clicked long after the edit: the VM may have started meanwhile). False when refused.
 * `inventory` checks a datastore VM's power state live.
 */
export async function saveAfterPreflight(document: vscode.TextDocument, inventory?: InventoryServices): Promise<boolean> {
  try {
    await preflight(document.uri, inventory);
  } catch (e) {
    const reason = e instanceof Refusal ? e.message : errorText(e);
    log().warn(`usb boot: save refused for ${document.uri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} was not saved: {1}', nameOf(document.uri), reason));
    return false;
  }
  return document.save();
}

/** Shows the success message with a Save button (saving runs the preflight again). */
export function offerSave(message: string, document: vscode.TextDocument, inventory: InventoryServices | undefined): void {
  const save = vscode.l10n.t('Save');
  void vscode.window.showInformationMessage(message, save).then((b) => {
    if (b === save) void saveAfterPreflight(document, inventory);
  });
}
