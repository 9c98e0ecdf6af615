/**
 * The `vcsa` route: the vCenter appliance's machine certificate through its TLS REST API (7.0+;
 * developer.broadcom.com/xapis/vsphere-automation-api/latest/vcenter/certificate_management-vcenter/tls
 * and …/trusted-root-chains; session: POST /api/session with Basic auth, then the
 * `vmware-api-session-id` header):
 *
 *   prepare   the certificate, its key (required: "It is required when replacing the certificate with
 *             a third party signed certificate", Tls.Spec) and chain; the certificate served now
 *             (TLS handshake); log in;
 *   deploy    trusted-root-chains: the chain added unless a chain with the same certificates is
 *             there → PUT …/tls {cert, key} ("the services using the certificate will be restarted")
 *             → TLS handshakes until the appliance serves the new certificate;
 *   rollback  PUT …/tls {the previous certificate, `previousKey`} → the chain we added deleted →
 *             handshakes until the previous certificate is served again. The API never returns a
 *             private key, so the rollback needs the previous certificate's key from the caller
 *             (`previousKey`); without it the result says what to do (the appliance keeps a copy in
 *             VECS BACKUP_STORE, restored with certificate-manager's rollback option over SSH).
 *
 * Trust: the appliance's certificate changes under us, so each request first reads the served
 * certificate and is sent only over a socket pinned to it when it is the one trusted at the start
 * or the one being deployed (or under system trust / insecure as asked).
 */
import * as https from 'node:https';
import { CancelledError, LabError } from '../../errors';
import { createAgent } from '../../vsphere/tls';
import { DeployError, failed, readNewCertificate, servedCertificate, StepFailure, StepLog, succeeded, waitServed, type NewCertificate, type ResultBase } from './common';
import type { CurrentCertificate, DeployRoute, RouteAccess, RouteDeployInput, RouteDeployResult, RouteTarget } from './types';

const API = '/api/vcenter/certificate-management/vcenter';
const MAX_BODY = 4 * 1024 * 1024;
const DEFAULT_VERIFY_MS = 15 * 60_000;

export interface RestResponse {
  readonly status: number;
  readonly json: unknown;
}

/** The REST error message (`{error_type, messages:[{default_message}]}`), else the status. */
function restMessage(r: RestResponse): string {
  const o = r.json as { error_type?: string; messages?: Array<{ default_message?: string }> } | undefined;
  const msg = o?.messages?.map((m) => m.default_message).filter(Boolean).join(' ');
  return `HTTP ${r.status}${o?.error_type ? ` ${o.error_type}` : ''}${msg ? `: ${msg}` : ''}`;
}

export class VcsaRestRoute implements DeployRoute {
  readonly id = 'vcsa' as const;
  readonly method = 'vcsa-rest' as const;
  readonly host: string;
  readonly port: number;
  private session: string | undefined;
  /** SHA-256 thumbprints a pinned request may go to (the one trusted at the start, the one deployed). */
  readonly allowed = new Set<string>();

  constructor(readonly target: RouteTarget, private readonly access: RouteAccess) {
    if (!access.rest) throw new LabError('invalidArgument', 'The vcsa route needs the appliance\'s REST login (user and password).');
    this.host = target.host;
    this.port = target.port ?? 443;
    if (access.rest.trust.mode === 'pinned') this.allowed.add(access.rest.trust.sha256.toUpperCase());
  }

  private async agent(signal?: AbortSignal): Promise<https.Agent> {
    const trust = this.access.rest!.trust;
    if (trust.mode !== 'pinned') return createAgent(trust, { keepAlive: false });
    const served = (await servedCertificate(this.host, this.port, signal)).sha256;
    if (!this.allowed.has(served)) throw new LabError('certificateChanged', `${this.host}:${this.port} serves SHA-256 ${served}, neither the trusted certificate nor the one being deployed. Check the appliance, then trust its certificate again.`);
    return createAgent({ mode: 'pinned', sha256: served }, { keepAlive: false });
  }

  /** One bounded JSON request. */
  async request(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; timeoutMs?: number; auth?: string } = {}): Promise<RestResponse> {
    const agent = await this.agent(opts.signal);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const timeoutMs = opts.timeoutMs ?? this.access.timeoutMs ?? 60_000;
    try {
      return await new Promise<RestResponse>((resolve, reject) => {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (data) { headers['content-type'] = 'application/json'; headers['content-length'] = String(data.length); }
        if (opts.auth) headers.authorization = opts.auth;
        else if (this.session) headers['vmware-api-session-id'] = this.session;
        const req = https.request({ host: this.host, port: this.port, method, path, agent, headers, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) req.destroy(new LabError('tooLarge', `${method} ${path}: the answer exceeds ${MAX_BODY} bytes.`));
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8').trim();
            let json: unknown;
            try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        });
        // A wall-clock deadline for the whole exchange (an idle timer never fires on a trickling server).
        const deadline = setTimeout(() => req.destroy(new LabError('timeout', `${method} ${path} on ${this.host}:${this.port} did not finish within ${Math.round(timeoutMs / 1000)} s (the deadline of one request).`)), timeoutMs);
        req.once('close', () => clearTimeout(deadline));
        req.on('error', (e) => { clearTimeout(deadline); reject(opts.signal?.aborted ? new CancelledError(`${method} ${path}`) : e); });
        req.end(data);
      });
    } finally {
      agent.destroy();
    }
  }

  /** A request that must succeed (2xx); re-logs in once when the session ended (services restart). */
  async call(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<unknown> {
    if (!this.session) await this.login(opts.signal);
    let r = await this.request(method, path, body, opts);
    if (r.status === 401) {
      await this.login(opts.signal);
      r = await this.request(method, path, body, opts);
    }
    if (r.status < 200 || r.status >= 300) throw new DeployError(`${method} ${path}: ${restMessage(r)}`, 'rest');
    return r.json;
  }

  async login(signal?: AbortSignal): Promise<void> {
    const { username, password } = this.access.rest!;
    this.session = undefined;
    const r = await this.request('POST', '/api/session', undefined, { ...(signal ? { signal } : {}), auth: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
    if (r.status === 401 || r.status === 403) throw new LabError('invalidLogin', `The appliance refused the login of ${username} (${restMessage(r)}). Check the user (an SSO user such as administrator@vsphere.local) and password.`);
    if (r.status === 404) throw new LabError('notFound', `${this.host}:${this.port} has no /api/session: the TLS REST API needs vCenter 7.0 Update 2 or later. Use the SSH route (vecs-cli) instead.`);
    if (typeof r.json !== 'string' || r.status >= 300) throw new LabError('protocol', `POST /api/session: ${restMessage(r)}`);
    this.session = r.json;
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    await this.request('DELETE', '/api/session', undefined, { timeoutMs: 10_000 }).catch(() => undefined);
    this.session = undefined;
  }

  async readCurrentCertificate(signal?: AbortSignal): Promise<CurrentCertificate> {
    const served = await servedCertificate(this.host, this.port, signal);
    this.allowed.add(served.sha256);
    try {
      const info = await this.call('GET', `${API}/tls`, undefined, signal ? { signal } : {}) as { valid_to?: string; subject_dn?: string; issuer_dn?: string };
      return { ...served, source: 'rest', ...(info.valid_to ? { notAfter: info.valid_to } : {}), ...(info.subject_dn ? { subject: info.subject_dn } : {}), ...(info.issuer_dn ? { issuer: info.issuer_dn } : {}) };
    } finally {
      await this.logout();
    }
  }

  async deploy(input: RouteDeployInput): Promise<RouteDeployResult> {
    try {
      return await new VcsaDeployment(this, input, this.access.verifyTimeoutMs ?? DEFAULT_VERIFY_MS).run();
    } finally {
      await this.logout();
    }
  }
}

const STEP = {
  files: { id: 'files', title: 'Read the certificate, its key and its CA chain' },
  inspect: { id: 'inspect-before', title: 'Read the certificate the appliance serves now' },
  login: { id: 'login', title: 'Log in to the appliance\'s REST API (/api/session)' },
  roots: { id: 'trusted-roots', title: 'Add the CA chain to the trusted root chains' },
  replace: { id: 'replace', title: 'Replace the machine certificate (PUT …/vcenter/tls)' },
  verify: { id: 'verify', title: 'Prove the appliance serves the new certificate (TLS handshake)' },
  reinstall: { id: 'reinstall', title: 'Put the previous certificate back (PUT …/vcenter/tls)' },
  rootsRestore: { id: 'trusted-roots-restore', title: 'Remove the root chain this deploy added' },
  verifyOld: { id: 'verify-old', title: 'Prove the appliance serves the previous certificate again (TLS handshake)' },
} as const;

class VcsaDeployment {
  private readonly log: StepLog;
  private cert: NewCertificate | undefined;
  private previous: CurrentCertificate | undefined;
  private addedChain: string | undefined;

  constructor(private readonly route: VcsaRestRoute, private readonly input: RouteDeployInput, private readonly verifyMs: number) {
    this.log = new StepLog(input.onStep);
  }

  private base(): ResultBase {
    return { route: 'vcsa', method: 'vcsa-rest', host: this.route.host, port: this.route.port, newSha256: this.cert?.sha256 ?? '', ...(this.previous ? { previousSha256: this.previous.sha256 } : {}), log: this.log };
  }

  async run(): Promise<RouteDeployResult> {
    const { input, log, route } = this;
    const deploySteps = [STEP.roots, STEP.replace, STEP.verify];
    try {
      await log.run('prepare', STEP.files.id, STEP.files.title, async () => {
        if (!input.key) throw new DeployError('The appliance needs the private key of a CA-signed certificate (Tls.Spec.key). Give the key file.', 'files');
        this.cert = readNewCertificate(input);
        return `New certificate SHA-256 ${this.cert.sha256}, ${this.cert.chainPems.length} CA certificate(s)`;
      });
      for (const s of [STEP.inspect, STEP.login]) log.pending('prepare', s);
      for (const s of deploySteps) log.pending('deploy', s);
      await log.run('prepare', STEP.inspect.id, STEP.inspect.title, async () => {
        this.previous = await servedCertificate(route.host, route.port, input.signal);
        return `Current certificate SHA-256 ${this.previous.sha256}`;
      });
      await log.run('prepare', STEP.login.id, STEP.login.title, async () => {
        await route.login(input.signal);
        return 'Session opened.';
      });
    } catch (e) {
      for (const s of deploySteps) log.skip('deploy', s);
      return failed(this.base(), e, { rolledBack: false });
    }
    route.allowed.add(this.cert!.sha256);
    return this.change();
  }

  private async change(): Promise<RouteDeployResult> {
    const { input, log, route } = this;
    const cert = this.cert!;
    const steps: Array<[{ id: string; title: string }, () => Promise<string | undefined>]> = [
      [STEP.roots, () => this.addRoots()],
      [STEP.replace, async () => {
        if (input.signal?.aborted) throw new CancelledError('The deploy');
        await route.call('PUT', `${API}/tls`, { cert: cert.leafPem, key: input.key }, { timeoutMs: Math.max(300_000, this.verifyMs), ...(input.signal ? { signal: input.signal } : {}) });
        return 'The appliance accepted the certificate; its services restart.';
      }],
      [STEP.verify, () => waitServed(route.host, route.port, cert.sha256, this.verifyMs, 'the new certificate', input.signal)],
    ];
    let index = 0;
    try {
      for (; index < steps.length; index++) await log.run('deploy', steps[index][0].id, steps[index][0].title, steps[index][1]);
    } catch (e) {
      for (const [s] of steps.slice(index + 1)) log.skip('deploy', s);
      return this.rollBack(e as StepFailure);
    }
    return succeeded(this.base());
  }

  private async addRoots(): Promise<string> {
    const chain = this.cert!.chainPems;
    if (chain.length === 0) return 'No CA chain given: the appliance must already trust the issuer.';
    const list = (await this.route.call('GET', `${API}/trusted-root-chains`)) as Array<{ chain: string }> | undefined;
    const want = chain.map(norm).sort().join('|');
    for (const c of (list ?? []).slice(0, 200)) {
      const got = (await this.route.call('GET', `${API}/trusted-root-chains/${encodeURIComponent(c.chain)}`)) as { cert_chain?: { cert_chain?: string[] } } | undefined;
      if ((got?.cert_chain?.cert_chain ?? []).map(norm).sort().join('|') === want) return `Already trusted (chain ${c.chain}).`;
    }
    const id = await this.route.call('POST', `${API}/trusted-root-chains`, { cert_chain: { cert_chain: chain } });
    this.addedChain = typeof id === 'string' ? id : undefined;
    return `Added chain ${this.addedChain ?? '(no id returned)'}.`;
  }

  private async rollBack(failure: StepFailure): Promise<RouteDeployResult> {
    const { log, route, input } = this;
    const previous = this.previous!;
    const liveNow = await servedCertificate(route.host, route.port).then((c) => c.sha256, () => undefined);
    const changed = liveNow !== previous.sha256;
    if (changed) log.pending('rollback', STEP.reinstall);
    if (this.addedChain) log.pending('rollback', STEP.rootsRestore);
    log.pending('rollback', STEP.verifyOld);
    if (changed) {
      await log.run('rollback', STEP.reinstall.id, STEP.reinstall.title, async () => {
        if (!input.previousKey) throw new DeployError('The previous certificate\'s key was not given (the API never returns a private key).', 'no-previous-key');
        await route.call('PUT', `${API}/tls`, { cert: previous.pem, key: input.previousKey }, { timeoutMs: Math.max(300_000, this.verifyMs) });
        return `Put back SHA-256 ${previous.sha256}.`;
      }).catch(() => undefined);
    }
    if (this.addedChain) {
      const id = this.addedChain;
      await log.run('rollback', STEP.rootsRestore.id, STEP.rootsRestore.title, async () => {
        await route.call('DELETE', `${API}/trusted-root-chains/${encodeURIComponent(id)}`);
        return `Removed chain ${id}.`;
      }).catch(() => undefined);
    }
    let previousCertServed = false;
    let liveSha256: string | undefined;
    try {
      await log.run('rollback', STEP.verifyOld.id, STEP.verifyOld.title, () => waitServed(route.host, route.port, previous.sha256, changed ? this.verifyMs : 15_000, 'the previous certificate'));
      previousCertServed = true;
      liveSha256 = previous.sha256;
    } catch {
      liveSha256 = await servedCertificate(route.host, route.port).then((c) => c.sha256, () => undefined);
    }
    const what = !changed ? 'Nothing changed: the appliance still serves the previous certificate.'
      : previousCertServed ? 'The previous certificate was put back and is served again.'
        : input.previousKey ? 'The previous certificate could not be put back: restore it with certificate-manager (option 8, rollback from VECS BACKUP_STORE) over SSH.'
          : 'Without the previous certificate\'s key it cannot be put back through the API: restore it with certificate-manager (option 8, rollback from VECS BACKUP_STORE) over SSH, or deploy again with the previous key.';
    return failed(this.base(), failure, { rolledBack: changed, previousCertServed, ...(liveSha256 ? { liveSha256 } : {}), error: `${titleOf(failure)} failed: ${failure.message} ${what}` });
  }
}

function titleOf(f: StepFailure): string {
  return Object.values(STEP).find((s) => s.id === f.stepId)?.title ?? f.stepId;
}

function norm(p: string): string {
  return p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}
