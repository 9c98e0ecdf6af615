/** Localised names for devices and value types. */
import * as vscode from 'vscode';
import type { VmxValueType } from '../../core/vmx/catalog-types';
import type { VmxDeviceRef } from '../../core/vmx/devices';

/** "SCSI controller 0", "Ethernet adapter 0"… (controller level). */
export function controllerLabel(ref: VmxDeviceRef): string {
  const n = String(ref.index);
  switch (ref.family) {
    case 'ide': return vscode.l10n.t('IDE controller {0}', n);
    case 'scsi': return vscode.l10n.t('SCSI controller {0}', n);
    case 'sata': return vscode.l10n.t('SATA controller {0}', n);
    case 'nvme': return vscode.l10n.t('NVMe controller {0}', n);
    case 'ethernet': return vscode.l10n.t('Ethernet adapter {0}', n);
    case 'serial': return vscode.l10n.t('Serial port {0}', n);
    case 'parallel': return vscode.l10n.t('Parallel port {0}', n);
    case 'floppy': return vscode.l10n.t('Floppy drive {0}', n);
    case 'sharedFolder': return vscode.l10n.t('Shared folder {0}', n);
    case 'pciBridge': return vscode.l10n.t('PCI bridge {0}', n);
    case 'pciPassthru': return vscode.l10n.t('PCI passthrough device {0}', n);
    case 'vmci': return vscode.l10n.t('VMCI device {0}', n);
    case 'usb': return vscode.l10n.t('USB 1.1 port {0}', n);
    case 'usbXhci': return vscode.l10n.t('USB 3 port {0}', n);
    case 'ehci': return vscode.l10n.t('USB 2.0 port {0}', n);
  }
}

/** "SCSI controller 0, unit 1" for unit keys, else the controller label. */
export function deviceLabel(ref: VmxDeviceRef): string {
  if (ref.unit === undefined) return controllerLabel(ref);
  return vscode.l10n.t('{0}, unit {1}', controllerLabel(ref), String(ref.unit));
}

export function typeLabel(type: VmxValueType): string {
  switch (type) {
    case 'bool': return vscode.l10n.t('boolean (TRUE/FALSE)');
    case 'int': return vscode.l10n.t('whole number');
    case 'enum': return vscode.l10n.t('one of a list');
    case 'string': return vscode.l10n.t('text');
    case 'path': return vscode.l10n.t('file path');
    case 'size': return vscode.l10n.t('size in bytes');
    case 'float': return vscode.l10n.t('decimal number');
    case 'uuid': return vscode.l10n.t('UUID');
    case 'mac': return vscode.l10n.t('MAC address');
    case 'list': return vscode.l10n.t('comma-separated list');
  }
}
