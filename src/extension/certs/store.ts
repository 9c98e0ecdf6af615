/**
 * What the certificate wizard keeps, per HTTPS endpoint, and where:
 *
 * - the private key: SecretStorage `vsphereLab.certs.<host>.key`, or a file the user picked (mode 600);
 * - not secret, in global state: the CSR and request form, the imported certificate and chain, the SSH
 *   endpoint and user used last (`vsphereLab.certs.<host>`).
 * - SSH host-key pins and remembered SSH passwords belong to the SSH service (../ssh): one pin store for
 *   every feature, passwords per `user@host:port`. A password the wizard kept before under
 *   `vsphereLab.certs.<sshHost>.sshPassword` is moved there the first time it is looked up.
 *
 * `<host>` is `host` or `host:port` ({@link hostId}). The webview state holds only the identifiers
 * ({@link CertWizardState}); every step handler reads the rest from here.
 */
import { promises as fsp } from 'node:fs';
import type * as vscode from 'vscode';
import { writeFileAtomic } from '../../core/fs/atomic';
import { parseEndpoint } from '../../core/net/endpoint';
import type { InventoryServices } from '../inventory/services';
import { sshService, type SshService, type SshTarget } from '../ssh';
import type { CertWizardState, PickedFile, RequestForm } from '../../webview/certs/protocol';

/** `host` or `host:port` (443 left out): the `<host>` of the storage keys. */
export function hostId(host: string, port: number): string {
  return port === 443 ? host : `${host}:${port}`;
}
export const keySecret = (id: string): string => `vsphereLab.certs.${id}.key`;
/** Where the wizard kept an SSH password before the SSH service (no user, no port in it). */
const legacyPasswordSecret = (sshHost: string): string => `vsphereLab.certs.${sshHost}.sshPassword`;
const savedKey = (id: string): string => `vsphereLab.certs.${id}`;

/** Where the private key is: SecretStorage, a file, or on the host itself (its own CSR, api route). */
export type KeyLocation = { kind: 'secret' } | { kind: 'file'; path: string } | { kind: 'host' };

export interface SavedRequest {
  form: RequestForm;
  csrPem: string;
  subject: string;
  bits: number;
  keyLocation: KeyLocation;
  createdAt: string;
  template: string;
}
export interface SavedImport {
  certName: string;
  certPem: string;
  chainNames: string[];
  chainPems: string[];
}
export interface Saved {
  request?: SavedRequest;
  imported?: SavedImport;
  ssh?: { sshHost: string; sshPort: number; user: string };
}

/** Bytes of a picked file or pasted text. */
export function bytesOf(f: PickedFile | { name: string; text: string }): Buffer {
  return 'base64' in f ? Buffer.from(f.base64, 'base64') : Buffer.from(f.text, 'utf8');
}

/** Key and certificate files: the mode we set (0600 for keys) holds even over an existing file. */
export async function writeAtomic(file: string, data: string | Buffer, mode: number): Promise<void> {
  await writeFileAtomic(file, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, { mode, enforceMode: true });
}

/** The wizard's persistent state over global state and SecretStorage; one per extension. */
export class WizardStore {
  constructor(private readonly context: vscode.ExtensionContext, readonly inventory: InventoryServices) {}

  read(s: CertWizardState): Saved {
    return this.context.globalState.get<Saved>(savedKey(hostId(s.host, s.port))) ?? {};
  }

  async write(s: CertWizardState, patch: Partial<Saved>): Promise<void> {
    await this.context.globalState.update(savedKey(hostId(s.host, s.port)), { ...this.read(s), ...patch });
  }

  /** The private key PEM, from SecretStorage or the chosen file; undefined when gone. */
  async readKey(s: CertWizardState, req = this.read(s).request): Promise<string | undefined> {
    if (!req || req.keyLocation.kind === 'host') return undefined;
    if (req.keyLocation.kind === 'secret') return this.context.secrets.get(keySecret(hostId(s.host, s.port)));
    try {
      return await fsp.readFile(req.keyLocation.path, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Keeps a new private key in the file `keyPath` (dropping a secret copy) or in SecretStorage. */
  async storeKey(s: CertWizardState, pem: string, keyPath: string | undefined): Promise<KeyLocation> {
    const secret = keySecret(hostId(s.host, s.port));
    if (!keyPath) {
      await this.context.secrets.store(secret, pem);
      return { kind: 'secret' };
    }
    await writeAtomic(keyPath, pem, 0o600);
    await this.context.secrets.delete(secret);
    return { kind: 'file', path: keyPath };
  }

  /** The one SSH service (pins, passwords, connect). */
  get ssh(): SshService {
    return sshService(this.context);
  }

  /** The remembered SSH password of `user` on the target (one the wizard kept the old way is moved first). */
  async password(user: string, target: SshTarget): Promise<string | undefined> {
    await this.ssh.passwords.adopt(legacyPasswordSecret(target.host), user, target);
    return this.ssh.passwords.get(user, target);
  }

  /** Forgets the remembered SSH password of `user` on the target (and one kept the old way). */
  async forgetPassword(user: string, target: SshTarget): Promise<void> {
    await this.context.secrets.delete(legacyPasswordSecret(target.host));
    await this.ssh.passwords.forget(user, target);
  }

  /** The inventory connection whose endpoint is this host:port, if any. */
  connectionFor(s: CertWizardState): string | undefined {
    const matches = (url: string): boolean => {
      const ep = parseEndpoint(url, 443);
      return ep?.host === s.host.toLowerCase() && ep.port === s.port;
    };
    const store = this.inventory.store;
    if (s.conn) {
      const c = store.get(s.conn);
      if (c && matches(c.url)) return c.id;
    }
    return store.list().find((c) => matches(c.url))?.id;
  }
}
