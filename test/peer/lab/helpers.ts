/** Small clients for the lab tests: hand-written SOAP over https, ssh2 exec/SFTP. */
import * as https from 'node:https';
import { XMLParser } from 'fast-xml-parser';
import { Client, type ConnectConfig, type KeyboardInteractiveAuthMethod, type SFTPWrapper } from 'ssh2';

export interface SoapReply {
  status: number;
  body: string;
  cookie?: string;
}

export function soap(sdkUrl: string, inner: string, cookie?: string): Promise<SoapReply> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:vim25="urn:vim25" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    inner +
    '</soapenv:Body></soapenv:Envelope>';
  return new Promise((resolve, reject) => {
    const req = https.request(
      sdkUrl,
      {
        method: 'POST',
        rejectUnauthorized: false,
        agent: false,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: 'urn:vim25/6.5',
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const set = res.headers['set-cookie']?.[0]?.split(';')[0];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), cookie: set ?? cookie });
        });
      },
    );
    req.on('error', reject);
    req.end(envelope);
  });
}

export const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@' });

/** Body of the SOAP envelope, namespace prefixes removed. */
export function soapBody(text: string): Record<string, unknown> {
  const doc = xml.parse(text) as { Envelope: { Body: Record<string, unknown> } };
  return doc.Envelope.Body;
}

export async function login(sdkUrl: string, user: string, password: string): Promise<string> {
  const r = await soap(
    sdkUrl,
    `<vim25:Login><vim25:_this type="SessionManager">SessionManager</vim25:_this><vim25:userName>${user}</vim25:userName><vim25:password>${password}</vim25:password></vim25:Login>`,
  );
  if (r.status !== 200) throw new Error(`Login failed: ${r.status} ${r.body}`);
  return r.cookie!;
}

export function connect(cfg: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ readyTimeout: 10_000, ...cfg });
  });
}

export interface ExecOut {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function exec(c: Client, cmd: string): Promise<ExecOut> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (e, s) => {
      if (e) return reject(e);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      s.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      s.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      s.on('exit', (c2: number | null) => (code = c2));
      s.on('close', () => resolve({ stdout, stderr, code }));
    });
  });
}

export function sftpOf(c: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => c.sftp((e, s) => (e ? reject(e) : resolve(s))));
}

export function sftpWrite(s: SFTPWrapper, p: string, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.writeFile(p, data, (e) => (e ? reject(e) : resolve())));
}

export function sftpRead(s: SFTPWrapper, p: string): Promise<Buffer> {
  return new Promise((resolve, reject) => s.readFile(p, (e, b) => (e ? reject(e) : resolve(b))));
}

export function sftpReaddir(s: SFTPWrapper, p: string): Promise<string[]> {
  return new Promise((resolve, reject) => s.readdir(p, (e, l) => (e ? reject(e) : resolve(l.map((x) => x.filename).sort()))));
}

export function sftpRename(s: SFTPWrapper, a: string, b: string): Promise<void> {
  return new Promise((resolve, reject) => s.rename(a, b, (e) => (e ? reject(e) : resolve())));
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An auth handler that answers every keyboard-interactive prompt with `answer`. */
export function keyboardOnly(username: string, answer: string): KeyboardInteractiveAuthMethod[] {
  return [{ type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => answer)) }];
}
