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
    // With one view in the container VS Code hides the pane header and titles the side bar with it.
    const title = page.locator('.part.sidebar .composite.title');
    await title.waitFor({ timeout: 30_000 });
    assert.match(await title.innerText(), /vSphere Lab.*Inventory/is);
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
