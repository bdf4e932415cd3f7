import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkIntegers } from './settings';

export interface ResultSpoolOptions {
  /** Folder of the segment files; created if missing. One process per folder (a LOCK file). */
  dir: string;
  /** Bytes on disk (and waiting to be written) beyond which `append` refuses. Default 512 MiB. */
  maxBytes?: number;
  /** A segment is sealed after this many rows. Default 10000. */
  segmentRows?: number;
  /** ... or this many bytes. Default 8 MiB. */
  segmentBytes?: number;
  /** Appended lines reach the disk (write + fdatasync) at most this late. Default 200 ms. */
  syncMs?: number;
}

/** One segment file: `seg-<sequence>.jsonl`, one JSON line per row. */
export interface SpoolSegment {
  readonly seq: number;
  readonly path: string;
  rows: number;
  bytes: number;
  /** No more appends (full, read back, or found at start-up). */
  sealed: boolean;
  /** Read back into memory; deleted once `remaining` reaches 0. */
  loaded: boolean;
  remaining: number;
}

const SEGMENT = /^seg-(\d{16})\.jsonl$/;
const openDirs = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A bounded, append-only disk queue of text lines in segment files, for results the database
 * cannot take now. Lines are appended in memory and written with one fdatasync per batch; a
 * segment is read back whole, oldest first, and deleted only once every row read from it was
 * committed (`commit`). Segments left by a crashed process are found at `open` and read back
 * first. A torn last line (crash mid-write) is skipped and counted in `corrupt` by the reader.
 */
export class ResultSpool {
  private readonly segments: SpoolSegment[] = [];
  private current: { seg: SpoolSegment; fh: fs.FileHandle } | null = null;
  private pending: string[] = [];
  private io: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private nextSeq = 1;
  private totalBytes = 0;
  private unreadRows = 0;
  private closed = false;
  /** Rows found on disk at start-up (left by an earlier process). */
  readonly recovered: number;
  /** Lines `append` refused because the spool was at `maxBytes`. */
  dropped = 0;
  lastError: string | null = null;

  private constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly segmentRows: number,
    private readonly segmentBytes: number,
    private readonly syncMs: number,
  ) {
    for (const name of readdirSync(dir).sort()) {
      const m = SEGMENT.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const text = readFileSync(path, 'utf8');
      const rows = text.split('\n').filter((l) => l !== '').length;
      const bytes = statSync(path).size;
      this.segments.push({
        seq: Number(m[1]),
        path,
        rows,
        bytes,
        sealed: true,
        loaded: false,
        remaining: rows,
      });
      this.totalBytes += bytes;
      this.unreadRows += rows;
      this.nextSeq = Number(m[1]) + 1;
    }
    this.recovered = this.unreadRows;
  }

  /** Opens (creating) the spool folder, takes its lock and finds segments left from before. */
  static open(options: ResultSpoolOptions): ResultSpool {
    const o = {
      maxBytes: options.maxBytes ?? 512 * 1024 * 1024,
      segmentRows: options.segmentRows ?? 10_000,
      segmentBytes: options.segmentBytes ?? 8 * 1024 * 1024,
      syncMs: options.syncMs ?? 200,
    };
    checkIntegers(o, {
      maxBytes: [1024, Number.MAX_SAFE_INTEGER],
      segmentRows: [1, 10_000_000],
      segmentBytes: [1024, 1024 * 1024 * 1024],
      syncMs: [0, 60_000],
    });
    const dir = resolve(options.dir);
    if (openDirs.has(dir)) throw new Error(`result spool ${dir} is already open in this process`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Two processes appending to and deleting the same segments would lose or repeat rows.
    const lock = join(dir, 'LOCK');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new Error(
          `result spool ${dir} is in use by process ${pid} (give each process its own spoolDir)`,
        );
    }
    writeFileSync(lock, `${process.pid}\n`);
    openDirs.add(dir);
    try {
      return new ResultSpool(dir, o.maxBytes, o.segmentRows, o.segmentBytes, o.syncMs);
    } catch (err) {
      openDirs.delete(dir);
      throw err;
    }
  }

  /** Rows appended and not yet read back. */
  get unread(): number {
    return this.unreadRows;
  }

  /** Bytes on disk plus bytes waiting to be written (what `maxBytes` bounds). */
  get bytes(): number {
    return this.totalBytes;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Queues one line (no newline in it) for the disk. Returns false, and counts it, when the
   * spool would exceed `maxBytes` or is closed.
   */
  append(line: string): boolean {
    const size = Buffer.byteLength(line) + 1;
    if (this.closed || this.totalBytes + size > this.maxBytes) {
      this.dropped++;
      return false;
    }
    this.pending.push(line);
    this.totalBytes += size;
    this.unreadRows++;
    if (!this.timer) {
      const ms = this.pending.length >= this.segmentRows ? 0 : this.syncMs;
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.sync().catch(() => undefined);
      }, ms);
      this.timer.unref();
    }
    return true;
  }

  /** Writes every appended line to disk (write + fdatasync); resolves once they are durable. */
  sync(): Promise<void> {
    const run = this.io.then(() => this.writePending());
    this.io = run.catch((err: unknown) => {
      this.lastError = (err as Error).message;
    });
    return run;
  }

  /**
   * The oldest segment not yet read, with its lines (the segment being appended to is sealed
   * first). Null when nothing is unread.
   */
  async readNext(): Promise<{ segment: SpoolSegment; lines: string[] } | null> {
    await this.sync();
    const segment = this.segments.find((s) => !s.loaded);
    if (!segment) return null;
    if (!segment.sealed) await this.seal();
    const text = await fs.readFile(segment.path, 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    segment.loaded = true;
    segment.remaining = lines.length;
    this.unreadRows -= segment.rows;
    if (lines.length === 0) await this.remove(segment);
    return { segment, lines };
  }

  /** `n` rows read from `segment` are stored (or given up): the last ones delete the file. */
  async commit(segment: SpoolSegment, n: number): Promise<void> {
    segment.remaining -= n;
    if (segment.remaining <= 0 && this.segments.includes(segment)) await this.remove(segment);
  }

  /** Writes what is pending, closes the open segment and releases the folder's lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.sync();
      await this.seal();
    } finally {
      this.closed = true;
      openDirs.delete(this.dir);
      try {
        unlinkSync(join(this.dir, 'LOCK'));
      } catch {
        // already gone: nothing to release
      }
    }
  }

  private async remove(segment: SpoolSegment): Promise<void> {
    const i = this.segments.indexOf(segment);
    if (i >= 0) this.segments.splice(i, 1);
    this.totalBytes -= segment.bytes;
    await fs.unlink(segment.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  private async seal(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    cur.seg.sealed = true;
    await cur.fh.close();
  }

  private async writePending(): Promise<void> {
    while (this.pending.length) {
      if (!this.current) {
        const seq = this.nextSeq++;
        const seg: SpoolSegment = {
          seq,
          path: join(this.dir, `seg-${String(seq).padStart(16, '0')}.jsonl`),
          rows: 0,
          bytes: 0,
          sealed: false,
          loaded: false,
          remaining: 0,
        };
        const fh = await fs.open(seg.path, 'a', 0o600);
        this.segments.push(seg);
        this.current = { seg, fh };
      }
      const { seg, fh } = this.current;
      let take = 0;
      let bytes = 0;
      while (
        take < this.pending.length &&
        seg.rows + take < this.segmentRows &&
        (take === 0 ||
          seg.bytes + bytes + Buffer.byteLength(this.pending[take]) + 1 <= this.segmentBytes)
      ) {
        bytes += Buffer.byteLength(this.pending[take]) + 1;
        take++;
      }
      const chunk = this.pending.slice(0, take);
      const text = chunk.join('\n') + '\n';
      await fh.write(text);
      await fh.datasync();
      this.pending.splice(0, take);
      seg.rows += take;
      seg.bytes += bytes;
      if (seg.rows >= this.segmentRows || seg.bytes >= this.segmentBytes) await this.seal();
    }
  }
}
