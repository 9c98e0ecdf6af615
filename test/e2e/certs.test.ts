/**
 * The certificate wizard in the packaged extension (code-server + Chromium), against the lab's
 * vcsim -esx and ESXi SSH simulator; a screenshot of each step in test-results/cert-*.png.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { REPO } from '../rig/codeServer';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../lab';
import { makeTestCa, type TestCa } from '../peer/esxi/ca';
import { openPackagedWorkbench, type Workbench } from './helpers';

function wizardFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

describe('e2e: certificate wizard', function () {
  this.timeout(300_000);
  const lab = withLab({ vcsim: { esx: true, vm: 2, commonName: 'esx01.lab.local' }, esxi: { password: 'Ssh-pass.1' } });
  let wb: Workbench;
  let ca: TestCa;
  let out: string;
  let view: FrameLocator;
  let oldSha: string;
  let newSha: string;

  before(async () => {
    ca = makeTestCa('Lab Issuing CA');
    oldSha = lab.vcsim.thumbprintSha256;
    out = mkdtempSync(join(tmpdir(), 'vlab-e2e-certfiles-'));
    wb = await openPackagedWorkbench(join(REPO, 'test', 'fixtures', 'workspace'));
  });
  lab.beforeStop(async () => {
    await wb?.close();
    ca?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const shot = async (name: string): Promise<void> => {
    await wb.page.waitForTimeout(600);
    await wb.screenshot(name);
  };
  const nav = async (n: number): Promise<void> => {
    await view.locator(`#nav-${n}`).click();
    await view.locator(`#step-${n}`).waitFor();
  };

  it('opens from the palette for HOST:PORT and inspects the weak self-signed certificate', async () => {
    const { page } = wb;
    // The extension is installed once its activity-bar entry shows.
    await page.locator('.activitybar .action-item a[aria-label^="vSphere Lab"]').waitFor({ timeout: 60_000 });
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('>vSphere Lab: Replace Certificate');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Replace Certificate…' }).first().click();
    const host = page.locator('.quick-input-widget input').first();
    await host.waitFor({ state: 'visible' });
    await host.fill(`${lab.vcsim.host}:${lab.vcsim.port}`);
    await host.press('Enter');
    view = wizardFrame(page);
    await view.locator('#findings li').first().waitFor({ timeout: 60_000 });
    const codes = await view.locator('#findings li').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    assert.ok(codes.includes('self-signed') && codes.includes('key-too-small'), codes.join());
    assert.equal((await view.locator('#live-sha256').innerText()).trim(), oldSha);
    await shot('cert-1-inspect');
  });

  it('request: generates a 2048-bit key and a CSR, shows the certreq command', async () => {
    await nav(2);
    await view.locator('#generate').click();
    await view.locator('#csr').waitFor({ timeout: 60_000 });
    assert.match(await view.locator('#csr').innerText(), /BEGIN CERTIFICATE REQUEST/);
    assert.match(await view.locator('#certreq').innerText(), /certreq -submit -attrib "CertificateTemplate:WebServer"/);
    await shot('cert-2-request');
  });

  it('import & verify: the CA-signed certificate and chain pass every check', async () => {
    const csr = await view.locator('#csr').innerText();
    const cert = ca.sign(csr);
    await nav(3);
    await view.locator('#cert-paste textarea').fill(cert);
    await view.locator('#chain-paste textarea').fill(ca.certPem);
    await view.locator('#verify').click();
    await view.locator('#checks li').first().waitFor({ timeout: 60_000 });
    const statuses = await view.locator('#checks li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-status')}`));
    assert.ok(statuses.every((s) => s.endsWith(':pass')), statuses.join());
    newSha = thumbprintsOfPem(cert).sha256;
    assert.equal((await view.locator('#new-sha256').innerText()).trim(), newSha);
    assert.match(await view.locator('#step-3').innerText(), /Valid\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC → \d{4}-/);
    await shot('cert-3-verify');
  });

  it('files: writes the ESX(i) and vCenter files to a folder picked in the dialog', async () => {
    const { page } = wb;
    await nav(4);
    await view.locator('#write-files').click();
    const path = page.locator('.quick-input-widget input').first();
    await path.waitFor({ state: 'visible' });
    // The simple file dialog fills in its default folder once it has read it: type ours after that.
    const want = out + '/';
    for (let i = 0; i < 20 && (await path.inputValue()) !== want; i++) {
      await page.waitForTimeout(250);
      await path.fill(want);
    }
    await page.waitForTimeout(300);
    assert.equal(await path.inputValue(), want);
    await path.press('Enter');
    await view.locator('#files li').first().waitFor({ timeout: 30_000 });
    const listed = await view.locator('#files').innerText();
    assert.ok(listed.includes(join(out, 'vcenter', 'rui.pfx')), listed);
    assert.deepEqual(readdirSync(join(out, 'vcenter')).sort(), ['cacert.pem', 'rui.crt', 'rui.key', 'rui.pfx']);
    assert.ok(!existsSync(join(REPO, 'test', 'fixtures', 'workspace', 'vcenter')), 'nothing written into the workspace');
    await shot('cert-4-files');
  });

  it('deploy: pins the SSH host key, a failing restart rolls back', async () => {
    const { page } = wb;
    await nav(5);
    await view.locator('#ssh-port input').fill(String(lab.esxi.port));
    await view.locator('#ssh-password input').fill('Ssh-pass.1');
    await view.locator('#check-host-key').click();
    await view.locator('#pin-host-key').waitFor();
    assert.match(await view.locator('#hostkey').innerText(), new RegExp(lab.esxi.hostKeySha256.replace(/[+/]/g, '\\$&')));
    await shot('cert-5-hostkey');
    await view.locator('#pin-host-key').click();
    // The extension asks in its own dialog, showing the fingerprint it read itself.
    const pinDialog = page.locator('.monaco-dialog-box');
    await pinDialog.waitFor();
    assert.match(await pinDialog.innerText(), new RegExp(lab.esxi.hostKeySha256.replace(/[+/]/g, '\\$&')));
    await pinDialog.locator('.monaco-button', { hasText: 'Pin This Key' }).click();
    await pinDialog.waitFor({ state: 'detached' });
    // hostd loads the new pair, then fails to start: the new certificate was live, the rollback
    // must put the old one back in service.
    const from = lab.esxi.servedCerts.length;
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    await view.locator('#deploy').click();
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Deploy and Restart' }).click();
    await view.locator('[data-step="rollback:verify-old"][data-status="ok"]').waitFor({ timeout: 60_000 });
    lab.esxi.restartFailure = undefined;
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [oldSha, newSha, oldSha], 'old → new → old');
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, oldSha);
    await shot('cert-5-rollback');
  });

  it('deploy: the host serves the new certificate', async () => {
    const { page } = wb;
    await view.locator('#ssh-password input').fill('Ssh-pass.1');
    await view.locator('#deploy').click();
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Deploy and Restart' }).click();
    await view.locator('.banner.b-ok').waitFor({ timeout: 60_000 });
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, newSha);
    await shot('cert-5-deploy');
    // Inspect follows the deploy: it now shows the CA-signed certificate the host serves.
    // Signed by the CA imported in step 3: "signed by your CA" (info), so the step is done.
    await view.locator('#nav-1[data-status="done"]').waitFor({ timeout: 30_000 });
    await nav(1);
    assert.equal((await view.locator('#live-sha256').innerText()).trim(), newSha);
    const codes = await view.locator('#findings li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-code')}`));
    assert.deepEqual(codes, ['private-ca']);
    await shot('cert-6-inspect-after');
  });

  it('vCenter: the ordered checklist', async () => {
    await nav(5);
    await view.locator('#kind-vcenter').click();
    await view.locator('#checklist li').first().waitFor();
    assert.ok((await view.locator('#checklist > li').count()) >= 6);
    await shot('cert-5-vcenter');
  });
});
