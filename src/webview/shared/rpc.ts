/**
 * Webview side of the panel protocol: request/response by id, events, ready handshake, and the
 * state VS Code keeps for the panel (identifiers only — the data is fetched again).
 */
import type { EventName, PanelProtocol, ParamsOf, RequestName, ResultOf, ToExtension, ToWebview } from '../protocol';

interface VsCodeApi {
  postMessage(message: ToExtension): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export class PanelClient<P extends PanelProtocol, S = unknown> {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, Set<(data: unknown) => void>>();
  private initResolve!: (v: { state: S; locale: string }) => void;
  /** Resolves with the panel's initial state once the host answered `ready`. */
  readonly initialized = new Promise<{ state: S; locale: string }>((r) => (this.initResolve = r));

  constructor() {
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.receive(e.data));
    this.api.postMessage({ kind: 'ready' });
  }

  private receive(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    switch (m.kind) {
      case 'init':
        this.initResolve({ state: m.state as S, locale: m.locale });
        break;
      case 'response': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
        else p.resolve(m.result);
        break;
      }
      case 'event':
        for (const h of this.handlers.get(m.name) ?? []) h(m.data);
        break;
    }
  }

  request<M extends RequestName<P>>(method: M, params: ParamsOf<P, M>): Promise<ResultOf<P, M>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.api.postMessage({ kind: 'request', id, method, params });
    });
  }

  on<E extends EventName<P>>(name: E, handler: (data: P['events'][E]) => void): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    const h = handler as (d: unknown) => void;
    set.add(h);
    return () => set!.delete(h);
  }

  /** Saves what the panel needs to come back after a reload: identifiers, never secrets or data. */
  saveState(state: S): void {
    this.api.setState(state);
  }

  savedState(): S | undefined {
    return this.api.getState() as S | undefined;
  }
}
