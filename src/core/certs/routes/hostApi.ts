/**
 * The `api` route: an ESXi host's certificate through `HostCertificateManager` (vSphere API 6.0+,
 * vim.host.CertificateManager; developer.broadcom.com/xapis/vsphere-web-services-api/8.0u1/
 * vim.host.CertificateManager.html). No SSH, and the host's private key never leaves it:
 *
 *   CSR        GenerateCertificateSigningRequest(useIpAddressAsCommonName) — the host makes the key
 *              and returns only the CSR (PEM), to be signed by the CA;
 *   prepare    the signed certificate and the CA chain are read; a private key is refused:
 *              InstallServerCertificate takes a certificate only (its one parameter is `cert`), so
 *              our own key cannot be installed through the API on any generation up to 8.0 — that
 *              takes the SSH route (`--route ssh`);
 *   deploy     ListCACertificates / ListCACertificateRevocationLists (kept for the rollback) →
 *              ReplaceCACertificatesAndCRLs(the host's CAs + the new chain) → InstallServerCertificate
 *              → TLS handshakes until the host serves the new certificate;
 *   rollback   InstallServerCertificate(the previous certificate, read by a TLS handshake before)
 *              → ReplaceCACertificatesAndCRLs(the previous lists) → TLS handshakes until the
 *              previous certificate is served again. A host that no longer holds the previous key
 *              refuses the reinstall; the result then says so and what to do.
 * A failure while nothing changed on the host (the install refused, the old certificate still
 * served) restores the CA list only and reports "nothing changed".
 */
import { CancelledError, LabError } from '../../errors';
import type { VimClient } from '../../vsphere/client';
import type { MoRef } from '../../vsphere/decode';
import { asString, pick } from '../../vsphere/decode';
import { retrieveObject } from '../../vsphere/property';
import { DeployError, failed, readNewCertificate, servedCertificate, StepFailure, StepLog, succeeded, waitServed, type NewCertificate, type ResultBase } from './common';
import type { CurrentCertificate, DeployRoute, RouteAccess, RouteDeployInput, RouteDeployResult, RouteTarget } from './types';

const DEFAULT_VERIFY_MS = 60_000;

export class HostApiRoute implements DeployRoute {
  readonly id = 'api' as const;
  readonly method = 'host-api' as const;
  private readonly host: string;
  private readonly port: number;

  constructor(readonly target: RouteTarget, private readonly access: RouteAccess) {
    if (!access.vim) throw new LabError('invalidArgument', 'The api route needs a vSphere connection that reaches the host (the host itself or its vCenter).');
    this.host = target.host;
    this.port = target.port ?? 443;
  }

  private client: VimClient | undefined;
  /** Set by a deploy: the certificate being deployed, which a reconnect may pin. */
  newSha256: string | undefined;

  private get vim(): NonNullable<RouteAccess['vim']> & { client: VimClient } {
    return { ...this.access.vim!, client: this.client ?? this.access.vim!.client };
  }

  private opts(signal?: AbortSignal): { signal?: AbortSignal; timeoutMs: number } {
    return { ...(signal ? { signal } : {}), timeoutMs: this.access.timeoutMs ?? 60_000 };
  }

  /** The host's HostCertificateManager; a LabError in words when the host has none (before API 6.0). */
  async manager(signal?: AbortSignal): Promise<MoRef> {
    const o = await retrieveObject(this.vim.client, this.vim.host, ['configManager.certificateManager'], this.opts(signal));
    const ref = o.props['configManager.certificateManager'];
    if (!ref || typeof ref !== 'object' || !('type' in ref)) {
      throw new LabError('notFound', `${this.host} has no HostCertificateManager (it came with vSphere API 6.0). Use the SSH route.`);
    }
    return ref as MoRef;
  }

  async readCurrentCertificate(signal?: AbortSignal): Promise<CurrentCertificate> {
    const served = await servedCertificate(this.host, this.port, signal);
    const mgr = await this.manager(signal);
    const o = await retrieveObject(this.vim.client, mgr, ['certificateInfo'], this.opts(signal));
    const info = o.props.certificateInfo;
    const notAfter = asString(pick(info, 'notAfter'));
    return { ...served, source: 'api', ...(notAfter ? { notAfter } : {}), subject: asString(pick(info, 'subject')) ?? served.subject, issuer: asString(pick(info, 'issuer')) ?? served.issuer };
  }

  async requestCsr(opts: { useIpAddressAsCommonName?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    const mgr = await this.manager(opts.signal);
    const csr = asString(await this.vim.client.invoke('GenerateCertificateSigningRequest', mgr, [['useIpAddressAsCommonName', opts.useIpAddressAsCommonName ?? false]], 'xsd:string', this.opts(opts.signal)));
    if (!csr || !/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csr)) throw new LabError('protocol', `${this.host} returned no CSR in PEM.`);
    return csr;
  }

  async deploy(input: RouteDeployInput): Promise<RouteDeployResult> {
    try {
      return await new HostApiDeployment(this, input, this.access.verifyTimeoutMs ?? DEFAULT_VERIFY_MS).run();
    } finally {
      await this.dispose();
    }
  }

  /** @internal the deployment's calls. */
  async call(method: string, mgr: MoRef, args: ReadonlyArray<readonly [string, string | string[] | boolean]>, signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.vim.client.invoke(method, mgr, args, undefined, this.opts(signal));
    } catch (e) {
      // The host serves the certificate we deployed: a client pinned to the old one stops there.
      const reconnect = this.access.vim!.reconnect;
      if (!(e instanceof LabError && e.code === 'certificateChanged') || !reconnect || !this.newSha256) throw e;
      this.client = await reconnect(this.newSha256);
      return this.client.invoke(method, mgr, args, undefined, this.opts(signal));
    }
  }

  /** Closes a client opened by `reconnect` (the caller's own client stays open). */
  async dispose(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.client = undefined;
  }

  get endpoint(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }
}

const STEP = {
  files: { id: 'files', title: 'Read the signed certificate and its CA chain' },
  inspect: { id: 'inspect-before', title: 'Read the certificate the host serves now' },
  manager: { id: 'manager', title: 'Find the host\'s HostCertificateManager' },
  caBackup: { id: 'ca-backup', title: 'Keep the host\'s CA certificates and CRLs (ListCACertificates)' },
  caPush: { id: 'ca-push', title: 'Add the CA chain to the host\'s trust store (ReplaceCACertificatesAndCRLs)' },
  install: { id: 'install', title: 'Install the certificate (InstallServerCertificate)' },
  verify: { id: 'verify', title: 'Prove the host serves the new certificate (TLS handshake)' },
  reinstall: { id: 'reinstall', title: 'Reinstall the previous certificate (InstallServerCertificate)' },
  caRestore: { id: 'ca-restore', title: 'Restore the host\'s CA certificates and CRLs' },
  verifyOld: { id: 'verify-old', title: 'Prove the host serves the previous certificate again (TLS handshake)' },
} as const;

class HostApiDeployment {
  private readonly log: StepLog;
  private cert!: NewCertificate;
  private previous: CurrentCertificate | undefined;
  private mgr!: MoRef;
  private caCerts: string[] = [];
  private caCrls: string[] = [];
  private caPushed = false;

  constructor(private readonly route: HostApiRoute, private readonly input: RouteDeployInput, private readonly verifyMs: number) {
    this.log = new StepLog(input.onStep);
  }

  private base(): ResultBase {
    const { host, port } = this.route.endpoint;
    return { route: 'api', method: 'host-api', host, port, newSha256: this.cert?.sha256 ?? '', ...(this.previous ? { previousSha256: this.previous.sha256 } : {}), log: this.log };
  }

  async run(): Promise<RouteDeployResult> {
    const { input, log } = this;
    const deploySteps = [STEP.caBackup, STEP.caPush, STEP.install, STEP.verify];
    try {
      await log.run('prepare', STEP.files.id, STEP.files.title, async () => {
        if (input.key) throw new DeployError('HostCertificateManager installs a certificate only (InstallServerCertificate has no key parameter): the key is the one of the CSR the host generated. To install your own key, use the SSH route.', 'key-refused');
        this.cert = readNewCertificate(input);
        this.route.newSha256 = this.cert.sha256;
        return `New certificate SHA-256 ${this.cert.sha256}, ${this.cert.chainPems.length} CA certificate(s)`;
      });
      log.pending('prepare', STEP.inspect);
      log.pending('prepare', STEP.manager);
      for (const s of deploySteps) log.pending('deploy', s);
      await log.run('prepare', STEP.inspect.id, STEP.inspect.title, async () => {
        const { host, port } = this.route.endpoint;
        this.previous = await servedCertificate(host, port, input.signal);
        return `Current certificate SHA-256 ${this.previous.sha256}`;
      });
      await log.run('prepare', STEP.manager.id, STEP.manager.title, async () => {
        this.mgr = await this.route.manager(input.signal);
        return `${this.mgr.type} ${this.mgr.value}`;
      });
    } catch (e) {
      for (const s of deploySteps) log.skip('deploy', s);
      return failed(this.base(), e, { rolledBack: false });
    }
    return this.change();
  }

  private async change(): Promise<RouteDeployResult> {
    const { input, log } = this;
    const { host, port } = this.route.endpoint;
    let index = 0;
    const steps: Array<[{ id: string; title: string }, () => Promise<string | undefined>]> = [
      [STEP.caBackup, async () => {
        this.caCerts = await this.listStrings('ListCACertificates');
        this.caCrls = await this.listStrings('ListCACertificateRevocationLists');
        return `${this.caCerts.length} CA certificate(s), ${this.caCrls.length} CRL(s)`;
      }],
      [STEP.caPush, async () => {
        const have = new Set(this.caCerts.map(normPem));
        const add = this.cert.chainPems.filter((p) => !have.has(normPem(p)));
        if (add.length === 0) return 'The host already trusts every CA certificate of the chain.';
        await this.route.call('ReplaceCACertificatesAndCRLs', this.mgr, [['caCert', [...this.caCerts, ...add]], ['caCrl', this.caCrls]], input.signal);
        this.caPushed = true;
        return `Added ${add.length} CA certificate(s).`;
      }],
      [STEP.install, async () => {
        if (input.signal?.aborted) throw new CancelledError('The deploy');
        await this.route.call('InstallServerCertificate', this.mgr, [['cert', this.cert.leafPem]], input.signal);
        return 'Installed.';
      }],
      [STEP.verify, () => waitServed(host, port, this.cert.sha256, this.verifyMs, 'the new certificate', input.signal)],
    ];
    try {
      for (; index < steps.length; index++) {
        const [s, body] = steps[index];
        await log.run('deploy', s.id, s.title, body);
      }
    } catch (e) {
      for (const [s] of steps.slice(index + 1)) log.skip('deploy', s);
      return this.rollBack(e as StepFailure);
    }
    return succeeded(this.base());
  }

  private async listStrings(method: string): Promise<string[]> {
    const v = await this.route.call(method, this.mgr, [], this.input.signal);
    const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
    return arr.filter((x): x is string => typeof x === 'string');
  }

  /** Reinstalls the previous certificate (not cancellable), restores the CA lists, proves the old one live. */
  private async rollBack(failure: StepFailure): Promise<RouteDeployResult> {
    const { log } = this;
    const { host, port } = this.route.endpoint;
    const previous = this.previous!;
    let liveNow: string | undefined;
    try {
      liveNow = (await servedCertificate(host, port)).sha256;
    } catch { /* unknown: roll back fully */ }
    const changed = liveNow !== previous.sha256;
    if (changed) log.pending('rollback', STEP.reinstall);
    if (this.caPushed) log.pending('rollback', STEP.caRestore);
    log.pending('rollback', STEP.verifyOld);
    if (changed) {
      await log.run('rollback', STEP.reinstall.id, STEP.reinstall.title, async () => {
        await this.route.call('InstallServerCertificate', this.mgr, [['cert', previous.pem]]);
        return `Reinstalled SHA-256 ${previous.sha256}.`;
      }).catch(() => undefined);
    }
    if (this.caPushed) {
      await log.run('rollback', STEP.caRestore.id, STEP.caRestore.title, async () => {
        await this.route.call('ReplaceCACertificatesAndCRLs', this.mgr, [['caCert', this.caCerts], ['caCrl', this.caCrls]]);
        return `${this.caCerts.length} CA certificate(s) back.`;
      }).catch(() => undefined);
    }
    let previousCertServed = false;
    let liveSha256: string | undefined;
    try {
      await log.run('rollback', STEP.verifyOld.id, STEP.verifyOld.title, () => waitServed(host, port, previous.sha256, this.verifyMs, 'the previous certificate'));
      previousCertServed = true;
      liveSha256 = previous.sha256;
    } catch {
      liveSha256 = await servedCertificate(host, port).then((c) => c.sha256, () => undefined);
    }
    const what = !changed ? 'Nothing changed on the host: it still serves the previous certificate.'
      : previousCertServed ? 'The previous certificate was reinstalled through the API and is served again.'
        : 'The previous certificate could not be reinstalled through the API (the host may no longer hold its key): install a certificate for the host\'s current key, or restore rui.crt/rui.key over SSH.';
    return failed(this.base(), failure, { rolledBack: changed, previousCertServed, ...(liveSha256 ? { liveSha256 } : {}), error: `${titleOf(failure)} failed: ${failure.message} ${what}` });
  }
}

function titleOf(f: StepFailure): string {
  return Object.values(STEP).find((s) => s.id === f.stepId)?.title ?? f.stepId;
}

function normPem(p: string): string {
  return p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}
