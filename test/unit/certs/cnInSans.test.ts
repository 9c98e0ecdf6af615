import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as forge from 'node-forge';
import { commands } from '../../../src/cli/commands/cert';
import { runCli } from '../../../src/cli/main';
import { createRequest, describeRequest, withCommonName } from '../../../src/core/certs/request';
import { fakeIO } from './io';

/** The SAN extension of a CSR in the order it is encoded. */
function encodedSans(csrPem: string): string[] {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  const ext = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions: Array<{ name: string; altNames?: Array<{ type: number; value?: string; ip?: string }> }> }).extensions;
  return (ext.find((e) => e.name === 'subjectAltName')?.altNames ?? []).map((a) => (a.type === 7 ? `IP:${a.ip}` : `DNS:${a.value}`));
}

describe('certificate request: the CN is always the first SAN (issue 14 item 2)', () => {
  it('withCommonName adds a missing CN first, moves a given one to the front, keeps the rest in order', () => {
    assert.deepEqual(withCommonName('esx01.lab.local', ['esx01', '10.0.0.5']), ['esx01.lab.local', 'esx01', '10.0.0.5']);
    assert.deepEqual(withCommonName('esx01.lab.local', ['esx01', 'DNS:ESX01.lab.local.', '10.0.0.5']), ['esx01.lab.local', 'esx01', '10.0.0.5']);
    assert.deepEqual(withCommonName('10.0.0.5', ['esx01', 'IP:10.0.0.5']), ['10.0.0.5', 'esx01']);
    assert.deepEqual(withCommonName('', ['a']), ['a']);
  });

  it('a CSR made with other SANs carries the CN, first', async () => {
    const r = await createRequest({ cn: 'esx01.lab.local', sans: ['esx01', '10.0.0.5'], bits: 2048 });
    assert.deepEqual(encodedSans(r.csrPem), ['DNS:esx01.lab.local', 'DNS:esx01', 'IP:10.0.0.5']);
    assert.equal(r.sans.dns[0], 'esx01.lab.local');
  });

  it('an IP as CN is the first SAN too', async () => {
    const r = await createRequest({ cn: '10.0.0.5', sans: ['esx01.lab.local'], bits: 2048 });
    assert.deepEqual(encodedSans(r.csrPem), ['IP:10.0.0.5', 'DNS:esx01.lab.local']);
  });

  it('vlab cert request --cn FQDN --san X keeps the FQDN in the SANs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vlab-cn-'));
    try {
      const io = fakeIO(dir);
      assert.equal(await runCli(['cert', 'request', '--cn', 'vc.lab.local', '--san', 'vc', '--out', 'out'], io, commands), 0, io.err);
      const csrPem = readFileSync(path.join(dir, 'out', 'rui.csr'), 'utf8');
      assert.deepEqual(describeRequest(csrPem).sans.dns, ['vc.lab.local', 'vc']);
      assert.deepEqual(encodedSans(csrPem), ['DNS:vc.lab.local', 'DNS:vc']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
