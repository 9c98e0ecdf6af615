/**
 * A throw-away certificate authority run by the real `openssl` command (a peer, not our code):
 * root CA, then signing a CSR the way a CA with a "Web Server" template does — the SANs of the
 * request copied, serverAuth, digitalSignature + keyEncipherment. Used by the peer and integration
 * tests of the certificate deploy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  readonly dir: string;
  readonly certPem: string;
  /** Signs a PEM CSR; returns the certificate PEM. */
  sign(csrPem: string, opts?: { days?: number }): string;
  /** The issued certificate and the CA as one PKCS#7 (.p7b, DER), as a Microsoft CA's web enrolment offers it. */
  p7b(certPem: string): Buffer;
  dispose(): void;
}

function openssl(args: string[], cwd: string, input?: string): Buffer {
  return execFileSync('openssl', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function makeTestCa(name = 'vSphere Lab Test Root CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'vlab-ca-'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', `/O=vSphere Lab/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  writeFileSync(join(dir, 'webserver.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
  ].join('\n') + '\n');
  let n = 0;
  return {
    dir,
    certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    sign(csrPem, opts = {}) {
      const id = ++n;
      writeFileSync(join(dir, `req${id}.csr`), csrPem);
      openssl(['x509', '-req', '-in', `req${id}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-sha256',
        '-days', String(opts.days ?? 365), '-copy_extensions', 'copy', '-extfile', 'webserver.ext', '-out', `cert${id}.crt`], dir);
      return readFileSync(join(dir, `cert${id}.crt`), 'utf8');
    },
    p7b(certPem) {
      const id = ++n;
      writeFileSync(join(dir, `leaf${id}.crt`), certPem);
      return openssl(['crl2pkcs7', '-nocrl', '-certfile', `leaf${id}.crt`, '-certfile', 'ca.crt', '-outform', 'DER'], dir);
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
