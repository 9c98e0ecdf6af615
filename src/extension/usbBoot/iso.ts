/** The boot manager ISO of the Plop route: from the arguments, else the setting, else asked once. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkIsoImage } from '../../core/vmx/iso';
import { UsbBootError } from '../../core/vmx/usbBoot';
import { log } from '../log';
import { errorText } from './messages';
import type { UsbBootCommandArgs } from './shared';

const ISO_SETTING = 'usbBoot.isoPath';

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

/** The ISO: from the arguments, else the setting (validated), else asked once and remembered. Undefined when the user cancels. */
export async function resolveIso(args: UsbBootCommandArgs, interactive: boolean): Promise<string | undefined> {
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
