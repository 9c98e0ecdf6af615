/**
 * A small test PKI built in-process with node-forge: root CA → intermediate CA → server certificates,
 * with knobs for every defect verify() must catch. Keys come from Node's native generator (512-bit
 * too, where OpenSSL allows it; otherwise forge's pure-JS generator, fast at that size).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as forge from 'node-forge';
import { toForgePrivateKey } from '../../../src/core/certs/request';

export interface TestKey {
  readonly node: KeyObject;
  readonly forge: forge.pki.rsa.PrivateKey;
  readonly forgePublic: forge.pki.rsa.PublicKey;
  /** PKCS#1 PEM. */
  readonly pem: string;
}

const keyCache = new Map<string, TestKey>();

/** An RSA key; the same `label` returns the same key (keygen is the slow part of these tests). */
export function rsaKey(bits: number, label = `k${bits}`): TestKey {
  const hit = keyCache.get(label);
  if (hit) return hit;
  let pem: string;
  try {
    pem = generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  } catch {
    const kp = forge.pki.rsa.generateKeyPair({ bits, e: 0x10001 });
    pem = forge.pki.privateKeyToPem(kp.privateKey);
  }
  const fk = toForgePrivateKey(pem);
  const key: TestKey = {
    node: createPrivateKey(pem),
    forge: fk,
    forgePublic: forge.pki.setRsaPublicKey(fk.n, fk.e),
    pem,
  };
  keyCache.set(label, key);
  return key;
}

export interface IssueOptions {
  readonly cn: string;
  readonly o?: string;
  readonly key: TestKey;
  /** Issuer certificate and key; omit for self-signed. */
  readonly issuer?: { readonly cert: forge.pki.Certificate; readonly key: TestKey };
  readonly ca?: boolean;
  readonly pathLen?: number;
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  /** EKU names; null = no EKU extension. Default serverAuth for non-CA. */
  readonly eku?: readonly string[] | null;
  /** keyUsage names; null = none. */
  readonly keyUsage?: readonly string[] | null;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly hash?: 'sha256' | 'sha1' | 'md5';
  /** X.509 v1, no extensions at all. */
  readonly v1?: boolean;
}

let serial = 0x1000;

export function issue(o: IssueOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.key.forgePublic;
  cert.serialNumber = (serial++).toString(16).padStart(6, '0');
  const now = Date.now();
  cert.validity.notBefore = o.notBefore ?? new Date(now - 86_400_000);
  cert.validity.notAfter = o.notAfter ?? new Date(now + 365 * 86_400_000);
  const subject = [...(o.o ? [{ shortName: 'O', value: o.o }] : []), { shortName: 'CN', value: o.cn }];
  cert.setSubject(subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : subject);
  if (o.v1) {
    cert.version = 0;
  } else {
    const exts: object[] = [];
    if (o.ca) exts.push({ name: 'basicConstraints', cA: true, critical: true, ...(o.pathLen !== undefined ? { pathLenConstraint: o.pathLen } : {}) });
    else exts.push({ name: 'basicConstraints', cA: false });
    const ku = o.keyUsage === undefined ? (o.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']) : o.keyUsage;
    if (ku) exts.push({ name: 'keyUsage', critical: true, ...Object.fromEntries(ku.map((k) => [k, true])) });
    const eku = o.eku === undefined ? (o.ca ? null : ['serverAuth']) : o.eku;
    if (eku) exts.push({ name: 'extKeyUsage', ...Object.fromEntries(eku.map((k) => [k, true])) });
    const alt = [...(o.dns ?? []).map((value) => ({ type: 2, value })), ...(o.ip ?? []).map((ip) => ({ type: 7, ip }))];
    if (alt.length) exts.push({ name: 'subjectAltName', altNames: alt });
    cert.setExtensions(exts);
  }
  const md = o.hash === 'sha1' ? forge.md.sha1.create() : o.hash === 'md5' ? forge.md.md5.create() : forge.md.sha256.create();
  cert.sign((o.issuer?.key ?? o.key).forge, md);
  return cert;
}

export const pem = (c: forge.pki.Certificate): string => forge.pki.certificateToPem(c).replace(/\r\n/g, '\n');

export interface TestPki {
  readonly rootKey: TestKey;
  readonly root: forge.pki.Certificate;
  readonly interKey: TestKey;
  readonly inter: forge.pki.Certificate;
  readonly leafKey: TestKey;
  /** esx01.lab.local, esx01, 10.0.0.5 */
  readonly leaf: forge.pki.Certificate;
  /** inter + root PEM */
  readonly chainPem: string;
}

let cachedPki: TestPki | undefined;

/** Root "Lab Root CA" → "Lab Issuing CA" → esx01.lab.local (SANs FQDN, short name, IP). */
export function testPki(): TestPki {
  if (cachedPki) return cachedPki;
  const rootKey = rsaKey(2048, 'root');
  const root = issue({ cn: 'Lab Root CA', o: 'Lab', key: rootKey, ca: true });
  const interKey = rsaKey(2048, 'inter');
  const inter = issue({ cn: 'Lab Issuing CA', o: 'Lab', key: interKey, ca: true, pathLen: 0, issuer: { cert: root, key: rootKey } });
  const leafKey = rsaKey(2048, 'leaf');
  const leaf = issue({ cn: 'esx01.lab.local', key: leafKey, dns: ['esx01.lab.local', 'esx01'], ip: ['10.0.0.5'], issuer: { cert: inter, key: interKey } });
  cachedPki = { rootKey, root, interKey, inter, leafKey, leaf, chainPem: pem(inter) + pem(root) };
  return cachedPki;
}

/** A PKCS#7 (certs-only) bundle as forge writes it. */
export function p7b(certs: readonly forge.pki.Certificate[], form: 'pem' | 'der' = 'pem'): string | Buffer {
  const p7 = forge.pkcs7.createSignedData();
  for (const c of certs) p7.addCertificate(c);
  if (form === 'pem') return forge.pkcs7.messageToPem(p7).replace(/\r\n/g, '\n');
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

/** An EC P-256 self-signed certificate made with `openssl req -x509 -sha384` (forge cannot make EC ones). */
export const EC_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBujCCAWCgAwIBAgIUel4X6OS2GFlbJd2E0tCrGt1okCUwCgYIKoZIzj0EAwMw
JTEMMAoGA1UECgwDTGFiMRUwEwYDVQQDDAxlYy5sYWIubG9jYWwwIBcNMjYxMTI2
MTMxOTQ4WhgPMjEyNjExMDIxMzE5NDhaMCUxDDAKBgNVBAoMA0xhYjEVMBMGA1UE
AwwMZWMubGFiLmxvY2FsMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECIrgSBY5
ffIO0hGIVgS4veU18nixVH8l57uuaqMSs9dLCjmv+gTNkLi2LKMAQytQ+CtOuyRD
Fcmr0+UWg8041aNsMGowHQYDVR0OBBYEFKSS3KmLcXGt0PAWLTppjc5jxEluMB8G
A1UdIwQYMBaAFKSS3KmLcXGt0PAWLTppjc5jxEluMA8GA1UdEwEB/wQFMAMBAf8w
FwYDVR0RBBAwDoIMZWMubGFiLmxvY2FsMAoGCCqGSM49BAMDA0gAMEUCIQChJGSz
f/zEwaUDJFVzLa6fK7HH1ygtu3CX/FoYU04T/gIgM9unsSw8mjrtijxf5RJGsXw5
SIme5j8S2EGAiLyKHEY=
-----END CERTIFICATE-----
`;
export const EC_CERT_SHA256 = 'A9:88:34:AA:46:0C:07:38:E0:C7:34:2C:9D:06:C3:59:84:A1:8C:AD:C6:6A:AE:3E:73:4F:0F:9C:9B:0F:1C:26';
