/**
 * TLS trust for vSphere endpoints: system CAs first; a self-signed or unknown-issuer certificate is
 * described so the user can decide, then pinned by its SHA-256 thumbprint. A pinned agent checks
 * the thumbprint on every new socket before any byte of a request is written.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { CancelledError } from '../errors';
import type { CertificateDescription } from './certificate';
import { CertificateChangedError, ConnectionError, TimeoutError } from './errors';

export type { CertificateDescription } from './certificate';

export type TrustPolicy =
  | { mode: 'system' }
  | { mode: 'pinned'; sha256: string }
  | { mode: 'insecure' };

/** Formats bytes as `AA:BB:…`. */
export function formatThumbprint(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * Normalises a thumbprint typed by a user: accepts `aa:bb…`, `AABB…`, spaces or dashes; returns
 * `AA:BB:…` or undefined when it is not 20 or 32 bytes of hex.
 */
export function normalizeThumbprint(input: string): string | undefined {
  const hex = input.trim().replace(/^(sha-?256|sha-?1)\s*[:=]?\s*/i, '').replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || (hex.length !== 64 && hex.length !== 40)) return undefined;
  return formatThumbprint(Buffer.from(hex, 'hex'));
}

export function thumbprintSha256(der: Uint8Array): string {
  return formatThumbprint(crypto.createHash('sha256').update(der).digest());
}

export function thumbprintSha1(der: Uint8Array): string {
  return formatThumbprint(crypto.createHash('sha1').update(der).digest());
}

const SIG_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Reads one DER TLV header at `pos`: returns [tag, contentStart, contentLength]. */
function derHeader(der: Uint8Array, pos: number): [number, number, number] {
  const tag = der[pos];
  let len = der[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + der[start + k];
    start += n;
  }
  if (start + len > der.length) throw new Error('truncated DER');
  return [tag, start, len];
}

function decodeOid(bytes: Uint8Array): string {
  const parts: number[] = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let v = 0;
  for (let k = 1; k < bytes.length; k++) {
    v = v * 128 + (bytes[k] & 0x7f);
    if (!(bytes[k] & 0x80)) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

/** The outer signatureAlgorithm of an X.509 certificate (Certificate ::= SEQUENCE { tbs, sigAlg, sig }). */
export function signatureAlgorithmOf(der: Uint8Array): string {
  try {
    const [, certStart] = derHeader(der, 0);
    const [, tbsStart, tbsLen] = derHeader(der, certStart);
    const [, algStart] = derHeader(der, tbsStart + tbsLen);
    const [oidTag, oidStart, oidLen] = derHeader(der, algStart);
    if (oidTag !== 0x06) return 'unknown';
    const oid = decodeOid(der.subarray(oidStart, oidStart + oidLen));
    return SIG_OIDS[oid] ?? oid;
  } catch {
    return 'unknown';
  }
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/** Describes a DER certificate for a trust prompt. `now` is injectable for tests. */
export function describeCertificate(der: Uint8Array, now: Date = new Date()): CertificateDescription {
  const x = new crypto.X509Certificate(der);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = (key.asymmetricKeyType ?? 'unknown').toUpperCase().replace('RSA-PSS', 'RSA-PSS');
  let keyBits = details.modulusLength ?? 0;
  const curve = details.namedCurve;
  if (!keyBits && curve) {
    const m = /(\d{3})/.exec(curve);
    keyBits = m ? Number(m[1]) : 0;
  }
  if (!keyBits && key.asymmetricKeyType === 'ed25519') keyBits = 256;
  const selfSigned = x.subject === x.issuer && (() => { try { return x.verify(key); } catch { return false; } })();
  const sigAlg = signatureAlgorithmOf(der);
  const warnings: string[] = [];
  if (selfSigned) warnings.push('self-signed: nobody vouches for this certificate; compare the thumbprint with the one shown on the server console');
  if (keyType.startsWith('RSA') && keyBits > 0 && keyBits < 2048) warnings.push(`weak key: RSA ${keyBits}-bit (less than 2048 bits)`);
  // A certificate with unreadable dates is described, not thrown on (this runs inside a trust prompt).
  const from = new Date(x.validFrom);
  const to = new Date(x.validTo);
  const iso = (d: Date, raw: string): string => (Number.isFinite(d.getTime()) ? d.toISOString() : `unreadable (${raw.slice(0, 40)})`);
  if (!Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime())) warnings.push('unreadable validity dates: the certificate is malformed; do not trust it');
  else {
    if (to.getTime() < now.getTime()) warnings.push(`expired on ${to.toISOString()}`);
    if (from.getTime() > now.getTime()) warnings.push(`not yet valid: valid from ${from.toISOString()}`);
  }
  if (/sha1|md5/i.test(sigAlg)) warnings.push(`weak signature algorithm: ${sigAlg}`);
  return {
    subject: oneLine(x.subject),
    issuer: oneLine(x.issuer),
    keyType: keyType === 'EC' ? 'EC' : keyType,
    keyBits,
    ...(curve ? { curve } : {}),
    signatureAlgorithm: sigAlg,
    validFrom: iso(from, x.validFrom),
    validTo: iso(to, x.validTo),
    serialNumber: x.serialNumber,
    subjectAltNames: (x.subjectAltName ?? '').split(/,\s*/).filter(Boolean),
    sha256: thumbprintSha256(der),
    sha1: thumbprintSha1(der),
    selfSigned,
    warnings,
  };
}

/** Human text of a description (CLI, logs). */
export function formatCertificateDescription(d: CertificateDescription): string {
  const lines = [
    `Subject:   ${d.subject}`,
    `Issuer:    ${d.issuer}${d.selfSigned ? ' (self-signed)' : ''}`,
    `Key:       ${d.keyType} ${d.keyBits} bits${d.curve ? ` (${d.curve})` : ''}`,
    `Signature: ${d.signatureAlgorithm}`,
    `Valid:     ${d.validFrom} .. ${d.validTo}`,
    `SHA-256:   ${d.sha256}`,
    `SHA-1:     ${d.sha1}`,
  ];
  for (const w of d.warnings) lines.push(`Warning:   ${w}`);
  return lines.join('\n');
}

/** Node's verification error codes that mean "not trusted" (as opposed to a network failure). */
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED',
  'INVALID_CA', 'CERT_CHAIN_TOO_LONG', 'PATH_LENGTH_EXCEEDED', 'EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK',
]);

export function isUntrustedCertificateError(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && UNTRUSTED_CODES.has(code) ? code : undefined;
}

/** Readable reason for a verification code. */
export function untrustedReason(code: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT': return 'self-signed certificate';
    case 'SELF_SIGNED_CERT_IN_CHAIN': return 'self-signed certificate in the chain';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'issued by an unknown certificate authority';
    case 'CERT_HAS_EXPIRED': return 'certificate expired';
    case 'CERT_NOT_YET_VALID': return 'certificate not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID': return 'certificate does not cover this host name';
    case 'EE_KEY_TOO_SMALL': case 'CA_KEY_TOO_SMALL': return 'key too small for this system\'s TLS policy';
    default: return code;
  }
}

export interface Endpoint {
  host: string;
  port: number;
  /** SNI name (omitted for IP addresses). */
  servername?: string;
}

/** Connects without verification to read the peer's leaf certificate (for a trust prompt). */
export function fetchPeerCertificate(ep: Endpoint, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CertificateDescription> {
  const timeoutMs = opts.timeoutMs ?? 15000;
  const target = `${ep.host}:${ep.port}`;
  return new Promise((resolve, reject) => {
    const sock = tls.connect({ host: ep.host, port: ep.port, servername: ep.servername, rejectUnauthorized: false });
    const timer = setTimeout(() => { sock.destroy(); reject(new TimeoutError(target, 'Reading the TLS certificate', timeoutMs)); }, timeoutMs);
    const onAbort = (): void => { sock.destroy(); clearTimeout(timer); reject(new CancelledError('Reading the TLS certificate')); };
    if (opts.signal?.aborted) { onAbort(); return; }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const cert = sock.getPeerCertificate(false);
      sock.end();
      if (!cert?.raw) { reject(new ConnectionError(target, 'ENOCERT')); return; }
      try {
        resolve(describeCertificate(cert.raw));
      } catch (e) {
        // Inside a socket callback a throw would be an uncaught exception in the extension host.
        reject(new ConnectionError(target, 'EBADCERT', e));
      }
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new ConnectionError(target, e.code ?? 'ETLS', e));
    });
  });
}

type CreateConnCb = (err: Error | null, stream: Duplex) => void;

/**
 * An https.Agent pinned to a SHA-256 thumbprint. Each new socket is handed to the HTTP client only
 * after the handshake completed and the leaf certificate matched, so nothing (not even the session
 * cookie) reaches a server with another certificate. TLS session reuse is off: every socket does a
 * full handshake and is checked.
 */
export class PinnedAgent extends https.Agent {
  readonly expected: string;
  /** The request's own timeout starts only once the socket is handed over; this bounds the handshake. */
  readonly handshakeTimeoutMs: number;
  constructor(sha256: string, options: https.AgentOptions & { handshakeTimeoutMs?: number } = {}) {
    super({ ...options, keepAlive: true, maxCachedSessions: 0, rejectUnauthorized: false });
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 30000;
    const n = normalizeThumbprint(sha256);
    if (!n) throw new TypeError(`not a SHA-256 thumbprint: ${sha256}`);
    this.expected = n;
  }

  createConnection(options: https.RequestOptions, cb?: CreateConnCb): Duplex | null | undefined {
    const sock = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false, session: undefined });
    const target = `${options.host ?? 'server'}:${options.port ?? 443}`;
    const onError = (e: Error): void => { clearTimeout(timer); sock.on('error', () => undefined); cb?.(e, sock); };
    const timer = setTimeout(() => {
      const e = Object.assign(new Error(`TLS handshake with ${target} timed out`), { code: 'ETIMEDOUT' });
      sock.destroy(e);
    }, this.handshakeTimeoutMs);
    sock.once('error', onError);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      sock.removeListener('error', onError);
      const cert = sock.getPeerCertificate(false);
      const actual = cert?.raw ? thumbprintSha256(cert.raw) : '';
      if (actual !== this.expected) {
        let desc: CertificateDescription | undefined;
        try { desc = cert?.raw ? describeCertificate(cert.raw) : undefined; } catch { desc = undefined; }
        const err = new CertificateChangedError(target, this.expected, actual || '(none)', desc);
        sock.on('error', () => undefined);
        sock.destroy();
        cb?.(err, sock);
        return;
      }
      cb?.(null, sock);
    });
    return undefined;
  }
}

/**
 * The agent of `--insecure`: no verification, but the SHA-256 thumbprint of every certificate it
 * accepted is recorded, so the caller can say what it trusted blindly.
 */
export class InsecureAgent extends https.Agent {
  readonly accepted = new Set<string>();
  constructor(options: https.AgentOptions = {}) {
    super({ ...options, rejectUnauthorized: false });
  }

  createConnection(options: https.RequestOptions): Duplex {
    const sock = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    sock.once('secureConnect', () => {
      const raw = sock.getPeerCertificate(false)?.raw;
      if (raw) this.accepted.add(thumbprintSha256(raw));
    });
    return sock;
  }
}

/** Builds the keep-alive agent for a trust policy. */
export function createAgent(trust: TrustPolicy, options: https.AgentOptions & { handshakeTimeoutMs?: number } = {}): https.Agent {
  const { handshakeTimeoutMs, ...rest } = options;
  const base: https.AgentOptions = { keepAlive: true, maxSockets: 8, ...rest };
  switch (trust.mode) {
    case 'pinned': return new PinnedAgent(trust.sha256, { ...base, handshakeTimeoutMs });
    case 'insecure': return new InsecureAgent(base);
    default: return new https.Agent({ ...base, rejectUnauthorized: true });
  }
}
