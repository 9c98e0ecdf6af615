/**
 * The certificate wizard inside the real VS Code, against the lab: vcsim -esx (weak self-signed
 * 1024-bit default) paired with the ESXi SSH simulator. The panel is driven through its host-side
 * handlers (`call`), the same ones its webview uses; the CA is a real `openssl`.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { withLab, servedThumbprints, thumbprintsOfPem } from '../../lab/index';
import { makeTestCa, type TestCa } from '../../peer/esxi/ca';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { Node } from '../../../src/extension/inventory/provider';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { CertWizardProtocol, CertWizardState } from '../../../src/webview/certs/protocol';
import { withDialogs } from '../dialogs';

type Wizard = PanelHost<CertWizardProtocol, CertWizardState>;

async function api(): Promise<VsphereLabApi> {
  return vscode.extensions.getExtension<VsphereLabApi>('vsphere-lab.vsphere-lab')!.activate();
}

describe('certificate wizard (real VS Code)', function () {
  this.timeout(180_000);
  const lab = withLab({ vcsim: { esx: true, vm: 1, username: 'root', password: 'Esx-pass.1' }, esxi: { password: 'Ssh-pass.1' } });
  let a: VsphereLabApi;
  let ca: TestCa;
  let conn: string;
  let wizard: Wizard;
  let folder: string;
  let newSha: string;
  const oldSha = (): string => lab.vcsim.thumbprintSha256;
  /** A deploy the user confirms in the extension's "restart the management agent?" dialog. */
  const deploy = (p: Parameters<Wizard['call']>[1] & { sshHost: string; sshPort: number; user: string }): Promise<CertWizardProtocol['requests']['deploy']['result']> =>
    withDialogs({ warning: (_m, items) => items[0] }, () => wizard.call('deploy', p));

  before(async () => {
    a = await api();
    ca = makeTestCa();
    folder = mkdtempSync(join(tmpdir(), 'vlab-wizard-files-'));
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: 'root', password: 'Esx-pass.1' });
    assert.equal(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }), true);
  });
  lab.beforeStop(async () => {
    wizard?.dispose();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    ca?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function hostNode(): Promise<Node> {
    const stack: Node[] = [a.inventory.provider.connectionNode(conn)];
    while (stack.length) {
      const n = stack.shift()!;
      if (a.inventory.provider.item(n)?.kind === 'host') return n;
      if (n.type !== 'message') stack.push(...await a.inventory.provider.getChildren(n));
    }
    throw new Error('no host node');
  }

  it('opens from the host node of a direct ESX(i) connection, for its HTTPS endpoint', async () => {
    const node = await hostNode();
    const item = await a.inventory.provider.getTreeItem(node);
    assert.match(item.contextValue ?? '', /^host;/, 'the menu entry applies to this node');
    wizard = (await vscode.commands.executeCommand<Wizard>('vsphereLab.certWizard', node))!;
    assert.ok(wizard, 'the command returns the panel');
    assert.deepEqual({ host: wizard.state.host, port: wizard.state.port, conn: wizard.state.conn, kind: wizard.state.kind }, { host: lab.vcsim.host, port: lab.vcsim.port, conn, kind: 'esx' });
    await wizard.ready;
    const snap = await wizard.call('load', {});
    assert.equal(snap.label, `${lab.vcsim.host}:${lab.vcsim.port}`);
    assert.equal(snap.request, undefined);
    assert.ok(snap.checklist.length >= 6, 'the vCenter checklist is there for vCenter targets');
  });

  it('Inspect shows the weak self-signed 1024-bit certificate with its findings', async () => {
    const r = await wizard.call('inspect', {});
    const leaf = r.chain[0];
    assert.equal(leaf.sha256Thumbprint, oldSha());
    assert.equal(leaf.publicKey.bits, 1024);
    assert.equal(leaf.isSelfSigned, true);
    const codes = r.findings.map((f) => `${f.code}:${f.severity}`);
    assert.ok(codes.includes('self-signed:warning'), codes.join());
    assert.ok(codes.includes('key-too-small:warning'), codes.join());
    assert.notEqual(r.worst, 'none');
  });

  it('Request: a 2048-bit key (kept out of the webview state and the log) and a CSR with the SANs', async () => {
    const req = await wizard.call('generate', { form: { bits: 2048, cn: 'esx01.lab.local', sans: ['esx01.lab.local', 'esx01', '127.0.0.1'], o: 'Lab', c: 'FR' }, store: 'secret', replace: true });
    assert.equal(req.bits, 2048);
    assert.match(req.csrPem, /BEGIN CERTIFICATE REQUEST/);
    assert.deepEqual(req.form.sans, ['esx01.lab.local', 'esx01', '127.0.0.1']);
    assert.equal(req.keyLocation.kind, 'secret');
    assert.equal(req.keyAvailable, true);
    assert.match(req.instructions.submitCommand, /certreq -submit -attrib "CertificateTemplate:WebServer"/);
    const ins = await wizard.call('instructions', { template: 'VMwareWebServer' });
    assert.match(ins.submitCommand, /CertificateTemplate:VMwareWebServer/);
    assert.deepEqual(Object.keys(wizard.state).sort(), ['conn', 'host', 'kind', 'port', 'step']);
    assert.ok(!JSON.stringify(wizard.state).includes('PRIVATE KEY'));
    assert.ok(!a.recentLogLines().some((l) => l.includes('PRIVATE KEY')), 'the key is never logged');
    const snap = await wizard.call('load', {});
    assert.ok(!JSON.stringify(snap).includes('PRIVATE KEY'), 'nothing sent to the webview holds the key');
  });

  it('Import & verify: the CA-signed certificate from a .p7b passes every check', async () => {
    const snap = await wizard.call('load', {});
    const cert = ca.sign(snap.request!.csrPem);
    newSha = thumbprintsOfPem(cert).sha256;
    const bad = await wizard.call('verify', { cert: { name: 'other.crt', text: ca.certPem }, chain: [] });
    assert.equal(bad.ok, false, 'the CA certificate itself is not the host certificate');
    const r = await wizard.call('verify', { cert: { name: 'certnew.p7b', base64: ca.p7b(cert).toString('base64') }, chain: [] });
    assert.equal(r.ok, true, JSON.stringify(r.checks.filter((c) => c.status === 'fail')));
    assert.equal(r.sha256, newSha);
    assert.deepEqual(r.path, ['esx01.lab.local', 'vSphere Lab Test Root CA']);
    for (const id of ['key-match', 'chain', 'names', 'validity', 'usage', 'key-size', 'signature']) {
      assert.equal(r.checks.find((c) => c.id === id)?.status, 'pass', id);
    }
  });

  it('Files: ESX(i) and vCenter files, keys mode 600, the PFX opens with testpassword', async () => {
    // The folder comes from the extension's own dialog (answered here as a user would).
    const r = (await withDialogs({ open: () => [vscode.Uri.file(folder)], warning: (_m, items) => items[0] }, () => wizard.call('writeFiles', {})))!;
    const names = r.files.map((f) => f.path.slice(folder.length + 1)).sort();
    assert.deepEqual(names, ['esx/rui.crt', 'esx/rui.key', 'vcenter/cacert.pem', 'vcenter/rui.crt', 'vcenter/rui.key', 'vcenter/rui.pfx']);
    assert.equal(statSync(join(folder, 'esx', 'rui.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(folder, 'vcenter', 'rui.pfx')).mode & 0o777, 0o600);
    assert.equal(thumbprintsOfPem(readFileSync(join(folder, 'esx', 'rui.crt'), 'utf8')).sha256, newSha);
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('openssl', ['pkcs12', '-in', join(folder, 'vcenter', 'rui.pfx'), '-passin', 'pass:testpassword', '-nokeys', '-clcerts'], { encoding: 'utf8' });
    assert.match(out, /friendlyName: rui/);
  });

  it('SSH host key: unknown first, then pinned', async () => {
    const k = await wizard.call('hostKey', { sshHost: lab.esxi.host, sshPort: lab.esxi.port });
    assert.equal(k.status, 'unknown');
    assert.equal(k.fingerprint, lab.esxi.hostKeySha256);
    await assert.rejects(deploy({ sshHost: lab.esxi.host, sshPort: lab.esxi.port, user: 'root', password: 'Ssh-pass.1' }), /not pinned/);
    // Forged by a webview: a host key of its choosing and "no confirmation" are not protocol; the
    // deploy still needs the user's pin, and asks its question.
    const forged = { sshHost: lab.esxi.host, sshPort: lab.esxi.port, user: 'root', password: 'Ssh-pass.1', confirm: false, hostKey: k.fingerprint } as unknown as Parameters<Wizard['call']>[1];
    await withDialogs({ warning: () => undefined }, async () => assert.rejects(wizard.call('deploy', forged as never), /not pinned/));
    const forgedPin = { sshHost: lab.esxi.host, sshPort: lab.esxi.port, fingerprint: 'SHA256:' + 'A'.repeat(43) } as unknown as Parameters<Wizard['call']>[1];
    await withDialogs({ warning: () => undefined }, async (asked) => {
      assert.equal(await wizard.call('pinHostKey', forgedPin as never), false);
      assert.equal(asked.length, 1, 'the extension asked the user');
    });
    // Declined in the extension's dialog: nothing pinned. Confirmed: the key the host presents, as shown.
    assert.equal(await withDialogs({ warning: () => undefined }, () => wizard.call('pinHostKey', { sshHost: lab.esxi.host, sshPort: lab.esxi.port })), false);
    assert.equal((await wizard.call('hostKey', { sshHost: lab.esxi.host, sshPort: lab.esxi.port })).status, 'unknown');
    await withDialogs({ warning: (_m, items) => items[0] }, async (asked) => {
      assert.equal(await wizard.call('pinHostKey', { sshHost: lab.esxi.host, sshPort: lab.esxi.port }), true);
      assert.ok(asked[0]?.detail?.includes(k.fingerprint), 'the dialog shows the fingerprint');
    });
    assert.equal((await wizard.call('hostKey', { sshHost: lab.esxi.host, sshPort: lab.esxi.port })).status, 'pinned');
  });

  it('a restart that puts the new certificate in service and then fails is rolled back: served old → new → old, the pin stays', async () => {
    const old = oldSha(); // lab.vcsim.thumbprintSha256 follows what vcsim serves: keep the value from before
    const from = lab.esxi.servedCerts.length;
    assert.equal(lab.esxi.servedCerts[from - 1], old);
    assert.notEqual(newSha, old);
    // hostd loads the new rui.crt/rui.key (the new certificate is live), then exits 1: only the rollback can bring the old one back.
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    try {
      const r = (await deploy({ sshHost: lab.esxi.host, sshPort: lab.esxi.port, user: 'root', password: 'Ssh-pass.1' }))!;
      assert.equal(r.ok, false);
      assert.equal(r.rolledBack, true);
      assert.equal(r.previousCertServed, true);
      assert.ok(r.steps.some((s) => s.phase === 'deploy' && s.id === 'restart' && s.status === 'failed'));
      assert.ok(r.steps.some((s) => s.phase === 'rollback' && s.id === 'restore' && s.status === 'ok'));
      assert.equal(r.connectionPinUpdated, false);
    } finally {
      lab.esxi.restartFailure = undefined;
    }
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [old, newSha, old], 'old → new → old');
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, old);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, old);
  });

  it('deploys: the live thumbprint is the new one and the connection pin follows', async () => {
    const r = (await deploy({ sshHost: lab.esxi.host, sshPort: lab.esxi.port, user: 'root', password: 'Ssh-pass.1', savePassword: true }))!;
    assert.equal(r.ok, true, r.error);
    assert.equal(r.liveSha256, newSha);
    assert.equal(r.connectionPinUpdated, true);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, newSha, 'measured independently');
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, newSha);
    // The connection reconnects against the new pin.
    await a.inventory.sessions.load(conn, true);
    assert.equal(a.inventory.sessions.state(conn).status, 'connected');
    // The password was kept on request: a second deploy needs none.
    const again = (await deploy({ sshHost: lab.esxi.host, sshPort: lab.esxi.port, user: 'root' }))!;
    assert.equal(again.ok, true, again.error);
  });

  it('re-opening restores the request and the import from the identifiers', async () => {
    await wizard.call('setStep', { step: 5 });
    wizard.dispose();
    wizard = (await vscode.commands.executeCommand<Wizard>('vsphereLab.certWizard', { host: `${lab.vcsim.host}:${lab.vcsim.port}` }))!;
    await wizard.ready;
    const snap = await wizard.call('load', {});
    assert.equal(snap.state.conn, conn, 'the connection is found from the endpoint');
    assert.equal(snap.request?.keyAvailable, true);
    assert.equal(snap.imported?.ok, true);
    assert.equal(snap.imported?.sha256, newSha);
    assert.equal(snap.ssh.sshPort, lab.esxi.port, 'the SSH endpoint used last is remembered');
    assert.equal(snap.ssh.pinnedHostKey, lab.esxi.hostKeySha256);
    assert.equal(snap.ssh.passwordStored, true);
  });
});
