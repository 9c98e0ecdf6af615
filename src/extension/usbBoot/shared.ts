/** What the USB boot modules share: command ids, the scripting contract, refusals. */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LabError } from '../../core/errors';
import type { UsbBootOptions } from '../../core/vmx/usbBoot';

export const USB_BOOT_COMMAND = 'vsphereLab.usbBoot';
export const USB_BOOT_REMOVE_COMMAND = 'vsphereLab.usbBootRemove';

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

/** A refusal of the extension side (no .vmx, untrusted workspace, editor encoding…), already localised. */
export class Refusal extends LabError {}

export function nameOf(uri: vscode.Uri): string {
  return path.posix.basename(uri.path);
}
