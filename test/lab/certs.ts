/**
 * Certificates for the lab: self-signed RSA certificates like the weak defaults
 * vCenter/ESXi and vcsim ship (vcsim's built-in one is RSA-1024, O=Acme Co).
 * Keys come from Node's native crypto (fast); node-forge only builds the X.509.
 */
import * as crypto from 'node:crypto';
import * as tls from 'node:tls';
import forge from 'node-forge';
import { utils } from 'ssh2';

export interface LabCert {
  certPem: string;
  keyPem: string;
  thumbprintSha256: string;
  thumbprintSha1: string;
}

export interface LabCertOptions {
  commonName?: string;
  bits?: number;
  /** DNS names and IP addresses for subjectAltName. */
  altNames?: string[];
  /** Valid for this many days from now (default 365); 0 or less: expired that many days ago. */
  days?: number;
}

/** Colon-separated upper-case hex, as vSphere shows thumbprints. */
export function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().match(/../g)!.join(':');
}

export function thumbprintsOfDer(der: Buffer): { sha256: string; sha1: string } {
  return {
    sha256: colonHex(crypto.createHash('sha256').update(der).digest()),
    sha1: colonHex(crypto.createHash('sha1').update(der).digest()),
  };
}

export function thumbprintsOfPem(pem: string): { sha256: string; sha1: string } {
  return thumbprintsOfDer(new crypto.X509Certificate(pem).raw);
}

export function makeSelfSignedCert(opts: LabCertOptions = {}): LabCert {
  const cn = opts.commonName ?? 'localhost.localdomain';
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 1024 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pubPem);
  cert.serialNumber = '01' + crypto.randomBytes(8).toString('hex');
  const now = new Date();
  const days = opts.days ?? 365;
  cert.validity.notAfter = new Date(now.getTime() + days * 86_400_000);
  // An expired one (days <= 0) was valid for a year before it ran out.
  cert.validity.notBefore = new Date(days > 0 ? now.getTime() - 60_000 : cert.validity.notAfter.getTime() - 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: cn }, { name: 'organizationName', value: 'vSphere Lab' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const alt = opts.altNames ?? [cn, '127.0.0.1'];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: alt.map((n) => (/^\d+\.\d+\.\d+\.\d+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const tp = thumbprintsOfPem(certPem);
  return { certPem, keyPem, thumbprintSha256: tp.sha256, thumbprintSha1: tp.sha1 };
}

/** The certificate a TLS endpoint serves right now, measured over a real handshake. */
export function servedThumbprints(host: string, port: number, timeoutMs = 5000): Promise<{ sha256: string; sha1: string; der: Buffer }> {
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs });
    sock.once('secureConnect', () => {
      const der = sock.getPeerCertificate().raw;
      sock.destroy();
      resolve({ ...thumbprintsOfDer(der), der });
    });
    sock.once('timeout', () => {
      sock.destroy();
      reject(new Error(`TLS handshake with ${host}:${port} timed out`));
    });
    sock.once('error', reject);
  });
}

/**
 * An ed25519 key pair in OpenSSH format. ssh2's generateKeyPairSync('ed25519') now and
 * then (about 1 in 200 here) emits a public key whose 32-byte point lost its leading
 * zero byte, which its own parser (and OpenSSH) then reject; retry until both halves
 * parse and agree.
 */
export function generateEd25519(comment?: string): { private: string; public: string; blob: Buffer } {
  for (let i = 0; i < 50; i++) {
    const k = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    const pub = utils.parseKey(k.public);
    const priv = utils.parseKey(k.private);
    if (pub instanceof Error || priv instanceof Error || Array.isArray(pub) || Array.isArray(priv)) continue;
    const blob = pub.getPublicSSH();
    if (blob.length === 51 && blob.equals(priv.getPublicSSH())) return { private: k.private, public: k.public, blob };
  }
  throw new Error('could not generate a well-formed ed25519 key');
}
