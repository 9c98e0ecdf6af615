import * as vscode from 'vscode';

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
}

const STATE_KEY = 'vsphereLab.connections';
const secretKey = (id: string): string => `vsphereLab.connection.${id}.password`;

/** Saved connections (global state) and their passwords (SecretStorage). */
export class ConnectionStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {}

  list(): ConnectionConfig[] {
    return [...(this.state.get<ConnectionConfig[]>(STATE_KEY) ?? [])];
  }

  get(id: string): ConnectionConfig | undefined {
    return this.list().find((c) => c.id === id);
  }

  /** Adds a connection and stores its password; returns the new config. */
  async add(input: Omit<ConnectionConfig, 'id'>, password: string): Promise<ConnectionConfig> {
    const id = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const conn: ConnectionConfig = { ...input, id };
    await this.secrets.store(secretKey(id), password);
    await this.state.update(STATE_KEY, [...this.list(), conn]);
    this.changed.fire();
    return conn;
  }

  async update(id: string, patch: Partial<Omit<ConnectionConfig, 'id'>>): Promise<ConnectionConfig | undefined> {
    const list = this.list();
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
    await this.state.update(STATE_KEY, this.list().filter((c) => c.id !== id));
    await this.secrets.delete(secretKey(id));
    this.changed.fire();
  }

  password(id: string): Thenable<string | undefined> {
    return this.secrets.get(secretKey(id));
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.secrets.store(secretKey(id), password);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** `host` or `host:port` of a connection, for labels. */
export function hostOf(url: string): string {
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    return u.port && u.port !== '443' ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return url;
  }
}

/** Normalises what a user types into `https://host[:port]/sdk`; throws with a readable message. */
export function normaliseUrl(input: string): string {
  let s = input.trim();
  if (!s) throw new Error(vscode.l10n.t('Enter the address of a vCenter or ESXi host.'));
  if (!/^[a-z]+:\/\//i.test(s)) s = `https://${s}`;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new Error(vscode.l10n.t('"{0}" is not an address. Use host, host:port or https://host/sdk.', input));
  }
  if (u.protocol !== 'https:') throw new Error(vscode.l10n.t('vSphere needs https: "{0}" uses {1}.', input, u.protocol.replace(':', '')));
  const path = u.pathname && u.pathname !== '/' ? u.pathname.replace(/\/$/, '') : '/sdk';
  return `https://${u.host}${path}`;
}
