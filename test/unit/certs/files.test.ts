import assert from 'node:assert/strict';
import * as forge from 'node-forge';
import { buildEsxFiles, buildPfx, buildVcenterFiles, FilesError, planEsxDeploy, vcenterChecklist } from '../../../src/core/certs/files';
import { pem, rsaKey, testPki } from './pki';

function openPfx(der: Buffer, password: string) {
  return forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), password);
}

describe('certs/files', () => {
  it('ESX(i): rui.crt is the leaf (optionally + intermediates, never the root), rui.key is PKCS#1, 0600', () => {
    const { leaf, leafKey, chainPem, inter } = testPki();
    const pkcs8 = leafKey.node.export({ type: 'pkcs8', format: 'pem' }) as string;
    const [crt, key] = buildEsxFiles({ cert: pem(leaf), key: pkcs8, chain: chainPem });
    assert.equal(crt.name, 'rui.crt');
    assert.equal(crt.contents, pem(leaf));
    assert.equal(key.name, 'rui.key');
    assert.match(String(key.contents), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.equal(key.mode, 0o600);
    const [withChain] = buildEsxFiles({ cert: pem(leaf), key: leafKey.pem, chain: chainPem, includeIntermediates: true });
    assert.equal(withChain.contents, pem(leaf) + pem(inter));
  });

  it('refuses to build files for a key that does not match', () => {
    const { leaf, chainPem } = testPki();
    assert.throws(() => buildEsxFiles({ cert: pem(leaf), key: rsaKey(2048, 'other').pem, chain: chainPem }), FilesError);
  });

  it('PFX: testpassword, friendly name rui, 3DES key bag, SHA-1 MAC, chain included', () => {
    const { leaf, leafKey, chainPem } = testPki();
    const der = buildPfx({ cert: pem(leaf), key: leafKey.pem, chain: chainPem });
    assert.throws(() => openPfx(der, 'wrong'), /MAC could not be verified|Invalid password/);
    const p12 = openPfx(der, 'testpassword');
    const keyBags = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]!;
    assert.equal(keyBags.length, 1);
    assert.equal(keyBags[0].attributes.friendlyName[0], 'rui');
    const k = keyBags[0].key as forge.pki.rsa.PrivateKey;
    assert.equal(k.n.toString(16), rsaKey(2048, 'leaf').forge.n.toString(16));
    const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]!;
    assert.deepEqual(certBags.map((b) => b.cert!.subject.getField('CN').value), ['esx01.lab.local', 'Lab Issuing CA', 'Lab Root CA']);
    assert.equal(certBags[0].attributes.friendlyName[0], 'rui');
    // the shrouded key bag's encryption algorithm is pbeWithSHAAnd3-KeyTripleDES-CBC
    const pfx = forge.asn1.fromDer(der.toString('binary'));
    assert.ok(der.toString('binary').includes(forge.asn1.oidToDer('1.2.840.113549.1.12.1.3').getBytes()));
    assert.ok(pfx);
  });

  it('PFX password and friendly name are configurable', () => {
    const { leaf, leafKey, chainPem } = testPki();
    const p12 = openPfx(buildPfx({ cert: pem(leaf), key: leafKey.pem, chain: chainPem, password: 'S3cret!', friendlyName: 'vpxd', includeChain: false }), 'S3cret!');
    const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]!;
    assert.equal(certBags.length, 1);
    assert.equal(certBags[0].attributes.friendlyName[0], 'vpxd');
  });

  it('vCenter: rui.crt, rui.key, rui.pfx and cacert.pem (intermediate then root)', () => {
    const { leaf, leafKey, root, inter } = testPki();
    const files = buildVcenterFiles({ cert: pem(leaf), key: leafKey.pem, chain: [pem(root), pem(inter)] });
    assert.deepEqual(files.map((f) => f.name), ['rui.crt', 'rui.key', 'rui.pfx', 'cacert.pem']);
    assert.equal(files[3].contents, pem(inter) + pem(root));
    assert.ok(Buffer.isBuffer(files[2].contents));
    assert.match(files[2].description, /testpassword/);
  });

  it('ESX(i) deploy plan: backup, temp upload, rename, restart, wait, compare; rollback restores', () => {
    const plan = planEsxDeploy({ host: 'esx01.lab.local', expectedSha256: 'aa:bb', timestamp: new Date('2012-03-04T05:06:07.890Z') });
    assert.deepEqual(plan.steps.map((s) => s.id), ['precheck', 'backup', 'upload-crt', 'upload-key', 'install', 'restart', 'wait', 'verify']);
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]));
    assert.equal((byId.backup as { command: string }).command,
      'cp -p /etc/vmware/ssl/rui.crt /etc/vmware/ssl/rui.crt.20120304-050607.bak && cp -p /etc/vmware/ssl/rui.key /etc/vmware/ssl/rui.key.20120304-050607.bak');
    assert.equal((byId['upload-key'] as { remotePath: string; mode: number }).remotePath, '/etc/vmware/ssl/rui.key.new');
    assert.equal((byId['upload-key'] as { mode: number }).mode, 0o600);
    assert.equal((byId.restart as { command: string }).command, '/etc/init.d/hostd restart');
    assert.equal((byId.verify as { expectedSha256: string }).expectedSha256, 'AA:BB');
    assert.deepEqual(plan.steps.map((s) => s.onFailure), ['abort', 'abort', 'abort', 'abort', 'rollback', 'rollback', 'rollback', 'rollback']);
    assert.equal((plan.rollback[0] as { command: string }).command,
      'cp -p /etc/vmware/ssl/rui.crt.20120304-050607.bak /etc/vmware/ssl/rui.crt && cp -p /etc/vmware/ssl/rui.key.20120304-050607.bak /etc/vmware/ssl/rui.key');
    assert.equal(plan.backups.key, '/etc/vmware/ssl/rui.key.20120304-050607.bak');
    const svc = planEsxDeploy({ host: 'h', expectedSha256: 'x', timestamp: new Date(0), restart: 'services.sh', sslDir: "/tmp/it's" });
    assert.ok(svc.steps.some((s) => s.kind === 'exec' && s.command === 'services.sh restart'));
    assert.ok(svc.steps.some((s) => s.kind === 'exec' && s.command.startsWith("test -f '/tmp/it'\\''s/rui.crt'")));
  });

  it('vCenter checklist: stop, copy, (vpxd -p on 5.x), start, verify, reconnect hosts — with sources', () => {
    const five = vcenterChecklist({ version: '5.0', hosts: ['esx01', 'esx02'] });
    const titles = five.map((i) => i.title);
    assert.deepEqual(titles.slice(1, 4), ['Stop the VMware VirtualCenter Server service', 'Copy the new files into the SSL folder', 'Re-encrypt the database password']);
    assert.match(five[3].command!, /vpxd\.exe" -p$/);
    const last = five[five.length - 1];
    assert.match(last.detail, /esx01, esx02/);
    assert.match(last.source!, /Reconnecting hosts after changes to the vCenter Server SSL certificate/);
    const four = vcenterChecklist({ version: '4.1' });
    assert.match(four[3].title, /If the service will not start/);
  });
});
