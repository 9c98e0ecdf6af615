/** User-facing text for the USB boot helper: refusals and notes from the core, localised. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IsoImageError } from '../../core/vmx/iso';
import { UsbBootError, type UsbBootNote, type UsbControllerKind } from '../../core/vmx/usbBoot';

export function controllerName(kind: UsbControllerKind): string {
  switch (kind) {
    case 'usb3': return vscode.l10n.t('USB 3 (xHCI)');
    case 'usb2': return vscode.l10n.t('USB 2.0 (EHCI)');
    default: return vscode.l10n.t('USB 1.1 (UHCI)');
  }
}

/** Why the helper refused, in the user's language. */
export function refusalText(e: UsbBootError): string {
  const d = e.details;
  switch (e.code) {
    case 'vm-running':
      return vscode.l10n.t('the VM is running or was not shut down cleanly (lock {0}). Power it off in Workstation and try again; after a host crash, delete the stale lock.', (d.locks ?? []).map((l) => path.basename(l)).join(', '));
    case 'read-only':
      return vscode.l10n.t('the file is read-only. Make it writable and try again.');
    case 'duplicate-keys':
      return vscode.l10n.t('the file sets the same key more than once ({0}), which VMware refuses. Remove the duplicates first with the quick fix "Remove this line" (see Problems).', (d.duplicates ?? []).map((g) => `${g.key} (${g.lines.map((l) => l + 1).join(', ')})`).join('; '));
    case 'no-free-cd-slot':
      return d.hardwareVersion !== undefined && d.hardwareVersion >= 10
        ? vscode.l10n.t('no free CD-ROM slot: every IDE and SATA slot holds a device. Remove one and try again.')
        : vscode.l10n.t('no free CD-ROM slot: the four IDE slots hold devices and SATA needs hardware version 10 (this VM: {0}). Remove a device from ide1:0 or ide1:1 and try again.', String(d.hardwareVersion ?? '?'));
    case 'already-applied':
      return vscode.l10n.t('the USB boot helper is already applied to this file. Remove it first.');
    case 'not-applied':
      return vscode.l10n.t('the USB boot helper is not applied to this file: nothing to remove.');
    case 'iso-required':
      return vscode.l10n.t('the Plop route needs the boot manager ISO (plpbt.iso).');
    case 'route-unsupported':
      return d.firmware === 'efi'
        ? vscode.l10n.t('this VM uses UEFI firmware, where the Plop Boot Manager cannot run. Use the firmware route.')
        : vscode.l10n.t('this VM uses BIOS firmware, whose setup cannot boot from USB. Use the Plop route.');
    case 'usb-unsupported':
      return d.usb === 'usb3'
        ? vscode.l10n.t('a USB 3 controller needs hardware version 8 or later (this VM: {0}).', String(d.hardwareVersion ?? '?'))
        : vscode.l10n.t('a USB 2.0 controller needs hardware version 6 or later (this VM: {0}).', String(d.hardwareVersion ?? '?'));
    case 'encoding':
      return vscode.l10n.t('a value cannot be written in this file\'s encoding. Move the ISO to a folder whose name the encoding can hold.');
    case 'undecodable-line':
      return vscode.l10n.t('line {0} has bytes that are not valid in this file\'s encoding; fix that line first.', String((d.line ?? 0) + 1));
    case 'undo-record-invalid':
      return vscode.l10n.t('the record of the USB boot helper (line {0}) is damaged; undo the change by hand.', String((d.line ?? 0) + 1));
    case 'stale-plan':
      return vscode.l10n.t('the file changed while the change was prepared; run the command again.');
    default:
      return e.message;
  }
}

export function isoText(e: IsoImageError): string {
  switch (e.problem) {
    case 'missing': return vscode.l10n.t('the ISO {0} does not exist.', e.file);
    case 'not-iso': return vscode.l10n.t('{0} is not an ISO 9660 CD image (no "CD001" signature).', e.file);
    default: return vscode.l10n.t('cannot read the ISO {0}.', e.file);
  }
}

export function errorText(e: unknown): string {
  if (e instanceof IsoImageError) return isoText(e);
  if (e instanceof UsbBootError) return refusalText(e);
  return e instanceof Error ? e.message : String(e);
}

export function noteText(n: UsbBootNote): string {
  switch (n.code) {
    case 'other-cdrom': return vscode.l10n.t('The VM has another CD-ROM at {0}; if the BIOS boots it instead of Plop, disconnect it for this boot.', n.slot ?? '?');
    case 'xhci-disabled': return vscode.l10n.t('The USB 3 controller is off while the helper is applied, so the key attaches to USB 2.0 where Plop can see it.');
    case 'usb3-with-plop': return vscode.l10n.t('Plop has no USB 3 driver: it will not see a key on the USB 3 controller.');
    case 'usb1-only': return vscode.l10n.t('USB 1.1 only on this hardware version: booting from the key will be slow.');
    case 'hardware-unknown': return vscode.l10n.t('The file has no virtualHW.version; assuming USB 2.0 is available.');
    case 'sata-cdrom': return vscode.l10n.t('Every IDE slot is taken: the CD-ROM goes on SATA ({0}).', n.slot ?? '?');
    default: return n.message;
  }
}
