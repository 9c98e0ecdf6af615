/**
 * Certificates with impossible dates from a live TLS peer: the trust prompt's reader describes them
 * (a warning, never an exception in a socket callback), the certificate reader refuses them with a
 * message, and no month-13 notAfter is ever read as a valid date.
 */
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { fetchPeerCertificate, describeCertificate } from '../../../src/core/vsphere/tls';
import { inspectEndpoint } from '../../../src/core/certs/inspect';
import { CertificateParseError, readCertificates, loadCertificate } from '../../../src/core/certs/x509';
import { badDateCert, tlsPeer, type Peer } from './servers';

describe('hostile: certificates with bad dates', function () {
  this.timeout(30_000);
  let peer: Peer | undefined;
  afterEach(async () => { await peer?.close(); peer = undefined; });

  it('the trust prompt reads a month-13 notAfter from a live server as a warning, not a crash', async () => {
    const cert = badDateCert('261301000000Z');
    peer = await tlsPeer(cert);
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown): void => { uncaught.push(e); };
    process.on('uncaughtException', onUncaught);
    try {
      const d = await fetchPeerCertificate({ host: '127.0.0.1', port: peer.port }, { timeoutMs: 5000 });
      assert.ok(d.warnings.some((w) => /unreadable validity dates|malformed/.test(w)) || !/^2027-01/.test(d.validTo),
        `a month-13 notAfter must not read as January of the next year: ${d.validTo} ${d.warnings.join('; ')}`);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    assert.deepEqual(uncaught, []);
  });

  it('the certificate reader refuses a month-13 notAfter, and a 31 April, with a message', () => {
    for (const bad of ['261301000000Z', '260431000000Z', '261231240000Z', '20261301000000Z']) {
      const [der] = readCertificates(badDateCert(bad).certPem);
      assert.throws(() => loadCertificate(der), (e: unknown) => e instanceof CertificateParseError && /notAfter time "\d+Z" is not a valid date/.test(e.message), bad);
    }
    const [ok] = readCertificates(badDateCert('261231235959Z').certPem);
    assert.equal(loadCertificate(ok).info.notAfter, '2026-12-31T23:59:59.000Z');
  });

  it('the inspection of a live server with a month-13 notAfter fails with a message, within its bound', async () => {
    peer = await tlsPeer(badDateCert('261301000000Z'));
    await assert.rejects(inspectEndpoint('127.0.0.1', peer.port, { timeoutMs: 5000 }), (e: unknown) => /cannot be read.*not a valid date/.test((e as Error).message));
  });

  it('describeCertificate never throws on what Node cannot date', () => {
    const der = new X509Certificate(badDateCert('491301000000Z').certPem).raw;
    const d = describeCertificate(der);
    assert.equal(typeof d.validTo, 'string');
  });
});
