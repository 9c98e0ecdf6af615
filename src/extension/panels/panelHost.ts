/**
 * The webview kit, extension side. A new panel is five small pieces:
 *
 *   src/webview/<name>/protocol.ts   requests (webview → extension) and events, the state type (identifiers only)
 *   src/extension/<name>/strings.ts  its UI strings: key → the English text through vscode's l10n (French in l10n/)
 *   src/extension/<name>/panel.ts    a PanelDefinition { viewType, bundle, key, title, strings, controller }
 *                                    and the controller class (handlers + the panel's work), owned by its host
 *   src/webview/<name>/state.ts      PanelClient + Store + actions (src/webview/shared/{rpc,store}.ts)
 *   src/webview/<name>/main.ts       draws the store's state with src/webview/shared/{dom,ui,l10n}.ts
 *
 * Commands open a panel with `PanelHost.show(context, def, state)` and reach its controller as
 * `host.controller`; `PanelHost.registerSerializer` restores it after a reload. Handlers get an
 * AbortSignal that the webview's `client.request(m, p, { signal })` (or closing the panel) aborts.
 */
import * as vscode from 'vscode';
import type { EventName, PanelProtocol, ParamsOf, RequestName, ResultOf, ToWebview } from '../../webview/protocol';
import { isToExtension } from '../../webview/protocol';
import { errorCode, errorMessage, isCancellation } from '../../core/errors';
import { claimSerializer } from '../deferred';
import { log } from '../log';
import { kitStrings } from './strings';

/**
 * A request handler. `signal` aborts when the webview cancels the request
 * (`client.request(m, p, { signal })`) or the panel closes; pass it on to the work.
 */
export type Handler<P extends PanelProtocol, M extends RequestName<P>> =
  (params: ParamsOf<P, M>, signal: AbortSignal) => Promise<ResultOf<P, M>> | ResultOf<P, M>;

/** Request handlers of one panel instance. */
export type Handlers<P extends PanelProtocol> = { [M in RequestName<P>]: Handler<P, M> };

/**
 * One panel instance on the extension side: its request handlers and whatever state and work it
 * keeps (a class, or an object literal). The PanelHost creates it once (`definition.controller`),
 * owns it (`host.controller`, typed) and disposes it with the panel. Nothing else keeps controllers:
 * no module maps or exported WeakMaps; commands and tests reach one through the host that
 * `PanelHost.show()` returns (or `PanelHost.instances()`).
 */
export interface PanelController<P extends PanelProtocol> {
  readonly handlers: Handlers<P>;
  /** Called once when the panel closes (after in-flight requests were aborted). */
  dispose?(): void;
}

/**
 * A panel kind. Its protocol `P` is shared with the browser code (src/webview/<bundle>/protocol.ts);
 * its state `S` holds identifiers only (VS Code stores it for restore); `C` is its controller.
 */
export interface PanelDefinition<P extends PanelProtocol, S, C extends PanelController<P> = PanelController<P>> {
  /** e.g. 'vsphereLab.certificates'; also the serializer's view type (package.json activationEvents are implied). */
  readonly viewType: string;
  /** Folder name in src/webview; the bundle is dist/webview/<bundle>.js (and .css when present). */
  readonly bundle: string;
  /** Panels with the same key are one panel: opening it again reveals it. */
  key(state: S): string;
  title(state: S): string;
  icon?: vscode.Uri | { readonly light: vscode.Uri; readonly dark: vscode.Uri };
  /**
   * The panel's UI strings by key, each a literal string passed to vscode's l10n.t (so the French
   * bundle covers it; a unit test checks). Sent with `init`, with the kit's `kit.*` strings; the
   * webview reads them with `t(key, ...args)` from src/webview/shared/l10n.ts.
   */
  strings?(): Record<string, string>;
  /** Creates the controller of a panel instance (called once, from the host's constructor). */
  controller(host: PanelHost<P, S, C>): C;
}

const open = new Map<string, PanelHost<PanelProtocol, unknown, PanelController<PanelProtocol>>>();

/**
 * Hosts a webview panel: strict CSP with a nonce, resources only from dist/webview and media,
 * the ready handshake, typed requests and events. The state handed to the webview (and stored by
 * VS Code for restore) holds identifiers only: never secrets or fetched data.
 */
export class PanelHost<P extends PanelProtocol, S, C extends PanelController<P> = PanelController<P>> implements vscode.Disposable {
  private readyResolve!: () => void;
  /** Resolves when the webview has loaded and received its state. */
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private readonly disposables: vscode.Disposable[] = [];
  /** The panel instance's controller (created by the definition, disposed with the panel). */
  readonly controller: C;
  /** Requests in flight by id: the webview's `cancel` (or closing the panel) aborts them. */
  private readonly inflight = new Map<number, AbortController>();
  private disposed = false;
  private nextCallId = 1;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  private constructor(
    readonly context: vscode.ExtensionContext,
    readonly def: PanelDefinition<P, S, C>,
    readonly panel: vscode.WebviewPanel,
    private state_: S,
  ) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
    panel.title = def.title(state_);
    if (def.icon) panel.iconPath = def.icon;
    this.controller = def.controller(this);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
  }

  /** Opens (or reveals) the panel for this state. */
  static show<P extends PanelProtocol, S, C extends PanelController<P> = PanelController<P>>(context: vscode.ExtensionContext, def: PanelDefinition<P, S, C>, state: S, column = vscode.ViewColumn.Active): PanelHost<P, S, C> {
    const id = `${def.viewType}:${def.key(state)}`;
    const existing = open.get(id) as unknown as PanelHost<P, S, C> | undefined;
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(def.viewType, def.title(state), column, { enableScripts: true });
    const host = new PanelHost(context, def, panel, state);
    host.register(id);
    return host;
  }

  private register(id: string): void {
    open.set(id, this as unknown as PanelHost<PanelProtocol, unknown, PanelController<PanelProtocol>>);
    this.onDidDispose(() => open.delete(id));
  }

  /** Restores panels after a reload from the identifiers VS Code kept. */
  static registerSerializer<P extends PanelProtocol, S, C extends PanelController<P> = PanelController<P>>(context: vscode.ExtensionContext, def: PanelDefinition<P, S, C>, isState: (s: unknown) => s is S): void {
    const serializer: vscode.WebviewPanelSerializer = {
      async deserializeWebviewPanel(panel, saved) {
        if (!isState(saved)) {
          panel.dispose();
          return;
        }
        new PanelHost(context, def, panel, saved).register(`${def.viewType}:${def.key(saved)}`);
      },
    };
    // a stub registered at activation (../deferred.ts) delegates to it; otherwise register it now
    if (!claimSerializer(def.viewType, serializer)) context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(def.viewType, serializer));
  }

  /** Every open panel of a view type (tests, refreshes). */
  static instances<P extends PanelProtocol, S, C extends PanelController<P> = PanelController<P>>(viewType: string): PanelHost<P, S, C>[] {
    return [...open.values()].filter((h) => h.def.viewType === viewType) as unknown as PanelHost<P, S, C>[];
  }

  get state(): S {
    return this.state_;
  }

  /** Changes the panel's identifiers (title follows); the webview gets them on its next init. */
  setState(s: S): void {
    this.state_ = s;
    this.panel.title = this.def.title(s);
  }

  post<E extends EventName<P>>(name: E, data: P['events'][E]): Thenable<boolean> {
    return this.send({ kind: 'event', name, data });
  }

  /** The UI strings `init` carries: the kit's and the panel's, localised now. */
  uiStrings(): Record<string, string> {
    return { ...kitStrings(), ...this.def.strings?.() };
  }

  /**
   * Calls a handler as if the webview asked (tests and commands reuse the same path). `signal`
   * stands for the webview's cancel; closing the panel aborts too.
   */
  async call<M extends RequestName<P>>(method: M, params: ParamsOf<P, M>, opts: { signal?: AbortSignal } = {}): Promise<ResultOf<P, M>> {
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) ac.abort();
    const key = -this.nextCallId++;
    this.inflight.set(key, ac);
    try {
      const handler = ownHandler(this.controller.handlers, method);
      if (!handler) throw new Error(`unknown request ${String(method)}`);
      return await handler(params, ac.signal) as ResultOf<P, M>;
    } finally {
      this.inflight.delete(key);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private send(m: ToWebview): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(m);
  }

  private async receive(m: unknown): Promise<void> {
    if (!isToExtension(m)) return;
    if (m.kind === 'ready') {
      await this.send({ kind: 'init', state: this.state_, locale: vscode.env.language, strings: this.uiStrings() });
      this.readyResolve();
      return;
    }
    if (m.kind === 'cancel') {
      this.inflight.get(m.id)?.abort();
      return;
    }
    const handler = ownHandler(this.controller.handlers, m.method);
    if (!handler) {
      await this.send({ kind: 'response', id: m.id, error: { message: `unknown request ${m.method}`, code: 'unknown' } });
      return;
    }
    const ac = new AbortController();
    this.inflight.set(m.id, ac);
    try {
      const result = await handler(m.params, ac.signal);
      await this.send({ kind: 'response', id: m.id, result });
    } catch (e) {
      const code = isCancellation(e) ? 'cancelled' : errorCode(e);
      if (code !== 'cancelled') log().warn(`${this.def.viewType}: ${m.method} failed: ${errorMessage(e)}`);
      await this.send({ kind: 'response', id: m.id, error: { message: errorMessage(e), code } });
    } finally {
      // A reloaded webview numbers its requests from 1 again: forget only our own entry.
      if (this.inflight.get(m.id) === ac) this.inflight.delete(m.id);
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = makeNonce();
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${this.def.bundle}.js`));
    const codicons = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css'));
    const base = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'media', 'webview.css'));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data: blob:`,
      `style-src ${webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${base}" nonce="${nonce}">
<title>${escapeAttr(this.panel.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const ac of this.inflight.values()) ac.abort();
    try {
      this.controller.dispose?.();
    } catch (e) {
      log().warn(`${this.def.viewType}: disposing the panel failed: ${errorMessage(e)}`);
    }
    for (const d of this.disposables) d.dispose();
    this.disposedEmitter.fire();
    this.disposedEmitter.dispose();
    this.panel.dispose();
  }
}

function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  for (const b of bytes) s += chars[b % chars.length];
  return s;
}

function escapeAttr(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The controller's handler for a request name from the webview: an own property that is a function,
 * never one inherited from Object.prototype (`constructor`, `__proto__`, `toString`…).
 */
function ownHandler(handlers: object, method: unknown): ((p: unknown, s: AbortSignal) => unknown) | undefined {
  if (typeof method !== 'string' || !Object.hasOwn(handlers, method)) return undefined;
  const h = (handlers as Record<string, unknown>)[method];
  return typeof h === 'function' ? (h as (p: unknown, s: AbortSignal) => unknown).bind(handlers) : undefined;
}
