/**
 * Inspect the certificate a live TLS endpoint serves (an ESX(i) host, a vCenter) and judge it.
 *
 * The connection never rejects the certificate (we want to see bad ones), but it records whether a
 * client verifying against Node's root store and the host name would accept it. Old hosts speak only
 * TLS 1.0 with 512/1024-bit keys, so the client allows TLS 1.0 and OpenSSL security level 0: this
 * is a read-only look, no credentials are sent. (Trusting / pinning lives in src/core/vsphere.)
 *
 * `describeCertificate` and `analyseChain` are pure and re-exported here for callers and tests.
 */
import { LabError } from '../errors';
import * as tls from 'node:tls';
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { analyseChain, describeCertShort } from './analyse';
import { loadCertificate, readCertificates, type LoadedCertificate } from './x509';
import { chainsToAnchor } from './verify';
import type { CertificateInfo, EndpointInspection, Finding } from './types';

export { analyseChain } from './analyse';
export { describeCertificate, readCertificates } from './x509';

export interface InspectOptions {
  /** SNI name and the name checked against the certificate (default: host, unless it is an IP). */
  readonly servername?: string;
  /** Whole operation (connect + handshake); default 10 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Clock for date findings (tests). */
  readonly now?: Date;
  /**
   * Root certificates (PEM or DER) of a private CA the user works with, e.g. the internal CA whose
   * chain was imported in the wizard. A chain that leads to one of them is reported as "signed by
   * your CA" (info) instead of "untrusted" (warning): this machine's root store does not know it.
   */
  readonly privateRoots?: readonly (string | Uint8Array)[];
}

export class InspectError extends LabError {
  constructor(message: string, code: string) {
    super(code, message);
    this.name = 'InspectError';
  }
}

/** `host`, `host:port`, `[v6]:port`, bare IPv6, or an https:// URL → host and port. */
export function parseEndpoint(text: string, defaultPort = 443): { host: string; port: number } {
  let t = text.trim();
  const url = /^[a-z]+:\/\//i.test(t) ? new URL(t) : undefined;
  if (url) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { host, port: url.port ? Number(url.port) : defaultPort };
  }
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) return { host: bracket[1], port: bracket[2] ? Number(bracket[2]) : defaultPort };
  if (isIP(t) === 6) return { host: t, port };
  const m = /^(.*):(\d+)$/.exec(t);
  if (m) { t = m[1]; port = Number(m[2]); }
  if (!t || port < 1 || port > 65535) throw new InspectError(`"${text}" is not a host[:port].`, 'bad-endpoint');
  return { host: t, port };
}

let rootStoreHashes: Set<string> | undefined;
function inRootStore(der: Buffer): boolean {
  if (!rootStoreHashes) {
    rootStoreHashes = new Set(tls.rootCertificates.map((pem) => {
      const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      return createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
    }));
  }
  return rootStoreHashes.has(createHash('sha256').update(der).digest('hex'));
}

/** Admin-language explanation of Node/OpenSSL verification codes. */
const TRUST_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a root CA this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'it was issued by a CA this machine does not trust, or the server does not send its intermediate CA certificates',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it was issued by a CA this machine does not trust, or the server does not send its intermediate CA certificates',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name the host connected to',
  CERT_SIGNATURE_FAILURE: 'a signature in the chain does not verify',
};

/** Connects, reads the chain, and judges it. Rejects with {@link InspectError} on connection problems. */
export function inspectEndpoint(host: string, port = 443, options: InspectOptions = {}): Promise<EndpointInspection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const servername = options.servername ?? (isIP(host) ? undefined : host);
  const checkedName = options.servername ?? host;
  return new Promise<EndpointInspection>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new InspectError('Inspection cancelled.', 'cancelled'));
      return;
    }
    let settled = false;
    const socket = tls.connect({
      host, port,
      ...(servername ? { servername } : {}),
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const finish = (err: InspectError | undefined, result?: EndpointInspection): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err); else resolve(result!);
    };
    const onAbort = (): void => finish(new InspectError('Inspection cancelled.', 'cancelled'));
    options.signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(() => finish(new InspectError(
      `No TLS answer from ${host}:${port} within ${Math.round(timeoutMs / 1000)} s. Check the address, the port and any firewall.`, 'timeout')), timeoutMs);

    socket.once('secureConnect', () => {
      try {
        const ders = peerChain(socket);
        if (ders.length === 0) {
          finish(new InspectError(`${host}:${port} completed the TLS handshake without a certificate.`, 'no-certificate'));
          return;
        }
        const now = options.now ?? new Date();
        const chain = ders.map((der) => ({ ...loadCertificate(der).info, inSystemTrustStore: inRootStore(der) }));
        const error = socket.authorized ? undefined : String(socket.authorizationError ?? 'unknown');
        const findings = analyseChain(chain, checkedName, now);
        const trustFinding = untrustedFinding(chain, error, ders, options.privateRoots);
        if (trustFinding) findings.push(trustFinding);
        const cipher = socket.getCipher();
        const protocol = socket.getProtocol();
        finish(undefined, {
          host, port,
          ...(options.servername ? { servername: options.servername } : {}),
          checkedName,
          ...(protocol ? { protocol } : {}),
          ...(cipher ? { cipher: cipher.name } : {}),
          chain,
          trust: error ? { authorized: false, error } : { authorized: true },
          findings,
          checkedAt: now.toISOString(),
        });
      } catch (err) {
        finish(new InspectError(`The certificate from ${host}:${port} cannot be read: ${(err as Error).message}`, 'bad-certificate'));
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => finish(connectError(err, host, port)));
  });
}

function peerChain(socket: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(Buffer.from(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out;
}

/** Verification codes that mean "no trusted issuer", as opposed to a bad date, name or signature. */
const ISSUER_UNKNOWN = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

function untrustedFinding(chain: readonly CertificateInfo[], error: string | undefined, ders: readonly Buffer[], privateRoots?: readonly (string | Uint8Array)[]): Finding | undefined {
  if (!error) return undefined;
  // Self-signed and name problems already have their own findings.
  if (error === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error === 'ERR_TLS_CERT_ALTNAME_INVALID') return undefined;
  if (ISSUER_UNKNOWN.has(error) && privateRoots?.length) {
    let root: LoadedCertificate | undefined;
    try {
      root = chainsToAnchor(ders, privateRoots.flatMap((r) => readCertificates(r)));
    } catch {
      root = undefined; // an unreadable root file is the import step's business; judge as untrusted
    }
    if (root) {
      return {
        code: 'private-ca', severity: 'info', certIndex: 0,
        message: `${describeCertShort(chain[0])} chains to your CA ${describeCertShort(root.info)}. This machine's standard root store does not include it, so clients must have that root installed (Group Policy for Windows domain members, or each client's trust store).`,
      };
    }
  }
  const why = TRUST_ERRORS[error] ?? 'verification failed';
  return {
    code: 'untrusted', severity: 'warning', certIndex: 0,
    message: `A client checking against the standard trusted CAs would reject ${describeCertShort(chain[0])}: ${why} (${error}). Import your CA's root certificate on the clients, or pin the thumbprint.`,
  };
}

function connectError(err: NodeJS.ErrnoException, host: string, port: number): InspectError {
  switch (err.code) {
    case 'ECONNREFUSED': return new InspectError(`Nothing is listening on ${host}:${port} (connection refused).`, 'refused');
    case 'ENOTFOUND': case 'EAI_AGAIN': return new InspectError(`The name "${host}" cannot be resolved; check DNS or use the IP address.`, 'dns');
    case 'EHOSTUNREACH': case 'ENETUNREACH': return new InspectError(`${host} cannot be reached from this machine (${err.code}).`, 'unreachable');
    case 'ECONNRESET': return new InspectError(`${host}:${port} closed the connection during the TLS handshake; the port may not speak TLS.`, 'reset');
    default: break;
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(err.message)) {
    return new InspectError(`${host}:${port} does not answer with TLS (${err.message}). Is this the HTTPS port?`, 'not-tls');
  }
  return new InspectError(`TLS handshake with ${host}:${port} failed: ${err.message}`, 'handshake');
}
