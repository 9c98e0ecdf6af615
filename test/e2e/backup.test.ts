/**
 * e2e: the packaged .vsix in code-server. The user selects a .vmx and the Data Recovery logs in
 * the explorer, runs "Diagnose Backups…" from the context menu, and the panel shows the findings
 * (the 2008 R2 finding tied to the -3960 log line), the job timeline and errors by code; the fix
 * button edits the open .vmx and the finding moves to "Resolved".
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { REPO } from '../rig/codeServer';
import { chooseFromContextMenu, openPackagedWorkbench, Workbench } from './helpers';

const FIX = join(REPO, 'test', 'fixtures', 'vdr');

describe('e2e: backup diagnostics panel (packaged .vsix)', () => {
  let wb: Workbench;
  let ws: string;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'vlab-e2e-backup-'));
    copyFileSync(join(FIX, 'vmx', 'w2k8r2-41.vmx'), join(ws, 'EXCH01.vmx'));
    for (const f of ['datarecovery-0.log', 'datarecovery-1.log', 'vcbAPI-0.log']) copyFileSync(join(FIX, f), join(ws, f));
    // The same VM without disk.EnableUUID: whether the rule applies depends on where it was created.
    writeFileSync(join(ws, 'APP01.vmx'), readFileSync(join(FIX, 'vmx', 'w2k8r2-41.vmx'), 'utf8').split('\n').filter((l) => !/^disk\.EnableUUID/i.test(l)).join('\n'));
    wb = await openPackagedWorkbench(ws, { 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false });
  });
  after(async () => {
    await wb?.close();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('selected .vmx + logs → Diagnose Backups… → findings, evidence, timeline; screenshot', async () => {
    const { page } = wb;
    const row = (name: string) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });
    await row('EXCH01.vmx').waitFor({ timeout: 60_000 });
    // Select the .vmx and the logs in the explorer (Ctrl+click), then the context menu on the .vmx.
    await chooseFromContextMenu(page, () => row('EXCH01.vmx'), 'Diagnose Backups…', async () => {
      await row('datarecovery-0.log').click();
      for (const n of ['datarecovery-1.log', 'EXCH01.vmx', 'vcbAPI-0.log']) await row(n).click({ modifiers: ['Control'] });
      await page.waitForTimeout(500);
      const selected = await page.locator('.explorer-folders-view .monaco-list-row.selected').count();
      if (selected !== 4) throw new Error(`${selected} files selected, not 4`);
    });

    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const card = view.locator('details.finding[data-id="vdr.win2008-app-quiesce"]');
    await card.waitFor({ timeout: 30_000 }).catch(async (e) => { await wb.screenshot('backup-debug'); throw e; });
    assert.match(await view.locator('h1').innerText(), /EXCH01\.vmx/);
    // Errors first; the 2008 R2 finding is open with its evidence.
    await card.locator('summary').click();
    const evidence = card.locator('.ev-link');
    await evidence.first().waitFor({ timeout: 10_000 });
    const labels = await evidence.allInnerTexts();
    assert.ok(labels.includes('EXCH01.vmx:23'), labels.join(', '));
    assert.ok(labels.includes('datarecovery-0.log:4'), labels.join(', '));
    // Timeline and error table.
    assert.ok(await view.locator('table.jobs tbody tr').count() >= 5);
    assert.equal(await view.locator('table.errors tr[data-code="-3960"] vscode-badge').innerText(), '1');
    // Collapse the side bar so the panel has the width a user would give it.
    await page.keyboard.press('Control+B');
    await page.waitForTimeout(800);
    // The codicon font loads on first use: wait for it so the screenshot shows the icons.
    let fontReady = false;
    for (let i = 0; i < 50 && !fontReady; i++) {
      for (const frame of page.frames()) {
        // Runs in the page (this file is type-checked without DOM types, hence the expression).
        const ok = await frame.evaluate(`(async () => {
          if (!document.querySelector('details.finding')) return false;
          await document.fonts.load('16px codicon');
          return document.fonts.check('16px codicon');
        })()`).catch(() => false);
        if (ok) fontReady = true;
      }
      if (!fontReady) await page.waitForTimeout(200);
    }
    assert.ok(fontReady, 'the codicon font loaded in the panel');
    await page.waitForTimeout(300);
    const shot = await wb.screenshot('backup-panel');
    assert.ok(existsSync(shot) && statSync(shot).size > 20_000);
    await view.locator('section.logs h2').first().scrollIntoViewIfNeeded();
    await wb.screenshot('backup-panel-timeline');

    // The fix edits the .vmx (undoable edit, opened beside) and the finding is resolved.
    await card.locator('vscode-button[data-fix$="#0"]').click();
    await view.locator('.resolved li[data-key^="vdr.win2008-app-quiesce"]').waitFor({ timeout: 15_000 });
    assert.equal(await view.locator('details.finding[data-id="vdr.win2008-app-quiesce"]').count(), 0);
    await page.locator('.monaco-editor .view-line', { hasText: 'disk.EnableUUID = "FALSE"' }).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000); // diagnostics refresh after their debounce
    await wb.screenshot('backup-panel-fixed');
  });

  it('a .vmx without disk.EnableUUID: "Created on vSphere…" 4.1 brings the finding; screenshot', async () => {
    const { page } = wb;
    await page.keyboard.press('Control+B'); // the side bar back (the first test hid it)
    const row = (name: string) => page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });
    await row('APP01.vmx').waitFor({ timeout: 30_000 });
    await chooseFromContextMenu(page, () => row('APP01.vmx'), 'Diagnose Backups…', async () => { await row('APP01.vmx').click(); });
    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const select = view.locator('#created-on vscode-single-select');
    await select.waitFor({ timeout: 30_000 }).catch(async (e) => { await wb.screenshot('backup-created-on-debug'); throw e; });
    assert.match(await view.locator('h1').innerText(), /APP01\.vmx/);
    assert.equal(await view.locator('details.finding[data-id="vdr.win2008-app-quiesce"]').count(), 0, 'not known → no finding');
    await page.keyboard.press('Control+B');
    await page.waitForTimeout(500);
    await wb.screenshot('backup-created-on-unknown');
    // Choose "vSphere 4.1" in the drop-down, as a user would.
    await select.click();
    await view.locator('#created-on vscode-single-select li[role="option"]', { hasText: 'vSphere 4.1' }).first().click();
    const card = view.locator('details.finding[data-id="vdr.win2008-app-quiesce"]');
    await card.waitFor({ timeout: 15_000 }).catch(async (e) => { await wb.screenshot('backup-created-on-debug'); throw e; });
    await card.locator('summary').click();
    assert.match(await card.innerText(), /Created on vSphere \(your choice above\)\s*= 4\.1/);
    await page.waitForTimeout(500);
    await wb.screenshot('backup-created-on-41');
  });
});
