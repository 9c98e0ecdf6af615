import * as vscode from 'vscode';
import type { EventName, PanelProtocol, ParamsOf, RequestName, ResultOf, ToWebview } from '../../webview/protocol';
import { isToExtension } from '../../webview/protocol';
import { log } from '../log';

/** Request handlers of one panel instance. */
export type Handlers<P extends PanelProtocol> = {
  [M in RequestName<P>]: (params: ParamsOf<P, M>, token: vscode.CancellationToken) => Promise<ResultOf<P, M>> | ResultOf<P, M>;
};

export interface PanelDefinition<P extends PanelProtocol, S> {
  /** e.g. 'vsphereLab.certificates'; also the serializer's view type (package.json activationEvents are implied). */
  readonly viewType: string;
  /** Folder name in src/webview; the bundle is dist/webview/<bundle>.js (and .css when present). */
  readonly bundle: string;
  /** Panels with the same key are one panel: opening it again reveals it. */
  key(state: S): string;
  title(state: S): string;
  icon?: vscode.Uri | { readonly light: vscode.Uri; readonly dark: vscode.Uri };
  /** Creates the handlers for a panel instance. */
  handlers(host: PanelHost<P, S>): Handlers<P>;
}

const open = new Map<string, PanelHost<PanelProtocol, unknown>>();

/**
 * Hosts a webview panel: strict CSP with a nonce, resources only from dist/webview and media,
 * the ready handshake, typed requests and events. The state handed to the webview (and stored by
 * VS Code for restore) holds identifiers only: never secrets or fetched data.
 */
export class PanelHost<P extends PanelProtocol, S> implements vscode.Disposable {
  private readyResolve!: () => void;
  /** Resolves when the webview has loaded and received its state. */
  readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private readonly disposables: vscode.Disposable[] = [];
  private readonly handlers: Handlers<P>;
  private readonly inflight = new Set<vscode.CancellationTokenSource>();
  private disposed = false;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  private constructor(
    readonly context: vscode.ExtensionContext,
    readonly def: PanelDefinition<P, S>,
    readonly panel: vscode.WebviewPanel,
    private state_: S,
  ) {
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
    panel.title = def.title(state_);
    if (def.icon) panel.iconPath = def.icon;
    this.handlers = def.handlers(this);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
  }

  /** Opens (or reveals) the panel for this state. */
  static show<P extends PanelProtocol, S>(context: vscode.ExtensionContext, def: PanelDefinition<P, S>, state: S, column = vscode.ViewColumn.Active): PanelHost<P, S> {
    const id = `${def.viewType}:${def.key(state)}`;
    const existing = open.get(id) as PanelHost<P, S> | undefined;
    if (existing) {
      existing.panel.reveal(column);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(def.viewType, def.title(state), column, { enableScripts: true });
    const host = new PanelHost(context, def, panel, state);
    open.set(id, host as unknown as PanelHost<PanelProtocol, unknown>);
    host.onDidDispose(() => open.delete(id));
    return host;
  }

  /** Restores panels after a reload from the identifiers VS Code kept. */
  static registerSerializer<P extends PanelProtocol, S>(context: vscode.ExtensionContext, def: PanelDefinition<P, S>, isState: (s: unknown) => s is S): void {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(def.viewType, {
      async deserializeWebviewPanel(panel, saved) {
        if (!isState(saved)) {
          panel.dispose();
          return;
        }
        const host = new PanelHost(context, def, panel, saved);
        const id = `${def.viewType}:${def.key(saved)}`;
        open.set(id, host as unknown as PanelHost<PanelProtocol, unknown>);
        host.onDidDispose(() => open.delete(id));
      },
    }));
  }

  /** Every open panel of a view type (tests, refreshes). */
  static instances<P extends PanelProtocol, S>(viewType: string): PanelHost<P, S>[] {
    return [...open.values()].filter((h) => h.def.viewType === viewType) as unknown as PanelHost<P, S>[];
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

  /** Calls a handler as if the webview asked (tests and commands reuse the same path). */
  async call<M extends RequestName<P>>(method: M, params: ParamsOf<P, M>): Promise<ResultOf<P, M>> {
    const source = new vscode.CancellationTokenSource();
    try {
      return await this.handlers[method](params, source.token);
    } finally {
      source.dispose();
    }
  }

  private send(m: ToWebview): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(m);
  }

  private async receive(m: unknown): Promise<void> {
    if (!isToExtension(m)) return;
    if (m.kind === 'ready') {
      await this.send({ kind: 'init', state: this.state_, locale: vscode.env.language });
      this.readyResolve();
      return;
    }
    const handler = (this.handlers as Record<string, Handlers<P>[RequestName<P>]>)[m.method];
    if (!handler) {
      await this.send({ kind: 'response', id: m.id, error: { message: `unknown request ${m.method}`, code: 'unknown' } });
      return;
    }
    const source = new vscode.CancellationTokenSource();
    this.inflight.add(source);
    try {
      const result = await (handler as (p: unknown, t: vscode.CancellationToken) => unknown)(m.params, source.token);
      await this.send({ kind: 'response', id: m.id, result });
    } catch (e) {
      const err = e as Error & { code?: string };
      log().warn(`${this.def.viewType}: ${m.method} failed: ${err?.message ?? e}`);
      await this.send({ kind: 'response', id: m.id, error: { message: err?.message ?? String(e), code: err?.code } });
    } finally {
      this.inflight.delete(source);
      source.dispose();
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
    for (const s of this.inflight) s.cancel();
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
