import assert from 'node:assert/strict';
import { Generation, generationFromProduct, KNOWN_GENERATIONS, knownGeneration } from '../../../src/core/vsphere/generation';

describe('vsphere: the generation model', () => {
  it('reads about of an ESX 4.1 host, an ESXi 8.0 host and a vCenter 7.0', () => {
    const esx = Generation.fromAbout({ name: 'VMware ESX', fullName: 'VMware ESX 4.1.0 build-260247', version: '4.1.0', build: '260247', apiVersion: '4.1', apiType: 'HostAgent', productLineId: 'esx' })!;
    assert.equal(esx.family, '4.x');
    assert.equal(esx.known, '4.1');
    assert.equal(esx.product, 'esx');
    assert.equal(esx.memoryStates, 'pct-of-host');
    assert.equal(esx.hasRhttpproxy, false);
    assert.equal(esx.hasCertificateManager, false);
    assert.equal(esx.pageSharingSalted, 'no');
    assert.equal(esx.label, 'VMware ESX 4.1.0 build-260247');

    const esxi = Generation.fromAbout({ name: 'VMware ESXi', version: '8.0.2', build: '22380479', apiVersion: '8.0.2.0', productLineId: 'embeddedEsx' })!;
    assert.equal(esxi.family, '8.x');
    assert.equal(esxi.product, 'esxi');
    assert.equal(esxi.memoryStates, 'minfree-clear');
    assert.equal(esxi.hasRhttpproxy, true);
    assert.equal(esxi.hasCertificateManager, true);
    assert.equal(esxi.pageSharingSalted, 'yes');
    assert.equal(esxi.label, 'VMware ESXi 8.0.2 build-22380479');

    const vc = Generation.fromAbout({ name: 'VMware vCenter Server', version: '7.0.3', apiType: 'VirtualCenter', productLineId: 'vpx', apiVersion: '7.0.3.0' })!;
    assert.equal(vc.product, 'vcenter');
    assert.equal(vc.family, '7.x');
  });

  it('maps any version to its family and memory model', () => {
    const fam = (v: string) => { const g = Generation.fromAbout({ version: v })!; return [g.family, g.memoryStates, g.known]; };
    assert.deepEqual(fam('4.0.0'), ['4.x', 'pct-of-host', '4.1']);
    assert.deepEqual(fam('5.0.0'), ['5.x', 'minfree', '5.5']);
    assert.deepEqual(fam('5.1.0'), ['5.x', 'minfree', '5.5']);
    assert.deepEqual(fam('6.0.0'), ['6.x', 'minfree-clear', '6.7']);
    assert.deepEqual(fam('6.5.0'), ['6.x', 'minfree-clear', '6.7']);
    assert.deepEqual(fam('9.0.0'), ['9.x', 'minfree-clear', undefined]);
    assert.equal(Generation.fromAbout({ version: '' }), undefined);
    assert.equal(Generation.fromAbout({ version: 'unknown' }), undefined);
  });

  it('compares in one place, numerically (not as strings)', () => {
    const g = Generation.fromAbout({ version: '6.7.0' })!;
    assert.ok(g.atLeast('6.0'));
    assert.ok(g.atLeast('6.7'));
    assert.ok(g.atLeast('6.7.0'));
    assert.ok(!g.atLeast('6.7.1'));
    assert.ok(!g.atLeast('7.0'));
    assert.ok(Generation.fromAbout({ version: '10.0.0' })!.atLeast('9.0'), '10 > 9, which a string compare gets wrong');
    assert.ok(!Generation.fromAbout({ version: '4.1.0' })!.hasRhttpproxy);
    assert.ok(!Generation.fromAbout({ version: '4.0.0' })!.hasMemoryCompression);
    assert.ok(Generation.fromAbout({ version: '4.1.0' })!.hasMemoryCompression);
    assert.throws(() => g.atLeast('six'), /not a version/);
  });

  it('the certificate manager is an API-version fact', () => {
    assert.ok(!Generation.fromAbout({ version: '6.0.0', apiVersion: '5.5' })!.hasCertificateManager);
    assert.ok(Generation.fromAbout({ version: '5.5.0', apiVersion: '6.0' })!.hasCertificateManager);
    assert.ok(Generation.fromAbout({ version: '6.0.0' })!.hasCertificateManager, 'no apiVersion: the product version stands in');
  });

  it('known generations by id; anything else is refused', () => {
    for (const id of KNOWN_GENERATIONS) assert.equal(knownGeneration(id)?.known, id);
    assert.equal(knownGeneration('4.1')!.product, 'esx');
    assert.equal(knownGeneration('8.0')!.product, 'esxi');
    assert.equal(knownGeneration('6.0'), undefined);
    assert.equal(knownGeneration('8'), undefined);
    assert.equal(knownGeneration(undefined), undefined);
  });

  it('toJSON is a plain picture', () => {
    const j = JSON.parse(JSON.stringify(Generation.fromAbout({ version: '5.5.0', build: '1331820', apiVersion: '5.5' })));
    assert.deepEqual(j, { version: '5.5.0', family: '5.x', known: '5.5', product: 'unknown', build: '1331820', apiVersion: '5.5', memoryStates: 'minfree', pageSharingSalted: 'depends' });
  });
});

describe('vsphere: a host generation from its product', () => {
  it('reads summary.config.product as decoded; refuses what is not one', () => {
    const g = generationFromProduct({ name: 'VMware ESXi', fullName: 'VMware ESXi 7.0.3 build-19193900', version: '7.0.3', build: '19193900', apiVersion: '7.0.3.0', productLineId: 'embeddedEsx', extra: 1 });
    assert.deepEqual([g?.family, g?.product, g?.label], ['7.x', 'esxi', 'VMware ESXi 7.0.3 build-19193900']);
    assert.equal(generationFromProduct(undefined), undefined);
    assert.equal(generationFromProduct('7.0'), undefined);
    assert.equal(generationFromProduct({ name: 'x' }), undefined);
  });
});
