import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../rig/codeServer';
import { openPackagedWorkbench, Workbench } from './helpers';

describe('e2e: the packaged extension in code-server', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openPackagedWorkbench(join(REPO, 'test', 'fixtures', 'workspace'));
  });
  after(async () => wb?.close());

  it('the vSphere Lab activity-bar item opens the Inventory view with its welcome content', async () => {
    const { page } = wb;
    const item = page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]');
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    // Two views in the container (Inventory, Tasks collapsed below it): the side bar is titled with
    // the container, each view with its pane header.
    const title = page.locator('.part.sidebar .composite.title');
    await title.waitFor({ timeout: 30_000 });
    assert.match(await title.innerText(), /vSphere Lab/i);
    await page.locator('.part.sidebar .pane-header', { hasText: /Inventory/i }).first().waitFor({ timeout: 30_000 });
    await page.locator('.part.sidebar .pane-header', { hasText: /Tasks/i }).first().waitFor({ timeout: 30_000 });
    const welcome = page.locator('.welcome-view-content');
    await welcome.waitFor({ timeout: 30_000 });
    const text = await welcome.innerText();
    assert.match(text, /No vCenter or ESXi connection yet/);
    const button = welcome.locator('.monaco-button', { hasText: 'Add Connection' });
    assert.equal(await button.count(), 1, 'the welcome button is shown');
    const shot = await wb.screenshot('e2e-inventory-welcome');
    assert.ok(existsSync(shot) && statSync(shot).size > 10_000, 'screenshot saved');
    // The button really runs its command: the first step of Add Connection asks for the address.
    await button.click();
    const input = page.locator('.quick-input-widget');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await input.innerText(), /Add Connection \(1\/3\)/);
    await page.keyboard.press('Escape');
  });
});

describe('e2e: the Getting Started walkthrough', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openPackagedWorkbench(join(REPO, 'test', 'fixtures', 'workspace'));
  });
  after(async () => wb?.close());

  it('opens from "Welcome: Open Walkthrough…" with its six steps and their media', async () => {
    const { page } = wb;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('>Welcome: Open Walkthrough');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().click();
    await input.fill('Get Started with vSphere Lab');
    // Chosen with the keyboard: the pointer still rests where the first list was, and the row's own
    // hover (its description) can cover it.
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Get Started with vSphere Lab' }).first().waitFor();
    await input.press('Enter');
    const steps = page.locator('.getting-started-step');
    await steps.first().waitFor({ timeout: 30_000 });
    const titles = (await steps.allInnerTexts()).join('\n');
    for (const t of ['Connect to vCenter or ESXi', 'Edit .vmx files safely', 'Replace self-signed certificates',
      'Find out why a backup failed', 'See memory pressure', 'Script it with vlab']) {
      assert.ok(titles.includes(t), `step "${t}" is shown`);
    }
    // The selected step's markdown media (a webview) is shown beside the steps.
    await page.locator('.getting-started-media iframe').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await wb.screenshot('e2e-walkthrough');
  });
});
