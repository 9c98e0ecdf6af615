/**
 * The one message shape shared by every panel host (src/extension/panels) and its webview
 * (src/webview/<panel>). A panel declares its protocol as a type:
 *
 *   interface CertProtocol {
 *     requests: { inspect: { params: { host: string }; result: Inspection } };   // webview → extension
 *     events: { progress: { step: string } };                                     // extension → webview
 *   }
 *
 * The webview sends `ready` once loaded; the host answers `init` with the panel's identifiers.
 * Requests carry an id and get exactly one `response` (result or error).
 */
export interface PanelProtocol {
  requests: Record<string, { params: unknown; result: unknown }>;
  events: Record<string, unknown>;
}

export type RequestName<P extends PanelProtocol> = Extract<keyof P['requests'], string>;
export type EventName<P extends PanelProtocol> = Extract<keyof P['events'], string>;
export type ParamsOf<P extends PanelProtocol, M extends RequestName<P>> = P['requests'][M]['params'];
export type ResultOf<P extends PanelProtocol, M extends RequestName<P>> = P['requests'][M]['result'];

/** Webview → extension. */
export type ToExtension =
  | { kind: 'ready' }
  | { kind: 'request'; id: number; method: string; params: unknown };

/** Extension → webview. */
export type ToWebview =
  | { kind: 'init'; state: unknown; locale: string }
  | { kind: 'response'; id: number; result?: unknown; error?: { message: string; code?: string } }
  | { kind: 'event'; name: string; data: unknown };

export function isToExtension(m: unknown): m is ToExtension {
  if (!m || typeof m !== 'object') return false;
  const k = (m as { kind?: unknown }).kind;
  if (k === 'ready') return true;
  return k === 'request' && typeof (m as { id?: unknown }).id === 'number' && typeof (m as { method?: unknown }).method === 'string';
}
