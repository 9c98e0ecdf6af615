/**
 * THE way to get an SSH session in the extension. A feature that needs SSH (esxtop capture, Data
 * Recovery log fetch, certificate deploy, the terminal…) asks the target and the user name in its own
 * words, then calls {@link SshService.connect} and gets a core `SshSession`, or a `CancelledError`
 * (`isCancellation(e)`) when the user declined or the signal fired:
 *
 * ```ts
 * const ssh = sshService(context);
 * const session = await ssh.connect({ host, port }, { purpose: 'esxtop', username, signal });
 * try { await session.exec('esxtop -b -n 1', { signal }); } finally { session.close(); }
 * ```
 *
 * What `connect` does, in order, so that no feature does it again:
 * 1. the host key: the caller's `hostKey` if it names one (scripts, tests, a wizard that already showed
 *    the key), else the one pin store (./pins.ts; shared by every purpose, old per-feature stores folded in);
 * 2. the password: the caller's `password`, else a remembered one (./passwords.ts), else the prompt
 *    (./passwordPrompt.ts) where "remember" is the user's choice;
 * 3. the connection; an unknown or changed host key shows the trust prompt (./trustPrompt.ts) and, if the
 *    user trusts it, pins it and connects again (a caller-named `hostKey` gets the refusal instead);
 *    a refused remembered password is forgotten and the user asked again (up to three tries typed);
 * 4. on success: the key the host presented is pinned; a password the user chose to remember is stored.
 *
 * Stateless apart from global state and SecretStorage: `sshService(context)` is cheap; make one where
 * needed. Nothing here is a secret in a log: passwords are never logged.
 */
import * as vscode from 'vscode';
import { CancelledError, LabError, throwIfAborted } from '../../core/errors';
import { normaliseFingerprint, SshAuthError, SshSession, UnknownHostKeyError, type HostKeyChangedError } from '../../core/esxi/ssh';
import { log } from '../log';
import { askSshPassword } from './passwordPrompt';
import { SshPasswords, type SecretsLike } from './passwords';
import { HostKeyPins, pinKey, type MementoLike, type SshTarget } from './pins';
import { askToTrustHostKey, isHostKeyProblem } from './trustPrompt';

export type { SshTarget } from './pins';
export type { SshSession } from '../../core/esxi/ssh';

/** What a caller tells {@link SshService.connect}. Only `purpose` is required. */
export interface SshConnectRequest {
  /**
   * What the session is for, as the log names it: `esxtop`, `Data Recovery logs`, `certificate deploy`,
   * `terminal`… Open-ended and never shown in a prompt; it never changes which keys are trusted.
   */
  readonly purpose: string;
  /** Cancels the connection (and ends waiting between prompts) with a `CancelledError`. */
  readonly signal?: AbortSignal;
  /** Default `root` (what ESXi and the Data Recovery appliance use). */
  readonly username?: string;
  /**
   * A password the caller already has (its own form, a script): used as is, never prompted for; a
   * refusal is thrown (`SshAuthError`). Stored only with `rememberPassword`.
   */
  readonly password?: string;
  /** With `password`: remember it (SecretStorage) once the host accepted it. */
  readonly rememberPassword?: boolean;
  /**
   * The key to trust (`SHA256:…`), named by a caller that already showed it to the user or was told
   * it (scripts, tests). A host presenting another key is refused (`HostKeyChangedError`), no prompt.
   */
  readonly hostKey?: string;
  /** Title of the password prompt (the feature's own wording); default "SSH to HOST". */
  readonly title?: string;
  /** Where the user reads the host's own key, for the trust prompt; default the ESXi console. */
  readonly where?: string;
  /** false: never prompt (a missing password, an unknown key or a refusal is thrown). Default true. */
  readonly interactive?: boolean;
  /** Connect + handshake + authentication; default 20 s. */
  readonly readyTimeoutMs?: number;
}

/** What {@link SshService.probeHostKey} found. */
export interface HostKeyStatus {
  readonly fingerprint: string;
  readonly keyType?: string;
  readonly pinned?: string;
  readonly status: 'unknown' | 'pinned' | 'changed';
}

interface Credential {
  password: string;
  source: 'given' | 'stored' | 'typed';
  remember: boolean;
}

const MAX_TYPED_TRIES = 3;

export class SshService {
  /** The one host-key pin store. */
  readonly pins: HostKeyPins;
  /** The one password policy. */
  readonly passwords: SshPasswords;

  constructor(state: MementoLike, secrets: SecretsLike) {
    this.pins = new HostKeyPins(state, (line, level) => log()[level](line));
    this.passwords = new SshPasswords(secrets);
  }

  /**
   * An authenticated session on `target`, by the steps in the file header. Throws `CancelledError`
   * when the user dismisses a prompt or declines a key, or the signal fires; core `SshError`s otherwise.
   */
  async connect(target: SshTarget, req: SshConnectRequest): Promise<SshSession> {
    const user = req.username ?? 'root';
    const interactive = req.interactive ?? true;
    const named = req.hostKey !== undefined ? normaliseFingerprint(req.hostKey) : undefined;
    let hostKey = named ?? (await this.pins.get(target));
    let cred = await this.firstCredential(user, target, req);
    let typedTries = cred.source === 'typed' ? 1 : 0;
    for (;;) {
      throwIfAborted(req.signal, 'Connecting over SSH');
      try {
        const session = await SshSession.connect({
          host: target.host, port: target.port, username: user, password: cred.password, hostKey, signal: req.signal,
          ...(req.readyTimeoutMs !== undefined ? { readyTimeoutMs: req.readyTimeoutMs } : {}),
        });
        try {
          await this.afterLogin(session, target, user, cred, req.purpose);
        } catch (e) {
          session.close();
          throw e;
        }
        return session;
      } catch (e) {
        if (isHostKeyProblem(e) && named === undefined && interactive) {
          hostKey = await this.trust(e, target, req);
          continue;
        }
        if (!(e instanceof SshAuthError) || cred.source === 'given') throw e;
        if (cred.source === 'stored') {
          await this.passwords.forget(user, target);
          log().info(`ssh: ${user}@${pinKey(target)} refused the remembered password; forgotten`);
        }
        if (!interactive || typedTries >= MAX_TYPED_TRIES) throw e;
        cred = await this.typed(user, target, req, true);
        typedTries++;
      }
    }
  }

  /**
   * The key `target` presents, without logging in (the key is refused on purpose once seen), and how
   * it compares with the pin: for a UI that shows the key before anything else (the certificate wizard).
   */
  async probeHostKey(target: SshTarget, signal?: AbortSignal): Promise<HostKeyStatus> {
    let found: UnknownHostKeyError | undefined;
    try {
      const s = await SshSession.connect({ host: target.host, port: target.port, username: 'root', signal, trustUnknownHostKey: () => false });
      s.close();
    } catch (e) {
      if (!(e instanceof UnknownHostKeyError)) throw e;
      found = e;
    }
    if (!found) throw new Error(vscode.l10n.t('{0}:{1} did not present an SSH host key.', target.host, String(target.port)));
    const pinned = await this.pins.get(target);
    return {
      fingerprint: found.fingerprint, ...(found.keyType ? { keyType: found.keyType } : {}), ...(pinned ? { pinned } : {}),
      status: !pinned ? 'unknown' : pinned === found.fingerprint ? 'pinned' : 'changed',
    };
  }

  private async firstCredential(user: string, target: SshTarget, req: SshConnectRequest): Promise<Credential> {
    if (req.password !== undefined) return { password: req.password, source: 'given', remember: !!req.rememberPassword };
    const stored = await this.passwords.get(user, target);
    if (stored !== undefined) return { password: stored, source: 'stored', remember: true };
    if (req.interactive === false) throw new LabError('auth', `No password for ${user}@${pinKey(target)}: none was given and none is remembered.`);
    return this.typed(user, target, req, false);
  }

  private async typed(user: string, target: SshTarget, req: SshConnectRequest, refused: boolean): Promise<Credential> {
    throwIfAborted(req.signal, 'Connecting over SSH');
    const title = req.title ?? vscode.l10n.t('SSH to {0}', target.host);
    const a = await askSshPassword({ user, host: target.host, title, refused });
    if (!a) throw new CancelledError('Connecting over SSH');
    return { password: a.password, source: 'typed', remember: a.remember };
  }

  /** The trust prompt for an unknown or changed key; pins the key the user trusts. */
  private async trust(e: UnknownHostKeyError | HostKeyChangedError, target: SshTarget, req: SshConnectRequest): Promise<string> {
    throwIfAborted(req.signal, 'Connecting over SSH');
    const where = req.where ?? vscode.l10n.t('the host\'s console (DCUI, or the ESXi Shell)');
    const accepted = await askToTrustHostKey(e, pinKey(target), where);
    if (!accepted) throw new CancelledError('Connecting over SSH');
    await this.pins.set(target, accepted);
    log().info(`ssh: the user trusted the host key of ${pinKey(target)} ${accepted} (for ${req.purpose})`);
    return accepted;
  }

  private async afterLogin(session: SshSession, target: SshTarget, user: string, cred: Credential, purpose: string): Promise<void> {
    await this.pins.set(target, session.hostKey);
    if (cred.remember && cred.source !== 'stored') await this.passwords.remember(user, target, cred.password);
    log().info(`ssh: ${user}@${pinKey(target)} connected for ${purpose} (host key ${session.hostKey}${cred.remember && cred.source !== 'stored' ? ', password remembered' : ''})`);
  }
}

/** The SSH service over the extension's global state and SecretStorage. */
export function sshService(context: Pick<vscode.ExtensionContext, 'globalState' | 'secrets'>): SshService {
  return new SshService(context.globalState, context.secrets);
}
