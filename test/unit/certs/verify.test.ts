import assert from 'node:assert/strict';
import { verifyIssued, VerifyInputError, type VerifyResult } from '../../../src/core/certs/verify';
import { issue, p7b, pem, rsaKey, testPki } from './pki';

const hostnames = ['esx01.lab.local', 'esx01', '10.0.0.5'];
const status = (r: VerifyResult): Record<string, string> => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
const detail = (r: VerifyResult, id: string): string => r.checks.find((c) => c.id === id)!.details.join('\n');

describe('certs/verify verifyIssued', () => {
  it('accepts a good certificate, key and chain', () => {
    const { leaf, leafKey, chainPem } = testPki();
    const r = verifyIssued({ cert: pem(leaf), key: leafKey.pem, chain: chainPem, hostnames });
    assert.equal(r.ok, true, JSON.stringify(r.checks, null, 1));
    assert.deepEqual(Object.values(status(r)), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    assert.deepEqual(r.path.map((c) => c.subject.commonName), ['esx01.lab.local', 'Lab Issuing CA', 'Lab Root CA']);
    assert.deepEqual(r.names.map((n) => n.matchedBy), ['DNS:esx01.lab.local', 'DNS:esx01', 'IP:10.0.0.5']);
    assert.deepEqual(r.findings, []);
  });

  it('accepts the PKCS#8 form of the key and a chain given as separate files, in any order', () => {
    const { leaf, leafKey, inter, root } = testPki();
    const pkcs8 = leafKey.node.export({ type: 'pkcs8', format: 'pem' }) as string;
    const r = verifyIssued({ cert: pem(leaf), key: pkcs8, chain: [pem(root), pem(inter)], hostnames });
    assert.equal(r.ok, true);
  });

  it('imports a .p7b holding the certificate and its chain, picking the leaf by the key', () => {
    const { leaf, leafKey, inter, root } = testPki();
    const r = verifyIssued({ cert: p7b([root, inter, leaf], 'der'), key: leafKey.pem, hostnames });
    assert.equal(r.ok, true);
    assert.equal(r.leaf.subject.commonName, 'esx01.lab.local');
    const noKey = verifyIssued({ cert: p7b([root, leaf, inter]) });
    assert.equal(noKey.leaf.subject.commonName, 'esx01.lab.local');
    assert.equal(status(noKey)['key-match'], 'skipped');
  });

  it('wrong key: says the certificate was issued for another request', () => {
    const { leaf, chainPem } = testPki();
    const r = verifyIssued({ cert: pem(leaf), key: rsaKey(2048, 'other').pem, chain: chainPem, hostnames });
    assert.equal(r.ok, false);
    assert.equal(status(r)['key-match'], 'fail');
    assert.match(detail(r, 'key-match'), /not the public half of this private key.*issued it for another request/s);
    assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['key-match', 'error']]);
  });

  it('wrong root: names the missing issuer and the CA the supplied chain leads to', () => {
    const { leaf, leafKey } = testPki();
    const otherRoot = issue({ cn: 'Other Corp Root', key: rsaKey(2048, 'other'), ca: true });
    const r = verifyIssued({ cert: pem(leaf), key: leafKey.pem, chain: pem(otherRoot), hostnames });
    assert.equal(status(r).chain, 'fail');
    assert.match(detail(r, 'chain'), /issued by "O=Lab, CN=Lab Issuing CA", but no certificate with that subject is in the chain/);
    assert.match(detail(r, 'chain'), /holds only "Other Corp Root": either the CA certificate "Lab Issuing CA" is missing from it, or it is the chain of a different CA/);
    assert.equal(r.unused.length, 1);
  });

  it('missing intermediate: the leaf is traced no further', () => {
    const { leaf, leafKey, root } = testPki();
    const r = verifyIssued({ cert: pem(leaf), key: leafKey.pem, chain: pem(root), hostnames });
    assert.equal(r.ok, false);
    assert.match(detail(r, 'chain'), /CN=Lab Issuing CA", but no certificate.*cannot be traced to a root.*"Lab Issuing CA" is missing/);
  });

  it('same-named CA with another key: the signature check catches it', () => {
    const { leaf, leafKey, root } = testPki();
    const impostor = issue({ cn: 'Lab Issuing CA', o: 'Lab', key: rsaKey(2048, 'other'), ca: true, issuer: { cert: root, key: rsaKey(2048, 'root') } });
    const r = verifyIssued({ cert: pem(leaf), key: leafKey.pem, chain: pem(impostor) + pem(root), hostnames });
    assert.match(detail(r, 'chain'), /signature does not verify with its key: it is a different CA certificate with the same name/);
  });

  it('an issuer that is not a CA, or exceeds its pathlen, is refused', () => {
    const rk = rsaKey(2048, 'root');
    const root = issue({ cn: 'R', key: rk, ca: true, pathLen: 0 });
    const ik = rsaKey(2048, 'inter');
    const notCa = issue({ cn: 'NotCA', key: ik, issuer: { cert: root, key: rk } });
    const lk = rsaKey(2048, 'leaf');
    const leaf1 = issue({ cn: 'h', dns: ['h'], key: lk, issuer: { cert: notCa, key: ik } });
    const r1 = verifyIssued({ cert: pem(leaf1), key: lk.pem, chain: pem(notCa) + pem(root) });
    assert.match(detail(r1, 'chain'), /"NotCA" signed "h" but is not a CA certificate/);
    assert.match(detail(r1, 'chain'), /"R" allows 0 intermediate CA\(s\) below it \(pathlen\), but 1 are in this chain/);
  });

  it('a self-signed certificate is not accepted as CA-issued', () => {
    const lk = rsaKey(2048, 'leaf');
    const self = issue({ cn: 'esx01.lab.local', dns: hostnames.slice(0, 2), ip: ['10.0.0.5'], key: lk });
    const r = verifyIssued({ cert: pem(self), key: lk.pem, hostnames });
    assert.match(detail(r, 'chain'), /is self-signed: it was not issued by a CA/);
  });

  it('expired and not-yet-valid certificates report their dates', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const now = new Date('2031-01-10T12:00:00Z');
    const mk = (nb: string, na: string) => pem(issue({ cn: 'esx01.lab.local', dns: ['esx01.lab.local'], key: leafKey, issuer: { cert: inter, key: interKey }, notBefore: new Date(nb), notAfter: new Date(na) }));
    const chain = pem(issue({ cn: 'Lab Issuing CA', o: 'Lab', key: interKey, ca: true, issuer: { cert: testPki().root, key: testPki().rootKey }, notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01') })) + pem(issue({ cn: 'Lab Root CA', o: 'Lab', key: testPki().rootKey, ca: true, notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01') }));
    const expired = verifyIssued({ cert: mk('2029-01-01T00:00:00Z', '2030-12-31T00:00:00Z'), key: leafKey.pem, chain, now });
    assert.equal(status(expired).validity, 'fail');
    assert.match(detail(expired, 'validity'), /expired on 2030-12-31 00:00 UTC \(10 days ago\)/);
    const future = verifyIssued({ cert: mk('2031-02-01T00:00:00Z', '2033-01-01T00:00:00Z'), key: leafKey.pem, chain, now });
    assert.match(detail(future, 'validity'), /not valid until 2031-02-01 00:00 UTC \(now 2031-01-10 12:00 UTC\)/);
    void chainPem;
  });

  it('missing SAN: says which name is missing and what the certificate covers', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const cert = pem(issue({ cn: 'esx01.lab.local', dns: ['esx01.lab.local'], key: leafKey, issuer: { cert: inter, key: interKey } }));
    const r = verifyIssued({ cert, key: leafKey.pem, chain: chainPem, hostnames });
    assert.equal(status(r).names, 'fail');
    assert.match(detail(r, 'names'), /"esx01" is not in the certificate, which is valid for DNS:esx01.lab.local\./);
    assert.match(detail(r, 'names'), /"10.0.0.5" is not in the certificate/);
    assert.equal(r.checks.find((c) => c.id === 'names')!.message, 'Does not cover "esx01", "10.0.0.5".');
  });

  it('no SAN at all: explains the CA dropped them', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const cert = pem(issue({ cn: 'esx01.lab.local', key: leafKey, issuer: { cert: inter, key: interKey } }));
    const r = verifyIssued({ cert, key: leafKey.pem, chain: chainPem, hostnames: ['esx01.lab.local'] });
    assert.equal(status(r).names, 'warn');
    assert.match(detail(r, 'names'), /matches only the CN/);
    assert.match(detail(r, 'names'), /the CA did not copy the SANs from the request/);
  });

  it('IP SAN and wildcard SAN cover their names, and no more', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const cert = pem(issue({ cn: '*.lab.local', dns: ['*.lab.local'], ip: ['10.0.0.5', 'fd00::5'], key: leafKey, issuer: { cert: inter, key: interKey } }));
    const ok = verifyIssued({ cert, key: leafKey.pem, chain: chainPem, hostnames: ['esx01.lab.local', '10.0.0.5', 'fd00:0::5'] });
    assert.equal(ok.ok, true, detail(ok, 'names'));
    assert.deepEqual(ok.names.map((n) => n.matchedBy), ['DNS:*.lab.local', 'IP:10.0.0.5', 'IP:fd00::5']);
    const bad = verifyIssued({ cert, key: leafKey.pem, chain: chainPem, hostnames: ['a.b.lab.local', 'lab.local', 'esx01', '10.0.0.6'] });
    assert.equal(bad.names.filter((n) => n.covered).length, 0);
  });

  it('a 512-bit leaf fails, a 1024-bit leaf warns', () => {
    const { inter, interKey, chainPem } = testPki();
    for (const [bits, want] of [[512, 'fail'], [1024, 'warn']] as const) {
      const k = rsaKey(bits, `k${bits}`);
      const cert = pem(issue({ cn: 'esx01.lab.local', dns: hostnames.slice(0, 2), ip: ['10.0.0.5'], key: k, issuer: { cert: inter, key: interKey } }));
      const r = verifyIssued({ cert, key: k.pem, chain: chainPem, hostnames });
      assert.equal(status(r)['key-size'], want, `${bits} bits`);
      assert.match(detail(r, 'key-size'), new RegExp(`${bits}-bit RSA key`));
      assert.equal(status(r)['key-match'], 'pass');
    }
  });

  it('SHA-1 signatures warn, MD5 fails', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const mk = (hash: 'sha1' | 'md5') => pem(issue({ cn: 'esx01.lab.local', dns: ['esx01.lab.local'], key: leafKey, issuer: { cert: inter, key: interKey }, hash }));
    const sha1 = verifyIssued({ cert: mk('sha1'), key: leafKey.pem, chain: chainPem });
    assert.equal(status(sha1).signature, 'warn');
    assert.equal(sha1.ok, true);
    assert.match(detail(sha1, 'signature'), /sha1WithRSAEncryption; SHA-1 is deprecated/);
    const md5 = verifyIssued({ cert: mk('md5'), key: leafKey.pem, chain: chainPem });
    assert.equal(status(md5).signature, 'fail');
    assert.equal(status(md5).chain, 'pass'); // the MD5 signature still verifies
  });

  it('wrong template: client-only EKU fails, missing keyEncipherment warns', () => {
    const { inter, interKey, chainPem, leafKey } = testPki();
    const client = pem(issue({ cn: 'esx01.lab.local', dns: ['esx01.lab.local'], key: leafKey, issuer: { cert: inter, key: interKey }, eku: ['clientAuth'] }));
    const r = verifyIssued({ cert: client, key: leafKey.pem, chain: chainPem });
    assert.equal(status(r).usage, 'fail');
    assert.match(detail(r, 'usage'), /clientAuth without Server Authentication.*Web Server template/);
    const noEku = pem(issue({ cn: 'esx01.lab.local', dns: ['esx01.lab.local'], key: leafKey, issuer: { cert: inter, key: interKey }, eku: null, keyUsage: ['digitalSignature'] }));
    const r2 = verifyIssued({ cert: noEku, key: leafKey.pem, chain: chainPem });
    assert.equal(status(r2).usage, 'warn');
    assert.match(detail(r2, 'usage'), /lacks keyEncipherment/);
  });

  it('refuses an encrypted key with a way out', () => {
    const { leaf, leafKey } = testPki();
    const enc = leafKey.node.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string;
    assert.throws(() => verifyIssued({ cert: pem(leaf), key: enc }), (e: unknown) => e instanceof VerifyInputError && /encrypted with a passphrase/.test(e.message));
  });
});
