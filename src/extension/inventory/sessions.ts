import { isIP } from 'node:net';
import * as vscode from 'vscode';
import type { VimClient } from '../../core/vsphere/client';
import type { MoRef } from '../../core/vsphere/decode';
import type { Inventory } from '../../core/vsphere/inventory';
import type { LiveChange, LiveInventory } from '../../core/vsphere/live';
import type { CertificateDescription, TrustPolicy } from '../../core/vsphere/tls';
import { InventoryTree } from '../../core/inventory/tree';
import { log } from '../log';
import { ConnectionConfig, ConnectionStore, hostOf } from './connections';
import { InventoryDecorations } from './decorations';
import { lazy } from '../../core/lazy';
import type { GenerationInfo } from '../../core/vsphere/generation';

/** Loaded lazily: the SOAP client is not needed until a connection is used. */
const vsphere = lazy(() => require('./vsphereApi') as typeof import('./vsphereApi'));

export type SessionState =
  | { status: 'disconnected' }
  | { status: 'connecting' }
  | { status: 'connected'; product: string; generation?: GenerationInfo }
  | { status: 'error'; problem: Problem };

/** Why a connection failed, and the fix-it the tree offers for it. */
export interface Problem {
  kind: 'untrusted' | 'certificateChanged' | 'login' | 'noPassword' | 'permission' | 'network' | 'other';
  message: string;
  certificate?: CertificateDescription;
  expectedSha256?: string;
}

export interface Snapshot {
  readonly inventory: Inventory;
  readonly tree: InventoryTree;
  readonly loadedAt: number;
  readonly loadMs: number;
}

class Session {
  state: SessionState = { status: 'disconnected' };
  client: VimClient | undefined;
  snapshot: Snapshot | undefined;
  /**
   * Bumped whenever the session is dropped (reset, disconnect, a new pin). Work started under an
   * older generation is neither reused nor allowed to install its client or snapshot.
   */
  generation = 0;
  connecting: { gen: number; promise: Promise<VimClient> } | undefined;
  /** The live model the snapshot comes from (undefined where the server offers no live updates). */
  live: LiveInventory | undefined;
  loading: { gen: number; promise: Promise<Snapshot> } | undefined;
  /** Aborts the requests of this generation's connect and load (replaced on every drop). */
  abort = new AbortController();
}

/**
 * One vSphere session per saved connection. Connecting never prompts: failures become a
 * `Problem` that the tree shows with a fix-it command; the commands that the user runs
 * (add connection, trust certificate) do the asking.
 */
export class SessionManager implements vscode.Disposable {
  private readonly sessions = new Map<string, Session>();
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with a connection id whenever its state or snapshot changes. */
  readonly onDidChange = this.changed.event;
  private readonly liveChanged = new vscode.EventEmitter<{ conn: string; changes: readonly LiveChange[]; reset: boolean; before: Snapshot | undefined }>();
  /**
   * Fires after a live update replaced a connection's snapshot (no reload): the changes (object,
   * property, value; objects entered and left) and the snapshot before them, for the tree to redraw
   * just the nodes concerned.
   */
  readonly onDidChangeLive = this.liveChanged.event;

  /**
   * `decorations`: the features' tree decorators (./decorations): a load retrieves the extra
   * properties they ask for and tells them of each fresh inventory before the tree reads it.
   */
  constructor(private readonly store: ConnectionStore, readonly decorations = new InventoryDecorations()) {}

  private session(id: string): Session {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = new Session()));
    return s;
  }

  state(id: string): SessionState {
    return this.session(id).state;
  }

  snapshot(id: string): Snapshot | undefined {
    return this.session(id).snapshot;
  }

  private setState(id: string, state: SessionState): void {
    this.session(id).state = state;
    this.changed.fire(id);
  }

  /** The logged-in client for a connection, connecting first if needed. */
  client(id: string): Promise<VimClient> {
    const s = this.session(id);
    if (s.client) return Promise.resolve(s.client);
    if (s.connecting?.gen !== s.generation) {
      const entry = { gen: s.generation, promise: this.connect(id, s.generation) };
      s.connecting = entry;
      void entry.promise.finally(() => { if (s.connecting === entry) s.connecting = undefined; }).catch(() => undefined);
    }
    return s.connecting!.promise;
  }

  private async connect(id: string, gen: number): Promise<VimClient> {
    const conn = this.store.get(id);
    if (!conn) throw new Error(vscode.l10n.t('This connection no longer exists.'));
    // This attempt's signal, taken now: a cancel or reset replaces the session's controller.
    const signal = this.session(id).abort.signal;
    const stale = (): ConnectionProblem => new ConnectionProblem({ kind: 'other', message: vscode.l10n.t('The connection settings changed while connecting; try again.') });
    if (conn.origin === 'workspace' && !vscode.workspace.isTrusted) {
      // Never on a workspace's behalf: its declared connections wait for the user to trust it.
      const problem: Problem = { kind: 'other', message: vscode.l10n.t('This connection is declared by a workspace that is not trusted; vSphere Lab does not connect for it. Trust the workspace first.') };
      this.setState(id, { status: 'error', problem });
      throw new ConnectionProblem(problem);
    }
    const password = await this.store.password(id);
    // Cancelled or reset while the password was read: leave the state the cancel set.
    if (this.session(id).generation !== gen) throw stale();
    if (password === undefined) {
      const message = conn.passwordEnv && !this.store.passwordEnvAllowed(id)
        ? vscode.l10n.t('The settings name the environment variable {0} for the password of {1}; vSphere Lab reads it only after you allow it. Enter Password… lets you allow it or type the password.', conn.passwordEnv, conn.username)
        : vscode.l10n.t('No password is stored for {0}.', conn.username);
      const problem: Problem = { kind: 'noPassword', message };
      this.setState(id, { status: 'error', problem });
      throw new ConnectionProblem(problem);
    }
    this.setState(id, { status: 'connecting' });
    const started = Date.now();
    try {
      const { VimClient } = await vsphere();
      const trust: TrustPolicy = conn.thumbprintSha256 ? { mode: 'pinned', sha256: conn.thumbprintSha256 } : { mode: 'system' };
      const mb = vscode.workspace.getConfiguration('vsphereLab.network').get<number>('maxResponseMB');
      const client = await VimClient.connect({
        url: conn.url, username: conn.username, password, trust, signal,
        ...(typeof mb === 'number' && Number.isFinite(mb) && mb > 0 ? { maxResponseBytes: mb * 1048576 } : {}),
        log: (m) => log().debug(`[${hostOf(conn.url)}] ${m}`),
      });
      if (this.session(id).generation !== gen) {
        // Reset while connecting (new pin, new password): this client belongs to the old settings.
        await client.close().catch(() => undefined);
        throw stale();
      }
      this.session(id).client = client;
      const about = client.serviceContent.about;
      log().info(`connected to ${hostOf(conn.url)} (${about.fullName}) in ${Date.now() - started} ms`);
      this.setState(id, { status: 'connected', product: about.fullName, generation: client.generation?.toJSON() });
      return client;
    } catch (e) {
      if (e instanceof ConnectionProblem) throw e;
      const problem = await this.describe(e);
      log().warn(`connection to ${hostOf(conn.url)} failed: ${problem.message}`);
      // A newer attempt (after a reset) owns the state now.
      if (this.session(id).generation === gen) this.setState(id, { status: 'error', problem });
      throw new ConnectionProblem(problem, e);
    }
  }

  private async describe(e: unknown): Promise<Problem> {
    const m = await vsphere();
    const message = (e as Error)?.message ?? String(e);
    if (e instanceof m.CertificateChangedError) {
      return { kind: 'certificateChanged', message, certificate: e.certificate, expectedSha256: e.expectedSha256 };
    }
    if (e instanceof m.UntrustedCertificateError) return { kind: 'untrusted', message, certificate: e.certificate };
    if (e instanceof m.InvalidLoginError) return { kind: 'login', message };
    if (e instanceof m.NoPermissionError) return { kind: 'permission', message };
    if (e instanceof m.ConnectionError || e instanceof m.TimeoutError) return { kind: 'network', message };
    return { kind: 'other', message };
  }

  /** The inventory snapshot, loading it (once at a time) when missing or when `force`. */
  async load(id: string, force = false): Promise<Snapshot> {
    const s = this.session(id);
    if (s.snapshot && !force) return s.snapshot;
    if (s.loading?.gen === s.generation) return s.loading.promise;
    const gen = s.generation;
    const promise = (async () => {
      const client = await this.client(id);
      const started = performance.now();
      let inventory: Inventory;
      try {
        inventory = await this.fetchInventory(id, s, gen, client);
      } catch (e) {
        const problem = await this.describe(e);
        if ((problem.kind === 'network' || problem.kind === 'certificateChanged') && s.generation === gen) {
          // The server went away or changed under us: drop the session so the next try reconnects.
          await this.drop(id);
          this.setState(id, { status: 'error', problem });
        }
        throw new ConnectionProblem(problem, e);
      }
      const snap: Snapshot = { inventory, tree: new InventoryTree(inventory), loadedAt: Date.now(), loadMs: performance.now() - started };
      if (s.generation === gen) {
        s.snapshot = snap;
        this.decorations.loaded(id, inventory);
      }
      const c = snap.tree.counts();
      log().debug(`inventory of ${id}: ${c.datacenters} datacenters, ${c.clusters} clusters, ${c.hosts} hosts, ${c.vms} VMs in ${snap.loadMs.toFixed(0)} ms`);
      return snap;
    })();
    const entry = { gen, promise };
    s.loading = entry;
    void promise.finally(() => { if (s.loading === entry) s.loading = undefined; }).catch(() => undefined);
    return promise;
  }

  /**
   * The inventory of a (re)load: from a live model (./live updates: the feed's first answer is the
   * listing, later answers update the snapshot in place), else from one retrieve where the server
   * offers no live updates. A reload replaces the live model (decorators may ask for new properties).
   */
  private async fetchInventory(id: string, s: Session, gen: number, client: VimClient): Promise<Inventory> {
    const m = await vsphere();
    const extraPaths = this.decorations.properties();
    const old = s.live;
    s.live = undefined;
    if (old) void old.stop();
    try {
      const live = await m.LiveInventory.start(client, {
        extraPaths, signal: s.abort.signal,
        log: (msg) => log().debug(msg),
        onError: (e) => log().warn(`live updates of ${id}: ${e.message}`),
        onChange: (changes, reset) => this.applyLive(id, s, gen, live, changes, reset),
      });
      if (s.generation !== gen) { void live.stop(); return live.inventory(); }
      s.live = live;
      return live.inventory();
    } catch (e) {
      if (!(e instanceof m.VsphereError) || e.code !== 'noViewManager') throw e;
      log().info(`${id}: no live updates on this server (${e.message}); the inventory is read once`);
      return client.withRelogin(() => m.getInventory(client, { signal: s.abort.signal, extraPaths }));
    }
  }

  /** A live update: the snapshot is rebuilt from the live model, decorators told, the tree notified. */
  private applyLive(id: string, s: Session, gen: number, live: LiveInventory, changes: readonly LiveChange[], reset: boolean): void {
    if (s.generation !== gen || s.live !== live || !s.snapshot) return;
    const started = performance.now();
    const inventory = live.inventory();
    const before = s.snapshot;
    s.snapshot = { inventory, tree: new InventoryTree(inventory), loadedAt: Date.now(), loadMs: performance.now() - started };
    this.decorations.loaded(id, inventory);
    log().debug(`live update of ${id}: ${changes.length} change(s)${reset ? ' after the feed was re-created' : ''}`);
    this.liveChanged.fire({ conn: id, changes, reset, before });
  }

  /** True while a connection's snapshot follows the server by live updates. */
  isLive(id: string): boolean {
    return this.session(id).live !== undefined;
  }

  /**
   * The datacenters alone (one small retrieve): the tree's first level can show while the whole
   * inventory (thousands of VMs) is still on its way.
   */
  async datacenters(id: string): Promise<{ ref: MoRef; name: string }[]> {
    const client = await this.client(id);
    const { retrieve } = await vsphere();
    try {
      const objects = await client.withRelogin(() => retrieve(client, 'Datacenter', ['name']));
      return objects.map((o) => ({ ref: o.obj, name: typeof o.props.name === 'string' ? o.props.name : o.obj.value }));
    } catch (e) {
      throw new ConnectionProblem(await this.describe(e), e);
    }
  }

  /** Forgets the snapshot (next expansion reloads). Keeps the session. */
  invalidate(id: string): void {
    this.session(id).snapshot = undefined;
  }

  /** Closes the session (Logout) and forgets everything but the saved connection. */
  async disconnect(id: string): Promise<void> {
    await this.drop(id);
    this.setState(id, { status: 'disconnected' });
  }

  /**
   * Stops a connect or load in flight (the user cancelled it): its requests are aborted and the
   * connection shows as disconnected.
   */
  async cancel(id: string): Promise<void> {
    await this.disconnect(id);
  }

  private async drop(id: string): Promise<void> {
    const s = this.session(id);
    s.generation++;
    s.abort.abort();
    s.abort = new AbortController();
    const client = s.client;
    const live = s.live;
    s.client = undefined;
    s.live = undefined;
    s.snapshot = undefined;
    // The feed first (its collector is destroyed while the session still exists), then the session.
    if (live) await live.stop().catch(() => undefined);
    if (client) await client.close().catch(() => undefined);
  }

  /** Retries after a problem: forgets the error and the session. */
  async reset(id: string): Promise<void> {
    await this.drop(id);
    this.session(id).state = { status: 'disconnected' };
  }

  /**
   * Fetches the certificate the endpoint presents now (for the trust prompt), without trusting it.
   */
  async presentedCertificate(conn: ConnectionConfig, signal?: AbortSignal): Promise<CertificateDescription> {
    const { fetchPeerCertificate, parseSdkUrl } = await vsphere();
    const ep = parseSdkUrl(conn.url);
    // The same SNI name the client sends (none for an IP address): a server with several
    // certificates must show the one the connection will meet.
    const servername = isIP(ep.host.replace(/^\[|\]$/g, '')) ? undefined : ep.host;
    return fetchPeerCertificate({ host: ep.host, port: ep.port, servername }, { timeoutMs: 15000, signal });
  }

  async forget(id: string): Promise<void> {
    await this.drop(id);
    this.sessions.delete(id);
  }

  dispose(): void {
    for (const id of this.sessions.keys()) void this.drop(id);
    this.changed.dispose();
    this.liveChanged.dispose();
  }
}

/** A failed connect or load, with the problem the tree shows. */
export class ConnectionProblem extends Error {
  constructor(readonly problem: Problem, readonly cause?: unknown) {
    super(problem.message);
    this.name = 'ConnectionProblem';
  }
}
