export interface EchoProtocol {
  requests: {
    hello: { params: { name: string; scripts: boolean }; result: void };
    pong: { params: { n: number; codicons: boolean }; result: { ok: boolean } };
    fail: { params: Record<string, never>; result: void };
    /** Waits until the webview cancels it; the handler reports what its AbortSignal saw. */
    slow: { params: Record<string, never>; result: void };
    /** The webview reports how its request ended and what t() gave for the strings sent with init. */
    report: { params: { cancelled: boolean; code?: string; greeting: string; copy: string }; result: void };
  };
  events: { ping: { n: number } };
}
export interface EchoState {
  name: string;
}
