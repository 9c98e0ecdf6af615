import * as vscode from 'vscode';
import { formatEndpoint, parseEndpoint } from '../../core/net/endpoint';

/** A saved endpoint. The password is never here: it lives in SecretStorage only. */
export interface ConnectionConfig {
  readonly id: string;
  /** `https://host[:port]/sdk` as the user typed it (normalised). */
  readonly url: string;
  readonly username: string;
  /** Optional display name; defaults to the host. */
  readonly label?: string;
  /** SHA-256 thumbprint (`AA:BB:…`) the user pinned for a certificate no system CA vouches for. */
  readonly thumbprintSha256?: string;
  /** Declared in the `vsphereLab.connections` setting rather than added in the view. */
  readonly fromSettings?: boolean;
  /** Settings only: the name of an environment variable that holds the password (labs, CI). */
  readonly passwordEnv?: string;
  /** Settings only: where it is declared — the user's (machine) settings, or the workspace's. */
  readonly origin?: 'user' | 'workspace';
}

/**
 * Environment variables whose names start with this are read as passwords without asking (the
 * documented lab/CI convention); any other is read only after the user allowed it, once, for that
 * connection (the permission is remembered in global state, never the value).
 */
export const PASSWORD_ENV_PREFIX = 'VLAB_';
const ENV_ALLOWED_KEY = 'vsphereLab.passwordEnvAllowed';

/** One entry of the `vsphereLab.connections` setting. */
interface SettingsConnection {
  url?: string;
  username?: string;
  label?: string;
  thumbprintSha256?: string;
  passwordEnv?: string;
}

const STATE_KEY = 'vsphereLab.connections';
/** Changes the user made to settings-declared connections (a new pin, say), by id. */
const OVERLAY_KEY = 'vsphereLab.connectionOverlays';
const secretKey = (id: string): string => `vsphereLab.connection.${id}.password`;

/** Saved connections (global state) and their passwords (SecretStorage). */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private readonly configListener: vscode.Disposable;
  private readonly trustListener: vscode.Disposable;

  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {
    this.configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('vsphereLab.connections')) this.changed.fire();
    });
    this.trustListener = vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire());
  }

  /** Connections added in the view, then those declared in settings. */
  list(): ConnectionConfig[] {
    return [...this.saved(), ...this.declared()];
  }

  private saved(): ConnectionConfig[] {
    return [...(this.state.get<ConnectionConfig[]>(STATE_KEY) ?? [])];
  }

  /**
   * Connections of the `vsphereLab.connections` setting: the user's always; the workspace's only in a
   * trusted workspace (the setting is also a restricted configuration, so VS Code hides them too).
   */
  private declared(): ConnectionConfig[] {
    const inspected = vscode.workspace.getConfiguration('vsphereLab').inspect<SettingsConnection[]>('connections');
    const overlays = this.state.get<Record<string, Partial<ConnectionConfig>>>(OVERLAY_KEY) ?? {};
    const sources: Array<[SettingsConnection[] | undefined, 'user' | 'workspace']> = [[inspected?.globalValue, 'user']];
    if (vscode.workspace.isTrusted) sources.push([inspected?.workspaceValue, 'workspace'], [inspected?.workspaceFolderValue, 'workspace']);
    const out: ConnectionConfig[] = [];
    for (const [raw, origin] of sources) {
      for (const c of Array.isArray(raw) ? raw : []) {
        if (!c || typeof c.url !== 'string' || typeof c.username !== 'string') continue;
        let url: string;
        try { url = normaliseUrl(c.url); } catch { continue; }
        const id = `s-${stableHash(`${url}|${c.username}`)}`;
        if (out.some((o) => o.id === id)) continue;
        out.push({
          id, url, username: c.username, label: c.label, thumbprintSha256: c.thumbprintSha256,
          passwordEnv: typeof c.passwordEnv === 'string' ? c.passwordEnv : undefined, fromSettings: true, origin, ...overlays[id],
        });
      }
    }
    return out;
  }

  get(id: string): ConnectionConfig | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** Adds a connection and stores its password; returns the new config. */
  async add(input: Omit<ConnectionConfig, 'id'>, password: string): Promise<ConnectionConfig> {
    const id = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const conn: ConnectionConfig = { ...input, id };
    await this.secrets.store(secretKey(id), password);
    await this.state.update(STATE_KEY, [...this.saved(), conn]);
    this.changed.fire();
    return conn;
  }

  async update(id: string, patch: Partial<Omit<ConnectionConfig, 'id'>>): Promise<ConnectionConfig | undefined> {
    const declared = this.declared().find((c) => c.id === id);
    if (declared) {
      // Settings stay as the user wrote them; what changes here is remembered beside them.
      const overlays = { ...(this.state.get<Record<string, Partial<ConnectionConfig>>>(OVERLAY_KEY) ?? {}) };
      overlays[id] = { ...overlays[id], ...patch };
      await this.state.update(OVERLAY_KEY, overlays);
      this.changed.fire();
      return this.get(id);
    }
    const list = this.saved();
    const i = list.findIndex((c) => c.id === id);
    if (i < 0) return undefined;
    const next: ConnectionConfig = { ...list[i], ...patch, id };
    // A changed address invalidates the pin: it belonged to the old endpoint.
    if (patch.url !== undefined && patch.url !== list[i].url && patch.thumbprintSha256 === undefined) {
      delete (next as { thumbprintSha256?: string }).thumbprintSha256;
    }
    list[i] = next;
    await this.state.update(STATE_KEY, list);
    this.changed.fire();
    return next;
  }

  /** Removes the connection and its password. */
  async remove(id: string): Promise<void> {
    if (this.declared().some((c) => c.id === id)) {
      throw new Error(vscode.l10n.t('This connection is declared in the vsphereLab.connections setting: remove it there.'));
    }
    await this.state.update(STATE_KEY, this.saved().filter((c) => c.id !== id));
    await this.secrets.delete(secretKey(id));
    this.changed.fire();
  }

  /**
   * The stored password, else (settings connections) the one in the named environment variable when
   * it may be read: its name starts with {@link PASSWORD_ENV_PREFIX} or the user allowed it for this
   * connection ({@link allowPasswordEnv}).
   */
  async password(id: string): Promise<string | undefined> {
    const stored = await this.secrets.get(secretKey(id));
    if (stored !== undefined) return stored;
    const env = this.get(id)?.passwordEnv;
    return env && this.passwordEnvAllowed(id) ? process.env[env] : undefined;
  }

  /** Whether the connection's `passwordEnv` may be read (documented prefix, or allowed by the user). */
  passwordEnvAllowed(id: string): boolean {
    const env = this.get(id)?.passwordEnv;
    if (!env) return false;
    if (env.startsWith(PASSWORD_ENV_PREFIX)) return true;
    return (this.state.get<Record<string, string>>(ENV_ALLOWED_KEY) ?? {})[id] === env;
  }

  /** Remembers that the user allowed reading the connection's `passwordEnv` (its name, never its value). */
  async allowPasswordEnv(id: string): Promise<void> {
    const env = this.get(id)?.passwordEnv;
    if (!env) return;
    await this.state.update(ENV_ALLOWED_KEY, { ...(this.state.get<Record<string, string>>(ENV_ALLOWED_KEY) ?? {}), [id]: env });
    this.changed.fire();
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.secrets.store(secretKey(id), password);
  }

  dispose(): void {
    this.configListener.dispose();
    this.trustListener.dispose();
    this.changed.dispose();
  }
}

function stableHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

/** `host` or `host:port` of a connection, for labels. */
export function hostOf(url: string): string {
  const ep = parseEndpoint(url, 443);
  return ep ? formatEndpoint(ep, 443) : url;
}

/** Normalises what a user types into `https://host[:port]/sdk`; throws with a readable message. */
export function normaliseUrl(input: string): string {
  if (!input.trim()) throw new Error(vscode.l10n.t('Enter the address of a vCenter or ESXi host.'));
  const ep = parseEndpoint(input, 443);
  if (!ep) throw new Error(vscode.l10n.t('"{0}" is not an address. Use host, host:port or https://host/sdk.', input));
  if (ep.scheme !== undefined && ep.scheme !== 'https') throw new Error(vscode.l10n.t('vSphere needs https: "{0}" uses {1}.', input, ep.scheme));
  return `https://${formatEndpoint(ep, 443)}${ep.path ?? '/sdk'}`;
}
