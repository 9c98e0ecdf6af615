import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describeCertificate, readCertificates, CertificateParseError } from '../../../src/core/certs/x509';
import { EC_CERT_PEM, EC_CERT_SHA256, issue, p7b, pem, rsaKey, testPki } from './pki';

describe('certs/x509 reading and describing', () => {
  it('describes subject, SANs, issuer, serial, key, signature and thumbprints', () => {
    const { leaf, inter } = testPki();
    const info = describeCertificate(pem(leaf));
    const x = new X509Certificate(pem(leaf));
    assert.equal(info.subject.commonName, 'esx01.lab.local');
    assert.equal(info.issuer.text, 'O=Lab, CN=Lab Issuing CA');
    assert.deepEqual(info.subjectAltNames.dns, ['esx01.lab.local', 'esx01']);
    assert.deepEqual(info.subjectAltNames.ip, ['10.0.0.5']);
    assert.equal(info.serialNumber, x.serialNumber.toUpperCase().replace(/^0+/, ''));
    assert.deepEqual(info.publicKey, { type: 'rsa', bits: 2048 });
    assert.equal(info.signatureAlgorithm.name, 'sha256WithRSAEncryption');
    assert.equal(info.sha256Thumbprint, x.fingerprint256);
    assert.match(info.sha1Thumbprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.equal(info.isSelfSigned, false);
    assert.equal(info.isCA, false);
    assert.deepEqual(info.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(info.extendedKeyUsage, ['serverAuth']);
    assert.equal(info.notAfter, leaf.validity.notAfter.toISOString().replace(/\.\d+Z$/, '.000Z'));
    const ca = describeCertificate(pem(inter));
    assert.equal(ca.isCA, true);
    assert.equal(ca.pathLenConstraint, 0);
    assert.deepEqual(ca.keyUsage, ['keyCertSign', 'cRLSign']);
  });

  it('names SHA-1 and MD5 signatures and marks self-signed certificates', () => {
    const k = rsaKey(1024, 'weak1024');
    const sha1 = describeCertificate(pem(issue({ cn: 'old', key: k, hash: 'sha1' })));
    assert.equal(sha1.signatureAlgorithm.name, 'sha1WithRSAEncryption');
    assert.equal(sha1.signatureAlgorithm.hash, 'sha1');
    assert.equal(sha1.isSelfSigned, true);
    assert.equal(sha1.publicKey.bits, 1024);
    const md5 = describeCertificate(pem(issue({ cn: 'older', key: k, hash: 'md5' })));
    assert.equal(md5.signatureAlgorithm.name, 'md5WithRSAEncryption');
    assert.equal(md5.hasSubjectAltName, false);
  });

  it('reads EC certificates (which forge itself cannot parse)', () => {
    const info = describeCertificate(EC_CERT_PEM);
    assert.deepEqual(info.publicKey, { type: 'ec', curve: 'prime256v1', bits: 256 });
    assert.equal(info.signatureAlgorithm.name, 'ecdsa-with-SHA384');
    assert.equal(info.sha256Thumbprint, EC_CERT_SHA256);
    assert.equal(info.isSelfSigned, true);
    assert.equal(info.notAfter.slice(0, 4), '2126'); // GeneralizedTime after 2049
  });

  it('reads a PEM bundle, DER, and skips private-key blocks', () => {
    const { leaf, inter, root, leafKey } = testPki();
    const bundle = leafKey.pem + pem(leaf) + '\r\n' + pem(inter).replace(/\n/g, '\r\n') + pem(root);
    assert.equal(readCertificates(bundle).length, 3);
    const der = Buffer.from(readCertificates(pem(leaf))[0]);
    assert.equal(readCertificates(der).length, 1);
    assert.equal(readCertificates(new Uint8Array(der)).length, 1);
    assert.equal(describeCertificate(der).subject.commonName, 'esx01.lab.local');
  });

  it('reads PKCS#7 bundles: PEM, DER, and PEM labelled CERTIFICATE as Microsoft writes them', () => {
    const { leaf, inter, root } = testPki();
    const asPem = p7b([leaf, inter, root], 'pem') as string;
    assert.match(asPem, /BEGIN PKCS7/);
    const fromPem = readCertificates(asPem).map((d) => describeCertificate(d).subject.commonName);
    assert.deepEqual(fromPem, ['esx01.lab.local', 'Lab Issuing CA', 'Lab Root CA']);
    assert.equal(readCertificates(p7b([leaf, inter, root], 'der')).length, 3);
    const msStyle = asPem.replace(/PKCS7/g, 'CERTIFICATE');
    assert.equal(readCertificates(msStyle).length, 3);
  });

  it('reads UTF-16 text files as Windows tools may write them', () => {
    const { root } = testPki();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem(root), 'utf16le')]);
    assert.equal(describeCertificate(utf16).subject.commonName, 'Lab Root CA');
  });

  it('explains what it cannot read', () => {
    assert.throws(() => readCertificates('hello'), CertificateParseError);
    assert.throws(() => readCertificates(rsaKey(2048, 'leaf').pem), /No certificate found: the file holds RSA PRIVATE KEY/);
    assert.throws(() => readCertificates(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])), /not an X.509 certificate/);
  });
});
