/**
 * A crafted local HTTPS SOAP server for what vcsim cannot do (paging tokens, delays, expiring
 * sessions on demand, certificate swaps on a live listener). Loopback only.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { makeSelfSignedCert, type LabCert } from '../../lab/certs';

export const ENV_OPEN = '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
export const ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

export function response(method: string, inner: string): string {
  return `${ENV_OPEN}<${method}Response xmlns="urn:vim25">${inner}</${method}Response>${ENV_CLOSE}`;
}

export function faultXml(type: string, msg = ''): string {
  return `${ENV_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${msg}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}"></${type}Fault></detail></soapenv:Fault>${ENV_CLOSE}`;
}

export const SERVICE_CONTENT = response('RetrieveServiceContent', '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><viewManager type="ViewManager">ViewManager</viewManager><about><name>Stub</name><fullName>Stub vCenter</fullName><vendor>lab</vendor><version>7.0.0</version><build>1</build><apiType>VirtualCenter</apiType><apiVersion>7.0</apiVersion></about><sessionManager type="SessionManager">SessionManager</sessionManager><perfManager type="PerformanceManager">PerfMgr</perfManager></returnval>');

export const LOGIN = response('Login', '<returnval><key>k</key><userName>u</userName><fullName>u</fullName><loginTime>2024-01-01T00:00:00Z</loginTime><lastActiveTime>2024-01-01T00:00:00Z</lastActiveTime><locale>en</locale><messageLocale>en</messageLocale><extensionSession>false</extensionSession></returnval>');

export interface Received {
  method: string;
  body: string;
  cookie?: string;
}

export type Handler = (method: string, body: string, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => string | undefined | 'hang' | { status: number; body: string; headers?: Record<string, string> };

export interface Stub {
  url: string;
  port: number;
  cert: LabCert;
  received: Received[];
  methods(): string[];
  setCert(c: LabCert): void;
  close(): Promise<void>;
}

let certCache: LabCert | undefined;
export function stubCert(): LabCert {
  return (certCache ??= makeSelfSignedCert({ commonName: 'stub.lab.local', bits: 2048 }));
}

/** Starts a stub answering RetrieveServiceContent and Login by default; `handler` decides the rest. */
export async function startStub(handler: Handler, opts: { cert?: LabCert; closeConnections?: boolean } = {}): Promise<Stub> {
  const cert = opts.cert ?? stubCert();
  const received: Received[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const m = /<soapenv:Body><([A-Za-z_]+)/.exec(body);
      const method = m ? m[1] : req.url ?? '';
      received.push({ method, body, cookie: req.headers.cookie });
      if (opts.closeConnections) res.setHeader('connection', 'close');
      let out = handler(method, body, req, res);
      if (out === undefined) {
        if (method === 'RetrieveServiceContent') out = SERVICE_CONTENT;
        else if (method === 'Login') {
          res.setHeader('set-cookie', 'vmware_soap_session="s3cr3t-session"; Path=/; HttpOnly; Secure');
          out = LOGIN;
        } else if (method === 'Logout') out = response('Logout', '');
        else if (method === 'DestroyView' || method === 'CancelRetrievePropertiesEx') out = response(method, '');
        else if (method === 'CreateContainerView') out = response(method, '<returnval type="ContainerView">session[1]view-1</returnval>');
        else out = { status: 500, body: faultXml('MethodNotFound', `stub: ${method}`) };
      }
      if (out === 'hang') { hanging.add(res); return; }
      if (typeof out === 'string') out = { status: 200, body: out };
      res.writeHead(out.status, { 'content-type': 'text/xml; charset=utf-8', ...(out.headers ?? {}) });
      res.end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stub: Stub = {
    url: `https://127.0.0.1:${port}/sdk`,
    port,
    cert,
    received,
    methods: () => received.map((r) => r.method),
    setCert(c: LabCert) {
      server.setSecureContext({ key: c.keyPem, cert: c.certPem });
      stub.cert = c;
    },
    close: () => new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return stub;
}
