import assert from 'node:assert/strict';
import { analyseChain, worstSeverity } from '../../../src/core/certs/analyse';
import { describeCertificate } from '../../../src/core/certs/x509';
import { issue, pem, rsaKey, testPki } from './pki';

const day = 86_400_000;
const codes = (f: { code: string; severity: string }[]): string[] => f.map((x) => `${x.code}/${x.severity}`).sort();

describe('certs/analyse findings', () => {
  it('a good CA chain for the right name has no findings', () => {
    const { leaf, inter, root } = testPki();
    const chain = [leaf, inter, root].map((c) => describeCertificate(pem(c)));
    assert.deepEqual(analyseChain(chain, 'esx01.lab.local', new Date()), []);
    assert.deepEqual(analyseChain(chain, '10.0.0.5', new Date()), []);
  });

  it('flags the classic vCenter 4 default: 512-bit self-signed MD5, CN only', () => {
    const c = describeCertificate(pem(issue({ cn: 'vc01', key: rsaKey(512, 'k512'), hash: 'md5', v1: true })));
    const f = analyseChain([c], 'vc01.lab.local', new Date());
    assert.deepEqual(codes(f), ['hostname-mismatch/error', 'key-too-small/error', 'missing-san/warning', 'self-signed/warning', 'weak-signature/error']);
    assert.equal(worstSeverity(f), 'error');
    assert.match(f.find((x) => x.code === 'key-too-small')!.message, /512-bit RSA key.*KB2661254/);
    assert.match(f.find((x) => x.code === 'hostname-mismatch')!.message, /"vc01.lab.local".*CN "vc01" only/);
  });

  it('1024-bit SHA-1 is a warning each, not an error', () => {
    const c = describeCertificate(pem(issue({ cn: 'esx', key: rsaKey(1024, 'weak1024'), dns: ['esx'], hash: 'sha1' })));
    assert.deepEqual(codes(analyseChain([c], 'esx', new Date())), ['key-too-small/warning', 'self-signed/warning', 'weak-signature/warning']);
  });

  it('dates: expired, not yet valid, expiring within 30 days (with the dates)', () => {
    const k = rsaKey(2048, 'leaf');
    const now = new Date('2030-06-15T00:00:00Z');
    const mk = (from: number, to: number) => describeCertificate(pem(issue({ cn: 'h', key: k, dns: ['h'], notBefore: new Date(now.getTime() + from * day), notAfter: new Date(now.getTime() + to * day) })));
    const expired = analyseChain([mk(-400, -10)], 'h', now).find((f) => f.code === 'expired');
    assert.match(expired!.message, /expired on 2030-06-05 00:00 UTC \(10 days ago\)/);
    assert.ok(analyseChain([mk(2, 400)], 'h', now).some((f) => f.code === 'not-yet-valid' && f.severity === 'error'));
    const soon = analyseChain([mk(-300, 12)], 'h', now).find((f) => f.code === 'expiring-soon');
    assert.equal(soon?.severity, 'warning');
    assert.match(soon!.message, /in 12 days/);
    assert.equal(analyseChain([mk(-300, 40)], 'h', now).some((f) => f.code.startsWith('expir')), false);
  });

  it('a weak hash on a trust anchor is not reported, on an intermediate it is', () => {
    const rk = rsaKey(2048, 'root');
    const root = issue({ cn: 'Old Root', key: rk, ca: true, hash: 'sha1' });
    const ik = rsaKey(2048, 'inter');
    const inter = issue({ cn: 'Old Issuing', key: ik, ca: true, hash: 'md5', issuer: { cert: root, key: rk } });
    const leaf = issue({ cn: 'h', dns: ['h'], key: rsaKey(2048, 'leaf'), issuer: { cert: inter, key: ik } });
    const f = analyseChain([leaf, inter, root].map((c) => describeCertificate(pem(c))), 'h', new Date());
    assert.deepEqual(f.map((x) => [x.code, x.certIndex]), [['weak-signature', 1]]);
  });
});
