/**
 * What every deploy route shares: the new certificate read once (leaf, chain, SHA-256), the live
 * proof by a TLS handshake (polled until a deadline), and the result shapes. The SSH route keeps
 * its own executor (src/core/esxi/deploy.ts); the API routes build on these.
 */
import { DeployError, sleep, StepFailure, StepLog } from '../../esxi/deploy';
import { CancelledError } from '../../errors';
import { lazy } from '../../lazy';
import type { CurrentCertificate, DeployRouteId, RouteDeployInput, RouteDeployResult, RouteMethod } from './types';

const certs = {
  inspect: lazy(() => require('../inspect') as typeof import('../inspect')),
  x509: lazy(() => require('../x509') as typeof import('../x509')),
};

export { DeployError, sleep, StepFailure, StepLog };

/** The new certificate as a route needs it: the leaf PEM, the CA certificates, its SHA-256. */
export interface NewCertificate {
  readonly leafPem: string;
  /** CA certificates: what followed the leaf in `cert`, then `chain`; PEM each, deduplicated. */
  readonly chainPems: readonly string[];
  readonly sha256: string;
  readonly subject: string;
}

/** Reads `input.cert` and `input.chain` (throws a DeployError in words when they are not certificates). */
export function readNewCertificate(input: RouteDeployInput): NewCertificate {
  const x = certs.x509();
  let ders: Buffer[];
  try {
    ders = x.readCertificates(input.cert);
  } catch (e) {
    throw new DeployError(`The new certificate cannot be read: ${(e as Error).message}`, 'files');
  }
  const leaf = ders[0];
  const seen = new Set<string>([leaf.toString('base64')]);
  const chainPems: string[] = [];
  const add = (der: Buffer): void => {
    const k = der.toString('base64');
    if (!seen.has(k)) { seen.add(k); chainPems.push(x.toPem(der)); }
  };
  ders.slice(1).forEach(add);
  for (const c of input.chain ?? []) {
    try {
      x.readCertificates(c).forEach(add);
    } catch (e) {
      throw new DeployError(`A chain certificate cannot be read: ${(e as Error).message}`, 'files');
    }
  }
  const leafPem = x.toPem(leaf);
  const info = x.describeCertificate(leafPem);
  return { leafPem, chainPems, sha256: info.sha256Thumbprint, subject: info.subject.text };
}

/** One TLS handshake: the leaf the endpoint serves now. */
export async function servedCertificate(host: string, port: number, signal?: AbortSignal): Promise<CurrentCertificate> {
  const r = await certs.inspect().inspectEndpoint(host, port, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  const leaf = r.chain[0];
  return { pem: leaf.pem, sha256: leaf.sha256Thumbprint, source: 'tls', notAfter: leaf.notAfter, subject: leaf.subject.text, issuer: leaf.issuer.text };
}

/**
 * Polls TLS handshakes until the endpoint serves `wantSha256` (returns the detail) or `timeoutMs`
 * passes (throws a DeployError naming what it serves instead).
 */
export async function waitServed(host: string, port: number, wantSha256: string, timeoutMs: number, what: string, signal?: AbortSignal): Promise<string> {
  const want = wantSha256.toUpperCase();
  const deadline = Date.now() + timeoutMs;
  let seen: string;
  for (let attempt = 1; ; attempt++) {
    try {
      seen = (await servedCertificate(host, port)).sha256;
      if (seen === want) return `${host}:${port} serves ${what} (SHA-256 ${seen})${attempt > 1 ? ` after ${attempt} handshakes` : ''}.`;
    } catch (e) {
      seen = `(no answer: ${(e as Error).message})`;
    }
    if (Date.now() > deadline) throw new DeployError(`${host}:${port} serves SHA-256 ${seen}, not ${what} ${want}.`, 'thumbprint');
    if (signal?.aborted) throw new CancelledError('Waiting for the new certificate');
    await sleep(500, signal);
  }
}

/** The common fields of a route's result. */
export interface ResultBase {
  readonly route: DeployRouteId;
  readonly method: RouteMethod;
  readonly host: string;
  readonly port: number;
  readonly newSha256: string;
  readonly previousSha256?: string;
  readonly log: StepLog;
}

export function failed(b: ResultBase, failure: unknown, extra: Partial<RouteDeployResult> & { rolledBack: boolean }): RouteDeployResult {
  const f = failure as StepFailure;
  return {
    route: b.route, method: b.method, ok: false, host: b.host, port: b.port, newSha256: b.newSha256,
    ...(b.previousSha256 ? { previousSha256: b.previousSha256 } : {}), steps: b.log.steps,
    error: f?.message ?? String(failure), ...(f instanceof StepFailure ? { failedStep: f.stepId } : {}), ...extra,
  };
}

export function succeeded(b: ResultBase): RouteDeployResult {
  return {
    route: b.route, method: b.method, ok: true, rolledBack: false, host: b.host, port: b.port, newSha256: b.newSha256,
    ...(b.previousSha256 ? { previousSha256: b.previousSha256 } : {}), liveSha256: b.newSha256, steps: b.log.steps,
  };
}
