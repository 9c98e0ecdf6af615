/**
 * OpenSSL as a real peer: it must accept what we write (CSR, PFX) and we must read what it writes
 * (PKCS#7 from crl2pkcs7, certificates it signs).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildPfx } from '../../../src/core/certs/files';
import { createRequest } from '../../../src/core/certs/request';
import { verifyIssued } from '../../../src/core/certs/verify';
import { readCertificates, describeCertificate } from '../../../src/core/certs/x509';
import { pem, testPki } from '../../unit/certs/pki';

function openssl(args: string[], cwd: string, input?: string): { code: number; out: string; err: string } {
  const r = spawnSync('openssl', args, { cwd, input, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('certs against openssl (peer)', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'vlab-ossl-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl req -verify accepts our CSR and shows our subject, SANs and key usage', async () => {
    const r = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01.lab.local', 'esx01', '10.0.0.5'], o: 'Lab', ou: 'IT', l: 'Town', st: 'State', c: 'US', clientAuth: true });
    writeFileSync(path.join(dir, 'rui.csr'), r.csrPem);
    writeFileSync(path.join(dir, 'rui.key'), r.keyPkcs1Pem);
    const out = openssl(['req', '-in', 'rui.csr', '-noout', '-text', '-verify'], dir);
    assert.equal(out.code, 0, out.err);
    assert.match(out.err + out.out, /verify OK/);
    assert.match(out.out, /Subject: C = US, ST = State, L = Town, O = Lab, OU = IT, CN = esx01\.lab\.local/);
    assert.match(out.out, /DNS:esx01\.lab\.local, DNS:esx01, IP Address:10\.0\.0\.5/);
    assert.match(out.out, /Key Usage: critical\s+Digital Signature, Key Encipherment, Data Encipherment/);
    assert.match(out.out, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(out.out, /Public-Key: \(2048 bit\)/);
    // the key file is traditional PKCS#1 and matches the CSR
    const keyMod = openssl(['rsa', '-in', 'rui.key', '-noout', '-modulus'], dir).out;
    const csrMod = openssl(['req', '-in', 'rui.csr', '-noout', '-modulus'], dir).out;
    assert.equal(keyMod.replace('RSA ', ''), csrMod.replace('RSA ', ''));
  });

  it('a CA run by openssl signs our CSR; verifyIssued accepts the result', async () => {
    const r = await createRequest({ cn: 'esx02.lab.local', sans: ['esx02.lab.local', '10.0.0.6'] });
    writeFileSync(path.join(dir, 'e2.csr'), r.csrPem);
    writeFileSync(path.join(dir, 'e2.key'), r.keyPkcs8Pem);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/O=Lab/CN=OpenSSL Lab CA', '-days', '30'], { cwd: dir, stdio: 'pipe' });
    execFileSync('openssl', ['x509', '-req', '-in', 'e2.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'e2.crt', '-days', '30', '-copy_extensions', 'copy'], { cwd: dir, stdio: 'pipe' });
    const v = verifyIssued({ cert: readFileSync(path.join(dir, 'e2.crt')), key: r.keyPkcs8Pem, chain: readFileSync(path.join(dir, 'ca.crt')), hostnames: ['esx02.lab.local', '10.0.0.6'] });
    assert.equal(v.ok, true, JSON.stringify(v.checks, null, 1));
    // and openssl verify agrees about the chain
    assert.equal(openssl(['verify', '-CAfile', 'ca.crt', 'e2.crt'], dir).code, 0);
  });

  it('reads the .p7b openssl crl2pkcs7 writes, PEM and DER', () => {
    const { leaf, inter, root } = testPki();
    writeFileSync(path.join(dir, 'leaf.pem'), pem(leaf));
    writeFileSync(path.join(dir, 'cas.pem'), pem(inter) + pem(root));
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-certfile', 'cas.pem', '-out', 'chain.p7b'], { cwd: dir });
    execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-certfile', 'cas.pem', '-outform', 'DER', '-out', 'chain.p7b.der'], { cwd: dir });
    for (const f of ['chain.p7b', 'chain.p7b.der']) {
      const names = readCertificates(readFileSync(path.join(dir, f))).map((d) => describeCertificate(d).subject.commonName);
      assert.deepEqual(names, ['esx01.lab.local', 'Lab Issuing CA', 'Lab Root CA'], f);
    }
    assert.match(readFileSync(path.join(dir, 'chain.p7b'), 'utf8'), /BEGIN PKCS7/);
  });

  it('openssl pkcs12 opens our rui.pfx with testpassword (3DES: no -legacy needed on OpenSSL 3)', () => {
    const { leaf, leafKey, chainPem } = testPki();
    writeFileSync(path.join(dir, 'rui.pfx'), buildPfx({ cert: pem(leaf), key: leafKey.pem, chain: chainPem }));
    const info = openssl(['pkcs12', '-in', 'rui.pfx', '-passin', 'pass:testpassword', '-info', '-noout'], dir);
    assert.equal(info.code, 0, info.err);
    assert.match(info.err, /MAC: sha1/);
    assert.match(info.err, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/);
    let certs = openssl(['pkcs12', '-in', 'rui.pfx', '-passin', 'pass:testpassword', '-nokeys'], dir);
    if (certs.code !== 0 && /unsupported|legacy/i.test(certs.err)) {
      certs = openssl(['pkcs12', '-legacy', '-in', 'rui.pfx', '-passin', 'pass:testpassword', '-nokeys'], dir);
    }
    assert.equal(certs.code, 0, certs.err);
    assert.match(certs.out, /friendlyName: rui/);
    assert.equal((certs.out.match(/BEGIN CERTIFICATE/g) ?? []).length, 3);
    const keys = openssl(['pkcs12', '-in', 'rui.pfx', '-passin', 'pass:testpassword', '-nocerts', '-nodes'], dir);
    assert.equal(keys.code, 0, keys.err);
    writeFileSync(path.join(dir, 'out.key'), keys.out);
    const mod = openssl(['rsa', '-in', 'out.key', '-noout', '-modulus'], dir).out;
    writeFileSync(path.join(dir, 'in.key'), leafKey.pem);
    assert.equal(mod, openssl(['rsa', '-in', 'in.key', '-noout', '-modulus'], dir).out);
    assert.notEqual(openssl(['pkcs12', '-in', 'rui.pfx', '-passin', 'pass:wrong', '-nokeys'], dir).code, 0);
  });
});
