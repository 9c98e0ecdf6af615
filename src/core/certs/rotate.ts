/**
 * Rotation of many hosts' certificates in one run, shared by the Certificates board and
 * `vlab cert rotate`. Three steps, each per host and none stopping the others:
 *
 * 1. `requestCertificates`: a CSR each — on the host where its route has one (the API route's
 *    GenerateCertificateSigningRequest: the key never leaves the host), else a local key + CSR
 *    (`createRequest`; the key is returned to the caller, who keeps it until the signed
 *    certificate comes back).
 * 2. `matchCertificates`: the signed certificates the CA returned (any files: PEM, DER, .p7b; a CA
 *    file may sit beside them) matched to hosts by their subject alternative names — a certificate
 *    goes to each host whose address or name it covers (`coverName`, wildcards included). A host
 *    covered by several gets the one that expires last; a certificate covering no host is listed.
 * 3. `rotateCertificates`: deploys host by host with at most `concurrency` in flight through the
 *    caller's `deploy` (the route layer: SSH, HostCertificateManager, appliance REST — this module
 *    holds no deploy of its own), then proves each host by its own TLS handshake: the host serves
 *    the new certificate (`new`), the old one after a rollback (`old`), or something else (`other`).
 */
import type { Endpoint } from '../net/endpoint';
import { formatEndpoint } from '../net/endpoint';
import { errorCode, errorMessage, isCancellation, LabError, throwIfAborted } from '../errors';
import { mapLimited, withTimeout } from './pool';
import type { CertificateInfo } from './types';
import { coverName } from './hostname';
import { certsCore } from './lazy';
import type { Generation } from '../vsphere/generation';
import { chooseRoute, type RouteAccess, type RouteChoice } from './routes';

/** A host to rotate, as the board (or the CLI's host list) knows it. */
export interface RotationHost {
  /** Stable id (moref value). */
  readonly id: string;
  readonly name: string;
  /** Where the certificate is served (and proven). */
  readonly endpoint: Endpoint;
  /** Names a certificate must cover to be this host's (default: the endpoint's host and the name's host part). */
  readonly names?: readonly string[];
  /** Its generation (what picks the deploy route: core/certs/routes `chooseRoute`). */
  readonly generation?: Generation;
}

export type RequestMode = 'on-host' | 'local';

export interface HostRequest {
  readonly hostId: string;
  readonly name: string;
  readonly mode: RequestMode;
  readonly csrPem: string;
  /** PKCS#1 PEM of a local key; absent for on-host requests. Secret: the caller stores it safely. */
  readonly keyPem?: string;
  readonly error?: undefined;
}

export interface HostRequestFailure {
  readonly hostId: string;
  readonly name: string;
  readonly error: { readonly code: string; readonly message: string };
}

export interface RequestOptions {
  readonly hosts: readonly RotationHost[];
  /**
   * The host's own CSR when its route makes one (the API route), else undefined: a local key + CSR
   * is made instead.
   */
  readonly requestOnHost?: (host: RotationHost, signal: AbortSignal | undefined) => Promise<string | undefined>;
  /** Subject fields every local CSR gets besides CN and SANs. */
  readonly subject?: { readonly o?: string; readonly ou?: string; readonly l?: string; readonly st?: string; readonly c?: string };
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly onHost?: (r: HostRequest | HostRequestFailure) => void;
}

export class RotationError extends LabError {}

function failure(e: unknown): { code: string; message: string } {
  return { code: errorCode(e) ?? 'failed', message: errorMessage(e) };
}

/** The names a host's certificate must cover: its endpoint's host and its inventory name's host part. */
export function hostNames(h: RotationHost): string[] {
  if (h.names?.length) return [...h.names];
  const nameHost = h.name.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return [...new Set([h.endpoint.host, nameHost].map((n) => n.toLowerCase()))];
}

/** Step 1 (see the header): one CSR per host, in input order; failures are entries, not a rejection. */
export async function requestCertificates(opts: RequestOptions): Promise<Array<HostRequest | HostRequestFailure>> {
  const { createRequest } = certsCore.request();
  return mapLimited(opts.hosts, opts.concurrency ?? 4, async (h) => {
    let r: HostRequest | HostRequestFailure;
    try {
      throwIfAborted(opts.signal, 'The certificate requests');
      const onHost = await opts.requestOnHost?.(h, opts.signal);
      if (onHost) {
        r = { hostId: h.id, name: h.name, mode: 'on-host', csrPem: onHost };
      } else {
        const names = hostNames(h);
        const generated = await createRequest({ cn: names[0], sans: names, bits: 2048, ...(opts.subject ?? {}) });
        r = { hostId: h.id, name: h.name, mode: 'local', csrPem: generated.csrPem, keyPem: generated.keyPkcs1Pem };
      }
    } catch (e) {
      if (isCancellation(e)) throw e;
      r = { hostId: h.id, name: h.name, error: failure(e) };
    }
    opts.onHost?.(r);
    return r;
  }, opts.signal);
}

/** A file the user imported (a signed certificate, a chain, a .p7b…). */
export interface ImportedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface CertificateMatch {
  readonly hostId: string;
  readonly file: string;
  readonly certPem: string;
  /** CA certificates found among the files (every chain candidate; the route keeps what it needs). */
  readonly chainPems: readonly string[];
  readonly sha256: string;
  readonly notAfter: string;
  /** The SAN that matched ("DNS:esx01.lab.local", "IP:10.0.0.5"). */
  readonly matchedBy: string;
}

export interface MatchResult {
  readonly matches: readonly CertificateMatch[];
  /** Hosts no certificate covers. */
  readonly missing: readonly string[];
  /** Server certificates that cover no host, and files that hold no certificate. */
  readonly unmatched: readonly { readonly file: string; readonly reason: string }[];
}

interface Leaf { file: string; info: CertificateInfo; pem: string }

/** Step 2 (see the header). Pure: reads the files, never the network. */
export function matchCertificates(hosts: readonly RotationHost[], files: readonly ImportedFile[]): MatchResult {
  const x509 = certsCore.x509();
  const leaves: Leaf[] = [];
  const cas = new Map<string, string>();
  const unmatched: { file: string; reason: string }[] = [];
  for (const f of files) {
    let ders: Buffer[];
    try {
      ders = x509.readCertificates(f.bytes);
    } catch (e) {
      unmatched.push({ file: f.name, reason: errorMessage(e) });
      continue;
    }
    if (ders.length === 0) unmatched.push({ file: f.name, reason: 'no certificate in it' });
    for (const der of ders) {
      const info = x509.loadCertificate(der).info;
      if (info.isCA) cas.set(info.sha256Thumbprint, info.pem);
      else leaves.push({ file: f.name, info, pem: info.pem });
    }
  }
  const used = new Set<Leaf>();
  const matches: CertificateMatch[] = [];
  const missing: string[] = [];
  for (const h of hosts) {
    let best: { leaf: Leaf; by: string } | undefined;
    for (const leaf of leaves) {
      const hit = hostNames(h).map((n) => coverName(n, leaf.info.subjectAltNames, leaf.info.subject.commonName)).find((c) => c.covered);
      if (!hit) continue;
      if (!best || Date.parse(leaf.info.notAfter) > Date.parse(best.leaf.info.notAfter)) best = { leaf, by: hit.matchedBy ?? hit.name };
    }
    if (!best) { missing.push(h.id); continue; }
    used.add(best.leaf);
    matches.push({
      hostId: h.id, file: best.leaf.file, certPem: best.leaf.pem, chainPems: [...cas.values()],
      sha256: best.leaf.info.sha256Thumbprint, notAfter: best.leaf.info.notAfter, matchedBy: best.by,
    });
  }
  for (const leaf of leaves) {
    if (!used.has(leaf)) unmatched.push({ file: leaf.file, reason: `${leaf.info.subject.text} covers none of the selected hosts (${[...leaf.info.subjectAltNames.dns, ...leaf.info.subjectAltNames.ip].join(', ') || 'no SANs'})` });
  }
  return { matches, missing, unmatched };
}

/** What the route layer is asked to do for one host. */
export interface DeployRequest {
  readonly host: RotationHost;
  readonly certPem: string;
  readonly chainPems: readonly string[];
  /** The local key made in step 1 (absent for on-host requests: the key is on the host). */
  readonly keyPem?: string;
  readonly signal?: AbortSignal;
  /** Progress lines of the route ("Installing the certificate…"). */
  readonly onStep?: (text: string) => void;
}

/** What the route layer answers (its own proof: it rolled back when the new certificate did not go live). */
export interface DeployOutcome {
  readonly ok: boolean;
  readonly rolledBack?: boolean;
  readonly previousSha256?: string;
  readonly route?: string;
  readonly error?: string;
}

export type HostDeployer = (req: DeployRequest) => Promise<DeployOutcome>;

export type RotationStatus = 'pending' | 'running' | 'new' | 'old' | 'other' | 'failed' | 'skipped';

export interface HostRotation {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly status: RotationStatus;
  readonly route?: string;
  readonly rolledBack?: boolean;
  readonly newSha256?: string;
  readonly previousSha256?: string;
  /** What the host serves at the end, by our own handshake. */
  readonly liveSha256?: string;
  readonly error?: string;
  readonly ms?: number;
}

export interface RotateOptions {
  readonly hosts: readonly RotationHost[];
  readonly matches: readonly CertificateMatch[];
  /** Local keys by host id (from step 1). */
  readonly keys?: ReadonlyMap<string, string>;
  readonly deploy: HostDeployer;
  /** Hosts deployed at once; default 2. */
  readonly concurrency?: number;
  /** Per host, deploy and proof; default 10 min. */
  readonly perHostTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The served leaf's SHA-256 (default: a handshake); the proof. */
  readonly served?: (ep: Endpoint, signal?: AbortSignal) => Promise<string>;
  readonly onHost?: (h: HostRotation) => void;
}

export interface RotationResult {
  readonly hosts: readonly HostRotation[];
  readonly counts: Readonly<Record<RotationStatus, number>>;
}

async function servedSha256(ep: Endpoint, signal?: AbortSignal): Promise<string> {
  const { inspectEndpoint } = certsCore.inspect();
  const r = await inspectEndpoint(ep.host, ep.port, { timeoutMs: 15_000, ...(signal ? { signal } : {}) });
  return r.chain[0].sha256Thumbprint;
}

function verdict(live: string | undefined, fresh: string, previous: string | undefined): RotationStatus {
  if (live === undefined) return 'failed';
  if (live === fresh) return 'new';
  if (previous !== undefined && live === previous) return 'old';
  return 'other';
}

async function rotateOne(h: RotationHost, m: CertificateMatch | undefined, opts: RotateOptions): Promise<HostRotation> {
  const head = { id: h.id, name: h.name, endpoint: formatEndpoint(h.endpoint) };
  if (!m) return { ...head, status: 'skipped', error: 'No imported certificate covers this host.' };
  const started = Date.now();
  opts.onHost?.({ ...head, status: 'running', newSha256: m.sha256 });
  const served = opts.served ?? servedSha256;
  const key = opts.keys?.get(h.id);
  const timeoutMs = opts.perHostTimeoutMs ?? 600_000;
  let previous: string | undefined;
  try {
    previous = await served(h.endpoint, opts.signal);
  } catch {
    previous = undefined; // the proof below still tells new from other
  }
  let outcome: DeployOutcome;
  try {
    outcome = await withTimeout(opts.deploy({ host: h, certPem: m.certPem, chainPems: m.chainPems, ...(key ? { keyPem: key } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }), timeoutMs,
      () => new RotationError('timeout', `${h.name}: the deploy did not finish within ${Math.round(timeoutMs / 1000)} s.`));
  } catch (e) {
    if (isCancellation(e)) throw e;
    outcome = { ok: false, error: errorMessage(e) };
  }
  const prev = outcome.previousSha256 ?? previous;
  let live: string | undefined;
  let proofError: string | undefined;
  try {
    live = await served(h.endpoint, opts.signal);
  } catch (e) {
    proofError = `No TLS answer after the deploy: ${errorMessage(e)}`;
  }
  const status = verdict(live, m.sha256, prev);
  const error = outcome.error ?? proofError ?? (outcome.ok && status !== 'new' ? 'The route reported success but the host does not serve the new certificate.' : undefined);
  return {
    ...head, status, newSha256: m.sha256, ms: Date.now() - started,
    ...(outcome.route ? { route: outcome.route } : {}), ...(outcome.rolledBack !== undefined ? { rolledBack: outcome.rolledBack } : {}),
    ...(prev ? { previousSha256: prev } : {}), ...(live ? { liveSha256: live } : {}), ...(error ? { error } : {}),
  };
}

/** Step 3 (see the header): every host deployed and proven; one host's failure is its own row. */
export async function rotateCertificates(opts: RotateOptions): Promise<RotationResult> {
  const byHost = new Map(opts.matches.map((m) => [m.hostId, m]));
  const hosts = await mapLimited(opts.hosts, opts.concurrency ?? 2, async (h) => {
    const r = await rotateOne(h, byHost.get(h.id), opts);
    opts.onHost?.(r);
    return r;
  }, opts.signal);
  const counts: Record<RotationStatus, number> = { pending: 0, running: 0, new: 0, old: 0, other: 0, failed: 0, skipped: 0 };
  for (const h of hosts) counts[h.status]++;
  return { hosts, counts };
}

/** How a caller reaches a host for its route (the CLI's options, the extension's SSH service). */
export type AccessFor = (host: RotationHost, choice: RouteChoice) => RouteAccess;

/**
 * Step 1's on-host CSR through the routes: the host's route makes one (`csrOnServer`, the API route)
 * → its CSR; otherwise undefined (a local key + CSR).
 */
export function routeRequester(access: AccessFor): NonNullable<RequestOptions['requestOnHost']> {
  return async (host, signal) => {
    const choice = chooseRoute(host.generation, 'host');
    if (!choice.csrOnServer) return undefined;
    const { createRoute } = certsCore.routes();
    const route = createRoute(choice, { host: host.endpoint.host, port: host.endpoint.port, kind: 'host', ...(host.generation ? { generation: host.generation.toJSON() } : {}) }, access(host, choice));
    return route.requestCsr?.({ ...(signal ? { signal } : {}) });
  };
}

/**
 * Step 3's deploy through the routes: each host the route its generation takes (`chooseRoute`),
 * bound to it by `createRoute`; the route proves the new certificate live or rolls back.
 */
export function routeDeployer(access: AccessFor): HostDeployer {
  return async (req) => {
    const choice = chooseRoute(req.host.generation, 'host');
    const { createRoute } = certsCore.routes();
    const route = createRoute(choice, { host: req.host.endpoint.host, port: req.host.endpoint.port, kind: 'host', ...(req.host.generation ? { generation: req.host.generation.toJSON() } : {}) }, access(req.host, choice));
    if (req.keyPem && !choice.acceptsOwnKey) {
      return { ok: false, route: choice.method, error: `${req.host.name} takes the ${choice.method} route, which installs only a certificate for the key its CSR kept on the host; this certificate was made for a local key. Request the CSR again from the board (on the host).` };
    }
    const r = await route.deploy({ cert: req.certPem, chain: [...req.chainPems], ...(req.keyPem ? { key: req.keyPem } : {}), ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onStep ? { onStep: (st) => { if (st.status === 'failed' || st.status === 'ok') req.onStep?.(`${st.title}: ${st.status}`); } } : {}) });
    return { ok: r.ok, rolledBack: r.rolledBack, route: r.method, ...(r.previousSha256 ? { previousSha256: r.previousSha256 } : {}), ...(r.error ? { error: r.error } : {}) };
  };
}
