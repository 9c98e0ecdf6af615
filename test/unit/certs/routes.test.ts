import { strict as assert } from 'node:assert';
import { chooseRoute, parseRouteId, routeRefusal } from '../../../src/core/certs/routes';
import { LabError } from '../../../src/core/errors';
import { Generation } from '../../../src/core/vsphere/generation';

const host = (id: string): Generation => Generation.fromId(id)!;
const vc = (version: string, osType: string): Generation => Generation.fromAbout({ version, apiVersion: version, productLineId: 'vpx', apiType: 'VirtualCenter', osType })!;

describe('certificate deploy routes by generation', () => {
  it('4.1 host: SSH with hostd; 5.5 host: SSH with rhttpproxy and hostd', () => {
    assert.equal(chooseRoute(host('4.1'), 'host').method, 'ssh-hostd');
    const r = chooseRoute(host('5.5'), 'host');
    assert.deepEqual([r.id, r.method, r.acceptsOwnKey, r.csrOnServer], ['ssh', 'ssh-rhttpproxy', true, false]);
  });

  it('6.7, 7.0 and 8.0 hosts: the API route, CSR on the host, no own key', () => {
    for (const g of ['6.7', '7.0', '8.0']) {
      const r = chooseRoute(host(g), 'host');
      assert.deepEqual([r.id, r.method, r.csrOnServer, r.acceptsOwnKey], ['api', 'host-api', true, false], g);
      assert.ok(r.sources.length > 0);
    }
  });

  it('the API version decides the certificate manager, not the product version', () => {
    const g = Generation.fromAbout({ version: '6.0.0', apiVersion: '5.5', name: 'VMware ESXi' })!;
    assert.equal(chooseRoute(g, 'host').method, 'ssh-rhttpproxy');
  });

  it('vCenter: 8.0/7.0 appliance REST, 6.7 appliance vecs-cli, 6.7 and 5.1 on Windows the checklist', () => {
    assert.equal(chooseRoute(vc('8.0.2', 'linux-x64'), 'vcenter').method, 'vcsa-rest');
    assert.equal(chooseRoute(vc('7.0.3', ''), 'vcenter').method, 'vcsa-rest');
    const vecs = chooseRoute(vc('6.7.0', 'linux-x64'), 'vcenter');
    assert.deepEqual([vecs.id, vecs.method], ['ssh', 'vcsa-vecs']);
    const win = chooseRoute(vc('6.7.0', 'win32-x64'), 'vcenter');
    assert.deepEqual([win.id, win.method], [undefined, 'windows-checklist']);
    assert.equal(chooseRoute(vc('5.1.0', 'win32-x64'), 'vcenter').method, 'windows-checklist');
  });

  it('a forced route is taken when the generation can, refused in words when it cannot', () => {
    assert.equal(chooseRoute(host('8.0'), 'host', 'ssh').method, 'ssh-rhttpproxy');
    assert.throws(() => chooseRoute(host('5.5'), 'host', 'api'), (e: unknown) => e instanceof LabError && e.code === 'invalidArgument' && /API 6\.0/.test(e.message));
    assert.match(routeRefusal(vc('6.7.0', 'linux-x64'), 'vcenter', 'vcsa') ?? '', /vecs-cli/);
    assert.equal(routeRefusal(vc('8.0.2', 'linux-x64'), 'vcenter', 'vcsa'), undefined);
    assert.equal(parseRouteId('api'), 'api');
    assert.equal(parseRouteId('rest'), undefined);
  });

  it('the Windows checklist version comes from the generation model', () => {
    assert.equal(vc('4.0.0', 'win32-x64').windowsChecklistVersion, '4.0');
    assert.equal(vc('4.1.0', 'win32-x64').windowsChecklistVersion, '4.1');
    assert.equal(vc('5.0.0', 'win32-x64').windowsChecklistVersion, '5.0');
    assert.equal(vc('5.5.0', 'win32-x64').windowsChecklistVersion, '5.1');
  });
});
