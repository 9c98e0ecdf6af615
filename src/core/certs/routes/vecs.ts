/**
 * The 6.5/6.7 vCenter appliance's machine certificate over SSH with `vecs-cli` (`vcsa-vecs`), the
 * documented sequence (vSphere 6.7 security guide, "Replace Machine SSL Certificate with Custom
 * Certificates"; DOMAIN.md §7): the machine certificate and key backed up from VECS (`entry getcert`
 * / `getkey`), the new pair and the root uploaded, the root added to TRUSTED_ROOTS, services stopped
 * (`service-control --stop --all`, then `--start vmafdd` for VECS), the MACHINE_SSL_CERT entry
 * `__MACHINE_CERT` deleted and created again with the new pair, `service-control --start --all`,
 * then TLS handshakes until the appliance serves it. On failure the backup goes back into VECS the
 * same way, the root this deploy added is removed, services start again and the previous
 * certificate is proven served. The files stay in the backup folder on the appliance.
 */
import { LabError } from '../../errors';
import { SshSession } from '../../esxi/ssh';
import { backupStamp } from '../files';
import { DeployError, failed, readNewCertificate, servedCertificate, StepFailure, StepLog, succeeded, waitServed, type NewCertificate, type ResultBase } from './common';
import type { CurrentCertificate, DeployRoute, RouteAccess, RouteDeployInput, RouteDeployResult, RouteTarget } from './types';

const VECS = '/usr/lib/vmware-vmafd/bin/vecs-cli';
const MACHINE = '--store MACHINE_SSL_CERT --alias __MACHINE_CERT';

export class VecsRoute implements DeployRoute {
  readonly id = 'ssh' as const;
  readonly method = 'vcsa-vecs' as const;

  constructor(readonly target: RouteTarget, readonly access: RouteAccess) {
    if (!access.ssh) throw new LabError('invalidArgument', 'The vecs-cli route needs SSH access to the appliance (root and its password, the host key).');
  }

  readCurrentCertificate(signal?: AbortSignal): Promise<CurrentCertificate> {
    return servedCertificate(this.target.host, this.target.port ?? 443, signal);
  }

  async openSession(signal?: AbortSignal): Promise<SshSession> {
    const ssh = this.access.ssh!;
    if (ssh instanceof SshSession) return ssh;
    if (typeof ssh === 'function') return ssh(signal);
    return SshSession.connect({ ...ssh, host: ssh.host ?? this.target.host, ...(signal ? { signal } : {}) });
  }

  async deploy(input: RouteDeployInput): Promise<RouteDeployResult> {
    return new VecsDeployment(this, input).run();
  }
}

class VecsDeployment {
  private readonly log: StepLog;
  private cert: NewCertificate | undefined;
  private previous: CurrentCertificate | undefined;
  private session: SshSession | undefined;
  private readonly dir: string;
  private readonly host: string;
  private readonly port: number;
  private rootAlias: string | undefined;
  private readonly verifyMs: number;

  constructor(private readonly route: VecsRoute, private readonly input: RouteDeployInput) {
    this.log = new StepLog(input.onStep);
    this.dir = `/root/vlab-cert-${backupStamp(new Date())}`;
    this.host = route.target.host;
    this.port = route.target.port ?? 443;
    this.verifyMs = route.access.verifyTimeoutMs ?? 10 * 60_000;
  }

  private base(): ResultBase {
    return { route: 'ssh', method: 'vcsa-vecs', host: this.host, port: this.port, newSha256: this.cert?.sha256 ?? '', ...(this.previous ? { previousSha256: this.previous.sha256 } : {}), log: this.log };
  }

  private async exec(command: string): Promise<string> {
    const r = await this.session!.exec(command, { timeoutMs: 600_000, ...(this.input.signal ? { signal: this.input.signal } : {}) });
    const out = [r.stdout, r.stderr].filter(Boolean).join('\n').trim();
    if (r.code !== 0) {
      const why = (r.stderr.trim() || r.stdout.trim()).split('\n').pop()?.trim();
      throw new DeployError(`\`${command}\` exited with ${r.code ?? r.signal ?? 'no status'}${why ? ` (${why})` : ''}.`, 'exec', `$ ${command}\n${out}`);
    }
    return `$ ${command}${out ? `\n${out.slice(-600)}` : ''}`;
  }

  async run(): Promise<RouteDeployResult> {
    const { input, log } = this;
    try {
      await log.run('prepare', 'files', 'Read the certificate, its key and its CA chain', async () => {
        if (!input.key) throw new DeployError('vecs-cli entry create needs the private key of the certificate (--key).', 'files');
        this.cert = readNewCertificate(input);
        return `New certificate SHA-256 ${this.cert.sha256}`;
      });
      await log.run('prepare', 'inspect-before', 'Read the certificate the appliance serves now', async () => {
        this.previous = await servedCertificate(this.host, this.port, input.signal);
        return `Current certificate SHA-256 ${this.previous.sha256}`;
      });
      await log.run('prepare', 'connect', 'Log in over SSH', async () => {
        this.session = await this.route.openSession(input.signal);
        return `${this.session.username}@${this.session.host}:${this.session.port}, host key ${this.session.hostKey}`;
      });
      await log.run('deploy', 'backup', `Back up the machine certificate and key from VECS to ${this.dir}`, () =>
        this.exec(`mkdir -p ${this.dir} && ${VECS} entry getcert ${MACHINE} --output ${this.dir}/machine.crt && ${VECS} entry getkey ${MACHINE} --output ${this.dir}/machine.key`));
      await log.run('deploy', 'upload', 'Upload the new certificate, key and root', async () => {
        const c = this.cert!;
        await this.session!.writeFile(`${this.dir}/new.crt`, c.leafPem + c.chainPems.slice(0, -1).join(''), 0o644);
        await this.session!.writeFile(`${this.dir}/new.key`, input.key!, 0o600);
        if (c.chainPems.length) await this.session!.writeFile(`${this.dir}/root.crt`, c.chainPems[c.chainPems.length - 1], 0o644);
        return `${this.dir}/new.crt, new.key${c.chainPems.length ? ', root.crt' : ''}`;
      });
    } catch (e) {
      this.close();
      return failed(this.base(), e, { rolledBack: false, error: `${(e as Error).message} Nothing on the appliance was changed.` });
    }
    return this.change();
  }

  private async change(): Promise<RouteDeployResult> {
    const { log } = this;
    const steps: Array<[string, string, () => Promise<string>]> = [];
    if (this.cert!.chainPems.length) {
      const alias = `vlab-${this.cert!.sha256.replace(/:/g, '').slice(0, 12).toLowerCase()}`;
      steps.push(['trust-root', 'Add the root CA to VECS TRUSTED_ROOTS', async () => {
        const out = await this.exec(`${VECS} entry create --store TRUSTED_ROOTS --alias ${alias} --cert ${this.dir}/root.crt`);
        this.rootAlias = alias;
        return out;
      }]);
    }
    steps.push(
      ['stop', 'Stop the services (service-control --stop --all)', () => this.exec('service-control --stop --all')],
      ['start-vmafdd', 'Start vmafdd for VECS', () => this.exec('service-control --start vmafdd')],
      ['replace', 'Replace MACHINE_SSL_CERT __MACHINE_CERT (vecs-cli entry delete, create)', () =>
        this.exec(`${VECS} entry delete ${MACHINE} -y && ${VECS} entry create ${MACHINE} --cert ${this.dir}/new.crt --key ${this.dir}/new.key`)],
      ['start', 'Start the services (service-control --start --all)', () => this.exec('service-control --start --all')],
      ['verify', 'Prove the appliance serves the new certificate (TLS handshake)', () => waitServed(this.host, this.port, this.cert!.sha256, this.verifyMs, 'the new certificate', this.input.signal)],
    );
    for (const [id, title] of steps) log.pending('deploy', { id, title });
    let i = 0;
    try {
      for (; i < steps.length; i++) await log.run('deploy', steps[i][0], steps[i][1], steps[i][2]);
    } catch (e) {
      for (const [id, title] of steps.slice(i + 1)) log.skip('deploy', { id, title });
      const r = await this.rollBack(e as StepFailure);
      this.close();
      return r;
    }
    this.close();
    return succeeded(this.base());
  }

  private async rollBack(failure: StepFailure): Promise<RouteDeployResult> {
    const { log } = this;
    const run = (id: string, title: string, body: () => Promise<string>): Promise<void> => log.run('rollback', id, title, body).catch(() => undefined);
    await run('restore', `Put the backed-up certificate and key back into VECS (${this.dir})`, () =>
      this.exec(`service-control --start vmafdd; ${VECS} entry delete ${MACHINE} -y; ${VECS} entry create ${MACHINE} --cert ${this.dir}/machine.crt --key ${this.dir}/machine.key`));
    if (this.rootAlias) await run('untrust-root', 'Remove the root this deploy added', () => this.exec(`${VECS} entry delete --store TRUSTED_ROOTS --alias ${this.rootAlias} -y`));
    await run('start', 'Start the services again', () => this.exec('service-control --stop --all; service-control --start --all'));
    let previousCertServed = false;
    let liveSha256: string | undefined;
    try {
      await log.run('rollback', 'verify-old', 'Prove the appliance serves the previous certificate again (TLS handshake)', () => waitServed(this.host, this.port, this.previous!.sha256, this.verifyMs, 'the previous certificate'));
      previousCertServed = true;
      liveSha256 = this.previous!.sha256;
    } catch {
      liveSha256 = await servedCertificate(this.host, this.port).then((c) => c.sha256, () => undefined);
    }
    const what = previousCertServed ? 'The previous certificate was put back into VECS and is served again.' : `The rollback did not bring the previous certificate back: it is in ${this.dir}/machine.crt and machine.key on the appliance.`;
    return failed(this.base(), failure, { rolledBack: true, previousCertServed, ...(liveSha256 ? { liveSha256 } : {}), error: `${failure.message} ${what}` });
  }

  private close(): void {
    if (!(this.route.access.ssh instanceof SshSession)) this.session?.close();
  }
}
