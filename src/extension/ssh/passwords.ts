/**
 * The one SSH password policy: a password is kept only when the user chose "remember" for it, only in
 * SecretStorage, under one namespaced key per `user@host:port` ({@link passwordKey}), shared by every
 * feature. A remembered password the host refuses is dropped (the caller then asks again).
 *
 * The esxtop capture used to keep every password it was given under its own key; such a password is
 * moved to the shared key the first time it is looked up. (The certificate wizard's old key named no
 * user, so its owner moves it; see {@link SshPasswords.adopt}.)
 *
 * No `vscode` import: it works over anything shaped like `vscode.SecretStorage`.
 */
import type { SshTarget } from './pins';

/** What this needs of `vscode.SecretStorage`. */
export interface SecretsLike {
  get(key: string): Thenable<string | undefined> | Promise<string | undefined>;
  store(key: string, value: string): Thenable<void> | Promise<void>;
  delete(key: string): Thenable<void> | Promise<void>;
}

/** The SecretStorage key of the password of `user` on a target. */
export const passwordKey = (user: string, t: SshTarget): string => `vsphereLab.ssh.password.${user}@${t.host}:${t.port}`;

/** Where the esxtop capture kept passwords before this store existed. */
const legacyEsxtopKey = (user: string, t: SshTarget): string => `vsphereLab.memory.ssh.${user}@${t.host}:${t.port}.password`;

export class SshPasswords {
  constructor(private readonly secrets: SecretsLike) {}

  /** The remembered password of `user` on the target, if the user chose to remember one. */
  async get(user: string, t: SshTarget): Promise<string | undefined> {
    const key = passwordKey(user, t);
    const stored = await this.secrets.get(key);
    if (stored !== undefined) return stored;
    const old = await this.secrets.get(legacyEsxtopKey(user, t));
    if (old === undefined) return undefined;
    await this.secrets.store(key, old);
    await this.secrets.delete(legacyEsxtopKey(user, t));
    return old;
  }

  /** Whether a password is remembered (for a UI that offers "forget"). */
  async has(user: string, t: SshTarget): Promise<boolean> {
    return (await this.get(user, t)) !== undefined;
  }

  /** Remembers a password the user chose to keep. Call it after the host accepted the password. */
  async remember(user: string, t: SshTarget, password: string): Promise<void> {
    await this.secrets.store(passwordKey(user, t), password);
  }

  /** Forgets the password of `user` on the target (also its pre-issue-16 copy). */
  async forget(user: string, t: SshTarget): Promise<void> {
    await this.secrets.delete(passwordKey(user, t));
    await this.secrets.delete(legacyEsxtopKey(user, t));
  }

  /**
   * Moves a password a feature kept under its own key (before this store) to the shared key, unless
   * one is stored there already, and deletes the old key. Returns true when something was moved.
   */
  async adopt(oldKey: string, user: string, t: SshTarget): Promise<boolean> {
    const old = await this.secrets.get(oldKey);
    if (old === undefined) return false;
    if ((await this.secrets.get(passwordKey(user, t))) === undefined) await this.remember(user, t, old);
    await this.secrets.delete(oldKey);
    return true;
  }
}
