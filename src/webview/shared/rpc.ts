/**
 * Webview side of the panel protocol: request/response by id (cancellable with an AbortSignal),
 * events, the ready/init handshake (which installs the UI strings for `t()`), and the state VS Code
 * keeps for the panel (identifiers only — the data is fetched again).
 */
import { CancelledError } from '../../core/errors';
import type { EventName, InitData, PanelProtocol, ParamsOf, RequestName, ResultOf, ToExtension, ToWebview } from '../protocol';
import { setStrings } from './l10n';

interface VsCodeApi {
  postMessage(message: ToExtension): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface RequestOptions {
  /**
   * Aborting it tells the host, which aborts the signal its handler received, and rejects the
   * request at once with a CancelledError (code 'cancelled'); the late response is dropped.
   */
  signal?: AbortSignal;
  /**
   * After an abort, wait for the host's answer instead of rejecting at once: for handlers that
   * stop early and still return something (e.g. a report without the part that was cancelled).
   */
  waitForHost?: boolean;
}

export class PanelClient<P extends PanelProtocol, S = unknown> {
  private readonly api = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly handlers = new Map<string, Set<(data: unknown) => void>>();
  private initResolve!: (v: InitData<S>) => void;
  /** Resolves with the panel's initial state once the host answered `ready` (strings already installed). */
  readonly initialized = new Promise<InitData<S>>((r) => (this.initResolve = r));

  constructor() {
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.receive(e.data));
    this.api.postMessage({ kind: 'ready' });
  }

  private receive(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    switch (m.kind) {
      case 'init':
        setStrings(m.strings ?? {}, m.locale);
        this.initResolve({ state: m.state as S, locale: m.locale, strings: m.strings ?? {} });
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

  request<M extends RequestName<P>>(method: M, params: ParamsOf<P, M>, opts: RequestOptions = {}): Promise<ResultOf<P, M>> {
    const { signal, waitForHost } = opts;
    if (signal?.aborted && !waitForHost) return Promise.reject(new CancelledError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.has(id)) return;
        this.api.postMessage({ kind: 'cancel', id });
        if (waitForHost) return;
        this.pending.delete(id);
        reject(new CancelledError());
      };
      this.pending.set(id, {
        resolve: (v) => { signal?.removeEventListener('abort', onAbort); resolve(v as ResultOf<P, M>); },
        reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
      });
      this.api.postMessage({ kind: 'request', id, method, params });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
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
