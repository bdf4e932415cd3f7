/**
 * A Linux network namespace joined to this host by a veth pair, for interop tests that need
 * addresses other than loopback: IPv6 only, unique-local addresses under fd42::/16 that the test
 * chooses itself (never this machine's own networks). Needs root and iproute2's `ip`.
 *
 * Everything created is removed by `destroy()`, which also works on a half-built setup; a
 * process started inside the namespace exits when its stdin closes, so even a crashed test
 * run leaves no server behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Address6 } from 'ip-address';

const ULA_TEST_NETWORK = new Address6('fd42::/16');

export type NetnsAvailability = { ok: true } | { ok: false; reason: string };

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Whether this process can create namespaces (root, `ip`, kernel support): tried for real. */
export function netnsAvailability(): NetnsAvailability {
  if (process.platform !== 'linux') return { ok: false, reason: 'not Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root' };
  try {
    ip(['-V']);
  } catch {
    return { ok: false, reason: 'iproute2 `ip` is not installed' };
  }
  const probe = `nwchk${process.pid}`;
  try {
    ip(['netns', 'add', probe]);
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace: ${(error as Error).message}` };
  }
  try {
    ip(['netns', 'del', probe]);
  } catch {
    // Deleted or not, the check succeeded; a leftover empty namespace holds nothing.
  }
  return { ok: true };
}

export interface NetnsOptions {
  /** Namespace name. */
  name: string;
  /** veth end on this host, and the end moved into the namespace (at most 15 characters each). */
  hostInterface: string;
  nsInterface: string;
  /** `fd42:6e77::1/64` style; both must be inside fd42::/16. */
  hostAddress: string;
  nsAddress: string;
}

export interface NamespaceProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line that matches, rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

export class TestNetns {
  private readonly created = { namespace: false, veth: false };
  private readonly processes: NamespaceProcess[] = [];

  private constructor(readonly options: NetnsOptions) {}

  /** Builds the namespace; on any failure removes what it made and rethrows. */
  static create(options: NetnsOptions): TestNetns {
    for (const cidr of [options.hostAddress, options.nsAddress]) {
      const address = new Address6(cidr);
      if (!address.isInSubnet(ULA_TEST_NETWORK))
        throw new Error(`refusing ${cidr}: test namespaces use fd42::/16 addresses only`);
    }
    for (const name of [options.hostInterface, options.nsInterface])
      if (name.length > 15) throw new Error(`interface name ${name} is longer than 15 characters`);
    const ns = new TestNetns(options);
    try {
      ns.build();
    } catch (error) {
      ns.destroySync();
      throw error;
    }
    return ns;
  }

  private build(): void {
    const o = this.options;
    ip(['netns', 'add', o.name]);
    this.created.namespace = true;
    ip(['link', 'add', o.hostInterface, 'type', 'veth', 'peer', 'name', o.nsInterface]);
    this.created.veth = true;
    ip(['link', 'set', o.nsInterface, 'netns', o.name]);
    // nodad: the addresses are usable at once (no duplicate address detection wait).
    ip(['-6', 'addr', 'add', o.hostAddress, 'dev', o.hostInterface, 'nodad']);
    ip(['link', 'set', o.hostInterface, 'up']);
    ip(['-n', o.name, 'link', 'set', 'lo', 'up']);
    ip(['-n', o.name, '-6', 'addr', 'add', o.nsAddress, 'dev', o.nsInterface, 'nodad']);
    ip(['-n', o.name, 'link', 'set', o.nsInterface, 'up']);
  }

  /** Runs `node -e script` inside the namespace. */
  spawnNode(script: string): NamespaceProcess {
    const child = spawn(
      'ip',
      ['netns', 'exec', this.options.name, process.execPath, '-e', script],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const handle: NamespaceProcess = {
      child,
      waitFor: (pattern, timeoutMs = 10_000) =>
        new Promise((resolve, reject) => {
          const check = () => {
            const match = pattern.exec(stdout);
            if (match) {
              done();
              resolve(match);
            }
          };
          const onExit = () => {
            done();
            reject(new Error(`namespace process exited (${child.exitCode}): ${stderr.trim()}`));
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`no ${pattern} from the namespace process within ${timeoutMs} ms`));
          }, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            child.stdout?.off('data', check);
            child.off('exit', onExit);
          };
          child.stdout?.on('data', check);
          child.once('exit', onExit);
          check();
        }),
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin?.end();
          child.kill('SIGTERM');
          await exited;
        }
      },
    };
    this.processes.push(handle);
    return handle;
  }

  /** Stops the processes started here, then deletes the veth pair and the namespace. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop()));
    this.destroySync();
  }

  private destroySync(): void {
    const o = this.options;
    // Deleting one end of a veth pair deletes both; deleting the namespace would too.
    if (this.created.veth) {
      try {
        ip(['link', 'del', o.hostInterface]);
      } catch {
        // already gone with the namespace
      }
      this.created.veth = false;
    }
    if (this.created.namespace) {
      try {
        ip(['netns', 'del', o.name]);
      } catch {
        // reported by `leftovers()`
      }
      this.created.namespace = false;
    }
  }

  /** What is still there after `destroy()` (for the test to assert nothing is). */
  leftovers(): string[] {
    const o = this.options;
    const out: string[] = [];
    if (
      ip(['netns', 'list'])
        .split('\n')
        .some((l) => l.split(' ')[0] === o.name)
    )
      out.push(`namespace ${o.name}`);
    try {
      ip(['link', 'show', o.hostInterface]);
      out.push(`interface ${o.hostInterface}`);
    } catch {
      // gone, as it should be
    }
    return out;
  }
}
