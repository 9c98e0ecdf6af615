import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { describeCertificate, formatThumbprint, normalizeThumbprint, signatureAlgorithmOf, isUntrustedCertificateError, formatCertificateDescription } from '../../../src/core/vsphere/tls';
import { makeSelfSignedCert } from '../../lab/certs';

describe('vsphere tls: thumbprints and certificate descriptions', () => {
  it('formats thumbprints as AA:BB:… and normalises user input', () => {
    assert.equal(formatThumbprint(Buffer.from([0xab, 0x01, 0xff])), 'AB:01:FF');
    const hex = 'ab'.repeat(32);
    const want = Array(32).fill('AB').join(':');
    assert.equal(normalizeThumbprint(hex), want);
    assert.equal(normalizeThumbprint(want.toLowerCase()), want);
    assert.equal(normalizeThumbprint(`SHA256: ${want.replace(/:/g, ' ')}`), want);
    assert.equal(normalizeThumbprint('12:34'), undefined);
    assert.equal(normalizeThumbprint('zz'.repeat(32)), undefined);
    assert.equal(normalizeThumbprint('ab'.repeat(20)), Array(20).fill('AB').join(':'));
  });

  it('describes a weak self-signed RSA-1024 certificate with both thumbprints and warnings', () => {
    const c = makeSelfSignedCert({ commonName: 'esx01.lab.local', bits: 1024 });
    const der = new crypto.X509Certificate(c.certPem).raw;
    const d = describeCertificate(der);
    assert.equal(d.sha256, c.thumbprintSha256);
    assert.equal(d.sha1, c.thumbprintSha1);
    assert.equal(d.keyType, 'RSA');
    assert.equal(d.keyBits, 1024);
    assert.equal(d.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(d.selfSigned, true);
    assert.match(d.subject, /CN=esx01\.lab\.local/);
    assert.ok(d.warnings.some((w) => /self-signed/.test(w)));
    assert.ok(d.warnings.some((w) => /1024-bit/.test(w)));
    assert.ok(!d.warnings.some((w) => /expired/.test(w)));
    assert.match(formatCertificateDescription(d), /SHA-1: +[0-9A-F:]{59}/);
  });

  it('warns about expiry and not-yet-valid relative to "now"', () => {
    const c = makeSelfSignedCert({ bits: 2048, days: 1 });
    const der = new crypto.X509Certificate(c.certPem).raw;
    const later = describeCertificate(der, new Date(Date.now() + 3 * 86400000));
    assert.ok(later.warnings.some((w) => /expired/.test(w)));
    assert.ok(!later.warnings.some((w) => /less than 2048/.test(w)));
    const earlier = describeCertificate(der, new Date(Date.now() - 86400000));
    assert.ok(earlier.warnings.some((w) => /not yet valid/.test(w)));
  });

  it('reads the outer signature algorithm; truncated DER gives "unknown"', () => {
    const c = makeSelfSignedCert({ bits: 2048 });
    assert.equal(signatureAlgorithmOf(new crypto.X509Certificate(c.certPem).raw), 'sha256WithRSAEncryption');
    assert.equal(signatureAlgorithmOf(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])), 'unknown');
  });

  it('classifies verification errors as untrusted, network errors not', () => {
    assert.equal(isUntrustedCertificateError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(isUntrustedCertificateError({ code: 'ECONNREFUSED' }), undefined);
  });
});
