import assert from 'node:assert/strict';
import { createdOnFromUser, inferCreatedOn, type RunningHostProduct } from '../../../src/core/backup/createdOn';
import { factsFromApi, type ApiVmConfig } from '../../../src/core/backup/facts';
import { LogAnalyzer } from '../../../src/core/backup/logs';
import { diagnose } from '../../../src/core/backup/rules';

const esx = (version: string, build = '260247'): RunningHostProduct => ({
  version, fullName: `VMware ESXi ${version} build-${build}`, path: 'HostSystem:host-21 config.product.version',
});

/** A Windows Server 2008 R2 VM as the API returns it, disk.EnableUUID absent, one SCSI disk. */
function w2k8r2(hw: string, extra: { key: string; value: string }[] = []): ApiVmConfig {
  return {
    name: 'EXCH01',
    config: {
      guestId: 'windows7Server64Guest', version: hw, changeTrackingEnabled: true, extraConfig: extra,
      hardware: { device: [
        { _type: 'VirtualLsiLogicSASController', key: 1000, busNumber: 0, device: [2000] },
        { _type: 'VirtualDisk', key: 2000, controllerKey: 1000, unitNumber: 0, backing: { _type: 'VirtualDiskFlatVer2BackingInfo', fileName: '[ds1] EXCH01/EXCH01.vmdk', diskMode: 'persistent' } },
      ] },
    },
    runtime: { powerState: 'poweredOff' },
    guest: { toolsRunningStatus: 'guestToolsNotRunning', toolsVersionStatus2: 'guestToolsCurrent' },
  };
}

describe('backup/createdOn: where was the VM created (inferred for the API)', () => {
  it('hardware 8 and later: the release that introduced it, or later', () => {
    const h = inferCreatedOn({ hardwareVersion: 13, host: esx('6.5.0') })!;
    assert.equal(h.version, '6.5');
    assert.match(h.inferred!, /hardware version 13 first came with vSphere 6\.5/);
    assert.match(h.inferred!, /upgraded/);
    assert.deepEqual(h.evidence, [{ kind: 'api', path: 'config.version', value: 'vmx-13' }]);
    assert.equal(inferCreatedOn({ hardwareVersion: 8 })!.version, '5.0', 'no host needed');
    assert.equal(inferCreatedOn({ hardwareVersion: 12 })!.version, '6.0', 'an unlisted version takes the closest lower one');
  });

  it('hardware 7 on an ESX(i) 4.1 host → 4.1, with the host as evidence', () => {
    const h = inferCreatedOn({ hardwareVersion: 7, host: esx('4.1.0') })!;
    assert.equal(h.version, '4.1');
    assert.match(h.inferred!, /VMware ESXi 4\.1\.0 build-260247/);
    assert.match(h.inferred!, /created on 4\.0 before the host was upgraded/);
    assert.deepEqual(h.evidence.map((e) => e.kind === 'api' && e.path), ['config.version', 'HostSystem:host-21 config.product.version']);
  });

  it('hardware 7 on a 4.0 host → 4.0; on a 5.x host, or without a host, or hardware < 7 → no guess', () => {
    assert.equal(inferCreatedOn({ hardwareVersion: 7, host: esx('4.0.0') })!.version, '4.0');
    assert.equal(inferCreatedOn({ hardwareVersion: 7, host: esx('5.5.0') }), undefined);
    assert.equal(inferCreatedOn({ hardwareVersion: 7 }), undefined);
    assert.equal(inferCreatedOn({ hardwareVersion: 4, host: esx('4.1.0') }), undefined);
    assert.equal(inferCreatedOn({ host: esx('4.1.0') }), undefined);
    assert.equal(inferCreatedOn({ hardwareVersion: 7, host: { version: 'unknown', path: 'x' } }), undefined);
  });

  it('factsFromApi keeps the inference apart from a user\'s answer', () => {
    const hint = inferCreatedOn({ hardwareVersion: 7, host: esx('4.1.0') })!;
    const f = factsFromApi(w2k8r2('vmx-07'), { createdOn: hint });
    assert.equal(f.createdOnVersion, '4.1');
    assert.equal(f.createdOnInferred, hint.inferred);
    assert.deepEqual(f.evidence.createdOnVersion, hint.evidence);
    const user = factsFromApi(w2k8r2('vmx-07'), { createdOn: hint, createdOnVersion: '4.0' });
    assert.equal(user.createdOnVersion, '4.0', 'what the user says wins');
    assert.equal(user.createdOnInferred, undefined);
    const chosen = factsFromApi(w2k8r2('vmx-07'), { createdOn: createdOnFromUser('4.1') });
    assert.equal(chosen.createdOnInferred, undefined);
  });

  describe('the Windows 2008 rule with the key absent', () => {
    const rule = (facts: ReturnType<typeof factsFromApi>, logs?: Parameters<typeof diagnose>[0]['logs']) =>
      diagnose({ facts, ...(logs ? { logs } : {}) }).filter((x) => x.id === 'vdr.win2008-app-quiesce');

    it('an inferred 4.1 gives a warning that says it is inferred and shows the API evidence', () => {
      const f = rule(factsFromApi(w2k8r2('vmx-07'), { createdOn: inferCreatedOn({ hardwareVersion: 7, host: esx('4.1.0') })! }));
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'warning');
      assert.match(f[0].explanation, /probably created on vSphere 4\.1/);
      assert.match(f[0].explanation, /inferred, not read: the vSphere API does not record where a VM was created/);
      assert.match(f[0].explanation, /4\.0 or earlier, this finding does not apply/);
      assert.ok(f[0].evidence.some((e) => e.kind === 'api' && e.path === 'HostSystem:host-21 config.product.version'));
    });

    it('the same VM with the version given by the user is an error, without "inferred"', () => {
      const f = rule(factsFromApi(w2k8r2('vmx-07'), { createdOnVersion: '4.1' }));
      assert.equal(f[0].severity, 'error');
      assert.doesNotMatch(f[0].explanation, /inferred/);
    });

    it('no finding when the inference says 4.0, or when nothing can be inferred', () => {
      assert.deepEqual(rule(factsFromApi(w2k8r2('vmx-07'), { createdOn: inferCreatedOn({ hardwareVersion: 7, host: esx('4.0.0') })! })), []);
      const none = inferCreatedOn({ hardwareVersion: 7, host: esx('5.5.0') });
      assert.deepEqual(rule(factsFromApi(w2k8r2('vmx-07'), none ? { createdOn: none } : undefined)), []);
    });

    it('an inference backed by this VM\'s -3960 in the logs is an error again', async () => {
      const a = new LogAnalyzer({ referenceTime: Date.UTC(2012, 7, 31) });
      await a.consumeText([
        'Jul  7 18:00:01 vdr datarecovery: Job "Nightly (EXCH01)" started',
        '7/7/2012 18:04:02.876: 0x0123e6a8: $[*20702]Failed to create snapshot for proxy, error -3960 ( cannot quiesce virtual machine)',
        'Jul  7 18:04:03 vdr datarecovery: Job "Nightly (EXCH01)" incomplete',
      ].join('\n'), 'datarecovery-0.log');
      const f = rule(factsFromApi(w2k8r2('vmx-07'), { createdOn: inferCreatedOn({ hardwareVersion: 7, host: esx('4.1.0') })! }), a.result());
      assert.equal(f[0].severity, 'error');
      assert.ok(f[0].evidence.some((e) => e.kind === 'log' && e.line === 2));
    });

    it('disk.EnableUUID set (TRUE or FALSE) makes the created-on version irrelevant', () => {
      const hint = inferCreatedOn({ hardwareVersion: 7, host: esx('4.1.0') })!;
      assert.equal(rule(factsFromApi(w2k8r2('vmx-07', [{ key: 'disk.EnableUUID', value: 'TRUE' }]), { createdOn: hint }))[0].severity, 'error');
      assert.deepEqual(rule(factsFromApi(w2k8r2('vmx-07', [{ key: 'disk.EnableUUID', value: 'FALSE' }]), { createdOn: hint })), []);
    });
  });
});
