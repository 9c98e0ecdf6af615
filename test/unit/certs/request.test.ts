import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import * as forge from 'node-forge';
import {
  createRequest, describeRequest, microsoftCaInstructions, requestForKey, RequestError, splitSans, suggestSans,
} from '../../../src/core/certs/request';
import { rsaKey } from './pki';

describe('certs/request key + CSR', () => {
  it('generates a 2048-bit key in both PEM forms and a CSR whose fields parse back with forge', async () => {
    const r = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01.lab.local', 'esx01', '10.0.0.5'], o: 'Lab Corp', ou: 'IT', l: 'Springfield', st: 'Oregon', c: 'us' });
    assert.match(r.keyPkcs1Pem, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(r.keyPkcs8Pem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(r.bits, 2048);
    const csr = forge.pki.certificationRequestFromPem(r.csrPem);
    assert.equal(csr.verify(), true, 'forge verifies the CSR signature');
    const subj = Object.fromEntries(csr.subject.attributes.map((a) => [a.shortName, a.value]));
    assert.deepEqual(subj, { C: 'US', ST: 'Oregon', L: 'Springfield', O: 'Lab Corp', OU: 'IT', CN: 'esx01.lab.local' });
    const ext = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions: Record<string, unknown>[] }).extensions;
    const byName = Object.fromEntries(ext.map((e) => [e.name as string, e]));
    assert.equal(byName.keyUsage.digitalSignature, true);
    assert.equal(byName.keyUsage.keyEncipherment, true);
    assert.equal(byName.keyUsage.dataEncipherment, true);
    assert.equal(byName.keyUsage.critical, true);
    assert.equal(byName.extKeyUsage.serverAuth, true);
    assert.equal(byName.extKeyUsage.clientAuth, undefined);
    const alt = byName.subjectAltName.altNames as { type: number; value: string; ip?: string }[];
    assert.deepEqual(alt.map((a) => (a.type === 7 ? `IP:${a.ip}` : `DNS:${a.value}`)), ['DNS:esx01.lab.local', 'DNS:esx01', 'IP:10.0.0.5']);
    // the CSR's public key is the generated key's
    const csrSpki = forge.asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes();
    assert.ok(Buffer.from(csrSpki, 'binary').equals(createPublicKey(r.keyPkcs8Pem).export({ type: 'spki', format: 'der' })));
  });

  it('options: without dataEncipherment, with clientAuth, default SANs, existing key, sha512', () => {
    const k = rsaKey(2048, 'leaf');
    const r = requestForKey(k.node, { cn: 'vc01.lab.local', dataEncipherment: false, clientAuth: true, hash: 'sha512' });
    const d = describeRequest(r.csrPem);
    assert.deepEqual(d.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(d.extendedKeyUsage, ['serverAuth', 'clientAuth']);
    assert.deepEqual(d.sans, { dns: ['vc01.lab.local', 'vc01'], ip: [] });
    assert.equal(d.signatureAlgorithm, 'sha512WithRSAEncryption');
    assert.equal(d.signatureValid, true);
    assert.equal(d.keyBits, 2048);
  });

  it('describeRequest notices a tampered CSR', () => {
    const r = requestForKey(rsaKey(2048, 'leaf').pem, { cn: 'esx01.lab.local' });
    const der = Buffer.from(r.csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const at = der.indexOf('esx01.lab.local');
    assert.ok(at > 0);
    der.write('esx02', at, 'latin1'); // same length: the DER stays well-formed, the signature no longer fits
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.equal(describeRequest(pem).commonName, 'esx02.lab.local');
    assert.equal(describeRequest(pem).signatureValid, false);
  });

  it('validates input', async () => {
    await assert.rejects(createRequest({ cn: 'x', bits: 1024 as 2048 }), /1024 is not offered/);
    await assert.rejects(createRequest({ cn: ' ' }), RequestError);
    await assert.rejects(createRequest({ cn: 'x', c: 'USA' }), /two-letter/);
    assert.throws(() => splitSans(['esx 01']), /neither a host name nor an IP/);
    assert.deepEqual(splitSans(['DNS:Esx01.Lab.Local.', 'ip:10.0.0.5', '10.0.0.5', 'esx01.lab.local', '*.lab.local', '[fd00::1]']),
      { dns: ['esx01.lab.local', '*.lab.local'], ip: ['10.0.0.5', 'fd00::1'] });
    assert.deepEqual(suggestSans('esx01.lab.local', '10.0.0.5'), ['esx01.lab.local', 'esx01', '10.0.0.5']);
    assert.deepEqual(suggestSans('10.0.0.5'), ['10.0.0.5']);
  });

  it('Microsoft CA instructions: certreq, SAN variant, pending steps, web enrolment', () => {
    const m = microsoftCaInstructions({ template: 'VMwareCert', caConfig: 'ca01\\Lab CA', caHost: 'ca01.lab.local', sanAttribute: { dns: ['esx01.lab.local', 'esx01'], ip: ['10.0.0.5'] } });
    assert.equal(m.submitCommand, 'certreq -submit -config "ca01\\Lab CA" -attrib "CertificateTemplate:VMwareCert" rui.csr rui.crt');
    assert.equal(m.submitWithSanCommand, 'certreq -submit -config "ca01\\Lab CA" -attrib "CertificateTemplate:VMwareCert\\nSAN:dns=esx01.lab.local&dns=esx01&ipaddress=10.0.0.5" rui.csr rui.crt');
    assert.ok(m.pendingSteps.some((s) => s.includes('certreq -retrieve -config "ca01\\Lab CA" <RequestId> rui.crt')));
    assert.ok(m.pendingSteps.some((s) => s.includes('certutil -resubmit')));
    assert.match(m.webEnrollmentSteps[0], /http:\/\/ca01.lab.local\/certsrv/);
    assert.ok(m.webEnrollmentSteps.some((s) => /Base 64 encoded.*certificate chain.*\.p7b/.test(s)));
    const d = microsoftCaInstructions();
    assert.equal(d.submitCommand, 'certreq -submit -attrib "CertificateTemplate:WebServer" rui.csr rui.crt');
    assert.equal(d.submitWithSanCommand, undefined);
  });
});
