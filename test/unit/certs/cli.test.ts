import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as forge from 'node-forge';
import { commands } from '../../../src/cli/commands/cert';
import { runCli } from '../../../src/cli/main';
import { describeRequest } from '../../../src/core/certs/request';
import { fakeIO } from './io';
import { pem, rsaKey, testPki } from './pki';


describe('vlab cert (CLI)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'vlab-cert-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('cert request writes rui.key (0600, PKCS#1) and rui.csr and prints the certreq command', async () => {
    const io = fakeIO(dir);
    const code = await runCli(['cert', 'request', '--cn', 'esx01.lab.local', '--san', 'esx01.lab.local', '--san', 'esx01', '--san', '10.0.0.5', '--o', 'Lab', '--c', 'DE', '--out', 'out'], io, commands);
    assert.equal(code, 0, io.err);
    const key = path.join(dir, 'out', 'rui.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.match(readFileSync(key, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    const csr = describeRequest(readFileSync(path.join(dir, 'out', 'rui.csr'), 'utf8'));
    assert.deepEqual(csr.sans, { dns: ['esx01.lab.local', 'esx01'], ip: ['10.0.0.5'] });
    assert.equal(csr.subject, 'C=DE, O=Lab, CN=esx01.lab.local');
    assert.match(io.out, /certreq -submit -attrib "CertificateTemplate:WebServer" rui\.csr rui\.crt/);
    assert.match(io.out, /SAN:dns=esx01\.lab\.local&dns=esx01&ipaddress=10\.0\.0\.5/);
    // a second run must not destroy the key
    const again = fakeIO(dir);
    assert.equal(await runCli(['cert', 'request', '--cn', 'x.lab.local', '--out', 'out'], again, commands), 1);
    assert.match(again.err, /already exists; not overwriting/);
  });

  it('cert request: usage errors exit 2', async () => {
    const io = fakeIO(dir);
    assert.equal(await runCli(['cert', 'request', '--cn', 'x', '--bits', '1024', '--out', 'o'], io, commands), 2);
    assert.match(io.err, /--bits must be 2048, 3072 or 4096/);
    const io2 = fakeIO(dir);
    assert.equal(await runCli(['cert', 'request', '--out', 'o', '--json'], io2, commands), 2);
    assert.equal(JSON.parse(io2.out).error.code, 'usage');
  });

  it('cert verify: exit 0 when ready, 1 with the reason when a name is missing; --json', async () => {
    const { leaf, leafKey, chainPem } = testPki();
    writeFileSync(path.join(dir, 'rui.crt'), pem(leaf));
    writeFileSync(path.join(dir, 'rui.key'), leafKey.pem);
    writeFileSync(path.join(dir, 'chain.pem'), chainPem);
    const ok = fakeIO(dir);
    assert.equal(await runCli(['cert', 'verify', '--cert', 'rui.crt', '--key', 'rui.key', '--chain', 'chain.pem', '--host', 'esx01.lab.local', '--host', '10.0.0.5'], ok, commands), 0, ok.out + ok.err);
    assert.match(ok.out, /Ready to deploy/);
    assert.match(ok.out, /esx01\.lab\.local → Lab Issuing CA → Lab Root CA/);
    const bad = fakeIO(dir);
    assert.equal(await runCli(['cert', 'verify', '--cert', 'rui.crt', '--key', 'rui.key', '--chain', 'chain.pem', '--host', 'esx02.lab.local', '--json'], bad, commands), 1);
    const doc = JSON.parse(bad.out);
    assert.equal(doc.ok, false);
    assert.match(doc.findings[0].message, /"esx02\.lab\.local" is not in the certificate/);
    const missing = fakeIO(dir);
    assert.equal(await runCli(['cert', 'verify', '--cert', 'nope.crt', '--key', 'rui.key', '--json'], missing, commands), 1);
    assert.deepEqual(JSON.parse(missing.out).error, { code: 'not-found', message: 'nope.crt: no such file' });
    const notCert = fakeIO(dir);
    assert.equal(await runCli(['cert', 'verify', '--cert', 'rui.key', '--key', 'rui.key'], notCert, commands), 1);
    assert.match(notCert.err, /No certificate found/);
  });

  it('cert pfx writes a PFX that opens with testpassword and friendly name rui', async () => {
    const { leaf, leafKey, chainPem } = testPki();
    writeFileSync(path.join(dir, 'rui.crt'), pem(leaf));
    writeFileSync(path.join(dir, 'rui.key'), leafKey.pem);
    writeFileSync(path.join(dir, 'chain.pem'), chainPem);
    const io = fakeIO(dir);
    assert.equal(await runCli(['cert', 'pfx', '--cert', 'rui.crt', '--key', 'rui.key', '--chain', 'chain.pem', '--out', 'rui.pfx'], io, commands), 0, io.err);
    const der = readFileSync(path.join(dir, 'rui.pfx'));
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), 'testpassword');
    const bags = p12.getBags({ friendlyName: 'rui' }).friendlyName!;
    assert.equal(bags.length, 2); // key + leaf certificate
    const wrong = fakeIO(dir);
    writeFileSync(path.join(dir, 'other.key'), rsaKey(2048, 'other').pem);
    assert.equal(await runCli(['cert', 'pfx', '--cert', 'rui.crt', '--key', 'other.key', '--out', 'x.pfx'], wrong, commands), 1);
    assert.match(wrong.err, /does not match|not the public half/);
  });
});
