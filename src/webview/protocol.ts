/**
 * The one message shape shared by every panel host (src/extension/panels) and its webview
 * (src/webview/<panel>). A panel declares its protocol as a type:
 *
 *   interface CertProtocol {
 *     requests: { inspect: { params: { host: string }; result: Inspection } };   // webview → extension
 *     events: { progress: { step: string } };                                     // extension → webview
 *   }
 *
 * The webview sends `ready` once loaded; the host answers `init` with the panel's identifiers, the
 * locale and the panel's UI strings (localised by the extension: the webview has no l10n API).
 * Requests carry an id and get exactly one `response` (result or error). The webview may send
 * `cancel` for a request in flight: the host aborts the AbortSignal it handed to the handler.
 */
export interface PanelProtocol {
  requests: Record<string, { params: unknown; result: unknown }>;
  events: Record<string, unknown>;
}

export type RequestName<P extends PanelProtocol> = Extract<keyof P['requests'], string>;
export type EventName<P extends PanelProtocol> = Extract<keyof P['events'], string>;
export type ParamsOf<P extends PanelProtocol, M extends RequestName<P>> = P['requests'][M]['params'];
export type ResultOf<P extends PanelProtocol, M extends RequestName<P>> = P['requests'][M]['result'];

/** UI strings by key, in the user's language; `{0}`, `{1}`… are filled by `t()` in the webview. */
export type UiStrings = Readonly<Record<string, string>>;

/** Webview → extension. */
export type ToExtension =
  | { kind: 'ready' }
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'cancel'; id: number };

/** What `init` carries. */
export interface InitData<S = unknown> {
  state: S;
  locale: string;
  strings: UiStrings;
}

/** Extension → webview. */
export type ToWebview =
  | ({ kind: 'init' } & InitData)
  | { kind: 'response'; id: number; result?: unknown; error?: { message: string; code?: string } }
  | { kind: 'event'; name: string; data: unknown };

export function isToExtension(m: unknown): m is ToExtension {
  if (!m || typeof m !== 'object') return false;
  const k = (m as { kind?: unknown }).kind;
  if (k === 'ready') return true;
  if (k === 'cancel') return typeof (m as { id?: unknown }).id === 'number';
  return k === 'request' && typeof (m as { id?: unknown }).id === 'number' && typeof (m as { method?: unknown }).method === 'string';
}
