/**
 * The `ssh` route for ESX(i) hosts: today's SSH deploy (src/core/esxi/deploy.ts — rui.crt/rui.key
 * backed up, uploaded, moved into place, restart, proven live, rolled back on failure), with the
 * restart the generation needs: 4.x restarts hostd exactly as before (`ssh-hostd`); 5.x+ restart
 * hostd and then rhttpproxy, which terminates port 443 since 5.0 (`ssh-rhttpproxy`, DOMAIN.md §7).
 */
import { LabError } from '../../errors';
import { deployEsxCertificate } from '../../esxi/deploy';
import { servedCertificate } from './common';
import type { CurrentCertificate, DeployRoute, RouteAccess, RouteDeployInput, RouteDeployResult, RouteTarget } from './types';

export class SshHostRoute implements DeployRoute {
  readonly id = 'ssh' as const;

  constructor(readonly target: RouteTarget, private readonly access: RouteAccess, readonly method: 'ssh-hostd' | 'ssh-rhttpproxy') {
    if (!access.ssh) throw new LabError('invalidArgument', 'The ssh route needs SSH access to the host (user, password or key, host key).');
  }

  readCurrentCertificate(signal?: AbortSignal): Promise<CurrentCertificate> {
    return servedCertificate(this.target.host, this.target.port ?? 443, signal);
  }

  async deploy(input: RouteDeployInput): Promise<RouteDeployResult> {
    if (!input.key) throw new LabError('invalidArgument', 'The ssh route installs rui.crt with its rui.key: give the private key.');
    const r = await deployEsxCertificate({
      host: this.target.host, port: this.target.port ?? 443, ssh: this.access.ssh!, cert: input.cert, key: input.key,
      ...(input.chain?.length ? { chain: [...input.chain] } : {}),
      ...(this.method === 'ssh-rhttpproxy' ? { restart: 'rhttpproxy+hostd' as const } : {}),
      ...this.access.sshDeploy,
      ...(this.access.verifyTimeoutMs !== undefined ? { verifyTimeoutMs: this.access.verifyTimeoutMs } : {}),
      ...(input.onStep ? { onStep: input.onStep } : {}), ...(input.signal ? { signal: input.signal } : {}),
    });
    return {
      route: 'ssh', method: this.method, ok: r.ok, rolledBack: r.rolledBack, host: r.host, port: r.port, newSha256: r.newSha256, steps: r.steps,
      ...(r.previousCertServed !== undefined ? { previousCertServed: r.previousCertServed } : {}),
      ...(r.previousSha256 ? { previousSha256: r.previousSha256 } : {}), ...(r.liveSha256 ? { liveSha256: r.liveSha256 } : {}),
      ...(r.error ? { error: r.error } : {}), ...(r.failedStep ? { failedStep: r.failedStep } : {}),
    };
  }
}
