/**
 * The SSH credentials a CLI command takes, the same way everywhere: `--host-key SHA256:…` (the host
 * key to trust, checked before anything is sent) and the password from an environment variable
 * (`--password-env VAR`, default VLAB_SSH_PASSWORD) — never from the command line, where `ps` and
 * shell history would show it.
 */
import { CliFailure, optionString, UsageError, type CliInvocation, type OptionSpec } from './command';

/** The options sshCredentials() reads; spread them into a command's `options`. */
export const sshCredentialOptions: Record<'password-env' | 'host-key', OptionSpec> = {
  'password-env': { type: 'string', valueName: 'VAR', description: 'environment variable holding the SSH password (default VLAB_SSH_PASSWORD)' },
  'host-key': { type: 'string', valueName: 'SHA256:…', description: 'pinned SSH host key fingerprint; without it the command stops and prints the host\'s' },
};

export interface SshCredentials {
  /** Normalised `SHA256:…` fingerprint to pin, when given. */
  hostKey?: string;
  password: string;
}

export function sshCredentials(inv: CliInvocation): SshCredentials {
  let hostKey: string | undefined;
  const hk = optionString(inv, 'host-key');
  if (hk !== undefined) {
    // ssh2 stays out of the CLI's start-up: loaded only when a command uses SSH.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { normaliseFingerprint } = require('../core/esxi/ssh') as typeof import('../core/esxi/ssh');
    try {
      hostKey = normaliseFingerprint(hk);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const envName = optionString(inv, 'password-env') ?? 'VLAB_SSH_PASSWORD';
  const password = inv.io.env[envName];
  if (password === undefined || password === '') {
    throw new CliFailure(`No SSH password: set the environment variable ${envName} (or name another one with --password-env). The password is never taken on the command line.`, 'no-password');
  }
  return { ...(hostKey ? { hostKey } : {}), password };
}
