/**
 * The certificate wizard's route by generation inside the real VS Code: on an ESXi 8.0 lab host
 * (vcsim -esx -generation 8.0) it picks the API route (HostCertificateManager), the CSR is made on
 * the host, the CA-signed certificate is deployed through the API and proven live, and a failure
 * injected once the new certificate is served is rolled back through the API (old → new → old) —
 * the connection's pinned client reconnects pinned to the new certificate to do it.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab/index';
import { makeTestCa, type TestCa } from '../../peer/esxi/ca';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { CertWizardProtocol, CertWizardState } from '../../../src/webview/certs/protocol';
import { withDialogs } from '../dialogs';

type Wizard = PanelHost<CertWizardProtocol, CertWizardState>;

describe('certificate wizard: the route by generation (8.0 host, API) (real VS Code)', function () {
  this.timeout(180_000);
  const lab = withLab({ generation: '8.0', vcsim: { esx: true, vm: 0, username: 'root', password: 'Esx-pass.8' } });
  let a: VsphereLabApi;
  let ca: TestCa;
  let conn: string;
  let wizard: Wizard;
  /** Deploys through the route, answering the extension's own "Replace … through its API?" with Deploy. */
  async function deployConfirmed() {
    return withDialogs({ warning: (_m, items) => items.find((i) => i === 'Deploy') }, async (asked) => {
      const r = await wizard.call('deployRoute', {});
      assert.ok(asked.some((q) => q.kind === 'warning' && /through its API/.test(q.message ?? '')), 'the extension asked before deploying');
      return r;
    });
  }

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>('vsphere-lab.vsphere-lab')!.activate();
    ca = makeTestCa();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: 'root', password: 'Esx-pass.8' });
    assert.equal(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }), true);
  });
  lab.beforeStop(async () => {
    wizard?.dispose();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    ca?.dispose();
  });

  async function signedHostCsr(): Promise<{ sha: string }> {
    const req = await wizard.call('hostCsr', {});
    assert.equal(req.keyLocation.kind, 'host');
    assert.equal(req.keyAvailable, true);
    const cert = ca.sign(req.csrPem);
    const v = await wizard.call('verify', { cert: { name: 'host.crt', text: cert }, chain: [{ name: 'ca.crt', text: ca.certPem }] });
    assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => c.status === 'fail')));
    assert.equal(v.checks.find((c) => c.id === 'key-match')?.status, 'pass', 'the certificate carries the CSR\'s public key');
    return { sha: thumbprintsOfPem(cert).sha256 };
  }

  it('the wizard picks the API route from the 8.0 generation and shows it', async () => {
    wizard = (await vscode.commands.executeCommand<Wizard>('vsphereLab.certWizard', { host: `${lab.vcsim.host}:${lab.vcsim.port}`, conn }))!;
    await wizard.ready;
    const snap = await wizard.call('load', {});
    assert.equal(snap.route.id, 'api');
    assert.equal(snap.route.method, 'host-api');
    assert.equal(snap.route.csrOnServer, true);
    assert.match(snap.route.generation ?? '', /ESXi 8\.0/);
  });

  it('a failure once the new certificate is live is rolled back through the API: old → new → old, the pin stays', async () => {
    const old = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const { sha } = await signedHostCsr();
    const from = (await lab.vcsim.certState()).served.length;
    await lab.vcsim.injectCertFailure('host', 1);
    const r = (await deployConfirmed())!;
    assert.equal(r.ok, false);
    assert.equal(r.rolledBack, true);
    assert.equal(r.previousCertServed, true, r.error);
    assert.deepEqual((await lab.vcsim.certState()).served.slice(from - 1), [old, sha, old]);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, old);
  });

  it('deploys the CA-signed certificate through the API (no SSH), proven live; the connection pin follows', async () => {
    const { sha } = await signedHostCsr();
    const r = (await deployConfirmed())!;
    assert.equal(r.ok, true, r.error);
    assert.equal(r.liveSha256, sha);
    assert.ok(r.steps.some((s) => s.id === 'install' && s.status === 'ok'));
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, sha, 'measured independently');
    assert.equal(r.connectionPinUpdated, true);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, sha);
  });
});

describe('certificate wizard: the route by generation (8.0 appliance, TLS REST) (real VS Code)', function () {
  this.timeout(180_000);
  const lab = withLab({ generation: '8.0', vcsim: { vm: 0, host: 1, cluster: 1, username: 'administrator@vsphere.local', password: 'Vc-pass.8' } });
  let ca: TestCa;
  let conn: string;
  let wizard: Wizard;

  before(async () => {
    await vscode.extensions.getExtension<VsphereLabApi>('vsphere-lab.vsphere-lab')!.activate();
    ca = makeTestCa();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: 'administrator@vsphere.local', password: 'Vc-pass.8' });
    assert.equal(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }), true);
  });
  lab.beforeStop(async () => {
    wizard?.dispose();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    ca?.dispose();
  });

  it('picks the appliance REST route and deploys a CA-signed machine certificate with its root, proven live', async () => {
    wizard = (await vscode.commands.executeCommand<Wizard>('vsphereLab.certWizard', { host: `${lab.vcsim.host}:${lab.vcsim.port}`, conn, kind: 'vcenter' }))!;
    await wizard.ready;
    const snap = await wizard.call('load', {});
    assert.equal(snap.route.id, 'vcsa');
    assert.equal(snap.route.method, 'vcsa-rest');
    assert.equal(snap.route.csrOnServer, false);
    const req = await wizard.call('generate', { form: { bits: 2048, cn: 'vc.lab.local', sans: ['vc'] }, store: 'secret', replace: true });
    assert.deepEqual(req.form.sans, ['vc.lab.local', 'vc'], 'the CN is the first SAN');
    const cert = ca.sign(req.csrPem);
    const v = await wizard.call('verify', { cert: { name: 'vc.crt', text: cert }, chain: [{ name: 'ca.crt', text: ca.certPem }] });
    assert.equal(v.ok, true, JSON.stringify(v.checks.filter((c) => c.status === 'fail')));
    const r = (await withDialogs({ warning: (_m, items) => items.find((i) => i === 'Deploy') }, () => wizard.call('deployRoute', {})))!;
    assert.equal(r.ok, true, r.error);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, thumbprintsOfPem(cert).sha256);
    assert.equal((await lab.vcsim.certState()).trustedRootChains, 1, 'the root chain was added');
    assert.equal(r.connectionPinUpdated, true);
  });
});
