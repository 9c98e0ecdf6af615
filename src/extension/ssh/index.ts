/**
 * The SSH service: the one way features get an SSH session (the contract is in ./service.ts).
 * Import from here: `import { sshService } from '../ssh'`.
 *
 * A new SSH use (a command, a wizard step, the terminal):
 * - ask the target (`parseSshTarget` from core) and the user in the feature's own words;
 * - `const session = await sshService(context).connect(target, { purpose, username, signal })` inside
 *   `withCancellableProgress` (../commands); `isCancellation(e)` covers a dismissed prompt, a declined
 *   key and Cancel alike; close the session in `finally`;
 * - never keep a host key or a password yourself: pins live in `vsphereLab.ssh.hostKeys`
 *   (`ssh.pins`), passwords in SecretStorage under `passwordKey(user, target)` (`ssh.passwords`).
 *
 * A UI that collects the password and shows the key itself (the certificate wizard's webview):
 * `ssh.probeHostKey(target, signal)` → fingerprint and `unknown | pinned | changed`; the user's
 * "pin" → `ssh.pins.set(target, fingerprint)`; the deploy → `ssh.connect(target, { purpose:
 * 'certificate deploy', username, password, rememberPassword, interactive: false, signal })` and the
 * session handed to core `deployEsxCertificate({ ssh: session })`; "forget the password" →
 * `ssh.passwords.forget(user, target)`; a password kept under the feature's old key →
 * `ssh.passwords.adopt(oldKey, user, target)`.
 */
export { sshService, SshService, type HostKeyStatus, type SshConnectRequest, type SshSession, type SshTarget } from './service';
export { HOST_KEYS_KEY, LEGACY_PIN_KEYS, pinKey } from './pins';
export { passwordKey } from './passwords';
