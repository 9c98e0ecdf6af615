/**
 * Journey 5 in the packaged extension: open a .vmx, run "Boot from USB Key…" from the palette, look
 * at the preview (diff + confirmation; screenshot test-results/usbboot-preview.png), apply, read the message.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../rig/codeServer';
import { openPackagedWorkbench, Workbench } from './helpers';

/** 16 empty sectors, then "CD001" at 0x8001 (ECMA-119 volume descriptor). */
function writeTinyIso(file: string): void {
  const b = Buffer.alloc(36 * 1024);
  b[0x8000] = 1;
  b.write('CD001', 0x8001, 'ascii');
  b[0x8006] = 1;
  writeFileSync(file, b);
}

describe('e2e: Boot from USB Key… on a Workstation .vmx', () => {
  let wb: Workbench;
  let dir: string;
  let vmx: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vlab-e2e-usbboot-'));
    vmx = join(dir, 'Windows XP Professional.vmx');
    copyFileSync(join(REPO, 'test', 'fixtures', 'usbboot', 'ws71-hw7-bios.vmx'), vmx);
    writeTinyIso(join(dir, 'plpbt.iso'));
    wb = await openPackagedWorkbench(dir, {
      'vsphereLab.usbBoot.isoPath': join(dir, 'plpbt.iso'),
      // VS Code for the web saves after a delay by default; off, the test sees that we never save
      'files.autoSave': 'off',
    });
  });
  after(async () => {
    await wb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the change as a diff with a confirmation, applies it to the editor (unsaved), says what to do next', async () => {
    const { page } = wb;
    const before = readFileSync(vmx);
    // open the .vmx with Quick Open
    await page.locator('.monaco-workbench').click();
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.type('Windows XP Professional.vmx');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'Windows XP Professional.vmx' }).waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'virtualHW.version' }).first().waitFor({ timeout: 30_000 });

    // the command from the palette
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type('Boot from USB Key');
    const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: 'vSphere Lab: Boot from USB Key…' });
    await entry.first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');

    // the preview: the document beside the proposed text, and a modal to confirm
    const diff = page.locator('.monaco-diff-editor');
    await diff.waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-diff-editor .editor.modified .view-lines', { hasText: 'ide1:0.deviceType' }).first().waitFor({ timeout: 15_000 });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    const dialogText = await dialog.innerText();
    assert.match(dialogText, /Add the USB boot helper to Windows XP Professional\.vmx\? \(Plop route: CD-ROM ide1:0, USB 2\.0 \(EHCI\)\)/);
    assert.match(dialogText, /bios\.bootOrder: — → cdrom,hdd/);
    const tab = page.locator('.tab.active', { hasText: 'with the USB boot helper' });
    assert.equal(await tab.count(), 1, 'the diff tab says what it compares');
    await page.waitForTimeout(500);
    const shot = await wb.screenshot('usbboot-preview');
    assert.ok(existsSync(shot) && statSync(shot).size > 10_000);
    assert.ok(readFileSync(vmx).equals(before), 'nothing applied before confirmation');

    await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    const toast = page.locator('.notification-toast', { hasText: 'USB boot helper added to Windows XP Professional.vmx' });
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await toast.innerText(), /pick USB in Plop's menu/);
    await page.locator('.tab.active', { hasText: 'Windows XP Professional.vmx' }).waitFor({ timeout: 15_000 });
    await page.locator('.tab.active.dirty, .tab.active .dirty').first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    await page.waitForTimeout(500);
    await wb.screenshot('usbboot-applied');
    assert.ok(readFileSync(vmx).equals(before), 'not saved behind the user\'s back');

    // the Save button of the message writes the file
    await toast.locator('.monaco-button', { hasText: 'Save' }).click();
    const until = Date.now() + 15_000;
    while (!readFileSync(vmx, 'utf8').includes('vsphereLab.usbBoot.undo') && Date.now() < until) await page.waitForTimeout(200);
    assert.match(readFileSync(vmx, 'utf8'), /^ide1:0\.fileName = ".*plpbt\.iso"$/m);
  });
});
