/**
 * The ESXi simulator's SFTP subsystem over its root (a temp dir playing the host's "/"): open,
 * read, write, stat, setstat, readdir, mkdir, rmdir, remove, rename and posix-rename@openssh.com.
 * Paths that would leave the root are refused (PERMISSION_DENIED); links are not supported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils, type Attributes, type SFTPWrapper } from 'ssh2';
import type { Resolve } from './shell';

const { STATUS_CODE } = utils.sftp;

/** Answer one SFTP session until it closes. */
export function serveSftp(sftp: SFTPWrapper, resolve: Resolve): void {
  type H = { kind: 'file'; fd: number; path: string } | { kind: 'dir'; path: string; entries: string[] | null };
  const handles = new Map<number, H>();
  let next = 1;
  const newHandle = (h: H) => {
    const id = next++;
    handles.set(id, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(id);
    return b;
  };
  const getHandle = (b: Buffer) => (b.length === 4 ? handles.get(b.readUInt32BE(0)) : undefined);
  const attrsOf = (st: fs.Stats): Attributes => ({ mode: st.mode, uid: 0, gid: 0, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) });
  const fail = (id: number, e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    sftp.status(id, code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' || code === 'EPERM' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE, (e as Error).message);
  };
  const withPath = (id: number, p: string, f: (real: string) => void) => {
    const real = resolve(p);
    if (!real) {
      sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
      return;
    }
    try {
      f(real);
    } catch (e) {
      fail(id, e);
    }
  };
  sftp.on('REALPATH', (id, p) => {
    const abs = path.posix.resolve('/', p || '.');
    sftp.name(id, [{ filename: abs, longname: abs, attrs: {} as Attributes }]);
  });
  sftp.on('STAT', (id, p) => withPath(id, p, (r) => sftp.attrs(id, attrsOf(fs.statSync(r)))));
  sftp.on('LSTAT', (id, p) => withPath(id, p, (r) => sftp.attrs(id, attrsOf(fs.lstatSync(r)))));
  sftp.on('OPEN', (id, p, flags, attrs) =>
    withPath(id, p, (r) => {
      const mode = utils.sftp.flagsToString(flags);
      if (!mode) {
        sftp.status(id, STATUS_CODE.BAD_MESSAGE, 'bad open flags');
        return;
      }
      const fd = fs.openSync(r, mode, attrs?.mode ?? 0o644);
      sftp.handle(id, newHandle({ kind: 'file', fd, path: r }));
    }),
  );
  sftp.on('READ', (id, hb, offset, len) => {
    const h = getHandle(hb);
    if (!h || h.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    try {
      const buf = Buffer.alloc(Math.min(len, 256 * 1024));
      const n = fs.readSync(h.fd, buf, 0, buf.length, offset);
      if (n === 0) sftp.status(id, STATUS_CODE.EOF);
      else sftp.data(id, buf.subarray(0, n));
    } catch (e) {
      fail(id, e);
    }
  });
  sftp.on('WRITE', (id, hb, offset, data) => {
    const h = getHandle(hb);
    if (!h || h.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    try {
      fs.writeSync(h.fd, data, 0, data.length, offset);
      sftp.status(id, STATUS_CODE.OK);
    } catch (e) {
      fail(id, e);
    }
  });
  sftp.on('FSTAT', (id, hb) => {
    const h = getHandle(hb);
    if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    try {
      sftp.attrs(id, attrsOf(h.kind === 'file' ? fs.fstatSync(h.fd) : fs.statSync(h.path)));
    } catch (e) {
      fail(id, e);
    }
  });
  const setstat = (id: number, real: string, a: Attributes, fd?: number) => {
    if (a.mode !== undefined) {
      if (fd !== undefined) fs.fchmodSync(fd, a.mode & 0o7777);
      else fs.chmodSync(real, a.mode & 0o7777);
    }
    if (a.size !== undefined) {
      if (fd !== undefined) fs.ftruncateSync(fd, a.size);
      else fs.truncateSync(real, a.size);
    }
    if (a.atime !== undefined && a.mtime !== undefined) fs.utimesSync(real, a.atime, a.mtime);
    sftp.status(id, STATUS_CODE.OK);
  };
  sftp.on('FSETSTAT', (id, hb, a) => {
    const h = getHandle(hb);
    if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    try {
      setstat(id, h.path, a, h.kind === 'file' ? h.fd : undefined);
    } catch (e) {
      fail(id, e);
    }
  });
  sftp.on('SETSTAT', (id, p, a) => withPath(id, p, (r) => setstat(id, r, a)));
  sftp.on('CLOSE', (id, hb) => {
    const h = getHandle(hb);
    if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    handles.delete(hb.readUInt32BE(0));
    try {
      if (h.kind === 'file') fs.closeSync(h.fd);
      sftp.status(id, STATUS_CODE.OK);
    } catch (e) {
      fail(id, e);
    }
  });
  sftp.on('OPENDIR', (id, p) =>
    withPath(id, p, (r) => {
      if (!fs.statSync(r).isDirectory()) {
        sftp.status(id, STATUS_CODE.FAILURE, 'not a directory');
        return;
      }
      sftp.handle(id, newHandle({ kind: 'dir', path: r, entries: null }));
    }),
  );
  sftp.on('READDIR', (id, hb) => {
    const h = getHandle(hb);
    if (!h || h.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    if (h.entries === null) {
      h.entries = ['.', '..', ...fs.readdirSync(h.path).sort()];
    }
    if (!h.entries.length) return sftp.status(id, STATUS_CODE.EOF);
    const batch = h.entries.splice(0, 100);
    sftp.name(
      id,
      batch.map((n) => {
        const st = fs.statSync(path.join(h.path, n));
        return { filename: n, longname: `${st.isDirectory() ? 'd' : '-'}rw-r--r--    1 root     root     ${st.size} ${n}`, attrs: attrsOf(st) };
      }),
    );
  });
  sftp.on('MKDIR', (id, p, a) =>
    withPath(id, p, (r) => {
      fs.mkdirSync(r, { mode: a?.mode ?? 0o755 });
      sftp.status(id, STATUS_CODE.OK);
    }),
  );
  sftp.on('RMDIR', (id, p) =>
    withPath(id, p, (r) => {
      fs.rmdirSync(r);
      sftp.status(id, STATUS_CODE.OK);
    }),
  );
  sftp.on('REMOVE', (id, p) =>
    withPath(id, p, (r) => {
      fs.unlinkSync(r);
      sftp.status(id, STATUS_CODE.OK);
    }),
  );
  sftp.on('RENAME', (id, a, b) =>
    withPath(id, a, (ra) => {
      const rb = resolve(b);
      if (!rb) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
      if (fs.existsSync(rb)) return sftp.status(id, STATUS_CODE.FAILURE, 'target exists');
      fs.renameSync(ra, rb);
      sftp.status(id, STATUS_CODE.OK);
    }),
  );
  sftp.on('EXTENDED', (id, name, data) => {
    if (name === 'posix-rename@openssh.com' && data) {
      // string oldpath, string newpath
      const l1 = data.readUInt32BE(0);
      const a = data.subarray(4, 4 + l1).toString('utf8');
      const l2 = data.readUInt32BE(4 + l1);
      const b = data.subarray(8 + l1, 8 + l1 + l2).toString('utf8');
      const ra = resolve(a);
      const rb = resolve(b);
      if (!ra || !rb) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the root');
      try {
        fs.renameSync(ra, rb);
        sftp.status(id, STATUS_CODE.OK);
      } catch (e) {
        fail(id, e);
      }
      return;
    }
    sftp.status(id, STATUS_CODE.OP_UNSUPPORTED);
  });
  for (const ev of ['READLINK', 'SYMLINK'] as const) sftp.on(ev, (id: number) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
  sftp.on('close', () => {
    for (const h of handles.values()) if (h.kind === 'file') fs.closeSync(h.fd);
    handles.clear();
  });
}
