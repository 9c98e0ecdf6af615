/**
 * The SSH service: the one way features get an SSH session (see ./service.ts for the contract).
 * Import from here: `import { sshService } from '../ssh'`.
 */
export { sshService, SshService, type HostKeyStatus, type SshConnectRequest, type SshSession, type SshTarget } from './service';
export { HOST_KEYS_KEY, LEGACY_PIN_KEYS, pinKey } from './pins';
export { passwordKey } from './passwords';
