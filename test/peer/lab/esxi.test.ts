import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import { withLab, makeSelfSignedCert, servedThumbprints, thumbprintsOfPem } from '../../lab';
import { connect, exec, keyboardOnly, sftpOf, sftpRead, sftpReaddir, sftpRename, sftpWrite } from './helpers';

describe('lab: ESXi simulator', function () {
  this.timeout(60_000);
  const lab = withLab({ vcsim: { esx: true, vm: 3 }, esxi: { password: 'VMware1!' } });
  let c: Client;

  before(async () => {
    c = await connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostVerifier: (k: Buffer) => k.equals(lab.esxi.hostKeyBlob) });
    lab.beforeStop(() => c.end());
  });

  it('vim-cmd vmsvc/getallvms lists the paired vcsim\'s VMs', async () => {
    const r = await exec(c, 'vim-cmd vmsvc/getallvms');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^Vmid\s+Name\s+File\s+Guest OS\s+Version\s+Annotation$/);
    const vms = await lab.vcsim.listVms();
    assert.equal(lines.length, 1 + vms.length);
    for (const vm of vms) {
      const row = lines.find((l) => l.includes(` ${vm.name} `));
      assert.ok(row, `row for ${vm.name}`);
      assert.match(row, new RegExp(`^${vm.moref.replace(/\D/g, '')}\\s+${vm.name}\\s+\\[LocalDS_0\\] ${vm.name}/${vm.name}\\.vmx\\s+otherGuest\\s+vmx-\\d+$`));
    }
  });

  it('vim-cmd vmsvc/power.getstate answers per VM, NotFound otherwise', async () => {
    const vm = (await lab.vcsim.listVms())[0];
    const r = await exec(c, `vim-cmd vmsvc/power.getstate ${vm.moref.replace(/\D/g, '')}`);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Retrieved runtime info\nPowered on\n');
    const bad = await exec(c, 'vim-cmd vmsvc/power.getstate 99999');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /vim\.fault\.NotFound/);
  });

  it('esxcli system version get and vmware -v', async () => {
    const r = await exec(c, 'esxcli system version get');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {3}Product: VMware ESXi\n {3}Version: 6\.5\.0\n {3}Build: Releasebuild-5969303\n {3}Update: 0\n/);
    const v = await exec(c, 'vmware -v');
    assert.equal(v.stdout, 'VMware ESXi 6.5.0 build-5969303\n');
  });

  it('esxtop -b prints PDH-CSV with host and per-VM memory columns, honouring injected perf', async () => {
    const vms = await lab.vcsim.listVms();
    await lab.vcsim.injectPerf({ entity: vms[0].moref, counter: 'mem.vmmemctl.average', values: [2048, 4096] }, { entity: 'VirtualMachine', counter: 'mem.swapped.average', values: [1024] });
    const r = await exec(c, 'esxtop -b -d 0.05 -n 2');
    await lab.vcsim.clearPerf();
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\r\n');
    assert.equal(lines.length, 3);
    const cells = (l: string) => l.slice(1, -1).split('","');
    const head = cells(lines[0]);
    assert.equal(head[0], '(PDH-CSV 4.0) (UTC)(0)');
    assert.ok(head.includes('\\\\localhost.localdomain\\Memory\\Free MBytes'));
    assert.ok(head.includes('\\\\localhost.localdomain\\Memory\\Swap Used MBytes'));
    const col = (name: string) => {
      const i = head.findIndex((h) => h.endsWith(name));
      assert.ok(i > 0, `column ${name}`);
      return i;
    };
    const balloonCol = col(`:${vms[0].name})\\Memctl MBytes`);
    const swapCol = col(`:${vms[1].name})\\Swapped MBytes`);
    const s1 = cells(lines[1]);
    const s2 = cells(lines[2]);
    assert.equal(s1.length, head.length);
    assert.match(s1[0], /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    assert.equal(Number(s1[balloonCol]), 2);
    assert.equal(Number(s2[balloonCol]), 4);
    assert.equal(Number(s1[swapCol]), 1);
    assert.equal(Number(s1[col('\\Memory\\Swap Used MBytes')]), vms.length * 1);
    for (const vm of vms) assert.ok(head.some((h) => h.includes(`:${vm.name})\\Memory Size MBytes`)));
  });

  it('unknown commands answer like busybox (exit 127)', async () => {
    const r = await exec(c, 'frobnicate --now');
    assert.equal(r.code, 127);
    assert.equal(r.stderr, 'sh: frobnicate: not found\n');
  });

  it('ls, cat, cp, mv work inside the root; && short-circuits', async () => {
    const ls = await exec(c, 'ls /etc/vmware/ssl');
    assert.equal(ls.stdout, 'rui.crt\nrui.key\n');
    const cat = await exec(c, 'cat /etc/vmware/ssl/rui.crt');
    assert.equal(cat.stdout, fs.readFileSync(lab.vcsim.certFile, 'utf8'));
    const cp = await exec(c, 'cp /etc/vmware/ssl/rui.crt /etc/vmware/ssl/rui.crt.bak && mv /etc/vmware/ssl/rui.crt.bak /tmp.bak');
    assert.equal(cp.code, 0, cp.stderr);
    assert.ok(fs.existsSync(path.join(lab.esxi.root, 'tmp.bak')));
    const miss = await exec(c, 'cat /nope && echo never');
    assert.equal(miss.code, 1);
    assert.equal(miss.stdout, '');
    assert.match(miss.stderr, /cat: can't open '\/nope': No such file or directory/);
    const esc = await exec(c, 'cat ../../../../etc/passwd');
    assert.notEqual(esc.stdout.split('\n')[0], fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0]);
  });

  it('SFTP writes land in the root and read back', async () => {
    const sftp = await sftpOf(c);
    await sftpWrite(sftp, '/etc/vmware/ssl/note.txt', 'hello esxi\n');
    assert.equal(fs.readFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/note.txt'), 'utf8'), 'hello esxi\n');
    assert.equal((await sftpRead(sftp, '/etc/vmware/ssl/note.txt')).toString(), 'hello esxi\n');
    await sftpRename(sftp, '/etc/vmware/ssl/note.txt', '/etc/vmware/ssl/note2.txt');
    assert.deepEqual(await sftpReaddir(sftp, '/etc/vmware/ssl'), ['note2.txt', 'rui.crt', 'rui.key']);
    const vmx = (await lab.vcsim.listVms())[0];
    const dir = `/vmfs/volumes/LocalDS_0/${vmx.name}`;
    assert.match((await sftpRead(sftp, `${dir}/${vmx.name}.vmx`)).toString(), /displayName = "/);
    sftp.end();
    fs.rmSync(path.join(lab.esxi.root, 'etc/vmware/ssl/note2.txt'));
  });

  it('hostd restart makes the paired vcsim serve the certificate from the SFTP root', async () => {
    const before = await servedThumbprints(lab.vcsim.host, lab.vcsim.port);
    const next = makeSelfSignedCert({ commonName: 'esxi-new.lab.local', bits: 2048 });
    const sftp = await sftpOf(c);
    await sftpWrite(sftp, '/etc/vmware/ssl/rui.crt', next.certPem);
    await sftpWrite(sftp, '/etc/vmware/ssl/rui.key', next.keyPem);
    sftp.end();
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, before.sha256, 'nothing changes before the restart');

    const r = await exec(c, '/etc/init.d/hostd restart');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^watchdog-hostd: Terminating watchdog process with PID \d+\nhostd stopped\.\n/);
    assert.match(r.stdout, /Begin 'hostd \+\+min=0,swap,group=hostd \/etc\/vmware\/hostd\/config\.xml'/);
    assert.match(r.stdout, /hostd started\.\n$/);
    const after = await servedThumbprints(lab.vcsim.host, lab.vcsim.port);
    assert.equal(after.sha256, next.thumbprintSha256);
    assert.equal(thumbprintsOfPem(fs.readFileSync(lab.vcsim.certFile, 'utf8')).sha256, next.thumbprintSha256);
  });

  it('a failing restart (failRestart or a key that does not match) applies nothing', async () => {
    const served = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const other = makeSelfSignedCert({ commonName: 'never.lab.local' });
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), other.certPem);
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), other.keyPem);
    lab.esxi.failRestart = true;
    const r1 = await exec(c, 'services.sh restart');
    lab.esxi.failRestart = false;
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /hostd failed to start/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, served);

    const mismatched = makeSelfSignedCert({ commonName: 'mismatch.lab.local' });
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), mismatched.keyPem);
    const r2 = await exec(c, '/etc/init.d/hostd restart');
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /does not match/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, served);

    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), other.keyPem);
    const r3 = await exec(c, 'services.sh restart');
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stdout, /hostd started\./);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, other.thumbprintSha256);
  });

  it('restartFailure after-load: the new pair is served, then hostd exits 1; servedCerts records each pair', async () => {
    const before = (await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256;
    const from = lab.esxi.servedCerts.length;
    assert.equal(lab.esxi.servedCerts[from - 1], before);
    const next = makeSelfSignedCert({ commonName: 'after-load.lab.local', bits: 2048 });
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), next.certPem);
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), next.keyPem);
    lab.esxi.restartFailure = { mode: 'after-load', times: 1 };
    const r = await exec(c, '/etc/init.d/hostd restart');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hostd failed to start/);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, next.thumbprintSha256, 'the new certificate is live');
    assert.deepEqual(lab.esxi.servedCerts.slice(from - 1), [before, next.thumbprintSha256]);
    assert.equal(lab.esxi.restartFailure, undefined, 'used up');
    const again = await exec(c, '/etc/init.d/hostd restart');
    assert.equal(again.code, 0, again.stderr);
  });

  it('restartFailure stops-answering: "hostd started", then no TLS handshake completes until the next restart', async () => {
    const next = makeSelfSignedCert({ commonName: 'hang.lab.local', bits: 2048 });
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.crt'), next.certPem);
    fs.writeFileSync(path.join(lab.esxi.root, 'etc/vmware/ssl/rui.key'), next.keyPem);
    lab.esxi.restartFailure = { mode: 'stops-answering', times: 1 };
    const r = await exec(c, 'services.sh restart');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /hostd started\./);
    assert.equal(lab.esxi.unresponsive, true);
    assert.equal(lab.esxi.servedCerts[lab.esxi.servedCerts.length - 1], next.thumbprintSha256, 'loaded before it hung');
    await assert.rejects(servedThumbprints(lab.vcsim.host, lab.vcsim.port, 700), /timed out/);
    const back = await exec(c, '/etc/init.d/hostd restart');
    assert.equal(back.code, 0, back.stderr);
    assert.equal(lab.esxi.unresponsive, false);
    assert.equal((await servedThumbprints(lab.vcsim.host, lab.vcsim.port)).sha256, next.thumbprintSha256);
  });

  it('accepts keyboard-interactive, rejects a wrong password', async () => {
    const k = await connect({
      host: lab.esxi.host,
      port: lab.esxi.port,
      username: 'root',
      hostVerifier: (key: Buffer) => key.equals(lab.esxi.hostKeyBlob),
      authHandler: keyboardOnly('root', 'VMware1!'),
    });
    assert.equal((await exec(k, 'vmware -v')).code, 0);
    k.end();
    await assert.rejects(connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'nope', hostVerifier: () => true }), /authentication methods failed/);
  });

  it('a client pinning another host key refuses to connect', async () => {
    await assert.rejects(
      connect({ host: lab.esxi.host, port: lab.esxi.port, username: 'root', password: 'VMware1!', hostVerifier: (k: Buffer) => !k.equals(lab.esxi.hostKeyBlob) }),
      /verification failed/i,
    );
  });
});
