/**
 * The Certificates board in the real VS Code:
 * - a mixed-generation lab (a vCenter 8.0 whose hosts are their own ESXi 4.1, 5.5 and 8.0 peers,
 *   each serving a certificate of another expiry): the board lists them sorted by expiry with the
 *   route each generation takes, the tree's host nodes carry the expiry badge at the thresholds,
 *   and the CSV export writes one line per certificate;
 * - a rotation from the board: a direct ESXi 8.0 connection whose certificate expires in 10 days,
 *   CSR made on the host, signed by `openssl` as the CA, imported as a folder and deployed through
 *   the API route: the host serves the new certificate and the connection's pin follows it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { servedThumbprints, startVcsim, withLab, type Vcsim } from '../../lab/index';
import { makeTestCa, type TestCa } from '../../peer/esxi/ca';
import { boardToCsv } from '../../../src/core/certs/board';
import type { VsphereLabApi } from '../../../src/extension/extension';
import type { PanelHost } from '../../../src/extension/panels/panelHost';
import type { CertBoardProtocol, CertBoardState } from '../../../src/webview/certBoard/protocol';

const EXTENSION_ID = 'vsphere-lab.vsphere-lab';
type Board = PanelHost<CertBoardProtocol, CertBoardState>;
const descriptionOf = (t: vscode.TreeItem): string => String(t.description ?? '');

describe('Certificates board: a mixed-generation lab (real VS Code)', function () {
  this.timeout(180_000);
  const lab = withLab({
    generation: '8.0', vcsim: { vm: 0, username: 'administrator@vsphere.local', password: 'Lab-pass.1' },
    hosts: [{ generation: '4.1', certDays: 20 }, { generation: '5.5', certDays: 120 }, { generation: '8.0', certDays: 5 }],
  }, { timeoutMs: 180_000 });
  let a: VsphereLabApi;
  let conn: string;
  let tmp: string;
  const boards: Board[] = [];

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: lab.vcsim.sdkUrl, username: lab.vcsim.username, password: lab.vcsim.password, label: 'mixed-lab' });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: lab.vcsim.thumbprintSha256 }));
    await a.inventory.sessions.load(conn);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-board-it-'));
  });
  lab.beforeStop(async () => {
    for (const b of boards) b.dispose();
    await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every host and the vCenter sorted by expiry, with the route of each generation', async () => {
    const board = await vscode.commands.executeCommand<Board>('vsphereLab.showCertificates', { conn });
    boards.push(board);
    await board.ready;
    assert.equal(board.panel.title, 'Certificates: mixed-lab');
    const { board: b, warnDays } = await board.call('load', {});
    assert.deepEqual(warnDays, [90, 30, 7]);
    const mine = b.rows.filter((r) => r.role === 'vcenter' || lab.hosts.some((h) => h.moref === r.moref));
    assert.deepEqual(mine.map((r) => [r.generation, r.daysLeft, r.route]), [
      ['8.0', 4, 'host-api'], ['4.1', 19, 'ssh-hostd'], ['5.5', 119, 'ssh-rhttpproxy'], ['8.0', 364, 'vcsa-rest'],
    ]);
    for (const r of mine.filter((x) => x.role === 'host')) {
      assert.equal(r.cert?.sha256, lab.hosts.find((h) => h.moref === r.moref)!.vcsim.thumbprintSha256);
    }
  });

  it('host nodes carry the expiry badge within the thresholds, none beyond them', async () => {
    const item = async (moref: string) => a.inventory.provider.getTreeItem(a.inventory.provider.itemNode(conn, `host:${moref}`));
    const [h41, h55, h80] = lab.hosts;
    assert.match(descriptionOf(await item(h41.moref)), /cert 19 d/);
    assert.match(descriptionOf(await item(h80.moref)), /cert 4 d/);
    assert.doesNotMatch(descriptionOf(await item(h55.moref)), /cert/);
    const t = await item(h80.moref);
    assert.match(String((t.contextValue ?? '')), /;cert-critical(;|$)/);
    assert.match(t.tooltip instanceof vscode.MarkdownString ? t.tooltip.value : '', /expires on \d{4}-\d{2}-\d{2} \(4 days left\)/);
  });

  it('exports the board as CSV (one line per certificate)', async () => {
    const board = boards[0];
    const { board: b } = await board.call('load', {});
    const target = vscode.Uri.file(path.join(tmp, 'board.csv'));
    const r = await board.call('exportCsv', { csv: boardToCsv(b), suggestedName: 'x.csv', target: target.toString() });
    assert.equal(r.saved, true);
    const lines = fs.readFileSync(target.fsPath, 'utf8').trim().split(/\r\n/);
    assert.match(lines[0], /^"role","name","endpoint"/);
    assert.equal(lines.length, 1 + b.rows.reduce((n, row) => n + 1 + row.chain.length, 0));
  });
});

describe('Certificates board: a rotation from the board (real VS Code)', function () {
  this.timeout(180_000);
  let a: VsphereLabApi;
  let host: Vcsim;
  let ca: TestCa;
  let conn: string;
  let tmp: string;
  let board: Board | undefined;

  before(async () => {
    a = await vscode.extensions.getExtension<VsphereLabApi>(EXTENSION_ID)!.activate();
    host = await startVcsim({ esx: true, generation: '8.0', vm: 0, username: 'root', password: 'Lab-pass.1', certDays: 10 });
    ca = makeTestCa();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-rotate-it-'));
    conn = await vscode.commands.executeCommand<string>('vsphereLab.addConnection', { url: host.sdkUrl, username: 'root', password: 'Lab-pass.1', label: 'esx80-rotate' });
    assert.ok(await vscode.commands.executeCommand<boolean>('vsphereLab.trustCertificate', { conn, thumbprint: host.thumbprintSha256 }));
    await a.inventory.sessions.load(conn);
  });
  after(async () => {
    board?.dispose();
    await vscode.commands.executeCommand('vsphereLab.removeConnection', conn, { confirm: false });
    await host?.stop();
    ca?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('CSR on the host, signed, imported as a folder, deployed through the API: the new certificate is live', async () => {
    board = await vscode.commands.executeCommand<Board>('vsphereLab.showCertificates', { conn });
    await board.ready;
    const { board: b } = await board.call('load', {});
    assert.equal(b.rows.length, 1, 'a direct ESXi connection: its one host, no vCenter row');
    const row = b.rows[0];
    assert.equal(row.daysLeft, 9);
    assert.equal(row.route, 'host-api');
    const csrDir = vscode.Uri.file(path.join(tmp, 'csr'));
    fs.mkdirSync(csrDir.fsPath);
    const req = await board.call('requestCsrs', { hosts: [row.id], target: csrDir.toString() });
    assert.equal(req.hosts[0].mode, 'on-host');
    const signedDir = path.join(tmp, 'signed');
    fs.mkdirSync(signedDir);
    fs.writeFileSync(path.join(signedDir, 'esx.cer'), ca.sign(fs.readFileSync(req.hosts[0].file!, 'utf8')));
    fs.writeFileSync(path.join(signedDir, 'root.crt'), ca.certPem);
    const run = await board.call('rotate', { hosts: [row.id], sources: [vscode.Uri.file(signedDir).toString()] });
    assert.deepEqual(run.hosts.map((h) => [h.status, h.route]), [['new', 'host-api']], JSON.stringify(run));
    const live = await servedThumbprints(host.host, host.port);
    assert.equal(live.sha256, run.hosts[0].newSha256);
    assert.equal(a.inventory.store.get(conn)?.thumbprintSha256, live.sha256, 'the connection pins the certificate it now serves');
    await a.inventory.sessions.load(conn);
    const again = await board.call('load', {});
    assert.ok((again.board.rows[0].daysLeft ?? 0) > 300, 'the board shows the new expiry');
  });
});
