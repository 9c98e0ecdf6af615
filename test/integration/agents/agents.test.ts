/**
 * The agent tools inside the real VS Code, invoked as an agent would through `vscode.lm.invokeTool`
 * (no language model needed: outside a chat request `toolInvocationToken` is undefined) against the
 * lab: a scripted set of incidents, each answered by the right tool with its evidence. The mutating
 * tool: its confirmation names the change (prepareInvocation, for every action), preparing changes
 * nothing, and it is refused in an untrusted workspace. Outside a chat request VS Code 1.100 sends
 * the confirmation to its dialog service as a modal dialog; under extension tests that service
 * answers "confirmed" without showing it (DialogService.confirm: "refused to show confirmation
 * dialog in tests"), so the last test checks the confirmed path: the power-off happens.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { makeSelfSignedCert, withLab, REPO_ROOT, type LabVm } from '../../lab/index';
import type { VsphereLabApi } from '../../../src/extension/extension';
import { moref } from '../../../src/core/vsphere/decode';
import { runTask } from '../../../src/core/vsphere/tasks';
import { xsdString } from '../../../src/core/vsphere/soap';

const PASS = 'Lab-pass.1';
const VDR = join(REPO_ROOT, 'test', 'fixtures', 'vdr');
const VMX = join(REPO_ROOT, 'test', 'fixtures', 'vmx');

async function invoke(name: string, input: Record<string, unknown>, token = new vscode.CancellationTokenSource().token): Promise<string> {
  const r = await vscode.lm.invokeTool(`vsphereLab_${name}`, { input, toolInvocationToken: undefined }, token);
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

/** The evidence link for a file line as the tools write it, and as VS Code opens it. */
const lineLink = (file: string, line: number): string => vscode.Uri.file(file).with({ fragment: `L${line}` }).toString();

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('agent tools (real VS Code, vscode.lm.invokeTool against the lab)', function () {
  this.timeout(120_000);
  const lab = withLab({ vcsim: { dc: 1, cluster: 1, host: 2, vm: 2, username: 'administrator@vsphere.local', password: PASS } });
  let a: VsphereLabApi;
  let conn: string;
  let vms: LabVm[];
  let deep: LabVm; // four nested snapshots, swapping, on a host under memory pressure
  let win: LabVm; // Windows Server 2008 R2 with disk.EnableUUID = FALSE (file-system consistent only), ballooning
  let off: LabVm; // powered off
  let server: tls.Server;
  let serverPort: number;
  let tmp: string;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>('vsphere-lab.vsphere-lab')!.activate();
    tmp = mkdtempSync(join(tmpdir(), 'vlab-agents-'));
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: PASS, thumbprint: lab.vcsim.thumbprintSha256 });
    await until('connected', () => a.inventory.sessions.state(conn).status === 'connected' || undefined);
    const client = await a.inventory.sessions.client(conn);
    vms = await lab.vcsim.listVms();
    deep = vms.find((v) => v.name === 'DC0_C0_RP0_VM0')!;
    win = vms.find((v) => v.name === 'DC0_C0_RP0_VM1')!;
    off = vms.find((v) => v.name === 'DC0_H0_VM1')!;
    for (const n of ['base', 'before-upgrade', 'before-patch', 'before-app']) {
      await runTask(client, 'CreateSnapshot_Task', moref('VirtualMachine', deep.moref), [['name', n], ['memory', false], ['quiesce', false]]);
    }
    await runTask(client, 'ReconfigVM_Task', moref('VirtualMachine', win.moref), [['spec', { guestId: 'windows7Server64Guest', extraConfig: [{ key: 'disk.EnableUUID', value: xsdString('FALSE') }] }]]);
    await runTask(client, 'PowerOffVM_Task', moref('VirtualMachine', off.moref));
    await lab.vcsim.injectPerf(
      { entity: deep.moref, counter: 'mem.swapped.average', values: [81920] },
      { entity: win.moref, counter: 'mem.vmmemctl.average', values: [512000] },
    );
    await lab.vcsim.injectHostFreeMemory(deep.host, 60);
    const cert = makeSelfSignedCert({ commonName: 'esx-expiring.lab.local', bits: 2048, days: 20 });
    server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    serverPort = (server.address() as { port: number }).port;
  });
  lab.beforeStop(async () => {
    a?.agents.setTrustOverride(undefined);
    server?.close();
    if (conn) await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the tools are registered with VS Code, with their tags', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('vsphereLab_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), [
      'vsphereLab_backup_log_analysis', 'vsphereLab_certificate_status', 'vsphereLab_vmx_lint', 'vsphereLab_vsphere_backup_fix',
      'vsphereLab_vsphere_backup_readiness', 'vsphereLab_vsphere_certificate_rotation', 'vsphereLab_vsphere_find_vms', 'vsphereLab_vsphere_host_memory', 'vsphereLab_vsphere_recent_activity', 'vsphereLab_vsphere_vm_facts',
      'vsphereLab_vsphere_vm_power', 'vsphereLab_vsphere_vm_snapshot',
    ]);
    assert.ok(ours.every((t) => t.tags.includes('vsphereLab') && t.inputSchema));
  });

  describe('incidents answered with their evidence', () => {
    it('1. "Which VMs are powered off?" → find_vms: the one VM, from runtime.powerState', async () => {
      const t = await invoke('vsphere_find_vms', { powerState: 'poweredOff' });
      assert.match(t, /^1 of 4 VM\(s\)/);
      assert.ok(t.includes(`API VirtualMachine:${off.moref} "${off.name}" \`runtime.powerState\` = poweredOff`), t);
    });

    it('2. "List the cluster\'s VMs" → find_vms with a name pattern', async () => {
      const t = await invoke('vsphere_find_vms', { name: 'DC0_C0*' });
      assert.match(t, /^2 of 4 VM\(s\)/);
      assert.ok(t.includes(deep.name) && t.includes(win.name));
    });

    it('3. "What runs on host X?" → find_vms by host, from runtime.host', async () => {
      const t = await invoke('vsphere_find_vms', { host: deep.hostName });
      assert.ok(t.includes(`\`runtime.host\` = ${deep.hostName}`), t);
      for (const v of vms.filter((x) => x.host !== deep.host)) assert.ok(!t.includes(`- ${v.name} `), v.name);
    });

    it('4. "Which VMs run Windows Server 2008 R2?" → find_vms by guest, from config.guestFullName', async () => {
      const t = await invoke('vsphere_find_vms', { guest: 'windows7Server64' });
      assert.match(t, /^1 of 4/);
      assert.ok(t.includes(`${win.name}`) && t.includes('`config.guestFullName`'), t);
    });

    it('5. "Which VM has a deep snapshot chain?" → find_vms minSnapshotDepth 3', async () => {
      const t = await invoke('vsphere_find_vms', { minSnapshotDepth: 3 });
      assert.match(t, /^1 of 4/);
      assert.ok(t.includes(`"${deep.name}" \`snapshot.rootSnapshotList\` = 4 snapshot(s), chain depth 4`), t);
    });

    it('6. "Any snapshot older than a month?" → none (the lab\'s are minutes old)', async () => {
      const t = await invoke('vsphere_find_vms', { snapshotOlderThanDays: 30 });
      assert.match(t, /^0 of 4 VM\(s\)/);
    });

    it('7. "Tell me about the VM with the snapshot chain" → vm_facts: depth 3, the KB on snapshot chains', async () => {
      const t = await invoke('vsphere_vm_facts', { vm: deep.name });
      assert.match(t, /\*\*warning\*\* Snapshots: 4, chain depth 4; oldest "base"/);
      assert.ok(t.includes('(https://kb.vmware.com/s/article/1025279)'));
    });

    it('8. "Is VMware Tools running on the Windows VM?" → vm_facts, from guest.toolsRunningStatus', async () => {
      const t = await invoke('vsphere_vm_facts', { vm: win.name });
      assert.match(t, /VMware Tools: guestTools\w+/);
      assert.ok(t.includes(`API VirtualMachine:${win.moref} "${win.name}" \`guest.toolsRunningStatus\``));
      assert.match(t, /windows7Server64Guest|Windows Server 2008 R2/);
    });

    it('8b. "Who powered that VM off, and when?" → recent_activity: the power-off task and event, by key', async () => {
      const t = await invoke('vsphere_recent_activity', { vm: off.name });
      assert.match(t, /VirtualMachine\.powerOff on \S+ by .*: success/);
      assert.match(t, new RegExp(`administrator@vsphere\\.local: ${off.name} on .* is powered off`));
      assert.match(t, /`event key \d+ \(VmPoweredOffEvent\) on VirtualMachine:/);
      assert.match(await invoke('vsphere_vm_facts', { vm: off.name }), /Recent event: .* is powered off/);
    });

    it('9. A VM that does not exist → an error naming the close matches', async () => {
      await assert.rejects(invoke('vsphere_vm_facts', { vm: 'DC0_C0_RP0_VM9' }), /No VM named "DC0_C0_RP0_VM9"; known VMs include "DC0_C0_RP0_VM0"/);
    });

    it('10. "Which VMs swap right now?" → host_memory: the swapping VM with mem.swapped, the state from free memory', async () => {
      const t = await invoke('vsphere_host_memory', { host: deep.hostName });
      assert.match(t, new RegExp(`swapping: ${deep.name}`));
      assert.ok(t.includes(`"${deep.name}" \`PerformanceManager.QueryPerf mem.swapped.average (latest realtime sample)\` = 80 MB`), t);
    });

    it('11. "Why is host X in trouble?" → host_memory: state hard below its threshold, the 6.0+ table and its source', async () => {
      const t = await invoke('vsphere_host_memory', { host: deep.hostName });
      assert.match(t, /memory state hard, free 60 MB/);
      assert.match(t, /State hard under the 6\.0\+ table .*this state begins below 79 MB/);
      assert.match(t, /Duncan Epping \(VMware\), yellow-bricks\.com, "vSphere 6\.0 memory states"/);
      assert.match(t, /Reclamation ladder in state hard: active now: Transparent page sharing, Memory compression, VMkernel swap/);
    });

    it('12. "Is the Windows VM ballooning?" → host_memory of its host, from mem.vmmemctl', async () => {
      const t = await invoke('vsphere_host_memory', { vm: win.name });
      assert.match(t, new RegExp(`${win.name} balloons: balloon 500 MB`));
      assert.ok(t.includes('mem.vmmemctl.average (latest realtime sample)` = 500 MB'));
    });

    it('13. "Are the Windows VM\'s backups application-consistent?" → backup_readiness: disk.EnableUUID FALSE, from extraConfig, with the bulk fix', async () => {
      const t = await invoke('vsphere_backup_readiness', { vm: win.name });
      assert.match(t, /\*\*warning\*\* .*\(backup\.quiesce\.enableuuid\)/);
      assert.ok(t.includes(`API VirtualMachine:${win.moref} "${win.name}" \`config.extraConfig[disk.EnableUUID]\` = FALSE`), t);
      assert.match(t, /vsphere_backup_fix applies it: fix "enableUuidTrue"/);
      assert.match(t, /KB 1028881/);
    });

    it('14. "Check the whole cluster before tonight\'s backups" → backup_readiness under the cluster: the deep chain, the quiescing', async () => {
      const t = await invoke('vsphere_backup_readiness', { under: 'DC0_C0' });
      assert.match(t, /Backup readiness of 2 VM\(s\)/);
      assert.match(t, new RegExp(`\\[${deep.name}\\].*\\(backup\\.snapshot\\.deep\\)`));
      assert.match(t, new RegExp(`\\[${win.name}\\].*\\(backup\\.quiesce\\.enableuuid\\)`));
    });

    it('15. "Why did last night\'s backup of EXCH01 fail?" → backup_log_analysis: -3960 cannot quiesce, the log line as a link', async () => {
      const t = await invoke('backup_log_analysis', { files: [join(VDR, 'datarecovery-0.log'), join(VDR, 'datarecovery-1.log')] });
      assert.match(t, /EXCH01/);
      assert.match(t, /-3960/);
      assert.ok(t.includes(`(${lineLink(join(VDR, 'datarecovery-0.log'), 4)})`), t);
    });

    it('16. "Why does Email\'s backup keep failing?" → backup_log_analysis with the VDDK log: -3956 and vcbAPI 2338', async () => {
      const t = await invoke('backup_log_analysis', { files: [join(VDR, 'datarecovery-0.log'), join(VDR, 'vcbAPI-0.log')], detail: 'full' });
      assert.match(t, /-3956.*Email|Email.*-3956/);
      assert.match(t, /2338/);
      assert.match(t, /vcbAPI-0\.log:\d+\]\(file:/);
      assert.match(t, /details:\n```json/);
    });

    it('16b. "Why did the quiesced snapshot fail?" → backup_log_analysis of a VM\'s vmware.log: the guest\'s quiesce error at its line', async () => {
      const file = join(tmp, 'vmware.log');
      writeFileSync(file, [
        '2024-03-05T02:00:01.120Z| vmx| I005: Tools: started',
        '2024-03-05T02:00:09.004Z| vmx| I005: Msg_Post: The guest OS has reported an error during quiescing. Error code was: 2',
        '2024-03-05T02:00:09.500Z| vmx| I005: SnapshotVMX: snapshot taken',
      ].join('\n') + '\n');
      const t = await invoke('backup_log_analysis', { files: [file] });
      assert.match(t, /the guest reported an error while quiescing/);
      assert.ok(t.includes(`(${lineLink(file, 2)})`), t);
    });

    it('17. "Can this .vmx be backed up?" → backup_readiness: independent disk and physical RDM, the .vmx lines as links', async () => {
      const file = join(VDR, 'vmx', 'rdm-independent.vmx');
      const t = await invoke('vsphere_backup_readiness', { vmxFiles: [file] });
      assert.match(t, /vdr\.independent-disk/);
      assert.match(t, /vdr\.physical-rdm/);
      assert.match(t, new RegExp(`\\(${lineLink(file, 1).replace(/#L1$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#L\\d+\\)`));
    });

    it('18. "The VM from 4.1 and last night\'s logs" → backup_readiness with .vmx and logs together', async () => {
      const t = await invoke('vsphere_backup_readiness', { vmxFiles: [join(VDR, 'vmx', 'w2k8r2-41.vmx')], logFiles: [join(VDR, 'datarecovery-0.log')] });
      assert.match(t, /vdr\.win2008-app-quiesce/);
      assert.match(t, /vdr\.log\.quiesce-3960/);
      assert.match(t, /w2k8r2-41\.vmx:\d+\]\(file:.*\) `disk\.EnableUUID = "TRUE"`/);
    });

    it('19. "This VM will not start" → vmx_lint: the duplicated keys, both lines as links', async () => {
      const file = join(VMX, 'dup-case.vmx');
      const t = await invoke('vmx_lint', { files: [file] });
      assert.match(t, /3 error\(s\)/);
      assert.match(t, /"memSize" is already set on line 4/);
      assert.ok(t.includes(`(${lineLink(file, 9)})`) && t.includes(`(${lineLink(file, 4)})`), t);
    });

    it('20. "What is wrong with this .vmx?" → vmx_lint on a damaged file: lines VMware ignores', async () => {
      const t = await invoke('vmx_lint', { files: [join(VMX, 'garbage.vmx')] });
      assert.match(t, /[1-9]\d* error\(s\)/);
      assert.match(t, /VMware ignores this line|no closing quote|Missing "="/);
    });

    it('21. "Which certificates expire this quarter?" → certificate_status: the host expiring in 19–20 days, by handshake', async () => {
      const t = await invoke('certificate_status', { endpoints: [`127.0.0.1:${serverPort}`, lab.vcsim.url.replace('https://', '')] });
      assert.match(t, /2 endpoint\(s\) checked: 1 expired or expiring within 90 day\(s\)/);
      assert.match(t, /\*\*warning\*\* 127\.0\.0\.1:\d+: "esx-expiring\.lab\.local" .*expires in (19|20) day\(s\)/);
      assert.match(t, /TLS handshake with 127\.0\.0\.1:\d+: leaf SHA-256 [0-9A-F:]{95}/);
    });

    it('22. "When do our certificates expire?" → certificate_status of the connection: the expiry board, every host and the vCenter', async () => {
      const t = await invoke('certificate_status', {});
      assert.match(t, /^4 certificate\(s\) of 127\.0\.0\.1:\d+ \(VMware vCenter Server/);
      assert.ok(t.includes(lab.vcsim.thumbprintSha256), t);
      assert.match(t, /vCenter .*expires in 36[45] day\(s\).*RSA 1024/);
      assert.match(t, /host DC0_C0_H0/);
      const own = await invoke('certificate_status', { board: false });
      assert.match(own, /key-too-small|1024/);
    });

    it('23. A malformed request is refused with what is wrong, before anything runs', async () => {
      await assert.rejects(invoke('vsphere_find_vms', { limit: 'ten' }), /"limit" must be a number/);
      await assert.rejects(invoke('vsphere_vm_power', { vm: deep.name }), /"action" is required/);
    });
  });

  describe('the mutating tool', () => {
    const powerOf = async (v: LabVm) => (await lab.vcsim.listVms()).find((x) => x.moref === v.moref)!.powerState;

    it('its confirmation says what changes on which VM, and preparing changes nothing', async () => {
      const p = await a.agents.prepare('vsphereLab_vsphere_vm_power', { vm: deep.name, action: 'powerOff' });
      assert.equal(p?.confirmationMessages?.title, `Power off ${deep.name}?`);
      const msg = (p!.confirmationMessages!.message as vscode.MarkdownString).value;
      assert.ok(msg.includes(`VM "${deep.name}" (/DC0/vm/${deep.name}, ${deep.moref}) on host ${deep.hostName}`), msg);
      assert.match(msg, /now poweredOn, will be powered off at once/);
      assert.match(msg, /unsaved work in it is lost/);
      assert.equal(await powerOf(deep), 'poweredOn');
      await assert.rejects(a.agents.prepare('vsphereLab_vsphere_vm_power', { vm: off.name, action: 'powerOff' }), /is poweredOff: power off needs it poweredOn or suspended\. Nothing was changed\./);
    });

    it('in an untrusted workspace it is refused and nothing changes (trust state stubbed: the rig runs with trust disabled)', async () => {
      a.agents.setTrustOverride(false);
      try {
        await assert.rejects(invoke('vsphere_vm_power', { vm: deep.name, action: 'powerOff' }), /refused in an untrusted workspace/);
        assert.equal(await powerOf(deep), 'poweredOn');
        assert.match(await invoke('vmx_lint', { files: [join(VMX, 'dup-case.vmx')] }), /3 error\(s\)/, 'read-only tools still answer');
      } finally {
        a.agents.setTrustOverride(undefined);
      }
    });

    it('every power action asks first: a confirmation for each, naming the VM; a read-only tool asks only before reading files outside the workspace', async () => {
      for (const [action, title] of [['powerOn', 'Power on'], ['reset', 'Reset'], ['shutdownGuest', 'Shut down the guest of']] as const) {
        const vm = action === 'powerOn' ? off : deep;
        const p = await a.agents.prepare('vsphereLab_vsphere_vm_power', { vm: vm.name, action });
        assert.equal(p?.confirmationMessages?.title, `${title} ${vm.name}?`, action);
      }
      const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
      const inside = await a.agents.prepare('vsphereLab_vmx_lint', { files: [join(ws, 'duplicates.vmx'), 'win2008r2.vmx'] });
      assert.equal(inside?.confirmationMessages, undefined, 'a read-only tool on workspace files needs no confirmation');
      const outside = await a.agents.prepare('vsphereLab_vmx_lint', { files: ['duplicates.vmx', join(VMX, 'dup-case.vmx')] });
      assert.equal(outside?.confirmationMessages?.title, 'Let vSphere Lab read these files outside the workspace?');
      assert.equal((outside!.confirmationMessages!.message as vscode.MarkdownString).value, `- \`${join(VMX, 'dup-case.vmx')}\``);
    });

    it('24. "Snapshot the VM before patching" → vm_snapshot take: confirmation names it, the tree read back', async () => {
      const p = await a.agents.prepare('vsphereLab_vsphere_vm_snapshot', { vm: deep.name, action: 'take', snapshot: 'agent-check' });
      assert.equal(p?.confirmationMessages?.title, `Take snapshot "agent-check" of ${deep.name}?`);
      assert.match((p!.confirmationMessages!.message as vscode.MarkdownString).value, /a new snapshot "agent-check" under the current one \("base \/ before-upgrade \/ before-patch \/ before-app"\)/);
      const t = await invoke('vsphere_vm_snapshot', { vm: deep.name, action: 'take', snapshot: 'agent-check' });
      assert.match(t, new RegExp(`${deep.name} now has 5 snapshot\\(s\\); current "base / before-upgrade / before-patch / before-app / agent-check"`));
    });

    it('25. "Drop the before-patch snapshot" → vm_snapshot delete: its children move up, named in the confirmation', async () => {
      const p = await a.agents.prepare('vsphereLab_vsphere_vm_snapshot', { vm: deep.name, action: 'delete', snapshot: 'before-patch' });
      assert.match((p!.confirmationMessages!.message as vscode.MarkdownString).value, /snapshot "base \/ before-upgrade \/ before-patch" is deleted; its 1 child snapshot\(s\) \("before-app"\) move to its parent/);
      const t = await invoke('vsphere_vm_snapshot', { vm: deep.name, action: 'delete', snapshot: 'before-patch' });
      assert.match(t, /now has 4 snapshot\(s\)/);
      assert.match(t, /now: "base", "base \/ before-upgrade", "base \/ before-upgrade \/ before-app", "base \/ before-upgrade \/ before-app \/ agent-check" \(current\)/);
    });

    it('26. "Fix disk.EnableUUID on the Windows VM" → backup_fix: a running VM is skipped unless asked to shut it down; then fixed and re-checked', async () => {
      const p = await a.agents.prepare('vsphereLab_vsphere_backup_fix', { fix: 'enableUuidTrue', vms: [win.name] });
      assert.match((p!.confirmationMessages!.message as vscode.MarkdownString).value, /now poweredOn: skipped: it is poweredOn and this fix needs it powered off/);
      const skipped = await invoke('vsphere_backup_fix', { fix: 'enableUuidTrue', vms: [win.name] });
      assert.match(skipped, /0 of 1 VM\(s\) fixed/);
      assert.match(await invoke('vsphere_backup_readiness', { vm: win.name }), /backup\.quiesce\.enableuuid/, 'nothing changed');
      const fixed = await invoke('vsphere_backup_fix', { fix: 'enableUuidTrue', vms: [win.name], mode: 'shutdownApplyPowerOn' });
      assert.match(fixed, /1 of 1 VM\(s\) fixed and re-checked/);
      assert.doesNotMatch(await invoke('vsphere_backup_readiness', { vm: win.name }), /backup\.quiesce\.enableuuid/);
      assert.equal(await powerOf(win), 'poweredOn', 'powered on again');
    });

    it('confirmed (outside a chat VS Code\'s dialog service confirms under tests), the VM powers off and the state is read back', async () => {
      const t = await invoke('vsphere_vm_power', { vm: deep.name, action: 'powerOff' });
      assert.match(t, new RegExp(`Power off ${deep.name}: done; ${deep.name} is now poweredOff`));
      assert.ok(t.includes(`API VirtualMachine:${deep.moref} "${deep.name}" \`runtime.powerState\` = poweredOff`));
      assert.equal(await powerOf(deep), 'poweredOff');
    });
  });
});
