/** Step 4: the ESX(i) and vCenter files (rui.crt, rui.key, rui.pfx, CA chain) written to a folder. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { certsCore as core } from '../../../core/certs/lazy';
import { CancelledError } from '../../../core/errors';
import { log } from '../../log';
import { hostId, writeAtomic } from '../store';
import type { StepHandlers, WizardContext } from './context';

async function pickFolder(label: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Write Here'), title: vscode.l10n.t('Folder for the certificate files of {0}', label) });
  return picked?.[0]?.fsPath;
}

/** Existing files are replaced only on the user's yes (`overwrite: false` refuses); the webview cannot skip the question. */
async function confirmOverwrite(dir: string, absPaths: readonly string[], overwrite: boolean | undefined): Promise<void> {
  const existing = (await Promise.all(absPaths.map(async (p) => ((await fsp.stat(p).catch(() => undefined)) ? p : undefined)))).filter((x): x is string => !!x);
  if (!existing.length) return;
  const yes = vscode.l10n.t('Overwrite');
  const answer = overwrite === false ? undefined : await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} file(s) already exist in {1} and would be replaced.', String(existing.length), dir), { modal: true, detail: existing.join('\n') }, yes);
  if (answer !== yes) throw new CancelledError('Writing the files');
}

export function filesHandlers(ctx: WizardContext): StepHandlers<'writeFiles'> {
  return {
    async writeFiles({ pfxPassword, overwrite }) {
      const s = ctx.panel.state;
      const saved = ctx.store.read(s);
      const key = await ctx.store.readKey(s, saved.request);
      if (!saved.imported) throw new Error(ctx.strings.needImport);
      if (!key) throw new Error(ctx.strings.keyMissing);
      const dir = await pickFolder(hostId(s.host, s.port));
      if (!dir) return undefined;
      if (pfxPassword !== undefined && pfxPassword !== '') ctx.pfxPassword = pfxPassword;
      const f = core.files();
      const set = { cert: saved.imported.certPem, key, chain: saved.imported.chainPems };
      const groups = [
        { sub: 'esx', files: f.buildEsxFiles(set) },
        { sub: 'vcenter', files: f.buildVcenterFiles({ ...set, password: ctx.pfxPassword }) },
      ];
      const targets = groups.flatMap((g) => g.files.map((file) => ({ ...file, abs: path.join(dir, g.sub, file.name) })));
      await confirmOverwrite(dir, targets.map((t) => t.abs), overwrite === false ? false : undefined);
      for (const g of groups) await fsp.mkdir(path.join(dir, g.sub), { recursive: true });
      for (const t of targets) await writeAtomic(t.abs, t.contents, t.mode);
      log().info(`certificate wizard: wrote ${targets.length} files for ${hostId(s.host, s.port)} to ${dir}`);
      return { folder: dir, files: targets.map((t) => ({ path: t.abs, description: t.description })) };
    },
  };
}
