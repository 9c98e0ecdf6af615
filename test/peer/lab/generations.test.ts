/**
 * Lab generations: vcsim -generation G reads back through our client as release G (vCenter and
 * -esx), every host's summary.config.product agrees, and the ESXi shell paired with it says the
 * same in `vmware -v` (the two tables, main.go and generations.ts, cannot drift apart).
 */
import * as assert from 'node:assert/strict';
import type { Client } from 'ssh2';
import { ESX_SHELL, withLab, type LabFixture, type LabGeneration } from '../../lab';
import { VimClient } from '../../../src/core/vsphere/client';
import { retrieve } from '../../../src/core/vsphere/property';
import { connect, exec, soap } from './helpers';

interface Expect { vc: { fullName: string; apiVersion: string; osType: string }; esx: { fullName: string; apiVersion: string } }

const EXPECT: Partial<Record<LabGeneration, Expect>> = {
  '4.1': {
    vc: { fullName: 'VMware vCenter Server 4.1.0 build-345043', apiVersion: '4.1', osType: 'win32-x86' },
    esx: { fullName: 'VMware ESXi 4.1.0 build-260247', apiVersion: '4.1' },
  },
  '8.0': {
    vc: { fullName: 'VMware vCenter Server 8.0.0 build-20519528', apiVersion: '8.0.0.0', osType: 'linux-x64' },
    esx: { fullName: 'VMware ESXi 8.0.0 build-20513097', apiVersion: '8.0.0.0' },
  },
};

async function withClient<T>(lab: LabFixture, f: (c: VimClient) => Promise<T>): Promise<T> {
  const v = lab.vcsim;
  const c = await VimClient.connect({ url: v.sdkUrl, username: v.username, password: v.password, trust: { mode: 'pinned', sha256: v.thumbprintSha256 }, keepAliveMs: 0 });
  try {
    return await f(c);
  } finally {
    await c.close();
  }
}

/** about.productLineId straight from RetrieveServiceContent (our client does not keep that field). */
async function productLineId(lab: LabFixture): Promise<string | undefined> {
  const r = await soap(lab.vcsim.sdkUrl, '<vim25:RetrieveServiceContent><vim25:_this type="ServiceInstance">ServiceInstance</vim25:_this></vim25:RetrieveServiceContent>');
  return /<productLineId>([^<]*)<\/productLineId>/.exec(r.body)?.[1];
}

async function hostProducts(c: VimClient): Promise<string[]> {
  const hosts = await retrieve(c, 'HostSystem', ['summary.config.product.fullName', 'config.product.fullName']);
  return hosts.flatMap((h) => [String(h.props['summary.config.product.fullName']), String(h.props['config.product.fullName'])]);
}

for (const g of ['4.1', '8.0'] as const) {
  const want = EXPECT[g]!;

  describe(`lab generation ${g}: vCenter`, function () {
    this.timeout(60_000);
    const lab = withLab({ generation: g, vcsim: { cluster: 1, host: 2, standaloneHost: 1, vm: 1 } });

    it('about reads as that vCenter, and every host reports that ESXi', async () => {
      await withClient(lab, async (c) => {
        const a = c.serviceContent.about;
        assert.equal(a.fullName, want.vc.fullName);
        assert.equal(a.name, 'VMware vCenter Server');
        assert.equal(a.apiType, 'VirtualCenter');
        assert.equal(a.apiVersion, want.vc.apiVersion);
        assert.equal(a.osType, want.vc.osType);
        assert.equal(await productLineId(lab), 'vpx');
        assert.equal(`VMware vCenter Server ${a.version} build-${a.build}`, a.fullName);
        const products = await hostProducts(c);
        assert.equal(products.length, 2 * 3);
        for (const p of products) assert.equal(p, want.esx.fullName);
      });
    });
  });

  describe(`lab generation ${g}: standalone ESXi (-esx) and its shell`, function () {
    this.timeout(60_000);
    const lab = withLab({ generation: g, vcsim: { esx: true, vm: 1 }, esxi: { password: 'VMware1!' } });
    let ssh: Client;
    before(async () => {
      ssh = await connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostVerifier: (k: Buffer) => k.equals(lab.esxi.hostKeyBlob) });
      lab.beforeStop(() => ssh.end());
    });

    it('about and the host product read as that ESXi; vmware -v says the same', async () => {
      const about = await withClient(lab, async (c) => {
        const a = c.serviceContent.about;
        assert.equal(a.fullName, want.esx.fullName);
        assert.equal(a.apiType, 'HostAgent');
        assert.equal(a.apiVersion, want.esx.apiVersion);
        assert.equal(await productLineId(lab), 'embeddedEsx');
        assert.deepEqual(await hostProducts(c), [a.fullName, a.fullName]);
        return a;
      });
      assert.equal(lab.esxi.generation, g);
      const v = await exec(ssh, 'vmware -v');
      assert.equal(v.stdout, `${about.fullName}\n`);
      assert.equal((await exec(ssh, 'vmware -l')).stdout, `${ESX_SHELL[g].level}\n`);
    });

    it('the shell has the agents of its generation', async () => {
      const rhttpproxy = await exec(ssh, 'test -e /etc/init.d/rhttpproxy');
      const version = await exec(ssh, 'esxcli system version get');
      const services = await exec(ssh, 'services.sh restart');
      assert.equal(services.code, 0, services.stderr);
      if (g === '4.1') {
        assert.equal(rhttpproxy.code, 1, '4.1 has no rhttpproxy');
        assert.equal((await exec(ssh, '/etc/init.d/rhttpproxy restart')).code, 127);
        assert.notEqual(version.code, 0, 'esxcli system came with 5.0');
        assert.doesNotMatch(services.stdout, /rhttpproxy/);
      } else {
        assert.equal(rhttpproxy.code, 0);
        assert.equal(version.code, 0);
        assert.match(version.stdout, /^ {3}Product: VMware ESXi\n {3}Version: 8\.0\.0\n {3}Build: Releasebuild-20513097\n {3}Update: 0\n/);
        assert.match(services.stdout, /Running rhttpproxy stop[\s\S]*rhttpproxy started\./);
      }
    });
  });
}

describe('lab generations: memory pressure injected per host', function () {
  this.timeout(60_000);
  const old = withLab({ generation: '4.1', vcsim: { esx: true, vm: 1 } });
  const now = withLab({ generation: '8.0', vcsim: { esx: true, vm: 1 } });

  it('a 4.1 host and an 8.0 host report the same free memory once it is injected', async () => {
    const freeMB = 300;
    for (const lab of [old, now]) {
      const [host] = await lab.vcsim.getJson<Array<{ moref: string; memoryMB: number }>>('/lab/hosts');
      const total = await lab.vcsim.injectHostFreeMemory(host.moref, freeMB);
      assert.equal(total, host.memoryMB);
      const inj = await lab.vcsim.injectedPerf();
      const consumed = inj.find((i) => i.entity === host.moref && i.counter === 'mem.consumed.average');
      assert.deepEqual(consumed?.values, [(host.memoryMB - freeMB) * 1024]);
    }
  });
});
