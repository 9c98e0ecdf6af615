export interface EchoProtocol {
  requests: {
    hello: { params: { name: string; scripts: boolean }; result: void };
    pong: { params: { n: number; codicons: boolean }; result: { ok: boolean } };
    fail: { params: Record<string, never>; result: void };
  };
  events: { ping: { n: number } };
}
export interface EchoState {
  name: string;
}
